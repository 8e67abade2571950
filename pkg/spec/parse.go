package spec

import (
	"fmt"
	"math"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"
	"k8s.io/apimachinery/pkg/api/resource"
	"k8s.io/apimachinery/pkg/util/validation"
)

// Error is a spec error with its position. Service and Field are empty when the
// error is about the file as a whole.
type Error struct {
	Source  string
	Line    int
	Service string
	Field   string
	Msg     string
}

func (e *Error) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s:%d: ", e.Source, e.Line)
	if e.Service != "" {
		fmt.Fprintf(&b, "service %q: ", e.Service)
	}
	if e.Field != "" {
		fmt.Fprintf(&b, "field %s: ", e.Field)
	}
	b.WriteString(e.Msg)
	return b.String()
}

// dnsLabel is what a Kubernetes object name may be (RFC 1123 label).
var dnsLabel = regexp.MustCompile(`^[a-z0-9]([-a-z0-9]*[a-z0-9])?$`)

var envName = regexp.MustCompile(`^[-._a-zA-Z][-._a-zA-Z0-9]*$`)

// Parse reads a service spec. Every problem is reported with the file, line,
// service and field it concerns.
func Parse(source string, data []byte) (*File, error) {
	var root yaml.Node
	if err := yaml.Unmarshal(data, &root); err != nil {
		return nil, &Error{Source: source, Line: yamlErrLine(err), Msg: "invalid YAML: " + err.Error()}
	}
	p := parser{source: source}
	if len(root.Content) == 0 {
		return nil, p.errAt(1, "", "", "the file is empty; expected a top-level services: mapping")
	}
	doc := root.Content[0]
	if doc.Kind != yaml.MappingNode {
		return nil, p.errAt(doc.Line, "", "", "expected a mapping with a services: key")
	}
	var services *yaml.Node
	for i := 0; i < len(doc.Content); i += 2 {
		k, v := doc.Content[i], doc.Content[i+1]
		if k.Value != "services" {
			return nil, p.errAt(k.Line, "", k.Value, "unknown top-level field; the file holds one services: mapping")
		}
		services = v
	}
	if services == nil || services.Kind != yaml.MappingNode {
		return nil, p.errAt(doc.Line, "", "services", "expected a mapping of service names to their specs")
	}
	if len(services.Content) == 0 {
		return nil, p.errAt(services.Line, "", "services", "names no service; add one, e.g. web: {image: registry.example.com/web:1.0.0}")
	}
	f := &File{}
	seen := map[string]bool{}
	for i := 0; i < len(services.Content); i += 2 {
		k, v := services.Content[i], services.Content[i+1]
		if seen[k.Value] {
			return nil, p.errAt(k.Line, k.Value, "", "defined twice")
		}
		seen[k.Value] = true
		s, err := p.service(k, v)
		if err != nil {
			return nil, err
		}
		f.Services = append(f.Services, s)
	}
	sort.Slice(f.Services, func(i, j int) bool { return f.Services[i].Name < f.Services[j].Name })
	return f, nil
}

type parser struct{ source string }

func (p parser) errAt(line int, service, field, msg string) *Error {
	return &Error{Source: p.source, Line: line, Service: service, Field: field, Msg: msg}
}

