package trainer

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"sync"
	"time"

	"github.com/bertline/bertline/pkg/bert"
	"github.com/bertline/bertline/pkg/loader"
	"github.com/bertline/bertline/pkg/manifest"
	"github.com/bertline/bertline/pkg/optim"
	"github.com/bertline/bertline/pkg/progress"
	"github.com/bertline/bertline/pkg/version"
	"github.com/bertline/bertline/pkg/wordpiece"
)

// Stage is the stage name in a finished training directory's manifest.
const Stage = "train pretrain"

// RunParams are the parameters that decide what a run computes. A resumed
// run must have the same ones (StepsThisRun, checkpointing, threads and
// logging are not among them: they change when, not what).
type RunParams struct {
	Phase       string  `json:"phase,omitempty"`
	BatchSize   int     `json:"batch_size"` // global sequences per update
	GradAccum   int     `json:"grad_accum"` // micro-batches per update and rank
	World       int     `json:"world"`      // data-parallel ranks
	LR          float64 `json:"lr"`
	Warmup      float64 `json:"warmup"` // proportion of MaxSteps
	MaxSteps    int64   `json:"max_steps"`
	Optimizer   string  `json:"optimizer"` // lamb or adamw
	Schedule    string  `json:"schedule"`  // poly or linear
	Seed        uint64  `json:"seed"`
	Dropout     float64 `json:"hidden_dropout"`
	AttnDropout float64 `json:"attention_dropout"`
	ClipNorm    float64 `json:"max_grad_norm,omitempty"` // AdamW: gradients are scaled to at most this global norm (0: not clipped)
	InitFrom    string  `json:"init_checkpoint,omitempty"`
	TaskConfig  string  `json:"task_config,omitempty"` // fine-tuning: how the task's features were made
	VocabSHA256 string  `json:"vocab_sha256"`
	Data        string  `json:"data"`
}

// Config is a training run.
type Config struct {
	RunParams
	Model     bert.Config // VocabSize must equal the vocabulary's size
	VocabPath string
	Out       string
	Resume    bool // continue from the latest checkpoint in Out/checkpoints when there is one

	StepsThisRun    int64 // stop after this many updates in this process (0: no limit)
	CheckpointEvery int64 // updates between checkpoints (0: only at the end)
	KeepCheckpoints int   // most recent checkpoints kept (0: all)
	MaxSkipped      int   // consecutive non-finite updates that stop the run (0: 10)
	EvalBatches     int   // held-out batches evaluated at the end (0: all, <0: none)
	Rank            int
	Progress        progress.Config
	Log             *slog.Logger

	// Stage names the output in its manifest: Stage ("train pretrain")
	// when empty; FineTune sets its own.
	Stage string
	// inputs are the files a fine-tuning run's manifest lists besides the
	// vocabulary: [path, name in the manifest].
	inputs [][2]string
}

// stage returns the manifest stage of the run.
func (c *Config) stage() string {
	if c.Stage != "" {
		return c.Stage
	}
	return Stage
}

// Result says how a run ended.
type Result struct {
	Step       int64  // updates done
	Checkpoint string // the last checkpoint written or found
	Finished   bool   // Step reached MaxSteps and the output's manifest is written
	Preempted  bool   // stopped by a signal after checkpointing
	Skipped    bool   // the output was already finished: nothing done
	Eval       *EvalResult
}

