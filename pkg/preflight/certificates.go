package preflight

import (
	"fmt"

	cmapi "github.com/cert-manager/cert-manager/pkg/apis/certmanager/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/pave-dev/pave/pkg/ingress"
	"github.com/pave-dev/pave/pkg/policy"
)

// certificateObjects are cert-manager's Certificates, and the
// CertificateRequests no listed Certificate made, their kinds set, to be
// judged against the hosts routed (certificate-host). A request a
// Certificate made asks for what the Certificate did, so its finding is the
// Certificate's.
func certificateObjects(c Cluster) []client.Object {
	certificates := map[types.UID]bool{}
	var objs []client.Object
	for i := range c.Certificates {
		cert := c.Certificates[i].DeepCopy()
		cert.SetGroupVersionKind(ingress.CertificateKind())
		certificates[cert.UID] = true
		objs = append(objs, cert)
	}
	for i := range c.CertificateRequests {
		cr := c.CertificateRequests[i].DeepCopy()
		if owner := metav1.GetControllerOf(cr); owner != nil && owner.Kind == cmapi.CertificateKind && certificates[owner.UID] {
			continue
		}
		cr.SetGroupVersionKind(ingress.CertificateRequestKind())
		objs = append(objs, cr)
	}
	return objs
}

// certificateWouldBeDenied is the finding for a Certificate or
// CertificateRequest that asks for another team's host. Unlike an object
// that waits for its next change, what it was issued already passes as that
// team's service, and a Certificate's next renewal, a CertificateRequest
// of its own, is denied.
func certificateWouldBeDenied(kind, ns, name string, vs []policy.Violation) Finding {
	f := wouldDeny(kind, ns, name, vs)
	f.Severity = "high"
	f.Message = "asks for a host another team routes: " + deniedRules(vs) +
		". A certificate issued for it passes as that team's service until it expires"
	if kind == cmapi.CertificateKind {
		f.Message += ", and its next renewal is denied"
	}
	f.Fix = fmt.Sprintf("if the host is the other team's, delete %s %s/%s and the key issued for it, and have the issuer revoke the certificate; if it is this team's, the other team first removes it from its route; or grant a PolicyException", kind, ns, name)
	return f
}
