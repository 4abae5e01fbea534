package bert

import "math"

// tanhForward computes out = tanh(x) for n values (the pooler activation).
func tanhForward(out, x []float32, n int) {
	for i, v := range x[:n] {
		out[i] = float32(math.Tanh(float64(v)))
	}
}

// tanhBackward computes dx = dout·(1 - out²) from the forward output; dx
// may alias dout.
func tanhBackward(dx, dout, out []float32, n int) {
	for i, y := range out[:n] {
		dx[i] = dout[i] * (1 - y*y)
	}
}
