package bert

import (
	"fmt"

	"github.com/bertline/bertline/pkg/gemm"
)

// Batch is one micro-batch of B sequences padded to T tokens, with the
// targets of the model's head. InputIDs, TokenTypes and Mask are [B,T]
// (Mask: 1 for a real token, 0 for padding; nil means no padding; nil
// TokenTypes means all segment 0). A target of -1 does not count.
type Batch struct {
	B, T                       int
	InputIDs, TokenTypes, Mask []int32

	// Pretraining: MaskedPos lists the P masked positions as flat indexes
	// b*T+t and MaskedIDs their original token ids. NSPLabels is [B]: 0
	// when segment B follows segment A, 1 when it is random.
	MaskedPos, MaskedIDs, NSPLabels []int32

	// QuestionAnswering: StartPositions and EndPositions [B] are the
	// positions (0 to T-1) of each answer's first and last token, 0 ([CLS])
	// for no answer. Nil for prediction: Forward computes no loss.
	StartPositions, EndPositions []int32

	// SequenceClassification: Labels [B] are class ids, or with one label
	// (regression) Scores [B] the targets. Nil for prediction.
	Labels []int32
	Scores []float32
}

// Losses are the results of one forward pass; Total is the quantity
// Backward differentiates. Pretraining: MLM is the mean cross-entropy over
// the MLMCount masked positions, NSP the mean over the batch, Total their
// sum; MLMCorrect and NSPCorrect count arg-max predictions equal to the
// target. QuestionAnswering: Total is the mean of the start and end
// positions' cross-entropies over the sequences, Correct counts sequences
// whose arg-max start and end are both right. SequenceClassification:
// Total is the mean cross-entropy (regression: squared error), Correct
// counts arg-max classes equal to the label.
type Losses struct {
	MLM, NSP, Total        float32
	MLMCorrect, NSPCorrect int
	MLMCount               int
	Correct                int
}

// Dropout configures the dropout of Forward; the zero value applies none
// (evaluation). It is HuggingFace BertForPreTraining's in training mode,
// inverted (kept values scaled by 1/(1−p)): after the embedding LayerNorm,
// on the attention probabilities, and after each attention output dense
// and FFN output dense, before their residual and LayerNorm; none in the
// pooler or the heads. Masks are a pure function of (Seed, Step, site,
// element index) (see dropout.go): the same Step redraws the same masks,
// on any number of threads.
type Dropout struct {
	Hidden    float32 // hidden_dropout_prob: after the embedding LayerNorm, attention output dense, FFN output dense
	Attention float32 // attention_probs_dropout_prob: on the attention probabilities
	Seed      uint64  // run seed
	Step      uint64  // micro-batch counter: every forward of a training run uses a distinct Step
}

// Model is BERT with the head of its configuration (Config.Head:
// HuggingFace's BertForPreTraining, BertForQuestionAnswering or
// BertForSequenceClassification) on the CPU: the parameters, their
// gradients (Grads, laid out as Params.Data) and the activations of one
// batch of at most maxB×maxT tokens, kept by Forward for Backward, with the
// dropout masks Forward drew. A Model is not safe for concurrent use.
type Model struct {
	Params  *Params
	Grads   []float32
	Dropout Dropout // set before Forward; Backward uses the masks Forward drew

	cfg              Config
	maxB, maxT, maxP int
	wte, wpe, wtt    view
	embLN            norm
	layers           []layer
	head             Head
	pooler, nsp      linear
	transform        linear
	transformLN      norm
	decoder          linear // the word embeddings (tied) and cls.predictions.bias
	qa               linear // qa_outputs: [B·T,2] start and end logits
	classifier       linear // [B,NumLabels]
	acts             activations
	grads            scratch
	drop             Dropout // the dropout of the last Forward, which Backward takes back
	masks            dropoutMasks
}

// view is a parameter tensor and its gradient.
type view struct{ w, dw []float32 }

// linear is a dense layer out = inp·wᵀ + b with w [out,in].
type linear struct {
	w, b, dw, db []float32
	in, out      int
}

// norm is a LayerNorm's gain and bias.
type norm struct{ w, b, dw, db []float32 }

