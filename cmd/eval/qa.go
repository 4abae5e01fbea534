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
	fc, pc := addDecodingFlags(flags, 5)
	flags.BoolVar(&pc.Version2, "version2", false, "allow no answer (a SQuAD 2.0 model)")
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
	}
	if err := checkDecodingFlags(fc, pc); err != nil {
		return err
	}
	setThreads(*threads)
	p, tok, _, err := loadFineTuned(*ckpt, bert.QuestionAnswering, *cased)
	if err != nil {
		return err
	}
	ex := []squad.Example{squad.NewExample("q", *question, *context)}
	preds, _, err := finetune.PredictSQuAD(ctx, p, tok, ex, *fc, *pc, 8)
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
