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
	var loss float64
	for i := range p {
		tg := targets[i]
		if tg == ignoreIndex {
			continue
		}
		row := logits[i*vp:][:v]
		maxv := float32(math.Inf(-1))
		for _, x := range row {
			maxv = max(maxv, x)
		}
		var sum float64
		for _, x := range row {
			sum += math.Exp(float64(x - maxv))
		}
		// -log p[tg] = log Σ exp(x - max) - (x[tg] - max), without forming p.
		loss += math.Log(sum) - float64(row[tg]-maxv)
		if dlogits == nil {
			continue
		}
		d := dlogits[i*vp:][:v]
		for j, x := range row {
			d[j] = float32(math.Exp(float64(x-maxv)) / sum / float64(n))
		}
		d[tg] -= float32(1 / float64(n))
	}
	return float32(loss / float64(n))
}
