package main

import (
	"context"
	"fmt"
	"io"

	"github.com/spf13/cobra"

	"github.com/pave-dev/pave/pkg/companions"
	"github.com/pave-dev/pave/pkg/manifest"
	"github.com/pave-dev/pave/pkg/policy"
	"github.com/pave-dev/pave/pkg/spec"
	"github.com/pave-dev/pave/pkg/workload"
)

func newRenderCmd() *cobra.Command {
	var file string
	cmd := &cobra.Command{
		Use:   "render -f services.yaml",
		Short: "Turn a service spec into a plain Deployment and Service",
		Long: `render reads the simple service spec (docs/service-spec.md) and prints one
Deployment and one Service per service, in name order. The output is plain on
purpose: the platform's additions come from admission, so kubectl apply of this
output and of any hand-written Deployment end up the same.`,
		Example: `  pave render -f services.yaml | kubectl apply -f -`,
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if file == "" {
				return &exitError{code: exitBadInput, err: fmt.Errorf("name the spec file with -f (or -f - for stdin)")}
			}
			data, err := readFile(cmd.InOrStdin(), file)
			if err != nil {
				return &exitError{code: exitBadInput, err: err}
			}
			f, err := spec.Parse(file, data)
			if err != nil {
				return &exitError{code: exitBadInput, err: err}
			}
			if err := preview(cmd.Context(), cmd.ErrOrStderr(), file, f); err != nil {
				return err
			}
			out, err := spec.RenderFile(f)
			if err != nil {
				return &exitError{code: exitBadInput, err: err}
			}
			_, err = cmd.OutOrStdout().Write(out)
			return err
		},
	}
	cmd.Flags().StringVarP(&file, "filename", "f", "", "service spec file, or - for stdin")
	return cmd
}

// preview runs the rendered Deployments through the built-in policy and warns
// about what admission would deny, so the team hears it before kubectl apply does.
func preview(ctx context.Context, stderr io.Writer, file string, f *spec.File) error {
	eng, err := companions.Engine(policy.Default())
	if err != nil {
		return err
	}
	for _, s := range f.Services {
		d, _ := spec.Render(s)
		w, err := workload.New(d)
		if err != nil {
			return err
		}
		res, err := eng.Run(ctx, w, policy.Env{Namespace: policy.Namespace{Name: s.Namespace}})
		if err != nil {
			return err
		}
		for _, v := range res.ByOutcome(policy.OutcomeDeny) {
			fmt.Fprintf(stderr, "warning: %s:%d: service %q would be denied: %s: %s; fix: %s\n", file, s.Line, s.Name, v.Rule, v.Message, v.Fix)
		}
	}
	return nil
}

func readFile(stdin io.Reader, name string) ([]byte, error) {
	if name == "-" {
		return io.ReadAll(stdin)
	}
	return manifest.ReadFile(name)
}
