package glue

import (
	"math"
	"strings"
	"testing"

	"github.com/bertline/bertline/pkg/wordpiece"
)

// testTokenizer has ids 0 to 4 for the special tokens, then one per word.
func testTokenizer(t *testing.T) *wordpiece.Tokenizer {
	t.Helper()
	v, err := wordpiece.ReadVocab(strings.NewReader(strings.Join(strings.Fields(
		"[PAD] [UNK] [CLS] [SEP] [MASK] a b c d e f g h is this jack ##son ##ville ? no it not . the dog hairy"), "\n")))
	if err != nil {
		t.Fatal(err)
	}
	return wordpiece.New(v, wordpiece.Options{Lowercase: true})
}

// tokens turns ids back into tokens for readable comparisons.
func tokens(tok *wordpiece.Tokenizer, ids []int32) string {
	var s []string
	for _, id := range ids {
		s = append(s, tok.Vocab().Token(id))
	}
	return strings.Join(s, " ")
}

func types(tt []int32) string {
	var b strings.Builder
	for _, x := range tt {
		b.WriteByte(byte('0' + x))
	}
	return b.String()
}

func TestFeatures(t *testing.T) {
	tok := testTokenizer(t)
	tests := []struct {
		name, a, b string
		seqLen     int
		tokens     string
		types      string
	}{
		// run_classifier.py's own examples.
		{"pair", "is this jacksonville ?", "no it is not .", 128,
			"[CLS] is this jack ##son ##ville ? [SEP] no it is not . [SEP]", "00000000111111"},
		{"single", "the dog is hairy .", "", 128, "[CLS] the dog is hairy . [SEP]", "0000000"},
		{"exactly fits", "a b c", "d e", 8, "[CLS] a b c [SEP] d e [SEP]", "00000111"},
		// Pairs lose the last token of the longer sentence, of B on ties.
		{"a longer", "a b c d e", "f", 7, "[CLS] a b c [SEP] f [SEP]", "0000011"},
		{"b longer", "a", "b c d e f", 7, "[CLS] a [SEP] b c d [SEP]", "0001111"},
		{"equal, b first", "a b c", "d e f", 8, "[CLS] a b c [SEP] d e [SEP]", "00000111"},
		{"both cut", "a b c d", "e f g h", 8, "[CLS] a b c [SEP] e f [SEP]", "00000111"},
		{"word pieces cut", "jacksonville", "a", 5, "[CLS] jack [SEP] a [SEP]", "00011"},
		{"single cut", "a b c d e f", "", 5, "[CLS] a b c [SEP]", "00000"},
		// An empty or token-less B makes a single-sentence feature.
		{"empty b", "a b c", "", 4, "[CLS] a b [SEP]", "0000"},
		{"b of control characters", "a b", "\x00\u200b", 128, "[CLS] a b [SEP]", "0000"},
		{"b of spaces", "a b", "   ", 128, "[CLS] a b [SEP]", "0000"},
		{"unknown words", "zebra", "a", 128, "[CLS] [UNK] [SEP] a [SEP]", "00011"},
		{"empty a", "", "a", 128, "[CLS] [SEP] a [SEP]", "0011"},
		// At the shortest length both sentences go, and with B gone the
		// second [SEP] too, as in convert_single_example.
		{"seqLen 3", "a", "b", 3, "[CLS] [SEP]", "00"},
	}
	for _, tt := range tests {
		ex := []Example{{TextA: tt.a, TextB: tt.b, Label: 1, Score: math.NaN()}}
		f, err := Features(ex, tok, tt.seqLen)
		if err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		got := f[0]
		if s := tokens(tok, got.InputIDs); s != tt.tokens {
			t.Errorf("%s: tokens %q, want %q", tt.name, s, tt.tokens)
		}
		if s := types(got.TokenTypes); s != tt.types {
			t.Errorf("%s: token types %s, want %s", tt.name, s, tt.types)
		}
		if len(got.InputIDs) > tt.seqLen {
			t.Errorf("%s: %d ids, more than %d", tt.name, len(got.InputIDs), tt.seqLen)
		}
	}
}

func TestFeaturesLabels(t *testing.T) {
	tok := testTokenizer(t)
	ex := []Example{
		{TextA: "a", Label: 2, Score: math.NaN()},
		{TextA: "b", TextB: "c", Label: -1, Score: 3.8},
		{TextA: "c", Label: -1, Score: math.NaN()},
	}
	f, err := Features(ex, tok, 16)
	if err != nil {
		t.Fatal(err)
	}
	if f[0].Label != 2 || !math.IsNaN(float64(f[0].Score)) ||
		f[1].Label != -1 || f[1].Score != float32(3.8) ||
		f[2].Label != -1 || !math.IsNaN(float64(f[2].Score)) {
		t.Errorf("labels: %+v", f)
	}
	if f, err := Features(nil, tok, 16); err != nil || len(f) != 0 {
		t.Errorf("no examples: %v, %v", f, err)
	}
	if _, err := Features(ex, tok, 2); err == nil {
		t.Error("seqLen 2: no error")
	}
}

// TestTruncatePair checks _truncate_seq_pair against the lengths it leads
// to: unchanged when the pair fits; else the shorter sentence is kept when
// it has at most half, the longer one cut to the rest; else both end at
// half, A taking the odd token.
func TestTruncatePair(t *testing.T) {
	for la := 0; la <= 12; la++ {
		for lb := 0; lb <= 12; lb++ {
			for m := 0; m <= 26; m++ {
				a, b := make([]int32, la), make([]int32, lb)
				for i := range a {
					a[i] = int32(i)
				}
				for i := range b {
					b[i] = int32(100 + i)
				}
				ga, gb := truncatePair(a, b, m)
				wa, wb := la, lb
				if la+lb > m {
					switch s := min(la, lb); {
					case 2*s <= m && la <= lb:
						wb = m - la
					case 2*s <= m:
						wa = m - lb
					default:
						wa, wb = (m+1)/2, m/2
					}
				}
				if len(ga) != wa || len(gb) != wb {
					t.Fatalf("la %d lb %d max %d: lengths %d, %d, want %d, %d", la, lb, m, len(ga), len(gb), wa, wb)
				}
				// Only tails are dropped.
				for i := range ga {
					if ga[i] != int32(i) {
						t.Fatalf("a = %v", ga)
					}
				}
				for i := range gb {
					if gb[i] != int32(100+i) {
						t.Fatalf("b = %v", gb)
					}
				}
			}
		}
	}
}
