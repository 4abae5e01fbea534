package bert

import (
	"math"
	"math/bits"
	"sync"

	"github.com/bertline/bertline/pkg/gemm"
)

// Dropout, as BERT applies it during pretraining: hidden_dropout_prob
// after the embedding LayerNorm, after each attention output dense and
// each FFN output dense, and attention_probs_dropout_prob on the attention
// probabilities. It is inverted dropout: kept values are scaled by
// 1/(1−p), so evaluation needs no rescaling.
//
// Masks are not drawn from a stream but computed: element i of the tensor
// at site s in training step t under seed k is kept when
//
//	u = philoxUniform(philox4x32(ctr, key)[i%4]) ≥ p
//	ctr = (i/4, s, t mod 2³², t >> 32)    key = (k mod 2³², k >> 32)
//
// so four consecutive elements share one Philox call, a mask depends on
// nothing but (seed, step, site, i), and a CUDA kernel reproduces it bit
// for bit. The counter's first word limits a tensor to 2³⁴ elements.

// dropoutSite names one dropout location of the model; it is the second
// counter word. Its low two bits are the kind and the rest the layer:
//
//	embeddings                0
//	attention probs, layer l  4l + 1
//	attention output, layer l 4l + 2
//	FFN output, layer l       4l + 3
//	classifier input          4 (the pooled output; no layer uses kind 0 beyond the embeddings)
type dropoutSite uint32

const (
	// dropoutEmbeddings is the dropout after the embedding LayerNorm.
	dropoutEmbeddings dropoutSite = 0
	// dropoutClassifier is the dropout on the pooled output, the input of
	// a SequenceClassification head's classifier.
	dropoutClassifier dropoutSite = 4
)

// dropoutAttnProbs is the dropout on the attention probabilities of layer l.
func dropoutAttnProbs(l int) dropoutSite { return dropoutSite(l)<<2 | 1 }

// dropoutAttnOut is the dropout after the attention output dense of layer l.
func dropoutAttnOut(l int) dropoutSite { return dropoutSite(l)<<2 | 2 }

// dropoutFFNOut is the dropout after the FFN output dense of layer l.
func dropoutFFNOut(l int) dropoutSite { return dropoutSite(l)<<2 | 3 }

// dropoutMaskWords is the length of the mask of n elements: one bit per
// element, bit i%32 of word i/32 (the layout of a CUDA warp's
// __ballot_sync when lane j holds element 32w+j).
func dropoutMaskWords(n int) int { return (n + 31) / 32 }

// dropoutGrain is the number of elements under which a dropout stays on
// the calling goroutine.
const dropoutGrain = 1 << 15

// dropoutForward applies dropout with probability p to the n values of x:
//
//	out[i] = x[i] · scale  if element i is kept (see above), else x[i] · 0
//	scale  = 1/(1−p), computed in float32
//
// (a product, as in PyTorch, so a dropped NaN or ±Inf gives NaN),
// and caches which elements were kept in mask [dropoutMaskWords(n)] for
// dropoutBackward. out is overwritten and may be x. p ≤ 0 copies x to out
// and leaves mask untouched (it may be nil); p ≥ 1 drops everything. The
// work is split across goroutines in whole mask words; the result does not
// depend on the split.
func dropoutForward(out []float32, mask []uint32, x []float32, n int, p float32, seed, step uint64, site dropoutSite) {
	if p <= 0 {
		copy(out[:n], x[:n])
		return
	}
	_, _, _ = out[:n], x[:n], mask[:dropoutMaskWords(n)]
	dropoutSplit(n, dropoutThreads(n), func(lo, hi int) {
		dropoutForwardRange(out, mask, x, lo, hi, p, seed, step, site)
	})
}

// dropoutForwardRange is dropoutForward on elements [lo, hi); lo must be a
// multiple of 32 and hi a multiple of 32 or the tensor's end, so that the
// range owns the mask words it writes.
func dropoutForwardRange(out []float32, mask []uint32, x []float32, lo, hi int, p float32, seed, step uint64, site dropoutSite) {
	dropoutDrawRange(mask, lo, hi, p, seed, step, site)
	dropoutApply(out[lo:hi], x[lo:hi], mask, lo, p)
}

