package bert

import "math"

// layerNormForward normalises each of the n rows of x [n, c] to zero mean
// and unit variance, then applies the affine part w, b [c]:
//
//	out[i, j] = (x[i, j] - mean[i]) · rstd[i] · w[j] + b[j]
//
// It caches mean [n] and rstd [n] = 1/√(var + eps) (the biased variance, as
// PyTorch's LayerNorm) for layerNormBackward. Sums run in float64; out,
// mean and rstd are overwritten.
func layerNormForward(out, mean, rstd, x, w, b []float32, n, c int, eps float32) {
	parallelRows(n, func(lo, hi int) { layerNormRows(out, mean, rstd, x, nil, w, b, lo, hi, c, eps) })
}

// addLayerNormForward adds the residual r [n, c] to x in place, then
// normalises x as layerNormForward does: add(x, x, r) and layerNormForward
// in one pass over each row, with the same bits.
func addLayerNormForward(out, mean, rstd, x, r, w, b []float32, n, c int, eps float32) {
	parallelRows(n, func(lo, hi int) { layerNormRows(out, mean, rstd, x, r, w, b, lo, hi, c, eps) })
}

// layerNormRows is layerNormForward on rows lo .. hi-1, adding r to x
// first when r is not nil.
func layerNormRows(out, mean, rstd, x, r, w, b []float32, lo, hi, c int, eps float32) {
	for i := lo; i < hi; i++ {
		row := x[i*c : (i+1)*c]
		if r != nil {
			for j, v := range r[i*c : (i+1)*c] {
				row[j] += v
			}
		}
		var m float64
		for _, v := range row {
			m += float64(v)
		}
		m /= float64(c)
		var variance float64
		for _, v := range row {
			d := float64(v) - m
			variance += d * d
		}
		variance /= float64(c)
		s := 1 / math.Sqrt(variance+float64(eps))
		o := out[i*c : (i+1)*c]
		for j, v := range row {
			o[j] = float32((float64(v)-m)*s)*w[j] + b[j]
		}
		mean[i], rstd[i] = float32(m), float32(s)
	}
}

// layerNormBackward takes dout [n, c] back through layerNormForward, using
// the mean and rstd it cached. With norm = (x - mean)·rstd and
// g = w·dout, the input gradient is
//
//	dx = rstd · (g - mean(g) - norm · mean(g · norm))
//
// dx [n, c] is overwritten (an activation gradient); dw and db [c]
// accumulate with += (parameter gradients, summed over rows and over
// micro-batches). Rows are spread over goroutines in chunks of
// layerNormChunk; each chunk sums its rows' dw and db in order, and the
// chunk sums are added in order, so the result does not depend on the
// thread count.
func layerNormBackward(dx, dw, db, dout, x, w, mean, rstd []float32, n, c int) {
	chunks := (n + layerNormChunk - 1) / layerNormChunk
	partial := make([]float32, 2*chunks*c) // per chunk: dw, then db
	parallelFor(chunks, 1, func(lo, hi int) {
		for ch := lo; ch < hi; ch++ {
			pw, pb := partial[2*ch*c:][:c], partial[(2*ch+1)*c:][:c]
			layerNormBackwardRows(dx, pw, pb, dout, x, w, mean, rstd, ch*layerNormChunk,
				min((ch+1)*layerNormChunk, n), c)
		}
	})
	dw, db = dw[:c], db[:c]
	for ch := range chunks {
		for j, v := range partial[2*ch*c:][:c] {
			dw[j] += v
		}
		for j, v := range partial[(2*ch+1)*c:][:c] {
			db[j] += v
		}
	}
}

// layerNormChunk is the number of rows whose dw and db layerNormBackward
// sums before adding them to the totals.
const layerNormChunk = 64

// layerNormBackwardRows is layerNormBackward on rows lo .. hi-1, adding
// their parameter gradients to dw and db.
func layerNormBackwardRows(dx, dw, db, dout, x, w, mean, rstd []float32, lo, hi, c int) {
	w, dw, db = w[:c], dw[:c], db[:c]
	for i := lo; i < hi; i++ {
		row, drow, dxrow := x[i*c:(i+1)*c], dout[i*c:(i+1)*c], dx[i*c:(i+1)*c]
		m, s := float64(mean[i]), float64(rstd[i])
		// The two row means of the formula above.
		var gMean, gNormMean float64
		for j, v := range row {
			norm := (float64(v) - m) * s
			g := float64(w[j]) * float64(drow[j])
			gMean += g
			gNormMean += g * norm
		}
		gMean /= float64(c)
		gNormMean /= float64(c)
		for j, v := range row {
			norm := (float64(v) - m) * s
			g := float64(w[j]) * float64(drow[j])
			db[j] += drow[j]
			dw[j] += float32(norm) * drow[j]
			dxrow[j] = float32(s * (g - gMean - norm*gNormMean))
		}
	}
}
