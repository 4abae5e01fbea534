package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"syscall"

	"github.com/bertline/bertline/pkg/bert"
	"github.com/bertline/bertline/pkg/cli"
	"github.com/bertline/bertline/pkg/gemm"
	"github.com/bertline/bertline/pkg/progress"
	"github.com/bertline/bertline/pkg/trainer"
	"github.com/bertline/bertline/pkg/wordpiece"
)

const pretrainHelp = `Pretrains BERT (masked LM + next-sentence prediction) on the shards that
'shard pretrain' wrote (DATA/train; DATA/holdout is evaluated at the end),
with the recipe of NVIDIA's run_pretraining.py: LAMB with global gradient
clipping, poly warm-up, gradient accumulation, two phases.

--batch-size is the global batch per update; each update runs --grad-accum
micro-batches of batch-size/grad-accum sequences (per rank). Phase 2 starts
from phase 1's weights (--init-checkpoint) with a fresh optimizer and
schedule, as NVIDIA does; --phase2 labels the run and requires it.

Checkpoints (OUT/checkpoints/step-NNNNNNNN: model.safetensors with
HuggingFace names, config.json, vocab.txt, optimizer state, trainer state)
are written every --checkpoint-every updates and at the end, atomically.
SIGTERM, SIGUSR1 (Slurm pre-emption) and Ctrl-C checkpoint and exit 0;
--resume continues from the latest checkpoint exactly (on the CPU the
weights are bit-identical to an uninterrupted run). OUT/metrics.jsonl gets
one line per update; OUT/metrics.png is drawn at the end of each run.

NVIDIA's BERT-large recipe translated (8 GPUs, per-GPU micro-batch 64/16):
  train pretrain --data shards/phase1 --model large --vocab vocab.txt --out runs/phase1 \
      --batch-size 65536 --grad-accum 128 --lr 6e-3 --warmup 0.2843 --max-steps 7038 --device cuda
  train pretrain --phase2 --init-checkpoint runs/phase1 --data shards/phase2 --vocab vocab.txt \
      --out runs/phase2 --batch-size 32768 --grad-accum 256 --lr 4e-3 --warmup 0.128 --max-steps 1563 --device cuda

Examples:
  train pretrain --data out/phase1 --model mini --vocab out/vocab.txt --out out/run1 --batch-size 32 --max-steps 1000
  train pretrain --data out/phase1 --model mini --vocab out/vocab.txt --out out/run1 --batch-size 32 --max-steps 1000 --resume`

func runPretrain(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	flags := cli.NewFlagSet("pretrain", "train pretrain --data DIR --vocab FILE --out DIR [--model NAME|config.json] [flags]", pretrainHelp, stdout)
	var c trainer.Config
	flags.StringVar(&c.Data, "data", "", "output directory of 'shard pretrain' (required)")
	modelName := flags.String("model", "", "preset ("+strings.Join(bert.PresetNames(), ", ")+") or a config.json (default: the --init-checkpoint's)")
	flags.StringVar(&c.VocabPath, "vocab", "", "the vocabulary the shards were made with (required)")
	flags.StringVar(&c.Out, "out", "", "output directory: checkpoints, metrics (required)")
	flags.IntVar(&c.BatchSize, "batch-size", 32, "global sequences per update")
	flags.IntVar(&c.GradAccum, "grad-accum", 1, "micro-batches per update (memory: batch-size/grad-accum sequences at once)")
	flags.Float64Var(&c.LR, "lr", 1e-3, "peak learning rate (NVIDIA: 6e-3 phase 1, 4e-3 phase 2 with LAMB)")
	flags.Float64Var(&c.Warmup, "warmup", 0.01, "warm-up as a proportion of --max-steps")
	flags.Int64Var(&c.MaxSteps, "max-steps", 0, "updates of the whole run (required)")
	flags.Int64Var(&c.StepsThisRun, "steps-this-run", 0, "stop after this many updates in this process (for job time limits)")
	flags.StringVar(&c.Optimizer, "optimizer", "lamb", "lamb (pretraining) or adamw")
	flags.StringVar(&c.Schedule, "schedule", "poly", "poly (NVIDIA: warm-up, then (1-progress)^0.5) or linear")
	seed := flags.Uint64("seed", 42, "seed of initialisation, data order, dynamic masks and dropout")
	phase2 := flags.Bool("phase2", false, "phase 2: start from --init-checkpoint with a fresh optimizer and schedule")
	flags.StringVar(&c.InitFrom, "init-checkpoint", "", "weights to start from: a checkpoint or training output directory, or HF/Google BERT")
	flags.Int64Var(&c.CheckpointEvery, "checkpoint-every", 200, "updates between checkpoints")
	flags.IntVar(&c.KeepCheckpoints, "keep-checkpoints", 3, "most recent checkpoints kept (0: all)")
	dropout := flags.String("dropout", "", "override hidden and attention dropout of the model config (e.g. 0 or 0.1)")
	device := flags.String("device", "cpu", "cpu or cuda")
	threads := flags.Int("threads", 0, "CPU threads (default: all cores)")
	flags.BoolVar(&c.Resume, "resume", false, "continue from OUT's latest checkpoint (starts afresh when there is none)")
	flags.IntVar(&c.EvalBatches, "eval-batches", 0, "held-out batches evaluated at the end (0: all, -1: none)")
	if err := cli.Parse(flags, args); err != nil {
		return err
	}
	switch {
	case c.Data == "" || c.VocabPath == "" || c.Out == "":
		return cli.Usagef("--data, --vocab and --out are required")
	case c.MaxSteps <= 0:
		return cli.Usagef("--max-steps is required")
	case flags.NArg() > 0:
		return cli.Usagef("unexpected argument %q", flags.Arg(0))
	case *phase2 && c.InitFrom == "":
		return cli.Usagef("--phase2 needs --init-checkpoint (phase 1's output)")
	case *modelName == "" && c.InitFrom == "":
		return cli.Usagef("--model is required without --init-checkpoint")
	}
	if err := useDevice(*device, *threads); err != nil {
		return err
	}
	c.Seed = *seed
	c.Phase = "phase1"
	if *phase2 {
		c.Phase = "phase2"
	}
	var err error
	if c.Rank, c.World, err = rankAndWorld(); err != nil {
		return &cli.UsageError{Err: err}
	}
	if c.World > 1 {
		return fmt.Errorf("world size %d: data-parallel training needs the CUDA backend (NCCL); on the CPU run one process and use --threads", c.World)
	}
	vocab, err := wordpiece.LoadVocab(c.VocabPath)
	if err != nil {
		return err
	}
	if c.Model, err = modelConfig(*modelName, c.InitFrom, vocab.Len()); err != nil {
		return err
	}
	if *dropout != "" {
		p, err := strconv.ParseFloat(*dropout, 64)
		if err != nil || p < 0 || p >= 1 {
			return cli.Usagef("--dropout %q: want a probability in [0, 1)", *dropout)
		}
		c.Model.HiddenDropoutProb, c.Model.AttentionProbsDropoutProb = p, p
	}
	c.Dropout, c.AttnDropout = c.Model.HiddenDropoutProb, c.Model.AttentionProbsDropoutProb
	c.Progress = progress.Config{}

	// Pre-emption: SIGUSR1 (Slurm's --signal) as well as SIGTERM and Ctrl-C.
	ctx, stop := signal.NotifyContext(ctx, syscall.SIGUSR1, syscall.SIGTERM, os.Interrupt)
	defer stop()
	res, err := trainer.Run(ctx, c)
	if err != nil {
		return err
	}
	if !res.Skipped {
		if err := renderPlot(c.Out); err != nil {
			slog.Warn("could not draw the metrics", "err", err)
		}
	}
	switch {
	case res.Finished && !res.Skipped:
		slog.Info("training finished", "step", res.Step, "checkpoint", res.Checkpoint, "metrics", filepath.Join(c.Out, trainer.MetricsName))
	}
	return nil
}

