package bert

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/bertline/bertline/pkg/optim"
)

// BenchmarkTrainStep times one training step (Forward, Backward and an
// AdamW update over Params.Data) as bench_torch.py times PyTorch's: mini at
// B=32 and base at B=8, T=128, 20 masked positions per sequence, a 30522
// token vocabulary, no dropout. pipelines/bench-train.sh runs both side by
// side. mini/B=32,dropout=0.1 adds BERT's dropout (hidden and attention
// 0.1, new masks every step), to weigh its cost against the same step
// without it.
func BenchmarkTrainStep(bm *testing.B) {
	for _, c := range []struct {
		preset  string
		b       int
		dropout float32
	}{{"mini", 32, 0}, {"mini", 32, 0.1}, {"base", 8, 0}} {
		name := fmt.Sprintf("%s/B=%d", c.preset, c.b)
		if c.dropout > 0 {
			name += fmt.Sprintf(",dropout=%g", c.dropout)
		}
		bm.Run(name, func(bm *testing.B) {
			benchTrainStep(bm, c.preset, c.b, 128, 20, c.dropout)
		})
	}
}

func benchTrainStep(bm *testing.B, preset string, B, T, perSeq int, dropout float32) {
	cfg, err := Preset(preset, 30522)
	if err != nil {
		bm.Fatal(err)
	}
	p, err := NewParams(cfg, 1)
	if err != nil {
		bm.Fatal(err)
	}
	m := NewModelP(p, B, T, B*perSeq)
	m.Dropout = Dropout{Hidden: dropout, Attention: dropout, Seed: 1}
	rng := rand.New(rand.NewPCG(1, 2))
	b := &Batch{B: B, T: T, InputIDs: make([]int32, B*T), TokenTypes: make([]int32, B*T),
		Mask: make([]int32, B*T), NSPLabels: make([]int32, B)}
	for i := range b.InputIDs {
		b.InputIDs[i] = int32(5 + rng.IntN(cfg.VocabSize-5))
		b.Mask[i] = 1
		if i%T >= T/2 {
			b.TokenTypes[i] = 1
		}
	}
	for s := range B {
		b.NSPLabels[s] = int32(rng.IntN(2))
		for j := range perSeq {
			b.MaskedPos = append(b.MaskedPos, int32(s*T+1+j*(T-2)/perSeq))
			b.MaskedIDs = append(b.MaskedIDs, int32(5+rng.IntN(cfg.VocabSize-5)))
		}
	}
	benchSteps(bm, m, b)
}

// BenchmarkSquadStep times one SQuAD fine-tuning step of the
// question-answering head as bench_torch.py --head qa times PyTorch's:
// mini at B=8 and base at B=4, T=384 (run_squad.py's max_seq_length),
// dropout 0.1 (hidden and attention, new masks every step) and AdamW with
// weight decay 0.01. Every token is real (mask all 1): features are padded
// to T and both models compute every position, padding included, so the
// mask changes no work, and a full window is what a long context gives.
// The first 32 tokens are the question (segment 0), the rest the context;
// start and end targets are random short spans in the context.
// pipelines/bench-train.sh runs both side by side.
func BenchmarkSquadStep(bm *testing.B) {
	for _, c := range []struct {
		preset string
		b      int
	}{{"mini", 8}, {"base", 4}} {
		bm.Run(fmt.Sprintf("%s/B=%d", c.preset, c.b), func(bm *testing.B) {
			benchSquadStep(bm, c.preset, c.b, 384, 32)
		})
	}
}

func benchSquadStep(bm *testing.B, preset string, B, T, question int) {
	cfg, err := Preset(preset, 30522)
	if err != nil {
		bm.Fatal(err)
	}
	p, err := NewParams(cfg.WithHead(QuestionAnswering, 0), 1)
	if err != nil {
		bm.Fatal(err)
	}
	m := NewModel(p, B, T)
	m.Dropout = Dropout{Hidden: 0.1, Attention: 0.1, Seed: 1}
	rng := rand.New(rand.NewPCG(1, 2))
	b := &Batch{B: B, T: T, InputIDs: make([]int32, B*T), TokenTypes: make([]int32, B*T),
		Mask: make([]int32, B*T), StartPositions: make([]int32, B), EndPositions: make([]int32, B)}
	for i := range b.InputIDs {
		b.InputIDs[i] = int32(5 + rng.IntN(cfg.VocabSize-5))
		b.Mask[i] = 1
		if i%T >= question {
			b.TokenTypes[i] = 1
		}
	}
	for s := range B {
		start := question + rng.IntN(T-question-10)
		b.StartPositions[s], b.EndPositions[s] = int32(start), int32(start+rng.IntN(8))
	}
	benchSteps(bm, m, b)
}

// benchSteps times training steps of m on b: ZeroGrad, Forward with the
// next dropout step, Backward and an AdamW update of every parameter
// (optim.DefaultAdamW, as fine-tuning runs it), after one untimed step; it
// reports sequences per second.
func benchSteps(bm *testing.B, m *Model, b *Batch) {
	p := m.Params
	var groups []optim.Group
	for _, t := range p.Tensors {
		groups = append(groups, optim.Group{Offset: t.Offset, Size: t.Size, Decay: t.Decay})
	}
	st := optim.NewState(len(p.Data))
	step := func() {
		m.Dropout.Step++
		m.ZeroGrad()
		if _, err := m.Forward(b); err != nil {
			bm.Fatal(err)
		}
		m.Backward(b)
		if err := optim.DefaultAdamW.Step(p.Data, m.Grads, st, groups, 1e-4); err != nil {
			bm.Fatal(err)
		}
	}
	step() // first touch of every buffer
	for bm.Loop() {
		step()
	}
	bm.ReportMetric(float64(b.B)*float64(bm.N)/bm.Elapsed().Seconds(), "seq/s")
}
