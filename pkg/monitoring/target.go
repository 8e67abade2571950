// Package monitoring has every service observed without the team asking: its
// metrics port scraped (a PodMonitor or ServiceMonitor, else scrape
// annotations), its SLOs alerted on by burn rate, a dashboard per service
// and a cost view per team. See docs/observability.md. The
// prometheus-operator objects are package operator's.
package monitoring

import (
	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/pave-dev/pave/pkg/api/v1alpha1"
	"github.com/pave-dev/pave/pkg/policy"
)

// The prometheus-operator kinds pave scrapes with. Written out rather than
// taken from the operator's API package, which the admission server does not
// link; package operator's test holds them to it.
var (
	PodMonitor     = schema.GroupVersionKind{Group: "monitoring.coreos.com", Version: "v1", Kind: "PodMonitor"}
	ServiceMonitor = schema.GroupVersionKind{Group: "monitoring.coreos.com", Version: "v1", Kind: "ServiceMonitor"}
)

// Target is how the workloads of env are scraped: the policy's choice, but
// annotations where it names an operator kind the cluster does not serve.
func Target(env policy.Env) string {
	t := env.Policy.Spec.Monitoring.Scrape
	if (t == v1alpha1.ScrapePodMonitor && !env.Serves(PodMonitor)) || (t == v1alpha1.ScrapeServiceMonitor && !env.Serves(ServiceMonitor)) {
		return v1alpha1.ScrapeAnnotations
	}
	return t
}
