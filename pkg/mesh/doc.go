// Package mesh describes the Istio objects that keep a workload's traffic
// safe: strict mTLS per namespace, and per service a DestinationRule (mutual
// TLS, connection limits, circuit breaking) and a VirtualService (timeout and
// retries). Objects are named pave-* so they never collide with a team's own.
package mesh
