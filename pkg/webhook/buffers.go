package webhook

import "sync"

// maxLentBuffer bounds the buffers lent again: a larger one (a review near
// the 7 MiB limit) is left to the collector, so that it does not stay
// lent to the small requests after it.
const maxLentBuffer = 64 << 10

// buffers lends the byte slices a review is read into and its answer is
// written from. Both are done with when the handler returns (the decoded
// request copies what it keeps, and the answer is written before), and
// under /mutate load they were a quarter of the bytes the admission server
// allocated, each byte of which brings the next garbage collection closer.
type buffers struct{ pool sync.Pool }

// get lends a buffer of length 0 and capacity n or more.
func (b *buffers) get(n int) []byte {
	if p, ok := b.pool.Get().(*[]byte); ok && cap(*p) >= n {
		return (*p)[:0]
	}
	return make([]byte, 0, n)
}

// put takes back a buffer got from get (or grown from one); the caller
// must not use it again.
func (b *buffers) put(s []byte) {
	if cap(s) == 0 || cap(s) > maxLentBuffer {
		return
	}
	s = s[:0]
	b.pool.Put(&s)
}
