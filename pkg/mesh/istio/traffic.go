// Package istio generates the Istio objects that keep a workload's traffic
// safe: strict mTLS per namespace, and per service a DestinationRule (mutual
// TLS, connection limits, circuit breaking) and a VirtualService (timeout,
// retries, canary routes). Objects are named pave-* so they never collide
// with a team's own. It is apart from package mesh, which the admission server
// uses, so that the admission server does not link Istio's API.
package istio

import (
	"context"
	"time"

	"google.golang.org/protobuf/types/known/durationpb"
	"google.golang.org/protobuf/types/known/wrapperspb"
	networkingapi "istio.io/api/networking/v1alpha3"
	networking "istio.io/client-go/pkg/apis/networking/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/utils/ptr"

	"github.com/pave-dev/pave/pkg/api/v1alpha1"
	"github.com/pave-dev/pave/pkg/mesh"
	"github.com/pave-dev/pave/pkg/policy"
	"github.com/pave-dev/pave/pkg/workload"
)

// PeerAuthenticationName names the namespace's PeerAuthentication.
const PeerAuthenticationName = mesh.ObjectPrefix + "mtls"

// object is engine.Object: the same alias of the same interface literal.
type object = interface {
	metav1.Object
	runtime.Object
}

// Traffic generates the traffic policy objects of a service: client mTLS,
// connection pool and outlier detection, timeouts and retries, canary routes.
type Traffic struct{}

// Name implements engine.Generator.
func (Traffic) Name() string { return "mesh-traffic" }

// Kinds implements engine.Generator.
func (Traffic) Kinds() []schema.GroupVersionKind {
	return []schema.GroupVersionKind{
		{Group: "networking.istio.io", Version: "v1", Kind: "DestinationRule"},
		{Group: "networking.istio.io", Version: "v1", Kind: "VirtualService"},
	}
}

