package jsondecode

import "unsafe"

// RawWithin reports whether sub lies within buf's bytes: whether a value
// RawInPlace decoded from buf is buf's own (empty sub: trivially).
func RawWithin(sub, buf []byte) bool {
	if len(sub) == 0 {
		return true
	}
	s, b := uintptr(unsafe.Pointer(unsafe.SliceData(sub))), uintptr(unsafe.Pointer(unsafe.SliceData(buf)))
	return len(buf) > 0 && s >= b && s+uintptr(len(sub)) <= b+uintptr(len(buf))
}
