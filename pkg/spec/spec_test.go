package spec_test

import (
	"bytes"
	"flag"
	"os"
	"strings"
	"testing"

	"github.com/pave-dev/pave/pkg/spec"
)

var update = flag.Bool("update", false, "rewrite testdata/*.golden.yaml (review the diff)")

// The seed document's example works verbatim and renders to the reviewed golden
// output, byte for byte, every time.
func TestRenderSeed(t *testing.T) {
	data, err := os.ReadFile("testdata/seed.yaml")
	if err != nil {
		t.Fatal(err)
	}
	f, err := spec.Parse("seed.yaml", data)
	if err != nil {
		t.Fatal(err)
	}
	s := f.Services[0]
	if s.Name != "payment-service" || s.Replicas != 3 || s.Port != 8080 || s.Probe.PeriodSeconds != 10 ||
		s.Probe.Path != "/health" || s.CPU.String() != "500m" || s.Memory.String() != "512Mi" {
		t.Fatalf("parsed %+v", s)
	}
	if s.Env[0] != (spec.Env{Name: "DB_URL", Secret: "payment-db-conn-string", Key: "DB_URL"}) {
		t.Fatalf("env %+v", s.Env)
	}
	out, err := spec.RenderFile(f)
	if err != nil {
		t.Fatal(err)
	}
	again, _ := spec.RenderFile(f)
	if !bytes.Equal(out, again) {
		t.Fatal("render is not deterministic")
	}
	golden := "testdata/seed.golden.yaml"
	if *update {
		if err := os.WriteFile(golden, out, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(want, out) {
		t.Fatalf("render differs from %s:\n%s", golden, out)
	}
}

func TestRenderOrderAndOptionalFields(t *testing.T) {
	f, err := spec.Parse("s.yaml", []byte(`services:
  zeta: {image: "z:1"}
  alpha:
    image: a:1
    namespace: shop
    team: web
    zone: public
    cost_center: cc-1
    env:
      - {name: LOG_LEVEL, value: info}
      - {name: API_TOKEN, secret: api, key: token}
`))
	if err != nil {
		t.Fatal(err)
	}
	out, _ := spec.RenderFile(f)
	s := string(out)
	if strings.Index(s, "name: alpha") > strings.Index(s, "name: zeta") {
		t.Fatal("services not rendered in name order")
	}
	for _, want := range []string{"namespace: shop", "pave.dev/team: web", "pave.dev/zone: public", "pave.dev/cost-center: cc-1", "key: token", "value: info", "replicas: 2"} {
		if !strings.Contains(s, want) {
			t.Errorf("output lacks %q", want)
		}
	}
	if strings.Count(s, "kind: Service\n") != 0 {
		t.Error("a service without a port got a Service")
	}
}

func TestParseErrorsNameFileLineServiceAndField(t *testing.T) {
	cases := []struct {
		name, doc, want string
	}{
		{"bad quantity", "services:\n  web:\n    image: x:1\n    cpu: lots\n", `s.yaml:4: service "web": field cpu: "lots" is not a quantity`},
		{"huge quantity", "services:\n  web:\n    image: x:1\n    memory: 1e400\n", `s.yaml:4: service "web": field memory: "1e400" is more than any machine has; write e.g. 512Mi or 1Gi`},
		{"huge cpu", "services:\n  web:\n    image: x:1\n    cpu: 10P\n", `s.yaml:4: service "web": field cpu: "10P" is more than any machine has`},
		{"fractional bytes", "services:\n  web:\n    image: x:1\n    memory: 1.5\n", `s.yaml:4: service "web": field memory: "1.5" is not a whole number of bytes; write e.g. 512Mi or 1Gi`},
		{"fractional volume size", "services:\n  db:\n    image: x:1\n    volumes:\n      - {name: data, size: 100m, path: /d}\n", `s.yaml:5: service "db": field volumes[0].size: "100m" is not a whole number of bytes`},
		{"unknown field", "services:\n  web:\n    image: x:1\n    cpus: 1\n", `s.yaml:4: service "web": field cpus: unknown field`},
		{"missing image", "services:\n  web:\n    cpu: 1\n", `s.yaml:2: service "web": field image: required`},
		{"bad interval", "services:\n  web:\n    image: x:1\n    port: 80\n    readiness_probe: {path: /h, interval: 1.5s}\n", `s.yaml:5: service "web": field readiness_probe.interval: "1.5s" is not a whole number of seconds`},
		{"probe without port", "services:\n  web:\n    image: x:1\n    readiness_probe: {path: /h}\n", `s.yaml:2: service "web": field port: required when readiness_probe is set`},
		{"env with both", "services:\n  web:\n    image: x:1\n    env:\n      - {name: A, value: b, secret: c}\n", `s.yaml:5: service "web": field env[0]: A needs exactly one of value or secret`},
		{"duplicate env", "services:\n  web:\n    image: x:1\n    env:\n      - {name: A, value: b}\n      - {name: A, value: c}\n", `s.yaml:6: service "web": field env[1].name: A is set twice`},
		{"bad name", "services:\n  Web_1:\n    image: x:1\n", `s.yaml:2: service "Web_1": the name must be lower-case`},
		{"port range", "services:\n  web:\n    image: x:1\n    port: 70000\n", `s.yaml:4: service "web": field port: 70000 is not a port`},
		{"replicas not a number", "services:\n  web:\n    image: x:1\n    replicas: three\n", `s.yaml:4: service "web": field replicas: "three" is not a whole number`},
		{"broken yaml", "services:\n  web:\n    image: [x\n", `s.yaml:`},
		{"no services", "apps:\n  web: {}\n", `s.yaml:1: field apps: unknown top-level field`},
		{"empty", "", `s.yaml:1: the file is empty`},
		{"duplicate service", "services:\n  web: {image: x:1}\n  web: {image: y:1}\n", `s.yaml:3: service "web": defined twice`},
		{"volume without size", "services:\n  db:\n    image: x:1\n    volumes:\n      - {name: data, path: /data}\n", `s.yaml:5: service "db": field volumes[0].size: required`},
		{"volume relative path", "services:\n  db:\n    image: x:1\n    volumes:\n      - {name: data, size: 1Gi, path: data}\n", `field volumes[0].path: "data" must be a clean absolute path`},
		{"volume class", "services:\n  db:\n    image: x:1\n    volumes:\n      - {name: data, size: 1Gi, path: /d, class: fast}\n", `field volumes[0].class: unknown field; known fields are name, size and path (the class and the backups are the platform's)`},
		{"metrics without any port", "services:\n  job:\n    image: x:1\n    metrics: {path: /m}\n", `s.yaml:2: service "job": field metrics.port: required when the service has no port`},
		{"metrics relative path", "services:\n  web:\n    image: x:1\n    port: 80\n    metrics: {path: m}\n", `s.yaml:5: service "web": field metrics.path: "m" must start with /`},
		{"availability NaN", "services:\n  web:\n    image: x:1\n    slo: {availability: NaN}\n", `s.yaml:4: service "web": field slo.availability: "NaN" is not a percentage below 100`},
		{"availability 100", "services:\n  web:\n    image: x:1\n    slo: {availability: 100}\n", `s.yaml:4: service "web": field slo.availability: "100" is not a percentage below 100`},
		{"latency without percentile", "services:\n  web:\n    image: x:1\n    slo: {latency: 500ms}\n", `field slo.latency: expected one percentile and its target, e.g. {p99: 500ms}`},
		{"latency not a duration", "services:\n  web:\n    image: x:1\n    slo: {latency: {p99: fast}}\n", `field slo.latency.p99: "fast" is not a duration`},
		{"window in hours", "services:\n  web:\n    image: x:1\n    slo: {window: 720h}\n", `field slo.window: "720h" is not a window in days`},
		{"memory without a unit", "services:\n  web:\n    image: x:1\n    memory: 512\n", `s.yaml:4: service "web": field memory: "512" is 512 bytes, less than a mebibyte; quantities without a unit are bytes: write e.g. 512Mi or 1Gi`},
		{"volume size without a unit", "services:\n  db:\n    image: x:1\n    volumes:\n      - {name: data, size: 10, path: /d}\n", `field volumes[0].size: "10" is 10 bytes, less than a mebibyte`},
		{"team that is no label value", "services:\n  web:\n    image: x:1\n    team: payments team\n", `s.yaml:4: service "web": field team: "payments team" cannot be a label value`},
		{"zone that is no label value", "services:\n  web:\n    image: x:1\n    zone: -internal\n", `field zone: "-internal" cannot be a label value`},
		{"cost centre that is no label value", "services:\n  web:\n    image: x:1\n    cost_center: cc/7\n", `field cost_center: "cc/7" cannot be a label value`},
		{"no service", "services: {}\n", `s.yaml:1: field services: names no service; add one`},
		{"image with spaces", "services:\n  web:\n    image: \" x:1\"\n", `s.yaml:3: service "web": field image: " x:1" has leading or trailing spaces, which the API server refuses`},
		{"volume twice", "services:\n  db:\n    image: x:1\n    volumes:\n      - {name: data, size: 1Gi, path: /d}\n      - {name: data, size: 1Gi, path: /e}\n", `field volumes[1]: data (/e) repeats`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := spec.Parse("s.yaml", []byte(c.doc))
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("err = %v, want it to contain %q", err, c.want)
			}
		})
	}
}

