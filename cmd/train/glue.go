package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"path/filepath"

	"github.com/bertline/bertline/pkg/bert"
	"github.com/bertline/bertline/pkg/cli"
	"github.com/bertline/bertline/pkg/finetune"
	"github.com/bertline/bertline/pkg/glue"
	"github.com/bertline/bertline/pkg/trainer"
)

const glueHelp = `Fine-tunes BERT on a GLUE task, as NVIDIA's run_glue.py (and
google-research/bert's run_classifier.py) does: [CLS] A [SEP] (B [SEP]),
the longer sentence cut until the pair fits --seq-len tokens; BERT's
pooler on [CLS], dropout and a classifier (one output and squared error for
STS-B's scores); AdamW with linear warm-up and decay.

--data is a directory as 'fetch glue' writes it (DATA/MRPC/train.tsv) or
one task's directory (DATA/train.tsv). The model starts from
--init-checkpoint; the head is new. At the end each dev file (MNLI: matched
and mismatched) is evaluated with the task's official metrics, written to
OUT/eval_results.json and logged.

Defaults are NVIDIA's for BERT: 3 epochs, batch 16, lr 2.4e-5, warm-up 0.1,
seq 128.

Examples:
  train glue --task MRPC --init-checkpoint runs/phase2 --data data/glue --out runs/mrpc
  train glue --task sst2 --init-checkpoint bert-base-uncased/ --data data/glue --out runs/sst2 --lr 2e-5`

func runGLUE(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	flags := cli.NewFlagSet("glue", "train glue --task NAME --init-checkpoint DIR --data DIR --out DIR [flags]", glueHelp, stdout)
	f := addFineTuneFlags(flags, 3, 2.4e-5, 16, 0.1)
	taskName := flags.String("task", "", "CoLA, SST-2, MRPC, STS-B, QQP, MNLI, QNLI, RTE or WNLI (required)")
	data := flags.String("data", "", "GLUE data directory (required)")
	seqLen := flags.Int("seq-len", 128, "tokens per sequence, [CLS] and [SEP]s included")
	noEval := flags.Bool("no-eval", false, "do not evaluate the dev files at the end")
	if err := cli.Parse(flags, args); err != nil {
		return err
	}
	switch {
	case *taskName == "" || *data == "":
		return cli.Usagef("--task and --data are required")
	case flags.NArg() > 0:
		return cli.Usagef("unexpected argument %q", flags.Arg(0))
	case *seqLen < 3:
		return cli.Usagef("--seq-len %d: at least 3", *seqLen)
	}
	task, err := glue.Lookup(*taskName)
	if err != nil {
		return &cli.UsageError{Err: err}
	}
	dir, err := finetune.GLUETaskDir(*data, task)
	if err != nil {
		return err
	}
	tok, err := f.setup(bert.SequenceClassification, task.NumLabels())
	if err != nil {
		return err
	}
	trainPath := filepath.Join(dir, task.Train)
	file, err := glue.ReadFile(task, trainPath, glue.Options{SkipBrokenRows: task.Name == "QQP"})
	if err != nil {
		return err
	}
	if len(file.Skipped) > 0 {
		slog.Warn("rows broken across lines are skipped, as HuggingFace's QQP processor skips them", "file", trainPath, "lines", file.Skipped)
	}
	feats, err := glue.Features(file.Examples, tok, *seqLen)
	if err != nil {
		return err
	}
	c := &f.cfg
	c.Phase = task.Name
	c.Data = trainPath
	c.Stage = "train glue"
	c.TaskConfig = fmt.Sprintf("task=%s seq_len=%d cased=%t", task.Name, *seqLen, *f.cased)
	slog.Info("GLUE training data", "task", task.Name, "file", trainPath, "examples", len(feats))
	res, err := f.run(ctx, finetune.GLUE(feats, *seqLen, task.Regression()), trainer.FineTuneInput{Path: trainPath, Name: trainPath})
	if err != nil || !res.Finished || *noEval {
		return err
	}
	p, _, err := trainer.LoadModel(res.Checkpoint)
	if err != nil {
		return err
	}
	var results []*finetune.GLUEResult
	for _, name := range task.Dev {
		r, err := finetune.EvaluateGLUEFile(ctx, p, tok, task, filepath.Join(dir, name), *seqLen, *f.evalBatch)
		if err != nil {
			return err
		}
		results = append(results, r)
	}
	return writeEvalResults(c.Out, results, "task", task.Name)
}
