// Package companions says which generators pave runs: the objects the
// controller writes beside each workload, namespace and the cluster. It is
// the one package that links every API pave writes; the admission server
// does without it (docs/performance.md).
package companions

import (
	"context"
	"fmt"

	admissionregistrationv1 "k8s.io/api/admissionregistration/v1"

	"github.com/pave-dev/pave/pkg/api/v1alpha1"
	"github.com/pave-dev/pave/pkg/audit/reportguard"
	"github.com/pave-dev/pave/pkg/backup/velero"
	"github.com/pave-dev/pave/pkg/engine"
	"github.com/pave-dev/pave/pkg/ingress"
	"github.com/pave-dev/pave/pkg/mesh/cilium"
	"github.com/pave-dev/pave/pkg/mesh/istio"
	"github.com/pave-dev/pave/pkg/monitoring"
	"github.com/pave-dev/pave/pkg/monitoring/operator"
	"github.com/pave-dev/pave/pkg/namespaces"
	"github.com/pave-dev/pave/pkg/policy"
	"github.com/pave-dev/pave/pkg/quota"
	"github.com/pave-dev/pave/pkg/scheduling"
	"github.com/pave-dev/pave/pkg/secrets"
	"github.com/pave-dev/pave/pkg/storage"
	"github.com/pave-dev/pave/pkg/zones"
)

// All are pave's generators, in the order they run, for pave in its
// default namespace (the CLI's view).
func All() engine.Companions {
	return AllIn(v1alpha1.Install{PaveNamespace: v1alpha1.DefaultPaveNamespace})
}

// AllIn are pave's generators for pave installed as in says: in its
// namespace, whose service accounts the guards trust and which, like the
// excluded ones (--exclude-namespaces), is no team's.
func AllIn(in v1alpha1.Install) engine.Companions {
	return engine.Companions{
		Workload:  []engine.Generator{istio.Traffic{}, cilium.Policy{}, zones.Ingress{}, secrets.Delivery{}, operator.Scrape{}, operator.SLORules{}, monitoring.Dashboard{}},
		Namespace: []engine.NamespaceGenerator{istio.MTLS{}, quota.Tier{}, zones.Baseline{}, velero.Schedule{}, operator.Cost{}},
		Cluster: []engine.ClusterGenerator{namespaces.Guard{}, zones.Boundaries{Install: in}, zones.Guard{Install: in}, secrets.Guard{Install: in},
			storage.Guard{Install: in}, storage.ReserveGuard{Install: in}, ingress.Guard{Install: in}, scheduling.Guard{Install: in}, monitoring.SecretGuard{Install: in},
			reportguard.Guard{Install: in}},
	}
}

// Engine is pave's whole pipeline for a policy: engine.Default with every
// generator. The CLI and the controller run it.
func Engine(p *policy.Policy) (*engine.Engine, error) { return engine.Default(p, All()) }

// Guards are the ValidatingAdmissionPolicies pave writes under the policy,
// for pave installed as in says: the checks the API server makes beside
// pave's webhooks, which the CLI judges by (pkg/admissionpolicy/evaluate).
func Guards(ctx context.Context, p *policy.Policy, in v1alpha1.Install) ([]*admissionregistrationv1.ValidatingAdmissionPolicy, error) {
	var out []*admissionregistrationv1.ValidatingAdmissionPolicy
	for _, g := range AllIn(in).Cluster {
		objs, err := g.GenerateCluster(ctx, p)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", g.Name(), err)
		}
		for _, o := range objs {
			if vap, ok := o.(*admissionregistrationv1.ValidatingAdmissionPolicy); ok {
				out = append(out, vap)
			}
		}
	}
	return out, nil
}