// layer is one encoder layer's parameters.
type layer struct {
	q, k, v, attnOut, fc, ffnOut linear
	ln1, ln2                     norm
}

// layerActs are one encoder layer's activations; x is its input (the
// previous layer's ln2, or the embedding LayerNorm).
type layerActs struct {
	q, k, v, ctx, res1, ln1 []float32 // [B,T,C]; res1 = attention output + x
	probs                   []float32 // [B,NH,T,T]
	fc, fcGelu              []float32 // [B,T,I]
	res2, ln2               []float32 // [B,T,C]; res2 = feed-forward output + ln1
	ln1Mean, ln1Rstd        []float32 // [B,T]
	ln2Mean, ln2Rstd        []float32 // [B,T]
}

// activations are everything Forward keeps for Backward.
type activations struct {
	emb, ln0             []float32 // [B,T,C]
	ln0Mean, ln0Rstd     []float32 // [B,T]
	layers               []layerActs
	cls, poolPre, pooled []float32 // [B,C]
	nspLogits, dnsp      []float32 // [B,2]
	gathered, mlmPre     []float32 // [P,C]
	mlmGelu, mlmLN       []float32 // [P,C]
	mlmMean, mlmRstd     []float32 // [P]
	mlmLogits, dmlm      []float32 // [P,V]

	qaLogits, dqa             []float32 // [B,T,2]: qa_outputs' output, start and end interleaved
	start, end                []float32 // [B,T]
	dstart, dend              []float32 // [B,T]
	pooledDrop                []float32 // [B,C]: the classifier's input, pooled after dropout
	classLogits, dclassLogits []float32 // [B,NumLabels]
}

// dropoutMasks are the keep bits (dropoutForward's layout) that Forward
// draws and Backward reads. They are allocated on the first Forward whose
// dropout needs them, for maxB×maxT tokens: a model for evaluation holds
// none.
type dropoutMasks struct {
	emb    []uint32 // [B,T,C] bits: after the embedding LayerNorm
	pooled []uint32 // [B,C] bits: the classifier's input
	layers []layerMasks
}

// layerMasks are one encoder layer's dropout masks.
type layerMasks struct {
	probs           []uint32 // [B,NH,T,T] bits: the attention probabilities
	attnOut, ffnOut []uint32 // [B,T,C] bits: after the attention output and FFN output dense
}

// scratch holds the gradients of activations during Backward.
type scratch struct {
	dx, dres, dln1, dctx, dq, dk, dv []float32 // [B,T,C]
	dfc                              []float32 // [B,T,I]
	dpool, dcls                      []float32 // [B,C]
	dhead, dhead2                    []float32 // [P,C]
}

// NewModel allocates the gradients and the activations of p for batches of
// up to maxB sequences of up to maxT tokens, any number of them masked.
func NewModel(p *Params, maxB, maxT int) *Model { return NewModelP(p, maxB, maxT, maxB*maxT) }

