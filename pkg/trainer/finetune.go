package trainer

import (
	"context"
	"fmt"
	"math/rand/v2"

	"github.com/bertline/bertline/pkg/bert"
	"github.com/bertline/bertline/pkg/loader"
)

// Dataset is fine-tuning data: Len examples (features), already tokenized,
// that Fill writes into batches with their targets.
type Dataset interface {
	// Len is the number of examples.
	Len() int
	// SeqLen is the longest sequence Fill writes: the model's T.
	SeqLen() int
	// Fill sets b to the examples idx, in that order, with their targets
	// when targets is set, reusing b's slices where they are large enough.
	Fill(b *bert.Batch, idx []int, targets bool)
}

// FineTuneInput is a file a fine-tuning run's manifest lists as an input.
type FineTuneInput struct{ Path, Name string }

// StepsFor returns the updates of epochs passes over n examples in batches
// of batchSize, each pass dropping its last partial batch as
// google-research/bert's run_classifier.py and run_squad.py do
// (drop_remainder): int(n / batchSize × epochs).
func StepsFor(n, batchSize int, epochs float64) int64 {
	return int64(float64(n/batchSize) * epochs)
}

// FineTune trains cfg.Model, whose head is not Pretraining, on data:
// cfg.InitFrom's weights (the encoder of a pretraining checkpoint, or a
// whole fine-tuned model), then cfg.MaxSteps updates of cfg.BatchSize
// examples drawn in an order shuffled anew each epoch from cfg.Seed, each
// epoch dropping its last partial batch. Checkpoints, resume, signals,
// metrics.jsonl and the manifest are Run's; inputs are listed in the
// manifest besides the vocabulary. The stage is "train " + cfg.Phase
// unless cfg.Stage says otherwise.
func FineTune(ctx context.Context, cfg Config, data Dataset, inputs ...FineTuneInput) (*Result, error) {
	if cfg.Model.Head == "" || cfg.Model.Head == bert.Pretraining {
		return nil, fmt.Errorf("train: fine-tuning needs a task head, not %s", bert.Pretraining)
	}
	if cfg.Stage == "" {
		cfg.Stage = "train " + cfg.Phase
	}
	if _, err := checkVocab(&cfg); err != nil {
		return nil, err
	}
	if cfg.World > 1 {
		return nil, fmt.Errorf("train: fine-tuning runs on one process, not %d", cfg.World)
	}
	micro := cfg.BatchSize / cfg.GradAccum
	perEpoch := int64(data.Len()/cfg.BatchSize) * int64(cfg.GradAccum)
	if perEpoch == 0 {
		return nil, fmt.Errorf("train: %d examples, fewer than one batch of %d", data.Len(), cfg.BatchSize)
	}
	if t := data.SeqLen(); t > cfg.Model.MaxPositionEmbeddings {
		return nil, fmt.Errorf("train: sequences of %d tokens, the model has %d positions", t, cfg.Model.MaxPositionEmbeddings)
	}
	for _, in := range inputs {
		cfg.inputs = append(cfg.inputs, [2]string{in.Path, in.Name})
	}
	r, done, err := begin(ctx, cfg)
	if done != nil || err != nil {
		return done, err
	}
	r.data = &datasetSource{data: data, micro: micro, perEpoch: perEpoch, seed: cfg.Seed,
		at: loader.Cursor{Epoch: r.state.Cursor.Epoch, Batch: r.state.Cursor.Batch}, epoch: -1}
	r.micro = micro
	r.m = bert.NewModel(r.p, micro, data.SeqLen())
	return r.execute(ctx)
}

// datasetSource deals a Dataset's examples in micro-batches: epoch e is a
// permutation drawn from (seed, e), cut into perEpoch micro-batches of
// micro examples; what is left over is not used in that epoch. Batch k of
// epoch e is therefore the same however the run was interrupted.
type datasetSource struct {
	data     Dataset
	micro    int
	perEpoch int64
	seed     uint64
	at       loader.Cursor // the next micro-batch
	epoch    int64         // the epoch perm belongs to
	perm     []int
	b        bert.Batch
}

// Next returns the next micro-batch and the cursor after it.
func (s *datasetSource) Next() (*bert.Batch, loader.Cursor, error) {
	if s.at.Batch >= s.perEpoch {
		s.at = loader.Cursor{Epoch: s.at.Epoch + 1}
	}
	if s.epoch != s.at.Epoch {
		s.perm = permutation(s.data.Len(), s.seed, s.at.Epoch)
		s.epoch = s.at.Epoch
	}
	lo := int(s.at.Batch) * s.micro
	s.data.Fill(&s.b, s.perm[lo:lo+s.micro], true)
	s.at.Batch++
	return &s.b, s.at, nil
}

// permutation returns the order of n examples in epoch e of a run seeded
// with seed.
func permutation(n int, seed uint64, epoch int64) []int {
	rng := rand.New(rand.NewPCG(seed, uint64(epoch)^0x66696e65))
	return rng.Perm(n)
}

// line is the metrics line of an update: StepMetrics for pretraining,
// FineTuneMetrics otherwise.
func (r *run) line(sm StepMetrics) any {
	if r.cfg.Model.Head == bert.Pretraining {
		return sm
	}
	return FineTuneMetrics{Phase: sm.Phase, Step: sm.Step, Loss: sm.Loss, Accuracy: sm.Accuracy, LR: sm.LR,
		GradNorm: sm.GradNorm, SeqPerS: sm.SeqPerS, TokensPerS: sm.TokensPerS, Elapsed: sm.Elapsed, Skipped: sm.Skipped}
}

// Predict runs the model of p without dropout over data in order,
// batchSize examples at a time, and after each batch calls each with the
// examples it held and the model, whose SpanLogits or ClassLogits are then
// theirs. It stops at the first error, ctx's included.
func Predict(ctx context.Context, p *bert.Params, data Dataset, batchSize int, each func(idx []int, m *bert.Model) error) error {
	if batchSize < 1 {
		return fmt.Errorf("predict: batch size %d", batchSize)
	}
	if t := data.SeqLen(); t > p.Config.MaxPositionEmbeddings {
		return fmt.Errorf("predict: sequences of %d tokens, the model has %d positions", t, p.Config.MaxPositionEmbeddings)
	}
	n := data.Len()
	m := bert.NewModel(p, min(batchSize, max(1, n)), data.SeqLen())
	var b bert.Batch
	idx := make([]int, 0, batchSize)
	for lo := 0; lo < n; lo += batchSize {
		if err := ctx.Err(); err != nil {
			return err
		}
		idx = idx[:0]
		for i := lo; i < min(lo+batchSize, n); i++ {
			idx = append(idx, i)
		}
		data.Fill(&b, idx, false)
		if _, err := m.Forward(&b); err != nil {
			return fmt.Errorf("predict: %w", err)
		}
		if err := each(idx, m); err != nil {
			return err
		}
	}
	return nil
}
