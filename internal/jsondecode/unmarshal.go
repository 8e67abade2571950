package jsondecode

// Unmarshal decodes data into v, a pointer to a zero value, as json.Unmarshal
// does, in one pass, remembering nothing.
func Unmarshal(data []byte, v any) error { return (*Decoder)(nil).Unmarshal(data, v) }
