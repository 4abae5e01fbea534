package bert

import (
	"math"
	"math/rand/v2"
	"testing"
)

// TestPhilox4x32KnownAnswers checks the three Philox4x32-10 vectors of
// Random123's kat_vectors (columns: counter, key, output).
func TestPhilox4x32KnownAnswers(t *testing.T) {
	cases := []struct {
		name string
		ctr  [4]uint32
		key  [2]uint32
		want [4]uint32
	}{
		{"zeros", [4]uint32{0, 0, 0, 0}, [2]uint32{0, 0},
			[4]uint32{0x6627e8d5, 0xe169c58d, 0xbc57ac4c, 0x9b00dbd8}},
		{"ones", [4]uint32{0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff}, [2]uint32{0xffffffff, 0xffffffff},
			[4]uint32{0x408f276d, 0x41c83b0e, 0xa20bc7c6, 0x6d5451fd}},
		{"pi", [4]uint32{0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344}, [2]uint32{0xa4093822, 0x299f31d0},
			[4]uint32{0xd16cfe09, 0x94fdcceb, 0x5001e420, 0x24126ea1}},
	}
	for _, c := range cases {
		if got := philox4x32(c.ctr, c.key); got != c.want {
			t.Errorf("%s: philox4x32(%08x, %08x) = %08x, want %08x", c.name, c.ctr, c.key, got, c.want)
		}
	}
}

func TestPhiloxUniform(t *testing.T) {
	cases := []struct {
		x    uint32
		want float32
	}{
		{0, 0},
		{0xff, 0}, // the low 8 bits are discarded
		{0x100, 0x1p-24},
		{0x80000000, 0.5},
		{0xffffffff, 1 - 0x1p-24}, // the largest value stays below 1
	}
	for _, c := range cases {
		if got := philoxUniform(c.x); got != c.want {
			t.Errorf("philoxUniform(%#x) = %g, want %g", c.x, got, c.want)
		}
	}
}

// dropoutKept reads element i of a mask.
func dropoutKept(mask []uint32, i int) bool { return mask[i/32]>>(i%32)&1 != 0 }

// runDropout applies dropout to n ones and returns the mask.
func runDropout(n int, p float32, seed, step uint64, site dropoutSite) []uint32 {
	x := make([]float32, n)
	for i := range x {
		x[i] = 1
	}
	mask := make([]uint32, dropoutMaskWords(n))
	dropoutForward(make([]float32, n), mask, x, n, p, seed, step, site)
	return mask
}

func TestDropoutMaskDefinition(t *testing.T) {
	// Each bit is the documented formula, computed here element by element
	// with the float comparison.
	const n, p, seed, step = 1003, float32(0.3), 0x0123456789abcdef, 0xfedcba9876543210
	site := dropoutFFNOut(5)
	mask := runDropout(n, p, seed, step, site)
	key := [2]uint32{0x89abcdef, 0x01234567}
	for i := range n {
		r := philox4x32([4]uint32{uint32(i / 4), 5*4 + 3, 0x76543210, 0xfedcba98}, key)
		if want := philoxUniform(r[i%4]) >= p; dropoutKept(mask, i) != want {
			t.Fatalf("element %d: kept %v, want %v", i, dropoutKept(mask, i), want)
		}
	}
	// Bits past n in the last word stay clear.
	if last := mask[len(mask)-1] >> (n % 32); last != 0 {
		t.Errorf("bits past n set: %#x", last)
	}
}

// TestDropoutStream checks the precomputed rounds of dropoutStream against
// philox4x32 for random seeds, steps, sites and counters, the last
// counter word included (where c+1 wraps to 0), and for small, typical
// and extreme probabilities.
func TestDropoutStream(t *testing.T) {
	rng := rand.New(rand.NewPCG(10, 11))
	for range 200 {
		seed, step, site := rng.Uint64(), rng.Uint64(), dropoutSite(rng.Uint32())
		p := []float32{1e-9, 0.1, 0.5, 0.9, 1}[rng.IntN(5)]
		s := newDropoutStream(p, seed, step, site)
		key := [2]uint32{uint32(seed), uint32(seed >> 32)}
		for _, c := range []uint32{0, rng.Uint32(), 0xfffffffe, 0xffffffff} {
			var want uint32
			for j := range 8 {
				r := philox4x32([4]uint32{c + uint32(j/4), uint32(site), uint32(step), uint32(step >> 32)}, key)
				if philoxUniform(r[j%4]) >= p {
					want |= 1 << j
				}
			}
			if got := s.keep8(c); got != want {
				t.Fatalf("seed %#x step %#x site %d p %g counter %#x: keep bits %08b, want %08b",
					seed, step, site, p, c, got, want)
			}
		}
	}
}

