package main

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"path/filepath"
	"strconv"
	"syscall"

	"github.com/spf13/pflag"

	"github.com/bertline/bertline/pkg/bert"
	"github.com/bertline/bertline/pkg/cli"
	"github.com/bertline/bertline/pkg/progress"
	"github.com/bertline/bertline/pkg/trainer"
	"github.com/bertline/bertline/pkg/wordpiece"
)

// fineTuneFlags are the flags that train squad and train glue share.
type fineTuneFlags struct {
	cfg       trainer.Config
	model     *string
	epochs    *float64
	seed      *uint64
	dropout   *string
	device    *string
	threads   *int
	cased     *bool
	evalBatch *int
}

// addFineTuneFlags registers the shared flags with NVIDIA's defaults for
// the task: epochs, learning rate, batch size and warm-up.
func addFineTuneFlags(flags *pflag.FlagSet, epochs, lr float64, batch int, warmup float64) *fineTuneFlags {
	f := &fineTuneFlags{}
	c := &f.cfg
	flags.StringVar(&c.InitFrom, "init-checkpoint", "", "pretrained weights: a checkpoint or training output directory, or HF/Google BERT (required unless --model)")
	f.model = flags.String("model", "", "train from scratch: a preset or config.json, with --vocab (tests and experiments)")
	flags.StringVar(&c.VocabPath, "vocab", "", "vocabulary (default: the --init-checkpoint's vocab.txt)")
	flags.StringVar(&c.Out, "out", "", "output directory: checkpoints, metrics (required)")
	f.epochs = flags.Float64("epochs", epochs, "passes over the training features")
	flags.IntVar(&c.BatchSize, "batch-size", batch, "sequences per update")
	flags.IntVar(&c.GradAccum, "grad-accum", 1, "micro-batches per update (memory: batch-size/grad-accum sequences at once)")
	flags.Float64Var(&c.LR, "lr", lr, "peak learning rate (AdamW)")
	flags.Float64Var(&c.Warmup, "warmup", warmup, "linear warm-up as a proportion of the updates, then linear decay to 0")
	flags.Float64Var(&c.ClipNorm, "max-grad-norm", 1, "clip gradients to this global norm (0: no clipping)")
	f.seed = flags.Uint64("seed", 1, "seed of the head's initialisation, data order and dropout")
	f.dropout = flags.String("dropout", "", "override hidden and attention dropout of the model config")
	flags.Int64Var(&c.StepsThisRun, "steps-this-run", 0, "stop after this many updates in this process (for job time limits)")
	flags.Int64Var(&c.CheckpointEvery, "checkpoint-every", 500, "updates between checkpoints")
	flags.IntVar(&c.KeepCheckpoints, "keep-checkpoints", 2, "most recent checkpoints kept (0: all)")
	flags.BoolVar(&c.Resume, "resume", false, "continue from OUT's latest checkpoint (starts afresh when there is none)")
	f.cased = flags.Bool("cased", false, "keep case and accents (for cased vocabularies); default lower-cases as uncased BERT")
	f.evalBatch = flags.Int("eval-batch-size", 32, "sequences per forward pass when evaluating --dev")
	f.device = flags.String("device", "cpu", "cpu or cuda")
	f.threads = flags.Int("threads", 0, "CPU threads (default: all cores)")
	return f
}

// setup checks the shared flags and fills in the run's configuration: the
// model (the initial checkpoint's, or --model) with head h, the vocabulary
// and its tokenizer.
func (f *fineTuneFlags) setup(h bert.Head, numLabels int) (*wordpiece.Tokenizer, error) {
	c := &f.cfg
	switch {
	case c.Out == "":
		return nil, cli.Usagef("--out is required")
	case c.InitFrom == "" && *f.model == "":
		return nil, cli.Usagef("--init-checkpoint is required (or --model with --vocab to train from scratch)")
	case c.InitFrom != "" && *f.model != "":
		return nil, cli.Usagef("--init-checkpoint and --model exclude each other")
	case *f.model != "" && c.VocabPath == "":
		return nil, cli.Usagef("--model needs --vocab")
	case !(*f.epochs > 0):
		return nil, cli.Usagef("--epochs must be positive")
	}
	if err := useDevice(*f.device, *f.threads); err != nil {
		return nil, err
	}
	if c.VocabPath == "" {
		dir, err := trainer.ResolveCheckpoint(c.InitFrom)
		if err != nil {
			return nil, err
		}
		c.VocabPath = filepath.Join(dir, bert.VocabName)
	}
	vocab, err := wordpiece.LoadVocab(c.VocabPath)
	if err != nil {
		return nil, err
	}
	model, err := modelConfig(*f.model, c.InitFrom, vocab.Len())
	if err != nil {
		return nil, err
	}
	c.Model = model.WithHead(h, numLabels)
	if *f.dropout != "" {
		p, err := strconv.ParseFloat(*f.dropout, 64)
		if err != nil || p < 0 || p >= 1 {
			return nil, cli.Usagef("--dropout %q: want a probability in [0, 1)", *f.dropout)
		}
		c.Model.HiddenDropoutProb, c.Model.AttentionProbsDropoutProb = p, p
	}
	c.Dropout, c.AttnDropout = c.Model.HiddenDropoutProb, c.Model.AttentionProbsDropoutProb
	c.Seed = *f.seed
	c.Optimizer, c.Schedule, c.World = "adamw", "linear", 1
	c.EvalBatches = -1
	c.Progress = progress.Config{}
	return wordpiece.New(vocab, wordpiece.Options{Lowercase: !*f.cased}), nil
}

// run fine-tunes on data for the configured epochs, with the pre-emption
// signals of train pretrain, and draws the metrics.
func (f *fineTuneFlags) run(ctx context.Context, data trainer.Dataset, inputs ...trainer.FineTuneInput) (*trainer.Result, error) {
	c := f.cfg
	if c.BatchSize <= 0 || c.GradAccum <= 0 || c.BatchSize%c.GradAccum != 0 {
		return nil, cli.Usagef("--batch-size %d must be a positive multiple of --grad-accum %d", c.BatchSize, c.GradAccum)
	}
	c.MaxSteps = trainer.StepsFor(data.Len(), c.BatchSize, *f.epochs)
	if c.MaxSteps <= 0 {
		return nil, fmt.Errorf("%s: %d training sequences make no update of %d at %g epochs", c.Data, data.Len(), c.BatchSize, *f.epochs)
	}
	slog.Info("fine-tuning", "task", c.Phase, "sequences", data.Len(), "updates", c.MaxSteps, "batch_size", c.BatchSize,
		"lr", c.LR, "model", fmt.Sprintf("%d layers, %d wide", c.Model.NumHiddenLayers, c.Model.HiddenSize))
	ctx, stop := signal.NotifyContext(ctx, syscall.SIGUSR1, syscall.SIGTERM, os.Interrupt)
	defer stop()
	res, err := trainer.FineTune(ctx, c, data, inputs...)
	if err != nil {
		return nil, err
	}
	if !res.Skipped {
		if err := renderPlot(c.Out); err != nil {
			slog.Warn("could not draw the metrics", "err", err)
		}
	}
	if res.Finished && !res.Skipped {
		slog.Info("fine-tuning finished", "step", res.Step, "checkpoint", res.Checkpoint)
	}
	return res, nil
}