// NewModelP is NewModel for batches of at most maxP masked positions: the
// MLM head's buffers, [P,V] logits and their gradient above all, are sized
// for maxP rows instead of maxB·maxT.
func NewModelP(p *Params, maxB, maxT, maxP int) *Model {
	cfg := p.Config
	maxP = max(1, min(maxP, maxB*maxT))
	m := &Model{Params: p, Grads: make([]float32, len(p.Data)), cfg: cfg, maxB: maxB, maxT: maxT, maxP: maxP}
	c, in := cfg.HiddenSize, cfg.IntermediateSize
	m.wte = m.view("bert.embeddings.word_embeddings.weight")
	m.wpe = m.view("bert.embeddings.position_embeddings.weight")
	m.wtt = m.view("bert.embeddings.token_type_embeddings.weight")
	m.embLN = m.norm("bert.embeddings.LayerNorm")
	for l := range cfg.NumHiddenLayers {
		pre := fmt.Sprintf("bert.encoder.layer.%d.", l)
		m.layers = append(m.layers, layer{
			q:       m.linear(pre+"attention.self.query", c, c),
			k:       m.linear(pre+"attention.self.key", c, c),
			v:       m.linear(pre+"attention.self.value", c, c),
			attnOut: m.linear(pre+"attention.output.dense", c, c),
			ln1:     m.norm(pre + "attention.output.LayerNorm"),
			fc:      m.linear(pre+"intermediate.dense", c, in),
			ffnOut:  m.linear(pre+"output.dense", in, c),
			ln2:     m.norm(pre + "output.LayerNorm"),
		})
	}
	m.head = cfg.head()
	switch m.head {
	case Pretraining:
		m.pooler = m.linear("bert.pooler.dense", c, c)
		m.transform = m.linear("cls.predictions.transform.dense", c, c)
		m.transformLN = m.norm("cls.predictions.transform.LayerNorm")
		bias := m.view("cls.predictions.bias")
		m.decoder = linear{w: m.wte.w, dw: m.wte.dw, b: bias.w, db: bias.dw, in: c, out: cfg.PaddedVocab()}
		m.nsp = m.linear("cls.seq_relationship", c, 2)
	case QuestionAnswering:
		m.qa = m.linear("qa_outputs", c, 2)
	case SequenceClassification:
		m.pooler = m.linear("bert.pooler.dense", c, c)
		m.classifier = m.linear("classifier", c, cfg.NumLabels)
	}
	m.allocate()
	return m
}

func (m *Model) view(name string) view {
	t, _ := m.Params.Lookup(name)
	return view{m.Params.Data[t.Offset:][:t.Size], m.Grads[t.Offset:][:t.Size]}
}

func (m *Model) linear(prefix string, in, out int) linear {
	w, b := m.view(prefix+".weight"), m.view(prefix+".bias")
	return linear{w: w.w, b: b.w, dw: w.dw, db: b.dw, in: in, out: out}
}

func (m *Model) norm(prefix string) norm {
	w, b := m.view(prefix+".weight"), m.view(prefix+".bias")
	return norm{w: w.w, b: b.w, dw: w.dw, db: b.dw}
}

// allocate sizes the activations and scratch buffers for maxB×maxT tokens
// of which up to maxP are masked.
func (m *Model) allocate() {
	bt, b, mp := m.maxB*m.maxT, m.maxB, m.maxP
	c, in, nh, v := m.cfg.HiddenSize, m.cfg.IntermediateSize, m.cfg.NumAttentionHeads, m.cfg.PaddedVocab()
	f := func(n int) []float32 { return make([]float32, n) }
	a := &m.acts
	a.emb, a.ln0, a.ln0Mean, a.ln0Rstd = f(bt*c), f(bt*c), f(bt), f(bt)
	for range m.layers {
		a.layers = append(a.layers, layerActs{
			q: f(bt * c), k: f(bt * c), v: f(bt * c), ctx: f(bt * c), res1: f(bt * c),
			ln1: f(bt * c), probs: f(b * nh * m.maxT * m.maxT), fc: f(bt * in), fcGelu: f(bt * in),
			res2: f(bt * c), ln2: f(bt * c),
			ln1Mean: f(bt), ln1Rstd: f(bt), ln2Mean: f(bt), ln2Rstd: f(bt),
		})
	}
	switch m.head {
	case Pretraining:
		a.cls, a.poolPre, a.pooled, a.nspLogits, a.dnsp = f(b*c), f(b*c), f(b*c), f(b*2), f(b*2)
		a.gathered, a.mlmPre, a.mlmGelu, a.mlmLN = f(mp*c), f(mp*c), f(mp*c), f(mp*c)
		a.mlmMean, a.mlmRstd, a.mlmLogits, a.dmlm = f(mp), f(mp), f(mp*v), f(mp*v)
	case QuestionAnswering:
		a.qaLogits, a.dqa, a.start, a.end, a.dstart, a.dend = f(2*bt), f(2*bt), f(bt), f(bt), f(bt), f(bt)
	case SequenceClassification:
		nl := m.cfg.NumLabels
		a.cls, a.poolPre, a.pooled, a.pooledDrop = f(b*c), f(b*c), f(b*c), f(b*c)
		a.classLogits, a.dclassLogits = f(b*nl), f(b*nl)
	}
	s := &m.grads
	s.dx, s.dres, s.dln1, s.dctx, s.dq, s.dk, s.dv = f(bt*c), f(bt*c), f(bt*c), f(bt*c), f(bt*c), f(bt*c), f(bt*c)
	s.dfc, s.dpool, s.dcls = f(bt*in), f(b*c), f(b*c)
	if m.head == Pretraining {
		s.dhead, s.dhead2 = f(mp*c), f(mp*c)
	}
}

