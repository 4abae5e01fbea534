package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"

	"github.com/spf13/pflag"

	"github.com/bertline/bertline/pkg/atomicfile"
	"github.com/bertline/bertline/pkg/bert"
	"github.com/bertline/bertline/pkg/cli"
	"github.com/bertline/bertline/pkg/finetune"
	"github.com/bertline/bertline/pkg/gemm"
	"github.com/bertline/bertline/pkg/manifest"
	"github.com/bertline/bertline/pkg/squad"
	"github.com/bertline/bertline/pkg/trainer"
	"github.com/bertline/bertline/pkg/version"
	"github.com/bertline/bertline/pkg/wordpiece"
)

const squadHelp = `Answers the questions of a SQuAD file with a fine-tuned checkpoint ('train
squad') and scores them as the official evaluation scripts do.

Decoding is run_squad.py's: the --n-best best start and end positions of
each window, spans inside the context of at most --max-answer-len tokens
that start where their window sees the most context, mapped back to the
context's text. For SQuAD 2.0 (recognised from the file) the null answer
at [CLS] competes; a question gets "" when its null score beats the best
span's by more than --null-score-diff-threshold.

OUT gets predictions.json, nbest_predictions.json and, for 2.0,
null_odds.json in run_squad.py's formats, and manifest.json. stdout gets the
official script's JSON: evaluate-v1.1.py's {"exact_match", "f1"}, or
evaluate-v2.0.py's with the HasAns/NoAns breakdown and the best thresholds
(run with null_odds.json as its --na-prob-file).

Examples:
  eval squad --checkpoint runs/squad --data data/squad/dev-v1.1.json --out runs/squad/dev
  eval squad --checkpoint runs/squad2 --data data/squad/dev-v2.0.json --out runs/squad2/dev --null-score-diff-threshold -1.5`

// squadReport is the manifest's record of an evaluation.
type squadParams struct {
	Checkpoint string              `json:"checkpoint"`
	Features   squad.FeatureConfig `json:"features"`
	Predict    squad.PredictConfig `json:"predict"`
	Cased      bool                `json:"cased"`
}

func runSQuAD(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	flags := cli.NewFlagSet("squad", "eval squad --checkpoint DIR --data FILE.json --out DIR [flags]", squadHelp, stdout)
	ckpt := flags.String("checkpoint", "", "fine-tuned checkpoint, or a 'train squad' output directory (required)")
	data := flags.String("data", "", "SQuAD file with answers, v1.1 or v2.0 (required)")
	out := flags.String("out", "", "directory for the prediction files (required)")
	fc, pc := addDecodingFlags(flags, 20)
	naThresh := flags.Float64("na-prob-thresh", squad.DefaultNAProbThresh, "SQuAD 2.0: evaluate-v2.0.py's --na-prob-thresh on null_odds.json")
	cased := flags.Bool("cased", false, "keep case and accents, as the model was trained")
	batch := flags.Int("batch-size", 32, "windows per forward pass")
	threads := flags.Int("threads", 0, "CPU threads (default: all cores)")
	if err := cli.Parse(flags, args); err != nil {
		return err
	}
	switch {
	case *ckpt == "" || *data == "" || *out == "":
		return cli.Usagef("--checkpoint, --data and --out are required")
	case flags.NArg() > 0:
		return cli.Usagef("unexpected argument %q", flags.Arg(0))
	case *batch <= 0:
		return cli.Usagef("--batch-size must be positive")
	}
	if err := checkDecodingFlags(fc, pc); err != nil {
		return err
	}
	setThreads(*threads)
	p, tok, dir, err := loadFineTuned(*ckpt, bert.QuestionAnswering, *cased)
	if err != nil {
		return err
	}
	ds, err := squad.Load(*data, false)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(*out, 0o755); err != nil {
		return fmt.Errorf("output: %w", err)
	}
	rep, err := finetune.EvaluateSQuAD(ctx, p, tok, ds, *fc, *pc, *batch, *out, *naThresh)
	if err != nil {
		return err
	}
	js, err := json.Marshal(rep.Official())
	if err != nil {
		return err
	}
	if err := writeEvalManifest(*out, "eval squad", squadParams{Checkpoint: dir, Features: *fc, Predict: *pc, Cased: *cased},
		[]string{filepath.Join(dir, bert.WeightsName), *data}, js,
		map[string]int64{"questions": int64(rep.Questions), "features": int64(rep.Features)}); err != nil {
		return err
	}
	_, err = fmt.Fprintf(stdout, "%s\n", js)
	return err
}

