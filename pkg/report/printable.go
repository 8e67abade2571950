package report

import (
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Printable is s as it is safe to print on a terminal or into a CI log:
// control characters, invisible formatting runes (bidirectional overrides
// among them) and bytes that are not UTF-8 are written as Go escapes them
// (\x1b, \u202e, \xff); the rest is kept. Names, fields and messages in a
// report come from the input, which pave check has not admitted: printed
// raw, a manifest could recolour, move or rewrite the lines around its
// verdict.
func Printable(s string) string {
	i := strings.IndexFunc(s, unsafeRune)
	if i < 0 {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + 8)
	b.WriteString(s[:i])
	for i < len(s) {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			b.WriteString(`\x`)
			b.WriteString(strconv.FormatUint(uint64(s[i])>>4, 16))
			b.WriteString(strconv.FormatUint(uint64(s[i])&0xf, 16))
		case r != utf8.RuneError && unsafeRune(r):
			q := strconv.QuoteRune(r)
			b.WriteString(q[1 : len(q)-1])
		default:
			b.WriteRune(r)
		}
		i += size
	}
	return b.String()
}

// unsafeRune is a rune Printable escapes. strings.IndexFunc sees a byte that
// is not UTF-8 as utf8.RuneError, and so does this; Printable escapes such
// a byte and keeps a replacement character that is written as one.
func unsafeRune(r rune) bool {
	if r < utf8.RuneSelf {
		return r < ' ' || r == 0x7f
	}
	return r == utf8.RuneError || !unicode.IsPrint(r)
}

// PrintableError is err's message made Printable line by line: a message of
// several lines (errors.Join) keeps them, each after the first indented, so
// no line of it can pass for a line of its own (a CI system's command, a
// verdict).
func PrintableError(err error) string {
	lines := strings.Split(err.Error(), "\n")
	for i, l := range lines {
		lines[i] = Printable(l)
	}
	return strings.Join(lines, "\n  ")
}