// ZeroGrad clears Grads, on all cores.
func (m *Model) ZeroGrad() {
	parallelFor(len(m.Grads), 1<<16, func(lo, hi int) { clear(m.Grads[lo:hi]) })
}

// allocateMasks allocates the dropout masks that d needs and the model
// does not hold yet.
func (m *Model) allocateMasks(d Dropout) {
	bt, c, nh, t := m.maxB*m.maxT, m.cfg.HiddenSize, m.cfg.NumAttentionHeads, m.maxT
	f := func(n int) []uint32 { return make([]uint32, dropoutMaskWords(n)) }
	ms := &m.masks
	if ms.layers == nil {
		ms.layers = make([]layerMasks, len(m.layers))
	}
	if d.Hidden > 0 && ms.emb == nil {
		ms.emb = f(bt * c)
		if m.head == SequenceClassification {
			ms.pooled = f(m.maxB * c)
		}
		for l := range ms.layers {
			ms.layers[l].attnOut, ms.layers[l].ffnOut = f(bt*c), f(bt*c)
		}
	}
	if d.Attention > 0 && ms.layers[0].probs == nil {
		for l := range ms.layers {
			ms.layers[l].probs = f(m.maxB * nh * t * t)
		}
	}
}

// Forward runs the model on b with the dropout of m.Dropout, keeps the
// activations and dropout masks for Backward and returns the losses. It
// fails, changing nothing, on a batch larger than the model was allocated
// for, with ids, segments, positions or labels out of range, or with a
// dropout probability outside [0, 1).
func (m *Model) Forward(b *Batch) (Losses, error) {
	if err := m.check(b); err != nil {
		return Losses{}, fmt.Errorf("bert: forward: %w", err)
	}
	d := m.Dropout
	if !(d.Hidden >= 0 && d.Hidden < 1 && d.Attention >= 0 && d.Attention < 1) {
		return Losses{}, fmt.Errorf("bert: forward: dropout probabilities %g (hidden) and %g (attention) must be in [0, 1)",
			d.Hidden, d.Attention)
	}
	m.allocateMasks(d)
	m.drop = d
	B, T, c, a := b.B, b.T, m.cfg.HiddenSize, &m.acts
	embeddingForward(a.emb, b.InputIDs, b.TokenTypes, m.wte.w, m.wpe.w, m.wtt.w, B, T, c)
	layerNormForward(a.ln0, a.ln0Mean, a.ln0Rstd, a.emb, m.embLN.w, m.embLN.b, B*T, c, m.eps())
	// The LayerNorm's backward reads its input and statistics, not its
	// output, so the dropout can overwrite ln0, the first layer's input.
	m.hiddenDropout(a.ln0, m.masks.emb, B*T*c, dropoutEmbeddings)
	x := a.ln0
	for l := range m.layers {
		m.layerForward(l, x, b.Mask, B, T)
		x = a.layers[l].ln2
	}
	switch m.head {
	case QuestionAnswering:
		loss, correct := m.qaForward(x, b)
		return Losses{Total: loss, Correct: correct}, nil
	case SequenceClassification:
		loss, correct := m.classifierForward(x, b)
		return Losses{Total: loss, Correct: correct}, nil
	}
	mlm, mlmCorrect, mlmCount := m.mlmForward(x, b)
	nsp, nspCorrect := m.nspForward(x, b)
	return Losses{MLM: mlm, NSP: nsp, Total: mlm + nsp, MLMCorrect: mlmCorrect, NSPCorrect: nspCorrect,
		MLMCount: mlmCount}, nil
}

