package policy_test

import (
	"slices"
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	policyv1 "k8s.io/api/policy/v1"

	"github.com/pave-dev/pave/pkg/api/v1alpha1"
	"github.com/pave-dev/pave/pkg/policy"
	"github.com/pave-dev/pave/pkg/quota"
	"github.com/pave-dev/pave/pkg/workload"
)

func TestDefault(t *testing.T) {
	p := policy.Default()
	s := p.Spec
	if s.Security.PodSecurityLevel != "restricted" || s.Zones.DefaultZone != "internal" ||
		len(s.Labels.Required) != 1 || s.Exceptions.Namespaces[0] != "pave-system" {
		t.Fatalf("built-in policy: %+v", s)
	}
}

// Each built-in tier counts every kind pave writes companions for, as
// many as it allows pods: a workload scaled to zero uses no pod, and without
// a count one team's namespace could hold workloads enough to take pave's
// controller, which caches them all, past its memory for every team.
func TestBuiltInTiersCountTheServedWorkloads(t *testing.T) {
	tiers := policy.Default().Spec.Tiers.Tiers
	if len(tiers) == 0 {
		t.Fatal("no built-in tiers")
	}
	for _, tier := range tiers {
		pods := tier.Quota[corev1.ResourcePods]
		for _, k := range workload.Kinds() {
			if !slices.Contains(workload.ServedKinds(), k.Kind) {
				continue
			}
			name := quota.CountName(k.Resource, k.Group)
			if got, ok := tier.Quota[name]; !ok || got.Cmp(pods) != 0 {
				t.Errorf("tier %s: %s is %v (set %v), want the tier's pods, %s", tier.Name, name, &got, ok, &pods)
			}
		}
		// Ingresses too, whose hosts the admission server holds: at most
		// ingress.MaxHosts each, so a tier's count bounds one namespace's
		// share of its memory (finding 69).
		// And PodDisruptionBudgets, as many as its pods: the admission
		// server holds them too.
		budgets := quota.CountName("poddisruptionbudgets", policyv1.GroupName)
		if got, ok := tier.Quota[budgets]; !ok || got.Cmp(pods) != 0 {
			t.Errorf("tier %s: %s is %v (set %v), want the tier's pods, %s", tier.Name, budgets, &got, ok, &pods)
		}
		ingresses := quota.CountName("ingresses", networkingv1.GroupName)
		if got, ok := tier.Quota[ingresses]; !ok || got.Sign() <= 0 || got.Cmp(pods) > 0 {
			t.Errorf("tier %s: %s is %v (set %v), want a count no larger than its pods", tier.Name, ingresses, &got, ok)
		}
	}
}

func TestLoadOverlaysTheDefaults(t *testing.T) {
	p, ex, err := policy.Load("p.yaml", []byte(`apiVersion: pave.dev/v1alpha1
kind: PlatformPolicy
metadata: {name: default}
spec:
  images: {allowedRegistries: [registry.example.com]}
  resources: {defaultLimits: {cpu: "1"}}
  rules: [{id: image-pinned, mode: warn}]
---
apiVersion: pave.dev/v1alpha1
kind: PolicyException
metadata: {name: e, namespace: pave-system}
spec:
  rules: [image-pinned]
  match: {names: [web]}
  reason: legacy vendor image without tags
  approvedBy: sec
  expiresAt: "2027-01-01T00:00:00Z"
`))
	if err != nil {
		t.Fatal(err)
	}
	if len(ex) != 1 {
		t.Fatalf("exceptions: %d", len(ex))
	}
	s := p.Spec
	if s.Images.AllowedRegistries[0] != "registry.example.com" {
		t.Error("registries not applied")
	}
	if s.Zones.DefaultZone != "internal" || s.Security.PodSecurityLevel != "restricted" {
		t.Error("fields the overlay leaves out lost their defaults")
	}
	if _, ok := s.Resources.DefaultLimits["memory"]; !ok || s.Resources.DefaultLimits.Cpu().String() != "1" {
		t.Errorf("maps merge key by key: %v", s.Resources.DefaultLimits)
	}
	if r := p.Apply(policy.Rule{ID: "image-pinned", Mode: v1alpha1.ModeEnforce, Severity: v1alpha1.SeverityHigh}); r.Mode != v1alpha1.ModeWarn || r.Severity != v1alpha1.SeverityHigh {
		t.Errorf("override: %+v", r)
	}
}

