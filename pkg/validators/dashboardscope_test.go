package validators_test

import (
	"cmp"
	"context"
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/pave-dev/pave/pkg/monitoring"
	"github.com/pave-dev/pave/pkg/policy"
	"github.com/pave-dev/pave/pkg/validators"
)

// A team's dashboard ConfigMap in namespace pay takes no key, uid or title
// of the dashboards pave writes for another namespace; its own dashboards,
// under names of its own or pave's for pay, are admitted.
func TestDashboardScope(t *testing.T) {
	dashboard := map[string]string{"grafana_dashboard": "1"}
	for _, c := range []struct {
		name          string
		labels        map[string]string // dashboard when nil
		data          map[string]string
		binary        map[string][]byte
		namespace     string // pay when ""
		off           bool   // the policy writes no dashboards
		field, denied string // "" when admitted
	}{
		{name: "the team's own dashboard",
			data: map[string]string{"web.json": `{"uid": "pay-web", "title": "Pay / web latency"}`}},
		{name: "pave's key, uid-less, for the team's namespace",
			data: map[string]string{"pave_pay_web.json": `{"title": "pay / web"}`}},
		{name: "another namespace's key",
			data:  map[string]string{"pave_shop_web.json": `{"title": "web"}`},
			field: "data[pave_shop_web.json]", denied: `file name of a dashboard pave writes for namespace "shop"`},
		{name: "the key of a namespace whose name begins with the team's",
			data:  map[string]string{"pave_pay-api_web.json": `{}`},
			field: "data[pave_pay-api_web.json]", denied: `namespace "pay-api"`},
		{name: "pave's key prefix without a namespace",
			data:  map[string]string{"pave_web.json": `{}`},
			field: "data[pave_web.json]", denied: "file name of a dashboard pave writes"},
		{name: "another namespace's key as binary data",
			binary: map[string][]byte{"pave_shop_web.json": []byte(`{}`)},
			field:  "binaryData[pave_shop_web.json]", denied: `namespace "shop"`},
		{name: "pave's own dashboard of the team's workload, as pave check --render writes it",
			data: map[string]string{monitoring.DashboardKey("pay", "web"): `{"uid": "` + monitoring.DashboardUID("pay", "web") + `", "title": "pay / web"}`}},
		{name: "another namespace's uid",
			data:  map[string]string{"web.json": `{"uid": "` + monitoring.DashboardUID("shop", "web") + `", "title": "web"}`},
			field: "data[web.json].uid", denied: `dashboard uid "` + monitoring.DashboardUID("shop", "web") + `"`},
		{name: "another namespace's uid in capitals",
			data:  map[string]string{"web.json": `{"uid": "` + strings.ToUpper(monitoring.DashboardUID("shop", "web")) + `"}`},
			field: "data[web.json].uid", denied: "has the form of the uids pave gives"},
		{name: "a uid of pave's form that names no namespace",
			data:  map[string]string{"web.json": `{"uid": "pave-"}`},
			field: "data[web.json].uid", denied: "has the form of the uids pave gives"},
		{name: "pave's uid behind a name Grafana does not read",
			data:  map[string]string{"web.json": `{"uid": "pave-0123456789abcdef0123", "Uid": "mine"}`},
			field: "data[web.json].uid", denied: "has the form of the uids pave gives"},
		{name: "pave's uid as binary data",
			binary: map[string][]byte{"web.json": []byte(`{"uid": "pave-0123456789abcdef0123"}`)},
			field:  "binaryData[web.json].uid", denied: "dashboard uid"},
		{name: "another namespace's title",
			data:  map[string]string{"web.json": `{"title": "shop / web"}`},
			field: "data[web.json].title", denied: `the title pave gives a dashboard of namespace "shop"`},
		{name: "another namespace's title in other case",
			data:  map[string]string{"web.json": `{"title": " Shop / Web "}`},
			field: "data[web.json].title", denied: `namespace "shop"`},
		{name: "a title that names no namespace",
			data: map[string]string{"web.json": `{"title": "Team Pay / latency"}`}},
		{name: "a title that names no workload",
			data: map[string]string{"cluster.json": `{"title": "Kubernetes / Compute Resources / Cluster"}`}},
		{name: "a dashboard downloaded from a URL",
			data:  map[string]string{"web.json.url": "https://dashboards.example.com/shop-web.json"},
			field: "data[web.json.url]", denied: "the Grafana sidecar downloads the dashboard from the URL it holds"},
		{name: "not JSON",
			data: map[string]string{"web.json": `uid: pave-0123`}},
		{name: "not a dashboard",
			labels: map[string]string{"app": "web"},
			data:   map[string]string{"pave_shop_web.json": `{"uid": "pave-0123456789abcdef0123"}`}},
		{name: "the sidecar's label with another value",
			labels: map[string]string{"grafana_dashboard": "0"},
			data:   map[string]string{"pave_shop_web.json": `{}`},
			field:  "data[pave_shop_web.json]", denied: `namespace "shop"`},
		{name: "the monitoring stack's own", namespace: "monitoring",
			data: map[string]string{"pave_shop_web.json": `{"uid": "pave-0123456789abcdef0123", "title": "shop / web"}`}},
		{name: "a policy that writes no dashboards", off: true,
			data: map[string]string{"pave_shop_web.json": `{"title": "shop / web"}`}},
	} {
		t.Run(c.name, func(t *testing.T) {
			labels := c.labels
			if labels == nil {
				labels = dashboard
			}
			cm := &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: "d", Labels: labels}, Data: c.data, BinaryData: c.binary}
			p := policy.Default()
			if c.off {
				off := false
				p.Spec.Monitoring.Dashboards.Enabled = &off
			}
			env := policy.Env{Policy: p, Namespace: policy.Namespace{Name: cmp.Or(c.namespace, "pay")}}
			got := validators.DashboardScope{}.ValidateObject(context.Background(), cm, env)
			if c.denied == "" {
				assertRules(t, got)
				return
			}
			assertRules(t, got, "dashboard-scope")
			if v := got[0]; v.Field != c.field || !strings.Contains(v.Message, c.denied) || !strings.Contains(v.Message, `ConfigMap "d"`) {
				t.Errorf("got %s: %s; want %s: …%s…", v.Field, v.Message, c.field, c.denied)
			}
		})
	}
}
