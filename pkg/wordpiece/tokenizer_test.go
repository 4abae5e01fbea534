package wordpiece

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"
)

// tinyVocab builds a vocabulary of the special tokens followed by toks.
func tinyVocab(t testing.TB, toks ...string) *Vocab {
	t.Helper()
	all := append([]string{"[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"}, toks...)
	v, err := ReadVocab(strings.NewReader(strings.Join(all, "\n") + "\n"))
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// The cases of tokenization_test.py in google-research/bert, which hold in
// both compat modes.
func TestBasic(t *testing.T) {
	v := tinyVocab(t, "hello", "world", "!", "?", "how", "are", "you", "allen", "##nl", "hallo", "##p",
		"héllo", "ah", "凡", "一", "二", "want", "##want", "##ed", "wa", "un", "runn", "##ing", ",", "low", "lowest")
	for _, compat := range []Compat{HuggingFace, Google} {
		for _, tc := range []struct {
			in    string
			lower bool
			want  string
		}{
			{" \tHeLLo!how  \n Are yoU?  ", true, "hello ! how are you ?"},
			{"H\u00E9llo", true, "hello"},
			{" \tHeLLo!how  \n Are yoU?  ", false, "[UNK] ! how [UNK] [UNK] ?"},
			{"ah\u535A\u63A8zz", true, "ah [UNK] [UNK] [UNK]"},
			{"ah\u535A\u63A8zz一二", true, "ah [UNK] [UNK] [UNK] 一 二"},
			{"unwanted running", true, "un ##want ##ed runn ##ing"},
			{"unwantedX running", true, "[UNK] runn ##ing"},
			{"", true, ""},
			{"  \t\n ", true, ""},
			{"hello, world!", false, "hello , world !"},
			{"lowest low lowly", false, "lowest low [UNK]"},
			{"a\x00b\ufffdc\x0bd \x7f", false, "[UNK]"},
			{"allennl", false, "allen ##nl"},
			{"hallopp", false, "hallo ##p ##p"},
			{"héllo", false, "héllo"},
		} {
			tok := New(v, Options{Lowercase: tc.lower, Compat: compat})
			if got := strings.Join(tok.Tokenize(tc.in), " "); got != tc.want {
				t.Errorf("%v lower=%v %q: got %q, want %q", compat, tc.lower, tc.in, got, tc.want)
			}
		}
	}
}

// TestCompatDifferences has one case for each documented difference
// between HuggingFace and google-research/bert.
func TestCompatDifferences(t *testing.T) {
	v := tinyVocab(t, "a", "##a", "b", "##b", "xy", "x", "##y", "y", "οδοσ", "οδος", "ab", "\U0002b820",
		"a\u0890b", "a\u2e52b", "a\u0898b", "\u2e52", "\ua7cb", "\u0264", "##\u0890")
	long := strings.Repeat("a", 150)
	for _, tc := range []struct {
		name, in   string
		lower      bool
		hf, google string
	}{
		{"word limit 100 vs 200", long, true, "[UNK]", "a" + strings.Repeat(" ##a", 149)},
		{"word limit 200", strings.Repeat("a", 201), true, "[UNK]", "[UNK]"},
		{"private use dropped vs kept", "x\ue000y", false, "xy", "[UNK]"},
		{"plane 15 private use", "x\U000F0000y", true, "xy", "[UNK]"},
		{"final sigma", "ΟΔΟΣ", true, "οδοσ", "οδος"},
		{"sigma before a letter", "ΟΔΟΣ\u00adΑ", true, "[UNK]", "[UNK]"},
		{"CJK Extension E start", "a\U0002b820b", true, "[UNK]", "a \U0002b820 b"},
		{"format character new since Unicode 9", "a\u0890b", true, "a\u0890b", "ab"},
		{"punctuation new since Unicode 9", "a\u2e52b", false, "a\u2e52b", "a \u2e52 b"},
		{"nonspacing mark new since Unicode 9", "a\u0898b", true, "a\u0898b", "ab"},
		{"case pair newer than Go's tables", "\ua7cb", true, "\u0264", "\ua7cb"},
	} {
		for _, compat := range []Compat{HuggingFace, Google} {
			want := tc.hf
			if compat == Google {
				want = tc.google
			}
			tok := New(v, Options{Lowercase: tc.lower, Compat: compat})
			if got := strings.Join(tok.Tokenize(tc.in), " "); got != want {
				t.Errorf("%s, %v: %+q: got %+q, want %+q", tc.name, compat, tc.in, got, want)
			}
		}
	}
}

// TestDocExamples checks the examples of the package documentation.
func TestDocExamples(t *testing.T) {
	uncased, _ := vocabs(t)
	tok := New(uncased, Options{Lowercase: true})
	for _, tc := range []struct{ in, want string }{
		{"Héllo, WORLD!", "hello , world !"},
		{"unaffable", "una ##ffa ##ble"},
		{"naïve café\u00a0au lait", "naive cafe au lai ##t"},
		{"東京タワー", "東 京 タ ##ワ ##ー"},
		{"a\u200bb", "ab"},
		{"x\x00y", "x ##y"},
		{strings.Repeat("a", 101), "[UNK]"},
		{"Ångström İ", "ang ##strom i"},
		{"[MASK]", "[ mask ]"},
	} {
		if got := strings.Join(tok.Tokenize(tc.in), " "); got != tc.want {
			t.Errorf("%+q: got %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestVocab(t *testing.T) {
	uncased, cased := vocabs(t)
	if uncased.Len() != 30522 || cased.Len() != 28996 {
		t.Errorf("Len = %d, %d; want 30522, 28996", uncased.Len(), cased.Len())
	}
	// The SHA-256 sums of data/vocab/README.md.
	if got, want := uncased.SHA256(), "07eced375cec144d27c900241f3e339478dec958f92fddbc551f295c992038a3"; got != want {
		t.Errorf("uncased SHA256 = %s, want %s", got, want)
	}
	if got, want := cased.SHA256(), "eeaa9875b23b04b4c54ef759d03db9d1ba1554838f8fb26c5d96fa551df93d02"; got != want {
		t.Errorf("cased SHA256 = %s, want %s", got, want)
	}
	if got, want := uncased.Special(), (Specials{PAD: 0, UNK: 100, CLS: 101, SEP: 102, MASK: 103}); got != want {
		t.Errorf("Special = %+v, want %+v", got, want)
	}
	for _, tc := range []struct {
		tok  string
		id   int32
		cont bool
	}{{"[PAD]", 0, false}, {"the", 1996, false}, {"##s", 2015, true}, {"#", 1001, false}, {"##ing", 2075, true}} {
		id, ok := uncased.ID(tc.tok)
		if !ok || id != tc.id || uncased.Token(id) != tc.tok || uncased.Continues(id) != tc.cont {
			t.Errorf("ID(%q) = %d, %v; Token = %q; Continues = %v; want %d, %v", tc.tok, id, ok, uncased.Token(id), uncased.Continues(id), tc.id, tc.cont)
		}
	}
	if _, ok := uncased.ID("notatoken"); ok {
		t.Error(`ID("notatoken") found`)
	}
	if uncased.Token(-1) != "" || uncased.Token(30522) != "" || uncased.Continues(30522) {
		t.Error("out-of-range id has a token")
	}
	// Every token round-trips.
	for id := int32(0); id < int32(cased.Len()); id++ {
		if got, ok := cased.ID(cased.Token(id)); !ok || got != id {
			t.Fatalf("ID(Token(%d)) = %d, %v", id, got, ok)
		}
	}
}

func TestReadVocabErrors(t *testing.T) {
	specials := "[PAD]\n[UNK]\n[CLS]\n[SEP]\n[MASK]\n"
	for _, tc := range []struct{ in, want string }{
		{specials + "a\n\nb\n", "line 7 is empty"},
		{specials + "a\nb\n##a\na\n", `line 9: token "a" repeats line 6`},
		{specials + "##x\n##x\n", `line 7: token "##x" repeats line 6`},
		{"[PAD]\n[UNK]\n[CLS]\n[SEP]\n", "no [MASK] token"},
		{"", "no [PAD] token"},
	} {
		_, err := ReadVocab(strings.NewReader(tc.in))
		if err == nil || !errors.Is(err, ErrVocab) || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("ReadVocab(%q) = %v, want ErrVocab naming %q", tc.in, err, tc.want)
		}
	}
	v, err := ReadVocab(strings.NewReader(specials + "a\r\n##b\r\n"))
	if err != nil {
		t.Fatal(err)
	}
	if id, ok := v.ID("##b"); !ok || id != 6 || v.Token(5) != "a" {
		t.Errorf("CRLF vocabulary: ID(##b) = %d, %v; Token(5) = %q", id, ok, v.Token(5))
	}

	dir := t.TempDir()
	bad := filepath.Join(dir, "vocab.txt")
	if err := os.WriteFile(bad, []byte(specials+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadVocab(bad); err == nil || !strings.Contains(err.Error(), bad) || !strings.Contains(err.Error(), "line 6") {
		t.Errorf("LoadVocab(bad) = %v, want an error naming %s and line 6", err, bad)
	}
	missing := filepath.Join(dir, "missing.txt")
	if _, err := LoadVocab(missing); err == nil || !strings.Contains(err.Error(), missing) {
		t.Errorf("LoadVocab(missing) = %v, want an error naming the file", err)
	}
}

// TestInvalidUTF8 checks that invalid bytes are dropped like U+FFFD.
func TestInvalidUTF8(t *testing.T) {
	uncased, _ := vocabs(t)
	tok := New(uncased, Options{Lowercase: true})
	for _, in := range []string{"hel\xfflo wor\xc3ld", "hel\ufffdlo wor\ufffdld", "\xed\xa0\x80hello world\xf4\x90\x80\x80"} {
		if got := strings.Join(tok.Tokenize(in), " "); got != "hello world" {
			t.Errorf("%q: got %q, want \"hello world\"", in, got)
		}
	}
}

// TestLongRuns feeds runs of non-ASCII text longer than the internal
// buffers and checks them against the same text cut into short lines.
func TestLongRuns(t *testing.T) {
	uncased, cased := vocabs(t)
	for _, tok := range []*Tokenizer{New(uncased, Options{Lowercase: true}), New(cased, Options{}), New(uncased, Options{Lowercase: true, Compat: Google})} {
		for _, unit := range []string{"é", "ภาษา", "Ё", "ÉÈ", "한국", "é\u0301", "е\u0308"} {
			for _, n := range []int{1, 40, 63, 64, 65, 99, 100, 101, 199, 200, 201, 400} {
				word := strings.Repeat(unit, n)
				got := tok.Tokenize(word + " " + word)
				one := tok.Tokenize(word)
				want := append(slices.Clone(one), one...)
				if !slices.Equal(got, want) {
					t.Errorf("%v: %d × %q: got %d tokens, want %d", tok.Options(), n, unit, len(got), len(want))
				}
				if utf8.RuneCountInString(word) > tok.limit && tok.Options().Lowercase == false && (len(one) != 1 || one[0] != "[UNK]") {
					t.Errorf("%v: %d × %q: over the limit but got %q", tok.Options(), n, unit, one)
				}
			}
		}
	}
}

func TestAppendIDsAllocs(t *testing.T) {
	uncased, _ := vocabs(t)
	tok := New(uncased, Options{Lowercase: true})
	text := []byte("The café in Zürich served crème brûlée; 東京タワー is 333 m tall. Ελληνικά ΟΔΟΣ — unaffable!")
	dst := make([]int32, 0, 1024)
	allocs := testing.AllocsPerRun(100, func() { dst = tok.AppendIDs(dst[:0], text) })
	if allocs != 0 {
		t.Errorf("AppendIDs allocates %.1f times per call", allocs)
	}
}
