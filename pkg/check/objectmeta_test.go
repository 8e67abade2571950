package check_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/pave-dev/pave/pkg/check"
	"github.com/pave-dev/pave/pkg/manifest"
)

// A name the API server refuses on create is an input error at the
// object's line, in its words; the rest is judged.
func TestInvalidNameIsAnInputError(t *testing.T) {
	const podSpec = "spec: {containers: [{name: app, image: registry.example.com/app:1.0.0}]}\n"
	for _, c := range []struct{ name, doc, want string }{
		{"valid", "apiVersion: v1\nkind: Pod\nmetadata: {name: web}\n" + podSpec, ""},
		{"underscore", "apiVersion: v1\nkind: Pod\nmetadata: {name: web_app}\n" + podSpec, `Pod "web_app" is invalid: metadata.name: Invalid value: "web_app": a lowercase RFC 1123 subdomain`},
		{"generated name", "apiVersion: v1\nkind: Pod\nmetadata: {generateName: web-}\n" + podSpec, ""},
		{"no name", "apiVersion: v1\nkind: Pod\nmetadata: {labels: {app: web}}\n" + podSpec, "metadata.name: Required value: name or generateName is required"},
		{"bad generateName", "apiVersion: v1\nkind: Pod\nmetadata: {generateName: Web_}\n" + podSpec, "metadata.generateName: Invalid value"},
		{"statefulset dot", "apiVersion: apps/v1\nkind: StatefulSet\nmetadata: {name: db.primary}\nspec: {selector: {matchLabels: {app: db}}, template: {metadata: {labels: {app: db}}, " + podSpec[:len(podSpec)-1] + "}}\n", "must not contain dots"},
		{"deployment dot", "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web.v2}\nspec: {selector: {matchLabels: {app: web}}, template: {metadata: {labels: {app: web}}, " + podSpec[:len(podSpec)-1] + "}}\n", ""},
		{"cronjob length", "apiVersion: batch/v1\nkind: CronJob\nmetadata: {name: " + strings.Repeat("c", 53) + "}\nspec: {schedule: \"@daily\", jobTemplate: {spec: {template: {spec: {restartPolicy: Never, containers: [{name: a, image: registry.example.com/a:1.0.0}]}}}}}\n", "must be no more than 52 characters"},
		{"service leading digit", "apiVersion: v1\nkind: Service\nmetadata: {name: 9web}\nspec: {selector: {app: web}, ports: [{port: 80}]}\n", ""},
		{"service dot", "apiVersion: v1\nkind: Service\nmetadata: {name: web.v2}\nspec: {selector: {app: web}, ports: [{port: 80}]}\n", `Service "web.v2" is invalid`},
		// The API server validates the name with the rest, after mutating
		// admission, in one list (Kyverno's test resources).
		{"with the template's findings", "apiVersion: apps/v1\nkind: StatefulSet\nmetadata: {name: Db}\nspec: {selector: {matchLabels: {app: db}}, template: {metadata: {labels: {app: db}}, spec: {containers: []}}}\n",
			`StatefulSet "Db" is invalid: [metadata.name: Invalid value: "Db": a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?'), spec.template.spec.containers: Required value]: the API server refuses it after mutating admission`},
		{"with a container's resources", "apiVersion: v1\nkind: Pod\nmetadata: {name: web_app}\nspec: {containers: [{name: app, image: registry.example.com/app:1.0.0, resources: {requests: {cpu: \"2\"}, limits: {cpu: \"1\"}}}]}\n",
			`Pod "web_app" is invalid: [metadata.name: Invalid value: "web_app": a lowercase RFC 1123 subdomain`},
	} {
		t.Run(c.name, func(t *testing.T) { judgedOrInputError(t, c.doc, c.want) })
	}
}