func TestLoadRejectsBadPolicies(t *testing.T) {
	head := "apiVersion: pave.dev/v1alpha1\nkind: PlatformPolicy\nmetadata: {name: default}\nspec:\n"
	cases := []struct{ name, doc, want string }{
		{"typo in a field", head + "  imagez: {}\n", `unknown field "spec.imagez"`},
		{"a registry that is a Docker Hub path", head + "  images: {allowedRegistries: [registry.example.com, ubuntu]}\n", `spec.images.allowedRegistries[1]: "ubuntu" names no registry host`},
		{"a registry in upper case", head + "  images: {allowedRegistries: [Registry.Example.com]}\n", `spec.images.allowedRegistries[0]: "Registry.Example.com" is not a registry host`},
		{"a required label that is no label key", head + "  labels: {required: [pave.dev/team, owner name]}\n", `spec.labels.required[1]: "owner name" is not a label key`},
		{"a cost centre that is no label value", head + "  labels: {defaultCostCenter: 'cc 42!'}\n", `spec.labels.defaultCostCenter: "cc 42!" is not a label value`},
		{"a retry condition Istio refuses", head + "  mesh: {mode: istio, traffic: {retries: {retryOn: 'connect-failure,sometimes'}}}\n", `spec.mesh.traffic.retries.retryOn: "sometimes" is not a retry condition Istio takes`},
		{"a retry condition with a space", head + "  mesh: {mode: istio, traffic: {retries: {retryOn: '5xx, 503'}}}\n", `" 503" is not a retry condition`},
		{"a backup schedule that is no cron", head + "  backups: {schedule: every day}\n", `spec.backups.schedule: "every day" is not a cron schedule Velero reads`},
		{"a Velero namespace that is no name", head + "  backups: {veleroNamespace: Velero NS}\n", `spec.backups.veleroNamespace: "Velero NS" is not a namespace name`},
		{"a scrape port name no port can have", head + "  monitoring: {portNames: [Metrics Port]}\n", `spec.monitoring.portNames[0]: "Metrics Port" is not a container port name`},
		{"a zone name that is no label value", head + "  zones: {names: [Public Zone, internal, restricted], access: [{zone: Public Zone, fromOutside: true}]}\n", `spec.zones.names[0]: "Public Zone" is not a label value`},
		{"a tier name that is no label value", head + "  tiers: {defaultTier: Gold Tier, tiers: [{name: Gold Tier}]}\n", `spec.tiers.tiers[0].name: "Gold Tier" is not a label value`},
		{"a tier named none", head + "  tiers: {tiers: [{name: none, quota: {pods: '10'}}]}\n", `spec.tiers.tiers[0].name: "none" is reserved`},
		{"a DNS label that is no label value", head + "  zones: {isolation: {dns: {podLabels: {k8s-app: 'kube dns!'}}}}\n", `spec.zones.isolation.dns.podLabels[k8s-app]: "kube dns!" is not a label value`},
		{"a mesh port that is no port", head + "  zones: {isolation: {meshPorts: [15012, 70000]}}\n", "spec.zones.isolation.meshPorts[1]: 70000 is not a port"},
		{"a backup lifetime that is no duration", head + "  backups: {ttl: forever}\n", `spec.backups.ttl: "forever" is not a duration`},
		{"a timeout Istio refuses", head + "  mesh: {traffic: {timeout: 500us}}\n", "spec.mesh.traffic.timeout: 500µs is below 1ms, the shortest duration Istio takes: write whole milliseconds, at least 1ms, or 0s for no timeout"},
		{"a timeout finer than Istio takes", head + "  mesh: {traffic: {timeout: 1500us}}\n", "spec.mesh.traffic.timeout: 1.5ms is not a whole number of milliseconds, and Istio takes no finer duration"},
		{"an ejection time finer than Istio takes", head + "  mesh: {traffic: {outlierDetection: {baseEjectionTime: 30.0001s}}}\n", "spec.mesh.traffic.outlierDetection.baseEjectionTime: 30.0001s is not a whole number of milliseconds"},
		{"a negative retry timeout", head + "  mesh: {traffic: {retries: {perTryTimeout: -2s}}}\n", "spec.mesh.traffic.retries.perTryTimeout: -2s is below 1ms"},
		{"an ejection interval Istio refuses", head + "  mesh: {traffic: {outlierDetection: {interval: 1ns}}}\n", "spec.mesh.traffic.outlierDetection.interval: 1ns is below 1ms"},
		{"an ejection time Istio refuses", head + "  mesh: {traffic: {outlierDetection: {baseEjectionTime: 999us}}}\n", "spec.mesh.traffic.outlierDetection.baseEjectionTime: 999µs is below 1ms"},
		{"a timeout bound Istio refuses", head + "  mesh: {traffic: {maxTimeout: 10us}}\n", "spec.mesh.traffic.maxTimeout: 10µs is below 1ms, the shortest duration Istio takes: write whole milliseconds, at least 1ms, or 0s for no bound on pave.dev/timeout"},
		{"a latency bucket of nothing", head + "  monitoring: {slo: {plain: {latencyBuckets: [250ms, 0s]}}}\n", "spec.monitoring.slo.plain.latencyBuckets[1]: 0s is no bucket bound"},
		{"a negative backup lifetime", head + "  backups: {ttl: -720h}\n", "spec.backups.ttl: -720h0m0s is negative: Velero would delete every backup as soon as it is made"},
		{"a negative refresh interval", head + "  secrets: {refreshInterval: -1h}\n", "spec.secrets.refreshInterval: -1h0m0s is negative"},
		{"a retry timeout that is no duration", head + "  mesh: {traffic: {retries: {perTryTimeout: 5 seconds}}}\n", `spec.mesh.traffic.retries.perTryTimeout: "5 seconds" is not a duration`},
		{"an empty duration", head + "  secrets: {refreshInterval: ''}\n", `spec.secrets.refreshInterval: "" is not a duration`},
		{"a quota of a resource no quota counts", head + "  tiers: {tiers: [{name: a, quota: {cpu-typo: '2'}}], defaultTier: a}\n", `spec.tiers.tiers[0].quota.cpu-typo: "cpu-typo" is not a resource a ResourceQuota counts`},
		{"a quota of part of a pod", head + "  tiers: {tiers: [{name: a, quota: {pods: 1500m}}], defaultTier: a}\n", "spec.tiers.tiers[0].quota.pods: 1500m is not a whole number"},
		{"a negative quota", head + "  tiers: {tiers: [{name: a, quota: {requests.cpu: '-4'}}], defaultTier: a}\n", "spec.tiers.tiers[0].quota.requests.cpu: -4 is negative"},
		{"a device as every container's maximum", head + "  tiers: {tiers: [{name: a, maxPerContainer: {nvidia.com/gpu: '1'}}], defaultTier: a}\n", `spec.tiers.tiers[0].maxPerContainer.nvidia.com/gpu: "nvidia.com/gpu" is not a resource pave can give every container`},
		{"pods as a container's maximum", head + "  tiers: {tiers: [{name: a, maxPerContainer: {pods: '3'}}], defaultTier: a}\n", `maxPerContainer.pods: "pods" is not a resource pave can give every container`},
		{"a default request of a device", head + "  resources: {defaultRequests: {cpu: 100m, nvidia.com/gpu: '1'}}\n", `spec.resources.defaultRequests.nvidia.com/gpu: "nvidia.com/gpu" is not a resource pave can give every container`},
		{"a negative default request", head + "  resources: {defaultRequests: {cpu: -100m}}\n", "spec.resources.defaultRequests.cpu: -100m is negative"},
		{"a request above its limit of storage", head + "  resources: {defaultRequests: {ephemeral-storage: 2Gi}, defaultLimits: {ephemeral-storage: 1Gi}}\n", "spec.resources.defaultRequests.ephemeral-storage (2Gi) must not exceed spec.resources.defaultLimits.ephemeral-storage (1Gi)"},
		{"a proxy that is no container name", head + "  mesh: {mode: istio, sidecar: {container: {name: Istio Proxy, image: 'docker.io/istio/proxyv2:1.28.1'}}}\n", `spec.mesh.sidecar.container.name: "Istio Proxy": a lowercase RFC 1123 label`},
		{"a proxy asking for more than its limit", head + "  mesh: {mode: istio, sidecar: {container: {name: istio-proxy, image: 'docker.io/istio/proxyv2:1.28.1', resources: {requests: {cpu: '2'}, limits: {cpu: '1'}}}}}\n",
			"spec.mesh.sidecar.container.resources.requests.cpu (2) must not exceed spec.mesh.sidecar.container.resources.limits.cpu (1)"},
		{"a proxy port with a name no port can have", head + "  mesh: {mode: istio, sidecar: {container: {name: istio-proxy, image: 'docker.io/istio/proxyv2:1.28.1', ports: [{name: http-envoy-prom-metrics, containerPort: 15090}]}}}\n",
			`spec.mesh.sidecar.container.ports[0].name: "http-envoy-prom-metrics": must be no more than 15 characters`},
		{"a proxy variable with a name no variable can have", head + "  mesh: {mode: istio, sidecar: {container: {name: istio-proxy, image: 'docker.io/istio/proxyv2:1.28.1', env: [{name: '1 BAD', value: x}]}}}\n",
			`spec.mesh.sidecar.container.env[0].name: "1 BAD"`},
		{"a dashboard label that is no label key", head + "  monitoring: {dashboards: {labels: {'grafana dashboard': '1'}}}\n", `spec.monitoring.dashboards.labels: "grafana dashboard" is not a label key`},
		{"a dashboard label value that is no label value", head + "  monitoring: {dashboards: {labels: {grafana_dashboard: 'yes please'}}}\n", `spec.monitoring.dashboards.labels[grafana_dashboard]: "yes please" is not a label value`},
		{"bad level", head + "  security: {podSecurityLevel: strict}\n", "podSecurityLevel"},
		{"zone not listed", head + "  zones: {names: [a, b], defaultZone: c}\n", "defaultZone"},
		{"unknown isolation target", head + "  zones: {isolation: {target: Calico}}\n", `"Calico" is not a target`},
		{"access for an unknown zone", head + "  zones: {access: [{zone: dmz}]}\n", `spec.zones.access[0].zone: "dmz" is not one of`},
		{"caller from an unknown zone", head + "  zones: {access: [{zone: public, allowFrom: [dmz]}]}\n", `access[0].allowFrom[0]: "dmz"`},
		{"zone listed twice", head + "  zones: {access: [{zone: public}, {zone: public}]}\n", "has two entries"},
		{"egress not a network", head + "  zones: {access: [{zone: public, egress: [{cidr: 10.0.0.1}]}]}\n", `egress[0]: cidr: "10.0.0.1" is not a network`},
		{"egress host bits", head + "  zones: {access: [{zone: public, egress: [{cidr: 10.0.0.1/8}]}]}\n", "write 10.0.0.0/8"},
		{"except outside the network", head + "  zones: {access: [{zone: public, egress: [{cidr: 10.0.0.0/8, except: [192.168.0.0/16]}]}]}\n", "must be a network inside 10.0.0.0/8"},
		{"external name an address", head + "  zones: {access: [{zone: public, externalNames: [169.254.169.254]}]}\n", `access[0].externalNames[0]: "169.254.169.254" is an address`},
		{"external name a short name", head + "  zones: {access: [{zone: public, externalNames: [smtp]}]}\n", `externalNames[0]: "smtp" is a short name`},
		{"external name with a wildcard inside", head + "  zones: {access: [{zone: public, externalNames: [ok.example.com, 'a.*.example.com']}]}\n", `externalNames[1]: "a.*.example.com" is not a host name`},
		{"external name in upper case", head + "  zones: {access: [{zone: public, externalNames: [SMTP.example.com]}]}\n", `externalNames[0]: "SMTP.example.com" is not a host name`},
		{"bad ingress namespace", head + "  zones: {isolation: {ingressNamespace: Ingress_NGINX}}\n", "isolation.ingressNamespace"},
		{"request above limit", head + "  resources: {defaultRequests: {memory: 1Gi}, defaultLimits: {memory: 512Mi}}\n", "must not exceed"},
		{"store not a name", head + "  secrets: {store: \"org'vault\"}\n", `spec.secrets.store: "org'vault" is not a ClusterSecretStore's name`},
		{"operator namespace not a name", head + "  secrets: {operatorNamespace: \"eso'\"}\n", `spec.secrets.operatorNamespace: "eso'" is not a namespace`},
		{"bad mode", head + "  rules: [{id: image-pinned, mode: block}]\n", `"block" is not a mode`},
		{"duplicate rule", head + "  rules: [{id: a, mode: warn}, {id: a, mode: audit}]\n", "appears twice"},
		{"unknown default tier", head + "  tiers: {defaultTier: xl}\n", "spec.tiers.defaultTier"},
		{"duplicate tier", head + "  tiers: {tiers: [{name: a}, {name: a}], defaultTier: a}\n", "appears twice"},
		{"a tier above every workload class", head + "  tiers: {tiers: [{name: a, maxPriority: 1000000001}], defaultTier: a}\n", "spec.tiers.tiers[0].maxPriority"},
		{"a grace period bound below the API server's default", head + "  tiers: {tiers: [{name: a, maxTerminationGracePeriod: 29s}], defaultTier: a}\n",
			"spec.tiers.tiers[0].maxTerminationGracePeriod: 29s is below 30s, the grace period Kubernetes gives a pod that sets none, so every such pod would be refused: write 30s or more"},
		{"a grace period bound that is no duration", head + "  tiers: {tiers: [{name: a, maxTerminationGracePeriod: an hour}], defaultTier: a}\n",
			`spec.tiers.tiers[0].maxTerminationGracePeriod: "an hour" is not a duration`},
		{"a tier's maximum below the default limit", head + "  tiers: {tiers: [{name: a, maxPerContainer: {memory: 64Mi}}], defaultTier: a}\n", "spec.tiers.tiers[0].maxPerContainer.memory: 64Mi is below spec.resources.default"},
		{"a tier's maximum below the sidecar", head + "  mesh: {mode: istio}\n  tiers: {tiers: [{name: a, maxPerContainer: {memory: 768Mi}}], defaultTier: a}\n", "spec.tiers.tiers[0].maxPerContainer.memory: 768Mi is below spec.mesh.sidecar.container.resources.limits.memory (1Gi)"},
		{"a proxy from a registry the policy does not allow", head + "  mesh: {mode: istio}\n  images: {allowedRegistries: [registry.example.com]}\n",
			`spec.mesh.sidecar.container.image: "docker.io/istio/proxyv2:1.28.1" comes from docker.io, which spec.images.allowedRegistries does not allow`},
		{"a proxy without a version", head + "  mesh: {mode: istio, sidecar: {container: {name: istio-proxy, image: 'docker.io/istio/proxyv2:latest'}}}\n",
			`spec.mesh.sidecar.container.image: "docker.io/istio/proxyv2:latest" names no version`},
		{"a proxy that is no image", head + "  mesh: {mode: istio, sidecar: {container: {name: istio-proxy, image: 'Istio/Proxy'}}}\n",
			`spec.mesh.sidecar.container.image: "Istio/Proxy" is not a valid image reference`},
		{"a quota of cpu limits pave sets none of", head + "  tiers: {tiers: [{name: a, quota: {limits.cpu: '8'}}], defaultTier: a}\n",
			"spec.tiers.tiers[0].quota.limits.cpu: once a quota counts it, the API server refuses every Pod with a container that sets no cpu limit, and pave gives containers none: set spec.resources.defaultLimits.cpu"},
		{"a required zone misspelt", head + "  mesh: {mode: istio, requiredZones: [internl]}\n", `spec.mesh.requiredZones[0]: "internl" is not one of spec.zones.names`},
		{"a proxy mounting a volume it does not bring", head + "  mesh: {mode: istio, sidecar: {volumes: [{name: data, emptyDir: {}}]}}\n",
			`spec.mesh.sidecar.container.volumeMounts[0].name: "workload-socket" is not one of spec.mesh.sidecar.volumes`},
		{"unknown scrape target", head + "  monitoring: {scrape: Scraper}\n", `spec.monitoring.scrape: "Scraper" is not a target`},
		{"availability bounds crossed", head + "  monitoring: {slo: {minAvailability: '99.9', maxAvailability: '99'}}\n", "must not exceed maxAvailability"},
		{"a 100% ceiling", head + "  monitoring: {slo: {maxAvailability: '100'}}\n", "no error budget"},
		{"availability not a number", head + "  monitoring: {slo: {minAvailability: high}}\n", "spec.monitoring.slo.minAvailability"},
		// NaN passes every comparison: as a bound it would have let every objective through.
		{"availability bound NaN", head + "  monitoring: {slo: {maxAvailability: NaN}}\n", `spec.monitoring.slo.maxAvailability: "NaN" is not a percentage`},
		{"window in hours", head + "  monitoring: {slo: {windows: [720h]}}\n", `spec.monitoring.slo.windows[0]: "720h"`},
		{"default window not allowed", head + "  monitoring: {slo: {windows: [7d], defaultWindow: 30d}}\n", "spec.monitoring.slo.defaultWindow"},
		{"query not PromQL", head + "  monitoring: {slo: {plain: {errors: 'sum(rate(x[{{.Window}}])'}}}\n", "spec.monitoring.slo.plain.errors: not PromQL"},
		{"query names an unknown field", head + "  monitoring: {slo: {meshed: {total: 'x{a=\"{{.Service}}\"}'}}}\n", "spec.monitoring.slo.meshed.total"},
		{"price not a number", head + "  monitoring: {cost: {cpuCoreHour: 3ct}}\n", "spec.monitoring.cost.cpuCoreHour"},
		{"two policies", head + "  {}\n---\n" + head + "  {}\n", "a second PlatformPolicy"},
		{"wrong kind", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n", "not a pave policy object"},
		{"exception without reason", "apiVersion: pave.dev/v1alpha1\nkind: PolicyException\nmetadata: {name: e, namespace: pave-system}\nspec: {rules: [x], match: {names: [a]}, approvedBy: me, expiresAt: '2027-01-01T00:00:00Z'}\n", "spec.reason"},
		{"exception without expiry", "apiVersion: pave.dev/v1alpha1\nkind: PolicyException\nmetadata: {name: e, namespace: pave-system}\nspec: {rules: [x], match: {names: [a]}, reason: because we must, approvedBy: me}\n", "spec.expiresAt"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, _, err := policy.Load("p.yaml", []byte(c.doc))
			if err == nil || !strings.Contains(err.Error(), c.want) || !strings.Contains(err.Error(), "p.yaml:") {
				t.Fatalf("err = %v, want it to name p.yaml and contain %q", err, c.want)
			}
		})
	}
}

