// Command pave is the paved road's CLI: render a service spec, check manifests
// offline with the same engine the webhook runs, and explain the pipeline.
package main

import (
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/spf13/cobra"

	"github.com/pave-dev/pave/pkg/report"
)

// Exit codes, documented in docs/cli.md.
const (
	exitOK        = 0
	exitViolation = 1
	exitBadInput  = 2
)

// exitError carries an exit code out of a command; its message, if any, has
// already been printed or is printed by main.
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string {
	if e.err == nil {
		return fmt.Sprintf("exit %d", e.code)
	}
	return e.err.Error()
}

func main() {
	os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	root := newRoot(stdin, stdout, stderr)
	root.SetArgs(args)
	err := root.Execute()
	if err == nil {
		return exitOK
	}
	var ee *exitError
	if errors.As(err, &ee) {
		if ee.err != nil {
			fmt.Fprintln(stderr, "error:", report.PrintableError(ee.err))
		}
		return ee.code
	}
	fmt.Fprintln(stderr, "error:", report.PrintableError(err))
	return exitBadInput // cobra's usage errors and bad input alike
}

func newRoot(stdin io.Reader, stdout, stderr io.Writer) *cobra.Command {
	root := &cobra.Command{
		Use:   "pave",
		Short: "pave: the paved road for Kubernetes workloads",
		Long: `pave completes plain Kubernetes workloads into compliant ones and rejects what
the platform cannot fix. The same engine runs in the cluster's admission
webhooks and here, offline, for CI.`,
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.SetIn(stdin)
	root.SetOut(stdout)
	root.SetErr(stderr)
	root.AddCommand(newRenderCmd(), newCheckCmd(), newExplainCmd(), newPreflightCmd(), newAuditCmd(), newVersionCmd())
	return root
}
