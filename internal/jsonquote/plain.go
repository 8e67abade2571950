// Package jsonquote tells which strings encoding/json writes as they are,
// for encoders that write JSON by hand on the admission path.
package jsonquote

// Plain reports whether s is written in JSON as it is, between quotes:
// printable ASCII but the quote, the backslash and what encoding/json
// escapes for HTML.
func Plain(s string) bool {
	for i := range len(s) {
		if c := s[i]; c < 0x20 || c > 0x7e || c == '"' || c == '\\' || c == '<' || c == '>' || c == '&' {
			return false
		}
	}
	return true
}