// Owner references the API server refuses on create make an input error
// in its words, after the name's findings and before the spec's, for a
// workload as for any other kind (Kyverno's test resources wrote them by
// hand, without a uid, and pave check passed them); a whole one is judged.
func TestOwnerReferencesTheAPIServerRefusesAreAnInputError(t *testing.T) {
	const owner = "{apiVersion: apps/v1, kind: ReplicaSet, name: web-1, uid: 6b5c2a57-1d3e-4f7a-9a55-0c1e2f3a4b5d, controller: true}"
	const pod = "apiVersion: v1\nkind: Pod\nmetadata: {name: %s, ownerReferences: [%s]}\nspec: {containers: [%s]}\n"
	const app = "{name: app, image: registry.example.com/app:1.0.0}"
	for _, c := range []struct{ name, doc, want string }{
		{"whole", fmt.Sprintf(pod, "web", owner, app), ""},
		{"no uid", fmt.Sprintf(pod, "web", "{apiVersion: apps/v1, kind: ReplicaSet, name: web-1, controller: true}", app),
			`Pod "web" is invalid: metadata.ownerReferences[0].uid: Required value: must not be empty: the API server refuses it after mutating admission`},
		{"two controllers", fmt.Sprintf(pod, "web", owner+", "+strings.Replace(owner, "web-1", "web-2", 1), app),
			`metadata.ownerReferences: Invalid value: `},
		{"after the name, before the spec", fmt.Sprintf(pod, "web_app", "{apiVersion: apps/v1, kind: ReplicaSet, name: web-1}", ""),
			`Pod "web_app" is invalid: [metadata.name: Invalid value: "web_app"`},
		{"a configmap's", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: settings, ownerReferences: [{uid: 6b5c2a57-1d3e-4f7a-9a55-0c1e2f3a4b5d}]}\n",
			`ConfigMap "settings" is invalid: [metadata.ownerReferences[0].apiVersion: Required value: must not be empty, metadata.ownerReferences[0].kind: Required value: must not be empty, metadata.ownerReferences[0].name: Required value: must not be empty]`},
	} {
		t.Run(c.name, func(t *testing.T) { judgedOrInputError(t, c.doc, c.want) })
	}
	rep := checkSecondLine(t, fmt.Sprintf(pod, "web_app", "{apiVersion: apps/v1, kind: ReplicaSet, name: web-1}", ""))
	if len(rep.Errors) == 1 {
		got := rep.Errors[0].Error()
		name, owner, spec := strings.Index(got, "metadata.name"), strings.Index(got, "metadata.ownerReferences[0].uid"), strings.Index(got, "spec.containers")
		if name < 0 || owner < name || spec < owner {
			t.Errorf("error %q: want the name's, the owner's and the spec's findings in that order", got)
		}
	}
}

// An object in a namespace no namespace can be named is refused by the API
// server before any webhook (NamespaceLifecycle: not found), whatever its
// kind: an input error naming the namespace, in the API server's words.
// A namespace that may exist, or none (the run's), is judged as before.
func TestNamespaceThatCannotExistIsAnInputError(t *testing.T) {
	const pod = "apiVersion: v1\nkind: Pod\nmetadata: {name: web, namespace: %s}\nspec: {containers: [{name: app, image: registry.example.com/app:1.0.0}]}\n"
	for _, c := range []struct{ ns, want string }{
		{"shop", ""},
		{"shop-2", ""},
		{"Shop", `Pod web: namespaces "Shop" not found (metadata.namespace): no namespace can be named "Shop": a lowercase RFC 1123 label`},
		{"shop.eu", `namespaces "shop.eu" not found`},
		{"\"" + strings.Repeat("n", 64) + "\"", "must be no more than 63 characters"},
	} {
		t.Run(c.ns, func(t *testing.T) { judgedOrInputError(t, fmt.Sprintf(pod, c.ns), c.want) })
	}
	judgedOrInputError(t, "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: settings, namespace: shop_eu}\n", `ConfigMap settings: namespaces "shop_eu" not found`)
}

