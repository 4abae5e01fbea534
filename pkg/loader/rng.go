package loader

import "math/bits"

// Domains keep the random decisions of the loader apart: the same (Seed,
// epoch, index) feeds each of them, prefixed by its domain, so no two
// decisions share a stream.
const (
	domainFiles uint64 = iota + 1 // the order of a bin's shard files in an epoch
	domainRows                    // the order of a file's rows in an epoch
	domainBins                    // the interleaving of the bins' batches in an epoch
	domainMask                    // the dynamic mask of one instance in an epoch
)

// counterRNG is SplitMix64 (Steele, Lea and Flood, "Fast splittable
// pseudorandom number generators", OOPSLA 2014) started from a hash of a
// key: its stream is a pure function of the key, so every decision of the
// loader (a shuffle, one instance's mask) is recomputed from its
// coordinates instead of from the draws made before it. That is what makes
// a resumed run, another data-parallel world size or another prefetch depth
// see the same data. Seeding costs a few multiplications, so a fresh
// stream per instance is cheap (CPython's Mersenne Twister would need 624
// words of state per seed).
//
// It implements instances.RNG. It is not safe for concurrent use.
type counterRNG struct{ state uint64 }

// golden is 2^64 divided by the golden ratio, SplitMix64's increment.
const golden = 0x9e3779b97f4a7c15

// mix64 is SplitMix64's output function (a bijection of uint64).
func mix64(z uint64) uint64 {
	z = (z ^ z>>30) * 0xbf58476d1ce4e5b9
	z = (z ^ z>>27) * 0x94d049bb133111eb
	return z ^ z>>31
}

// reset starts the stream of key. Keys of different lengths or values give
// unrelated streams.
func (r *counterRNG) reset(key ...uint64) {
	h := uint64(0x243f6a8885a308d3) // digits of π: any constant other than 0 works
	for _, k := range key {
		h = mix64(h^k) + golden
	}
	r.state = mix64(h ^ uint64(len(key)))
}

// next returns the next 64 random bits.
func (r *counterRNG) next() uint64 {
	r.state += golden
	return mix64(r.state)
}

// Random returns a float64 in [0, 1) with 53 random bits, as Python's
// random.random.
func (r *counterRNG) Random() float64 { return float64(r.next()>>11) * 0x1p-53 }

// below returns a uniform integer in [0, n), n > 0, by Lemire's
// multiply-and-reject method ("Fast random integer generation in an
// interval", 2019), without modulo bias.
func (r *counterRNG) below(n uint64) uint64 {
	hi, lo := bits.Mul64(r.next(), n)
	if lo < n {
		for t := -n % n; lo < t; {
			hi, lo = bits.Mul64(r.next(), n)
		}
	}
	return hi
}

// RandInt returns a uniform integer in [a, b], both included, as Python's
// random.randint. It panics if b < a.
func (r *counterRNG) RandInt(a, b int) int {
	if b < a {
		panic("loader: RandInt with an empty range")
	}
	return a + int(r.below(uint64(b-a)+1))
}

// Shuffle permutes n elements by Fisher–Yates from the end, calling swap as
// Python's random.shuffle does (swap(i, j) for i from n-1 down to 1, j ≤ i).
func (r *counterRNG) Shuffle(n int, swap func(i, j int)) {
	for i := n - 1; i > 0; i-- {
		swap(i, int(r.below(uint64(i)+1)))
	}
}

// permutation returns a random permutation of [0, n) from r.
func (r *counterRNG) permutation(n int) []int32 {
	p := make([]int32, n)
	for i := range p {
		p[i] = int32(i)
	}
	r.Shuffle(n, func(i, j int) { p[i], p[j] = p[j], p[i] })
	return p
}
