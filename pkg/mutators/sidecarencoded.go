package mutators

import (
	corev1 "k8s.io/api/core/v1"

	"github.com/pave-dev/pave/pkg/workload"
)

// encodedSidecar holds the protobuf encodings, element by element, of the
// parts of the prepared sidecar the mesh check compares. Comparing encodings
// (equal encodings are equal values: workload.ProtoMessage) is several times
// faster than reflect.DeepEqual, which under load was a tenth of the
// admission server's time in a validation (docs/performance.md).
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

// protoMessage is a pointer to an API type with its protobuf encoding.
type protoMessage[T any] interface {
	*T
	workload.ProtoMessage
}

// encode is v's encoding in a buffer of its own; nil (which never matches,
// so reflection decides) if it cannot be encoded.
func encode[T any, P protoMessage[T]](v *T) []byte {
	b, _ := workload.EncodeInto(P(v), new([]byte))
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
	if want == nil {
		return false
	}
	b, err := workload.EncodeInto(P(v), buf)
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

// sameParts compares a part of the pod's sidecar with the template's: by
// encoding (enc is want's, element by element), and by same where the
// encodings differ.
func sameParts[T any, P protoMessage[T]](have, want []T, enc [][]byte, buf *[]byte) bool {
	return sameEncoded[T, P](have, enc, buf) || same(&have, &want)
}

// sameVolume is sameParts for one volume source.
func sameVolume(have, want *corev1.VolumeSource, enc []byte, buf *[]byte) bool {
	return encodesTo(have, enc, buf) || same(have, want)
}
