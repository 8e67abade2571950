package manifest

import (
	"strings"

	yamlv3 "go.yaml.in/yaml/v3"
)

// How sigs.k8s.io/yaml (YAML 1.1) resolves a plain scalar, as far as the
// fast path settles it without the full converter.

// plainString reports whether a scalar is a string as sigs.k8s.io/yaml (YAML
// 1.1) resolves it. Quoted and block scalars always are. A plain scalar is when
// it starts with a letter, '/' or '_' and is none of the words YAML 1.1 reads as
// booleans or null, or when it starts with a digit and holds a character no
// YAML 1.1 number or timestamp has (256Mi, 100m, 30s). Everything else is left
// to sigs.k8s.io/yaml.
func plainString(n *yamlv3.Node) bool {
	if n.Style&(yamlv3.DoubleQuotedStyle|yamlv3.SingleQuotedStyle|yamlv3.LiteralStyle|yamlv3.FoldedStyle) != 0 {
		return true
	}
	v := n.Value
	if v == "" {
		return false // null
	}
	switch c := v[0]; {
	case c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '/' || c == '_':
		switch v {
		case "y", "Y", "yes", "Yes", "YES", "n", "N", "no", "No", "NO",
			"true", "True", "TRUE", "false", "False", "FALSE",
			"on", "On", "ON", "off", "Off", "OFF", "null", "Null", "NULL":
			return false
		}
		return true
	case c >= '0' && c <= '9':
		for i := 1; i < len(v); i++ {
			if !numeric(v[i]) {
				return true
			}
		}
	}
	return false
}

// scalarSafe reports whether a plain scalar reads the same on its own as inside
// its document, so sigs.k8s.io/yaml may resolve it alone: no character that
// could start structure, ':' only inside a number or time (12:30), and not a
// lone indicator (FuzzToJSON found `[0,-]` read as [0,[null]]).
func scalarSafe(v string) bool {
	for i := 0; i < len(v); i++ {
		c := v[i]
		switch {
		case c >= '0' && c <= '9', c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c == '.', c == '+', c == '-', c == '_', c == '~':
		case c == ':' && i+1 < len(v) && v[i+1] >= '0' && v[i+1] <= '9':
		default:
			return false
		}
	}
	// Alone, "-" is a sequence entry, and "---" or "..." a document marker.
	return v != "" && v != "-" && !strings.HasPrefix(v, "---") && !strings.HasPrefix(v, "...")
}

// numeric reports whether c can appear in a YAML 1.1 number or timestamp
// (hex digits, 0x/0o/0b prefixes, exponents, sexagesimal colons, dates, times).
func numeric(c byte) bool {
	switch {
	case c >= '0' && c <= '9', c >= 'a' && c <= 'f', c >= 'A' && c <= 'F':
		return true
	}
	switch c {
	case 'x', 'X', 'o', 'O', '_', '.', ':', '+', '-', 't', 'T', 'z', 'Z', ' ':
		return true
	}
	return false
}

// yaml11Word returns the JSON of a plain scalar that YAML 1.1 reads as a
// boolean or null, or "".
func yaml11Word(v string) string {
	switch v {
	case "true", "True", "TRUE", "yes", "Yes", "YES", "y", "Y", "on", "On", "ON":
		return "true"
	case "false", "False", "FALSE", "no", "No", "NO", "n", "N", "off", "Off", "OFF":
		return "false"
	case "", "~", "null", "Null", "NULL":
		return "null"
	}
	return ""
}

// decimalInt reports whether v is a plain decimal integer that fits in int64
// and has no leading zero (which YAML 1.1 reads as octal).
func decimalInt(v string) bool {
	s := v
	if s != "" && (s[0] == '-' || s[0] == '+') {
		s = s[1:]
	}
	if s == "" || len(s) > 18 || (len(s) > 1 && s[0] == '0') || v[0] == '+' {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// standardTag reports whether a resolved tag is one the fast path handles;
// the non-specific "!", custom tags, !!binary and !!timestamp are not.
func standardTag(tag string) bool {
	switch tag {
	case "", "!!str", "!!int", "!!float", "!!bool", "!!null", "!!map", "!!seq":
		return true
	}
	return false
}