// A Namespace is not judged, but the input's objects are judged in it, so
// a name the API server refuses it is an input error, as a judged kind's
// is; a name it takes is read, not judged, as before.
func TestNamespaceWithANameItCannotHave(t *testing.T) {
	for _, c := range []struct{ name, want string }{
		{"shop-eu", ""},
		{"shop.eu", `Namespace "shop.eu" is invalid: metadata.name: Invalid value: "shop.eu": must not contain dots`},
		{"Shop", `Namespace "Shop" is invalid: metadata.name: Invalid value: "Shop": a lowercase RFC 1123 label`},
	} {
		rep := checkSecondLine(t, "apiVersion: v1\nkind: Namespace\nmetadata: {name: "+c.name+"}\n")
		if c.want == "" {
			if len(rep.Errors) > 0 || len(rep.Objects) != 1 || rep.Objects[0].Workload {
				t.Errorf("%s: errors %v, objects %+v; want it read and not judged", c.name, rep.Errors, rep.Objects)
			}
			continue
		}
		inputErrorOnSecondLine(t, rep, c.want)
	}
}

// checkSecondLine checks doc as the second line of in.yaml, in namespace shop.
func checkSecondLine(t *testing.T, doc string) *check.Report {
	return check.Run(context.Background(), []manifest.Input{{Source: "in.yaml", Data: []byte("# first\n" + doc)}},
		check.Options{Engine: defaultEngine(t), DefaultNamespace: "shop"})
}

// judgedOrInputError checks doc as the second line of in.yaml and asserts
// that it is judged (want is empty) or is one input error containing want.
func judgedOrInputError(t *testing.T, doc, want string) {
	t.Helper()
	rep := checkSecondLine(t, doc)
	if want == "" {
		if len(rep.Errors) > 0 || len(rep.Objects) != 1 {
			t.Fatalf("errors %v, %d objects; want it judged", rep.Errors, len(rep.Objects))
		}
		return
	}
	inputErrorOnSecondLine(t, rep, want)
}

// inputErrorOnSecondLine asserts that rep is one input error, at in.yaml:2,
// containing want.
func inputErrorOnSecondLine(t *testing.T, rep *check.Report, want string) {
	t.Helper()
	if len(rep.Objects) != 0 || len(rep.Errors) != 1 {
		t.Fatalf("%d objects, errors %v; want one input error", len(rep.Objects), rep.Errors)
	}
	if got := rep.Errors[0].Error(); !strings.HasPrefix(got, "in.yaml:2: ") || !strings.Contains(got, want) {
		t.Errorf("error %q, want one at in.yaml:2 containing %q", got, want)
	}
}

// A ConfigMap the API server refuses for its data is an input error in its
// words: a key that is no file name, one in both data and binaryData, more
// than 1 MiB of values.
func TestInvalidConfigMapIsAnInputError(t *testing.T) {
	cm := func(data string) string {
		return "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: settings}\n" + data + "\n"
	}
	big := strings.Repeat("x", 512*1024)
	for _, c := range []struct{ name, doc, want string }{
		{"valid", cm("data: {app.properties: a=1, .env: B=2}"), ""},
		{"1 MiB exactly", cm("data: {a: " + big + ", b: " + big + "}"), ""},
		{"over 1 MiB", cm("data: {a: " + big + ", b: " + big + "x}"), `ConfigMap "settings" is invalid: []: Too long: may not be more than 1048576 bytes: the API server refuses it after mutating admission`},
		{"over 1 MiB with binaryData", cm("data: {a: " + big + "}\nbinaryData: {b: " + strings.Repeat("QUJD", 512*1024/3+1) + "}"), "Too long"},
		{"key with a space", cm("data: {my key: v}"), `data[my key]: Invalid value: "my key": a valid config key must consist of alphanumeric characters`},
		{"key in both", cm("data: {a: v}\nbinaryData: {a: dg==}"), `data[a]: Invalid value: "a": duplicate of key present in binaryData`},
	} {
		t.Run(c.name, func(t *testing.T) { judgedOrInputError(t, c.doc, c.want) })
	}
}