// Run trains (or continues training) a BERT model on the shards under
// cfg.Data/train, checkpointing under cfg.Out/checkpoints and logging to
// cfg.Out/metrics.jsonl. Cancelling ctx (SIGTERM, SIGUSR1, Ctrl-C) makes it
// finish the current update, checkpoint and return with Preempted set.
func Run(ctx context.Context, cfg Config) (*Result, error) {
	if cfg.Model.Head == "" {
		cfg.Model.Head = bert.Pretraining
	}
	if cfg.Model.Head != bert.Pretraining {
		return nil, fmt.Errorf("train: pretraining needs a %s model, not %s", bert.Pretraining, cfg.Model.Head)
	}
	vocab, err := checkVocab(&cfg)
	if err != nil {
		return nil, err
	}
	if _, err := manifest.Read(cfg.Data); err != nil {
		return nil, fmt.Errorf("training data: %w", err)
	}
	r, done, err := begin(ctx, cfg)
	if done != nil || err != nil {
		return done, err
	}
	micro := cfg.BatchSize / (cfg.GradAccum * max(1, cfg.World))
	data, err := loader.Open(loader.Config{
		Dir: filepath.Join(cfg.Data, "train"), BatchSize: micro, Rank: cfg.Rank, World: cfg.World,
		Seed: cfg.Seed, Shuffle: true, VocabSHA256: cfg.VocabSHA256, Mask: maskConfig(vocab),
	}, loader.Cursor{Epoch: r.state.Cursor.Epoch, Batch: r.state.Cursor.Batch})
	if err != nil {
		return nil, err
	}
	defer data.Close()
	if data.MaxT() > cfg.Model.MaxPositionEmbeddings {
		return nil, fmt.Errorf("%s: sequences of up to %d tokens, the model has %d positions", cfg.Data, data.Meta().MaxSeqLen, cfg.Model.MaxPositionEmbeddings)
	}
	if data.BatchesPerEpoch() == 0 {
		return nil, fmt.Errorf("%s: %d training instances, fewer than one batch of %d", cfg.Data, data.Instances(), cfg.BatchSize)
	}
	r.data, r.micro = data, micro
	r.m = bert.NewModelP(r.p, micro, data.MaxT(), max(1, data.MaxMasked()))
	return r.execute(ctx)
}

// checkVocab validates cfg, loads its vocabulary, checks it against the
// model and records its hash in the run's parameters.
func checkVocab(cfg *Config) (*wordpiece.Vocab, error) {
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	vocab, err := wordpiece.LoadVocab(cfg.VocabPath)
	if err != nil {
		return nil, err
	}
	if vocab.Len() != cfg.Model.VocabSize {
		return nil, fmt.Errorf("%s has %d tokens, the model's vocab_size is %d", cfg.VocabPath, vocab.Len(), cfg.Model.VocabSize)
	}
	cfg.VocabSHA256 = vocab.SHA256()
	return vocab, nil
}

// begin prepares a run of cfg: the parameters and optimizer state, fresh,
// from cfg.InitFrom or resumed from the latest checkpoint under cfg.Out.
// It returns a finished Result instead when there is nothing to train.
// The caller sets the run's data, micro-batch size and model.
func begin(ctx context.Context, cfg Config) (*run, *Result, error) {
	log := cfg.Log
	if log == nil {
		log = slog.Default()
	}
	cfg.Log = log
	if manifest.Complete(cfg.Out, cfg.stage(), cfg.RunParams) {
		ck, err := ResolveCheckpoint(cfg.Out)
		if err != nil {
			return nil, nil, err
		}
		log.Info("training already finished; nothing to do", "out", cfg.Out, "checkpoint", ck)
		return nil, &Result{Step: cfg.MaxSteps, Checkpoint: ck, Finished: true, Skipped: true}, nil
	}
	if err := os.MkdirAll(cfg.Out, 0o755); err != nil {
		return nil, nil, fmt.Errorf("output: %w", err)
	}
	p, err := bert.NewParams(cfg.Model, cfg.Seed)
	if err != nil {
		return nil, nil, err
	}
	ost := optim.NewState(len(p.Data))
	state := &State{Params: cfg.RunParams, ModelConf: cfg.Model, LossScale: 1}
	root := filepath.Join(cfg.Out, CheckpointsDir)
	steps, err := listCheckpoints(root)
	if err != nil {
		return nil, nil, err
	}
	switch {
	case len(steps) > 0 && !cfg.Resume:
		return nil, nil, fmt.Errorf("%s already holds checkpoints up to step %d: pass --resume to continue that run, or choose another --out", cfg.Out, steps[len(steps)-1])
	case len(steps) > 0:
		dir := filepath.Join(root, checkpointName(steps[len(steps)-1]))
		if state, err = resumeFrom(dir, cfg, p, ost); err != nil {
			return nil, nil, err
		}
		log.Info("resuming", "checkpoint", dir, "step", state.Step, "epoch", state.Cursor.Epoch, "batch", state.Cursor.Batch)
	case cfg.InitFrom != "":
		if err := initFrom(cfg.InitFrom, p, log); err != nil {
			return nil, nil, err
		}
	}
	if state.Step >= cfg.MaxSteps {
		res, err := finish(ctx, cfg, p, state, "", log)
		return nil, res, err
	}
	return &run{cfg: cfg, p: p, ost: ost, state: state, root: root, log: log, groups: groupsOf(p)}, nil, nil
}

