package bert

// geluForward applies BERT's activation, the exact (erf) form of GELU, to
// the n values of x:
//
//	out = x · Φ(x) = 0.5 · x · (1 + erf(x/√2))
//
// with Φ from phiTable (within 2e-9). It caches nothing: geluBackward
// needs only x. out is overwritten. The MLM head uses these kernels; the
// encoder's feed-forward blocks apply GELU and its slope in the epilogues
// of their GEMMs (gemm.SgemmGELU, gemm.SgemmGELUGrad), to the same
// function within float32 rounding.
func geluForward(out, x []float32, n int) {
	parallelFor(n, geluGrain, func(lo, hi int) {
		o := out[lo:hi]
		for i, v := range x[lo:hi] {
			xv := float64(v)
			o[i] = float32(xv * phiTable.at(xv))
		}
	})
}

// geluGrain is the fewest values a goroutine of the GELU kernels takes.
const geluGrain = 1 << 14

// geluBackward takes dout [n] back through geluForward, given its input x:
//
//	dx = dout · (Φ(x) + x · φ(x)),  φ(x) = exp(-x²/2)/√(2π)
//
// with the slope from geluSlopeTable (within 1e-8). dx is overwritten (an
// activation gradient); it may alias dout.
func geluBackward(dx, dout, x []float32, n int) {
	parallelFor(n, geluGrain, func(lo, hi int) {
		d, g := dx[lo:hi], dout[lo:hi]
		for i, v := range x[lo:hi] {
			d[i] = float32(float64(g[i]) * geluSlopeTable.at(float64(v)))
		}
	})
}