// The proxy's image is judged by the policy's image rules only where they
// deny and the proxy is pave's to inject.
func TestProxyImageOutsideTheImageRules(t *testing.T) {
	head := "apiVersion: pave.dev/v1alpha1\nkind: PlatformPolicy\nmetadata: {name: default}\nspec:\n"
	for _, doc := range []string{
		"  mesh: {mode: istio}\n  images: {allowedRegistries: [registry.example.com, docker.io/istio]}\n",
		"  mesh: {mode: istio}\n  images: {allowedRegistries: [registry.example.com]}\n  rules: [{id: image-registry, mode: warn}]\n",
		"  mesh: {mode: istio, sidecar: {container: {name: istio-proxy, image: 'docker.io/istio/proxyv2:latest'}}}\n  rules: [{id: image-pinned, mode: audit}]\n",
		// Istio's injector, not pave, chooses the proxy's image.
		"  mesh: {mode: delegate}\n  images: {allowedRegistries: [registry.example.com]}\n",
	} {
		if _, _, err := policy.Load("p.yaml", []byte(head+doc)); err != nil {
			t.Errorf("%s: %v", doc, err)
		}
	}
}

// An overlay that sets one field of a section keeps the rest of the section,
// durations included (an unset metav1.Duration value would encode as "0s").
// A policy that renames its zones and says nothing of access keeps the
// built-in access entries of the zones it still names, not a rejection.
func TestRenamedZonesKeepTheirAccess(t *testing.T) {
	p, _, err := policy.Load("p.yaml", []byte("apiVersion: pave.dev/v1alpha1\nkind: PlatformPolicy\nmetadata: {name: default}\nspec:\n  zones: {names: [internal, restricted, vault], defaultZone: internal}\n"))
	if err != nil {
		t.Fatal(err)
	}
	got := p.Spec.Zones.Access
	if len(got) != 2 || got[0].Zone != "internal" || len(got[0].AllowFrom) != 0 || got[1].Zone != "restricted" || got[1].AllowFrom[0] != "internal" {
		t.Errorf("access %+v, want internal (public dropped from its callers) and restricted", got)
	}
	if got := p.Spec.Mesh.RequiredZones; len(got) != 2 || got[0] != "internal" || got[1] != "restricted" {
		t.Errorf("required zones %v, want the built-in ones it still names", got)
	}
	p, _, err = policy.Load("p.yaml", []byte("apiVersion: pave.dev/v1alpha1\nkind: PlatformPolicy\nmetadata: {name: default}\nspec:\n  zones: {names: [public, private], defaultZone: private}\n"))
	if err != nil {
		t.Fatal(err)
	}
	if got := p.Spec.Mesh.RequiredZones; len(got) != 0 {
		t.Errorf("required zones %v, want none: the policy names neither built-in one", got)
	}
	if p.Spec.Zones.Isolation.InForce() != "NetworkPolicy" {
		t.Errorf("isolation %q, want the default NetworkPolicy", p.Spec.Zones.Isolation.InForce())
	}
}

