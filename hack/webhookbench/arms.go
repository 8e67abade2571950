package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	jsonpatch "github.com/evanphx/json-patch/v5"
	admissionv1 "k8s.io/api/admission/v1"
	appsv1 "k8s.io/api/apps/v1"
	authnv1 "k8s.io/api/authentication/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"

	"github.com/pave-dev/pave/internal/benchdata"
	"github.com/pave-dev/pave/internal/localcluster"
	"github.com/pave-dev/pave/pkg/api/v1alpha1"
)

// webhookArm posts the Deployment's CREATE review to pave's path.
func (b *bench) webhookArm(name, path string, d *appsv1.Deployment) arm {
	raw, _ := json.Marshal(d)
	return b.rawArm(name, path, raw)
}

// validateArm posts the Deployment as the validating webhook sees it: after
// pave's mutation, as the API server sends it.
func (b *bench) validateArm(name string, d *appsv1.Deployment) (arm, error) {
	js, err := b.pavePatch(b.webhookArm("mutate for "+name, "/mutate", d))
	if err != nil {
		return arm{}, err
	}
	patch, err := jsonpatch.DecodePatch(js)
	if err != nil {
		return arm{}, err
	}
	raw, _ := json.Marshal(d)
	if raw, err = patch.Apply(raw); err != nil {
		return arm{}, err
	}
	return b.rawArm(name, "/validate", raw), nil
}

func (b *bench) rawArm(name, path string, raw []byte) arm {
	d := struct{ Metadata struct{ Name string } }{}
	_ = json.Unmarshal(raw, &d)
	ar := admissionv1.AdmissionReview{TypeMeta: metav1.TypeMeta{APIVersion: "admission.k8s.io/v1", Kind: "AdmissionReview"},
		Request: &admissionv1.AdmissionRequest{UID: "bench", Kind: metav1.GroupVersionKind{Group: "apps", Version: "v1", Kind: "Deployment"},
			Resource:  metav1.GroupVersionResource{Group: "apps", Version: "v1", Resource: "deployments"},
			Namespace: nsPave, Name: d.Metadata.Name, Operation: admissionv1.Create, UserInfo: authnv1.UserInfo{Username: "dev@example.com"},
			Object: runtime.RawExtension{Raw: raw}}}
	body, _ := json.Marshal(ar)
	a := arm{name: name, url: fmt.Sprintf("https://127.0.0.1:%d%s", b.pavePort, path), body: body, pid: b.admission.Pid()}
	a.check = func(r *admissionv1.AdmissionResponse) error {
		if !r.Allowed {
			return fmt.Errorf("denied: %v", r.Result)
		}
		return nil
	}
	if path == "/mutate" {
		a.check = injects(!b.o.meshOff)
	}
	return a
}

// arms are pave's webhook arms: /mutate and /validate, for one container
// and for 20, given the same Deployment again and again (as the issue
// measures), and given a new Deployment each time ("-new": renumbered, so
// that only the mesh proxy is the same from one request to the next; pave
// remembers containers it has decoded).
func (b *bench) arms() ([]arm, error) {
	var out []arm
	for _, n := range []int{1, 20} {
		suffix := ""
		if n > 1 {
			suffix = fmt.Sprintf("-%d", n)
		}
		for _, series := range []bool{false, true} {
			d, name := benchdata.Compliant(n), suffix
			if series {
				d, name = benchdata.Template(n), suffix+"-new"
			}
			validate, err := b.validateArm("validate"+name, d)
			if err != nil {
				return nil, err
			}
			mutate := b.webhookArm("mutate"+name, "/mutate", d)
			if series {
				mutate.series, validate.series = &b.numbers, &b.numbers
			}
			out = append(out, mutate, validate)
		}
	}
	return out, nil
}

