package bert

// The fine-tuning heads. Each reads the final hidden states h [B,T,C] and
// adds its gradient to the rows of s.dx that it read, for Backward to take
// through the encoder.

// qaForward runs qa_outputs on every token of h and splits its two outputs
// into the start and end logits [B,T]. With targets it returns the mean of
// the two positions' cross-entropies (over the T positions of each
// sequence, padding included, as BertForQuestionAnswering and run_squad.py
// compute them) and the number of sequences whose arg-max start and end
// are both right, and keeps their gradients.
func (m *Model) qaForward(h []float32, b *Batch) (loss float32, correct int) {
	a, n := &m.acts, b.B*b.T
	m.qa.forward(a.qaLogits, h, n)
	for i := range n {
		a.start[i], a.end[i] = a.qaLogits[2*i], a.qaLogits[2*i+1]
	}
	if b.StartPositions == nil {
		return 0, 0
	}
	ls, _, _ := crossEntropy(a.dstart, a.start, b.StartPositions, b.B, b.T, b.T)
	le, _, _ := crossEntropy(a.dend, a.end, b.EndPositions, b.B, b.T, b.T)
	for i := range b.B {
		s, e := argmax(a.start[i*b.T:][:b.T]), argmax(a.end[i*b.T:][:b.T])
		if int32(s) == b.StartPositions[i] && int32(e) == b.EndPositions[i] {
			correct++
		}
	}
	return (ls + le) / 2, correct
}

// qaBackward adds the span loss's gradient to every row of s.dx.
func (m *Model) qaBackward(b *Batch) {
	a, s, n := &m.acts, &m.grads, b.B*b.T
	for i := range n {
		a.dqa[2*i], a.dqa[2*i+1] = a.dstart[i]/2, a.dend[i]/2
	}
	m.qa.backward(s.dx, a.dqa, m.finalHidden(), n, true)
}

// classifierForward runs the pooler, the hidden dropout and the classifier
// on h. With targets it returns the mean cross-entropy and the number of
// right arg-max classes, or for regression (one label) the mean squared
// error and no count, and keeps the logits' gradient.
func (m *Model) classifierForward(h []float32, b *Batch) (loss float32, correct int) {
	a, c, nl := &m.acts, m.cfg.HiddenSize, m.cfg.NumLabels
	m.poolerForward(h, b)
	if d := m.drop; d.Hidden > 0 {
		dropoutForward(a.pooledDrop, m.masks.pooled, a.pooled, b.B*c, d.Hidden, d.Seed, d.Step, dropoutClassifier)
	} else {
		copy(a.pooledDrop, a.pooled[:b.B*c])
	}
	m.classifier.forward(a.classLogits, a.pooledDrop, b.B)
	switch {
	case nl == 1 && b.Scores != nil:
		return meanSquaredError(a.dclassLogits, a.classLogits, b.Scores, b.B), 0
	case nl > 1 && b.Labels != nil:
		loss, correct, _ = crossEntropy(a.dclassLogits, a.classLogits, b.Labels, b.B, nl, nl)
		return loss, correct
	}
	return 0, 0
}

// classifierBackward adds the classification loss's gradient to the
// [CLS] rows of s.dx.
func (m *Model) classifierBackward(b *Batch) {
	a, s, c := &m.acts, &m.grads, m.cfg.HiddenSize
	m.classifier.backward(s.dpool, a.dclassLogits, a.pooledDrop, b.B, false)
	if p := m.drop.Hidden; p > 0 {
		dropoutBackward(s.dpool, s.dpool, m.masks.pooled, b.B*c, p)
	}
	m.poolerBackward(b)
}

// finalHidden returns the last encoder layer's output, the heads' input.
func (m *Model) finalHidden() []float32 { return m.acts.layers[len(m.layers)-1].ln2 }

// meanSquaredError returns the mean over n rows of (pred − target)² and
// writes its gradient 2(pred − target)/n to dpred: PyTorch's MSELoss,
// which BertForSequenceClassification uses for regression.
func meanSquaredError(dpred, pred, target []float32, n int) float32 {
	var sum float64
	for i := range n {
		d := float64(pred[i]) - float64(target[i])
		sum += d * d
		dpred[i] = float32(2 * d / float64(n))
	}
	return float32(sum / float64(n))
}

// argmax returns the index of the first largest value of xs.
func argmax(xs []float32) int {
	best := 0
	for i, x := range xs {
		if x > xs[best] {
			best = i
		}
	}
	return best
}
