package check_test

import "testing"

// A workload whose selector the API server refuses is an input error in its
// words, naming the template's labels as admission mutated them; one it
// accepts is judged. The end-to-end parity test holds the words to a real
// API server's.
func TestInvalidSelectorIsAnInputError(t *testing.T) {
	workload := func(kind, selector, labels string) string {
		s := "apiVersion: apps/v1\nkind: " + kind + "\nmetadata: {name: web}\nspec:\n"
		if selector != "" {
			s += "  selector: " + selector + "\n"
		}
		if kind == "StatefulSet" {
			s += "  serviceName: web\n"
		}
		return s + "  template:\n    metadata: {labels: " + labels + "}\n    spec:\n      containers: [{name: web, image: \"nginx:1.27.3\"}]\n"
	}
	const mismatch = ": `selector` does not match template `labels`"
	for _, c := range []struct{ name, doc, want string }{
		{"a Deployment without a selector", workload("Deployment", "", "{app: web}"),
			`Deployment "web" is invalid: [spec.selector: Required value, spec.template.metadata.labels: Invalid value: {"app":"web","app.kubernetes.io/name":"web","app.kubernetes.io/part-of":"shop"`},
		{"a DaemonSet without a selector: only the mismatch", workload("DaemonSet", "", "{app: web}"),
			`DaemonSet "web" is invalid: spec.template.metadata.labels: Invalid value: {"app":"web",`},
		{"a StatefulSet selecting other pods", workload("StatefulSet", "{matchLabels: {app: foo}}", "{app: web}"), mismatch + ": the API server refuses it after mutating admission"},
		{"a ReplicaSet's empty selector, in the API server's words", workload("ReplicaSet", "{}", "{app: web}"), "is invalid: spec.selector: Invalid value: {}: empty selector is invalid for deployment"},
		{"an expression the template fails", workload("Deployment", "{matchExpressions: [{key: tier, operator: In, values: [web]}]}", "{app: web}"), mismatch},
		{"an expression that does not parse", workload("Deployment", "{matchExpressions: [{key: tier, operator: Near}]}", "{app: web}"), `[spec.selector.matchExpressions[0].operator: Invalid value: "Near": not a valid selector operator, spec.selector: Invalid value: {"matchExpressions":[{"key":"tier","operator":"Near"}]}: invalid label selector]`},
		{"labels the template has", workload("Deployment", "{matchLabels: {app: web}}", "{app: web, tier: front}"), ""},
		{"an expression the template passes", workload("Deployment", "{matchExpressions: [{key: tier, operator: NotIn, values: [back]}]}", "{app: web}"), ""},
		{"a Job's selector is the API server's to default", "apiVersion: batch/v1\nkind: Job\nmetadata: {name: web}\nspec:\n  template:\n    spec:\n      restartPolicy: Never\n      containers: [{name: web, image: \"nginx:1.27.3\"}]\n", ""},
	} {
		t.Run(c.name, func(t *testing.T) { judgedOrInputError(t, c.doc, c.want) })
	}
}