// execute runs the prepared run r to its end, a signal or StepsThisRun,
// and finishes the output when MaxSteps is reached.
func (r *run) execute(ctx context.Context) (*Result, error) {
	var err error
	r.metrics, err = openMetrics(filepath.Join(r.cfg.Out, MetricsName), r.state.Step, false)
	if err != nil {
		return nil, err
	}
	defer r.metrics.close()
	res, err := r.loop(ctx)
	if err != nil || res.Preempted || r.state.Step < r.cfg.MaxSteps {
		return res, err
	}
	return finish(ctx, r.cfg, r.p, r.state, res.Checkpoint, r.log)
}

// source is where a run's micro-batches come from: a shard loader for
// pretraining, a fine-tuning dataset's batches otherwise. Next returns the
// batch and the cursor of the one after it.
type source interface {
	Next() (*bert.Batch, loader.Cursor, error)
}

// run is one training process's state.
type run struct {
	cfg     Config
	p       *bert.Params
	ost     *optim.State
	state   *State
	data    source
	m       *bert.Model
	micro   int
	root    string
	metrics *metricsLog
	log     *slog.Logger
	groups  []optim.Group // the optimizer's view of p's tensors
}

// loop runs updates until MaxSteps, StepsThisRun or a signal, and leaves
// a checkpoint of the last one.
func (r *run) loop(ctx context.Context) (*Result, error) {
	cfg, state := r.cfg, r.state
	res := &Result{}
	stopAt := cfg.MaxSteps
	if cfg.StepsThisRun > 0 {
		stopAt = min(stopAt, state.Step+cfg.StepsThisRun)
	}
	meter := progress.Start("train", cfg.MaxSteps, progress.Count, cfg.Progress)
	defer meter.Finish()
	meter.Set(state.Step)
	lastCheckpoint := int64(-1)
	consecutive := 0
	var err error
	for state.Step < stopAt {
		if ctx.Err() != nil {
			res.Preempted = true
			break
		}
		sm, err := r.update()
		if err != nil {
			return nil, err
		}
		if err := r.metrics.write(r.line(sm)); err != nil {
			return nil, err
		}
		if sm.Skipped {
			consecutive++
			r.log.Warn("non-finite loss or gradient: update skipped", "step", sm.Step, "loss", sm.Loss, "grad_norm", sm.GradNorm, "consecutive", consecutive)
			if consecutive >= cfg.maxSkipped() {
				return nil, fmt.Errorf("step %d: %d updates in a row had a non-finite loss or gradient; stopping (lower --lr, check the data, or resume from an earlier checkpoint)", sm.Step, consecutive)
			}
		} else {
			consecutive = 0
		}
		meter.Set(state.Step)
		acc, accName := sm.MLMAccuracy, "mlm_acc"
		if cfg.Model.Head != bert.Pretraining {
			acc, accName = sm.Accuracy, "acc"
		}
		meter.SetAttrs("loss", fmt.Sprintf("%.4f", sm.Loss), accName, fmt.Sprintf("%.3f", acc),
			"lr", fmt.Sprintf("%.3g", sm.LR), "seq_per_s", fmt.Sprintf("%.1f", sm.SeqPerS))
		if cfg.CheckpointEvery > 0 && state.Step%cfg.CheckpointEvery == 0 && state.Step < stopAt {
			if res.Checkpoint, err = r.checkpoint(); err != nil {
				return nil, err
			}
			lastCheckpoint = state.Step
		}
	}
	if state.Step != lastCheckpoint {
		if res.Checkpoint, err = r.checkpoint(); err != nil {
			return nil, err
		}
	}
	res.Step = state.Step
	switch {
	case res.Preempted:
		r.log.Info("stopped by a signal after checkpointing; continue with --resume", "step", state.Step, "max_steps", cfg.MaxSteps, "checkpoint", res.Checkpoint)
	case state.Step < cfg.MaxSteps:
		r.log.Info("stopped after --steps-this-run; continue with --resume", "step", state.Step, "max_steps", cfg.MaxSteps, "checkpoint", res.Checkpoint)
	}
	return res, nil
}