// SpanLogits returns the start and end logits [B,T] of the last Forward
// of a QuestionAnswering model, row b·T+t for token t of sequence b. They
// are the model's buffers: the next Forward overwrites them.
func (m *Model) SpanLogits() (start, end []float32) { return m.acts.start, m.acts.end }

// ClassLogits returns the logits [B,NumLabels] (regression: the scores
// [B]) of the last Forward of a SequenceClassification model. They are the
// model's buffer: the next Forward overwrites it.
func (m *Model) ClassLogits() []float32 { return m.acts.classLogits }

func (m *Model) eps() float32 { return float32(m.cfg.LayerNormEps) }

// hiddenDropout applies the hidden dropout of the current Forward to the n
// values of x in place, drawing its mask for site, when it is on.
func (m *Model) hiddenDropout(x []float32, mask []uint32, n int, site dropoutSite) {
	if d := m.drop; d.Hidden > 0 {
		dropoutForward(x, mask, x, n, d.Hidden, d.Seed, d.Step, site)
	}
}

// hiddenDropoutBackward takes dout [n] back through hiddenDropout with its
// mask: into dx, which it returns, when the dropout was on; it returns
// dout itself when it was off.
func (m *Model) hiddenDropoutBackward(dx, dout []float32, mask []uint32, n int) []float32 {
	if p := m.drop.Hidden; p > 0 {
		dropoutBackward(dx, dout, mask, n, p)
		return dx
	}
	return dout
}

// layerForward runs encoder layer l on x [B,T,C]: self-attention (with
// dropout on its probabilities), output dense, dropout, residual and
// LayerNorm; feed-forward, dropout, residual and LayerNorm.
func (m *Model) layerForward(l int, x []float32, mask []int32, B, T int) {
	p, a, d := &m.layers[l], &m.acts.layers[l], m.drop
	n, c, nh := B*T, m.cfg.HiddenSize, m.cfg.NumAttentionHeads
	ms := &m.masks.layers[l]
	p.q.forward(a.q, x, n)
	p.k.forward(a.k, x, n)
	p.v.forward(a.v, x, n)
	var keep []uint32
	if d.Attention > 0 {
		keep = ms.probs
		dropoutDraw(keep, B*nh*T*T, d.Attention, d.Seed, d.Step, dropoutAttnProbs(l))
	}
	attentionForward(a.ctx, a.probs, a.q, a.k, a.v, mask, keep, d.Attention, B, T, c, nh)
	p.attnOut.forward(a.res1, a.ctx, n)
	m.hiddenDropout(a.res1, ms.attnOut, n*c, dropoutAttnOut(l))
	addLayerNormForward(a.ln1, a.ln1Mean, a.ln1Rstd, a.res1, x, p.ln1.w, p.ln1.b, n, c, m.eps())
	p.fc.forwardGELU(a.fc, a.fcGelu, a.ln1, n)
	p.ffnOut.forward(a.res2, a.fcGelu, n)
	m.hiddenDropout(a.res2, ms.ffnOut, n*c, dropoutFFNOut(l))
	addLayerNormForward(a.ln2, a.ln2Mean, a.ln2Rstd, a.res2, a.ln1, p.ln2.w, p.ln2.b, n, c, m.eps())
}

// mlmForward gathers the masked positions of the final hidden states h and
// runs the MLM head on them: dense, GELU, LayerNorm, tied decoder, loss.
func (m *Model) mlmForward(h []float32, b *Batch) (loss float32, correct, count int) {
	a, c, p := &m.acts, m.cfg.HiddenSize, len(b.MaskedPos)
	for i, pos := range b.MaskedPos {
		copy(a.gathered[i*c:][:c], h[int(pos)*c:][:c])
	}
	m.transform.forward(a.mlmPre, a.gathered, p)
	geluForward(a.mlmGelu, a.mlmPre, p*c)
	tl := m.transformLN
	layerNormForward(a.mlmLN, a.mlmMean, a.mlmRstd, a.mlmGelu, tl.w, tl.b, p, c, m.eps())
	m.decoder.forward(a.mlmLogits, a.mlmLN, p)
	v, vp := m.cfg.VocabSize, m.cfg.PaddedVocab()
	return crossEntropy(a.dmlm, a.mlmLogits, b.MaskedIDs, p, v, vp)
}

