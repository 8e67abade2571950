// Package jsondecode decodes JSON as encoding/json does, in one pass, and can
// remember the values of chosen Go types by their exact bytes.
//
// encoding/json (json v2 inside, as pave is built) first checks the whole
// input and then decodes it: two passes. Without the check, a syntax error
// is found while decoding instead, and the value, half filled, is thrown away
// with the error; the error reported is still encoding/json's. A webhook gets
// the object the API server encoded, so the check never finds anything there:
// it was a fifth of decoding a Deployment.
//
// Remembering helps where the same bytes come again: the mesh proxy in every
// pod, and a Deployment's containers in its ReplicaSet and each of its Pods.
// The same bytes decode to the same value, so a remembered value, copied, is
// what decoding them gives.
//
// Built without GOEXPERIMENT=jsonv2, Unmarshal is encoding/json's and nothing
// is remembered.
package jsondecode
