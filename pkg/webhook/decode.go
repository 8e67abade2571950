package webhook

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"time"

	admissionv1 "k8s.io/api/admission/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"sigs.k8s.io/controller-runtime/pkg/webhook/admission"

	"github.com/pave-dev/pave/pkg/audit"
	"github.com/pave-dev/pave/pkg/engine"
	"github.com/pave-dev/pave/pkg/environment"
	"github.com/pave-dev/pave/pkg/ingress"
	"github.com/pave-dev/pave/pkg/metrics"
	"github.com/pave-dev/pave/pkg/object"
	"github.com/pave-dev/pave/pkg/policy"
	"github.com/pave-dev/pave/pkg/workload"
)

// Common is what both handlers share.
type Common struct {
	Engines *Engines
	// Env builds each request's environment from the cluster's cache.
	Env environment.Builder
	// Deadline bounds each request; keep it below the webhook's timeoutSeconds
	// so pave answers (with an error) before the API server gives up on it.
	Deadline time.Duration
	// Ungoverned are the namespaces pave never touches: its own and those
	// it is told the webhook configurations exclude (this is the second
	// fence, should a configuration send a request from one anyway).
	Ungoverned []string
	// Metrics counts findings and mutations; nil counts nothing.
	Metrics *metrics.Pave
	// Audit hears of every validation decision with findings; nil records
	// nothing.
	Audit Auditor
	// Decoder decodes workloads, remembering their containers; nil
	// remembers nothing. One for both handlers: /validate gets the proxy
	// /mutate injected, and the Pods get their Deployment's containers.
	Decoder *workload.Decoder
}

// Auditor records decisions. Decide must return at once, whatever happens
// to the record (audit.Recorder queues it, or drops and counts it): an
// admission never waits for its audit.
type Auditor interface {
	Decide(p *policy.Policy, r audit.Request, vs []policy.Violation)
}

// SubresourceEphemeral is the Pod subresource kubectl debug writes through.
const SubresourceEphemeral = "ephemeralcontainers"

// SubresourceResize is the Pod subresource that changes a running Pod's
// cpu and memory in place (kubectl patch --subresource resize, the
// vertical pod autoscaler's in-place updates). It is validated, never
// mutated: a resize carries the whole Pod, and what it changes is the
// team's choice, judged like an update.
const SubresourceResize = "resize"

// prepared is a request ready for the engine, or the response that ends it early.
type prepared struct {
	eng *engine.Engine
	// generation is the PlatformPolicy generation eng was compiled from.
	generation int64
	w          *workload.Workload
	// old is the object before an UPDATE, nil on CREATE.
	old *workload.Workload
	// obj and oldObj are set instead of w and old for a governed kind that
	// carries no pod template.
	obj, oldObj engine.Object
	env         policy.Env
	done        *admission.Response
}

