package monitoring

import (
	"crypto/sha256"
	"encoding/hex"
	"strings"

	"k8s.io/apimachinery/pkg/util/validation"

	"github.com/pave-dev/pave/pkg/api/v1alpha1"
)

// What names a dashboard pave writes, to Grafana and to its sidecar. The
// sidecar writes every namespace's dashboards into one folder, each file
// named after its ConfigMap key, and Grafana matches a dashboard it reads
// to the one it holds by uid, or by title in the folder. Each of the three
// therefore says which namespace the dashboard is of, so that rule
// dashboard-scope can keep a team's own dashboards from taking another
// namespace's (validators/dashboardscope.go).
const (
	// DashboardKeyPrefix begins the key of every dashboard pave writes:
	// pave_<namespace>_<workload>.json. Neither a namespace nor a workload
	// name may hold an underscore, so the namespace is read back from the
	// key (from <namespace>-<workload>.json it was not: namespace shop
	// could write the file of shop-pay's workloads).
	DashboardKeyPrefix = "pave_"
	// DashboardUIDPrefix begins the uid of every dashboard pave writes.
	DashboardUIDPrefix = "pave-"
	// uidNamespace is how many hex digits of the namespace's hash follow
	// the prefix in a uid.
	uidNamespace = 10
	// titleSeparator parts the namespace from the workload in a title.
	titleSeparator = " / "
)

// DashboardKey is the ConfigMap key, and so the sidecar's file name, of the
// dashboard of workload name in namespace ns. A key, like a name, has 253
// characters.
func DashboardKey(ns, name string) string {
	return v1alpha1.ObjectName(DashboardKeyPrefix+ns+"_", name, ".json")
}

// DashboardUID is the Grafana uid of the dashboard of workload name in
// namespace ns: the prefix, a hash of the namespace, a hash of both (35
// characters; Grafana takes 40). The namespace's own hash lets rule
// dashboard-scope tell a team's copy of its own dashboard (`pave check
// --render` output, applied) from another namespace's.
func DashboardUID(ns, name string) string {
	return DashboardUIDPrefix + hexHash(ns)[:uidNamespace] + hexHash(ns + "/" + name)[:20]
}

// ForeignUID reports whether uid has the form of the uid pave gives a
// dashboard of a namespace other than ns, regardless of case, as Grafana's
// database may compare uids.
func ForeignUID(uid, ns string) bool {
	if len(uid) < len(DashboardUIDPrefix) || !strings.EqualFold(uid[:len(DashboardUIDPrefix)], DashboardUIDPrefix) {
		return false
	}
	own := DashboardUIDPrefix + hexHash(ns)[:uidNamespace]
	return len(uid) < len(own) || !strings.EqualFold(uid[:len(own)], own)
}

func hexHash(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])
}

// DashboardTitle is the title of the dashboard of workload name in
// namespace ns: unique in its folder, as Grafana wants.
func DashboardTitle(ns, name string) string { return ns + titleSeparator + name }

// KeyNamespace is the namespace whose dashboard pave writes under key, and
// whether key has the form of one (it begins DashboardKeyPrefix). A key of
// that form without a namespace yields "".
func KeyNamespace(key string) (string, bool) {
	rest, ok := strings.CutPrefix(key, DashboardKeyPrefix)
	if !ok {
		return "", false
	}
	ns, _, found := strings.Cut(rest, "_")
	if !found {
		return "", true
	}
	return ns, true
}

// TitleNamespace is the namespace a title names in the form of pave's
// (<namespace> / <workload>), and whether it has that form: a namespace's
// name, the separator, a workload's name, nothing more. Grafana's database
// may compare titles regardless of case, so the title is lower-cased
// first; "Kubernetes / Compute Resources / Cluster" names no workload.
func TitleNamespace(title string) (string, bool) {
	ns, name, ok := strings.Cut(strings.ToLower(strings.TrimSpace(title)), titleSeparator)
	if !ok || len(validation.IsDNS1123Label(ns)) > 0 || len(validation.IsDNS1123Subdomain(name)) > 0 {
		return "", false
	}
	return ns, true
}
