package imageref

import (
	"strings"
	"testing"

	"github.com/distribution/reference"
)

// plainImages are references parsePlain reads, and others it must
// leave to the library: seeds for the fuzzer, and the table below.
var plainImages = []string{
	"registry.example.com/shop/api:1.4.0", "registry.example.com/shop/api", "ghcr.io/a/b/c:v1_2.3-rc", "quay.io/x__y/z-w:T",
	"a.b/c--d:1", "docker.io/nginx:1.27", "index.docker.io/nginx:1", "nginx:1.27", "localhost/x:1", "localhost:5000/x:1",
	"Registry.example.com/x:1", "a.b/C:1", "a.b/c..d:1", "a.b/c___d:1", "a.b/c._d:1", "a.b/c-:1", "a.b/-c:1", "a.b/c:", "a.b/c:-x",
	"a.b/c:.x", "a.b/c:1:2", "a.b//c:1", "a.b/c@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
	"a-.b/c:1", "a..b/c:1", ".a.b/c:1", "[::1]/c:1", "127.0.0.1/c:1", "a.b/c:" + strings.Repeat("a", 128), "a.b/c:" + strings.Repeat("a", 129), "a.b/" + strings.Repeat("c", 256) + ":1",
}

// Whatever parsePlain reads, the library reads the same; and it reads
// the plain shape itself.
func TestPlainIsTheLibrarys(t *testing.T) {
	for _, s := range plainImages {
		checkPlainImage(t, s)
	}
	for _, s := range []string{"registry.example.com/shop/api:1.4.0", "ghcr.io/a/b/c:v1_2.3-rc", "a.b/c--d:1", "a.b/c.d/e_f:1", "registry.example.com/shop/api"} {
		if _, ok := parsePlain(s); !ok {
			t.Errorf("%s: left to the library", s)
		}
	}
}

func FuzzPlainIsTheLibrarys(f *testing.F) {
	for _, s := range plainImages {
		f.Add(s)
	}
	f.Fuzz(checkPlainImage)
}

func checkPlainImage(t *testing.T, s string) {
	got, ok := parsePlain(s)
	if !ok {
		return
	}
	ref, err := reference.ParseNormalizedNamed(s)
	if err != nil {
		t.Fatalf("%q: read by hand as %+v, but the library refuses it: %v", s, got, err)
	}
	if want := fromNamed(ref); got != want {
		t.Fatalf("%q: read by hand as %+v, by the library as %+v", s, got, want)
	}
}
