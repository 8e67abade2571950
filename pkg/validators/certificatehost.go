package validators

import (
	"context"
	"fmt"
	"strings"

	cmapi "github.com/cert-manager/cert-manager/pkg/apis/certmanager/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/pave-dev/pave/pkg/api/v1alpha1"
	"github.com/pave-dev/pave/pkg/ingress"
	"github.com/pave-dev/pave/pkg/policy"
)

// CertificateHost keeps a team's cert-manager Certificate, and its own
// CertificateRequest, off the hosts another team routes, as ingress-host
// keeps its Ingresses off them. The issuers a platform runs (a ClusterIssuer
// solving DNS-01 for the company's domain, an internal CA) sign for
// whichever namespace asks: a certificate and key for another team's host,
// or a wildcard over it, let whoever holds them pass as that team's service
// to its clients. cert-manager's chart gives the edit role Certificates and
// CertificateRequests, and its approver approves every request to its
// issuers, so a request written by hand (or by cert-manager's csi-driver for
// a pod's volume) is judged by the hosts of its CSR. The HTTP-01 solver is
// kept off another team's host already (ingress-host judges its Ingress);
// DNS-01 and CA issuers have no such step. A host no one routes is anyone's
// to ask for.
type CertificateHost struct{}

var ruleCertificateHost = policy.Rule{ID: "certificate-host", Severity: v1alpha1.SeverityHigh, Mode: v1alpha1.ModeEnforce,
	Description: "a cert-manager Certificate or CertificateRequest asks for no host, nor wildcard over one, that another team's Ingress or route routes: its key would pass as that team's service"}

// Name implements engine.ObjectValidator.
func (CertificateHost) Name() string { return "certificate-host" }

// Kinds implements engine.ObjectValidator.
func (CertificateHost) Kinds() []schema.GroupVersionKind {
	return []schema.GroupVersionKind{ingress.CertificateKind(), ingress.CertificateRequestKind()}
}

// Rules implements engine.ObjectValidator.
func (CertificateHost) Rules() []policy.Rule { return []policy.Rule{ruleCertificateHost} }

// ValidateObject implements engine.ObjectValidator, against the routes the
// adapter found (policy.Env.Routes).
func (CertificateHost) ValidateObject(_ context.Context, obj object, env policy.Env) []policy.Violation {
	if len(env.Routes) == 0 {
		return nil
	}
	hosts, ok := ingress.CertificateHosts(obj)
	if !ok {
		return nil
	}
	asks := fmt.Sprintf("CertificateRequest %q asks in its CSR for", obj.GetName())
	field := func(string) string { return "spec.request" }
	if c, certificate := obj.(*cmapi.Certificate); certificate {
		asks = fmt.Sprintf("Certificate %q asks for", c.Name)
		field = func(host string) string { return certificateField(c, host) }
	}
	return takenHosts(obj, env, hosts, func(host string, taken []policy.Route) policy.Violation {
		r := taken[0]
		return ruleCertificateHost.Violation(field(host),
			fmt.Sprintf("%s %s, but %s: a certificate and key for it would pass as that team's service",
				asks, hostName(host), routedBy(host, taken, "it covers")),
			fmt.Sprintf("ask only for hosts your team routes or publishes; if %s should move to your team, %s first removes it from %s %s/%s",
				hostName(r.Host), ownerName(r), r.Kind, r.Namespace, r.Name))
	})
}

// certificateField is where a Certificate names host: the first dnsNames
// entry, else its commonName.
func certificateField(c *cmapi.Certificate, host string) string {
	for i, h := range c.Spec.DNSNames {
		if strings.EqualFold(strings.TrimSpace(h), host) {
			return fmt.Sprintf("spec.dnsNames[%d]", i)
		}
	}
	return "spec.commonName"
}
