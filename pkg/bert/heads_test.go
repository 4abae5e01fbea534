package bert

import (
	"encoding/json"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// tinyWithHead returns the reference model of loadTiny with head h in
// place of the pretraining heads (the encoder's weights loaded, the head's
// initialised), a Model on it and the reference batch without targets.
func tinyWithHead(t *testing.T, h Head, numLabels int) (*Model, *Batch) {
	t.Helper()
	ref, _, rb := loadTiny(t)
	p, err := NewParams(ref.Config.WithHead(h, numLabels), 7)
	if err != nil {
		t.Fatal(err)
	}
	rep, err := LoadWeights(refWeights, p)
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range rep.Missing {
		if !strings.HasPrefix(name, "qa_outputs.") && !strings.HasPrefix(name, "classifier.") {
			t.Fatalf("reference weights lack %s", name)
		}
	}
	b := &Batch{B: rb.B, T: rb.T, InputIDs: rb.InputIDs, TokenTypes: rb.TokenTypes, Mask: rb.Mask}
	return NewModel(p, 4, 12), b
}

// TestHeadLayouts checks which tensors each head adds to the encoder, as
// HuggingFace's classes name and shape them.
func TestHeadLayouts(t *testing.T) {
	cfg, err := Preset("tiny", 100)
	if err != nil {
		t.Fatal(err)
	}
	enc := len(Layout(cfg.WithHead(QuestionAnswering, 0))) - 2
	for _, tc := range []struct {
		cfg  Config
		head []string
	}{
		{cfg, []string{"bert.pooler.dense.weight [128 128]", "bert.pooler.dense.bias [128]",
			"cls.predictions.transform.dense.weight [128 128]", "cls.predictions.transform.dense.bias [128]",
			"cls.predictions.transform.LayerNorm.weight [128]", "cls.predictions.transform.LayerNorm.bias [128]",
			"cls.predictions.bias [104]", "cls.seq_relationship.weight [2 128]", "cls.seq_relationship.bias [2]"}},
		{cfg.WithHead(QuestionAnswering, 5), []string{"qa_outputs.weight [2 128]", "qa_outputs.bias [2]"}},
		{cfg.WithHead(SequenceClassification, 3), []string{"bert.pooler.dense.weight [128 128]", "bert.pooler.dense.bias [128]",
			"classifier.weight [3 128]", "classifier.bias [3]"}},
		{cfg.WithHead(SequenceClassification, 1), []string{"bert.pooler.dense.weight [128 128]", "bert.pooler.dense.bias [128]",
			"classifier.weight [1 128]", "classifier.bias [1]"}},
	} {
		var got []string
		for _, tn := range Layout(tc.cfg)[enc:] {
			got = append(got, tn.Name+" "+fmtShape(tn.Shape))
		}
		if !slices.Equal(got, tc.head) {
			t.Errorf("%s/%d: head tensors\n%q\nwant\n%q", tc.cfg.Head, tc.cfg.NumLabels, got, tc.head)
		}
	}
}

func fmtShape(s []int) string {
	return strings.Trim(strings.Join(strings.Fields(fmt.Sprint(s)), " "), "")
}

// TestHeadGradients checks each fine-tuning head's Backward against
// central differences of its loss, without and with dropout.
func TestHeadGradients(t *testing.T) {
	for _, tc := range []struct {
		name    string
		head    Head
		labels  int
		targets func(b *Batch)
	}{
		{"qa", QuestionAnswering, 0, func(b *Batch) {
			b.StartPositions, b.EndPositions = []int32{3, 0, 7, 5}[:b.B], []int32{4, 0, 9, 5}[:b.B]
		}},
		{"classification", SequenceClassification, 3, func(b *Batch) { b.Labels = []int32{2, 0, 1, 2}[:b.B] }},
		{"regression", SequenceClassification, 1, func(b *Batch) { b.Scores = []float32{0.5, 4.2, 2, 3.1}[:b.B] }},
	} {
		for _, drop := range []Dropout{{}, {Hidden: 0.2, Attention: 0.25, Seed: 5, Step: 2}} {
			t.Run(tc.name, func(t *testing.T) {
				m, b := tinyWithHead(t, tc.head, tc.labels)
				tc.targets(b)
				m.Dropout = drop
				l, err := m.Forward(b)
				if err != nil {
					t.Fatal(err)
				}
				if !(l.Total > 0) {
					t.Fatalf("loss %g", l.Total)
				}
				checkModelGradient(t, m, b)
			})
		}
	}
}

// TestHeadPrediction checks that a batch without targets gives the same
// logits as one with them and no loss, and that the span logits are
// qa_outputs' two columns.
func TestHeadPrediction(t *testing.T) {
	m, b := tinyWithHead(t, QuestionAnswering, 0)
	l, err := m.Forward(b)
	if err != nil {
		t.Fatal(err)
	}
	if l.Total != 0 || l.Correct != 0 {
		t.Errorf("prediction losses %+v", l)
	}
	start, end := m.SpanLogits()
	start, end = slices.Clone(start[:b.B*b.T]), slices.Clone(end[:b.B*b.T])
	// Reference: h·w_kᵀ + b_k from the final hidden states.
	h, c := m.finalHidden(), m.cfg.HiddenSize
	w, bias := m.Params.Tensor("qa_outputs.weight"), m.Params.Tensor("qa_outputs.bias")
	for i := range b.B * b.T {
		for k, got := range []float32{start[i], end[i]} {
			want := float64(bias[k])
			for j := range c {
				want += float64(h[i*c+j]) * float64(w[k*c+j])
			}
			if d := float64(got) - want; d > 1e-4 || d < -1e-4 {
				t.Fatalf("row %d logit %d: %g, want %g", i, k, got, want)
			}
		}
	}
	b.StartPositions, b.EndPositions = make([]int32, b.B), make([]int32, b.B)
	if l, err = m.Forward(b); err != nil || !(l.Total > 0) {
		t.Fatalf("with targets: %+v, %v", l, err)
	}
	s2, e2 := m.SpanLogits()
	if !slices.Equal(start, s2[:b.B*b.T]) || !slices.Equal(end, e2[:b.B*b.T]) {
		t.Error("targets changed the logits")
	}
}

// TestHeadRejectsBadTargets checks Forward's refusals of targets.
func TestHeadRejectsBadTargets(t *testing.T) {
	qa, b := tinyWithHead(t, QuestionAnswering, 0)
	cls, _ := tinyWithHead(t, SequenceClassification, 3)
	reg, _ := tinyWithHead(t, SequenceClassification, 1)
	n := b.B
	for _, tc := range []struct {
		name string
		m    *Model
		set  func(b *Batch)
	}{
		{"start only", qa, func(b *Batch) { b.StartPositions = make([]int32, n) }},
		{"start past T", qa, func(b *Batch) {
			b.StartPositions, b.EndPositions = make([]int32, n), make([]int32, n)
			b.StartPositions[0] = int32(b.T)
		}},
		{"short labels", cls, func(b *Batch) { b.Labels = make([]int32, n-1) }},
		{"label 3 of 3", cls, func(b *Batch) { b.Labels = make([]int32, n); b.Labels[1] = 3 }},
		{"scores for classes", cls, func(b *Batch) { b.Scores = make([]float32, n) }},
		{"labels for regression", reg, func(b *Batch) { b.Labels = make([]int32, n) }},
	} {
		bad := *b
		tc.set(&bad)
		if _, err := tc.m.Forward(&bad); err == nil {
			t.Errorf("%s: no error", tc.name)
		}
	}
}

// TestHeadConfigAndCheckpoint checks that config.json names the head as
// transformers does and reads back, and that a pretraining checkpoint
// loads into a question-answering model with the differences reported.
func TestHeadConfigAndCheckpoint(t *testing.T) {
	cfg, err := Preset("tiny", 50)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []Config{cfg, cfg.WithHead(QuestionAnswering, 0), cfg.WithHead(SequenceClassification, 3),
		cfg.WithHead(SequenceClassification, 1)} {
		var fields map[string]any
		if err := json.Unmarshal(c.JSON(), &fields); err != nil {
			t.Fatal(err)
		}
		if a := fields["architectures"].([]any); len(a) != 1 || a[0] != string(c.Head) {
			t.Errorf("%s: architectures %v", c.Head, a)
		}
		if c.Head == SequenceClassification {
			want := map[int]string{1: "regression", 3: "single_label_classification"}[c.NumLabels]
			if fields["problem_type"] != want || len(fields["id2label"].(map[string]any)) != c.NumLabels {
				t.Errorf("%d labels: problem_type %v, id2label %v", c.NumLabels, fields["problem_type"], fields["id2label"])
			}
		}
		var back Config
		if err := json.Unmarshal(c.JSON(), &back); err != nil || back != c {
			t.Errorf("round trip: %+v, want %+v (%v)", back, c, err)
		}
	}
	// Google's bert_config.json and HuggingFace's BertForMaskedLM read as pretraining.
	var google Config
	if err := json.Unmarshal([]byte(`{"vocab_size": 50, "hidden_size": 8, "architectures": ["BertForMaskedLM"], "num_labels": 4}`), &google); err != nil {
		t.Fatal(err)
	}
	if google.Head != Pretraining || google.NumLabels != 0 || google.LayerNormEps != 1e-12 {
		t.Errorf("BertForMaskedLM config read as %+v", google)
	}

	dir := t.TempDir()
	pre, err := NewParams(cfg, 3)
	if err != nil {
		t.Fatal(err)
	}
	if err := SaveWeights(dir, pre); err != nil {
		t.Fatal(err)
	}
	qa, err := NewParams(cfg.WithHead(QuestionAnswering, 0), 4)
	if err != nil {
		t.Fatal(err)
	}
	rep, err := LoadWeights(filepath.Join(dir, WeightsName), qa)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(rep.Missing, []string{"qa_outputs.weight", "qa_outputs.bias"}) || len(rep.Unexpected) != 9 {
		t.Errorf("report %+v", rep)
	}
	if !slices.Equal(qa.Tensor("bert.encoder.layer.1.output.dense.weight"), pre.Tensor("bert.encoder.layer.1.output.dense.weight")) {
		t.Error("encoder weights not loaded")
	}
	// And back: the fine-tuned model's weights name its head as HuggingFace does.
	if err := SaveWeights(dir, qa); err != nil {
		t.Fatal(err)
	}
	qa2, _ := NewParams(cfg.WithHead(QuestionAnswering, 0), 9)
	if rep, err := LoadWeights(filepath.Join(dir, WeightsName), qa2); err != nil || len(rep.Missing)+len(rep.Unexpected) > 0 ||
		!slices.Equal(qa.Data, qa2.Data) {
		t.Errorf("round trip of the QA model: %+v, %v", rep, err)
	}
}
