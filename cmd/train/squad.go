package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"path/filepath"

	"github.com/bertline/bertline/pkg/atomicfile"
	"github.com/bertline/bertline/pkg/bert"
	"github.com/bertline/bertline/pkg/cli"
	"github.com/bertline/bertline/pkg/finetune"
	"github.com/bertline/bertline/pkg/squad"
	"github.com/bertline/bertline/pkg/trainer"
)

const squadHelp = `Fine-tunes BERT for SQuAD question answering, as NVIDIA's run_squad.py
(and google-research/bert's) does: each question with a window of its
context, [CLS] question [SEP] window [SEP], the question cut to
--max-query-len tokens, windows of --seq-len tokens every --doc-stride
tokens; a start/end span head (qa_outputs) on every token, trained with the
mean of the start and end cross-entropies; AdamW with linear warm-up and
decay. A SQuAD 2.0 file (its version, or unanswerable questions) is
recognised: those questions, and windows without the answer, point at
[CLS].

The model starts from --init-checkpoint (a 'train pretrain' output or
checkpoint, or HuggingFace/Google BERT weights as safetensors with
config.json and vocab.txt); the head is new. Checkpoints, --resume,
signals and OUT/metrics.jsonl are as in train pretrain. With --dev, the
final model answers the dev file's questions and OUT gets predictions.json,
nbest_predictions.json (and null_odds.json for 2.0) and eval_results.json,
the official script's numbers, which are also logged.

Defaults are NVIDIA's for BERT: 2 epochs, batch 32, lr 4.6e-5, warm-up 0.2.

Examples:
  train squad --init-checkpoint runs/phase2 --train data/squad/train-v1.1.json --dev data/squad/dev-v1.1.json --out runs/squad
  train squad --init-checkpoint bert-base-uncased/ --train data/squad/train-v2.0.json --out runs/squad2 --batch-size 32 --grad-accum 8`

func runSQuAD(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	flags := cli.NewFlagSet("squad", "train squad --init-checkpoint DIR --train FILE.json --out DIR [flags]", squadHelp, stdout)
	f := addFineTuneFlags(flags, 2, 4.6e-5, 32, 0.2)
	train := flags.String("train", "", "SQuAD training file, v1.1 or v2.0 (required)")
	dev := flags.String("dev", "", "SQuAD dev file to evaluate the final model on")
	fc := squad.DefaultFeatureConfig()
	flags.IntVar(&fc.SeqLen, "seq-len", fc.SeqLen, "tokens per window, [CLS] and [SEP]s included")
	flags.IntVar(&fc.DocStride, "doc-stride", fc.DocStride, "tokens between the starts of successive windows")
	flags.IntVar(&fc.MaxQueryLen, "max-query-len", fc.MaxQueryLen, "question tokens kept")
	pc := squad.DefaultPredictConfig()
	flags.IntVar(&pc.NBest, "n-best", pc.NBest, "with --dev: candidates kept per question")
	flags.IntVar(&pc.MaxAnswerLen, "max-answer-len", pc.MaxAnswerLen, "with --dev: longest answer in tokens")
	flags.Float64Var(&pc.NullThreshold, "null-score-diff-threshold", 0, "with --dev, SQuAD 2.0: answer \"\" when the null score beats the best span's by more")
	if err := cli.Parse(flags, args); err != nil {
		return err
	}
	switch {
	case *train == "":
		return cli.Usagef("--train is required")
	case flags.NArg() > 0:
		return cli.Usagef("unexpected argument %q", flags.Arg(0))
	case fc.SeqLen < fc.MaxQueryLen+4 || fc.DocStride < 1 || fc.MaxQueryLen < 1:
		return cli.Usagef("--seq-len %d must exceed --max-query-len %d by at least 4; --doc-stride must be positive", fc.SeqLen, fc.MaxQueryLen)
	}
	tok, err := f.setup(bert.QuestionAnswering, 0)
	if err != nil {
		return err
	}
	ds, err := squad.Load(*train, true)
	if err != nil {
		return err
	}
	if len(ds.Skipped) > 0 {
		slog.Warn("training questions whose answer is not at its offset are left out, as run_squad.py leaves them",
			"file", *train, "skipped", len(ds.Skipped), "first", ds.Skipped[0].ID)
	}
	feats, err := squad.Features(ds.Examples, tok, fc, true)
	if err != nil {
		return err
	}
	c := &f.cfg
	c.Phase = "squad"
	c.Stage = "train squad"
	c.Data = *train
	c.TaskConfig = fmt.Sprintf("seq_len=%d doc_stride=%d max_query_len=%d cased=%t", fc.SeqLen, fc.DocStride, fc.MaxQueryLen, *f.cased)
	slog.Info("SQuAD training data", "file", *train, "version", map[bool]string{false: "1.1", true: "2.0"}[finetune.IsSQuADv2(ds)],
		"questions", len(ds.Examples), "features", len(feats))
	res, err := f.run(ctx, finetune.SQuAD(feats, fc.SeqLen), trainer.FineTuneInput{Path: *train, Name: *train})
	if err != nil || !res.Finished || *dev == "" {
		return err
	}
	p, _, err := trainer.LoadModel(res.Checkpoint)
	if err != nil {
		return err
	}
	dds, err := squad.Load(*dev, false)
	if err != nil {
		return err
	}
	rep, err := finetune.EvaluateSQuAD(ctx, p, tok, dds, fc, pc, *f.evalBatch, c.Out, squad.DefaultNAProbThresh)
	if err != nil {
		return err
	}
	return writeEvalResults(c.Out, rep.Official(), "file", *dev, "questions", rep.Questions)
}

// writeEvalResults writes OUT/eval_results.json and logs it.
func writeEvalResults(out string, results any, attrs ...any) error {
	js, err := json.Marshal(results)
	if err != nil {
		return err
	}
	if err := atomicfile.WriteFile(filepath.Join(out, "eval_results.json"), append(js, '\n')); err != nil {
		return err
	}
	slog.Info("evaluation", append(attrs, "results", string(js))...)
	return nil
}
