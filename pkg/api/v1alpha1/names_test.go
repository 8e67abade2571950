package v1alpha1_test

import (
	"strings"
	"testing"

	"k8s.io/apimachinery/pkg/util/validation"

	"github.com/pave-dev/pave/pkg/api/v1alpha1"
)

// Every name fits and is valid; short ones are the plain join; two long
// names that differ only past the cut get two objects.
func TestObjectNameFitsAndStaysApart(t *testing.T) {
	if got := v1alpha1.ObjectName("pave-zone-", "web", ""); got != "pave-zone-web" {
		t.Errorf("short name %q", got)
	}
	long := strings.Repeat("a", 240)
	names := map[string]bool{}
	for _, name := range []string{long + "-x", long + "-y", strings.Repeat("b.", 126) + "c", strings.Repeat("d", 253)} {
		for _, affix := range [][2]string{{"pave-zone-", ""}, {"pave-", "-dashboard"}, {"pave-", "-slo"}} {
			got := v1alpha1.ObjectName(affix[0], name, affix[1])
			if errs := validation.IsDNS1123Subdomain(got); len(errs) > 0 {
				t.Errorf("%q: %v", got, errs)
			}
			if !strings.HasPrefix(got, affix[0]) || !strings.HasSuffix(got, affix[1]) {
				t.Errorf("%q lost its prefix or suffix", got)
			}
			if names[got] {
				t.Errorf("%q given twice", got)
			}
			names[got] = true
		}
	}
}