// checkpoint saves the current state, syncs the metrics and prunes old checkpoints.
func (r *run) checkpoint() (string, error) {
	if err := r.metrics.sync(); err != nil {
		return "", fmt.Errorf("metrics: %w", err)
	}
	r.state.OptimStep = r.ost.Step
	r.state.Version = version.String()
	dir, err := saveCheckpoint(r.root, r.p, r.ost, r.state, r.cfg.VocabPath)
	if err != nil {
		return "", err
	}
	if err := pruneCheckpoints(r.root, r.cfg.KeepCheckpoints); err != nil {
		return "", err
	}
	r.log.Info("checkpoint", "dir", dir, "step", r.state.Step)
	return dir, nil
}

// update runs one optimizer update: GradAccum micro-batches forward and
// backward, gradients averaged, then LAMB or AdamW at the scheduled rate.
// A non-finite loss or gradient norm skips the parameter update (the data
// and the step still advance, as NVIDIA's loss scaler skips a step).
func (r *run) update() (StepMetrics, error) {
	cfg, st, m := r.cfg, r.state, r.m
	start := time.Now()
	m.ZeroGrad()
	sm := StepMetrics{Phase: cfg.Phase, Step: st.Step + 1}
	var mlmCorrect, mlmCount, nspCorrect, correct, seqs, tokens int
	finiteLoss := true
	for range cfg.GradAccum {
		b, cur, err := r.data.Next()
		if err != nil {
			return sm, err
		}
		m.Dropout = bert.Dropout{Hidden: float32(cfg.Dropout), Attention: float32(cfg.AttnDropout), Seed: cfg.Seed, Step: st.MicroStep}
		loss, err := m.Forward(b)
		if err != nil {
			return sm, err
		}
		st.MicroStep++
		st.Cursor = loaderCursor{Epoch: cur.Epoch, Batch: cur.Batch}
		if !isFinite(float64(loss.Total)) {
			finiteLoss = false
		}
		m.Backward(b)
		sm.Loss += float64(loss.Total)
		sm.MLMLoss += float64(loss.MLM)
		sm.NSPLoss += float64(loss.NSP)
		mlmCorrect += loss.MLMCorrect
		mlmCount += loss.MLMCount
		nspCorrect += loss.NSPCorrect
		correct += loss.Correct
		seqs += b.B
		tokens += realTokens(b)
	}
	k := float64(cfg.GradAccum)
	sm.Loss, sm.MLMLoss, sm.NSPLoss = sm.Loss/k, sm.MLMLoss/k, sm.NSPLoss/k
	sm.MLMAccuracy = float64(mlmCorrect) / float64(max(1, mlmCount))
	sm.NSPAccuracy = float64(nspCorrect) / float64(max(1, seqs))
	sm.Accuracy = float64(correct) / float64(max(1, seqs))
	if cfg.GradAccum > 1 {
		parallelScale(m.Grads, float32(1/k))
	}
	st.Step++
	sm.LR = cfg.lr(st.Step)
	var err error
	if finiteLoss {
		sm.GradNorm, err = r.optimizerStep(sm.LR)
		if err != nil {
			return sm, err
		}
	} else {
		sm.GradNorm = math.NaN()
	}
	sm.Skipped = !finiteLoss || !isFinite(sm.GradNorm)
	if sm.Skipped {
		st.Skipped++
	}
	dt := time.Since(start).Seconds()
	st.Elapsed += dt
	st.Sequences += int64(seqs)
	sm.Elapsed = st.Elapsed
	sm.SeqPerS = float64(seqs) / dt
	sm.TokensPerS = float64(tokens) / dt
	return sm, nil
}

