package main

import (
	"context"
	"fmt"

	"github.com/pave-dev/pave/internal/jsondecode"
	"github.com/pave-dev/pave/manifests/crds"
	"github.com/pave-dev/pave/pkg/api/v1alpha1"
	"github.com/pave-dev/pave/pkg/crdschema"
	"github.com/pave-dev/pave/pkg/manifest"
	"github.com/pave-dev/pave/pkg/policy"
)

// readPolicyFile reads a policy file (--policy) as pave and the API server
// would take it: compiled by pave (policy.Load, whose messages say what to
// do), then judged by the schema and rules of pave's CRDs, which the API
// server applies on write and which say some things pave's own validation
// does not (a bound, an enum).
func readPolicyFile(ctx context.Context, file string) (*policy.Policy, []v1alpha1.PolicyException, error) {
	data, err := manifest.ReadFile(file)
	if err != nil {
		return nil, nil, err
	}
	pol, exceptions, err := policy.Load(file, data)
	if err != nil {
		return nil, nil, err
	}
	v, err := crdschema.New(crds.PlatformPolicies, crds.PolicyExceptions)
	if err != nil {
		return nil, nil, fmt.Errorf("pave's CRDs: %w", err)
	}
	for _, doc := range manifest.Split(file, data) {
		objs, err := manifest.Decode(doc)
		if err != nil {
			return nil, nil, err // policy.Load read it; not reached
		}
		for _, o := range objs {
			var obj map[string]any
			if err := jsondecode.Unmarshal(o.JSON, &obj); err != nil {
				return nil, nil, fmt.Errorf("%s: %w", o.Pos(), err)
			}
			if errs := v.Validate(ctx, obj); len(errs) > 0 {
				return nil, nil, fmt.Errorf("%s: %s %s: the API server would refuse it: %w", o.Pos(), o.Kind, o.Called(), errs.ToAggregate())
			}
		}
	}
	return pol, exceptions, nil
}
