package bert

import (
	"fmt"
	"math/rand/v2"
)

// Tensor is one named slice of Params.Data.
type Tensor struct {
	Name   string // HuggingFace BertForPreTraining name
	Shape  []int  // inside the model; rows of vocabulary tensors padded to V
	Rows   int    // rows stored in checkpoints (Shape[0] without padding)
	Offset int    // into Params.Data
	Size   int    // elements, product of Shape
	Decay  bool   // weight decay applies (not to biases, LayerNorm or the output bias)
	Init   Init   // how NewParams initialises it
}

// Init says how a tensor starts.
type Init uint8

const (
	InitNormal Init = iota // N(0, initializer_range)
	InitZero
	InitOne
)

// Params is every parameter of the model in one buffer, with the table of
// tensors that divides it. Gradients and optimizer moments are buffers of
// the same length laid out by the same table.
type Params struct {
	Config  Config
	Data    []float32
	Tensors []Tensor
	byName  map[string]int
}

// Layout returns the tensor table of cfg without allocating the data: the
// encoder's tensors, then those of its head (see Head).
func Layout(cfg Config) []Tensor {
	c, i, v := cfg.HiddenSize, cfg.IntermediateSize, cfg.PaddedVocab()
	var ts []Tensor
	add := func(name string, init Init, decay bool, shape ...int) {
		ts = append(ts, Tensor{Name: name, Shape: shape, Rows: shape[0], Decay: decay, Init: init})
	}
	linear := func(prefix string, out, in int) {
		add(prefix+".weight", InitNormal, true, out, in)
		add(prefix+".bias", InitZero, false, out)
	}
	layerNorm := func(prefix string) {
		add(prefix+".weight", InitOne, false, c)
		add(prefix+".bias", InitZero, false, c)
	}
	add("bert.embeddings.word_embeddings.weight", InitNormal, true, v, c)
	ts[len(ts)-1].Rows = cfg.VocabSize
	add("bert.embeddings.position_embeddings.weight", InitNormal, true, cfg.MaxPositionEmbeddings, c)
	add("bert.embeddings.token_type_embeddings.weight", InitNormal, true, cfg.TypeVocabSize, c)
	layerNorm("bert.embeddings.LayerNorm")
	for l := range cfg.NumHiddenLayers {
		p := fmt.Sprintf("bert.encoder.layer.%d.", l)
		linear(p+"attention.self.query", c, c)
		linear(p+"attention.self.key", c, c)
		linear(p+"attention.self.value", c, c)
		linear(p+"attention.output.dense", c, c)
		layerNorm(p + "attention.output.LayerNorm")
		linear(p+"intermediate.dense", i, c)
		linear(p+"output.dense", c, i)
		layerNorm(p + "output.LayerNorm")
	}
	switch cfg.head() {
	case Pretraining:
		linear("bert.pooler.dense", c, c)
		linear("cls.predictions.transform.dense", c, c)
		layerNorm("cls.predictions.transform.LayerNorm")
		add("cls.predictions.bias", InitZero, false, v)
		ts[len(ts)-1].Rows = cfg.VocabSize
		linear("cls.seq_relationship", 2, c)
	case QuestionAnswering:
		linear("qa_outputs", 2, c)
	case SequenceClassification:
		linear("bert.pooler.dense", c, c)
		linear("classifier", cfg.NumLabels, c)
	}
	off := 0
	for k := range ts {
		n := 1
		for _, d := range ts[k].Shape {
			n *= d
		}
		ts[k].Offset, ts[k].Size = off, n
		off += n
	}
	return ts
}

// NewParams allocates the parameters of cfg and initialises them as BERT
// does: weights N(0, initializer_range) from seed, zero biases, unit
// LayerNorm gains. Padded vocabulary rows are zero.
func NewParams(cfg Config, seed uint64) (*Params, error) {
	if err := cfg.Validate(); err != nil {
		return nil, fmt.Errorf("bert: %w", err)
	}
	ts := Layout(cfg)
	last := ts[len(ts)-1]
	p := &Params{Config: cfg, Data: make([]float32, last.Offset+last.Size), Tensors: ts, byName: map[string]int{}}
	rng := rand.New(rand.NewPCG(seed, 0x62657274))
	std := cfg.InitializerRange
	for k, t := range ts {
		p.byName[t.Name] = k
		data := p.Data[t.Offset : t.Offset+t.Size]
		switch t.Init {
		case InitNormal:
			stored := t.Rows * (t.Size / t.Shape[0])
			for j := range data[:stored] {
				data[j] = float32(rng.NormFloat64() * std)
			}
		case InitOne:
			for j := range data {
				data[j] = 1
			}
		}
	}
	return p, nil
}

// Tensor returns the data of the named tensor, or nil.
func (p *Params) Tensor(name string) []float32 {
	k, ok := p.byName[name]
	if !ok {
		return nil
	}
	t := p.Tensors[k]
	return p.Data[t.Offset : t.Offset+t.Size]
}

// Lookup returns the table entry of the named tensor.
func (p *Params) Lookup(name string) (Tensor, bool) {
	k, ok := p.byName[name]
	if !ok {
		return Tensor{}, false
	}
	return p.Tensors[k], true
}

// Count returns the number of parameters as a checkpoint stores them
// (without vocabulary padding).
func (p *Params) Count() int {
	n := 0
	for _, t := range p.Tensors {
		n += t.Rows * (t.Size / t.Shape[0])
	}
	return n
}
