package validators

import (
	"strings"

	"github.com/distribution/reference"
)

// imageRef is what the images validator reads of a parsed image reference.
type imageRef struct {
	name     string // the normalized repository: docker.io/library/nginx
	domain   string
	tag      string // "" when the reference has none
	digested bool
}

func fromNamed(ref reference.Named) imageRef {
	r := imageRef{name: ref.Name(), domain: reference.Domain(ref)}
	if t, ok := ref.(reference.Tagged); ok {
		r.tag = t.Tag()
	}
	_, r.digested = ref.(reference.Digested)
	return r
}

// parseImage is reference.ParseNormalizedNamed, read into an imageRef.
// The shape nearly every image has, registry.example.com/team/app:1.2, is
// read by hand (parsePlainImage); anything else goes to the library.
// distribution/reference's regular expressions, for each image not seen
// before, were a sixth of a validation of 20 new containers.
func parseImage(image string) (imageRef, error) {
	if r, ok := parsePlainImage(image); ok {
		return r, nil
	}
	ref, err := reference.ParseNormalizedNamed(image)
	if err != nil {
		return imageRef{}, err
	}
	return fromNamed(ref), nil
}

// parsePlainImage reads domain/path[:tag] where the library would read the
// same and normalize nothing: a lowercase domain with a dot and no port
// (not docker.io, which the library normalizes), lowercase path components,
// a tag, no digest. It declines (false) everything else, so a reference it
// reads is one the library reads the same (FuzzPlainImageIsTheLibrarys).
func parsePlainImage(image string) (imageRef, bool) {
	slash := strings.IndexByte(image, '/')
	if slash < 0 || strings.IndexByte(image, '@') >= 0 {
		return imageRef{}, false
	}
	domain, rest := image[:slash], image[slash+1:]
	if !plainDomain(domain) || domain == "docker.io" || domain == "index.docker.io" {
		return imageRef{}, false
	}
	path, tag, tagged := strings.Cut(rest, ":")
	if tagged && !validTag(tag) || !plainPath(path) || len(path) > reference.RepositoryNameTotalLengthMax {
		return imageRef{}, false
	}
	return imageRef{name: domain + "/" + path, domain: domain, tag: tag}, true
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
