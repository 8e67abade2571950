package webhook

import (
	"sigs.k8s.io/controller-runtime/pkg/webhook/admission"

	"github.com/pave-dev/pave/pkg/audit"
	"github.com/pave-dev/pave/pkg/policy"
	"github.com/pave-dev/pave/pkg/version"
)

// audit hands a decision on req to the Auditor, if there is one.
func (c *Common) audit(req admission.Request, p *policy.Policy, generation int64, name string, vs []policy.Violation) {
	if c.Audit == nil || len(vs) == 0 {
		return
	}
	c.Audit.Decide(p, audit.Request{
		Time: c.Env.Now(), UID: string(req.UID), User: req.UserInfo.Username, Groups: req.UserInfo.Groups,
		Operation: string(req.Operation), APIVersion: apiVersionOf(req.Kind), Kind: req.Kind.Kind, Namespace: req.Namespace, Name: name,
		DryRun: req.DryRun != nil && *req.DryRun, PolicyGeneration: generation, PaveVersion: version.Version,
	}, vs)
}
