//go:build admissiononly

package main

import "github.com/pave-dev/pave/pkg/engine"

// controllerLinked: built with -tags admissiononly, pave-webhook serves only
// --role admission. It links none of the APIs the controller writes (Istio,
// Cilium, Velero, the prometheus-operator, network-policy-api), which were
// a fifth of the admission server's memory (docs/performance.md).
const controllerLinked = false

// generators: none; admission runs the mutators and validators only.
func generators(options) engine.Companions { return engine.Companions{} }
