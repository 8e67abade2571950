package mutators

import corev1 "k8s.io/api/core/v1"

// encodedSidecar holds the protobuf encodings, element by element, of the
// parts of the prepared sidecar the mesh check compares. Comparing encodings
// is several times faster than reflect.DeepEqual, which under load was a
// tenth of the admission server's time in a validation
// (docs/performance.md).
type encodedSidecar struct {
	env, envFrom, mounts, ports, volumes [][]byte
}

func encodeSidecar(c *corev1.Container, volumes []corev1.Volume) encodedSidecar {
	e := encodedSidecar{env: encodeEach(c.Env), envFrom: encodeEach(c.EnvFrom), mounts: encodeEach(c.VolumeMounts), ports: encodeEach(c.Ports)}
	for i := range volumes {
		e.volumes = append(e.volumes, encode(&volumes[i].VolumeSource))
	}
	return e
}

// protoMessage is a pointer to an API type with its generated protobuf
// encoding, which covers every field (workload.TestEncodingCoversEveryField) and
// writes maps in key order, so that equal encodings are equal values.
type protoMessage[T any] interface {
	*T
	Size() int
	MarshalToSizedBuffer([]byte) (int, error)
}

func encode[T any, P protoMessage[T]](v *T) []byte {
	b := make([]byte, P(v).Size())
	if _, err := P(v).MarshalToSizedBuffer(b); err != nil {
		return nil // never matches: the comparison by reflection decides
	}
	return b
}

func encodeEach[T any, P protoMessage[T]](items []T) [][]byte {
	out := make([][]byte, len(items))
	for i := range items {
		out[i] = encode[T, P](&items[i])
	}
	return out
}

// encodesTo reports whether v encodes to want. True means v equals what
// want was encoded from (nil and empty alike, quantities by value, as
// same compares); false says nothing, and the caller compares with same.
// buf is reused from call to call.
func encodesTo[T any, P protoMessage[T]](v *T, want []byte, buf *[]byte) bool {
	n := P(v).Size()
	if n != len(want) || want == nil {
		return false
	}
	if cap(*buf) < n {
		*buf = make([]byte, n)
	}
	b := (*buf)[:n]
	_, err := P(v).MarshalToSizedBuffer(b)
	return err == nil && string(b) == string(want)
}

// sameEncoded is encodesTo for each element of have against want's.
func sameEncoded[T any, P protoMessage[T]](have []T, want [][]byte, buf *[]byte) bool {
	if len(have) != len(want) {
		return false
	}
	for i := range have {
		if !encodesTo[T, P](&have[i], want[i], buf) {
			return false
		}
	}
	return true
}