// dropoutApply sets out[i] = x[i]·factor, the factor 0 or 1/(1−p) of bit
// first+i of mask, for the len(x) elements of a block that starts at flat
// index first of its tensor: dropoutForward with a mask already drawn, or
// dropoutBackward. out may be x.
func dropoutApply(out, x []float32, mask []uint32, first int, p float32) {
	factor := dropoutFactors(p)
	out = out[:len(x)]
	for i, xi := range x {
		g := first + i
		out[i] = xi * factor[mask[g>>5]>>(g&31)&1]
	}
}

// dropoutDraw fills mask [dropoutMaskWords(n)] with the keep bits of n
// elements, as dropoutForward does, without touching any data: the
// attention kernel draws the mask of all its probabilities at once and
// applies it block by block. p must be positive.
func dropoutDraw(mask []uint32, n int, p float32, seed, step uint64, site dropoutSite) {
	_ = mask[:dropoutMaskWords(n)]
	dropoutSplit(n, dropoutThreads(n), func(lo, hi int) {
		dropoutDrawRange(mask, lo, hi, p, seed, step, site)
	})
}

// dropoutDrawRange is dropoutDraw on elements [lo, hi), with lo and hi as
// in dropoutForwardRange.
func dropoutDrawRange(mask []uint32, lo, hi int, p float32, seed, step uint64, site dropoutSite) {
	s := newDropoutStream(p, seed, step, site)
	for w := lo; w < hi; w += 32 {
		c := uint32(w / 4)
		word := s.keep8(c) | s.keep8(c+2)<<8 | s.keep8(c+4)<<16 | s.keep8(c+6)<<24
		if n := hi - w; n < 32 {
			word &= 1<<n - 1
		}
		mask[w/32] = word
	}
}

// dropoutStream draws the keep bits of one tensor: one seed, step and
// site. Only the first counter word changes from one Philox call to the
// next, so the round keys, and the halves of rounds 1 and 2 that do not
// depend on that word, are computed once: round 1 multiplies counter word
// 2 (the step), a constant, and round 2 multiplies word 0 of round 1's
// result, which the first counter word does not reach. That leaves 18 of
// Philox's 20 multiplications per call, with the outputs of philox4x32.
type dropoutStream struct {
	k0, k1 [philoxRounds]uint32 // the key of each round
	c3k1   uint32               // counter word 3 ⊕ round 1's key word 1
	x1k    uint32               // word 1 after round 1 ⊕ round 2's key word 0
	h, l   uint32               // round 2's product of the constant word 0: high half ⊕ its key word 1, low half
	thr    uint32               // dropoutThreshold − 1: an element is kept when its 24 bits exceed it
}

func newDropoutStream(p float32, seed, step uint64, site dropoutSite) *dropoutStream {
	s := &dropoutStream{thr: dropoutThreshold(p) - 1}
	k0, k1 := uint32(seed), uint32(seed>>32)
	for r := range philoxRounds {
		s.k0[r], s.k1[r] = k0, k1
		k0 += philoxW0
		k1 += philoxW1
	}
	hi1, lo1 := bits.Mul32(philoxM1, uint32(step))
	x0 := hi1 ^ uint32(site) ^ s.k0[0]
	s.c3k1 = uint32(step>>32) ^ s.k1[0]
	s.x1k = lo1 ^ s.k0[1]
	hi0, lo0 := bits.Mul32(philoxM0, x0)
	s.h, s.l = hi0^s.k1[1], lo0
	return s
}

