package finetune

import (
	"github.com/bertline/bertline/pkg/bert"
	"github.com/bertline/bertline/pkg/glue"
	"github.com/bertline/bertline/pkg/squad"
	"github.com/bertline/bertline/pkg/trainer"
)

// SQuAD returns features as a trainer.Dataset of seqLen-token rows, each
// padded as run_squad.py pads it, with the answer's start and end
// positions as targets.
func SQuAD(features []squad.Feature, seqLen int) trainer.Dataset {
	return &squadData{features: features, seqLen: seqLen}
}

type squadData struct {
	features []squad.Feature
	seqLen   int
}

func (d *squadData) Len() int    { return len(d.features) }
func (d *squadData) SeqLen() int { return d.seqLen }

func (d *squadData) Fill(b *bert.Batch, idx []int, targets bool) {
	n, t := len(idx), d.seqLen
	resize(b, n, t)
	b.Labels, b.Scores = nil, nil
	if targets {
		b.StartPositions, b.EndPositions = grow(b.StartPositions, n), grow(b.EndPositions, n)
	} else {
		b.StartPositions, b.EndPositions = nil, nil
	}
	for i, k := range idx {
		f := &d.features[k]
		f.Pad(b.InputIDs[i*t:][:t], b.TokenTypes[i*t:][:t], b.Mask[i*t:][:t])
		if targets {
			b.StartPositions[i], b.EndPositions[i] = int32(f.StartPos), int32(f.EndPos)
		}
	}
}

// GLUE returns features as a trainer.Dataset with their labels (class ids)
// as targets, or with regression set their scores; features used for
// training must have them. A batch is padded with
// id 0 and mask 0 to its longest feature, at most seqLen tokens.
func GLUE(features []glue.Feature, seqLen int, regression bool) trainer.Dataset {
	return &glueData{features: features, seqLen: seqLen, regression: regression}
}

type glueData struct {
	features   []glue.Feature
	seqLen     int
	regression bool
}

func (d *glueData) Len() int    { return len(d.features) }
func (d *glueData) SeqLen() int { return d.seqLen }

func (d *glueData) Fill(b *bert.Batch, idx []int, targets bool) {
	n, t := len(idx), 1
	for _, k := range idx {
		t = max(t, len(d.features[k].InputIDs))
	}
	resize(b, n, t)
	b.StartPositions, b.EndPositions = nil, nil
	switch {
	case targets && d.regression:
		b.Labels = nil
		if cap(b.Scores) < n {
			b.Scores = make([]float32, n)
		}
		b.Scores = b.Scores[:n]
	case targets:
		b.Labels, b.Scores = grow(b.Labels, n), nil
	default:
		b.Labels, b.Scores = nil, nil
	}
	for i, k := range idx {
		f := &d.features[k]
		ids, types, mask := b.InputIDs[i*t:][:t], b.TokenTypes[i*t:][:t], b.Mask[i*t:][:t]
		copy(ids, f.InputIDs)
		copy(types, f.TokenTypes)
		for j := range t {
			if j >= len(f.InputIDs) {
				ids[j], types[j], mask[j] = 0, 0, 0
			} else {
				mask[j] = 1
			}
		}
		switch {
		case b.Scores != nil:
			b.Scores[i] = f.Score
		case b.Labels != nil:
			b.Labels[i] = f.Label
		}
	}
}

// resize sets b to n rows of t tokens, reusing its slices.
func resize(b *bert.Batch, n, t int) {
	b.B, b.T = n, t
	b.InputIDs, b.TokenTypes, b.Mask = grow(b.InputIDs, n*t), grow(b.TokenTypes, n*t), grow(b.Mask, n*t)
	b.MaskedPos, b.MaskedIDs, b.NSPLabels = nil, nil, nil
}

// grow returns s with length n, reallocated only when too small.
func grow(s []int32, n int) []int32 {
	if cap(s) < n {
		return make([]int32, n)
	}
	return s[:n]
}
