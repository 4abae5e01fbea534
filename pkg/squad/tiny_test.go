package squad

import (
	"path/filepath"
	"slices"
	"testing"

	"github.com/bertline/bertline/pkg/wordpiece"
)

// TestTinyDatasets reads testdata/tiny as the fine-tuning tests will: every
// file is a valid SQuAD file of its version with the expected questions,
// every answer is where its offset says, the vocabulary covers every word,
// some contexts take two windows at a sequence length of 64, and training
// features point at their answers' own tokens.
func TestTinyDatasets(t *testing.T) {
	v, err := wordpiece.LoadVocab("testdata/tiny/vocab.txt")
	if err != nil {
		t.Fatal(err)
	}
	tok := wordpiece.New(v, wordpiece.Options{Lowercase: true})
	unk := v.Special().UNK
	cfg := FeatureConfig{SeqLen: 64, DocStride: 32, MaxQueryLen: 16}
	for _, tc := range []struct {
		file       string
		version    string
		training   bool
		questions  int
		impossible int
		plausible  int // unanswerable questions with a plausible answer
	}{
		{"train-v1.1.json", "1.1", true, 360, 0, 0},
		{"dev-v1.1.json", "1.1", false, 72, 0, 0},
		{"train-v2.0.json", "v2.0", true, 360, 132, 22},
		{"dev-v2.0.json", "v2.0", false, 72, 26, 5},
	} {
		path := filepath.Join("testdata", "tiny", tc.file)
		ds, err := Load(path, tc.training)
		if err != nil {
			t.Fatal(err)
		}
		if ds.Version != tc.version {
			t.Errorf("%s: version %q, want %q", path, ds.Version, tc.version)
		}
		if len(ds.Skipped) > 0 {
			t.Errorf("%s: answers not found: %v", path, ds.Skipped)
		}
		impossible, plausible := 0, 0
		for _, e := range ds.Examples {
			if e.Impossible {
				impossible++
			}
			if len(e.PlausibleAnswers) > 0 {
				plausible++
			}
			want := 1
			if !tc.training {
				want = 3
			}
			if !e.Impossible && len(e.Answers) != want {
				t.Errorf("%s: %s has %d answers, want %d", path, e.ID, len(e.Answers), want)
			}
			context := []rune(e.Context)
			for _, a := range append(slices.Clone(e.Answers), e.PlausibleAnswers...) {
				if end := a.Start + len([]rune(a.Text)); end > len(context) || string(context[a.Start:end]) != a.Text {
					t.Errorf("%s: %s: answer %q is not at %d", path, e.ID, a.Text, a.Start)
				}
			}
			for _, text := range []string{e.Question, e.Context} {
				if ids := tok.AppendIDs(nil, []byte(text)); slices.Contains(ids, unk) {
					t.Errorf("%s: %s has a word that is not in vocab.txt: %q", path, e.ID, text)
				}
			}
		}
		if len(ds.Examples) != tc.questions || impossible != tc.impossible || plausible != tc.plausible {
			t.Errorf("%s: %d questions, %d unanswerable, %d with plausible answers; want %d, %d, %d",
				path, len(ds.Examples), impossible, plausible, tc.questions, tc.impossible, tc.plausible)
		}

		feats, err := Features(ds.Examples, tok, cfg, tc.training)
		if err != nil {
			t.Fatal(err)
		}
		windows := make([]int, len(ds.Examples))
		for _, f := range feats {
			windows[f.ExampleIndex]++
			if n := len(f.InputIDs); n > cfg.SeqLen {
				t.Errorf("%s: feature of %s has %d tokens", path, ds.Examples[f.ExampleIndex].ID, n)
			}
		}
		two := 0
		for i, n := range windows {
			if n == 2 {
				two++
			} else if n != 1 {
				t.Errorf("%s: %s has %d windows", path, ds.Examples[i].ID, n)
			}
		}
		// Every sixth paragraph is long, and long ones have more questions.
		if two < len(ds.Examples)/10 || two > len(ds.Examples)/3 {
			t.Errorf("%s: %d of %d questions take two windows", path, two, len(ds.Examples))
		}
		if tc.training {
			checkTargets(t, path, ds.Examples, feats, tok)
		}
	}
}

// checkTargets checks the training targets of the tiny datasets' features:
// a window that holds an answer's words points at the answer's own tokens
// (without the punctuation its last word may carry), every answer is in
// some window, and unanswerable questions point at [CLS].
func checkTargets(t *testing.T, path string, examples []Example, feats []Feature, tok *wordpiece.Tokenizer) {
	t.Helper()
	found := make([]bool, len(examples))
	narrowed := 0
	for _, f := range feats {
		e := &examples[f.ExampleIndex]
		if e.Impossible {
			if f.StartPos != 0 || f.EndPos != 0 {
				t.Errorf("%s: unanswerable %s has targets %d, %d", path, e.ID, f.StartPos, f.EndPos)
			}
			continue
		}
		// The window holds the answer when it holds every token of its
		// first and last word.
		whole := func(w int) bool {
			n := len(tok.AppendIDs(nil, []byte(e.DocTokens[w])))
			in := 0
			for _, x := range f.Words {
				if int(x) == w {
					in++
				}
			}
			return in == n
		}
		if !whole(e.StartWord) || !whole(e.EndWord) {
			continue
		}
		found[f.ExampleIndex] = true
		want := tok.AppendIDs(nil, []byte(e.Answers[0].Text))
		if f.StartPos == 0 || f.EndPos < f.StartPos || !slices.Equal(f.InputIDs[f.StartPos:f.EndPos+1], want) {
			t.Errorf("%s: %s: targets %d, %d; want the tokens of %q", path, e.ID, f.StartPos, f.EndPos, e.Answers[0].Text)
			continue
		}
		if w, _ := f.Word(f.EndPos); w != e.EndWord {
			t.Errorf("%s: %s: answer ends in word %d, want %d", path, e.ID, w, e.EndWord)
		}
		if f.EndPos-f.DocOffset < len(f.Words)-1 && f.Words[f.EndPos-f.DocOffset+1] == int32(e.EndWord) {
			narrowed++
		}
	}
	for i, e := range examples {
		if !e.Impossible && !found[i] {
			t.Errorf("%s: %s: no window holds the answer", path, e.ID)
		}
	}
	if narrowed == 0 {
		t.Errorf("%s: no answer is narrowed inside its last word", path)
	}
}
