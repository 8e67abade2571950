// Package validators holds pave's rules, one file per rule family. A validator
// sees the workload after the mutators ran, so it only reports what the platform
// could not fix for the user, each finding with its rule, field path and fix.
package validators