// optimizerStep applies the configured optimizer and returns the global
// gradient norm (before clipping, for LAMB). A non-finite norm leaves the
// parameters untouched.
func (r *run) optimizerStep(lr float64) (float64, error) {
	switch r.cfg.Optimizer {
	case "adamw":
		norm := optim.Norm(r.m.Grads)
		if !isFinite(norm) {
			return norm, nil
		}
		if c := r.cfg.ClipNorm; c > 0 && norm > c {
			// torch.nn.utils.clip_grad_norm_'s scaling.
			scale := float32(c / (norm + 1e-6))
			parallelScale(r.m.Grads, scale)
		}
		return norm, optim.DefaultAdamW.Step(r.p.Data, r.m.Grads, r.ost, r.groups, lr)
	default:
		return optim.DefaultLAMB.Step(r.p.Data, r.m.Grads, r.ost, r.groups, lr)
	}
}

// groupsOf is the optimizer's view of the parameter table.
func groupsOf(p *bert.Params) []optim.Group {
	g := make([]optim.Group, len(p.Tensors))
	for i, t := range p.Tensors {
		g[i] = optim.Group{Offset: t.Offset, Size: t.Size, Decay: t.Decay}
	}
	return g
}

// lr is the learning rate of update step (1-based): the schedule is
// advanced before the optimizer steps, as NVIDIA's run_pretraining.py does,
// so the first update of a warm-up already has a non-zero rate.
func (c *Config) lr(step int64) float64 {
	if c.Schedule == "linear" {
		return optim.LinearWarmup(c.LR, step, int64(c.Warmup*float64(c.MaxSteps)), c.MaxSteps)
	}
	return optim.PolyWarmup(c.LR, step, c.MaxSteps, c.Warmup, 0.5)
}

func (c *Config) maxSkipped() int {
	if c.MaxSkipped > 0 {
		return c.MaxSkipped
	}
	return 10
}

// validate checks the parameters that do not need the data.
func (c *Config) validate() error {
	world := max(1, c.World)
	switch {
	case c.Out == "" || c.Data == "" || c.VocabPath == "":
		return errors.New("train: data, vocabulary and output directories are required")
	case c.BatchSize <= 0 || c.GradAccum <= 0:
		return fmt.Errorf("train: batch size %d and gradient accumulation %d must be positive", c.BatchSize, c.GradAccum)
	case c.BatchSize%(c.GradAccum*world) != 0:
		return fmt.Errorf("train: batch size %d is not a multiple of grad-accum %d × world %d", c.BatchSize, c.GradAccum, world)
	case c.MaxSteps <= 0:
		return fmt.Errorf("train: max steps %d must be positive", c.MaxSteps)
	case c.LR <= 0 || c.Warmup < 0 || c.Warmup >= 1:
		return fmt.Errorf("train: learning rate %g must be positive and warm-up %g in [0, 1)", c.LR, c.Warmup)
	case c.Optimizer != "lamb" && c.Optimizer != "adamw":
		return fmt.Errorf("train: unknown optimizer %q (lamb or adamw)", c.Optimizer)
	case c.Schedule != "poly" && c.Schedule != "linear":
		return fmt.Errorf("train: unknown schedule %q (poly or linear)", c.Schedule)
	case c.Dropout < 0 || c.Dropout >= 1 || c.AttnDropout < 0 || c.AttnDropout >= 1:
		return fmt.Errorf("train: dropout %g/%g must be in [0, 1)", c.Dropout, c.AttnDropout)
	case c.Rank < 0 || c.Rank >= world:
		return fmt.Errorf("train: rank %d outside world size %d", c.Rank, world)
	}
	return c.Model.Validate()
}

