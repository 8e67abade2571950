package main

import "testing"

func TestEveryPairOnceStepsThroughEachOrderedPairOnce(t *testing.T) {
	for n := 2; n <= 6; n++ {
		cycle := everyPairOnce(n)
		if len(cycle) != n*(n-1) {
			t.Fatalf("n=%d: %d steps, want %d: %v", n, len(cycle), n*(n-1), cycle)
		}
		steps := map[[2]int]int{}
		for i, v := range cycle {
			steps[[2]int{v, cycle[(i+1)%len(cycle)]}]++
		}
		for a := range n {
			for b := range n {
				want := 1
				if a == b {
					want = 0
				}
				if steps[[2]int{a, b}] != want {
					t.Errorf("n=%d: step %d->%d taken %d times, want %d: %v", n, a, b, steps[[2]int{a, b}], want, cycle)
				}
			}
		}
	}
}

func TestBalancedOrderGivesEachArmItsTurnsAfterEveryOther(t *testing.T) {
	// The default: four arms of 600 creates in batches of 100.
	order := balancedOrder(4, 6)
	turns := map[int]int{}
	after := map[[2]int]int{}
	for i, arm := range order {
		turns[arm]++
		if i > 0 {
			after[[2]int{order[i-1], arm}]++
		}
	}
	for arm := range 4 {
		if turns[arm] != 6 {
			t.Errorf("arm %d has %d turns, want 6: %v", arm, turns[arm], order)
		}
		for prev := range 4 {
			// Two full cycles: every pair twice, but the one step back to
			// the start that the second cycle does not take.
			if n := after[[2]int{prev, arm}]; prev != arm && (n < 1 || n > 2) {
				t.Errorf("arm %d follows arm %d %d times, want 2 (1 for the closing step): %v", arm, prev, n, order)
			}
		}
		if n := after[[2]int{arm, arm}]; n != 0 {
			t.Errorf("arm %d follows itself %d times: %v", arm, n, order)
		}
	}
	// An uneven count still gives every arm its turns.
	for perArm := range 8 {
		order := balancedOrder(3, perArm)
		turns := map[int]int{}
		for _, arm := range order {
			turns[arm]++
		}
		for arm := range 3 {
			if turns[arm] != perArm {
				t.Errorf("balancedOrder(3, %d): arm %d has %d turns: %v", perArm, arm, turns[arm], order)
			}
		}
	}
}
