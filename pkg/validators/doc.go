// Package validators holds pave's rules, one file per rule family. A validator
// sees the workload after the mutators ran, so it only reports what the platform
// could not fix for the user, each finding with its rule, field path and fix.
package validators

import (
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
)

// object is engine.Object: the same alias of the same interface literal
// (validators cannot import the engine, which imports them).
type object = interface {
	metav1.Object
	runtime.Object
}
