package spec

import (
	"fmt"
	"path"
	"regexp"
	"strconv"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"

	"github.com/pave-dev/pave/pkg/api/v1alpha1"
)

// Metrics says where the service serves its metrics: a port (default the
// service port) and a path (default /metrics).
type Metrics struct {
	Port int32
	Path string
}

// SLO is the service's objective. Every field is optional; the policy
// bounds them and gives the window's default. Rendered as the workload's
// pave.dev/slo-* annotations, so a hand-written Deployment says the same.
type SLO struct {
	Availability string // percent, "99.9"
	Latency      string // "500ms"
	Percentile   string // "p99"
	Window       string // "30d"
}

var (
	percentile = regexp.MustCompile(`^p(50|75|90|95|99|99\.9)$`)
	window     = regexp.MustCompile(`^[1-9][0-9]?d$`)
)

func (p parser) metrics(n *yaml.Node, service string) (*Metrics, error) {
	if n.Kind != yaml.MappingNode {
		return nil, p.errAt(n.Line, service, "metrics", "expected a mapping with port and path")
	}
	m := &Metrics{Path: "/metrics"}
	for i := 0; i < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		field := "metrics." + k.Value
		switch k.Value {
		case "port":
			port, err := p.integer(v, service, field)
			if err != nil {
				return nil, err
			}
			if port < 1 || port > 65535 {
				return nil, p.errAt(v.Line, service, field, fmt.Sprintf("%d is not a port; use 1 to 65535", port))
			}
			m.Port = int32(port)
		case "path":
			if !path.IsAbs(v.Value) {
				return nil, p.errAt(v.Line, service, field, fmt.Sprintf("%q must start with /", v.Value))
			}
			m.Path = v.Value
		default:
			return nil, p.errAt(k.Line, service, field, "unknown field; known fields are port and path")
		}
	}
	return m, nil
}

func (p parser) slo(n *yaml.Node, service string) (*SLO, error) {
	if n.Kind != yaml.MappingNode {
		return nil, p.errAt(n.Line, service, "slo", "expected a mapping, e.g. {availability: 99.9, latency: {p99: 500ms}, window: 30d}")
	}
	s := &SLO{}
	for i := 0; i < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		field := "slo." + k.Value
		switch k.Value {
		case "availability":
			a, err := strconv.ParseFloat(strings.TrimSuffix(v.Value, "%"), 64)
			if v.Kind != yaml.ScalarNode || err != nil || !(a > 0 && a < 100) { // NaN too
				return nil, p.errAt(v.Line, service, field, fmt.Sprintf("%q is not a percentage below 100; write e.g. 99.9", v.Value))
			}
			s.Availability = strings.TrimSuffix(v.Value, "%")
		case "latency":
			if v.Kind != yaml.MappingNode || len(v.Content) != 2 || !percentile.MatchString(v.Content[0].Value) {
				return nil, p.errAt(v.Line, service, field, "expected one percentile and its target, e.g. {p99: 500ms} (p50, p75, p90, p95, p99 or p99.9)")
			}
			d, err := time.ParseDuration(v.Content[1].Value)
			if err != nil || d <= 0 {
				return nil, p.errAt(v.Content[1].Line, service, field+"."+v.Content[0].Value, fmt.Sprintf("%q is not a duration; write e.g. 500ms", v.Content[1].Value))
			}
			s.Percentile, s.Latency = v.Content[0].Value, v.Content[1].Value
		case "window":
			if !window.MatchString(v.Value) {
				return nil, p.errAt(v.Line, service, field, fmt.Sprintf("%q is not a window in days; write e.g. 30d", v.Value))
			}
			s.Window = v.Value
		default:
			return nil, p.errAt(k.Line, service, field, "unknown field; known fields are availability, latency and window")
		}
	}
	return s, nil
}

// annotations are the SLO as the workload carries it.
func (s *SLO) annotations() map[string]string {
	out := map[string]string{}
	for k, v := range map[string]string{
		v1alpha1.AnnotationSLOAvailability: s.Availability,
		v1alpha1.AnnotationSLOLatency:      s.Latency,
		v1alpha1.AnnotationSLOPercentile:   s.Percentile,
		v1alpha1.AnnotationSLOWindow:       s.Window,
	} {
		if v != "" {
			out[k] = v
		}
	}
	return out
}

// observe adds what the service says of its metrics and SLO: the metrics
// port as a container port named metrics (exposed by the Service too, for
// a ServiceMonitor), or, on the service port, that port renamed
// http-metrics; the path as prometheus.io/path; the SLO as annotations.
func observe(s Service, w metav1.Object, tmpl *corev1.PodTemplateSpec, svc *corev1.Service) {
	if s.SLO != nil {
		w.SetAnnotations(s.SLO.annotations())
	}
	m := s.Metrics
	if m == nil {
		return
	}
	c := &tmpl.Spec.Containers[0]
	if m.Port == 0 || m.Port == s.Port {
		for i := range c.Ports {
			c.Ports[i].Name = "http-metrics"
		}
		if c.ReadinessProbe != nil {
			c.ReadinessProbe.HTTPGet.Port = intstr.FromString("http-metrics")
		}
		if svc != nil {
			svc.Spec.Ports[0].TargetPort = intstr.FromString("http-metrics")
		}
	} else {
		c.Ports = append(c.Ports, corev1.ContainerPort{Name: "metrics", ContainerPort: m.Port, Protocol: corev1.ProtocolTCP})
		if svc != nil {
			svc.Spec.Ports = append(svc.Spec.Ports, corev1.ServicePort{Name: "metrics", Port: m.Port, TargetPort: intstr.FromString("metrics"), Protocol: corev1.ProtocolTCP})
		}
	}
	if m.Path != "/metrics" {
		tmpl.Annotations = map[string]string{v1alpha1.AnnotationScrapePath: m.Path}
	}
}

// podTemplate is the template of the rendered workload.
func podTemplate(w any) *corev1.PodTemplateSpec {
	switch o := w.(type) {
	case *appsv1.Deployment:
		return &o.Spec.Template
	case *appsv1.StatefulSet:
		return &o.Spec.Template
	}
	return nil
}