// poolerForward sets a.pooled to the pooler's output: tanh of a dense
// layer on the [CLS] rows of the final hidden states h.
func (m *Model) poolerForward(h []float32, b *Batch) {
	a, c := &m.acts, m.cfg.HiddenSize
	for i := range b.B {
		copy(a.cls[i*c:][:c], h[i*b.T*c:][:c])
	}
	m.pooler.forward(a.poolPre, a.cls, b.B)
	tanhForward(a.pooled, a.poolPre, b.B*c)
}

// poolerBackward takes the gradient s.dpool of the pooler's output back
// to the [CLS] rows of s.dx.
func (m *Model) poolerBackward(b *Batch) {
	a, s, c := &m.acts, &m.grads, m.cfg.HiddenSize
	tanhBackward(s.dpool, s.dpool, a.pooled, b.B*c)
	m.pooler.backward(s.dcls, s.dpool, a.cls, b.B, false)
	for i := range b.B {
		add(s.dx[i*b.T*c:][:c], s.dx[i*b.T*c:][:c], s.dcls[i*c:][:c], c)
	}
}

// nspForward runs the pooler and the next-sentence classifier on the final
// hidden states h.
func (m *Model) nspForward(h []float32, b *Batch) (loss float32, correct int) {
	a := &m.acts
	m.poolerForward(h, b)
	m.nsp.forward(a.nspLogits, a.pooled, b.B)
	loss, correct, _ = crossEntropy(a.dnsp, a.nspLogits, b.NSPLabels, b.B, 2, 2)
	return loss, correct
}

// Backward adds the gradient of the Total loss of the last Forward, which
// must have been on the same batch b, with its targets, to Grads. It takes the dropout back
// with the masks that Forward drew, whatever m.Dropout holds now.
func (m *Model) Backward(b *Batch) {
	B, T, c, a, s := b.B, b.T, m.cfg.HiddenSize, &m.acts, &m.grads
	clear(s.dx[:B*T*c])
	switch m.head {
	case Pretraining:
		m.nspBackward(b)
		m.mlmBackward(b)
	case QuestionAnswering:
		m.qaBackward(b)
	case SequenceClassification:
		m.classifierBackward(b)
	}
	for l := len(m.layers) - 1; l >= 0; l-- {
		x := a.ln0
		if l > 0 {
			x = a.layers[l-1].ln2
		}
		m.layerBackward(l, x, B, T)
	}
	dln0 := m.hiddenDropoutBackward(s.dx, s.dx, m.masks.emb, B*T*c)
	e := m.embLN
	layerNormBackward(s.dres, e.dw, e.db, dln0, a.emb, e.w, a.ln0Mean, a.ln0Rstd, B*T, c)
	embeddingBackward(m.wte.dw, m.wpe.dw, m.wtt.dw, s.dres, b.InputIDs, b.TokenTypes, B, T, c)
}

// nspBackward adds the NSP head's gradient to the [CLS] rows of s.dx.
func (m *Model) nspBackward(b *Batch) {
	a, s := &m.acts, &m.grads
	m.nsp.backward(s.dpool, a.dnsp, a.pooled, b.B, false)
	m.poolerBackward(b)
}

// mlmBackward adds the MLM head's gradient to the masked rows of s.dx.
func (m *Model) mlmBackward(b *Batch) {
	a, s, c, p := &m.acts, &m.grads, m.cfg.HiddenSize, len(b.MaskedPos)
	m.decoder.backward(s.dhead, a.dmlm, a.mlmLN, p, false)
	tl := m.transformLN
	layerNormBackward(s.dhead2, tl.dw, tl.db, s.dhead, a.mlmGelu, tl.w, a.mlmMean, a.mlmRstd, p, c)
	geluBackward(s.dhead2, s.dhead2, a.mlmPre, p*c)
	m.transform.backward(s.dhead, s.dhead2, a.gathered, p, false)
	for i, pos := range b.MaskedPos {
		row := s.dx[int(pos)*c:][:c]
		add(row, row, s.dhead[i*c:][:c], c)
	}
}