// keep8 returns the keep bits of the 8 elements of counters c and c+1
// (elements 4c .. 4c+7), element 4c in bit 0. The two counters run
// interleaved so that the CPU overlaps their multiplications, and each
// test r>>8 ≥ threshold is the sign of thr − r>>8, without a branch.
func (s *dropoutStream) keep8(c uint32) uint32 {
	// Rounds 1 and 2, with the constant halves from newDropoutStream.
	ahi, alo := bits.Mul32(philoxM0, c)
	bhi, blo := bits.Mul32(philoxM0, c+1)
	ahi1, alo1 := bits.Mul32(philoxM1, ahi^s.c3k1)
	bhi1, blo1 := bits.Mul32(philoxM1, bhi^s.c3k1)
	a0, a1, a2, a3 := ahi1^s.x1k, alo1, s.h^alo, s.l
	b0, b1, b2, b3 := bhi1^s.x1k, blo1, s.h^blo, s.l
	for r := 2; r < philoxRounds; r++ {
		k0, k1 := s.k0[r], s.k1[r]
		ahi0, alo0 := bits.Mul32(philoxM0, a0)
		ahi1, alo1 := bits.Mul32(philoxM1, a2)
		bhi0, blo0 := bits.Mul32(philoxM0, b0)
		bhi1, blo1 := bits.Mul32(philoxM1, b2)
		a0, a1, a2, a3 = ahi1^a1^k0, alo1, ahi0^a3^k1, alo0
		b0, b1, b2, b3 = bhi1^b1^k0, blo1, bhi0^b3^k1, blo0
	}
	t := s.thr
	return (t-a0>>8)>>31 | (t-a1>>8)>>31<<1 | (t-a2>>8)>>31<<2 | (t-a3>>8)>>31<<3 |
		(t-b0>>8)>>31<<4 | (t-b1>>8)>>31<<5 | (t-b2>>8)>>31<<6 | (t-b3>>8)>>31<<7
}

// dropoutFactors are the multipliers of a dropped and a kept element,
// indexed by the mask bit: 0 and scale = 1/(1−p), computed in float32 as
// PyTorch computes it.
func dropoutFactors(p float32) [2]float32 { return [2]float32{0, 1 / (1 - p)} }

// dropoutThreshold returns the smallest 24-bit value k with k·2⁻²⁴ ≥ p,
// so that the integer test x>>8 ≥ k is the float test
// philoxUniform(x) ≥ p. p·2²⁴ is exact in float64 for every float32 p.
func dropoutThreshold(p float32) uint32 {
	return uint32(min(math.Ceil(float64(p)*(1<<24)), 1<<24))
}

// dropoutBackward takes dout [n] back through dropoutForward with the
// mask it cached:
//
//	dx[i] = dout[i] · scale  if element i was kept, else dout[i] · 0
//
// The forward is linear given the mask, so this is its exact derivative.
// dx is overwritten (an activation gradient) and may be dout. p ≤ 0
// copies dout to dx without reading mask.
func dropoutBackward(dx, dout []float32, mask []uint32, n int, p float32) {
	if p <= 0 {
		copy(dx[:n], dout[:n])
		return
	}
	_, _, _ = dx[:n], dout[:n], mask[:dropoutMaskWords(n)]
	dropoutSplit(n, dropoutThreads(n), func(lo, hi int) {
		dropoutApply(dx[lo:hi], dout[lo:hi], mask, lo, p)
	})
}

// dropoutThreads is the number of goroutines a dropout of n elements uses:
// gemm.Threads(), but at least dropoutGrain elements each.
func dropoutThreads(n int) int {
	return max(1, min(gemm.Threads(), n/dropoutGrain))
}

// dropoutSplit calls f on nt ranges [lo, hi) that cover [0, n), each
// starting on a mask word, concurrently, and returns when all are done.
func dropoutSplit(n, nt int, f func(lo, hi int)) {
	words := dropoutMaskWords(n)
	nt = max(1, min(nt, words))
	per := (words + nt - 1) / nt * 32
	var wg sync.WaitGroup
	for lo := per; lo < n; lo += per {
		wg.Go(func() { f(lo, min(lo+per, n)) })
	}
	f(0, min(per, n))
	wg.Wait()
}
