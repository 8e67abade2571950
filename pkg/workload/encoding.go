package workload

// ProtoMessage is a pointer to an API type with its generated protobuf
// encoding. For every part of every workload kind, the encoding covers every
// field (TestEncodingCoversEveryField) and writes maps in key order and
// quantities as their canonical string, so equal encodings are equal values:
// a fast, exact key and comparison where reflection was slow.
type ProtoMessage interface {
	Size() int
	MarshalToSizedBuffer([]byte) (int, error)
}

// EncodeInto writes m's protobuf encoding into *scratch, grown as needed, and
// returns it; it is valid until scratch is used again.
func EncodeInto(m ProtoMessage, scratch *[]byte) ([]byte, error) {
	n := m.Size()
	if cap(*scratch) < n {
		*scratch = make([]byte, n)
	}
	b := (*scratch)[:n]
	if _, err := m.MarshalToSizedBuffer(b); err != nil {
		return nil, err
	}
	return b, nil
}