// layerBackward turns s.dx, the gradient of layer l's output, into the
// gradient of its input x, adding the parameter gradients to Grads.
func (m *Model) layerBackward(l int, x []float32, B, T int) {
	p, a, s, ms := &m.layers[l], &m.acts.layers[l], &m.grads, &m.masks.layers[l]
	n, c := B*T, m.cfg.HiddenSize
	layerNormBackward(s.dres, p.ln2.dw, p.ln2.db, s.dx, a.res2, p.ln2.w, a.ln2Mean, a.ln2Rstd, n, c)
	// s.dres is the gradient of res2, both the residual's and the FFN
	// output's; the latter goes back through the dropout into s.dln1, a
	// spare buffer.
	dffn := m.hiddenDropoutBackward(s.dln1, s.dres, ms.ffnOut, n*c)
	p.ffnOut.backwardGELU(s.dfc, dffn, a.fcGelu, a.fc, n)
	// The feed-forward block's input gradient adds to s.dres, the
	// residual's share, giving ln1's gradient without a pass of its own.
	p.fc.backward(s.dres, s.dfc, a.ln1, n, true)
	layerNormBackward(s.dx, p.ln1.dw, p.ln1.db, s.dres, a.res1, p.ln1.w, a.ln1Mean, a.ln1Rstd, n, c)
	// Likewise s.dx is res1's gradient, which the residual keeps; s.dres
	// is free for the attention output's share.
	dattn := m.hiddenDropoutBackward(s.dres, s.dx, ms.attnOut, n*c)
	p.attnOut.backward(s.dctx, dattn, a.ctx, n, false)
	var keep []uint32
	if m.drop.Attention > 0 {
		keep = ms.probs
	}
	attentionBackward(s.dq, s.dk, s.dv, s.dctx, a.q, a.k, a.v, a.probs, keep, m.drop.Attention, B, T, c,
		m.cfg.NumAttentionHeads)
	// s.dx holds the residual's share of the input gradient; the
	// projections add theirs.
	p.q.backward(s.dx, s.dq, x, n, true)
	p.k.backward(s.dx, s.dk, x, n, true)
	p.v.backward(s.dx, s.dv, x, n, true)
}

// forward computes out [n,out] = inp [n,in]·wᵀ + b.
func (l *linear) forward(out, inp []float32, n int) {
	gemm.SgemmBias(false, true, n, l.out, l.in, 1, inp, l.in, l.w, l.in, l.b, out, l.out)
}

// forwardGELU computes pre [n,out] = inp [n,in]·wᵀ + b, GELU's input,
// and out = gelu(pre), in the GEMM's epilogue (pkg/gemm's float32 GELU,
// within 4e-7·max(1, |x|) of the exact one).
func (l *linear) forwardGELU(pre, out, inp []float32, n int) {
	gemm.SgemmGELU(false, true, n, l.out, l.in, 1, inp, l.in, l.w, l.in, l.b, pre, out, l.out)
}

// backwardGELU is backward, with accumulate unset, for a layer whose
// input is gelu(pre): it sets dpre [n,in] = (dout·w) ⊙ gelu'(pre), the
// gradient of GELU's input, in the GEMM's epilogue.
func (l *linear) backwardGELU(dpre, dout, inp, pre []float32, n int) {
	gemm.SgemmGELUGrad(false, false, n, l.in, l.out, 1, dout, l.out, l.w, l.in, pre, dpre, l.in)
	gemm.SgemmBiasGrad(true, false, l.out, l.in, n, 1, dout, l.out, inp, l.in, 1, l.dw, l.in, l.db)
}

// backward sets dinp [n,in] = dout·w (adds to it when accumulate is set)
// and adds doutᵀ·inp to dw and the column sums of dout to db, the latter
// while the weight gradient's GEMM packs dout.
func (l *linear) backward(dinp, dout, inp []float32, n int, accumulate bool) {
	var beta float32
	if accumulate {
		beta = 1
	}
	gemm.Sgemm(false, false, n, l.in, l.out, 1, dout, l.out, l.w, l.in, beta, dinp, l.in)
	gemm.SgemmBiasGrad(true, false, l.out, l.in, n, 1, dout, l.out, inp, l.in, 1, l.dw, l.in, l.db)
}