// webhookArms measures pave's two paths and, for each arm, the no-op handler
// given the same request ("noop/<arm>"): its floor, since the stack's cost
// (reading, decoding the review, TLS) grows with the object. All interleaved.
// The first two arms also run against the former floor, the same handler in
// the load generator's process (formerFloor), for the record only.
func (b *bench) webhookArms() (map[string]stats, error) {
	paves, err := b.arms()
	if err != nil {
		return nil, err
	}
	var arms []arm
	for i, a := range paves {
		noop := a
		noop.name, noop.url, noop.check, noop.pid = "noop/"+a.name, fmt.Sprintf("https://127.0.0.1:%d/noop", b.noopPort), nil, b.noop.Process.Pid
		arms = append(arms, a, noop)
		if slices.Contains(patchedArms(), a.name) {
			patched, err := b.patchedArm(noop, a)
			if err != nil {
				return nil, err
			}
			arms = append(arms, patched)
		}
		if i < 2 { // /mutate and /validate against the former floor too, for the record
			former := noop
			former.name, former.url, former.pid = formerFloor+a.name, fmt.Sprintf("https://127.0.0.1:%d/noop", b.inGeneratorPort), 0
			arms = append(arms, former)
		}
	}
	lat := map[string][]time.Duration{}
	server, client := map[string]time.Duration{}, map[string]time.Duration{}
	for _, a := range arms { // warm up connections and caches
		if _, err := hammer(b.client, a, b.o.c, 300*time.Millisecond); err != nil {
			return nil, err
		}
	}
	for r := range b.o.rounds {
		for i := range arms {
			a := arms[(i+r)%len(arms)]
			s0, err1 := processCPU(a.pid)
			c0, err2 := processCPU(0)
			l, err := hammer(b.client, a, b.o.c, b.o.round)
			if err != nil {
				return nil, err
			}
			s1, err3 := processCPU(a.pid)
			c1, err4 := processCPU(0)
			if err := errors.Join(err1, err2, err3, err4); err != nil {
				return nil, fmt.Errorf("CPU time of %s: %w", a.name, err)
			}
			lat[a.name] = append(lat[a.name], l...)
			server[a.name] += s1 - s0
			client[a.name] += c1 - c0
		}
	}
	out := map[string]stats{}
	for name, l := range lat {
		s := summarize(l, time.Duration(b.o.rounds)*b.o.round)
		s.ServerCPUus = float64(server[name].Microseconds()) / float64(len(l))
		s.ClientCPUus = float64(client[name].Microseconds()) / float64(len(l))
		out[name] = s
	}
	return out, nil
}

// patchedArm is noop answering with the patch pave answers pave's request
// with: the floor of any webhook that must send pave's answer.
func (b *bench) patchedArm(noop, pave arm) (arm, error) {
	if err := b.writePatch(pave); err != nil {
		return arm{}, err
	}
	noop.name, noop.url = patchedFloor+pave.name, fmt.Sprintf("https://127.0.0.1:%d%s%s", b.noopPort, patchedPath, pave.name)
	return noop, nil
}

// writePatch asks pave for its patch for the arm's request and writes it
// where the no-op server answers the arm of that name with it.
func (b *bench) writePatch(pave arm) error {
	patch, err := b.pavePatch(pave)
	if err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(b.noopDir, patchFile(pave.name)), patch, 0o600)
}

// pavePatch posts a /mutate arm's request once and returns pave's patch.
func (b *bench) pavePatch(a arm) ([]byte, error) {
	resp, err := b.client.Post(a.url, "application/json", bytes.NewReader(a.body))
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	var ar admissionv1.AdmissionReview
	if err := json.NewDecoder(resp.Body).Decode(&ar); err != nil || ar.Response == nil || len(ar.Response.Patch) == 0 {
		return nil, fmt.Errorf("pave's patch for %s: none in its answer (%v)", a.name, err)
	}
	return ar.Response.Patch, nil
}

// patchedFloor prefixes the arms against the no-op handler that answers
// pave's patch (patchedArm): not a target, the bound on one.
const patchedFloor = "noop-patched/"