// A service that keeps volumes runs as a StatefulSet with a claim per pod,
// mounted where the spec says; the class and the backups are left to pave.
func TestVolumesMakeAStatefulSet(t *testing.T) {
	f, err := spec.Parse("s.yaml", []byte("services:\n  ledger:\n    image: registry.example.com/ledger:1.0.0\n    port: 8080\n    volumes:\n      - {name: data, size: 20Gi, path: /var/lib/ledger}\n"))
	if err != nil {
		t.Fatal(err)
	}
	out, err := spec.RenderFile(f)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"kind: StatefulSet", "serviceName: ledger", "mountPath: /var/lib/ledger", "volumeClaimTemplates:", "storage: 20Gi", "- ReadWriteOnce", "kind: Service"} {
		if !strings.Contains(string(out), want) {
			t.Errorf("rendered output lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(string(out), "storageClassName") || strings.Contains(string(out), "kind: Deployment") {
		t.Errorf("the spec named a class or rendered a Deployment:\n%s", out)
	}
}

// The metrics port and path and the SLO travel as plain Kubernetes: a
// metrics container port (and Service port, for a ServiceMonitor), the
// prometheus.io/path annotation, and pave.dev/slo-* annotations that a
// hand-written Deployment can carry just as well.
func TestMetricsAndSLO(t *testing.T) {
	for _, c := range []struct {
		name, fields string
		want, not    []string
	}{
		{"a metrics port of its own", "    metrics: {port: 9090, path: /prom}\n    slo: {availability: 99.9, latency: {p99: 500ms}, window: 28d}\n",
			[]string{"name: metrics\n", "containerPort: 9090", "targetPort: metrics", "prometheus.io/path: /prom", "pave.dev/slo-availability: \"99.9\"",
				"pave.dev/slo-latency: 500ms", "pave.dev/slo-latency-percentile: p99", "pave.dev/slo-window: 28d"}, nil},
		{"metrics on the service port", "    metrics: {}\n    slo: {availability: 99.5}\n",
			[]string{"name: http-metrics", "targetPort: http-metrics", "port: http-metrics", "pave.dev/slo-availability: \"99.5\""},
			[]string{"prometheus.io/path", "slo-window", "name: metrics"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			f, err := spec.Parse("s.yaml", []byte("services:\n  api:\n    image: x:1\n    port: 8080\n    readiness_probe: {path: /ready}\n"+c.fields))
			if err != nil {
				t.Fatal(err)
			}
			out, err := spec.RenderFile(f)
			if err != nil {
				t.Fatal(err)
			}
			for _, want := range c.want {
				if !strings.Contains(string(out), want) {
					t.Errorf("rendered output lacks %q:\n%s", want, out)
				}
			}
			for _, not := range c.not {
				if strings.Contains(string(out), not) {
					t.Errorf("rendered output has %q:\n%s", not, out)
				}
			}
		})
	}
}
