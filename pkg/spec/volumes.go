package spec

import (
	"fmt"
	"path"

	"go.yaml.in/yaml/v3"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// Volume is persistent storage the service keeps: with any, the service
// runs as a StatefulSet whose every pod has its own claim of Size, mounted
// at Path. The class and the backups are the platform's (docs/data.md).
type Volume struct {
	Name string
	Size resource.Quantity
	Path string
}

func (p parser) volumes(n *yaml.Node, service string) ([]Volume, error) {
	if n.Kind != yaml.SequenceNode {
		return nil, p.errAt(n.Line, service, "volumes", "expected a list of {name, size, path}")
	}
	var out []Volume
	for i, item := range n.Content {
		field := fmt.Sprintf("volumes[%d]", i)
		if item.Kind != yaml.MappingNode {
			return nil, p.errAt(item.Line, service, field, "expected {name, size, path}")
		}
		var v Volume
		var size *resource.Quantity
		for j := 0; j < len(item.Content); j += 2 {
			k, val := item.Content[j], item.Content[j+1]
			var err error
			switch k.Value {
			case "name":
				v.Name = val.Value
			case "size":
				size, err = p.quantity(val, service, field+".size", "10Gi", true)
			case "path":
				v.Path = val.Value
			default:
				err = p.errAt(k.Line, service, field+"."+k.Value, "unknown field; known fields are name, size and path (the class and the backups are the platform's)")
			}
			if err != nil {
				return nil, err
			}
		}
		switch {
		case !dnsLabel.MatchString(v.Name) || len(v.Name) > 63:
			return nil, p.errAt(item.Line, service, field+".name", fmt.Sprintf("%q must be lower-case letters, digits and '-', at most 63 characters", v.Name))
		case size == nil:
			return nil, p.errAt(item.Line, service, field+".size", "required: how much to keep, e.g. 10Gi")
		case !path.IsAbs(v.Path) || path.Clean(v.Path) != v.Path:
			return nil, p.errAt(item.Line, service, field+".path", fmt.Sprintf("%q must be a clean absolute path, e.g. /var/lib/data", v.Path))
		}
		for _, o := range out {
			if o.Name == v.Name || o.Path == v.Path {
				return nil, p.errAt(item.Line, service, field, fmt.Sprintf("%s (%s) repeats an earlier volume's name or path", v.Name, v.Path))
			}
		}
		v.Size = *size
		out = append(out, v)
	}
	return out, nil
}

// statefulSet is the Deployment d as a StatefulSet with a claim per volume.
func statefulSet(d *appsv1.Deployment, s Service) *appsv1.StatefulSet {
	sts := &appsv1.StatefulSet{
		TypeMeta:   metav1.TypeMeta{APIVersion: "apps/v1", Kind: "StatefulSet"},
		ObjectMeta: d.ObjectMeta,
		Spec: appsv1.StatefulSetSpec{
			Replicas: d.Spec.Replicas, Selector: d.Spec.Selector, Template: d.Spec.Template, ServiceName: s.Name,
		},
	}
	c := &sts.Spec.Template.Spec.Containers[0]
	for _, v := range s.Volumes {
		c.VolumeMounts = append(c.VolumeMounts, corev1.VolumeMount{Name: v.Name, MountPath: v.Path})
		sts.Spec.VolumeClaimTemplates = append(sts.Spec.VolumeClaimTemplates, corev1.PersistentVolumeClaim{
			ObjectMeta: metav1.ObjectMeta{Name: v.Name},
			Spec: corev1.PersistentVolumeClaimSpec{
				AccessModes: []corev1.PersistentVolumeAccessMode{corev1.ReadWriteOnce},
				Resources:   corev1.VolumeResourceRequirements{Requests: corev1.ResourceList{corev1.ResourceStorage: v.Size}},
			},
		})
	}
	return sts
}
