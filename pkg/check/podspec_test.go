package check_test

import "testing"

// A pod spec whose names the API server refuses (of its volumes, its
// containers and their mounts), or a container without an image, or a spec
// without containers, is an input error in its words and order, after a
// selector's findings; one it accepts is judged. The end-to-end parity test
// holds the words to a real API server's.
func TestInvalidPodSpecNamesAreAnInputError(t *testing.T) {
	pod := func(spec string) string {
		return "apiVersion: v1\nkind: Pod\nmetadata: {name: web}\nspec:\n" + spec
	}
	statefulSet := func(claims, spec string) string {
		return "apiVersion: apps/v1\nkind: StatefulSet\nmetadata: {name: db}\nspec:\n  serviceName: db\n  selector: {matchLabels: {app: db}}\n" + claims +
			"  template:\n    metadata: {labels: {app: db}}\n    spec:\n" + spec
	}
	const dnsLabel = "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')"
	for _, c := range []struct{ name, doc, want string }{
		{"no containers", pod("  containers: []\n"), `Pod "web" is invalid: spec.containers: Required value: the API server refuses it after mutating admission`},
		{"no containers but init containers", pod("  initContainers: [{name: init, image: \"nginx:1.27.3\"}]\n"), `Pod "web" is invalid: spec.containers: Required value:`},
		{"a name twice", pod("  containers: [{name: web, image: \"nginx:1.27.3\"}, {name: web, image: \"nginx:1.27.3\"}]\n"), `Pod "web" is invalid: spec.containers[1].name: Duplicate value: "web":`},
		{"an init container of an app container's name", pod("  initContainers: [{name: web, image: \"nginx:1.27.3\"}]\n  containers: [{name: web, image: \"nginx:1.27.3\"}]\n"), `spec.initContainers[0].name: Duplicate value: "web":`},
		{"a name that is not a DNS label, and no image", pod("  containers: [{name: Web_1, image: \"nginx:1.27.3\"}, {name: sidecar}]\n"),
			`Pod "web" is invalid: [spec.containers[0].name: Invalid value: "Web_1": ` + dnsLabel + `, spec.containers[1].image: Required value]:`},
		{"no name", pod("  containers: [{image: \"nginx:1.27.3\"}]\n"), `spec.containers[0].name: Required value:`},
		{"two without names", pod("  containers: [{image: \"nginx:1.27.3\"}, {image: \"nginx:1.27.3\"}]\n"),
			`[spec.containers[0].name: Required value, spec.containers[1].name: Required value, spec.containers[1].name: Duplicate value: ""]`},
		{"after the selector's findings", "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec:\n  template:\n    metadata: {labels: {app: web}}\n    spec: {containers: []}\n",
			"`selector` does not match template `labels`, spec.template.spec.containers: Required value]: the API server refuses it after mutating admission"},
		{"a CronJob's path", "apiVersion: batch/v1\nkind: CronJob\nmetadata: {name: web}\nspec:\n  schedule: \"@daily\"\n  jobTemplate: {spec: {template: {spec: {restartPolicy: Never, containers: [{name: web}]}}}}\n",
			`CronJob "web" is invalid: spec.jobTemplate.spec.template.spec.containers[0].image: Required value:`},
		{"a mount of a volume the pod lacks", pod("  volumes: [{name: config, emptyDir: {}}]\n  containers: [{name: web, image: \"nginx:1.27.3\", volumeMounts: [{name: confg, mountPath: /etc/web}]}]\n"),
			`Pod "web" is invalid: spec.containers[0].volumeMounts[0].name: Not found: "confg":`},
		{"two mounts at one path", pod("  volumes: [{name: a, emptyDir: {}}, {name: b, emptyDir: {}}]\n  containers: [{name: web, image: \"nginx:1.27.3\", volumeMounts: [{name: a, mountPath: /data}, {name: b, mountPath: /data}]}]\n"),
			`spec.containers[0].volumeMounts[1].mountPath: Invalid value: "/data": must be unique:`},
		{"a volume without a name, mounted without one", pod("  volumes: [{emptyDir: {}}]\n  containers: [{name: web, image: \"nginx:1.27.3\", volumeMounts: [{mountPath: /data}]}]\n"),
			`[spec.volumes[0].name: Required value, spec.containers[0].volumeMounts[0].name: Required value, spec.containers[0].volumeMounts[0].name: Not found: ""]`},
		{"a volume twice, mounted", pod("  volumes: [{name: data, emptyDir: {}}, {name: data, emptyDir: {}}]\n  initContainers: [{name: init, image: \"nginx:1.27.3\", volumeMounts: [{name: data, mountPath: /data}]}]\n  containers: [{name: web, image: \"nginx:1.27.3\"}]\n"),
			`Pod "web" is invalid: spec.volumes[1].name: Duplicate value: "data": the API server`},
		{"a mount of a volume whose name the API server refuses", pod("  volumes: [{name: Data, emptyDir: {}}]\n  containers: [{name: web, image: \"nginx:1.27.3\", volumeMounts: [{name: Data, mountPath: /data}]}]\n"),
			`[spec.volumes[0].name: Invalid value: "Data": ` + dnsLabel + `, spec.containers[0].volumeMounts[0].name: Not found: "Data"]`},
		{"mounts of the pod's volumes", pod("  volumes: [{name: data, emptyDir: {}}, {name: config, emptyDir: {}}]\n  initContainers: [{name: init, image: \"nginx:1.27.3\", volumeMounts: [{name: data, mountPath: /data}]}]\n  containers: [{name: web, image: \"nginx:1.27.3\", volumeMounts: [{name: data, mountPath: /data}, {name: config, mountPath: /etc/web}, {name: data, mountPath: /cache, subPath: cache}]}]\n"), ""},
		{"a StatefulSet mounting its claims", statefulSet("  volumeClaimTemplates: [{metadata: {name: data}, spec: {accessModes: [ReadWriteOnce], resources: {requests: {storage: 1Gi}}}}]\n",
			"      volumes: [{name: data, emptyDir: {}}]\n      containers: [{name: db, image: \"postgres:17.2\", volumeMounts: [{name: data, mountPath: /var/lib/postgresql}]}]\n"), ""},
		{"its own volumes counted after its claims", statefulSet("  volumeClaimTemplates: [{metadata: {name: data}, spec: {accessModes: [ReadWriteOnce], resources: {requests: {storage: 1Gi}}}}]\n",
			"      volumes: [{name: data, emptyDir: {}}, {name: Cache, emptyDir: {}}]\n      containers: [{name: db, image: \"postgres:17.2\", volumeMounts: [{name: dta, mountPath: /var/lib/postgresql}]}]\n"),
			`StatefulSet "db" is invalid: [spec.template.spec.volumes[1].name: Invalid value: "Cache": ` + dnsLabel + `, spec.template.spec.containers[0].volumeMounts[0].name: Not found: "dta"]`},
		{"plain containers", pod("  initContainers: [{name: init-1, image: \"nginx:1.27.3\"}]\n  containers: [{name: web, image: \"nginx:1.27.3\"}, {name: web-2, image: \"nginx:1.27.3\"}]\n"), ""},
	} {
		t.Run(c.name, func(t *testing.T) { judgedOrInputError(t, c.doc, c.want) })
	}
}

