package bert

import "math/bits"

// Philox4x32-10 (Salmon, Moraes, Dror and Shaw, "Parallel random numbers:
// as easy as 1, 2, 3", SC'11) is a counter-based generator: each output is
// a pure function of a 128-bit counter and a 64-bit key, so any element of
// a dropout mask can be drawn on its own, in any order, by any thread, and
// a CUDA kernel that computes the same function draws the same bits as
// this CPU code.
const (
	philoxM0 = 0xD2511F53 // multiplier of counter word 0
	philoxM1 = 0xCD9E8D57 // multiplier of counter word 2
	philoxW0 = 0x9E3779B9 // key word 0 increment: golden ratio
	philoxW1 = 0xBB67AE85 // key word 1 increment: √3 − 1
)

// philoxRounds is the number of rounds of Philox4x32-10.
const philoxRounds = 10

// philox4x32 returns the four 32-bit outputs of Philox4x32-10 for the
// 128-bit counter and 64-bit key. One round multiplies counter words 0 and
// 2 into 64-bit products and mixes their halves with words 1 and 3 and the
// key:
//
//	hi0:lo0 = M0·c0    hi1:lo1 = M1·c2
//	c = (hi1 ⊕ c1 ⊕ k0, lo1, hi0 ⊕ c3 ⊕ k1, lo0)
//
// and the key is bumped by (W0, W1) between rounds.
func philox4x32(ctr [4]uint32, key [2]uint32) [4]uint32 {
	c0, c1, c2, c3 := ctr[0], ctr[1], ctr[2], ctr[3]
	k0, k1 := key[0], key[1]
	for r := range philoxRounds {
		if r > 0 {
			k0 += philoxW0
			k1 += philoxW1
		}
		hi0, lo0 := bits.Mul32(philoxM0, c0)
		hi1, lo1 := bits.Mul32(philoxM1, c2)
		c0, c1, c2, c3 = hi1^c1^k0, lo1, hi0^c3^k1, lo0
	}
	return [4]uint32{c0, c1, c2, c3}
}

// philoxUniform maps one 32-bit output to a uniform number in [0, 1) with
// 24 random bits:
//
//	u = (x >> 8) · 2⁻²⁴
//
// Every such u is exact in float32, so a comparison u ≥ p with a float32 p
// gives the same answer on any IEEE-754 machine (in CUDA:
// (x >> 8) * 0x1p-24f).
func philoxUniform(x uint32) float32 {
	return float32(x>>8) * 0x1p-24
}
