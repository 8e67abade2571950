package main

import (
	"context"
	"fmt"
	"io"

	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/pave-dev/pave/pkg/audit"
	"github.com/pave-dev/pave/pkg/audit/reportguard"
)

// trustedReports reads pave's reports of format in namespace (all when
// empty), leaving out each made before the report guard, and says so on
// stderr. One who may not read the guard (a team member, by the built-in
// roles) gets every report as read, and is told that too, rather than
// trusting a report a team could have made before pave silently.
func trustedReports(ctx context.Context, c client.Reader, format, namespace string, stderr io.Writer) (map[string][]audit.Result, error) {
	store, err := audit.Store{Reader: c}.Guarded(ctx)
	if err != nil {
		fmt.Fprintf(stderr, "pave audit: %v; a report made before the guard cannot be told from pave's, so every report is shown as read: reading ValidatingAdmissionPolicy and ValidatingAdmissionPolicyBinding %s tells them apart (docs/audit.md)\n", err, reportguard.PolicyName)
	}
	reports, untrusted, err := store.List(ctx, format, namespace)
	if err != nil {
		return nil, fmt.Errorf("read the %s reports (is the CRD installed?): %w", format, err)
	}
	for _, ns := range untrusted {
		fmt.Fprintf(stderr, "pave audit: the report of namespace %s is left out: it was made before the report guard, so its findings may be anyone's; pave starts it again at its next write there (docs/audit.md)\n", ns)
	}
	return reports, nil
}