func (p parser) service(k, v *yaml.Node) (Service, error) {
	s := Service{Name: k.Value, Line: k.Line, Replicas: DefaultReplicas}
	if !dnsLabel.MatchString(s.Name) || len(s.Name) > 63 {
		return s, p.errAt(k.Line, s.Name, "", "the name must be lower-case letters, digits and '-', at most 63 characters (it names the Deployment and Service)")
	}
	if v.Kind != yaml.MappingNode {
		return s, p.errAt(v.Line, s.Name, "", "expected a mapping of fields (image, cpu, memory, ...)")
	}
	for i := 0; i < len(v.Content); i += 2 {
		fk, fv := v.Content[i], v.Content[i+1]
		field := fk.Value
		bad := func(msg string) error { return p.errAt(fv.Line, s.Name, field, msg) }
		var err error
		switch field {
		case "image":
			s.Image, err = p.scalar(fv, s.Name, field)
			if err == nil && strings.TrimSpace(s.Image) != s.Image {
				err = bad(fmt.Sprintf("%q has leading or trailing spaces, which the API server refuses; write the image alone", s.Image))
			}
		case "cpu":
			s.CPU, err = p.quantity(fv, s.Name, field, "500m or 1", false)
		case "memory":
			s.Memory, err = p.quantity(fv, s.Name, field, "512Mi or 1Gi", true)
		case "replicas":
			var n int
			n, err = p.integer(fv, s.Name, field)
			if err == nil && (n < 0 || n > 1000) {
				err = bad(fmt.Sprintf("%d is out of range; use 0 to 1000", n))
			}
			s.Replicas = int32(n)
		case "port":
			var n int
			n, err = p.integer(fv, s.Name, field)
			if err == nil && (n < 1 || n > 65535) {
				err = bad(fmt.Sprintf("%d is not a port; use 1 to 65535", n))
			}
			s.Port = int32(n)
		case "readiness_probe":
			s.Probe, err = p.probe(fv, s.Name)
		case "env":
			s.Env, err = p.env(fv, s.Name)
		case "volumes":
			s.Volumes, err = p.volumes(fv, s.Name)
		case "metrics":
			s.Metrics, err = p.metrics(fv, s.Name)
		case "slo":
			s.SLO, err = p.slo(fv, s.Name)
		case "namespace":
			s.Namespace, err = p.scalar(fv, s.Name, field)
			if err == nil && !dnsLabel.MatchString(s.Namespace) {
				err = bad(fmt.Sprintf("%q is not a valid namespace name", s.Namespace))
			}
		case "team":
			s.Team, err = p.labelValue(fv, s.Name, field)
		case "zone":
			s.Zone, err = p.labelValue(fv, s.Name, field)
		case "cost_center":
			s.CostCenter, err = p.labelValue(fv, s.Name, field)
		default:
			err = p.errAt(fk.Line, s.Name, field, "unknown field; known fields are image, cpu, memory, replicas, port, readiness_probe, env, volumes, metrics, slo, namespace, team, zone, cost_center")
		}
		if err != nil {
			return s, err
		}
	}
	if s.Image == "" {
		return s, p.errAt(k.Line, s.Name, "image", "required: the container image to run, e.g. registry.example.com/payment:1.4.2")
	}
	if s.Metrics != nil && s.Metrics.Port == 0 && s.Port == 0 {
		return s, p.errAt(k.Line, s.Name, "metrics.port", "required when the service has no port: the port the metrics are served on")
	}
	if s.Probe != nil && s.Port == 0 {
		return s, p.errAt(k.Line, s.Name, "port", "required when readiness_probe is set: the probe calls the service port")
	}
	return s, nil
}

func (p parser) scalar(n *yaml.Node, service, field string) (string, error) {
	if n.Kind != yaml.ScalarNode || n.Value == "" {
		return "", p.errAt(n.Line, service, field, "expected a non-empty value")
	}
	return n.Value, nil
}

// labelValue reads a value pave renders as a label (team, zone, cost
// centre): the API server refuses the whole Deployment for one it cannot
// hold, far from the line that wrote it.
func (p parser) labelValue(n *yaml.Node, service, field string) (string, error) {
	v, err := p.scalar(n, service, field)
	if err != nil {
		return "", err
	}
	if errs := validation.IsValidLabelValue(v); len(errs) > 0 {
		return "", p.errAt(n.Line, service, field, fmt.Sprintf("%q cannot be a label value (%s); write e.g. payments or cost-7", v, strings.Join(errs, "; ")))
	}
	return v, nil
}

func (p parser) integer(n *yaml.Node, service, field string) (int, error) {
	v, err := strconv.Atoi(n.Value)
	if n.Kind != yaml.ScalarNode || err != nil {
		return 0, p.errAt(n.Line, service, field, fmt.Sprintf("%q is not a whole number", n.Value))
	}
	return v, nil
}

// quantity reads a positive quantity, at most the largest whose thousandths
// fit an int64, as the scheduler counts CPU (about 9.2e15: far beyond any
// machine's cores or bytes). One of bytes (memory, a volume's size) must be a
// whole number of them, which Kubernetes warns of otherwise.
func (p parser) quantity(n *yaml.Node, service, field, example string, bytes bool) (*resource.Quantity, error) {
	q, err := resource.ParseQuantity(n.Value)
	if n.Kind != yaml.ScalarNode || err != nil {
		return nil, p.errAt(n.Line, service, field, fmt.Sprintf("%q is not a quantity; write e.g. %s", n.Value, example))
	}
	switch {
	case q.Sign() <= 0:
		return nil, p.errAt(n.Line, service, field, fmt.Sprintf("%q must be greater than zero", n.Value))
	case q.Cmp(*resource.NewMilliQuantity(math.MaxInt64, resource.DecimalSI)) > 0:
		return nil, p.errAt(n.Line, service, field, fmt.Sprintf("%q is more than any machine has; write e.g. %s", n.Value, example))
	case bytes && q.MilliValue()%1000 != 0:
		return nil, p.errAt(n.Line, service, field, fmt.Sprintf("%q is not a whole number of bytes; write e.g. %s", n.Value, example))
	case bytes && q.Value() < 1<<20:
		// A number without a unit is bytes: 512 meant 512Mi, and no
		// container runs, nor volume is made, in less than a mebibyte.
		return nil, p.errAt(n.Line, service, field, fmt.Sprintf("%q is %d bytes, less than a mebibyte; quantities without a unit are bytes: write e.g. %s", n.Value, q.Value(), example))
	}
	return &q, nil
}

