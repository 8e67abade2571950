package main

import (
	"context"
	"fmt"
	"maps"
	"slices"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/pave-dev/pave/pkg/policy"
)

// readDashboards reads the ConfigMaps and Secrets that carry a key of the
// policy's dashboard labels, which the Grafana sidecar reads as dashboards:
// the ConfigMaps whole, for rule dashboard-scope, the Secrets' metadata
// alone (their data stays on the server), for the guard that refuses a
// team's. None where the policy writes no dashboards.
func readDashboards(ctx context.Context, c client.Client, p *policy.Policy) ([]corev1.ConfigMap, []unstructured.Unstructured, error) {
	d := p.Spec.Monitoring.Dashboards
	if !d.On() {
		return nil, nil, nil
	}
	var cms []corev1.ConfigMap
	var secrets []unstructured.Unstructured
	seen := map[string]bool{}
	for _, key := range slices.Sorted(maps.Keys(d.Labels)) {
		var list corev1.ConfigMapList
		if err := c.List(ctx, &list, client.HasLabels{key}); err != nil {
			return nil, nil, fmt.Errorf("list the ConfigMaps labelled %s: %w", key, err)
		}
		for _, cm := range list.Items {
			if id := "ConfigMap " + cm.Namespace + "/" + cm.Name; !seen[id] {
				seen[id] = true
				cms = append(cms, cm)
			}
		}
		var metas metav1.PartialObjectMetadataList
		metas.SetGroupVersionKind(corev1.SchemeGroupVersion.WithKind("SecretList"))
		if err := c.List(ctx, &metas, client.HasLabels{key}); err != nil {
			return nil, nil, fmt.Errorf("list the Secrets labelled %s: %w", key, err)
		}
		for _, m := range metas.Items {
			if id := "Secret " + m.Namespace + "/" + m.Name; !seen[id] {
				seen[id] = true
				u := unstructured.Unstructured{}
				u.SetGroupVersionKind(corev1.SchemeGroupVersion.WithKind("Secret"))
				u.SetNamespace(m.Namespace)
				u.SetName(m.Name)
				u.SetLabels(m.Labels)
				secrets = append(secrets, u)
			}
		}
	}
	return cms, secrets, nil
}
