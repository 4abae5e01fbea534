package vocabtrain

import (
	"cmp"
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"
)

var update = flag.Bool("update", false, "rewrite testdata/hf/train_words.txt from the sample corpus")

// Files of the comparison with HuggingFace's trainer. train_words.txt is
// written by this test under -update; hf_vocab.txt by
// testdata/gen/hf_train.js from it.
const (
	trainWordsFile = "testdata/hf/train_words.txt"
	hfVocabFile    = "testdata/hf/hf_vocab.txt"
	compareSize    = 2000
)

// pieceVocab is a vocabulary for greedy: token → id, and the longest
// token's length in bytes.
type pieceVocab struct {
	ids    map[string]int
	maxLen int
}

func newPieceVocab(vocab []string) pieceVocab {
	v := pieceVocab{ids: make(map[string]int, len(vocab))}
	for i, tok := range vocab {
		v.ids[tok] = i
		v.maxLen = max(v.maxLen, len(tok))
	}
	return v
}

// greedy tokenizes one word with WordPiece's greedy longest-match-first
// rule: the longest vocabulary entry that prefixes the rest of the word,
// looked up with "##" after the first piece. A word that cannot be covered
// is a single [UNK] (unk true).
func greedy(v pieceVocab, word string) (pieces []string, unk bool) {
	for start := 0; start < len(word); {
		end := min(len(word), start+v.maxLen)
		found := ""
		for ; end > start; end-- {
			sub := word[start:end]
			if start > 0 {
				sub = Prefix + sub
			}
			if _, ok := v.ids[sub]; ok {
				found = sub
				break
			}
		}
		if found == "" {
			return []string{"[UNK]"}, true
		}
		pieces = append(pieces, found)
		start = end
	}
	return pieces, false
}

// splitWords lower-cases a line and splits it on white space and around
// every punctuation or symbol character, a simple stand-in for BERT's basic
// tokenizer.
func splitWords(line string) []string {
	var words []string
	var cur strings.Builder
	flush := func() {
		if cur.Len() > 0 {
			words = append(words, cur.String())
			cur.Reset()
		}
	}
	for _, r := range strings.ToLower(line) {
		switch {
		case unicode.IsSpace(r):
			flush()
		case unicode.IsPunct(r) || unicode.IsSymbol(r):
			flush()
			words = append(words, string(r))
		default:
			cur.WriteRune(r)
		}
	}
	flush()
	return words
}

// sampleCorpus splits the sample corpus by line: every tenth line of each
// file is held out, the rest counted for training.
func sampleCorpus(t *testing.T) (train []WordCount, heldOut []string) {
	t.Helper()
	files, err := filepath.Glob("../../data/sample/expected/*.txt")
	if err != nil {
		t.Fatal(err)
	}
	books, err := filepath.Glob("../../data/sample/expected/books/*.txt")
	if err != nil {
		t.Fatal(err)
	}
	files = append(files, books...)
	slices.Sort(files)
	if len(files) == 0 {
		t.Skip("sample corpus not available")
	}
	counts := make(map[string]int64)
	for _, name := range files {
		data, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		for i, line := range strings.Split(string(data), "\n") {
			words := splitWords(line)
			if i%10 == 9 {
				heldOut = append(heldOut, words...)
				continue
			}
			for _, w := range words {
				counts[w]++
			}
		}
	}
	for w, c := range counts {
		train = append(train, WordCount{w, c})
	}
	slices.SortFunc(train, func(a, b WordCount) int {
		if c := cmp.Compare(b.Count, a.Count); c != 0 {
			return c
		}
		return strings.Compare(a.Word, b.Word)
	})
	return train, heldOut
}

// scores is what the comparison measures on held-out words.
type scores struct {
	tokensPerWord float64
	unkRate       float64
}

func score(vocab []string, words []string) scores {
	v := newPieceVocab(vocab)
	var pieces, unks int
	for _, w := range words {
		p, unk := greedy(v, w)
		pieces += len(p)
		if unk {
			unks++
		}
	}
	return scores{float64(pieces) / float64(len(words)), float64(unks) / float64(len(words))}
}

func readLines(t *testing.T, name string) []string {
	t.Helper()
	data, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	return strings.Split(strings.TrimSuffix(string(data), "\n"), "\n")
}