// add sets out = x + y for n values; out may alias either.
func add(out, x, y []float32, n int) {
	parallelFor(n, 1<<15, func(lo, hi int) {
		for i := lo; i < hi; i++ {
			out[i] = x[i] + y[i]
		}
	})
}

// check reports a batch the model cannot run.
func (m *Model) check(b *Batch) error {
	cfg, bt := m.cfg, b.B*b.T
	switch {
	case b.B < 1 || b.T < 1 || b.B > m.maxB || b.T > m.maxT:
		return fmt.Errorf("batch %d×%d: the model holds at most %d×%d", b.B, b.T, m.maxB, m.maxT)
	case b.T > cfg.MaxPositionEmbeddings:
		return fmt.Errorf("sequence length %d exceeds max_position_embeddings %d", b.T, cfg.MaxPositionEmbeddings)
	case len(b.InputIDs) != bt || (b.TokenTypes != nil && len(b.TokenTypes) != bt) || (b.Mask != nil && len(b.Mask) != bt):
		return fmt.Errorf("input ids, token types and mask must have B·T = %d entries", bt)
	}
	if err := m.checkTargets(b); err != nil {
		return err
	}
	if err := inRange("input id", b.InputIDs, 0, cfg.VocabSize); err != nil {
		return err
	}
	if err := inRange("token type", b.TokenTypes, 0, cfg.TypeVocabSize); err != nil {
		return err
	}
	return nil
}

// checkTargets reports targets the model's head cannot take: missing or
// out of range for pretraining, of the wrong length or range for the
// fine-tuning heads (which run without them, for prediction).
func (m *Model) checkTargets(b *Batch) error {
	switch m.head {
	case QuestionAnswering:
		if (b.StartPositions == nil) != (b.EndPositions == nil) ||
			(b.StartPositions != nil && (len(b.StartPositions) != b.B || len(b.EndPositions) != b.B)) {
			return fmt.Errorf("%d start and %d end positions for %d sequences", len(b.StartPositions), len(b.EndPositions), b.B)
		}
		if err := inRange("start position", b.StartPositions, ignoreIndex, b.T); err != nil {
			return err
		}
		return inRange("end position", b.EndPositions, ignoreIndex, b.T)
	case SequenceClassification:
		if m.cfg.NumLabels == 1 {
			if b.Labels != nil || (b.Scores != nil && len(b.Scores) != b.B) {
				return fmt.Errorf("regression takes %d scores and no labels, has %d and %d", b.B, len(b.Scores), len(b.Labels))
			}
			return nil
		}
		if b.Scores != nil || (b.Labels != nil && len(b.Labels) != b.B) {
			return fmt.Errorf("classification takes %d labels and no scores, has %d and %d", b.B, len(b.Labels), len(b.Scores))
		}
		return inRange("label", b.Labels, ignoreIndex, m.cfg.NumLabels)
	}
	bt := b.B * b.T
	switch {
	case len(b.MaskedPos) != len(b.MaskedIDs) || len(b.MaskedPos) > min(bt, m.maxP):
		return fmt.Errorf("%d masked positions with %d target ids (at most %d)", len(b.MaskedPos), len(b.MaskedIDs), min(bt, m.maxP))
	case len(b.NSPLabels) != b.B:
		return fmt.Errorf("%d NSP labels for %d sequences", len(b.NSPLabels), b.B)
	}
	if err := inRange("masked position", b.MaskedPos, 0, bt); err != nil {
		return err
	}
	if err := inRange("masked id", b.MaskedIDs, ignoreIndex, m.cfg.VocabSize); err != nil {
		return err
	}
	return inRange("NSP label", b.NSPLabels, ignoreIndex, 2)
}

// inRange reports the first value of xs outside [lo, hi).
func inRange(what string, xs []int32, lo, hi int) error {
	for i, x := range xs {
		if int(x) < lo || int(x) >= hi {
			return fmt.Errorf("%s %d at index %d is outside [%d, %d)", what, x, i, lo, hi)
		}
	}
	return nil
}
