package check

import (
	"strings"

	"github.com/pave-dev/pave/pkg/manifest"
)

// locate fills FieldLines, for the objects with findings or unknown fields,
// with the line of each field they name. Parsing a document again costs
// about what reading it did, so only SARIF and JUnit ask for it, and JSON
// when told (--field-lines); and each document is parsed once for all its
// objects: a List of thousands of items is one document.
func locate(workers int, objs []manifest.Object, checked []Object) {
	byText := map[*manifest.Text][]int{}
	var texts []*manifest.Text
	for i := range objs {
		if len(checked[i].Violations) == 0 && len(checked[i].UnknownFields) == 0 {
			continue
		}
		t := objs[i].Text()
		if _, seen := byText[t]; !seen {
			texts = append(texts, t)
		}
		byText[t] = append(byText[t], i)
	}
	parallel(workers, len(texts), func(k int) {
		lines := texts[k].Lines()
		for _, i := range byText[texts[k]] {
			r := &checked[i]
			r.FieldLines = make(map[string]int, len(r.Violations)+len(r.UnknownFields))
			for _, v := range r.Violations {
				if _, done := r.FieldLines[v.Field]; !done && v.Field != "" {
					r.FieldLines[v.Field] = lines.Of(objs[i], v.Field)
				}
			}
			for _, u := range r.UnknownFields {
				if f := UnknownFieldPath(u); f != "" {
					r.FieldLines[f] = lines.Of(objs[i], f)
				}
			}
		}
	})
}

// UnknownFieldPath is the path of an unknown field as the API server words
// it (`unknown field "spec.x"`), or "".
func UnknownFieldPath(note string) string {
	start, end := strings.IndexByte(note, '"'), strings.LastIndexByte(note, '"')
	if start < 0 || end <= start {
		return ""
	}
	return note[start+1 : end]
}
