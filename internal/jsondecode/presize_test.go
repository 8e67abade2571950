package jsondecode

import "testing"

func TestArrayLength(t *testing.T) {
	for in, want := range map[string]int{
		`[]`:                                  0,
		` [ ] `:                               0,
		`:[1]`:                                1,
		`, [1,2,3]`:                           3,
		`[{"a":[1,2,3]},{"b":{"c":1,"d":2}}]`: 2,
		`["a,b","c]d","e\",f"]`:               3,
		`["\\",1]`:                            2,
		`[[],[],[[1,2]]] trailing, 9`:         3,
		`[1,2`:                                0, // does not end: no guess
		`["a,]`:                               0,
		`{"a":1}`:                             0, // not an array
		`1`:                                   0,
		``:                                    0,
		`[x,x,x]`:                             3, // invalid, counted: the decoder rejects it
	} {
		if got := arrayLength([]byte(in)); got != want {
			t.Errorf("arrayLength(%s) = %d, want %d", in, got, want)
		}
	}
}
