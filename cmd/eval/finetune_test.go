package main

import (
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/bertline/bertline/pkg/bert"
	"github.com/bertline/bertline/pkg/cli"
	"github.com/bertline/bertline/pkg/glue"
	"github.com/bertline/bertline/pkg/manifest"
	"github.com/bertline/bertline/pkg/squad"
	"github.com/bertline/bertline/pkg/wordpiece"
)

const (
	glueTiny  = "../../pkg/glue/testdata/tiny"
	squadTiny = "../../pkg/squad/testdata/tiny"
)

// checkpoint writes a randomly initialised model with head h over the
// vocabulary at vocab, as a checkpoint directory.
func checkpoint(t *testing.T, vocab string, h bert.Head, labels int) string {
	t.Helper()
	v, err := wordpiece.LoadVocab(vocab)
	if err != nil {
		t.Fatal(err)
	}
	cfg := bert.Config{VocabSize: v.Len(), HiddenSize: 32, NumHiddenLayers: 1, NumAttentionHeads: 2, IntermediateSize: 64,
		HiddenAct: "gelu", MaxPositionEmbeddings: 128, TypeVocabSize: 2, InitializerRange: 0.5, LayerNormEps: 1e-12}.WithHead(h, labels)
	p, err := bert.NewParams(cfg, 11)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if err := bert.Save(dir, p, vocab); err != nil {
		t.Fatal(err)
	}
	return dir
}

var squadWindows = []string{"--seq-len", "64", "--doc-stride", "32", "--max-query-len", "16"}

// eval squad writes the prediction files and prints what the official
// script computes from them: the same numbers as scoring predictions.json
// again; 2.0 files get null odds and the 2.0 metrics.
func TestSQuAD(t *testing.T) {
	ck := checkpoint(t, filepath.Join(squadTiny, "vocab.txt"), bert.QuestionAnswering, 0)
	for _, version := range []string{"1.1", "2.0"} {
		data := filepath.Join(squadTiny, "dev-v"+version+".json")
		out := filepath.Join(t.TempDir(), "dev")
		stdout, err := run(append([]string{"squad", "--checkpoint", ck, "--data", data, "--out", out}, squadWindows...)...)
		if err != nil {
			t.Fatal(err)
		}
		ds, err := squad.Load(data, false)
		if err != nil {
			t.Fatal(err)
		}
		preds, err := squad.LoadPredictions(filepath.Join(out, "predictions.json"))
		if err != nil {
			t.Fatal(err)
		}
		if len(preds) != len(ds.Examples) {
			t.Fatalf("%d predictions for %d questions", len(preds), len(ds.Examples))
		}
		var want any
		if version == "1.1" {
			want, err = squad.EvaluateV1(ds.Examples, preds)
		} else {
			odds, err2 := squad.LoadNullOdds(filepath.Join(out, "null_odds.json"))
			if err2 != nil {
				t.Fatal(err2)
			}
			want, err = squad.EvaluateV2(ds.Examples, preds, odds, squad.DefaultNAProbThresh)
		}
		if err != nil {
			t.Fatal(err)
		}
		wantJS, _ := json.Marshal(want)
		if strings.TrimSpace(stdout) != string(wantJS) {
			t.Errorf("v%s: printed %s, scoring predictions.json gives %s", version, stdout, wantJS)
		}
		m, err := manifest.Read(out)
		if err != nil {
			t.Fatal(err)
		}
		if err := manifest.Verify(out, m); err != nil || len(m.Outputs) < 3 {
			t.Errorf("manifest: %v, %d outputs", err, len(m.Outputs))
		}
	}
}

// eval qa answers with a span of the context, or nothing with --version2
// when the null answer wins.
func TestQA(t *testing.T) {
	ck := checkpoint(t, filepath.Join(squadTiny, "vocab.txt"), bert.QuestionAnswering, 0)
	context := "the fox lives in the old mill . the cat eats fish ."
	stdout, err := run(append([]string{"qa", "--checkpoint", ck, "--question", "where does the fox live ?", "--context", context,
		"--n-best", "3"}, squadWindows...)...)
	if err != nil {
		t.Fatal(err)
	}
	var got struct {
		Answer      string
		Probability float64
		NBest       []squad.Candidate
	}
	if err := json.Unmarshal([]byte(stdout), &got); err != nil {
		t.Fatal(err)
	}
	// A random model's best spans may all be invalid: run_squad.py then answers "empty".
	if got.Answer == "" || !strings.Contains(context, got.Answer) && got.Answer != "empty" || len(got.NBest) < 1 ||
		len(got.NBest) > 3 || !(got.Probability > 0) {
		t.Errorf("answer %+v", got)
	}
	_, err = run("qa", "--checkpoint", ck, "--question", "  ", "--context", context)
	if cli.ExitCode(err) != 2 {
		t.Errorf("empty question: %v", err)
	}
}