// TestCompareHF trains on 90% of the sample corpus to 2000 tokens and
// compares greedy WordPiece on the held-out 10% against the vocabulary that
// HuggingFace's WordPieceTrainer learned from the same counts: ours may take
// no more tokens per word and have no higher [UNK] rate.
//
// HuggingFace's result depends on its hash seed (see TestReplayHF). Eight
// runs of testdata/gen/hf_train.js scored 1.3640 to 1.3646 tokens per
// held-out word, and 50 replays of its walk over the words in random orders
// 1.3640 to 1.3657 (mean 1.3645); the committed run scores 1.3643, ours
// 1.3640.
func TestCompareHF(t *testing.T) {
	train, heldOut := sampleCorpus(t)
	var lines strings.Builder
	for _, w := range train {
		fmt.Fprintf(&lines, "%s %d\n", w.Word, w.Count)
	}
	if *update {
		if err := os.WriteFile(trainWordsFile, []byte(lines.String()), 0o644); err != nil {
			t.Fatal(err)
		}
		t.Logf("wrote %s; now run node testdata/gen/hf_train.js", trainWordsFile)
	}
	committed, err := os.ReadFile(trainWordsFile)
	if err != nil {
		t.Fatal(err)
	}
	if string(committed) != lines.String() {
		t.Fatalf("%s is out of date with the sample corpus: rerun with -update, then testdata/gen/hf_train.js", trainWordsFile)
	}

	ours, err := Train(context.Background(), train, Options{Size: compareSize})
	if err != nil {
		t.Fatal(err)
	}
	hf := readLines(t, hfVocabFile)
	if len(ours) != compareSize || len(hf) != compareSize {
		t.Fatalf("vocabulary sizes: ours %d, HF %d, want %d", len(ours), len(hf), compareSize)
	}
	so, sh := score(ours, heldOut), score(hf, heldOut)
	shared := 0
	hfSet := make(map[string]bool)
	for _, tok := range hf {
		hfSet[tok] = true
	}
	for _, tok := range ours {
		if hfSet[tok] {
			shared++
		}
	}
	t.Logf("%d held-out words; tokens/word ours %.4f HF %.4f; [UNK] rate ours %.4f HF %.4f; %d of %d tokens shared",
		len(heldOut), so.tokensPerWord, sh.tokensPerWord, so.unkRate, sh.unkRate, shared, compareSize)
	if so.tokensPerWord > sh.tokensPerWord {
		t.Errorf("tokens per held-out word: ours %.4f, HF %.4f", so.tokensPerWord, sh.tokensPerWord)
	}
	if so.unkRate > sh.unkRate {
		t.Errorf("[UNK] rate on held-out words: ours %.4f, HF %.4f", so.unkRate, sh.unkRate)
	}
	// Same algorithm and tie-break; only the order of the "##c" tokens
	// differs, which decides a few ties among rare pairs (1998 shared).
	if shared < compareSize*99/100 {
		t.Errorf("only %d of %d tokens shared with HF", shared, compareSize)
	}
}

// TestReplayHF gives Train the order in which HuggingFace's run numbered the
// "##c" tokens (the one thing its hash seed decides) and expects its
// vocabulary token for token: same merges, same counts, same tie-break by
// token id, same stopping point.
func TestReplayHF(t *testing.T) {
	hf := readLines(t, hfVocabFile)
	var order []rune
	for _, tok := range hf {
		if rest, ok := strings.CutPrefix(tok, Prefix); ok && utf8.RuneCountInString(rest) == 1 {
			r, _ := utf8.DecodeRuneInString(rest)
			order = append(order, r)
		}
	}
	var words []WordCount
	for _, line := range readLines(t, trainWordsFile) {
		word, count, ok := strings.Cut(line, " ")
		n, err := strconv.ParseInt(count, 10, 64)
		if !ok || err != nil {
			t.Fatalf("%s: bad line %q", trainWordsFile, line)
		}
		words = append(words, WordCount{word, n})
	}
	// HuggingFace's BertWordPieceTokenizer keeps every character here too.
	tr, err := newTrainer(context.Background(), words, Options{Size: compareSize, LimitAlphabet: -1}, order)
	if err != nil {
		t.Fatal(err)
	}
	if err := tr.run(context.Background()); err != nil {
		t.Fatal(err)
	}
	if len(tr.tokens) != len(hf) {
		t.Fatalf("replay has %d tokens, HF %d", len(tr.tokens), len(hf))
	}
	for i := range hf {
		if tr.tokens[i] != hf[i] {
			t.Fatalf("token %d: replay %q, HF %q (replay %q, HF %q)", i, tr.tokens[i], hf[i],
				tr.tokens[i:min(i+5, len(hf))], hf[i:min(i+5, len(hf))])
		}
	}
}

func TestGreedy(t *testing.T) {
	vocab := newPieceVocab([]string{"un", "##aff", "##able", "a", "##a"})
	tests := []struct {
		word string
		want string
		unk  bool
	}{
		{"unaffable", "un ##aff ##able", false},
		{"aaa", "a ##a ##a", false},
		{"unx", "[UNK]", true},
		{"b", "[UNK]", true},
	}
	for _, tt := range tests {
		got, unk := greedy(vocab, tt.word)
		if strings.Join(got, " ") != tt.want || unk != tt.unk {
			t.Errorf("greedy(%q) = %q %v, want %q %v", tt.word, got, unk, tt.want, tt.unk)
		}
	}
}

// TestSplitWords pins the stand-in pre-tokenizer, since the committed word
// counts depend on it.
func TestSplitWords(t *testing.T) {
	got := splitWords("St. Brannoc's Hill,  \"the\" 12-year-old £5")
	want := []string{"st", ".", "brannoc", "'", "s", "hill", ",", "\"", "the", "\"", "12", "-", "year", "-", "old", "£", "5"}
	if !slices.Equal(got, want) {
		t.Errorf("splitWords = %q, want %q", got, want)
	}
}