func TestDropoutThreshold(t *testing.T) {
	// The integer threshold agrees with the float test at its boundary.
	for _, p := range []float32{1e-9, 0x1p-24, 0.1, 0.3, 0.5, 1 - 0x1p-24, 0.999999} {
		k := dropoutThreshold(p)
		if philoxUniform(k<<8) < p || (k > 0 && philoxUniform((k-1)<<8) >= p) {
			t.Errorf("p=%g: threshold %d is not the least k with k·2⁻²⁴ ≥ p", p, k)
		}
	}
	if k := dropoutThreshold(1); k != 1<<24 {
		t.Errorf("threshold(1) = %d, want 2²⁴ (drop everything)", k)
	}
}

func TestDropoutSites(t *testing.T) {
	seen := map[dropoutSite]string{dropoutEmbeddings: "embeddings"}
	for l := range 48 {
		for kind, s := range map[string]dropoutSite{
			"attention probs": dropoutAttnProbs(l), "attention output": dropoutAttnOut(l), "FFN output": dropoutFFNOut(l),
		} {
			if prev, ok := seen[s]; ok {
				t.Fatalf("layer %d %s: site %d already names %s", l, kind, s, prev)
			}
			seen[s] = kind
		}
	}
	if dropoutAttnProbs(2) != 9 || dropoutAttnOut(0) != 2 || dropoutFFNOut(1) != 7 {
		t.Errorf("site numbers differ from the documented 4l+kind")
	}
}

func TestDropoutDeterminism(t *testing.T) {
	const n, p = 1 << 16, float32(0.1)
	base := runDropout(n, p, 42, 7, dropoutAttnOut(3))
	if again := runDropout(n, p, 42, 7, dropoutAttnOut(3)); !equalMasks(base, again) {
		t.Fatal("same seed, step and site gave different masks")
	}
	others := map[string][]uint32{
		"seed":            runDropout(n, p, 43, 7, dropoutAttnOut(3)),
		"seed high word":  runDropout(n, p, 42|1<<32, 7, dropoutAttnOut(3)),
		"step":            runDropout(n, p, 42, 8, dropoutAttnOut(3)),
		"step high word":  runDropout(n, p, 42, 7|1<<32, dropoutAttnOut(3)),
		"site kind":       runDropout(n, p, 42, 7, dropoutFFNOut(3)),
		"site layer":      runDropout(n, p, 42, 7, dropoutAttnOut(4)),
		"embedding layer": runDropout(n, p, 42, 7, dropoutEmbeddings),
	}
	for name, m := range others {
		// Independent masks: both drop an element with probability p² and
		// exactly one does with probability 2p(1−p).
		both, differ := 0, 0
		for i := range n {
			a, b := dropoutKept(base, i), dropoutKept(m, i)
			if !a && !b {
				both++
			}
			if a != b {
				differ++
			}
		}
		wantBoth, wantDiffer := float64(n)*0.01, float64(n)*2*0.1*0.9
		if math.Abs(float64(both)-wantBoth) > 6*math.Sqrt(wantBoth) ||
			math.Abs(float64(differ)-wantDiffer) > 6*math.Sqrt(wantDiffer) {
			t.Errorf("different %s: %d dropped by both (want ≈%.0f), %d differ (want ≈%.0f)",
				name, both, wantBoth, differ, wantDiffer)
		}
	}
}

