package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/bertline/bertline/pkg/bert"
	"github.com/bertline/bertline/pkg/cli"
	"github.com/bertline/bertline/pkg/finetune"
	"github.com/bertline/bertline/pkg/squad"
)

const qaHelp = `Answers one question about one context with a fine-tuned SQuAD checkpoint,
for trying a model by hand, as NVIDIA's inference.py does. The decoding is
eval squad's. Prints {"answer", "probability", "score", "nbest": [...]};
score is the answer's start + end logit, probability its softmax share of
the n-best list. With --version2 the model may answer "" (no answer in the
context) when the null score wins by more than --null-score-diff-threshold.

Examples:
  eval qa --checkpoint runs/squad --question "Who wrote Hamlet?" --context "Hamlet is a tragedy written by William Shakespeare."
  eval qa --checkpoint runs/squad --question "$(cat q.txt)" --context "$(cat passage.txt)" --n-best 5`

func runQA(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	flags := cli.NewFlagSet("qa", "eval qa --checkpoint DIR --question TEXT --context TEXT [flags]", qaHelp, stdout)
	ckpt := flags.String("checkpoint", "", "fine-tuned SQuAD checkpoint or 'train squad' output directory (required)")
	question := flags.String("question", "", "the question (required)")
	context := flags.String("context", "", "the passage to find the answer in (required)")
	fc := squad.DefaultFeatureConfig()
	flags.IntVar(&fc.SeqLen, "seq-len", fc.SeqLen, "tokens per window, as in training")
	flags.IntVar(&fc.DocStride, "doc-stride", fc.DocStride, "tokens between the starts of successive windows")
	flags.IntVar(&fc.MaxQueryLen, "max-query-len", fc.MaxQueryLen, "question tokens kept")
	pc := squad.DefaultPredictConfig()
	flags.IntVar(&pc.NBest, "n-best", 5, "candidates listed")
	flags.IntVar(&pc.MaxAnswerLen, "max-answer-len", pc.MaxAnswerLen, "longest answer in tokens")
	flags.BoolVar(&pc.Version2, "version2", false, "allow no answer (a SQuAD 2.0 model)")
	flags.Float64Var(&pc.NullThreshold, "null-score-diff-threshold", 0, "with --version2: answer \"\" when the null score beats the best span's by more")
	cased := flags.Bool("cased", false, "keep case and accents, as the model was trained")
	threads := flags.Int("threads", 0, "CPU threads (default: all cores)")
	if err := cli.Parse(flags, args); err != nil {
		return err
	}
	switch {
	case *ckpt == "" || strings.TrimSpace(*question) == "" || strings.TrimSpace(*context) == "":
		return cli.Usagef("--checkpoint, --question and --context are required")
	case flags.NArg() > 0:
		return cli.Usagef("unexpected argument %q", flags.Arg(0))
	case pc.NBest <= 0 || pc.MaxAnswerLen <= 0:
		return cli.Usagef("--n-best and --max-answer-len must be positive")
	case fc.SeqLen < fc.MaxQueryLen+4 || fc.DocStride < 1 || fc.MaxQueryLen < 1:
		return cli.Usagef("--seq-len %d must exceed --max-query-len %d by at least 4; --doc-stride must be positive", fc.SeqLen, fc.MaxQueryLen)
	}
	setThreads(*threads)
	p, tok, _, err := loadFineTuned(*ckpt, bert.QuestionAnswering, *cased)
	if err != nil {
		return err
	}
	ex := []squad.Example{squad.NewExample("q", *question, *context)}
	preds, _, err := finetune.PredictSQuAD(ctx, p, tok, ex, fc, pc, 8)
	if err != nil {
		return err
	}
	pr := preds[0]
	out := struct {
		Answer      string            `json:"answer"`
		Probability float64           `json:"probability"`
		Score       float64           `json:"score"`
		NBest       []squad.Candidate `json:"nbest"`
	}{Answer: pr.Text, NBest: pr.NBest}
	for _, c := range pr.NBest {
		if c.Text == pr.Text {
			out.Probability, out.Score = c.Probability, c.StartLogit+c.EndLogit
			break
		}
	}
	js, err := json.Marshal(out)
	if err != nil {
		return err
	}
	_, err = fmt.Fprintf(stdout, "%s\n", js)
	return err
}
