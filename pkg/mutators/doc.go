// Package mutators holds the changes pave makes to every workload, one file per
// concern. A mutator only fills in what is missing: an explicit choice of the
// user is never overwritten (the validators judge it instead), which is what makes
// every mutator idempotent.
package mutators
