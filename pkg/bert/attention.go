package bert

import (
	"math"

	"github.com/bertline/bertline/pkg/gemm"
)

// maskedScore is the additive bias of a padding key, as in BERT's extended
// attention mask: (1 - mask) · -10000.
const maskedScore = -10000

// attentionForward is the core of multi-head self-attention on queries,
// keys and values already projected, each [B, T, C], where head h owns the
// columns h·HS .. (h+1)·HS of every row:
//
//	scores = q·kᵀ/√HS + (1 - mask)·-10000   [B, NH, T, T]
//	probs  = softmax over keys (the last axis)
//	out    = dropout(probs)·v, heads side by side   [B, T, C]
//
// mask [B, T] holds 1 for a real token and 0 for padding; a nil mask
// attends to every key. keep, when not nil, is the dropout mask of probs
// ([B, NH, T, T] bits, bit i of the flat index, drawn by dropoutDraw with
// probability pdrop): the product uses probs·scale where kept and 0 where
// dropped, as HuggingFace's BertSelfAttention in training mode. It caches
// probs [B, NH, T, T], before dropout, for attentionBackward, which
// recomputes the dropped ones from probs and keep: the mask costs a 32nd
// of the probabilities' memory. out and probs are overwritten. Each
// (sequence, head) pair is two GEMMs on strided views of q, k and v with
// the masked softmax between them, and the pairs are spread over
// goroutines, each running its GEMMs on itself (128×128×64 products are
// too small to split further): each writes its own block of probs and out.
func attentionForward(out, probs, q, k, v []float32, mask []int32, keep []uint32, pdrop float32, b, t, c, nh int) {
	hs := c / nh
	scale := float32(1 / math.Sqrt(float64(hs)))
	bias := maskBias(mask, b, t)
	parallelFor(b*nh, 1, func(lo, hi int) {
		var dropped []float32 // the probabilities after dropout, of one pair
		if keep != nil {
			dropped = make([]float32, t*t)
		}
		for u := lo; u < hi; u++ {
			bi, h := u/nh, u%nh
			off := bi*t*c + h*hs // row 0 of this head in q, k, v, out
			p := probs[u*t*t:][:t*t]
			gemm.SgemmSerial(false, true, t, t, hs, scale, q[off:], c, k[off:], c, 0, p, t)
			var rowBias []float32
			if bias != nil {
				rowBias = bias[bi*t:][:t]
			}
			for i := range t {
				row := p[i*t:][:t]
				softmaxRow(row, row, rowBias)
			}
			pv := p
			if keep != nil {
				dropoutApply(dropped, p, keep, u*t*t, pdrop)
				pv = dropped
			}
			gemm.SgemmSerial(false, false, t, hs, t, 1, pv, t, v[off:], c, 0, out[off:], c)
		}
	})
}

// maskBias returns the additive score bias of each key, [B, T]: 0 for a
// real token and maskedScore for padding; nil when mask is nil.
func maskBias(mask []int32, b, t int) []float32 {
	if mask == nil {
		return nil
	}
	bias := make([]float32, b*t)
	for i, real := range mask[:b*t] {
		if real == 0 {
			bias[i] = maskedScore
		}
	}
	return bias
}

// attentionBackward takes dout [B, T, C] back through attentionForward,
// using the probs [B, NH, T, T] it cached and its dropout mask keep (nil
// when it had none, as in attentionForward); with d = dropout(probs):
//
//	dv = dᵀ·dout,  dprobs = dropout(dout·vᵀ),
//	dscores = softmax'(probs)·dprobs,
//	dq = dscores·k/√HS,  dk = dscoresᵀ·q/√HS
//
// The mask is a constant, so it needs no gradient. dq, dk and dv [B, T, C]
// are activation gradients and are overwritten, each (sequence, head)
// block by the one goroutine that owns it.
func attentionBackward(dq, dk, dv, dout, q, k, v, probs []float32, keep []uint32, pdrop float32, b, t, c, nh int) {
	hs := c / nh
	scale := float32(1 / math.Sqrt(float64(hs)))
	parallelFor(b*nh, 1, func(lo, hi int) {
		ds := make([]float32, t*t) // dprobs, then dscores, of one pair
		var dropped []float32
		if keep != nil {
			dropped = make([]float32, t*t)
		}
		for u := lo; u < hi; u++ {
			bi, h := u/nh, u%nh
			off := bi*t*c + h*hs
			p := probs[u*t*t:][:t*t]
			gemm.SgemmSerial(false, true, t, t, hs, 1, dout[off:], c, v[off:], c, 0, ds, t)
			pv := p
			if keep != nil {
				dropoutApply(dropped, p, keep, u*t*t, pdrop)
				dropoutApply(ds, ds, keep, u*t*t, pdrop)
				pv = dropped
			}
			gemm.SgemmSerial(true, false, t, hs, t, 1, pv, t, dout[off:], c, 0, dv[off:], c)
			softmaxBackward(ds, ds, p, t, t)
			gemm.SgemmSerial(false, false, t, hs, t, scale, ds, t, k[off:], c, 0, dq[off:], c)
			gemm.SgemmSerial(true, false, t, hs, t, scale, ds, t, q[off:], c, 0, dk[off:], c)
		}
	})
}
