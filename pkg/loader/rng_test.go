package loader

import (
	"math"
	"testing"
)

// TestSplitMix64Vectors checks the generator against the published
// SplitMix64 outputs for state 1234567 (Vigna's splitmix64.c).
func TestSplitMix64Vectors(t *testing.T) {
	want := []uint64{6457827717110365317, 3203168211198807973, 9817491932198370423, 4593380528125082431, 16408922859458223821}
	r := counterRNG{state: 1234567}
	for i, w := range want {
		if got := r.next(); got != w {
			t.Fatalf("output %d = %d, want %d", i, got, w)
		}
	}
}

func TestRNGKeys(t *testing.T) {
	first := func(key ...uint64) uint64 {
		var r counterRNG
		r.reset(key...)
		return r.next()
	}
	if first(1, 2, 3) != first(1, 2, 3) {
		t.Error("the same key gives different streams")
	}
	keys := [][]uint64{{}, {0}, {0, 0}, {1, 2, 3}, {1, 3, 2}, {2, 1, 3}, {1, 2, 3, 0}, {1, 2, 4}, {domainMask, 7, 0, 0, 0}, {domainMask, 7, 0, 0, 1}}
	seen := map[uint64][]uint64{}
	for _, k := range keys {
		v := first(k...)
		if other, dup := seen[v]; dup {
			t.Errorf("keys %v and %v start the same stream", other, k)
		}
		seen[v] = k
	}
}

// chiSquare returns Pearson's statistic of counts against a uniform
// expectation.
func chiSquare(counts []int) float64 {
	total := 0
	for _, c := range counts {
		total += c
	}
	e := float64(total) / float64(len(counts))
	var x float64
	for _, c := range counts {
		x += (float64(c) - e) * (float64(c) - e) / e
	}
	return x
}

func TestRNGDistributions(t *testing.T) {
	var r counterRNG
	r.reset(42)

	// Random: in [0, 1), mean 1/2, ten equal bins.
	const n = 100_000
	bins := make([]int, 10)
	var sum float64
	for range n {
		x := r.Random()
		if x < 0 || x >= 1 {
			t.Fatalf("Random() = %v outside [0, 1)", x)
		}
		sum += x
		bins[int(x*10)]++
	}
	if m := sum / n; math.Abs(m-0.5) > 0.005 {
		t.Errorf("mean of Random() = %v, want 0.5", m)
	}
	// 9 degrees of freedom: P(χ² > 30) < 0.001.
	if x := chiSquare(bins); x > 30 {
		t.Errorf("Random() deciles %v: χ² = %.1f", bins, x)
	}

	// RandInt: both ends included, nothing outside, uniform.
	counts := make([]int, 7)
	for range 70_000 {
		v := r.RandInt(-3, 3)
		if v < -3 || v > 3 {
			t.Fatalf("RandInt(-3, 3) = %d", v)
		}
		counts[v+3]++
	}
	if x := chiSquare(counts); x > 25 { // 6 degrees of freedom
		t.Errorf("RandInt(-3, 3) counts %v: χ² = %.1f", counts, x)
	}
	if v := r.RandInt(5, 5); v != 5 {
		t.Errorf("RandInt(5, 5) = %d", v)
	}
	// A range that is not a power of two and near 2^63: Lemire's rejection
	// must keep values in range.
	for range 1000 {
		if v := r.RandInt(0, math.MaxInt64-1); v < 0 || v > math.MaxInt64-1 {
			t.Fatalf("RandInt(0, MaxInt64-1) = %d", v)
		}
	}

	// Shuffle: every permutation of 3 equally often, each a permutation.
	perms := map[[3]int]int{}
	for range 60_000 {
		p := [3]int{0, 1, 2}
		r.Shuffle(3, func(i, j int) { p[i], p[j] = p[j], p[i] })
		perms[p]++
	}
	if len(perms) != 6 {
		t.Fatalf("Shuffle(3) made %d distinct orders, want 6: %v", len(perms), perms)
	}
	var pc []int
	for _, c := range perms {
		pc = append(pc, c)
	}
	if x := chiSquare(pc); x > 25 { // 5 degrees of freedom
		t.Errorf("Shuffle(3) order counts %v: χ² = %.1f", perms, x)
	}
	p := r.permutation(1000)
	hit := make([]bool, 1000)
	for _, v := range p {
		if hit[v] {
			t.Fatalf("permutation repeats %d", v)
		}
		hit[v] = true
	}
}

func TestRandIntEmptyPanics(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Error("RandInt(3, 2) did not panic")
		}
	}()
	var r counterRNG
	r.RandInt(3, 2)
}
