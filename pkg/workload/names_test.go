package workload_test

import (
	"math/rand/v2"
	"strings"
	"testing"

	"k8s.io/apimachinery/pkg/util/validation"

	"github.com/pave-dev/pave/pkg/workload"
)

// Nameable agrees with apimachinery on every name, those its own loop
// tells and those it leaves to the library.
func TestNameableIsTheLibrarys(t *testing.T) {
	const alphabet = "az09-._A"
	r := rand.New(rand.NewPCG(1, 2))
	names := []string{"", strings.Repeat("a", 253), strings.Repeat("a", 254), "kube-root-ca.crt", "DB_Creds"}
	for range 200000 {
		b := make([]byte, 1+r.IntN(6))
		for i := range b {
			b[i] = alphabet[r.IntN(len(alphabet))]
		}
		names = append(names, string(b))
	}
	valid := 0
	for _, name := range names {
		want := len(validation.IsDNS1123Subdomain(name)) == 0
		if got := workload.Nameable(name); got != want {
			t.Fatalf("Nameable(%q) = %v, the library says %v", name, got, want)
		}
		if want {
			valid++
		}
	}
	if valid < 1000 || valid > len(names)-1000 {
		t.Fatalf("%d of %d names valid: the test reaches too little of one side", valid, len(names))
	}
}
