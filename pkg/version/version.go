// Package version holds pave's version, set at build time by the Makefile.
package version

// Version is set with -ldflags "-X github.com/pave-dev/pave/pkg/version.Version=...".
var Version = "dev"
