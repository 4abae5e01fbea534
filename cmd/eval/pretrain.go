package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"text/tabwriter"

	"golang.org/x/term"

	"github.com/bertline/bertline/pkg/bert"
	"github.com/bertline/bertline/pkg/cli"
	"github.com/bertline/bertline/pkg/trainer"
)

const pretrainHelp = `Evaluates a checkpoint on the held-out instances of a 'shard pretrain'
output (DATA/holdout, or --split train): masked-LM accuracy, loss and
perplexity, next-sentence accuracy and loss, and the accuracy of always
predicting the most frequent masked token (what a model that learned only
word frequencies scores). No dropout; the numbers do not depend on
--batch-size or --threads beyond floating-point rounding.

Prints one JSON object on stdout, preceded by a table when stdout is a
terminal (or, with --summary, on stderr otherwise). --checkpoint takes a checkpoint directory or a training output
directory (its latest checkpoint).

Examples:
  eval pretrain --checkpoint runs/phase2 --data shards/phase2
  eval pretrain --checkpoint runs/phase1/checkpoints/step-00001000 --data shards/phase1 --max-batches 100`

// report is the JSON object eval prints.
type report struct {
	Checkpoint string `json:"checkpoint"`
	Data       string `json:"data"`
	trainer.EvalResult
}

func runPretrain(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	flags := cli.NewFlagSet("pretrain", "eval pretrain --checkpoint DIR --data DIR [flags]", pretrainHelp, stdout)
	ckpt := flags.String("checkpoint", "", "checkpoint directory, or a training output directory (required)")
	data := flags.String("data", "", "output directory of 'shard pretrain' (required)")
	split := flags.String("split", "holdout", "holdout or train")
	vocab := flags.String("vocab", "", "vocabulary (default: the checkpoint's vocab.txt)")
	batch := flags.Int("batch-size", 8, "sequences per forward pass")
	maxBatches := flags.Int("max-batches", 0, "evaluate only the first N batches (0: all)")
	threads := flags.Int("threads", 0, "CPU threads (default: all cores)")
	summary := flags.Bool("summary", false, "also print the table on stderr when stdout is not a terminal")
	if err := cli.Parse(flags, args); err != nil {
		return err
	}
	switch {
	case *ckpt == "" || *data == "":
		return cli.Usagef("--checkpoint and --data are required")
	case *split != "holdout" && *split != "train":
		return cli.Usagef("--split must be holdout or train, not %q", *split)
	case *batch <= 0:
		return cli.Usagef("--batch-size must be positive")
	case flags.NArg() > 0:
		return cli.Usagef("unexpected argument %q", flags.Arg(0))
	}
	setThreads(*threads)
	p, dir, err := trainer.LoadModel(*ckpt)
	if err != nil {
		return err
	}
	if *vocab == "" {
		*vocab = filepath.Join(dir, bert.VocabName)
	}
	res, err := trainer.EvaluateDir(ctx, p, filepath.Join(*data, *split), *vocab, *batch, *maxBatches)
	if err != nil {
		return err
	}
	if f, ok := stdout.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		printTable(stdout, dir, res)
	} else if *summary {
		printTable(stderr, dir, res)
	}
	js, err := json.Marshal(report{Checkpoint: dir, Data: *data, EvalResult: res})
	if err != nil {
		return err
	}
	_, err = fmt.Fprintf(stdout, "%s\n", js)
	return err
}

// printTable writes the results for a person.
func printTable(w io.Writer, dir string, r trainer.EvalResult) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintf(tw, "checkpoint\t%s\n", dir)
	fmt.Fprintf(tw, "instances\t%d (%d masked tokens)\n", r.Instances, r.MaskedTokens)
	fmt.Fprintf(tw, "masked-LM accuracy\t%.2f%%\t(always the most frequent token: %.2f%%)\n", 100*r.MLMAccuracy, 100*r.MostFrequentBaseline)
	fmt.Fprintf(tw, "masked-LM loss\t%.4f\t(perplexity %.1f)\n", r.MLMLoss, r.Perplexity)
	fmt.Fprintf(tw, "next-sentence accuracy\t%.2f%%\t(chance: 50%%)\n", 100*r.NSPAccuracy)
	fmt.Fprintf(tw, "next-sentence loss\t%.4f\n", r.NSPLoss)
	tw.Flush()
}
