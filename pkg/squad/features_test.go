package squad

import (
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/bertline/bertline/pkg/wordpiece"
)

// testVocab is enough for the contexts of these tests; "japanese" is one
// piece, so the answer "Japan" cannot be narrowed inside it.
const testVocab = `[PAD] [UNK] [CLS] [SEP] [MASK] the man went to store and bought a gallon of milk
who what ( ) - . , ' s 18 ##95 19 ##43 john smith leader was japanese steve`

func testTokenizer(t *testing.T) *wordpiece.Tokenizer {
	t.Helper()
	v, err := wordpiece.ReadVocab(strings.NewReader(strings.Join(strings.Fields(testVocab), "\n") + "\n"))
	if err != nil {
		t.Fatal(err)
	}
	return wordpiece.New(v, wordpiece.Options{Lowercase: true})
}

// example reads one question about one context; answer "" makes it
// unanswerable.
func example(t *testing.T, context, question, answer string, training bool) Example {
	t.Helper()
	qa := fmt.Sprintf(`{"id": "q", "question": %q, "answers": [], "is_impossible": true}`, question)
	if answer != "" {
		at := strings.Index(context, answer)
		if at < 0 {
			t.Fatalf("%q not in %q", answer, context)
		}
		at = len([]rune(context[:at]))
		qa = fmt.Sprintf(`{"id": "q", "question": %q, "answers": [{"text": %q, "answer_start": %d}]}`, question, answer, at)
	}
	ds, err := Read(strings.NewReader(wrap(context, qa)), "t.json", training)
	if err != nil {
		t.Fatal(err)
	}
	if len(ds.Examples) != 1 {
		t.Fatalf("%d examples (skipped %v)", len(ds.Examples), ds.Skipped)
	}
	return ds.Examples[0]
}

// tokens writes a feature's ids as tokens.
func toks(tok *wordpiece.Tokenizer, ids []int32) string {
	var s []string
	for _, id := range ids {
		s = append(s, tok.Vocab().Token(id))
	}
	return strings.Join(s, " ")
}

func flags(b []bool) string {
	s := ""
	for _, x := range b {
		if x {
			s += "T"
		} else {
			s += "F"
		}
	}
	return s
}

const milk = "the man went to the store and bought a gallon of milk"

// With 5 context tokens a window and a stride of 3, the 12 tokens of milk
// fall into windows [0,5), [3,8), [6,11), [9,12). A token seen twice counts
// in the window where min(left, right) + 0.01 × length is larger: token 4
// ("the") has (4, 0) in the first and (1, 3) in the second.
func TestFeatureWindows(t *testing.T) {
	tok := testTokenizer(t)
	ex := example(t, milk, "who", "", false)
	fs, err := Features([]Example{ex}, tok, FeatureConfig{SeqLen: 9, DocStride: 3, MaxQueryLen: 4}, false)
	if err != nil {
		t.Fatal(err)
	}
	want := []struct {
		tokens string
		words  []int32
		max    string
	}{
		{"[CLS] who [SEP] the man went to the [SEP]", []int32{0, 1, 2, 3, 4}, "TTTTF"},
		{"[CLS] who [SEP] to the store and bought [SEP]", []int32{3, 4, 5, 6, 7}, "FTTTF"},
		{"[CLS] who [SEP] and bought a gallon of [SEP]", []int32{6, 7, 8, 9, 10}, "FTTTF"},
		{"[CLS] who [SEP] gallon of milk [SEP]", []int32{9, 10, 11}, "FTT"},
	}
	if len(fs) != len(want) {
		t.Fatalf("%d features, want %d", len(fs), len(want))
	}
	for i, f := range fs {
		w := want[i]
		if got := toks(tok, f.InputIDs); got != w.tokens {
			t.Errorf("feature %d: %s, want %s", i, got, w.tokens)
		}
		if f.ExampleIndex != 0 || f.SpanIndex != i || f.DocOffset != 3 || !reflect.DeepEqual(f.Words, w.words) {
			t.Errorf("feature %d: example %d span %d offset %d words %v, want 0 %d 3 %v",
				i, f.ExampleIndex, f.SpanIndex, f.DocOffset, f.Words, i, w.words)
		}
		if got := flags(f.MaxContext); got != w.max {
			t.Errorf("feature %d: max context %s, want %s", i, got, w.max)
		}
		if f.StartPos != 0 || f.EndPos != 0 {
			t.Errorf("prediction feature %d has positions %d, %d", i, f.StartPos, f.EndPos)
		}
	}
}

// On a tie the first window wins: with windows [0,4) and [1,5), token 2
// has min(2, 1) = min(1, 2) in both, and equal lengths.
func TestFeatureMaxContextTie(t *testing.T) {
	tok := testTokenizer(t)
	ex := example(t, "the man went to the", "who", "", false)
	fs, err := Features([]Example{ex}, tok, FeatureConfig{SeqLen: 8, DocStride: 1, MaxQueryLen: 4}, false)
	if err != nil {
		t.Fatal(err)
	}
	if len(fs) != 2 || flags(fs[0].MaxContext) != "TTTF" || flags(fs[1].MaxContext) != "FFTT" {
		for _, f := range fs {
			t.Logf("words %v max %s", f.Words, flags(f.MaxContext))
		}
		t.Error("want two windows with max context TTTF and FFTT")
	}
}

