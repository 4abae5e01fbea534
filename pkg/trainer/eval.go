package trainer

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math"

	"github.com/bertline/bertline/pkg/bert"
	"github.com/bertline/bertline/pkg/loader"
	"github.com/bertline/bertline/pkg/wordpiece"
)

// errNoInstances is Evaluate's error on an empty split.
var errNoInstances = errors.New("eval: no instances to evaluate")

// EvalResult is the pretraining objective on held-out instances. Losses
// are means over every masked position (MLM) or instance (NSP) of the
// split, accumulated in float64 from per-batch sums, so that they do not
// depend on the batch size beyond floating-point rounding.
type EvalResult struct {
	Instances    int64   `json:"instances"`
	MaskedTokens int64   `json:"masked_tokens"`
	MLMLoss      float64 `json:"mlm_loss"`
	MLMAccuracy  float64 `json:"mlm_accuracy"`
	Perplexity   float64 `json:"mlm_perplexity"` // exp(MLMLoss)
	NSPLoss      float64 `json:"nsp_loss"`
	NSPAccuracy  float64 `json:"nsp_accuracy"`
	// MostFrequentToken is the label most often masked in the split, and
	// MostFrequentBaseline the MLM accuracy of always predicting it: the
	// score of a model that learned only the unigram distribution.
	MostFrequentToken    int32   `json:"most_frequent_token"`
	MostFrequentBaseline float64 `json:"mlm_accuracy_most_frequent_baseline"`
}

// Evaluate runs m without dropout over the batches of l (a loader opened
// without shuffling) until io.EOF or maxBatches batches (0: all).
func Evaluate(ctx context.Context, m *bert.Model, l *loader.Loader, maxBatches int) (EvalResult, error) {
	saved := m.Dropout
	m.Dropout = bert.Dropout{}
	defer func() { m.Dropout = saved }()
	var (
		r                 EvalResult
		mlmSum, nspSum    float64
		mlmRight, nspRite int64
		freq              = map[int32]int64{}
	)
	for n := 0; maxBatches <= 0 || n < maxBatches; n++ {
		if err := ctx.Err(); err != nil {
			return r, err
		}
		b, _, err := l.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return r, err
		}
		loss, err := m.Forward(b)
		if err != nil {
			return r, err
		}
		r.Instances += int64(b.B)
		r.MaskedTokens += int64(loss.MLMCount)
		mlmSum += float64(loss.MLM) * float64(loss.MLMCount)
		nspSum += float64(loss.NSP) * float64(b.B)
		mlmRight += int64(loss.MLMCorrect)
		nspRite += int64(loss.NSPCorrect)
		for _, id := range b.MaskedIDs {
			if id >= 0 {
				freq[id]++
			}
		}
	}
	if r.Instances == 0 {
		return r, errNoInstances
	}
	if r.MaskedTokens > 0 {
		r.MLMLoss = mlmSum / float64(r.MaskedTokens)
		r.MLMAccuracy = float64(mlmRight) / float64(r.MaskedTokens)
		r.Perplexity = math.Exp(r.MLMLoss)
		var best int64
		for id, c := range freq {
			if c > best || c == best && id < r.MostFrequentToken {
				best, r.MostFrequentToken = c, id
			}
		}
		r.MostFrequentBaseline = float64(best) / float64(r.MaskedTokens)
	}
	r.NSPLoss = nspSum / float64(r.Instances)
	r.NSPAccuracy = float64(nspRite) / float64(r.Instances)
	return r, nil
}

// EvaluateDir evaluates p on the shards of split directory dir (a
// holdout/ or train/ directory of 'shard pretrain' output) in batches of
// batchSize, checking them against the vocabulary at vocabPath.
func EvaluateDir(ctx context.Context, p *bert.Params, dir, vocabPath string, batchSize, maxBatches int) (EvalResult, error) {
	vocab, err := wordpiece.LoadVocab(vocabPath)
	if err != nil {
		return EvalResult{}, err
	}
	if vocab.Len() != p.Config.VocabSize {
		return EvalResult{}, fmt.Errorf("%s has %d tokens, the model's vocab_size is %d", vocabPath, vocab.Len(), p.Config.VocabSize)
	}
	l, err := loader.Open(loader.Config{Dir: dir, BatchSize: batchSize, VocabSHA256: vocab.SHA256(), Mask: maskConfig(vocab)}, loader.Cursor{})
	if err != nil {
		return EvalResult{}, err
	}
	defer l.Close()
	if l.MaxT() > p.Config.MaxPositionEmbeddings {
		return EvalResult{}, fmt.Errorf("%s: sequences of up to %d tokens, the model has %d positions", dir, l.Meta().MaxSeqLen, p.Config.MaxPositionEmbeddings)
	}
	m := bert.NewModelP(p, batchSize, l.MaxT(), max(1, l.MaxMasked()))
	return Evaluate(ctx, m, l, maxBatches)
}
