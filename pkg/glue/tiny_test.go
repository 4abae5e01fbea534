package glue

import (
	"path/filepath"
	"testing"

	"github.com/bertline/bertline/pkg/wordpiece"
)

// TestTinyDatasets reads testdata/tiny as the fine-tuning tests will: every
// file is a valid GLUE file of its task, every class is well represented,
// the vocabulary covers every word, and no feature is cut at 64 tokens.
func TestTinyDatasets(t *testing.T) {
	v, err := wordpiece.LoadVocab("testdata/tiny/vocab.txt")
	if err != nil {
		t.Fatal(err)
	}
	tok := wordpiece.New(v, wordpiece.Options{Lowercase: true})
	unk := v.Special().UNK
	for _, tc := range []struct {
		task       string
		train, dev int
	}{
		{"CoLA", 200, 60}, {"SST-2", 200, 60}, {"MRPC", 200, 60}, {"STS-B", 240, 60}, {"MNLI", 300, 60},
	} {
		task := mustTask(t, tc.task)
		for _, file := range append([]string{task.Train}, task.Dev...) {
			path := filepath.Join("testdata", "tiny", task.Name, file)
			ex, err := Read(task, path)
			if err != nil {
				t.Fatal(err)
			}
			want := tc.dev
			if file == task.Train {
				want = tc.train
			}
			if len(ex) != want {
				t.Errorf("%s: %d examples, want %d", path, len(ex), want)
			}
			// Classes (or, for STS-B, whole scores) are balanced.
			counts := map[float64]int{}
			for _, e := range ex {
				if task.Regression() {
					counts[e.Score]++
				} else {
					counts[float64(e.Label)]++
				}
			}
			classes := task.NumLabels()
			if task.Regression() {
				classes = 6
			}
			balanced := len(counts) == classes
			for _, n := range counts {
				balanced = balanced && n >= len(ex)/classes-1
			}
			if !balanced {
				t.Errorf("%s: class counts %v", path, counts)
			}
			feats, err := Features(ex, tok, 64)
			if err != nil {
				t.Fatal(err)
			}
			for i, f := range feats {
				for _, id := range f.InputIDs {
					if id == unk {
						t.Errorf("%s: %s has a word that is not in vocab.txt: %q %q", path, ex[i].GUID, ex[i].TextA, ex[i].TextB)
						break
					}
				}
				if n := len(f.InputIDs); n >= 64 {
					t.Errorf("%s: %s has %d tokens", path, ex[i].GUID, n)
				}
			}
		}
	}
}
