// Package environment builds the engine's environment (policy.Env) of an
// object, in one place for every adapter: the webhook and the controller read
// the cluster through a cache, the CLI reads its input files and flags. So a
// server-side dry run, the controller and pave check --render judge the same
// object in the same namespace the same way and list the same companions.
package environment

import (
	"context"
	"fmt"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	policyv1 "k8s.io/api/policy/v1"
	schedulingv1 "k8s.io/api/scheduling/v1"
	storagev1 "k8s.io/api/storage/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/pave-dev/pave/pkg/api/v1alpha1"
	"github.com/pave-dev/pave/pkg/policy"
	"github.com/pave-dev/pave/pkg/workload"
)

// Source answers the lookups an environment needs.
type Source interface {
	// NamespaceLabels returns a namespace's labels.
	NamespaceLabels(ctx context.Context, name string) (map[string]string, error)
	// Exceptions returns the PolicyExceptions stored in the given namespaces.
	Exceptions(ctx context.Context, namespaces []string) ([]v1alpha1.PolicyException, error)
	// Canaries returns the Deployments of a namespace whose
	// pave.dev/canary-of names stable.
	Canaries(ctx context.Context, namespace, stable string) ([]appsv1.Deployment, error)
	// Quotas returns a namespace's ResourceQuotas with their usage.
	Quotas(ctx context.Context, namespace string) ([]corev1.ResourceQuota, error)
	// Budgets returns a namespace's PodDisruptionBudgets.
	Budgets(ctx context.Context, namespace string) ([]policyv1.PodDisruptionBudget, error)
	// StorageClasses returns the StorageClasses.
	StorageClasses(ctx context.Context) ([]storagev1.StorageClass, error)
	// UnreservedVolumes returns the PersistentVolumes that are Available
	// and reserved for no claim (storage.Unreserved).
	UnreservedVolumes(ctx context.Context) ([]corev1.PersistentVolume, error)
	// PriorityClasses returns the PriorityClasses.
	PriorityClasses(ctx context.Context) ([]schedulingv1.PriorityClass, error)
	// Routing returns the Ingresses, the Gateway API routes, the
	// VirtualServices bound to gateways, or the Services that have
	// external-dns publish names, of every namespace found under the index
	// key (ingress.IndexKeys); family is one of ingress.Families.
	Routing(ctx context.Context, family, key string) ([]client.Object, error)
	// IstioRules returns the VirtualServices and DestinationRules of a
	// namespace, pave's own left out, that name host as Istio resolves
	// their hosts ("": every one).
	IstioRules(ctx context.Context, namespace, host string) ([]policy.IstioRule, error)
}

// Builder builds environments from a Source and a clock.
type Builder struct {
	Source Source
	// Now is the clock exceptions are judged by.
	Now func() time.Time
	// Unserved are the companion kinds the cluster does not serve.
	Unserved []schema.GroupVersionKind
}

// Request says what is judged and what to look up.
type Request struct {
	// Namespace is the object's namespace; User the requesting user, if any.
	Namespace string
	User      policy.User
	// Exceptions asks for the PolicyExceptions and Quotas for the namespace's
	// quotas: validation needs them, mutation (on every workload's path) does
	// not.
	Exceptions, Quotas bool
	// Budgets asks for the namespace's PodDisruptionBudgets: only the
	// validation of a workload needs them.
	Budgets bool
	// StorageClasses asks for the StorageClasses: only a request that may
	// carry a volume claim needs them.
	StorageClasses bool
	// UnreservedVolumes asks for the volumes a claim that names none would
	// be bound to: only the validation of a claim, or of a workload's claim
	// templates, needs them.
	UnreservedVolumes bool
	// Priority asks for the PriorityClass a pod of PriorityClass (a name,
	// or "" for none) gets its priority from (Env.Priority); AskPriority
	// sets both where a pod spec needs it.
	Priority      bool
	PriorityClass string
	// CanaryOf asks for the canary of this stable Deployment, for its routing.
	CanaryOf string
	// Routing asks for the other Ingresses or routes whose hosts overlap
	// those of this Ingress or Gateway API route (Env.Routes): only the
	// validation of one needs them.
	Routing client.Object
	// IstioRules asks for the namespace's VirtualServices and
	// DestinationRules pave did not write (Env.IstioRules), every one: the
	// CLI's input holds few. The controller asks for those of a workload's
	// service alone (Builder.IstioRules).
	IstioRules bool
}

