package bert

import "math"

// geluForward applies BERT's activation, the exact (erf) form of GELU, to
// the n values of x:
//
//	out = x · Φ(x) = 0.5 · x · (1 + erf(x/√2))
//
// It caches nothing beyond out, from which geluBackward recovers Φ. out is overwritten.
func geluForward(out, x []float32, n int) {
	parallelFor(n, geluGrain, func(lo, hi int) {
		for i, v := range x[lo:hi] {
			xv := float64(v)
			out[lo+i] = float32(0.5 * xv * (1 + math.Erf(xv/math.Sqrt2)))
		}
	})
}

// geluGrain is the fewest values a goroutine of the GELU kernels takes.
const geluGrain = 1 << 14

// geluBackward takes dout [n] back through geluForward, given its input x
// and its output out:
//
//	dx = dout · (Φ(x) + x · φ(x)),  φ(x) = exp(-x²/2)/√(2π)
//
// Φ(x) is read back from the cached output as out/x (0.5 at x = 0), which
// float32 keeps to a relative 1e-7 and spares an erf per value. dx is
// overwritten (an activation gradient); it may alias dout.
func geluBackward(dx, dout, x, out []float32, n int) {
	invSqrt2Pi := 1 / math.Sqrt(2*math.Pi)
	parallelFor(n, geluGrain, func(lo, hi int) {
		for i := lo; i < hi; i++ {
			xv := float64(x[i])
			cdf := 0.5
			if xv != 0 {
				cdf = float64(out[i]) / xv
			}
			pdf := invSqrt2Pi * math.Exp(-0.5*xv*xv)
			dx[i] = float32(float64(dout[i]) * (cdf + xv*pdf))
		}
	})
}
