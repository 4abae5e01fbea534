package bert

import "math"

// ignoreIndex marks a row without a target (PyTorch's ignore_index).
const ignoreIndex = -1

// crossEntropy is the fused softmax and cross-entropy of the masked-LM and
// next-sentence heads. logits are [P, vp]: each row has v real classes
// followed by vp - v padding columns (V padded to a multiple of 8), which
// take no part in the softmax. targets [P] holds a class id per row, or
// ignoreIndex (-1) for a row that does not count. It returns the mean loss
// over the n counted rows,
//
//	loss = (1/n) Σ_rows -log softmax(logits[row, :v])[target]
//
// and, when dlogits [P, vp] is not nil, overwrites it with the gradient of
// that loss, (softmax - onehot(target))/n on counted rows and zero on
// ignored rows and padding columns. n equals P when nothing is ignored. A
// batch with no counted row has loss 0 and zero gradient. It caches
// nothing: the gradient is written in the same pass. Targets must be in
// [-1, v).
func crossEntropy(dlogits, logits []float32, targets []int32, p, v, vp int) float32 {
	n := 0
	for _, tg := range targets[:p] {
		if tg != ignoreIndex {
			n++
		}
	}
	if dlogits != nil {
		clear(dlogits[:p*vp])
	}
	if n == 0 {
		return 0
	}
	rowLoss := make([]float64, p)
	parallelFor(p, 4, func(lo, hi int) {
		for i := lo; i < hi; i++ {
			rowLoss[i] = crossEntropyRow(dlogits, logits, targets, i, v, vp, n)
		}
	})
	var loss float64
	for _, l := range rowLoss {
		loss += l
	}
	return float32(loss / float64(n))
}

// crossEntropyRow returns the loss of row i and, when dlogits is not nil,
// writes its gradient; the exponentials are kept in the gradient row
// between the sum and the division.
func crossEntropyRow(dlogits, logits []float32, targets []int32, i, v, vp, n int) float64 {
	tg := targets[i]
	if tg == ignoreIndex {
		return 0
	}
	row := logits[i*vp:][:v]
	maxv := float32(math.Inf(-1))
	for _, x := range row {
		maxv = max(maxv, x)
	}
	var sum float64
	if dlogits == nil {
		for _, x := range row {
			sum += math.Exp(float64(x - maxv))
		}
	} else {
		d := dlogits[i*vp:][:v]
		for j, x := range row {
			e := math.Exp(float64(x - maxv))
			d[j] = float32(e)
			sum += e
		}
		inv := 1 / (sum * float64(n))
		for j := range d {
			d[j] = float32(float64(d[j]) * inv)
		}
		d[tg] -= float32(1 / float64(n))
	}
	// -log p[tg] = log Σ exp(x - max) - (x[tg] - max), without forming p.
	return math.Log(sum) - float64(row[tg]-maxv)
}