func TestOverlayKeepsNestedDefaults(t *testing.T) {
	p, _, err := policy.Load("p.yaml", []byte("apiVersion: pave.dev/v1alpha1\nkind: PlatformPolicy\nmetadata: {name: default}\nspec:\n  mesh: {mode: istio}\n"))
	if err != nil {
		t.Fatal(err)
	}
	tr := p.Spec.Mesh.Traffic
	if tr.OutlierDetection.Interval == nil || tr.OutlierDetection.Interval.Duration.String() != "10s" ||
		tr.Timeout == nil || tr.Timeout.Duration.String() != "15s" || tr.Retries.Attempts == nil || *tr.Retries.Attempts != 2 {
		t.Fatalf("traffic defaults lost: %+v", tr)
	}
	if p.Spec.Mesh.Sidecar.Container == nil || p.Spec.Mesh.Sidecar.Container.Name != "istio-proxy" {
		t.Fatal("sidecar template lost")
	}
}

// A list the policy writes replaces the built-in one whole: its elements
// keep nothing of the built-in elements at the same index.
func TestOverlayListsReplaceWhole(t *testing.T) {
	p, _, err := policy.Load("p.yaml", []byte(`apiVersion: pave.dev/v1alpha1
kind: PlatformPolicy
metadata: {name: default}
spec:
  tiers:
    defaultTier: gold
    tiers: [{name: gold, quota: {pods: "10"}}]
  zones:
    access:
    - {zone: public, fromOutside: true}
    - {zone: internal}
    - {zone: restricted, allowFrom: [internal]}
  mesh:
    mode: istio
    sidecar:
      container:
        name: istio-proxy
        image: docker.io/istio/proxyv2:1.28.1
        env: [{name: A, value: a}, {name: B, value: b}, {name: C, value: c}]
        volumeMounts: [{name: data, mountPath: /data}]
      volumes: [{name: data, emptyDir: {}}]
`))
	if err != nil {
		t.Fatal(err)
	}
	tier := p.Spec.Tiers.Tiers
	if len(tier) != 1 || len(tier[0].Quota) != 1 || len(tier[0].MaxPerContainer) != 0 {
		t.Errorf("tier gold %+v, want a quota of pods alone (the built-in small tier's cpu and memory leaked in)", tier)
	}
	if a := p.Spec.Zones.Access; len(a) != 3 || a[1].Zone != "internal" || len(a[1].AllowFrom) != 0 {
		t.Errorf("access %+v, want internal called by nobody (the built-in [public] leaked in)", a)
	}
	c := p.Spec.Mesh.Sidecar.Container
	for _, e := range c.Env {
		if e.ValueFrom != nil {
			t.Errorf("env %s has both a value and the built-in env's valueFrom", e.Name)
		}
	}
	if len(c.VolumeMounts) != 1 || c.VolumeMounts[0].ReadOnly || c.Args == nil {
		t.Errorf("proxy mounts %+v, args %v: want its own mount, and the built-in args it did not write", c.VolumeMounts, c.Args)
	}
	if v := p.Spec.Mesh.Sidecar.Volumes; len(v) != 1 || v[0].EmptyDir == nil || v[0].Projected != nil || v[0].DownwardAPI != nil {
		t.Errorf("proxy volumes %+v, want data alone", v)
	}
}

