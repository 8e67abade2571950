// Package jsondecode decodes JSON as the API server does, in one pass, and can
// remember the values of chosen Go types by their exact bytes.
//
// The API server decodes with sigs.k8s.io/json: encoding/json but for the
// names of fields, which match exactly. encoding/json would read
// `HostNetwork: true` as hostNetwork, which the API server drops as an unknown
// field (or refuses, under strict field validation), and of `hostNetwork:
// true` followed by `HostNetwork: false` would keep the second: `pave check`
// would pass what admission denies. So pave matches names exactly wherever it
// reads an object a user wrote. Errors keep encoding/json's words.
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
// Built without GOEXPERIMENT=jsonv2, Unmarshal is sigs.k8s.io/json's and
// nothing is remembered.
package jsondecode