// resumeFrom loads the checkpoint dir into p and ost and returns its state,
// after checking that it belongs to a run with the same parameters.
func resumeFrom(dir string, cfg Config, p *bert.Params, ost *optim.State) (*State, error) {
	st, err := readState(dir)
	if err != nil {
		return nil, err
	}
	if st.ModelConf != cfg.Model {
		return nil, fmt.Errorf("%s: the checkpoint's model differs from this run's (%+v vs %+v)", dir, st.ModelConf, cfg.Model)
	}
	if !reflect.DeepEqual(st.Params, cfg.RunParams) {
		return nil, fmt.Errorf("%s: the run's parameters differ from the checkpoint's (%+v vs %+v); resume with the same ones or start a new --out", dir, cfg.RunParams, st.Params)
	}
	rep, err := bert.LoadWeights(filepath.Join(dir, bert.WeightsName), p)
	if err != nil {
		return nil, err
	}
	if len(rep.Missing) > 0 || len(rep.Unexpected) > 0 {
		return nil, fmt.Errorf("%s: checkpoint does not match the model: missing %v, unexpected %v", dir, rep.Missing, rep.Unexpected)
	}
	if err := loadOptimizer(dir, ost); err != nil {
		return nil, err
	}
	ost.Step = st.OptimStep
	return st, nil
}

// initFrom loads the weights of another run or a published BERT checkpoint
// (phase 2 from phase 1, or Google/HuggingFace weights). Tensors the source
// lacks keep their initialisation and are reported.
func initFrom(path string, p *bert.Params, log *slog.Logger) error {
	dir, err := ResolveCheckpoint(path)
	if err != nil {
		return err
	}
	cfg, err := bert.LoadConfig(filepath.Join(dir, bert.ConfigName))
	if err == nil && (cfg.HiddenSize != p.Config.HiddenSize || cfg.NumHiddenLayers != p.Config.NumHiddenLayers ||
		cfg.VocabSize != p.Config.VocabSize) {
		return fmt.Errorf("%s: the checkpoint is a %d-layer, %d-wide model with %d tokens; this run's is %d, %d, %d", dir,
			cfg.NumHiddenLayers, cfg.HiddenSize, cfg.VocabSize, p.Config.NumHiddenLayers, p.Config.HiddenSize, p.Config.VocabSize)
	}
	rep, err := bert.LoadWeights(filepath.Join(dir, bert.WeightsName), p)
	if err != nil {
		return err
	}
	if len(rep.Missing) > 0 {
		log.Warn("initial checkpoint lacks tensors; they keep their random initialisation", "checkpoint", dir, "missing", rep.Missing)
	}
	if len(rep.Unexpected) > 0 {
		log.Warn("initial checkpoint has tensors the model does not use", "checkpoint", dir, "unexpected", rep.Unexpected)
	}
	log.Info("initialised from checkpoint", "dir", dir)
	return nil
}

