package mesh

import (
	"encoding/json"
	"slices"
	"strings"

	corev1 "k8s.io/api/core/v1"

	"github.com/pave-dev/pave/pkg/api/v1alpha1"
	"github.com/pave-dev/pave/pkg/workload"
)

// IstioProxyName is the name of Istio's proxy container. A pod Istio's
// injector injects may bring a container of this name to customize the
// proxy; Istio's gateways bring nothing else.
const IstioProxyName = "istio-proxy"

// IstioImagePlaceholder is the image Istio's injector replaces with its
// proxy's on a container of IstioProxyName. Istio's gateway chart writes it
// ("auto will be populated at runtime by the mutating webhook").
const IstioImagePlaceholder = "auto"

// IstioInjects reports whether Istio's own injector injects the workload's
// pods when they are created, as its webhooks select them and its switch
// reads: a pod labelled sidecar.istio.io/inject "true"; or, in a namespace
// labelled istio-injection "enabled" or with either carrying an Istio
// revision (istio.io/rev), a pod whose switch (the label, else the
// annotation) is unset or on. pave's mode does not matter: Istio's injector
// runs wherever Istio was installed with it.
func IstioInjects(w *workload.Workload, namespaceLabels map[string]string) bool {
	if w.PodMeta.Labels[v1alpha1.LabelIstioInject] == "true" {
		return true
	}
	if namespaceLabels[v1alpha1.LabelIstioInjection] != "enabled" && namespaceLabels[v1alpha1.LabelIstioRevision] == "" &&
		w.PodMeta.Labels[v1alpha1.LabelIstioRevision] == "" {
		return false
	}
	on, labelled := w.PodMeta.Labels[v1alpha1.LabelIstioInject]
	if !labelled {
		on = w.PodMeta.Annotations[v1alpha1.LabelIstioInject]
	}
	switch strings.ToLower(on) {
	case "", "y", "yes", "true", "on":
		return true
	}
	return false
}

// IstioPlaceholder reports whether c holds Istio's placeholder for its
// proxy's image.
func IstioPlaceholder(c *corev1.Container) bool {
	return c.Name == IstioProxyName && c.Image == IstioImagePlaceholder
}

// IstioFillsImage reports whether Istio's injector gives c its image when
// it creates the workload's pods: c holds the placeholder in a pod template
// Istio injects. The Pod is judged with the image Istio gave it; a Pod
// that still holds the placeholder was not injected.
func IstioFillsImage(w *workload.Workload, c *corev1.Container, namespaceLabels map[string]string) bool {
	return w.Kind != "Pod" && IstioPlaceholder(c) && IstioInjects(w, namespaceLabels)
}

// IstioGateway reports whether the pod is one of Istio's gateways: it asks
// Istio's injector for its gateway template, which makes the pod's
// istio-proxy container the gateway itself, with no sidecar beside it.
func IstioGateway(w *workload.Workload) bool {
	templates, ok := w.PodMeta.Annotations[v1alpha1.AnnotationIstioTemplates]
	if !ok {
		return false
	}
	return slices.ContainsFunc(strings.Split(templates, ","), func(t string) bool { return strings.TrimSpace(t) == "gateway" })
}

// GatewayAPIOwner is the name of the Gateway API Gateway that owns the
// workload (istiod deploys each Gateway of its class as a Deployment of
// Istio's proxy), or "". It names whose object the workload is; it proves
// nothing, as any owner reference a writer sets.
func GatewayAPIOwner(w *workload.Workload) string {
	for _, o := range w.Meta.OwnerReferences {
		if o.Kind == "Gateway" && strings.HasPrefix(o.APIVersion, "gateway.networking.k8s.io/") {
			return o.Name
		}
	}
	return ""
}

// IstioStrips reports whether Istio's injector takes the container out
// before it injects the pod: its status annotation (istioctl kube-inject's
// output, or a pod it injected) lists the container as one it injected, and
// injecting again removes those first. init says which list.
func IstioStrips(w *workload.Workload, name string, init bool) bool {
	raw, ok := w.PodMeta.Annotations[v1alpha1.AnnotationIstioStatus]
	if !ok {
		return false
	}
	var status struct {
		InitContainers []string `json:"initContainers"`
		Containers     []string `json:"containers"`
	}
	if json.Unmarshal([]byte(raw), &status) != nil {
		return false
	}
	if init {
		return slices.Contains(status.InitContainers, name)
	}
	return slices.Contains(status.Containers, name)
}
