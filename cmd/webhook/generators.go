//go:build !admissiononly

package main

import (
	"github.com/pave-dev/pave/pkg/api/v1alpha1"
	"github.com/pave-dev/pave/pkg/companions"
	"github.com/pave-dev/pave/pkg/engine"
)

// controllerLinked: this build serves every role.
const controllerLinked = true

// generators are every generator pave runs: the controller writes what they
// describe.
func generators(o options) engine.Companions {
	return companions.AllIn(v1alpha1.Install{PaveNamespace: o.paveNamespace, Excluded: o.excluded()})
}
