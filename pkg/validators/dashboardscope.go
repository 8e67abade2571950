package validators

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/pave-dev/pave/pkg/api/v1alpha1"
	"github.com/pave-dev/pave/pkg/monitoring"
	"github.com/pave-dev/pave/pkg/policy"
)

// DashboardScope keeps a team's own Grafana dashboards from taking the
// place of another namespace's. The Grafana sidecar reads every labelled
// ConfigMap of every namespace into one folder, each key a file, and
// Grafana matches what it reads to the dashboards it holds by uid, or by
// title in the folder: a team's ConfigMap with another namespace's key,
// uid or title would replace the dashboard pave writes for that
// namespace's workload, its queries the team's. Which namespace a
// dashboard of pave's is of is written in all three
// (monitoring/dashboardname.go). The monitoring stack's namespace and the
// mesh's are the platform team's and are not judged.
type DashboardScope struct{}

var ruleDashboardScope = policy.Rule{ID: "dashboard-scope", Severity: v1alpha1.SeverityMedium, Mode: v1alpha1.ModeEnforce,
	Description: "a team's Grafana dashboard takes no key, uid or title of the dashboards pave writes for another namespace"}

// Name implements engine.ObjectValidator.
func (DashboardScope) Name() string { return "dashboard-scope" }

// Kinds implements engine.ObjectValidator.
func (DashboardScope) Kinds() []schema.GroupVersionKind {
	return []schema.GroupVersionKind{{Version: "v1", Kind: "ConfigMap"}}
}

// Rules implements engine.ObjectValidator.
func (DashboardScope) Rules() []policy.Rule { return []policy.Rule{ruleDashboardScope} }

// ValidateObject implements engine.ObjectValidator.
func (DashboardScope) ValidateObject(_ context.Context, obj object, env policy.Env) []policy.Violation {
	cm, ok := obj.(*corev1.ConfigMap)
	if !ok || env.Policy == nil {
		return nil
	}
	dashboards := env.Policy.Spec.Monitoring.Dashboards
	if !dashboards.On() || !anyKey(cm.Labels, dashboards.Labels) {
		return nil
	}
	ns := cmp.Or(cm.Namespace, env.Namespace.Name)
	if slices.Contains(policy.MonitoringPlatform(env.Policy.Spec.Zones.Isolation), ns) {
		return nil
	}
	var out []policy.Violation
	deny := func(field, msg, fix string) {
		out = append(out, ruleDashboardScope.Violation(field, fmt.Sprintf("ConfigMap %q: %s", cm.Name, msg), fix))
	}
	// Each key is a file the sidecar writes, its value the dashboard.
	file := func(field, key string, body []byte) {
		if owner, ok := monitoring.KeyNamespace(key); ok && owner != ns {
			deny(field, fmt.Sprintf("key %s is the file name of a dashboard pave writes for namespace %q: the Grafana sidecar puts every namespace's dashboards into one folder, so this one would replace it", key, owner),
				fmt.Sprintf("name the key otherwise: keys beginning %s%s_ are this namespace's, and other keys beginning %s are pave's", monitoring.DashboardKeyPrefix, ns, monitoring.DashboardKeyPrefix))
		}
		if strings.HasSuffix(key, urlSuffix) {
			deny(field, fmt.Sprintf("key %s ends %s, so the Grafana sidecar downloads the dashboard from the URL it holds, where pave cannot judge its uid and title", key, urlSuffix),
				"put the dashboard's JSON in the ConfigMap, under a key ending .json")
			return
		}
		uid, title := dashboardIdentity(body)
		if monitoring.ForeignUID(uid, ns) {
			deny(field+".uid", fmt.Sprintf("dashboard uid %q has the form of the uids pave gives the dashboards of other namespaces: Grafana would replace the dashboard of that uid with this one", uid),
				fmt.Sprintf("give the dashboard a uid of its own not beginning %s, or none (Grafana makes one)", monitoring.DashboardUIDPrefix))
		}
		if owner, ok := monitoring.TitleNamespace(title); ok && owner != ns {
			deny(field+".title", fmt.Sprintf("dashboard title %q is the title pave gives a dashboard of namespace %q: Grafana matches a dashboard to the one of the same title in its folder, so this one could replace it", title, owner),
				fmt.Sprintf("title it otherwise, e.g. %q", monitoring.DashboardTitle(ns, "<name>")))
		}
	}
	for _, k := range slices.Sorted(maps.Keys(cm.Data)) {
		file("data["+k+"]", k, []byte(cm.Data[k]))
	}
	for _, k := range slices.Sorted(maps.Keys(cm.BinaryData)) {
		file("binaryData["+k+"]", k, cm.BinaryData[k])
	}
	return out
}

// urlSuffix ends a key whose value the sidecar reads as a URL to download
// the file from (kiwigrid/k8s-sidecar, which the Grafana chart runs).
const urlSuffix = ".url"

// anyKey reports whether labels carries any key of want: the sidecar may
// be told a label's name alone (the Grafana chart's default), so a value
// other than the policy's is still read.
func anyKey(labels, want map[string]string) bool {
	for k := range want {
		if _, ok := labels[k]; ok {
			return true
		}
	}
	return false
}

// dashboardIdentity is the uid and title of a dashboard's JSON, "" for
// either where it is not JSON or has none. The top-level object is read as
// a map, whose names match exactly, as Grafana's do: a struct would match
// "UID" too, and take the last of "uid" and "Uid".
func dashboardIdentity(b []byte) (uid, title string) {
	var top map[string]json.RawMessage
	if json.Unmarshal(b, &top) != nil {
		return "", ""
	}
	_ = json.Unmarshal(top["uid"], &uid)
	_ = json.Unmarshal(top["title"], &title)
	return uid, title
}
