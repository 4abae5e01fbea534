package bert

import "math"

// ignoreIndex marks a row without a target (PyTorch's ignore_index).
const ignoreIndex = -1

// crossEntropy is the fused softmax and cross-entropy of the masked-LM and
// next-sentence heads. logits are [P, vp]: each row has v real classes
// followed by vp - v padding columns (V padded to a multiple of 8), which
// take no part in the softmax. targets [P] holds a class id per row, or
// ignoreIndex (-1) for a row that does not count. It returns the number
// count of rows that count, their mean loss
//
//	loss = (1/count) Σ_rows -log softmax(logits[row, :v])[target]
//
// and how many of them have their target as the arg-max (the first
// maximum of the row's v classes). When dlogits [P, vp] is not nil it is
// overwritten with the gradient of that loss, (softmax -
// onehot(target))/count on counted rows and zero on ignored rows and
// padding columns. A batch with no counted row has loss 0 and zero
// gradient. It caches nothing: the gradient is written in the same pass.
// Targets must be in [-1, v). Rows are spread over goroutines; each row's
// sums run in a fixed order.
func crossEntropy(dlogits, logits []float32, targets []int32, p, v, vp int) (loss float32, correct, count int) {
	for _, tg := range targets[:p] {
		if tg != ignoreIndex {
			count++
		}
	}
	if dlogits != nil {
		_ = dlogits[:p*vp]
	}
	rowLoss := make([]float64, p)
	hits := make([]bool, p)
	parallelFor(p, 4, func(lo, hi int) {
		for i := lo; i < hi; i++ {
			rowLoss[i], hits[i] = crossEntropyRow(dlogits, logits, targets, i, v, vp, count)
		}
	})
	if count == 0 {
		return 0, 0, 0
	}
	var sum float64
	for i, l := range rowLoss {
		sum += l
		if hits[i] {
			correct++
		}
	}
	return float32(sum / float64(count)), correct, count
}

// crossEntropyRow returns the loss of row i and whether its arg-max is the
// target and, when dlogits is not nil, writes its gradient (zero for an
// ignored row); the exponentials (float32 within 1 ulp) are kept in the
// gradient row between their float64 sum and the scaling by its float32
// reciprocal.
func crossEntropyRow(dlogits, logits []float32, targets []int32, i, v, vp, n int) (float64, bool) {
	tg := targets[i]
	if tg == ignoreIndex {
		if dlogits != nil {
			clear(dlogits[i*vp:][:vp])
		}
		return 0, false
	}
	row := logits[i*vp:][:v]
	maxv, best := float32(math.Inf(-1)), 0
	for j, x := range row {
		if x > maxv {
			maxv, best = x, j
		}
	}
	var sum float64
	if dlogits == nil {
		for _, x := range row {
			sum += float64(float32(exp64(float64(x - maxv))))
		}
	} else {
		d := dlogits[i*vp:][:vp]
		for j, x := range row {
			e := float32(exp64(float64(x - maxv)))
			d[j] = e
			sum += float64(e)
		}
		inv := float32(1 / (sum * float64(n)))
		for j := range d[:v] {
			d[j] *= inv
		}
		d[tg] -= float32(1 / float64(n))
		clear(d[v:])
	}
	// -log p[tg] = log Σ exp(x - max) - (x[tg] - max), without forming p.
	return math.Log(sum) - float64(row[tg]-maxv), best == int(tg)
}
