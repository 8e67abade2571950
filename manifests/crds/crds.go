// Package crds holds the CustomResourceDefinitions of pave's API as
// controller-gen writes them (make generate), so the CLI judges a policy
// file by the same schema and rules the API server does.
package crds

import _ "embed"

// PlatformPolicies is the CustomResourceDefinition of PlatformPolicy.
//
//go:embed pave.dev_platformpolicies.yaml
var PlatformPolicies []byte

// PolicyExceptions is the CustomResourceDefinition of PolicyException.
//
//go:embed pave.dev_policyexceptions.yaml
var PolicyExceptions []byte