// apiServerArms creates Deployments through the API server in the four
// namespaces, interleaved in rounds of 100. In nsNoopPatched the no-op
// mutating webhook sends pave's patch for the Deployments created (all the
// same but for their names and images, which the patch does not hold).
func (b *bench) apiServerArms(ctx context.Context) (map[string]stats, error) {
	if err := b.writePatch(b.webhookArm(apiArm, "/mutate", meshed(0, 0))); err != nil {
		return nil, err
	}
	return b.interleavedCreates(ctx, interleavedNamespaces(), 0, "", meshed)
}

// interleavedNamespaces are the arms' namespaces of apiServerArms and
// controllerStoppedArms.
func interleavedNamespaces() []string { return []string{nsNone, nsNoop, nsNoopPatched, nsPave} }

// controllerStoppedArms repeats the four arms with pave's controller
// stopped, and starts it again after: what pave's admission alone costs the
// API server, without the companions the controller writes on the same cores
// meanwhile, against the no-op webhooks, the no-op webhooks that send pave's
// patch and no webhook at all in the same quiet. It attributes the gap; the
// target is the arm above.
// Until stop 28 the controller was paused (SIGSTOP), which kept its watches
// open and unread for the API server to deal with on every create; that
// arm read anything from 0.53x to 1.01x.
// With -profile, the API server is then profiled under creates in each
// namespace in turn (apiServerProfiles), numbered from profileOffset.
func (b *bench) controllerStoppedArms(ctx context.Context, profileOffset int) (map[string]stats, []apiServerProfile, error) {
	b.controller.Stop()
	arms, err := b.interleavedCreates(ctx, interleavedNamespaces(), b.o.creates, stoppedSuffix, meshed)
	var profiles []apiServerProfile
	if err == nil && b.o.profile != "" {
		profiles, _, err = b.apiServerProfiles(ctx, b.o.profile, profileOffset, nil)
	}
	c, startErr := b.cl.StartWebhook(b.controllerOpts)
	if startErr != nil {
		return nil, nil, fmt.Errorf("start the controller again: %w", startErr)
	}
	b.controller = c
	return arms, profiles, err
}

// unmeshedArms creates Deployments that opt out of the mesh, in a zone
// that allows it, interleaved with the same Deployments through the no-op
// webhooks, through no-op webhooks that add one label, and through none,
// the controller running: pave's whole pipeline but the proxy, with the
// companions of a workload outside the mesh. It attributes the gap to the
// proxy in the template (decisions.md, "The proxy goes into the pod
// template"), and the one-label arm to any change at all: whatever a
// mutating webhook changes, the API server applies its patch, decodes the
// result and runs its own mutating plugins again. The target is
// apiServerArms'. Its Deployments are numbered apart from the other
// phases', so each is new, and its four namespaces all start empty.
func (b *bench) unmeshedArms(ctx context.Context) (map[string]stats, error) {
	return b.interleavedCreates(ctx, []string{nsNoneUnmeshed, nsNoopUnmeshed, nsNoopLabelled, nsPaveUnmeshed}, 2*b.o.creates, unmeshedSuffix, optedOut)
}

// unmeshedSuffix marks the arms of Deployments opted out of the mesh.
const unmeshedSuffix = "-unmeshed"

// formerFloor prefixes the arms against the no-op handler served from the
// load generator's own process, the floor until stop 23: not a target.
const formerFloor = "noop-in-generator/"

// stoppedSuffix marks the arms run with the controller stopped.
const stoppedSuffix = "-controller-stopped"

