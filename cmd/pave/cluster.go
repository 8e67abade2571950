package main

import (
	"fmt"

	cmapi "github.com/cert-manager/cert-manager/pkg/apis/certmanager/v1"
	openreportsv1alpha1 "github.com/openreports/reports-api/apis/openreports.io/v1alpha1"
	"k8s.io/apimachinery/pkg/runtime"
	clientgoscheme "k8s.io/client-go/kubernetes/scheme"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/clientcmd"
	"sigs.k8s.io/controller-runtime/pkg/client"
	gatewayv1 "sigs.k8s.io/gateway-api/apis/v1"

	policyreportv1alpha2 "github.com/kyverno/kyverno/api/policyreport/v1alpha2"

	"github.com/pave-dev/pave/pkg/api/v1alpha1"
)

// clusterClient connects to the cluster as kubectl does (kubeconfig, else
// $KUBECONFIG, else ~/.kube/config), with the kinds the live commands read.
func clusterClient(kubeconfig string) (client.Client, *rest.Config, error) {
	rules := clientcmd.NewDefaultClientConfigLoadingRules()
	rules.ExplicitPath = kubeconfig
	cfg, err := clientcmd.NewNonInteractiveDeferredLoadingClientConfig(rules, nil).ClientConfig()
	if clientcmd.IsEmptyConfig(err) { // client-go's words point to an old variable
		return nil, nil, fmt.Errorf("kubeconfig: none found (--kubeconfig, $KUBECONFIG, ~/.kube/config): point pave at the cluster as you would kubectl")
	}
	if err != nil {
		return nil, nil, fmt.Errorf("kubeconfig: %w", err)
	}
	scheme, err := clusterScheme()
	if err != nil {
		return nil, nil, err
	}
	c, err := client.New(cfg, client.Options{Scheme: scheme})
	if err != nil {
		return nil, nil, fmt.Errorf("connect to %s: %w", cfg.Host, err)
	}
	return c, cfg, nil
}

// clusterScheme holds the kinds pave's commands read from a cluster.
func clusterScheme() (*runtime.Scheme, error) {
	scheme := runtime.NewScheme()
	for _, add := range []func(*runtime.Scheme) error{clientgoscheme.AddToScheme, v1alpha1.AddToScheme, openreportsv1alpha1.AddToScheme, policyreportv1alpha2.AddToScheme, gatewayv1.Install, cmapi.AddToScheme} {
		if err := add(scheme); err != nil {
			return nil, err
		}
	}
	return scheme, nil
}
