package bert

// embeddingForward builds BERT's input representation: for every token the
// sum of its word, position and token-type (segment) embeddings,
//
//	out[b, t, :] = wte[ids[b, t], :] + wpe[t, :] + wtt[types[b, t], :]
//
// ids and types are [B, T]; wte is [V, C], wpe [max positions, C] and wtt
// [type vocabulary, C]. A nil types means segment 0 everywhere. Positions
// are 0 .. T-1 in every sequence. It caches nothing (the backward pass
// needs only the ids); out [B, T, C] is overwritten. Ids must be in range:
// the caller validates its batches. Tokens are spread over goroutines.
func embeddingForward(out []float32, ids, types []int32, wte, wpe, wtt []float32, b, t, c int) {
	parallelRows(b*t, func(lo, hi int) {
		for n := lo; n < hi; n++ {
			typ := 0
			if types != nil {
				typ = int(types[n])
			}
			word, pos, seg := wte[int(ids[n])*c:][:c], wpe[n%t*c:][:c], wtt[typ*c:][:c]
			o := out[n*c:][:c]
			for j := range o {
				o[j] = word[j] + pos[j] + seg[j]
			}
		}
	})
}

// embeddingBackward scatters dout [B, T, C] into the rows of the three
// tables that embeddingForward gathered. dwte, dwpe and dwtt are parameter
// gradients and accumulate with +=: a word that occurs twice gets both
// contributions, and so does every micro-batch. Goroutines split the C
// columns, not the tokens, so that each gradient entry is summed by one of
// them in token order, whatever the thread count.
func embeddingBackward(dwte, dwpe, dwtt, dout []float32, ids, types []int32, b, t, c int) {
	parallelFor(c, embeddingColumns, func(lo, hi int) {
		for n := range b * t {
			typ := 0
			if types != nil {
				typ = int(types[n])
			}
			word, pos, seg := dwte[int(ids[n])*c+lo:][:hi-lo], dwpe[n%t*c+lo:][:hi-lo], dwtt[typ*c+lo:][:hi-lo]
			for j, g := range dout[n*c+lo : n*c+hi] {
				word[j] += g
				pos[j] += g
				seg[j] += g
			}
		}
	})
}

// embeddingColumns is the fewest columns a goroutine of
// embeddingBackward takes.
const embeddingColumns = 16
