package bert

import "math"

// softmaxForward turns each of the n rows of x [n, c] into probabilities
// [n, c], subtracting the row maximum first so that exp cannot overflow.
// probs may alias x (the attention kernel softmaxes its scores in place).
// The probabilities are the cache of softmaxBackward; probs is overwritten.
func softmaxForward(probs, x []float32, n, c int) {
	for i := range n {
		softmaxRow(probs[i*c:(i+1)*c], x[i*c:(i+1)*c], nil)
	}
}

// softmaxRow sets p = softmax(x + bias) for one row; a nil bias adds
// nothing (the attention kernel passes its mask as the bias of padding
// keys). p may alias x. The exponentials are float32 (exp64, within 1 ulp),
// their sum float64, and each is scaled by the float32 reciprocal of the
// sum: a relative error of a few float32 ulps per probability.
func softmaxRow(p, x, bias []float32) {
	p = p[:len(x)]
	maxv := float32(math.Inf(-1))
	if bias != nil {
		bias = bias[:len(x)]
		for j, v := range x {
			v += bias[j]
			p[j] = v
			if v > maxv {
				maxv = v
			}
		}
	} else {
		for j, v := range x {
			p[j] = v
			if v > maxv {
				maxv = v
			}
		}
	}
	var sum float64
	for j, v := range p {
		e := float32(exp64(float64(v - maxv)))
		p[j] = e
		sum += float64(e)
	}
	inv := float32(1 / sum)
	for j := range p {
		p[j] *= inv
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