// addDecodingFlags registers the window and decoding flags that eval
// squad and eval qa share, with run_squad.py's defaults (n-best: nBest).
func addDecodingFlags(flags *pflag.FlagSet, nBest int) (*squad.FeatureConfig, *squad.PredictConfig) {
	fc, pc := squad.DefaultFeatureConfig(), squad.DefaultPredictConfig()
	flags.IntVar(&fc.SeqLen, "seq-len", fc.SeqLen, "tokens per window, as in training")
	flags.IntVar(&fc.DocStride, "doc-stride", fc.DocStride, "tokens between the starts of successive windows")
	flags.IntVar(&fc.MaxQueryLen, "max-query-len", fc.MaxQueryLen, "question tokens kept")
	flags.IntVar(&pc.NBest, "n-best", nBest, "candidates kept per question")
	flags.IntVar(&pc.MaxAnswerLen, "max-answer-len", pc.MaxAnswerLen, "longest answer in tokens")
	flags.Float64Var(&pc.NullThreshold, "null-score-diff-threshold", 0, "SQuAD 2.0: answer \"\" when the null score beats the best span's by more")
	return &fc, &pc
}

// checkDecodingFlags reports values of addDecodingFlags' flags that
// cannot work.
func checkDecodingFlags(fc *squad.FeatureConfig, pc *squad.PredictConfig) error {
	switch {
	case pc.NBest <= 0 || pc.MaxAnswerLen <= 0:
		return cli.Usagef("--n-best and --max-answer-len must be positive")
	case fc.SeqLen < fc.MaxQueryLen+4 || fc.DocStride < 1 || fc.MaxQueryLen < 1:
		return cli.Usagef("--seq-len %d must exceed --max-query-len %d by at least 4; --doc-stride must be positive", fc.SeqLen, fc.MaxQueryLen)
	}
	return nil
}

// loadFineTuned loads a checkpoint whose head must be h, and the tokenizer
// of its vocab.txt.
func loadFineTuned(path string, h bert.Head, cased bool) (*bert.Params, *wordpiece.Tokenizer, string, error) {
	p, dir, err := trainer.LoadModel(path)
	if err != nil {
		return nil, nil, "", err
	}
	if p.Config.Head != h {
		return nil, nil, "", fmt.Errorf("%s: the checkpoint is a %s; this needs a %s (fine-tune it first)", dir, p.Config.Head, h)
	}
	v, err := wordpiece.LoadVocab(filepath.Join(dir, bert.VocabName))
	if err != nil {
		return nil, nil, "", err
	}
	return p, wordpiece.New(v, wordpiece.Options{Lowercase: !cased}), dir, nil
}

// writeEvalManifest writes OUT/eval_results.json (results) and
// OUT/manifest.json listing the inputs and every file in OUT.
func writeEvalManifest(out, stage string, params any, inputs []string, results []byte, counts map[string]int64) error {
	if err := atomicfile.WriteFile(filepath.Join(out, "eval_results.json"), append(results, '\n')); err != nil {
		return err
	}
	m := manifest.Manifest{Stage: stage, Version: version.String(), Params: params, Counts: counts}
	for _, in := range inputs {
		f, err := manifest.Describe(in, in)
		if err != nil {
			return err
		}
		m.Inputs = append(m.Inputs, f)
	}
	entries, err := os.ReadDir(out)
	if err != nil {
		return err
	}
	for _, e := range entries {
		if e.Type().IsRegular() && e.Name() != manifest.Name && !strings.HasPrefix(e.Name(), ".") {
			f, err := manifest.Describe(filepath.Join(out, e.Name()), e.Name())
			if err != nil {
				return err
			}
			m.Outputs = append(m.Outputs, f)
		}
	}
	return manifest.Write(out, &m)
}

func setThreads(n int) {
	if n > 0 {
		runtime.GOMAXPROCS(n)
		gemm.SetThreads(n)
	}
}
