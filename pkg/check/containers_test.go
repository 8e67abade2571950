package check_test

import "testing"

// A pod spec whose containers the API server refuses for their names or
// images, or that has none, is an input error in its words and order,
// after a selector's findings; one it accepts is judged. The end-to-end
// parity test holds the words to a real API server's.
func TestInvalidContainersAreAnInputError(t *testing.T) {
	pod := func(spec string) string {
		return "apiVersion: v1\nkind: Pod\nmetadata: {name: web}\nspec:\n" + spec
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
		{"plain containers", pod("  initContainers: [{name: init-1, image: \"nginx:1.27.3\"}]\n  containers: [{name: web, image: \"nginx:1.27.3\"}, {name: web-2, image: \"nginx:1.27.3\"}]\n"), ""},
	} {
		t.Run(c.name, func(t *testing.T) { judgedOrInputError(t, c.doc, c.want) })
	}
}