// useDevice checks --device and applies --threads (0: all cores): what
// every training command does before any work.
func useDevice(device string, threads int) error {
	switch device {
	case "cpu":
	case "cuda":
		return errors.New("--device cuda: the CUDA backend is not part of this build yet; use --device cpu")
	default:
		return cli.Usagef("--device must be cpu or cuda, not %q", device)
	}
	if threads > 0 {
		runtime.GOMAXPROCS(threads)
		gemm.SetThreads(threads)
	}
	return nil
}

// modelConfig is the model of the run: a preset, a config.json, or the
// initial checkpoint's configuration.
func modelConfig(name, initFrom string, vocabSize int) (bert.Config, error) {
	var cfg bert.Config
	var err error
	switch {
	case name == "":
		dir, err := trainer.ResolveCheckpoint(initFrom)
		if err != nil {
			return cfg, err
		}
		cfg, err = bert.LoadConfig(filepath.Join(dir, bert.ConfigName))
		if err != nil {
			return cfg, err
		}
	case strings.HasSuffix(name, ".json") || strings.ContainsRune(name, os.PathSeparator):
		if cfg, err = bert.LoadConfig(name); err != nil {
			return cfg, err
		}
	default:
		if cfg, err = bert.Preset(name, vocabSize); err != nil {
			return cfg, &cli.UsageError{Err: err}
		}
	}
	if cfg.VocabSize != vocabSize {
		return cfg, fmt.Errorf("the model's vocab_size is %d, the vocabulary has %d tokens", cfg.VocabSize, vocabSize)
	}
	return cfg, nil
}

// rankAndWorld reads the data-parallel rank and world size from Slurm
// (SLURM_PROCID, SLURM_NTASKS) or torchrun (RANK, WORLD_SIZE); 0 and 1
// when neither is set.
func rankAndWorld() (rank, world int, err error) {
	for _, names := range [][2]string{{"RANK", "WORLD_SIZE"}, {"SLURM_PROCID", "SLURM_NTASKS"}} {
		r, w := os.Getenv(names[0]), os.Getenv(names[1])
		if r == "" || w == "" {
			continue
		}
		if rank, err = strconv.Atoi(r); err != nil {
			return 0, 0, fmt.Errorf("%s=%q is not a number", names[0], r)
		}
		if world, err = strconv.Atoi(w); err != nil || world < 1 {
			return 0, 0, fmt.Errorf("%s=%q is not a positive number", names[1], w)
		}
		if rank < 0 || rank >= world {
			return 0, 0, fmt.Errorf("%s=%d is outside %s=%d", names[0], rank, names[1], world)
		}
		return rank, world, nil
	}
	return 0, 1, nil
}
