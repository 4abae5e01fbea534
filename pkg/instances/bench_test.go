package instances

import (
	"slices"
	"testing"

	"github.com/bertline/bertline/pkg/pyrandom"
)

// BenchmarkCreate times CreateTrainingInstances on the sample corpus with
// CPython's generator. MB/s counts input tokens at 4 bytes each; inst/s is
// instances made per second.
func BenchmarkCreate(b *testing.B) {
	_, v := testVocab(b)
	docs := googleDocs(b)
	tokens := 0
	for _, d := range docs {
		for _, s := range d {
			tokens += len(s)
		}
	}
	for _, c := range []struct {
		name string
		opt  Options
	}{
		{"seq128", Options{MaxSeqLen: 128, MaxPredictions: 20, MaskedLMProb: 0.15, ShortSeqProb: 0.1, DupeFactor: 1}},
		{"seq512", Options{MaxSeqLen: 512, MaxPredictions: 80, MaskedLMProb: 0.15, ShortSeqProb: 0.1, DupeFactor: 1}},
		{"seq128-wwm", Options{MaxSeqLen: 128, MaxPredictions: 20, MaskedLMProb: 0.15, ShortSeqProb: 0.1, DupeFactor: 1, WholeWordMask: true}},
	} {
		b.Run(c.name, func(b *testing.B) {
			opt := c.opt
			opt.Vocab = v
			b.SetBytes(int64(4 * tokens))
			made := 0
			for i := 0; b.Loop(); i++ {
				made += len(CreateTrainingInstances(docs, opt, pyrandom.New(int64(i))))
			}
			b.ReportMetric(float64(made)/b.Elapsed().Seconds(), "inst/s")
		})
	}
}

// BenchmarkMasker times dynamic masking of one 128-token pair.
func BenchmarkMasker(b *testing.B) {
	_, v := testVocab(b)
	opt := Options{MaxSeqLen: 128, MaxPredictions: 20, MaskedLMProb: 0.15, ShortSeqProb: 0.1, DupeFactor: 1, Vocab: v}
	pairs := CreatePairs(googleDocs(b), opt, pyrandom.New(1))
	m, err := NewMasker(opt)
	if err != nil {
		b.Fatal(err)
	}
	rng := pyrandom.New(2)
	src := pairs[0].Tokens
	for _, p := range pairs {
		if len(p.Tokens) > len(src) {
			src = p.Tokens
		}
	}
	buf := slices.Clone(src)
	b.SetBytes(int64(4 * len(src)))
	for b.Loop() {
		copy(buf, src)
		m.Mask(buf, rng)
	}
}
