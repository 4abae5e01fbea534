package bert

import (
	"math"
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
type dropoutSite uint32

// dropoutEmbeddings is the dropout after the embedding LayerNorm.
const dropoutEmbeddings dropoutSite = 0

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
	keep := dropoutThreshold(p)
	factor := [2]float32{0, 1 / (1 - p)}
	key := [2]uint32{uint32(seed), uint32(seed >> 32)}
	ctr := [4]uint32{0, uint32(site), uint32(step), uint32(step >> 32)}
	for w := lo; w < hi; w += 32 {
		end := min(w+32, hi)
		var word uint32
		for g := w; g < end; g += 8 {
			a, b := ctr, ctr
			a[0], b[0] = uint32(g/4), uint32(g/4+1)
			ra, rb := philox4x32x2(a, b, key)
			r := [8]uint32{ra[0], ra[1], ra[2], ra[3], rb[0], rb[1], rb[2], rb[3]}
			for j := range min(8, end-g) {
				i := g + j
				k := 0
				if r[j]>>8 >= keep {
					k = 1
				}
				word |= uint32(k) << (i & 31)
				out[i] = x[i] * factor[k]
			}
		}
		mask[w/32] = word
	}
}

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
	factor := [2]float32{0, 1 / (1 - p)}
	dropoutSplit(n, dropoutThreads(n), func(lo, hi int) {
		for i := lo; i < hi; i++ {
			dx[i] = dout[i] * factor[mask[i>>5]>>(i&31)&1]
		}
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