// A quota's cpu limits are covered by a default limit, or by a maximum per
// container, which the API server makes the LimitRange's default limit.
func TestQuotaCoveredByPavesDefaults(t *testing.T) {
	accepted(t,
		"  resources: {defaultLimits: {cpu: '1', memory: 256Mi}}\n  tiers: {tiers: [{name: a, quota: {limits.cpu: '8'}}], defaultTier: a}\n",
		"  tiers: {tiers: [{name: a, quota: {limits.cpu: '8', requests.cpu: '8'}, maxPerContainer: {cpu: '2'}}], defaultTier: a}\n",
		"  resources: {defaultRequests: {memory: 128Mi}, defaultLimits: {cpu: '1', memory: 256Mi}}\n  tiers: {tiers: [{name: a, quota: {requests.cpu: '8'}}], defaultTier: a}\n")
}

// accepted loads each PlatformPolicy spec (its lines under spec:) and fails
// the test for each that is refused.
func accepted(t *testing.T, specs ...string) {
	t.Helper()
	for _, spec := range specs {
		doc := "apiVersion: pave.dev/v1alpha1\nkind: PlatformPolicy\nmetadata: {name: default}\nspec:\n" + spec
		if _, _, err := policy.Load("p.yaml", []byte(doc)); err != nil {
			t.Errorf("refused: %v\n%s", err, doc)
		}
	}
}

