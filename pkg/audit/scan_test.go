package audit

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strconv"
	"testing"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/log"

	"github.com/pave-dev/pave/pkg/companions"
	"github.com/pave-dev/pave/pkg/engine"
	"github.com/pave-dev/pave/pkg/environment"
)

// pagedAPI lists as the API server does, a page of at most the limit
// asked for at a time (the fake client ignores it), and counts the pages.
type pagedAPI struct {
	client.Client
	pages map[string]int
}

func (p *pagedAPI) List(ctx context.Context, list client.ObjectList, opts ...client.ListOption) error {
	o := (&client.ListOptions{}).ApplyOptions(opts)
	if err := p.Client.List(ctx, list, opts...); err != nil || o.Limit == 0 {
		return err
	}
	items, err := meta.ExtractList(list)
	if err != nil {
		return err
	}
	slices.SortFunc(items, func(a, b runtime.Object) int {
		return cmp.Compare(a.(client.Object).GetName(), b.(client.Object).GetName())
	})
	from, _ := strconv.Atoi(o.Continue)
	to := min(from+int(o.Limit), len(items))
	if err := meta.SetList(list, items[from:to]); err != nil {
		return err
	}
	if to < len(items) {
		list.SetContinue(strconv.Itoa(to))
	}
	p.pages[fmt.Sprintf("%T", list)]++
	return nil
}

// The background audit lists the workloads whole from the API server, a
// page at a time (the controller's cache keeps only what their companions
// are made of), and judges every one of every page.
func TestBackgroundAuditReadsEveryPage(t *testing.T) {
	objs := []client.Object{&corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: "shop"}}}
	n := scanPage + 10
	for i := range n {
		labels := map[string]string{"app.kubernetes.io/name": "app", "pave.dev/team": "shop"}
		objs = append(objs, &appsv1.Deployment{ObjectMeta: metav1.ObjectMeta{Name: fmt.Sprintf("app-%03d", i), Namespace: "shop", Labels: labels},
			Spec: appsv1.DeploymentSpec{Selector: &metav1.LabelSelector{MatchLabels: labels}, Template: corev1.PodTemplateSpec{
				ObjectMeta: metav1.ObjectMeta{Labels: labels},
				Spec:       corev1.PodSpec{Containers: []corev1.Container{{Name: "app", Image: "docker.io/library/nginx:1.27"}}}}}})
	}
	c := fakeClient(t, objs...)
	api := &pagedAPI{Client: c, pages: map[string]int{}}
	eng, err := companions.Engine(loadPolicy(t, "spec: {images: {allowedRegistries: [registry.example.com]}, audit: {maxResults: 1000}}"))
	if err != nil {
		t.Fatal(err)
	}
	s := &Scanner{API: api, Store: Store{Reader: c, Writer: c}, Engine: func() *engine.Engine { return eng },
		Env: environment.Builder{Source: environment.Cluster{Reader: c}, Now: func() time.Time { return t0 }}, Served: served,
		Now: func() time.Time { return t0 }, Log: log.Log}
	if got, err := s.Scan(context.Background()); err != nil || got != n {
		t.Fatalf("scanned %d of %d: %v", got, n, err)
	}
	if got := api.pages["*v1.DeploymentList"]; got != 2 {
		t.Errorf("listed %d pages of Deployments, want 2 of at most %d: %v", got, scanPage, api.pages)
	}
	flagged := map[string]bool{}
	for _, r := range openReport(t, c, "shop").Results {
		if r.Category == CategoryBackground && r.Rule == "image-registry" {
			flagged[r.Subjects[0].Name] = true
		}
	}
	if len(flagged) != n {
		t.Errorf("the report flags %d workloads of %d", len(flagged), n)
	}
}
