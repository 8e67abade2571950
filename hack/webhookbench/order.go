package main

import "slices"

// balancedOrder is the order in which n arms take their perArm turns: each
// arm follows each other arm equally often (as nearly as perArm allows).
// The work a batch of creates leaves behind (the controller-manager's
// ReplicaSets and status updates, pave's companions) lands on the batch
// after it, so an arm that always followed the same one was charged that
// one's backlog: in turns taken round robin, the no-op webhooks always
// followed the namespace no webhook matches, the cheapest backlog there is,
// and pave always followed the no-op webhooks that send its patch.
func balancedOrder(n, perArm int) []int {
	if n < 2 {
		return make([]int, perArm*n)
	}
	cycle := everyPairOnce(n)
	left := make([]int, n)
	for i := range left {
		left[i] = perArm
	}
	var out []int
	for len(out) < n*perArm {
		for _, arm := range cycle {
			if left[arm] > 0 {
				left[arm]--
				out = append(out, arm)
			}
		}
	}
	return out
}

// everyPairOnce is a cycle through 0..n-1 (n ≥ 2) in which every ordered
// pair of distinct arms is a step exactly once, counting the step from the
// last back to the first: an Eulerian circuit of the complete directed
// graph (Hierholzer's algorithm), n(n-1) long, each arm n-1 times.
func everyPairOnce(n int) []int {
	used := make([]int, n) // how many of a vertex's n-1 out-edges are walked
	stack := []int{0}
	var circuit []int
	for len(stack) > 0 {
		v := stack[len(stack)-1]
		if used[v] < n-1 {
			used[v]++
			stack = append(stack, (v+used[v])%n)
			continue
		}
		circuit = append(circuit, v)
		stack = stack[:len(stack)-1]
	}
	slices.Reverse(circuit)
	return circuit[:len(circuit)-1] // it ends where it began
}
