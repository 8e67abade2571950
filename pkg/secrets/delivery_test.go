package secrets_test

import (
	"context"
	"slices"
	"testing"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/pave-dev/pave/pkg/engine"
	"github.com/pave-dev/pave/pkg/policy"
	"github.com/pave-dev/pave/pkg/secrets"
	"github.com/pave-dev/pave/pkg/workload"
	"github.com/pave-dev/pave/pkg/workload/workloadtest"
)

const app = `apiVersion: apps/v1
kind: Deployment
metadata: {name: api, namespace: shop}
spec:
  selector: {matchLabels: {app: api}}
  template:
    metadata: {annotations: {}}
    spec:
      imagePullSecrets: [{name: pull}]
      initContainers: [{name: init, image: x:1, envFrom: [{secretRef: {name: b-init}}]}]
      containers:
      - name: api
        image: x:1
        env: [{name: P, valueFrom: {secretKeyRef: {name: a-db, key: p}}}, {name: Q, valueFrom: {secretKeyRef: {name: a-db, key: q}}}]
      volumes:
      - {name: tls, secret: {secretName: c-tls}}
      - name: both
        projected: {sources: [{secret: {name: d-proj}}, {configMap: {name: not-a-secret}}]}
`

func withStore(store string) policy.Env {
	env := workloadtest.Env()
	p := *env.Policy
	p.Spec.Secrets.Store = store
	env.Policy = &p
	return env
}

func TestEveryReferencedSecretIsDelivered(t *testing.T) {
	w := workloadtest.FromYAML(t, app)
	if got, want := secrets.Referenced(w), []string{"a-db", "b-init", "c-tls", "d-proj"}; !slices.Equal(got, want) {
		t.Fatalf("referenced %v, want %v (image pull secrets are the platform's)", got, want)
	}
	objs, err := secrets.Delivery{}.Generate(context.Background(), w, withStore("org-vault"))
	if err != nil {
		t.Fatal(err)
	}
	var names, targets, keys []string
	for _, o := range objs {
		u := o.(*unstructured.Unstructured)
		target, _, _ := unstructured.NestedString(u.Object, "spec", "target", "name")
		from, _, _ := unstructured.NestedSlice(u.Object, "spec", "dataFrom")
		key, _, _ := unstructured.NestedString(from[0].(map[string]any), "extract", "key")
		store, _, _ := unstructured.NestedString(u.Object, "spec", "secretStoreRef", "name")
		refresh, _, _ := unstructured.NestedString(u.Object, "spec", "refreshInterval")
		if store != "org-vault" || refresh != "1h0m0s" {
			t.Errorf("%s: store %q refresh %q", u.GetName(), store, refresh)
		}
		names, targets, keys = append(names, u.GetName()), append(targets, target), append(keys, key)
	}
	if !slices.Equal(names, []string{"pave-api-a-db", "pave-api-b-init", "pave-api-c-tls", "pave-api-d-proj"}) ||
		!slices.Equal(targets, []string{"a-db", "b-init", "c-tls", "d-proj"}) ||
		!slices.Equal(keys, []string{"shop/a-db", "shop/b-init", "shop/c-tls", "shop/d-proj"}) {
		t.Errorf("names %v targets %v keys %v", names, targets, keys)
	}
}

func TestNothingIsDeliveredTwiceOrWithoutAStore(t *testing.T) {
	ctx := context.Background()
	if objs, _ := (secrets.Delivery{}).Generate(ctx, workloadtest.FromYAML(t, app), withStore("")); len(objs) != 0 {
		t.Errorf("%d objects without a store", len(objs))
	}
	vault := workloadtest.FromYAML(t, app)
	vault.PodMeta.Annotations = map[string]string{"vault.hashicorp.com/agent-inject": "true"}
	csi := workloadtest.FromYAML(t, app+"      - {name: store, csi: {driver: secrets-store.csi.k8s.io}}\n")
	for _, w := range []struct {
		name string
		objs int
		by   string
	}{{"vault", len(mustGenerate(t, vault)), secrets.OtherDelivery(vault)}, {"csi", len(mustGenerate(t, csi)), secrets.OtherDelivery(csi)}} {
		if w.objs != 0 || w.by == "" {
			t.Errorf("%s: %d objects, detected %q; want none and the other delivery named", w.name, w.objs, w.by)
		}
	}
}

func mustGenerate(t *testing.T, w *workload.Workload) []engine.Object {
	t.Helper()
	objs, err := secrets.Delivery{}.Generate(context.Background(), w, withStore("org-vault"))
	if err != nil {
		t.Fatal(err)
	}
	return objs
}

// The API server takes a volume that names a Secret no Secret can be named
// (it checks only env references' names); pave writes no ExternalSecret for
// it, which the CRD would refuse, and still delivers the rest.
func TestASecretThatCannotExistIsNotDelivered(t *testing.T) {
	w := workloadtest.FromYAML(t, app+"      - {name: odd, secret: {secretName: DB_Creds}}\n"+
		"      - name: up\n        projected: {sources: [{secret: {name: ../etc}}]}\n")
	var targets []string
	for _, o := range mustGenerate(t, w) {
		target, _, _ := unstructured.NestedString(o.(*unstructured.Unstructured).Object, "spec", "target", "name")
		targets = append(targets, target)
	}
	if want := []string{"a-db", "b-init", "c-tls", "d-proj"}; !slices.Equal(targets, want) {
		t.Errorf("delivered %v, want %v", targets, want)
	}
}
