package bert

import "math"

// softmaxForward turns each of the n rows of x [n, c] into probabilities
// [n, c], subtracting the row maximum first so that exp cannot overflow.
// probs may alias x (the attention kernel softmaxes its scores in place).
// The probabilities are the cache of softmaxBackward; probs is overwritten.
func softmaxForward(probs, x []float32, n, c int) {
	for i := range n {
		row, p := x[i*c:(i+1)*c], probs[i*c:(i+1)*c]
		maxv := float32(math.Inf(-1))
		for _, v := range row {
			maxv = max(maxv, v)
		}
		var sum float64
		for j, v := range row {
			e := math.Exp(float64(v - maxv))
			p[j] = float32(e)
			sum += e
		}
		for j := range p {
			p[j] = float32(float64(p[j]) / sum)
		}
	}
}

// softmaxBackward takes dprobs [n, c] back through softmaxForward, given
// the probabilities it produced:
//
//	dx[i, j] = probs[i, j] · (dprobs[i, j] - Σ_k probs[i, k] · dprobs[i, k])
//
// dx is overwritten (an activation gradient); it may alias dprobs.
func softmaxBackward(dx, dprobs, probs []float32, n, c int) {
	for i := range n {
		p, dp, d := probs[i*c:(i+1)*c], dprobs[i*c:(i+1)*c], dx[i*c:(i+1)*c]
		var dot float64
		for j := range p {
			dot += float64(p[j]) * float64(dp[j])
		}
		for j := range p {
			d[j] = float32(float64(p[j]) * (float64(dp[j]) - dot))
		}
	}
}
