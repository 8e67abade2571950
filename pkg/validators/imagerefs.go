package validators

import (
	"sync"

	"github.com/pave-dev/pave/internal/imageref"
)

// ImageRefs remembers parsed image references. A cluster runs few distinct
// images, and every meshed pod the mesh's proxy, so parsing each reference
// again (regular expressions) on every admission was a sixth of a
// validation. It holds at most max references and starts over when full, so
// a stream of distinct images costs memory no more than max of them.
type ImageRefs struct {
	mu   sync.Mutex
	refs map[string]parsedRef
	max  int
}

type parsedRef struct {
	ref imageref.Ref
	err error
}

// NewImageRefs returns a memo of at most max references.
func NewImageRefs(max int) *ImageRefs {
	return &ImageRefs{refs: map[string]parsedRef{}, max: max}
}

// Parse is imageref.Parse (reference.ParseNormalizedNamed), remembered. A
// nil memo parses.
func (m *ImageRefs) Parse(image string) (imageref.Ref, error) {
	if m == nil {
		return imageref.Parse(image)
	}
	m.mu.Lock()
	p, ok := m.refs[image]
	m.mu.Unlock()
	if ok {
		return p.ref, p.err
	}
	ref, err := imageref.Parse(image)
	m.mu.Lock()
	if len(m.refs) >= m.max {
		clear(m.refs)
	}
	m.refs[image] = parsedRef{ref, err}
	m.mu.Unlock()
	return ref, err
}