// Env returns the environment of r under policy p.
func (b Builder) Env(ctx context.Context, p *policy.Policy, r Request) (policy.Env, error) {
	env := policy.Env{Policy: p, Namespace: policy.Namespace{Name: r.Namespace}, User: r.User, Now: b.Now(), Unserved: b.Unserved}
	if r.Namespace != "" {
		labels, err := b.Source.NamespaceLabels(ctx, r.Namespace)
		if err != nil {
			return env, fmt.Errorf("read namespace %s: %w", r.Namespace, err)
		}
		env.Namespace.Labels = labels
	}
	if r.Exceptions {
		ex, err := b.Source.Exceptions(ctx, p.Spec.Exceptions.Namespaces)
		if err != nil {
			return env, fmt.Errorf("list PolicyExceptions: %w", err)
		}
		env.Exceptions = ex
	}
	if r.Quotas && r.Namespace != "" {
		q, err := b.Source.Quotas(ctx, r.Namespace)
		if err != nil {
			return env, fmt.Errorf("list ResourceQuotas in %s: %w", r.Namespace, err)
		}
		env.Quotas = q
	}
	if r.Budgets && r.Namespace != "" {
		pdbs, err := b.Source.Budgets(ctx, r.Namespace)
		if err != nil {
			return env, fmt.Errorf("list PodDisruptionBudgets in %s: %w", r.Namespace, err)
		}
		env.Budgets = pdbs
	}
	if r.StorageClasses {
		sc, err := b.Source.StorageClasses(ctx)
		if err != nil {
			return env, fmt.Errorf("list StorageClasses: %w", err)
		}
		env.StorageClasses = sc
	}
	if r.UnreservedVolumes {
		pvs, err := b.Source.UnreservedVolumes(ctx)
		if err != nil {
			return env, fmt.Errorf("list PersistentVolumes: %w", err)
		}
		env.UnreservedVolumes = pvs
	}
	if r.Priority {
		classes, err := b.Source.PriorityClasses(ctx)
		if err != nil {
			return env, fmt.Errorf("list PriorityClasses: %w", err)
		}
		if pc, found := PriorityOf(classes, r.PriorityClass); found {
			env.Priority = &pc
		}
	}
	if r.Routing != nil {
		routes, err := b.Routes(ctx, r.Namespace, r.Routing)
		if err != nil {
			return env, err
		}
		env.Routes = routes
	}
	if r.IstioRules {
		rules, err := b.IstioRules(ctx, r.Namespace, "")
		if err != nil {
			return env, err
		}
		env.IstioRules = rules
	}
	if r.CanaryOf != "" {
		c, _, err := b.Canary(ctx, r.Namespace, r.CanaryOf)
		if err != nil {
			return env, err
		}
		env.Canary = c
	}
	return env, nil
}

// Canary finds the canary of a stable Deployment: the Deployment whose
// pave.dev/canary-of names it. With several, the first by name is routed and
// the others are returned, for the adapter to report.
func (b Builder) Canary(ctx context.Context, namespace, stable string) (*workload.Workload, []string, error) {
	list, err := b.Source.Canaries(ctx, namespace, stable)
	if err != nil {
		return nil, nil, fmt.Errorf("list Deployments in %s: %w", namespace, err)
	}
	var found *appsv1.Deployment
	var ignored []string
	for i := range list {
		d := &list[i]
		if d.Annotations[v1alpha1.AnnotationCanaryOf] != stable || d.DeletionTimestamp != nil {
			continue
		}
		switch {
		case found == nil:
			found = d
		case d.Name < found.Name:
			ignored, found = append(ignored, found.Name), d
		default:
			ignored = append(ignored, d.Name)
		}
	}
	if found == nil {
		return nil, nil, nil
	}
	w, err := workload.New(found.DeepCopy())
	return w, ignored, err
}
