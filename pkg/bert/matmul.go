package bert

// matmulForward is a linear layer in PyTorch's layout: w is [cout, cin],
// so that
//
//	out[i, o] = Σ_k inp[i, k] · w[o, k] + bias[o]
//
// for the n rows of inp [n, cin]; out is [n, cout]. A nil bias adds
// nothing. It caches nothing (the backward pass needs inp and w); out is
// overwritten. This is the readable reference; fast paths must match it.
func matmulForward(out, inp, w, bias []float32, n, cin, cout int) {
	for i := range n {
		x := inp[i*cin:][:cin]
		o := out[i*cout:][:cout]
		for oc := range cout {
			wr := w[oc*cin:][:cin]
			var s float64
			for k, xv := range x {
				s += float64(xv) * float64(wr[k])
			}
			if bias != nil {
				s += float64(bias[oc])
			}
			o[oc] = float32(s)
		}
	}
}

// matmulBackward takes dout [n, cout] back through matmulForward:
//
//	dinp = dout·w    [n, cin]     overwritten (an activation gradient)
//	dw  += doutᵀ·inp [cout, cin]  accumulated (a parameter gradient)
//	db  += Σ_rows dout [cout]     accumulated
//
// A nil dinp is not computed (the first layer has no input gradient); a
// nil db is skipped, for a layer without bias.
func matmulBackward(dinp, dw, db, dout, inp, w []float32, n, cin, cout int) {
	for i := range n {
		d := dout[i*cout:][:cout]
		if dinp != nil {
			dx := dinp[i*cin:][:cin]
			for k := range cin {
				var s float64
				for oc, g := range d {
					s += float64(g) * float64(w[oc*cin+k])
				}
				dx[k] = float32(s)
			}
		}
	}
	for oc := range cout {
		dwr := dw[oc*cin:][:cin]
		for k := range cin {
			var s float64
			for i := range n {
				s += float64(dout[i*cout+oc]) * float64(inp[i*cin+k])
			}
			dwr[k] += float32(s)
		}
		if db != nil {
			var s float64
			for i := range n {
				s += float64(dout[i*cout+oc])
			}
			db[oc] += float32(s)
		}
	}
}
