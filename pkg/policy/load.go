package policy

import (
	"errors"
	"fmt"

	sigsjson "sigs.k8s.io/json"

	"github.com/pave-dev/pave/pkg/api/v1alpha1"
	"github.com/pave-dev/pave/pkg/manifest"
)

// Load reads a policy file: at most one PlatformPolicy and any number of
// PolicyExceptions, in any order. Without a PlatformPolicy the built-in one serves.
func Load(source string, data []byte) (*Policy, []v1alpha1.PolicyException, error) {
	p := Default()
	var exceptions []v1alpha1.PolicyException
	var seenPolicy bool
	for _, doc := range manifest.Split(source, data) {
		objs, err := manifest.Decode(doc)
		if err != nil {
			return nil, nil, err
		}
		for _, o := range objs {
			if o.APIVersion != v1alpha1.GroupVersion.String() {
				return nil, nil, fmt.Errorf("%s: %s %s is not a pave policy object; expected apiVersion %s", o.Pos(), o.APIVersion, o.Kind, v1alpha1.GroupVersion)
			}
			switch o.Kind {
			case "PlatformPolicy":
				if seenPolicy {
					return nil, nil, fmt.Errorf("%s: a second PlatformPolicy; keep one per file", o.Pos())
				}
				seenPolicy = true
				var pp v1alpha1.PlatformPolicy
				if err := strict(o.JSON, &pp); err != nil {
					return nil, nil, fmt.Errorf("%s: PlatformPolicy %s: %w", o.Pos(), o.Name, err)
				}
				if p, err = FromSpec(pp.Spec); err != nil {
					return nil, nil, fmt.Errorf("%s: PlatformPolicy %s: %w", o.Pos(), o.Name, err)
				}
			case "PolicyException":
				var pe v1alpha1.PolicyException
				if err := strict(o.JSON, &pe); err != nil {
					return nil, nil, fmt.Errorf("%s: PolicyException %s: %w", o.Pos(), o.Name, err)
				}
				if err := ValidateException(pe); err != nil {
					return nil, nil, fmt.Errorf("%s: PolicyException %s: %w", o.Pos(), o.Name, err)
				}
				exceptions = append(exceptions, pe)
			default:
				return nil, nil, fmt.Errorf("%s: kind %s is not a pave policy object; expected PlatformPolicy or PolicyException", o.Pos(), o.Kind)
			}
		}
	}
	return p, exceptions, nil
}

// strict decodes JSON, rejecting fields the type does not have (a typo in a policy
// must not silently turn a rule off), naming each by its path.
func strict(js []byte, into any) error {
	strictErrs, err := sigsjson.UnmarshalStrict(js, into)
	if err != nil {
		return err
	}
	if len(strictErrs) > 0 {
		return errors.Join(strictErrs...)
	}
	return nil
}

// ValidateException mirrors the CRD's validation of a PolicyException.
func ValidateException(pe v1alpha1.PolicyException) error {
	s := pe.Spec
	switch {
	case len(s.Rules) == 0:
		return fmt.Errorf("spec.rules: name at least one rule")
	case len(s.Match.Names) == 0:
		return fmt.Errorf("spec.match.names: name at least one workload (use \"*\" deliberately)")
	case len(s.Reason) < 10:
		return fmt.Errorf("spec.reason: say why the rule cannot be met (10 characters at least)")
	case s.ApprovedBy == "":
		return fmt.Errorf("spec.approvedBy: required: who approved this exception")
	case s.ExpiresAt.IsZero():
		return fmt.Errorf("spec.expiresAt: required: exceptions are time-boxed")
	}
	return nil
}

// DecodeSpec decodes a PlatformPolicy spec from JSON, rejecting unknown fields.
func DecodeSpec(js []byte) (v1alpha1.PlatformPolicySpec, error) {
	var spec v1alpha1.PlatformPolicySpec
	err := strict(js, &spec)
	return spec, err
}
