package report

import (
	"errors"
	"testing"
)

func TestPrintable(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"shop/web", "shop/web"},
		{`container "app" (ünïcode, 日本)`, `container "app" (ünïcode, 日本)`},
		{"web\x1b[2J\x1b[31mOK", `web\x1b[2J\x1b[31mOK`},
		{"two\nlines\r", `two\nlines\r`},
		{"tab\there", `tab\there`},
		{"evil\u202egnp.exe", `evil\u202egnp.exe`},
		{"zero\u200bwidth", `zero\u200bwidth`},
		{"bad\xffbyte\xc3", `bad\xffbyte\xc3`},
		{"real \ufffd kept", "real \ufffd kept"},
		{"del\x7f", `del\x7f`},
	} {
		if got := Printable(c.in); got != c.want {
			t.Errorf("Printable(%q) = %s, want %s", c.in, got, c.want)
		}
	}
}

func TestPrintableErrorKeepsItsLinesIndented(t *testing.T) {
	err := errors.Join(errors.New("policy.yaml: unknown field \"spec.x\""), errors.New("name \x1b[2J\n::error::forged"))
	want := "policy.yaml: unknown field \"spec.x\"\n  name \\x1b[2J\n  ::error::forged"
	if got := PrintableError(err); got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
}