// A Job's pods must end: its template's restart policy, a CronJob's Job's
// included, is OnFailure or Never (Never alone beside a podFailurePolicy),
// judged after the template's names, in the API server's words.
func TestAJobsRestartPolicyIsAnInputError(t *testing.T) {
	job := func(spec, template string) string {
		return "apiVersion: batch/v1\nkind: Job\nmetadata: {name: migrate}\nspec:\n" + spec + "  template:\n    spec:\n" + template
	}
	const app = "      containers: [{name: migrate, image: \"nginx:1.27.3\"}]\n"
	for _, c := range []struct{ name, doc, want string }{
		{"none, as a Deployment's template is written", job("", app),
			`Job "migrate" is invalid: spec.template.spec.restartPolicy: Required value: valid values: "OnFailure", "Never": the API server refuses it after mutating admission`},
		{"Always", job("", "      restartPolicy: Always\n"+app), `spec.template.spec.restartPolicy: Required value: valid values: "OnFailure", "Never":`},
		{"one Kubernetes does not know", job("", "      restartPolicy: Sometimes\n"+app),
			`spec.template.spec.restartPolicy: Unsupported value: "Sometimes": supported values: "OnFailure", "Never":`},
		{"OnFailure beside a podFailurePolicy", job("  podFailurePolicy: {rules: [{action: FailJob, onExitCodes: {operator: In, values: [42]}}]}\n", "      restartPolicy: OnFailure\n"+app),
			`spec.template.spec.restartPolicy: Invalid value: "OnFailure": only "Never" is supported when podFailurePolicy is specified:`},
		{"after the template's names", job("", "      containers: [{name: migrate}]\n"),
			`[spec.template.spec.containers[0].image: Required value, spec.template.spec.restartPolicy: Required value: valid values: "OnFailure", "Never"]`},
		{"a CronJob's", "apiVersion: batch/v1\nkind: CronJob\nmetadata: {name: report}\nspec:\n  schedule: \"@daily\"\n  jobTemplate: {spec: {template: {spec: {containers: [{name: report, image: \"nginx:1.27.3\"}]}}}}\n",
			`CronJob "report" is invalid: spec.jobTemplate.spec.template.spec.restartPolicy: Required value:`},
		{"Never", job("  podFailurePolicy: {rules: [{action: FailJob, onExitCodes: {operator: In, values: [42]}}]}\n", "      restartPolicy: Never\n"+app), ""},
		{"OnFailure", job("", "      restartPolicy: OnFailure\n"+app), ""},
	} {
		t.Run(c.name, func(t *testing.T) { judgedOrInputError(t, c.doc, c.want) })
	}
}
