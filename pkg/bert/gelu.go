package bert

import "math"

// geluForward applies BERT's activation, the exact (erf) form of GELU, to
// the n values of x:
//
//	out = x · Φ(x) = 0.5 · x · (1 + erf(x/√2))
//
// It caches nothing: geluBackward recomputes Φ from x. out is overwritten.
func geluForward(out, x []float32, n int) {
	for i, v := range x[:n] {
		xv := float64(v)
		out[i] = float32(0.5 * xv * (1 + math.Erf(xv/math.Sqrt2)))
	}
}

// geluBackward takes dout [n] back through geluForward:
//
//	dx = dout · (Φ(x) + x · φ(x)),  φ(x) = exp(-x²/2)/√(2π)
//
// dx is overwritten (an activation gradient).
func geluBackward(dx, dout, x []float32, n int) {
	invSqrt2Pi := 1 / math.Sqrt(2*math.Pi)
	for i, v := range x[:n] {
		xv := float64(v)
		cdf := 0.5 * (1 + math.Erf(xv/math.Sqrt2))
		pdf := invSqrt2Pi * math.Exp(-0.5*xv*xv)
		dx[i] = float32(float64(dout[i]) * (cdf + xv*pdf))
	}
}
