package main

import "testing"

// The control plane's namespaces and pave's own are never matched by the
// webhooks: pave check skips what lives there, as admission does;
// --pave-namespace names pave's, and --exclude-namespaces those the chart's
// webhooks.excludeNamespaces adds.
func TestCheckSkipsUngovernedNamespaces(t *testing.T) {
	const addon = `apiVersion: apps/v1
kind: DaemonSet
metadata: {name: cni, namespace: kube-system}
spec:
  selector: {matchLabels: {app: cni}}
  template:
    metadata: {labels: {app: cni}}
    spec: {hostNetwork: true, containers: [{name: cni, image: cni}]}
`
	pave(t, addon, "check", "-f", "-").must(t, 0, "DaemonSet kube-system/cni  skipped (namespace kube-system is not governed")
	ops := `apiVersion: v1
kind: Pod
metadata: {name: tool, namespace: ops}
spec: {containers: [{name: tool, image: tool}]}
`
	pave(t, ops, "check", "-f", "-").must(t, 1, "Pod ops/tool  DENIED")
	pave(t, ops, "check", "-f", "-", "--pave-namespace", "ops").must(t, 0, "Pod ops/tool  skipped (namespace ops is not governed")
	pave(t, ops, "check", "-f", "-", "--exclude-namespaces", "cilium,ops").must(t, 0, "Pod ops/tool  skipped (namespace ops is not governed")
}