// eval glue prints each dev file's official metrics (MNLI: both), which
// match glue's metrics of the same predictions.
func TestGLUE(t *testing.T) {
	vocab := filepath.Join(glueTiny, "vocab.txt")
	for _, tc := range []struct {
		task    string
		metrics []string
		files   int
	}{
		{"MRPC", []string{"acc", "f1", "acc_and_f1"}, 1},
		{"MNLI", []string{"acc"}, 2},
		{"STS-B", []string{"pearson", "spearmanr", "corr"}, 1},
	} {
		task, _ := glue.Lookup(tc.task)
		ck := checkpoint(t, vocab, bert.SequenceClassification, task.NumLabels())
		stdout, err := run("glue", "--task", tc.task, "--checkpoint", ck, "--data", glueTiny, "--seq-len", "64")
		if err != nil {
			t.Fatal(err)
		}
		var got []struct {
			File     string
			Examples int
			Metrics  map[string]float64
		}
		if err := json.Unmarshal([]byte(stdout), &got); err != nil {
			t.Fatal(err)
		}
		if len(got) != tc.files {
			t.Fatalf("%s: %d files", tc.task, len(got))
		}
		for _, r := range got {
			for _, k := range tc.metrics {
				if v, ok := r.Metrics[k]; !ok || math.IsNaN(v) || v < -1 || v > 1 {
					t.Errorf("%s %s: %s = %v", tc.task, r.File, k, v)
				}
			}
			if r.Examples != 60 {
				t.Errorf("%s: %d examples", r.File, r.Examples)
			}
		}
	}
}

// The fine-tuning evaluations refuse a checkpoint with the wrong head and
// bad files with one line.
func TestFineTuneErrors(t *testing.T) {
	qa := checkpoint(t, filepath.Join(squadTiny, "vocab.txt"), bert.QuestionAnswering, 0)
	cls := checkpoint(t, filepath.Join(glueTiny, "vocab.txt"), bert.SequenceClassification, 2)
	bad := filepath.Join(t.TempDir(), "dev.json")
	os.WriteFile(bad, []byte(`{"data": [{"paragraphs": [{"context": "x", "qas": [{"id": "a", "question": "q", "answers": [{"text": "x"}]}]}]}]}`), 0o644)
	for _, tc := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"squad", "--checkpoint", cls, "--data", bad, "--out", t.TempDir()}, 1, "BertForSequenceClassification"},
		{[]string{"squad", "--checkpoint", qa, "--data", bad, "--out", t.TempDir()}, 1, "answer_start"},
		{[]string{"squad", "--checkpoint", qa, "--data", bad}, 2, "required"},
		{[]string{"glue", "--task", "MRPC", "--checkpoint", qa, "--data", glueTiny}, 1, "BertForQuestionAnswering"},
		{[]string{"glue", "--task", "CoLA", "--checkpoint", cls, "--data", glueTiny, "--file", bad}, 2, "one of"},
		{[]string{"glue", "--task", "QQP", "--checkpoint", cls, "--data", glueTiny}, 1, "QQP"},
		{[]string{"qa", "--checkpoint", cls, "--question", "q", "--context", "c"}, 1, "fine-tune"},
	} {
		_, err := run(tc.args...)
		if err == nil || cli.ExitCode(err) != tc.code || !strings.Contains(err.Error(), tc.want) || strings.Contains(err.Error(), "\n") {
			t.Errorf("%v: exit %d, %v; want exit %d mentioning %q", tc.args, cli.ExitCode(err), err, tc.code, tc.want)
		}
	}
}

// eval glue --file on a test file (no labels) prints no metrics and writes
// the predictions in GLUE's submission format.
func TestGLUETestFile(t *testing.T) {
	task, _ := glue.Lookup("SST-2")
	ck := checkpoint(t, filepath.Join(glueTiny, "vocab.txt"), bert.SequenceClassification, task.NumLabels())
	dir := t.TempDir()
	test := filepath.Join(dir, "test.tsv")
	os.WriteFile(test, []byte("index\tsentence\n0\tthe movie was very good\n1\tthe plot was dull\n2\tthe cast was fine today\n"), 0o644)
	preds := filepath.Join(dir, "SST-2.tsv")
	stdout, err := run("glue", "--task", "SST-2", "--checkpoint", ck, "--file", test, "--predictions", preds)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(stdout, "metrics") || !strings.Contains(stdout, `"examples":3`) {
		t.Errorf("stdout %s", stdout)
	}
	lines := strings.Split(strings.TrimSpace(string(must(os.ReadFile(preds)))), "\n")
	if len(lines) != 4 || lines[0] != "index\tprediction" {
		t.Fatalf("predictions %q", lines)
	}
	for i, l := range lines[1:] {
		idx, label, _ := strings.Cut(l, "\t")
		if idx != fmt.Sprint(i) || (label != "0" && label != "1") {
			t.Errorf("row %q", l)
		}
	}
	if _, err := run("glue", "--task", "SST-2", "--checkpoint", ck, "--data", glueTiny, "--predictions", preds); cli.ExitCode(err) != 2 {
		t.Errorf("--predictions without --file: %v", err)
	}
}

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}
