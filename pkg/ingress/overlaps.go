package ingress

import "strings"

// Overlaps indexes hosts by what overlaps them (Overlap), so that finding
// the hosts of one object that overlap another's costs a few map reads a
// host, not a comparison with every host: an Ingress (or Certificate) of
// thousands of hosts judged against another of thousands made admission
// quadratic, minutes of CPU for one request.
type Overlaps struct {
	exact map[string]bool
	// under holds, by the wildcard that would cover them, the exact hosts
	// with a parent domain.
	under map[string][]string
}

// NewOverlaps indexes hosts.
func NewOverlaps(hosts []string) Overlaps {
	o := Overlaps{exact: make(map[string]bool, len(hosts)), under: map[string][]string{}}
	for _, h := range hosts {
		if o.exact[h] {
			continue
		}
		o.exact[h] = true
		if w, ok := wildcardOver(h); ok {
			o.under[w] = append(o.under[w], h)
		}
	}
	return o
}

// Of are the indexed hosts that Overlap h: h itself, the wildcard that
// covers h, and, for a wildcard h, the hosts it covers.
func (o Overlaps) Of(h string) []string {
	var out []string
	if o.exact[h] {
		out = append(out, h)
	}
	if w, ok := wildcardOver(h); ok && o.exact[w] {
		out = append(out, w)
	}
	if strings.HasPrefix(h, "*.") {
		out = append(out, o.under[h]...)
	}
	return out
}

// unique is hosts lowercased and trimmed, each once, in order, without
// "" unless keepEmpty.
func unique(hosts []string, keepEmpty bool) []string {
	seen := make(map[string]bool, len(hosts))
	out := make([]string, 0, len(hosts))
	for _, h := range hosts {
		h = strings.ToLower(strings.TrimSpace(h))
		if (h == "" && !keepEmpty) || seen[h] {
			continue
		}
		seen[h] = true
		out = append(out, h)
	}
	return out
}
