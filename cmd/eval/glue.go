package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"path/filepath"

	"github.com/bertline/bertline/pkg/atomicfile"
	"github.com/bertline/bertline/pkg/bert"
	"github.com/bertline/bertline/pkg/cli"
	"github.com/bertline/bertline/pkg/finetune"
	"github.com/bertline/bertline/pkg/glue"
)

const glueHelp = `Evaluates a fine-tuned checkpoint ('train glue') on a GLUE task's dev
files (MNLI: matched and mismatched) with the task's official metrics, as
HuggingFace's glue_compute_metrics computes them: accuracy; F1 of class 1
and their mean (MRPC, QQP); Matthews correlation (CoLA); Pearson,
Spearman and their mean (STS-B).

--data is a directory as 'fetch glue' writes it or one task's directory;
--file evaluates one file instead. Prints one JSON array, an object per
file: {"file", "examples", "metrics": {...}}; a test file has no labels and
gets no metrics. --predictions writes the predictions of --file in the
GLUE benchmark's submission format (index, prediction).

Examples:
  eval glue --task MRPC --checkpoint runs/mrpc --data data/glue
  eval glue --task MNLI --checkpoint runs/mnli --file data/glue/MNLI/dev_mismatched.tsv
  eval glue --task RTE --checkpoint runs/rte --file data/glue/RTE/test.tsv --predictions RTE.tsv`

func runGLUE(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	flags := cli.NewFlagSet("glue", "eval glue --task NAME --checkpoint DIR (--data DIR | --file FILE.tsv) [flags]", glueHelp, stdout)
	taskName := flags.String("task", "", "CoLA, SST-2, MRPC, STS-B, QQP, MNLI, QNLI, RTE or WNLI (required)")
	ckpt := flags.String("checkpoint", "", "fine-tuned checkpoint, or a 'train glue' output directory (required)")
	data := flags.String("data", "", "GLUE data directory: its dev files are evaluated")
	file := flags.String("file", "", "one file of the task to evaluate instead (a test file: predictions only)")
	predictions := flags.String("predictions", "", "with --file: write its predictions here, in GLUE's submission format")
	seqLen := flags.Int("seq-len", 128, "tokens per sequence, as in training")
	cased := flags.Bool("cased", false, "keep case and accents, as the model was trained")
	batch := flags.Int("batch-size", 32, "sequences per forward pass")
	threads := flags.Int("threads", 0, "CPU threads (default: all cores)")
	if err := cli.Parse(flags, args); err != nil {
		return err
	}
	switch {
	case *taskName == "" || *ckpt == "":
		return cli.Usagef("--task and --checkpoint are required")
	case (*data == "") == (*file == ""):
		return cli.Usagef("give one of --data and --file")
	case *predictions != "" && *file == "":
		return cli.Usagef("--predictions needs --file")
	case flags.NArg() > 0:
		return cli.Usagef("unexpected argument %q", flags.Arg(0))
	case *batch <= 0 || *seqLen < 3:
		return cli.Usagef("--batch-size must be positive and --seq-len at least 3")
	}
	task, err := glue.Lookup(*taskName)
	if err != nil {
		return &cli.UsageError{Err: err}
	}
	setThreads(*threads)
	p, tok, _, err := loadFineTuned(*ckpt, bert.SequenceClassification, *cased)
	if err != nil {
		return err
	}
	files := []string{*file}
	if *data != "" {
		dir, err := finetune.GLUETaskDir(*data, task)
		if err != nil {
			return err
		}
		files = files[:0]
		for _, name := range task.Dev {
			files = append(files, filepath.Join(dir, name))
		}
	}
	var results []*finetune.GLUEResult
	for _, path := range files {
		r, err := finetune.EvaluateGLUEFile(ctx, p, tok, task, path, *seqLen, *batch)
		if err != nil {
			return err
		}
		results = append(results, r)
	}
	if *predictions != "" {
		var buf bytes.Buffer
		if err := finetune.WriteGLUEPredictions(&buf, task, results[0].Prediction); err != nil {
			return err
		}
		if err := atomicfile.WriteFile(*predictions, buf.Bytes()); err != nil {
			return err
		}
	}
	js, err := json.Marshal(results)
	if err != nil {
		return err
	}
	_, err = fmt.Fprintf(stdout, "%s\n", js)
	return err
}