func equalMasks(a, b []uint32) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestDropoutForwardStatistics(t *testing.T) {
	const n, p = 1_000_000, float32(0.1)
	rng := rand.New(rand.NewPCG(1, 2))
	x := make([]float32, n)
	for i := range x {
		x[i] = 1 + float32(rng.NormFloat64())*0.5
	}
	out := make([]float32, n)
	mask := make([]uint32, dropoutMaskWords(n))
	dropoutForward(out, mask, x, n, p, 2024, 1, dropoutEmbeddings)

	scale := 1 / (1 - p)
	kept := 0
	var sumX, sumOut float64
	for i := range n {
		if dropoutKept(mask, i) {
			kept++
			if out[i] != x[i]*scale {
				t.Fatalf("out[%d] = %g, want x·1/(1−p) = %g", i, out[i], x[i]*scale)
			}
		} else if out[i] != 0 {
			t.Fatalf("out[%d] = %g for a dropped element", i, out[i])
		}
		sumX += float64(x[i])
		sumOut += float64(out[i])
	}
	// Kept ~ Binomial(n, 0.9): standard deviation 300; allow 5 of them.
	if want := 0.9 * n; math.Abs(float64(kept)-want) > 5*math.Sqrt(n*0.9*0.1) {
		t.Errorf("kept %d of %d, want %.0f ± %.0f", kept, n, want, 5*math.Sqrt(n*0.9*0.1))
	}
	// Inverted dropout keeps the mean: E[out] = E[x]. The standard
	// deviation of mean(out) − mean(x) is about √(E[x²]·p/(1−p)/n) ≈ 3.7e-4.
	if d := (sumOut - sumX) / n; math.Abs(d) > 2e-3 {
		t.Errorf("mean(out) − mean(x) = %g, want ≈ 0", d)
	}
}

func TestDropoutBackward(t *testing.T) {
	// Given the mask the forward is linear, out = D·x with D diagonal, so
	// ∂⟨out, r⟩/∂x = D·r: a difference of two forwards along any direction
	// equals the backward's dot product with that direction.
	const n, p = 517, float32(0.25)
	rng := rand.New(rand.NewPCG(5, 6))
	x, r, v := make([]float32, n), make([]float32, n), make([]float32, n)
	for i := range n {
		x[i], r[i], v[i] = float32(rng.NormFloat64()), float32(rng.NormFloat64()), float32(rng.NormFloat64())
	}
	out := make([]float32, n)
	mask := make([]uint32, dropoutMaskWords(n))
	dropoutForward(out, mask, x, n, p, 9, 3, dropoutAttnProbs(0))
	dx := make([]float32, n)
	dropoutBackward(dx, r, mask, n, p)

	scale := 1 / (1 - p)
	for i := range n {
		want := float32(0)
		if dropoutKept(mask, i) {
			want = r[i] * scale
		}
		if dx[i] != want {
			t.Fatalf("dx[%d] = %g, want %g", i, dx[i], want)
		}
	}

	xp, outp, maskp := make([]float32, n), make([]float32, n), make([]uint32, len(mask))
	for i := range n {
		xp[i] = x[i] + v[i]
	}
	dropoutForward(outp, maskp, xp, n, p, 9, 3, dropoutAttnProbs(0))
	if !equalMasks(mask, maskp) {
		t.Fatal("the mask depends on x")
	}
	var diff, pred float64
	for i := range n {
		diff += float64(outp[i]-out[i]) * float64(r[i])
		pred += float64(dx[i]) * float64(v[i])
	}
	if math.Abs(diff-pred) > 1e-4*(1+math.Abs(pred)) {
		t.Errorf("⟨f(x+v) − f(x), r⟩ = %g, ⟨dx, v⟩ = %g", diff, pred)
	}

	// In place: dx may be dout.
	inPlace := append([]float32(nil), r...)
	dropoutBackward(inPlace, inPlace, mask, n, p)
	for i := range n {
		if inPlace[i] != dx[i] {
			t.Fatalf("in-place backward: dx[%d] = %g, want %g", i, inPlace[i], dx[i])
		}
	}
}