// prepare decodes a request and builds its environment. validating says
// which handler asks: only validation reads exceptions (mutation is on every
// workload's path), and only validation denies.
func (c *Common) prepare(ctx context.Context, req admission.Request, validating bool) prepared {
	end := func(r admission.Response) prepared { return prepared{done: &r} }
	eng, generation := c.Engines.Current()
	if eng == nil {
		return end(admission.Errored(http.StatusServiceUnavailable, errNotReady))
	}
	if req.Operation != admissionv1.Create && req.Operation != admissionv1.Update {
		return end(admission.Allowed(""))
	}
	if slices.Contains(c.Ungoverned, req.Namespace) {
		return end(admission.Allowed("pave does not govern namespace " + req.Namespace))
	}
	if req.SubResource != "" && !judgedSubresource(req, validating) {
		return end(admission.Allowed(""))
	}
	apiVersion := apiVersionOf(req.Kind)
	w, err := c.Decoder.FromJSON(apiVersion, req.Kind.Kind, req.Object.Raw)
	if big, ok := err.(*workload.OversizedError); ok {
		// Found before decoding: the request costs no more than its size.
		if !validating {
			return end(admission.Allowed(""))
		}
		v := engine.OversizedViolation(big)
		c.audit(req, eng.Policy(), generation, req.Name, []policy.Violation{v})
		return end(admission.Denied(Denial(req.Kind.Kind, req.Namespace, req.Name, []policy.Violation{v})))
	}
	if err != nil {
		return end(admission.Errored(http.StatusBadRequest, err))
	}
	p := prepared{eng: eng, generation: generation, w: w}
	if w == nil {
		gvk := schema.GroupVersionKind{Group: req.Kind.Group, Version: req.Kind.Version, Kind: req.Kind.Kind}
		// Objects without a pod template are completed at creation, and
		// some at their updates too (see engine.ObjectMutator).
		completed := req.Operation == admissionv1.Create && eng.Completes(gvk) || req.Operation == admissionv1.Update && eng.CompletesUpdates(gvk)
		if validating && !eng.Governs(gvk) || !validating && !completed {
			return end(admission.Allowed("not a workload"))
		}
		if p.obj, err = object.Decode(gvk, req.Object.Raw); err != nil {
			return end(admission.Errored(http.StatusBadRequest, err))
		}
		// The old object matters to validation alone: completing an
		// update reads only the object as it is written.
		if validating && req.Operation == admissionv1.Update && len(req.OldObject.Raw) > 0 {
			if p.oldObj, err = object.Decode(gvk, req.OldObject.Raw); err != nil {
				return end(admission.Errored(http.StatusBadRequest, fmt.Errorf("old object: %w", err)))
			}
		}
	} else if req.Operation == admissionv1.Update && len(req.OldObject.Raw) > 0 &&
		(validating || req.SubResource == SubresourceEphemeral || len(workload.FixedAtCreation(req.Kind.Kind)) > 0) {
		// The old object matters to validation (what the update adds), to
		// the ephemeral-containers patch, and to the fields an update cannot
		// change (refixed); the mutating webhook on every other UPDATE does
		// not pay for decoding it.
		if p.old, err = c.Decoder.FromJSON(apiVersion, req.Kind.Kind, req.OldObject.Raw); err != nil {
			return end(admission.Errored(http.StatusBadRequest, fmt.Errorf("old object: %w", err)))
		}
	}
	// StorageClasses matter only where a volume claim is completed or judged.
	claims := req.Kind.Kind == "PersistentVolumeClaim" || w != nil && len(workload.Claims(w)) > 0
	envReq := environment.Request{Namespace: req.Namespace,
		User:       policy.User{Name: req.UserInfo.Username, Groups: req.UserInfo.Groups},
		Exceptions: validating, Quotas: validating, StorageClasses: claims, UnreservedVolumes: validating && claims,
		// A workload's replicas are judged against its budgets; a Pod, or
		// a ReplicaSet a Deployment owns (every step of a rollout), is not.
		Budgets: validating && w != nil && w.Kind != "Pod" && metav1.GetControllerOf(w.Meta) == nil}
	if validating && w != nil && w.Kind != "Pod" {
		// A Pod comes with its class's values: the API server's Priority
		// admission gave them before any webhook, and refused a Pod that set
		// others.
		envReq.AskPriority(w.PodSpec)
	}
	if validating && ingress.NamesHosts(p.obj) {
		envReq.Routing = p.obj // its hosts are judged against the other teams'
	}
	if p.env, err = c.Env.Env(ctx, eng.Policy(), envReq); err != nil {
		return end(admission.Errored(http.StatusInternalServerError, err))
	}
	p.env.Resize = req.SubResource == SubresourceResize
	return p
}

// judgedSubresource reports whether a request on a subresource is pave's:
// a Pod's ephemeral containers, and its resize (validated only). Status,
// scale and the rest change nothing it judges.
func judgedSubresource(req admission.Request, validating bool) bool {
	if req.Kind.Kind != "Pod" {
		return false
	}
	return req.SubResource == SubresourceEphemeral || validating && req.SubResource == SubresourceResize
}

// apiVersionOf is the apiVersion of a request's kind (v1, apps/v1).
func apiVersionOf(k metav1.GroupVersionKind) string {
	if k.Group == "" {
		return k.Version
	}
	return k.Group + "/" + k.Version
}

var errNotReady = errors.New("pave is starting and has not loaded its policy yet; retry in a few seconds")
