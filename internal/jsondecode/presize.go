package jsondecode

// arrayLength counts the elements of the JSON array at the start of b
// (after whitespace and the separator before it, which the decoder has
// peeked past but not consumed) by its structure alone: commas outside strings at
// the array's own depth. It returns 0 when b does not start with an array or
// the array does not end within b; the count of an invalid array is a guess,
// which only sizes a slice that the decoder then fills or rejects.
func arrayLength(b []byte) int {
	i := 0
	for i < len(b) && (b[i] == ' ' || b[i] == '\t' || b[i] == '\n' || b[i] == '\r' || b[i] == ':' || b[i] == ',') {
		i++
	}
	if i == len(b) || b[i] != '[' {
		return 0
	}
	depth, n, empty := 0, 0, true
	for ; i < len(b); i++ {
		switch c := b[i]; c {
		case '"':
			for i++; i < len(b) && b[i] != '"'; i++ {
				if b[i] == '\\' {
					i++
				}
			}
			empty = false
		case '[', '{':
			if depth == 1 {
				empty = false
			}
			depth++
		case ']', '}':
			depth--
			if depth == 0 {
				if empty {
					return 0
				}
				return n + 1
			}
		case ',':
			if depth == 1 {
				n++
			}
		case ' ', '\t', '\n', '\r':
		default:
			empty = false
		}
	}
	return 0
}