// finish evaluates on the held-out split (when there is one) and writes
// the output's manifest, which marks the run finished.
func finish(ctx context.Context, cfg Config, p *bert.Params, state *State, ck string, log *slog.Logger) (*Result, error) {
	var err error
	if ck == "" {
		if ck, err = ResolveCheckpoint(cfg.Out); err != nil {
			return nil, err
		}
	}
	res := &Result{Step: state.Step, Checkpoint: ck, Finished: true}
	holdout := filepath.Join(cfg.Data, "holdout")
	if _, err := os.Stat(holdout); err == nil && cfg.EvalBatches >= 0 && cfg.Model.Head == bert.Pretraining {
		ev, err := EvaluateDir(ctx, p, holdout, cfg.VocabPath, 8, cfg.EvalBatches)
		if err != nil && !errors.Is(err, errNoInstances) {
			return nil, err
		}
		if err == nil {
			res.Eval = &ev
			log.Info("held-out evaluation", "mlm_accuracy", ev.MLMAccuracy, "mlm_loss", ev.MLMLoss, "nsp_accuracy", ev.NSPAccuracy,
				"most_frequent_baseline", ev.MostFrequentBaseline)
			ml, err := openMetrics(filepath.Join(cfg.Out, MetricsName), state.Step, true)
			if err != nil {
				return nil, err
			}
			werr := ml.write(EvalMetrics{Phase: cfg.Phase, Step: state.Step, EvalMLMLoss: ev.MLMLoss, EvalMLMAcc: ev.MLMAccuracy,
				EvalNSPLoss: ev.NSPLoss, EvalNSPAcc: ev.NSPAccuracy, EvalPerplexity: ev.Perplexity})
			if cerr := ml.close(); werr == nil {
				werr = cerr
			}
			if werr != nil {
				return nil, werr
			}
		}
	}
	if err := writeManifest(cfg, state, ck); err != nil {
		return nil, err
	}
	return res, nil
}

// writeManifest records the finished run: its inputs (the data's manifest
// and the vocabulary), parameters, and the final checkpoint's files.
func writeManifest(cfg Config, state *State, ck string) error {
	m := manifest.Manifest{Stage: cfg.stage(), Version: version.String(), Params: cfg.RunParams,
		Counts: map[string]int64{"steps": state.Step, "sequences": state.Sequences, "skipped_steps": state.Skipped}}
	inputs := [][2]string{{filepath.Join(cfg.Data, manifest.Name), filepath.Join(cfg.Data, manifest.Name)}, {cfg.VocabPath, cfg.VocabPath}}
	if cfg.Model.Head != bert.Pretraining {
		inputs = append(cfg.inputs, inputs[1])
	}
	for _, in := range inputs {
		f, err := manifest.Describe(in[0], in[1])
		if err != nil {
			return err
		}
		m.Inputs = append(m.Inputs, f)
	}
	rel, err := filepath.Rel(cfg.Out, ck)
	if err != nil {
		return err
	}
	for _, name := range []string{bert.WeightsName, bert.ConfigName, bert.VocabName, OptimizerName, StateName} {
		f, err := manifest.Describe(filepath.Join(ck, name), filepath.Join(rel, name))
		if err != nil {
			return err
		}
		m.Outputs = append(m.Outputs, f)
	}
	if f, err := manifest.Describe(filepath.Join(cfg.Out, MetricsName), MetricsName); err == nil {
		m.Outputs = append(m.Outputs, f)
	}
	return manifest.Write(cfg.Out, &m)
}

// maskConfig is what the loader needs to mask dynamic shards.
func maskConfig(v *wordpiece.Vocab) loader.MaskConfig {
	s := v.Special()
	words := make([]string, v.Len())
	for i := range words {
		words[i] = v.Token(int32(i))
	}
	return loader.MaskConfig{CLS: s.CLS, SEP: s.SEP, MASK: s.MASK, VocabSize: v.Len(), Words: words}
}

// realTokens counts the non-padding tokens of b.
func realTokens(b *bert.Batch) int {
	if b.Mask == nil {
		return b.B * b.T
	}
	n := 0
	for _, x := range b.Mask {
		n += int(x)
	}
	return n
}

// parallelScale multiplies x by s on all cores.
func parallelScale(x []float32, s float32) {
	const chunk = 1 << 16
	var wg sync.WaitGroup
	sem := make(chan struct{}, runtime.GOMAXPROCS(0))
	for lo := 0; lo < len(x); lo += chunk {
		wg.Add(1)
		sem <- struct{}{}
		go func(part []float32) {
			defer func() { <-sem; wg.Done() }()
			for i := range part {
				part[i] *= s
			}
		}(x[lo:min(lo+chunk, len(x))])
	}
	wg.Wait()
}

func isFinite(x float64) bool { return !math.IsNaN(x) && !math.IsInf(x, 0) }
