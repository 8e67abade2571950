package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// writeCorpus writes n Deployments over files of perFile documents each: a third
// compliant, a third fixable by the mutators, a third that pave must deny. The
// variety (sizes, containers, env, probes) keeps the benchmark honest about
// real manifests rather than one cached shape.
func writeCorpus(dir string, n, perFile int) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	var b strings.Builder
	file := 0
	flush := func() error {
		if b.Len() == 0 {
			return nil
		}
		path := filepath.Join(dir, fmt.Sprintf("deployments-%03d.yaml", file))
		file++
		err := os.WriteFile(path, []byte(b.String()), 0o644)
		b.Reset()
		return err
	}
	for i := range n {
		b.WriteString("---\n")
		deployment(&b, i)
		if (i+1)%perFile == 0 {
			if err := flush(); err != nil {
				return err
			}
		}
	}
	return flush()
}

// writeList writes the same n Deployments as one List in one file, as
// `kubectl get -o yaml` writes them: a single document that holds them all,
// whose live heap is many times its size.
func writeList(path string, n int) error {
	var b strings.Builder
	b.WriteString("apiVersion: v1\nkind: List\nitems:\n")
	for i := range n {
		var d strings.Builder
		deployment(&d, i)
		for j, line := range strings.Split(strings.TrimSuffix(d.String(), "\n"), "\n") {
			b.WriteString(map[bool]string{true: "- ", false: "  "}[j == 0] + line + "\n")
		}
	}
	return os.WriteFile(path, []byte(b.String()), 0o644)
}

// deployment writes the i-th Deployment: compliant, fixable or hostile in turn.
func deployment(b *strings.Builder, i int) {
	switch i % 3 {
	case 0:
		compliant(b, i)
	case 1:
		fixable(b, i)
	default:
		hostile(b, i)
	}
}

func header(b *strings.Builder, i int, kind string) {
	fmt.Fprintf(b, `apiVersion: apps/v1
kind: Deployment
metadata:
  name: %s-%d
  namespace: team-%d
  labels:
    app.kubernetes.io/name: %s-%d
    pave.dev/team: team-%d
spec:
  replicas: %d
  selector:
    matchLabels:
      app.kubernetes.io/name: %s-%d
  template:
    metadata:
      labels:
        app.kubernetes.io/name: %s-%d
        pave.dev/team: team-%d
    spec:
`, kind, i, i%17, kind, i, i%17, 1+i%5, kind, i, kind, i, i%17)
}

func compliant(b *strings.Builder, i int) {
	header(b, i, "svc")
	fmt.Fprintf(b, `      automountServiceAccountToken: false
      securityContext:
        runAsNonRoot: true
        seccompProfile: {type: RuntimeDefault}
      containers:
      - name: app
        image: registry.example.com/team-%d/app:1.%d.0
        ports: [{name: http, containerPort: 8080}]
        env:
        - {name: LOG_LEVEL, value: info}
        - name: DB_URL
          valueFrom: {secretKeyRef: {name: db, key: url}}
        readinessProbe: {httpGet: {path: /ready, port: http}, periodSeconds: 10}
        resources:
          requests: {cpu: 250m, memory: 256Mi}
          limits: {memory: 512Mi}
        securityContext:
          allowPrivilegeEscalation: false
          capabilities: {drop: [ALL]}
`, i%17, i%40)
}

func fixable(b *strings.Builder, i int) {
	header(b, i, "web")
	fmt.Fprintf(b, `      containers:
      - name: web
        image: nginx:1.27.%d
        ports: [{containerPort: 80}]
      - name: metrics
        image: registry.example.com/exporters/nginx:0.%d.1
        env:
        - {name: SCRAPE_URI, value: "http://localhost/stub_status"}
`, i%9, i%12)
	if i%2 == 0 {
		b.WriteString("        readinessProbe: {httpGet: {path: /metrics, port: 9113}}\n")
	}
}

func hostile(b *strings.Builder, i int) {
	header(b, i, "bad")
	switch i % 4 {
	case 0:
		b.WriteString("      containers:\n      - name: c\n        image: busybox:latest\n")
	case 1:
		b.WriteString("      hostNetwork: true\n      containers:\n      - name: c\n        image: registry.example.com/ops/agent:2.0.0\n        securityContext: {privileged: true}\n")
	case 2:
		b.WriteString("      containers:\n      - name: c\n        image: registry.example.com/app/api:3.1.0\n        env:\n        - {name: DB_PASSWORD, value: hunter2}\n")
	default:
		b.WriteString("      volumes: [{name: h, hostPath: {path: /var/run}}]\n      containers:\n      - name: c\n        image: alpine\n        securityContext: {runAsUser: 0, capabilities: {add: [NET_ADMIN]}}\n        volumeMounts: [{name: h, mountPath: /h}]\n")
	}
}