// interleavedCreates makes b.o.creates Deployments (made by deployment, no
// replicas) in each namespace, in batches of 100 that take turns, each
// arm's after each other arm's equally often (balancedOrder), numbered from
// offset; keys are the arms' names with suffix.
func (b *bench) interleavedCreates(ctx context.Context, arms []string, offset int, suffix string, deployment func(i int, replicas int32) *appsv1.Deployment) (map[string]stats, error) {
	lat := map[string][]time.Duration{}
	took := map[string]time.Duration{}
	const batch = 100
	done := map[string]int{} // each arm's batches so far
	for _, i := range balancedOrder(len(arms), (b.o.creates+batch-1)/batch) {
		ns := arms[i]
		from := done[ns] * batch
		done[ns]++
		start := time.Now()
		l, err := b.create(ctx, ns, offset+from, min(batch, b.o.creates-from), 0, deployment)
		if err != nil {
			return nil, err
		}
		took[ns] += time.Since(start)
		lat[ns] = append(lat[ns], l...)
	}
	out := map[string]stats{}
	for ns, l := range lat {
		out[armKey(ns, suffix)] = summarize(l, took[ns])
	}
	return out, nil
}

// armKey is the report's key for the creates in namespace ns of the phase
// marked by suffix: "noop-controller-stopped" for bench-noop's, and
// "noop-unmeshed" for bench-noop-unmeshed's as for bench-noop's.
func armKey(ns, suffix string) string {
	return strings.TrimSuffix(strings.TrimPrefix(ns, "bench-"), suffix) + suffix
}

// create makes n Deployments (made by deployment) from c workers and
// returns each create's latency.
func (b *bench) create(ctx context.Context, ns string, from, n int, replicas int32, deployment func(i int, replicas int32) *appsv1.Deployment) ([]time.Duration, error) {
	var mu sync.Mutex
	var all []time.Duration
	var firstErr error
	var wg sync.WaitGroup
	for w := range b.o.c {
		wg.Go(func() {
			for i := from + w; i < from+n; i += b.o.c {
				d := deployment(i, replicas)
				start := time.Now()
				_, err := b.cs.AppsV1().Deployments(ns).Create(ctx, d, metav1.CreateOptions{})
				took := time.Since(start)
				mu.Lock()
				if err != nil && firstErr == nil {
					firstErr = fmt.Errorf("create in %s: %w", ns, err)
				}
				all = append(all, took)
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	return all, firstErr
}

// meshed is the ith Deployment created through the API server: each new
// to the webhook.
func meshed(i int, replicas int32) *appsv1.Deployment {
	d := benchdata.Nth(1, i)
	d.Name = fmt.Sprintf("app-%05d", i)
	d.Spec.Replicas = &replicas
	return d
}

// optedOut is meshed(i) opted out of the mesh, which a public zone allows.
func optedOut(i int, replicas int32) *appsv1.Deployment {
	d := meshed(i, replicas)
	d.Spec.Template.Annotations = map[string]string{v1alpha1.AnnotationInject: "false"}
	return d
}

// memory fills the cluster with Deployments of one Pod each (the
// controller-manager makes the ReplicaSets and Pods, through pave's
// webhooks), runs the webhook load again, and reads both processes'
// resident memory.
func (b *bench) memory(ctx context.Context, n int) (map[string]float64, error) {
	if _, err := b.create(ctx, "bench-fill", 0, n, 1, meshed); err != nil {
		return nil, err
	}
	for deadline := time.Now().Add(15 * time.Minute); ; time.Sleep(5 * time.Second) {
		pods, err := b.cs.CoreV1().Pods("bench-fill").List(ctx, metav1.ListOptions{ResourceVersion: "0"})
		if err == nil && len(pods.Items) >= n {
			break
		}
		if time.Now().After(deadline) {
			return nil, fmt.Errorf("the Pods of %d Deployments were not created within 15 minutes", n)
		}
	}
	if _, err := b.webhookArms(); err != nil { // under load
		return nil, err
	}
	out := map[string]float64{}
	for role, w := range map[string]*localcluster.Webhook{"admission": b.admission, "controller": b.controller} {
		out[role+"RSS"], out[role+"Peak"] = w.Memory()
	}
	return out, nil
}
