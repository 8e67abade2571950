// Package imageref reads container image references as
// distribution/reference does, the common shape by hand: its regular
// expressions, for each image not seen before, were a sixth of a validation
// of 20 new containers, and every Pod's version label parsed its image again.
package imageref

import (
	"strings"

	"github.com/distribution/reference"
)

// Ref is what pave reads of a parsed image reference.
type Ref struct {
	Name     string // the normalized repository: docker.io/library/nginx
	Domain   string
	Tag      string // "" when the reference has none
	Digested bool
}

// Pinned reports whether the reference names a version: a digest, or a tag
// other than latest.
func (r Ref) Pinned() bool { return r.Digested || (r.Tag != "" && r.Tag != "latest") }

// From reports whether the repository starts with one of the allowed
// registry prefixes (spec.images.allowedRegistries), matched on whole path
// segments.
func (r Ref) From(allowed []string) bool {
	for _, a := range allowed {
		a = strings.TrimSuffix(a, "/")
		if r.Name == a || strings.HasPrefix(r.Name, a+"/") {
			return true
		}
	}
	return false
}

func fromNamed(ref reference.Named) Ref {
	r := Ref{Name: ref.Name(), Domain: reference.Domain(ref)}
	if t, ok := ref.(reference.Tagged); ok {
		r.Tag = t.Tag()
	}
	_, r.Digested = ref.(reference.Digested)
	return r
}

// Parse is reference.ParseNormalizedNamed, read into a Ref. The shape
// nearly every image has, registry.example.com/team/app:1.2, is read by hand
// (parsePlain); anything else goes to the library.
func Parse(image string) (Ref, error) {
	if r, ok := parsePlain(image); ok {
		return r, nil
	}
	ref, err := reference.ParseNormalizedNamed(image)
	if err != nil {
		return Ref{}, err
	}
	return fromNamed(ref), nil
}

// parsePlain reads domain/path[:tag] where the library would read the
// same and normalize nothing: a lowercase domain with a dot and no port
// (not docker.io, which the library normalizes), lowercase path components,
// a tag, no digest. It declines (false) everything else, so a reference it
// reads is one the library reads the same (FuzzPlainIsTheLibrarys).
func parsePlain(image string) (Ref, bool) {
	slash := strings.IndexByte(image, '/')
	if slash < 0 || strings.IndexByte(image, '@') >= 0 {
		return Ref{}, false
	}
	domain, rest := image[:slash], image[slash+1:]
	if !plainDomain(domain) || domain == "docker.io" || domain == "index.docker.io" {
		return Ref{}, false
	}
	path, tag, tagged := strings.Cut(rest, ":")
	if tagged && !validTag(tag) || !plainPath(path) || len(path) > reference.RepositoryNameTotalLengthMax {
		return Ref{}, false
	}
	return Ref{Name: domain + "/" + path, Domain: domain, Tag: tag}, true
}

// plainDomain: dot-separated components of lowercase letters, digits and
// inner hyphens, at least two.
func plainDomain(d string) bool {
	if !strings.Contains(d, ".") {
		return false
	}
	for c := range strings.SplitSeq(d, ".") {
		if c == "" || c[0] == '-' || c[len(c)-1] == '-' {
			return false
		}
		for i := range len(c) {
			if b := c[i]; !lowerAlnum(b) && b != '-' {
				return false
			}
		}
	}
	return true
}

// plainPath: slash-separated components of lowercase letters and digits,
// joined inside by one ".", one "_", "__", or hyphens.
func plainPath(p string) bool {
	if p == "" {
		return false
	}
	for c := range strings.SplitSeq(p, "/") {
		if c == "" || !lowerAlnum(c[0]) || !lowerAlnum(c[len(c)-1]) {
			return false
		}
		for i := 1; i < len(c); i++ {
			b := c[i]
			if lowerAlnum(b) {
				continue
			}
			// A separator: after an alphanumeric it starts one; the next
			// character decides whether the pair is allowed.
			next := c[i+1] // c ends alphanumeric, so i+1 < len(c)
			switch b {
			case '.':
				if !lowerAlnum(next) {
					return false
				}
			case '_':
				if next == '_' {
					i++
					if !lowerAlnum(c[i+1]) {
						return false
					}
				} else if !lowerAlnum(next) {
					return false
				}
			case '-':
				for c[i+1] == '-' {
					i++
				}
				if !lowerAlnum(c[i+1]) {
					return false
				}
			default:
				return false
			}
		}
	}
	return true
}

// validTag: a word character, then at most 127 word characters, dots and
// hyphens.
func validTag(t string) bool {
	if t == "" || len(t) > 128 || t[0] == '.' || t[0] == '-' {
		return false
	}
	for i := range len(t) {
		if b := t[i]; !lowerAlnum(b) && !(b >= 'A' && b <= 'Z') && b != '_' && b != '.' && b != '-' {
			return false
		}
	}
	return true
}

func lowerAlnum(b byte) bool { return b >= 'a' && b <= 'z' || b >= '0' && b <= '9' }
