package mutators

import (
	"reflect"
	"testing"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"

	"github.com/pave-dev/pave/pkg/policy"
)

// TestEncodingCoversEveryField holds the fast comparison to its premise:
// every field of what it compares is in the protobuf encoding, so that two
// sidecars that differ anywhere encode differently. A Kubernetes release
// that added a field without a protobuf tag would fail here, not let a
// look-alike sidecar through.
func TestEncodingCoversEveryField(t *testing.T) {
	// Types that encode themselves: a quantity as its canonical string, a
	// time as seconds and nanoseconds, an int-or-string as a tagged union.
	// Equal encodings are equal to equality.Semantic, which same consults.
	leaves := map[reflect.Type]bool{reflect.TypeFor[resource.Quantity](): true, reflect.TypeFor[intstr.IntOrString](): true,
		reflect.TypeFor[metav1.Time](): true, reflect.TypeFor[metav1.MicroTime](): true}
	seen := map[reflect.Type]bool{}
	var walk func(typ reflect.Type, path string)
	walk = func(typ reflect.Type, path string) {
		for typ.Kind() == reflect.Pointer || typ.Kind() == reflect.Slice || typ.Kind() == reflect.Map {
			if typ.Kind() == reflect.Map {
				walk(typ.Key(), path+"[key]")
			}
			typ = typ.Elem()
		}
		if typ.Kind() != reflect.Struct || leaves[typ] || seen[typ] {
			return
		}
		seen[typ] = true
		for i := range typ.NumField() {
			f := typ.Field(i)
			if !f.IsExported() {
				t.Errorf("%s.%s: unexported field of %s", path, f.Name, typ)
				continue
			}
			if f.Tag.Get("protobuf") == "" {
				t.Errorf("%s.%s (%s) has no protobuf tag: the encoding would not see it", path, f.Name, typ)
			}
			walk(f.Type, path+"."+f.Name)
		}
	}
	for _, root := range []any{corev1.EnvVar{}, corev1.EnvFromSource{}, corev1.VolumeMount{}, corev1.ContainerPort{}, corev1.VolumeSource{}} {
		walk(reflect.TypeOf(root), reflect.TypeOf(root).Name())
	}
}

// TestEncodedAgreesWithSame: the fast comparison says "equal" of the
// template itself (else it is never taken), and only where same does.
func TestEncodedAgreesWithSame(t *testing.T) {
	s := preparedFor(policy.Default())
	if len(s.container.Env) == 0 || len(s.volumes) == 0 {
		t.Fatal("the default sidecar template has no env or volumes to compare")
	}
	var buf []byte
	c := s.container.DeepCopy()
	if !sameEncoded(c.Env, s.encoded.env, &buf) || !sameEncoded(c.VolumeMounts, s.encoded.mounts, &buf) || !sameEncoded(c.Ports, s.encoded.ports, &buf) {
		t.Fatal("the template's own env, mounts or ports do not encode to the template's")
	}
	for i := range s.volumes {
		v := s.volumes[i].DeepCopy()
		if !encodesTo(&v.VolumeSource, s.encoded.volumes[i], &buf) {
			t.Fatalf("volume %s does not encode to itself", v.Name)
		}
	}

	changes := map[string]func(c *corev1.Container){
		"env value": func(c *corev1.Container) { c.Env[0].Value += "x" },
		"env name":  func(c *corev1.Container) { c.Env[0].Name += "X" },
		"env order": func(c *corev1.Container) { c.Env[0], c.Env[len(c.Env)-1] = c.Env[len(c.Env)-1], c.Env[0] },
		"env added": func(c *corev1.Container) { c.Env = append(c.Env, corev1.EnvVar{Name: "EXTRA"}) },
		"env from secret": func(c *corev1.Container) {
			c.Env[0].ValueFrom = &corev1.EnvVarSource{SecretKeyRef: &corev1.SecretKeySelector{Key: "k"}}
		},
		"env empty": func(c *corev1.Container) { c.Env = []corev1.EnvVar{} },
		"mount read-write": func(c *corev1.Container) {
			for i := range c.VolumeMounts {
				c.VolumeMounts[i].ReadOnly = !c.VolumeMounts[i].ReadOnly
			}
		},
		"mount path":         func(c *corev1.Container) { c.VolumeMounts[0].MountPath += "/x" },
		"mount subpath":      func(c *corev1.Container) { c.VolumeMounts[0].SubPath = "x" },
		"port":               func(c *corev1.Container) { c.Ports = append(c.Ports, corev1.ContainerPort{ContainerPort: 1}) },
		"nil env and mounts": func(c *corev1.Container) { c.Env, c.VolumeMounts = nil, nil },
	}
	for name, change := range changes {
		c := s.container.DeepCopy()
		change(c)
		pairs := []struct {
			fast, slow bool
		}{
			{sameEncoded(c.Env, s.encoded.env, &buf), same(&c.Env, &s.container.Env)},
			{sameEncoded(c.VolumeMounts, s.encoded.mounts, &buf), same(&c.VolumeMounts, &s.container.VolumeMounts)},
			{sameEncoded(c.Ports, s.encoded.ports, &buf), same(&c.Ports, &s.container.Ports)},
		}
		for i, p := range pairs {
			if p.fast && !p.slow {
				t.Errorf("%s: part %d encodes as the template's but differs from it", name, i)
			}
		}
	}

	for i := range s.volumes {
		v := s.volumes[i].DeepCopy()
		mode := int32(0o777)
		switch {
		case v.ConfigMap != nil:
			v.ConfigMap.DefaultMode = &mode
		case v.Secret != nil:
			v.Secret.DefaultMode = &mode
		case v.Projected != nil:
			v.Projected.DefaultMode = &mode
		case v.DownwardAPI != nil:
			v.DownwardAPI.DefaultMode = &mode
		case v.EmptyDir != nil:
			limit := resource.MustParse("1Gi")
			v.EmptyDir.SizeLimit = &limit
		default:
			v.VolumeSource = corev1.VolumeSource{HostPath: &corev1.HostPathVolumeSource{Path: "/"}}
		}
		if encodesTo(&v.VolumeSource, s.encoded.volumes[i], &buf) {
			t.Errorf("volume %s, changed, still encodes as the template's", v.Name)
		}
	}
}
