package mutators

import (
	"testing"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"

	"github.com/pave-dev/pave/pkg/policy"
)

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