// Generate implements engine.Generator.
func (Traffic) Generate(_ context.Context, w *workload.Workload, env policy.Env) ([]object, error) {
	spec := env.Policy.Spec.Mesh
	svc, ok := mesh.ServiceOf(w)
	if _, isCanary, _ := mesh.CanaryOf(w); !spec.Mode.UsesIstio() || !ok || isCanary {
		return nil, nil // a canary's traffic is routed by its stable's objects
	}
	ns := env.NamespaceOf(w)
	host := mesh.ServiceHost(svc, ns)
	s, _ := mesh.Effective(w, spec.Traffic)
	t := spec.Traffic
	meta := func(name string) metav1.ObjectMeta {
		return metav1.ObjectMeta{Name: name, Namespace: ns, Labels: map[string]string{v1alpha1.LabelManagedBy: v1alpha1.ManagedByPave, v1alpha1.LabelName: svc}}
	}

	dr := &networking.DestinationRule{
		TypeMeta:   metav1.TypeMeta{APIVersion: "networking.istio.io/v1", Kind: "DestinationRule"},
		ObjectMeta: meta(mesh.ObjectPrefix + svc),
	}
	dr.Spec.Host = host
	dr.Spec.TrafficPolicy = &networkingapi.TrafficPolicy{
		ConnectionPool: &networkingapi.ConnectionPoolSettings{
			Tcp:  &networkingapi.ConnectionPoolSettings_TCPSettings{MaxConnections: ptr.Deref(t.ConnectionPool.MaxConnections, 0)},
			Http: &networkingapi.ConnectionPoolSettings_HTTPSettings{Http1MaxPendingRequests: ptr.Deref(t.ConnectionPool.MaxPendingRequests, 0)},
		},
	}
	// No consecutive errors is no circuit breaker: Istio ejects nothing
	// where a DestinationRule says nothing of outliers.
	if n := ptr.Deref(t.OutlierDetection.ConsecutiveErrors, 0); n > 0 {
		dr.Spec.TrafficPolicy.OutlierDetection = &networkingapi.OutlierDetection{
			Consecutive_5XxErrors: wrapperspb.UInt32(n),
			Interval:              duration(mesh.Duration(t.OutlierDetection.Interval)),
			BaseEjectionTime:      duration(mesh.Duration(t.OutlierDetection.BaseEjectionTime)),
			MaxEjectionPercent:    ptr.Deref(t.OutlierDetection.MaxEjectionPercent, 0),
		}
	}

	// Mutual TLS to pods that run the proxy. To pods without one (opted
	// out, or an Istio gateway, whose listeners are its Gateway's) Istio's
	// auto mTLS sends plaintext, which ISTIO_MUTUAL here would override:
	// every meshed caller's connection would fail.
	if mesh.Meshed(w, spec.Mode) && !mesh.IstioGateway(w) {
		dr.Spec.TrafficPolicy.Tls = &networkingapi.ClientTLSSettings{Mode: networkingapi.ClientTLSSettings_ISTIO_MUTUAL}
	}

	vs := &networking.VirtualService{
		TypeMeta:   metav1.TypeMeta{APIVersion: "networking.istio.io/v1", Kind: "VirtualService"},
		ObjectMeta: meta(mesh.ObjectPrefix + svc),
	}
	vs.Spec.Hosts = []string{host}
	// No attempts is no retries, which Istio reads from attempts 0 alone:
	// its validation refuses a per-try timeout or retry conditions beside
	// it, and without the field Istio would retry by its own default.
	retries := &networkingapi.HTTPRetry{}
	if s.Attempts > 0 {
		retries = &networkingapi.HTTPRetry{Attempts: s.Attempts, PerTryTimeout: duration(s.PerTryTimeout), RetryOn: t.Retries.RetryOn}
	}
	route := func(name string, dests []*networkingapi.HTTPRouteDestination) *networkingapi.HTTPRoute {
		return &networkingapi.HTTPRoute{
			Name:    name,
			Route:   dests,
			Timeout: duration(s.Timeout),
			Retries: retries,
		}
	}
	dest := func(subset string, weight int32) *networkingapi.HTTPRouteDestination {
		return &networkingapi.HTTPRouteDestination{Destination: &networkingapi.Destination{Host: host, Subset: subset}, Weight: weight}
	}
	vs.Spec.Http = []*networkingapi.HTTPRoute{route("default", []*networkingapi.HTTPRouteDestination{dest("", 0)})}
	if c, ok, problems := canaryFor(env); ok && len(problems) == 0 {
		dr.Spec.Subsets = []*networkingapi.Subset{
			{Name: "stable", Labels: map[string]string{v1alpha1.LabelTrack: "stable"}},
			{Name: "canary", Labels: map[string]string{v1alpha1.LabelTrack: "canary"}},
		}
		weight := int32(mesh.CurrentWeight(env.Canary, c))
		// A destination with weight 0 is left out, so the route reads as it
		// behaves (0 would also vanish from the JSON, leaving a weightless entry).
		var split []*networkingapi.HTTPRouteDestination
		for _, d := range []*networkingapi.HTTPRouteDestination{dest("stable", 100-weight), dest("canary", weight)} {
			if d.Weight > 0 {
				split = append(split, d)
			}
		}
		vs.Spec.Http = []*networkingapi.HTTPRoute{route("default", split)}
		if c.HeaderName != "" {
			ab := route("canary-header", []*networkingapi.HTTPRouteDestination{dest("canary", 100)})
			ab.Match = []*networkingapi.HTTPMatchRequest{{Headers: map[string]*networkingapi.StringMatch{
				c.HeaderName: {MatchType: &networkingapi.StringMatch_Exact{Exact: c.HeaderValue}}}}}
			vs.Spec.Http = append([]*networkingapi.HTTPRoute{ab}, vs.Spec.Http...)
		}
	}
	// Where the team routes the service itself, pave's objects step aside
	// (mesh.TeamRules): its VirtualService, and with it the canary's split; its
	// DestinationRule's traffic policy, keeping the subsets that merge.
	teamVS, teamDR := mesh.TeamRules(w, env)
	var out []object
	if teamDR != "" {
		dr.Spec.TrafficPolicy = nil
	}
	if teamVS != "" {
		dr.Spec.Subsets = nil
	}
	if dr.Spec.TrafficPolicy != nil || len(dr.Spec.Subsets) > 0 {
		out = append(out, dr)
	}
	if teamVS == "" {
		out = append(out, vs)
	}
	return out, nil
}

// duration is d for Istio, where no value means Istio's default (no
// timeout, its outlier detection's own interval). Its CRDs refuse "0s", as
// any duration below policy.MinMeshDuration, the floor the policy and the
// annotations are held to.
func duration(d time.Duration) *durationpb.Duration {
	if d == 0 {
		return nil
	}
	return durationpb.New(d)
}

// canaryFor parses the canary the adapter found for the workload, if any.
func canaryFor(env policy.Env) (mesh.Canary, bool, []mesh.Problem) {
	if env.Canary == nil {
		return mesh.Canary{}, false, nil
	}
	return mesh.CanaryOf(env.Canary)
}