func (p parser) probe(n *yaml.Node, service string) (*Probe, error) {
	if n.Kind != yaml.MappingNode {
		return nil, p.errAt(n.Line, service, "readiness_probe", "expected a mapping with path and interval")
	}
	pr := &Probe{PeriodSeconds: 10}
	for i := 0; i < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		field := "readiness_probe." + k.Value
		switch k.Value {
		case "path":
			if !strings.HasPrefix(v.Value, "/") {
				return nil, p.errAt(v.Line, service, field, fmt.Sprintf("%q must start with /", v.Value))
			}
			pr.Path = v.Value
		case "interval":
			d, err := time.ParseDuration(v.Value)
			if err != nil || d < time.Second || d%time.Second != 0 {
				return nil, p.errAt(v.Line, service, field, fmt.Sprintf("%q is not a whole number of seconds; write e.g. 10s", v.Value))
			}
			pr.PeriodSeconds = int32(d / time.Second)
		default:
			return nil, p.errAt(k.Line, service, field, "unknown field; known fields are path and interval")
		}
	}
	if pr.Path == "" {
		return nil, p.errAt(n.Line, service, "readiness_probe.path", "required: the HTTP path that answers 200 when the service is ready")
	}
	return pr, nil
}

func (p parser) env(n *yaml.Node, service string) ([]Env, error) {
	if n.Kind != yaml.SequenceNode {
		return nil, p.errAt(n.Line, service, "env", "expected a list of {name, value} or {name, secret}")
	}
	var out []Env
	seen := map[string]bool{}
	for i, item := range n.Content {
		field := fmt.Sprintf("env[%d]", i)
		if item.Kind != yaml.MappingNode {
			return nil, p.errAt(item.Line, service, field, "expected {name, value} or {name, secret}")
		}
		var e Env
		var hasValue bool
		for j := 0; j < len(item.Content); j += 2 {
			k, v := item.Content[j], item.Content[j+1]
			switch k.Value {
			case "name":
				e.Name = v.Value
			case "value":
				e.Value, hasValue = v.Value, true
			case "secret":
				e.Secret = v.Value
			case "key":
				e.Key = v.Value
			default:
				return nil, p.errAt(k.Line, service, field+"."+k.Value, "unknown field; known fields are name, value, secret and key")
			}
		}
		switch {
		case !envName.MatchString(e.Name):
			return nil, p.errAt(item.Line, service, field+".name", fmt.Sprintf("%q is not a valid variable name", e.Name))
		case seen[e.Name]:
			return nil, p.errAt(item.Line, service, field+".name", fmt.Sprintf("%s is set twice", e.Name))
		case hasValue == (e.Secret != ""):
			return nil, p.errAt(item.Line, service, field, fmt.Sprintf("%s needs exactly one of value or secret", e.Name))
		case e.Key != "" && e.Secret == "":
			return nil, p.errAt(item.Line, service, field+".key", "key only goes with secret")
		case e.Secret != "" && !dnsSubdomain(e.Secret):
			return nil, p.errAt(item.Line, service, field+".secret", fmt.Sprintf("%q is not a valid Secret name", e.Secret))
		}
		seen[e.Name] = true
		if e.Secret != "" && e.Key == "" {
			e.Key = e.Name
		}
		out = append(out, e)
	}
	return out, nil
}

func dnsSubdomain(s string) bool {
	if len(s) > 253 {
		return false
	}
	for _, part := range strings.Split(s, ".") {
		if !dnsLabel.MatchString(part) {
			return false
		}
	}
	return true
}

var yamlErrLineRe = regexp.MustCompile(`line (\d+)`)

func yamlErrLine(err error) int {
	if m := yamlErrLineRe.FindStringSubmatch(err.Error()); m != nil {
		n, _ := strconv.Atoi(m[1])
		return n
	}
	return 1
}
