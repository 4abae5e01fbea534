package shards

import "math/bits"

// Range returns the instances [lo, hi) that shard k of s holds when n
// instances, numbered in order, are cut into s contiguous shards:
//
//	lo = ⌊k·n/s⌋, hi = ⌊(k+1)·n/s⌋
//
// so every shard holds ⌊n/s⌋ or ⌊n/s⌋+1 instances and the larger ones are
// spread evenly (n = 10, s = 4 gives 2, 3, 2, 3). It returns 0, 0 for
// arguments out of range (n < 0, s < 1, k outside [0, s)).
func Range(n, s, k int) (lo, hi int) {
	if n < 0 || s < 1 || k < 0 || k >= s {
		return 0, 0
	}
	return mulDiv(k, n, s), mulDiv(k+1, n, s)
}

// Assign returns the shard k of s whose Range holds instance i of n:
//
//	k = ⌊((i+1)·s − 1) / n⌋
//
// so a stream whose total is known up front can be cut without buffering.
// It returns -1 for arguments out of range (i outside [0, n), s < 1).
func Assign(n, s, i int) int {
	if s < 1 || i < 0 || i >= n {
		return -1
	}
	hi, lo := bits.Mul64(uint64(i+1), uint64(s))
	lo, borrow := bits.Sub64(lo, 1, 0)
	q, _ := bits.Div64(hi-borrow, lo, uint64(n))
	return int(q)
}

// mulDiv returns ⌊a·b/c⌋ for non-negative a, b and positive c, without
// overflow: the callers' quotients are at most n or s, so the high word of
// a·b is below c as bits.Div64 requires.
func mulDiv(a, b, c int) int {
	hi, lo := bits.Mul64(uint64(a), uint64(b))
	q, _ := bits.Div64(hi, lo, uint64(c))
	return int(q)
}
