// Package webhook adapts the engine to admission: a mutating handler that
// answers with a JSON patch and a validating handler that judges the final
// state. It is the only HTTP-facing code; everything it decides, the engine
// decides.
package webhook