// What pave copies into Istio's and Velero's objects passes where those APIs
// take it: status codes among the retry conditions, a cron descriptor, and
// a schedule nobody judges with backups off.
func TestWrittenValuesTheirAPIsTake(t *testing.T) {
	accepted(t,
		"  mesh: {mode: istio, traffic: {retries: {retryOn: 'gateway-error,503,retriable-4xx,unavailable'}}}\n",
		"  backups: {schedule: '@daily'}\n",
		"  backups: {enabled: false, schedule: never}\n",
		"  monitoring: {portNames: [metrics, prom-9090]}\n",
		// What a ResourceQuota counts besides cpu and memory, as the API
		// server takes it: devices, object counts, huge pages, storage by class.
		"  tiers: {tiers: [{name: a, quota: {requests.nvidia.com/gpu: '2', count/deployments.apps: '10', requests.hugepages-2Mi: 1Gi, services.loadbalancers: '0', gold.storageclass.storage.k8s.io/requests.storage: 10Gi}}], defaultTier: a}\n",
		"  resources: {defaultRequests: {cpu: 100m, memory: 128Mi, ephemeral-storage: 100Mi}, defaultLimits: {memory: 256Mi, ephemeral-storage: 1Gi}}\n",
		"  monitoring: {dashboards: {labels: {grafana_dashboard: '', example.com/folder: Teams}}}\n")
}
