package bert

import "math"

// maskedScore is the additive bias of a padding key, as in BERT's extended
// attention mask: (1 - mask) · -10000.
const maskedScore = -10000

// attentionForward is the core of multi-head self-attention on queries,
// keys and values already projected, each [B, T, C], where head h owns the
// columns h·HS .. (h+1)·HS of every row:
//
//	scores = q·kᵀ/√HS + (1 - mask)·-10000   [B, NH, T, T]
//	probs  = softmax over keys (the last axis)
//	out    = probs·v, heads side by side     [B, T, C]
//
// mask [B, T] holds 1 for a real token and 0 for padding; a nil mask
// attends to every key. It caches probs [B, NH, T, T] for
// attentionBackward; out and probs are overwritten.
func attentionForward(out, probs, q, k, v []float32, mask []int32, b, t, c, nh int) {
	hs := c / nh
	scale := 1 / math.Sqrt(float64(hs))
	for bi := range b {
		for h := range nh {
			for i := range t {
				qi := q[(bi*t+i)*c+h*hs:][:hs]
				row := probs[((bi*nh+h)*t+i)*t:][:t]
				for j := range t {
					kj := k[(bi*t+j)*c+h*hs:][:hs]
					var s float64
					for d := range hs {
						s += float64(qi[d]) * float64(kj[d])
					}
					s *= scale
					if mask != nil && mask[bi*t+j] == 0 {
						s += maskedScore
					}
					row[j] = float32(s)
				}
				softmaxForward(row, row, 1, t)
				oi := out[(bi*t+i)*c+h*hs:][:hs]
				for d := range hs {
					var s float64
					for j := range t {
						s += float64(row[j]) * float64(v[(bi*t+j)*c+h*hs+d])
					}
					oi[d] = float32(s)
				}
			}
		}
	}
}

// attentionBackward takes dout [B, T, C] back through attentionForward,
// using the probs [B, NH, T, T] it cached:
//
//	dv = probsᵀ·dout,  dscores = softmax'(probs)·(dout·vᵀ),
//	dq = dscores·k/√HS,  dk = dscoresᵀ·q/√HS
//
// The mask is a constant, so it needs no gradient. dq, dk and dv [B, T, C]
// are activation gradients and are overwritten (zeroed, then summed over
// queries inside the call).
func attentionBackward(dq, dk, dv, dout, q, k, v, probs []float32, b, t, c, nh int) {
	hs := c / nh
	scale := float32(1 / math.Sqrt(float64(hs)))
	clear(dq[:b*t*c])
	clear(dk[:b*t*c])
	clear(dv[:b*t*c])
	dscores := make([]float32, t) // one row of dprobs, then of dscores
	for bi := range b {
		for h := range nh {
			for i := range t {
				row := probs[((bi*nh+h)*t+i)*t:][:t]
				doi := dout[(bi*t+i)*c+h*hs:][:hs]
				for j := range t {
					vj := v[(bi*t+j)*c+h*hs:][:hs]
					dvj := dv[(bi*t+j)*c+h*hs:][:hs]
					var s float64
					for d := range hs {
						s += float64(doi[d]) * float64(vj[d])
						dvj[d] += row[j] * doi[d]
					}
					dscores[j] = float32(s)
				}
				softmaxBackward(dscores, dscores, row, 1, t)
				qi, dqi := q[(bi*t+i)*c+h*hs:][:hs], dq[(bi*t+i)*c+h*hs:][:hs]
				for j := range t {
					g := dscores[j] * scale
					kj, dkj := k[(bi*t+j)*c+h*hs:][:hs], dk[(bi*t+j)*c+h*hs:][:hs]
					for d := range hs {
						dqi[d] += g * kj[d]
						dkj[d] += g * qi[d]
					}
				}
			}
		}
	}
}
