// Package mesh is the mesh as it applies to one workload: the service it
// serves, its canary and its traffic overrides. The admission server's
// mutators and validators use it; the objects the controller writes from it
// are packages istio (PeerAuthentication, DestinationRule, VirtualService)
// and cilium (CiliumNetworkPolicy), kept apart so that the admission server
// does not link those APIs (docs/performance.md).
package mesh