func TestDropoutZeroIsIdentity(t *testing.T) {
	const n = 100
	x := make([]float32, n)
	for i := range x {
		x[i] = float32(i) - 37.5
	}
	out := make([]float32, n)
	dropoutForward(out, nil, x, n, 0, 1, 1, dropoutEmbeddings)
	dx := make([]float32, n)
	dropoutBackward(dx, x, nil, n, 0)
	for i := range n {
		if out[i] != x[i] || dx[i] != x[i] {
			t.Fatalf("p=0: out[%d] = %g, dx[%d] = %g, want %g", i, out[i], i, dx[i], x[i])
		}
	}
}

func TestDropoutOneDropsAll(t *testing.T) {
	const n = 70
	mask := runDropout(n, 1, 3, 4, dropoutEmbeddings)
	for i := range n {
		if dropoutKept(mask, i) {
			t.Fatalf("p=1 kept element %d", i)
		}
	}
}

func TestDropoutSplitIndependence(t *testing.T) {
	// The same mask and output whole, in uneven chunks, and on any number
	// of goroutines.
	const n, p, seed, step = 100_003, float32(0.1), 77, 12
	site := dropoutAttnProbs(11)
	rng := rand.New(rand.NewPCG(8, 9))
	x := make([]float32, n)
	for i := range x {
		x[i] = float32(rng.NormFloat64())
	}
	words := dropoutMaskWords(n)
	wantOut, wantMask := make([]float32, n), make([]uint32, words)
	dropoutForwardRange(wantOut, wantMask, x, 0, n, p, seed, step, site)

	check := func(name string, out []float32, mask []uint32) {
		t.Helper()
		if !equalMasks(mask, wantMask) {
			t.Errorf("%s: mask differs from the whole-range mask", name)
		}
		for i := range n {
			if out[i] != wantOut[i] {
				t.Errorf("%s: out[%d] = %g, want %g", name, i, out[i], wantOut[i])
				return
			}
		}
	}

	out, mask := make([]float32, n), make([]uint32, words)
	for lo, size := 0, 32; lo < n; lo, size = lo+size, size*3+32 {
		dropoutForwardRange(out, mask, x, lo, min(lo+size, n), p, seed, step, site)
	}
	check("uneven chunks", out, mask)

	for _, nt := range []int{1, 2, 3, 7, 16, 5000} {
		out, mask := make([]float32, n), make([]uint32, words)
		dropoutSplit(n, nt, func(lo, hi int) {
			if lo%32 != 0 {
				t.Errorf("nt=%d: range starts at %d, not on a mask word", nt, lo)
			}
			dropoutForwardRange(out, mask, x, lo, hi, p, seed, step, site)
		})
		check("goroutines", out, mask)
	}

	out, mask = make([]float32, n), make([]uint32, words)
	dropoutForward(out, mask, x, n, p, seed, step, site)
	check("dropoutForward", out, mask)
}

func TestDropoutSplitCovers(t *testing.T) {
	for _, n := range []int{0, 1, 31, 32, 33, 1000, 65537} {
		for _, nt := range []int{1, 2, 3, 8, 100} {
			hits := make([]int, n)
			dropoutSplit(n, nt, func(lo, hi int) {
				// Ranges run concurrently; a range that overlaps another is
				// a data race (go test -race) and a count of 2 here.
				for i := lo; i < hi; i++ {
					hits[i]++
				}
			})
			for i, h := range hits {
				if h != 1 {
					t.Fatalf("n=%d nt=%d: index %d covered %d times", n, nt, i, h)
				}
			}
		}
	}
}

func BenchmarkDropoutForward(b *testing.B) {
	const n = 1 << 22
	x, out := make([]float32, n), make([]float32, n)
	mask := make([]uint32, dropoutMaskWords(n))
	b.SetBytes(n * 4)
	for i := 0; b.Loop(); i++ {
		dropoutForward(out, mask, x, n, 0.1, 1, uint64(i), dropoutEmbeddings)
	}
}

func BenchmarkDropoutBackward(b *testing.B) {
	const n = 1 << 22
	dout, dx := make([]float32, n), make([]float32, n)
	mask := make([]uint32, dropoutMaskWords(n))
	b.SetBytes(n * 4)
	for b.Loop() {
		dropoutBackward(dx, dout, mask, n, 0.1)
	}
}