func TestFeatureQueryTruncation(t *testing.T) {
	tok := testTokenizer(t)
	ex := example(t, milk, "who went to the store", "", false)
	fs, err := Features([]Example{ex}, tok, FeatureConfig{SeqLen: 9, DocStride: 2, MaxQueryLen: 2}, false)
	if err != nil {
		t.Fatal(err)
	}
	// 9 − 2 − 3 = 4 context tokens a window.
	if got := toks(tok, fs[0].InputIDs); got != "[CLS] who went [SEP] the man went to [SEP]" || fs[0].DocOffset != 4 {
		t.Errorf("first feature %s, doc offset %d", got, fs[0].DocOffset)
	}
	if got := toks(tok, fs[len(fs)-1].InputIDs); got != "[CLS] who went [SEP] a gallon of milk [SEP]" {
		t.Errorf("last feature %s", got)
	}
	ids, types, mask := make([]int32, 12), make([]int32, 12), make([]int32, 12)
	fs[0].Pad(ids, types, mask)
	if fmt.Sprint(ids[9:], types, mask) != "[0 0 0] [0 0 0 0 1 1 1 1 1 0 0 0] [1 1 1 1 1 1 1 1 1 0 0 0]" {
		t.Errorf("Pad: ids %v types %v mask %v", ids, types, mask)
	}
}

func TestFeatureAnswerSpans(t *testing.T) {
	tok := testTokenizer(t)
	smith := "The leader was John Smith (1895-1943)."
	big := FeatureConfig{SeqLen: 32, DocStride: 8, MaxQueryLen: 8}
	for _, tt := range []struct {
		name, context, answer string
		cfg                   FeatureConfig
		want                  []string // per window: "start end tokens", or "0 0"
	}{
		// The word "(1895-1943)." is narrowed to the answer's tokens.
		{"improved", smith, "1895", big, []string{"9 10 18 ##95"}},
		{"two words", smith, "John Smith", big, []string{"6 7 john smith"}},
		// "Japanese" is one token: the answer keeps the whole word.
		{"sub-word", "the japanese leader", "japan", big, []string{"4 4 japanese"}},
		// Only the second window holds all of "store and bought".
		{"across windows", milk, "store and bought", FeatureConfig{SeqLen: 9, DocStride: 3, MaxQueryLen: 4},
			[]string{"0 0", "5 7 store and bought", "0 0", "0 0"}},
		{"unanswerable", milk, "", FeatureConfig{SeqLen: 9, DocStride: 3, MaxQueryLen: 4},
			[]string{"0 0", "0 0", "0 0", "0 0"}},
		// A word without tokens (U+200B is dropped) still has its place.
		{"empty word", "the \u200b man", "man", big, []string{"4 4 man"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			ex := example(t, tt.context, "who", tt.answer, true)
			fs, err := Features([]Example{ex}, tok, tt.cfg, true)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, f := range fs {
				s := fmt.Sprintf("%d %d", f.StartPos, f.EndPos)
				if f.StartPos > 0 {
					s += " " + toks(tok, f.InputIDs[f.StartPos:f.EndPos+1])
				}
				got = append(got, s)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

func TestFeatureWords(t *testing.T) {
	tok := testTokenizer(t)
	ex := example(t, "the \u200b man (1895)", "who", "", false)
	fs, err := Features([]Example{ex}, tok, DefaultFeatureConfig(), false)
	if err != nil {
		t.Fatal(err)
	}
	f := fs[0]
	if got := toks(tok, f.InputIDs); got != "[CLS] who [SEP] the man ( 18 ##95 ) [SEP]" {
		t.Fatalf("tokens %s", got)
	}
	var words []string
	for pos := range f.InputIDs {
		if w, ok := f.Word(pos); ok {
			words = append(words, ex.DocTokens[w])
		} else {
			words = append(words, "-")
		}
	}
	if got := strings.Join(words, " "); got != "- - - the man (1895) (1895) (1895) (1895) -" {
		t.Errorf("words %s", got)
	}
}

func TestFeaturesEdgeCases(t *testing.T) {
	tok := testTokenizer(t)
	empty := example(t, " ", "who", "", false)
	fs, err := Features([]Example{empty}, tok, DefaultFeatureConfig(), false)
	if err != nil || len(fs) != 0 {
		t.Errorf("empty context: %d features, %v", len(fs), err)
	}
	ex := example(t, milk, "who", "milk", false)
	if _, err := Features([]Example{ex}, tok, DefaultFeatureConfig(), true); err == nil {
		t.Error("training features from an example read for prediction")
	}
	for _, cfg := range []FeatureConfig{{SeqLen: 67, DocStride: 1, MaxQueryLen: 64}, {SeqLen: 384, DocStride: 0, MaxQueryLen: 64}} {
		if _, err := Features([]Example{ex}, tok, cfg, false); err == nil {
			t.Errorf("config %+v accepted", cfg)
		}
	}
}
