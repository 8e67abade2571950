package engine

import (
	"bytes"
	"context"
	"fmt"

	"github.com/pave-dev/pave/pkg/policy"
)

// CheckIdempotent runs the mutators again on a result's output and fails if
// anything changes. The API server's reinvocationPolicy: IfNeeded and every
// re-apply of an unchanged manifest rely on this property.
func (e *Engine) CheckIdempotent(ctx context.Context, r *Result, env policy.Env) error {
	again, err := e.Mutate(ctx, r.Mutated, env)
	if err != nil {
		return fmt.Errorf("second pass: %w", err)
	}
	first, err := r.Mutated.JSON()
	if err != nil {
		return err
	}
	ops, err := again.Patch(first)
	if err != nil {
		return err
	}
	if len(again.Mutators) > 0 || len(ops) > 0 {
		return fmt.Errorf("not idempotent: the second pass changed %s: mutators %v report changes, patch %v",
			r.Original.Name(), again.Mutators, ops)
	}
	second, err := again.Mutated.JSON()
	if err != nil {
		return err
	}
	if !bytes.Equal(first, second) {
		return fmt.Errorf("not idempotent: the second pass changed %s without reporting it:\n%s\n%s", r.Original.Name(), first, second)
	}
	return nil
}
