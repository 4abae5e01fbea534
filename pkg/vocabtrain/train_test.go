package vocabtrain

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"math/rand/v2"
	"os"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"
)

// hugWords is the running example of the package comment.
var hugWords = []WordCount{{"hug", 10}, {"pug", 5}, {"pun", 12}, {"bun", 4}, {"hugs", 5}}

func fields(s string) []string { return strings.Fields(s) }

// TestTrainHandWorked checks merges worked out by hand.
//
// hug 10, pug 5, pun 12, bun 4, hugs 5 start as h ##u ##g, p ##u ##g, ...
// The continuing characters in order of the distinct words they continue:
// ##u (5 words), ##g (3), ##n (2), ##s (1).
// Pair counts: ##u ##g 20, p ##u 17, ##u ##n 16, h ##u 15, ##g ##s 5, b ##u 4.
//  1. ##u ##g (20) → ##ug; then h ##ug 15, ##u ##n 16, p ##u 12, ...
//  2. ##u ##n (16) → ##un
//  3. h ##ug (15)  → hug
//  4. p ##un (12)  → pun
//  5. p ##ug (5) and hug ##s (5) tie: p (id 9) is older than hug (18)
//  6. hug ##s (5)  → hugs
//  7. b ##un (4)   → bun
func TestTrainHandWorked(t *testing.T) {
	base := "[PAD] [UNK] [CLS] [SEP] [MASK] b g h n p s u ##u ##g ##n ##s"
	all := base + " ##ug ##un hug pun pug hugs bun"
	tests := []struct {
		name string
		opt  Options
		want string
	}{
		{"all merges", Options{Size: 100}, all},
		{"exact size", Options{Size: 23}, all},
		{"doc example", Options{Size: 21}, base + " ##ug ##un hug pun pug"},
		{"alphabet only", Options{Size: 16}, base},
		{"min frequency 5", Options{Size: 100, MinFrequency: 5}, base + " ##ug ##un hug pun pug hugs"},
		{"min frequency 13", Options{Size: 100, MinFrequency: 13}, base + " ##ug ##un hug"},
		{"custom special", Options{Size: 14, Special: []string{"<s>"}}, "<s> b g h n p s u ##u ##g ##n ##s ##ug ##un"},
		{"unused", Options{Size: 20, Unused: 2}, "[PAD] [unused0] [unused1] [UNK] [CLS] [SEP] [MASK] b g h n p s u ##u ##g ##n ##s ##ug ##un"},
		// Keeping 5 characters drops b (4) and s (5): "bun" becomes the
		// segment ##u ##n, and "hugs" the segment h ##u ##g.
		{"limit alphabet", Options{Size: 100, LimitAlphabet: 5}, "[PAD] [UNK] [CLS] [SEP] [MASK] g h n p u ##u ##g ##n ##ug ##un hug pun pug"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Train(context.Background(), hugWords, tt.opt)
			if err != nil {
				t.Fatal(err)
			}
			if want := fields(tt.want); !slices.Equal(got, want) {
				t.Errorf("got  %q\nwant %q", got, want)
			}
		})
	}
}

// TestTrainRepeats checks merges inside runs of one symbol, where pairs
// overlap: a ##a ##a ##a ##a has (##a, ##a) three times, but merging it
// left to right makes two ##aa, not three.
func TestTrainRepeats(t *testing.T) {
	tests := []struct {
		words []WordCount
		want  string
	}{
		// (##a ##a) 3 beats (a ##a) 1; then a ##aa ##aa: both pairs 1,
		// a (id 0) is older than ##aa (2), so aaa; then aaa ##aa.
		{[]WordCount{{"aaaaa", 1}}, "a ##a ##aa aaa aaaaa"},
		// (a ##a) 3 and (##a ##a) 3 tie, a is older: aa; aa ##a → aaa.
		{[]WordCount{{"aaa", 3}}, "a ##a aa aaa"},
		// ab ab ab: (a ##b) 2, (##a ##b) 4, (##b ##a) 4; ##a and ##b each
		// continue one word, so code point order: ##a (2) before ##b (3),
		// and (##a ##b) goes first. Then a ##b ##ab ##ab: (a ##b) 2,
		// (##b ##ab) 2, (##ab ##ab) 2 → ab (a is oldest); then ab ##ab ##ab:
		// (ab ##ab) 2, (##ab ##ab) 2 → ##abab (##ab, id 4, is older than ab,
		// 5); then ab ##abab.
		{[]WordCount{{"ababab", 2}}, "a b ##a ##b ##ab ab ##abab ababab"},
	}
	for _, tt := range tests {
		got, err := Train(context.Background(), tt.words, Options{Size: 100, MinFrequency: 1, Special: []string{}})
		if err != nil {
			t.Fatal(err)
		}
		if want := fields(tt.want); !slices.Equal(got, want) {
			t.Errorf("%v: got %q, want %q", tt.words, got, want)
		}
	}
}

// TestLayoutGoogle checks the reserved slots against Google's
// bert-base-uncased vocabulary: its ids 0-998.
func TestLayoutGoogle(t *testing.T) {
	f, err := os.Open("../../data/vocab/bert-base-uncased.txt")
	if err != nil {
		t.Skipf("Google vocabulary not available: %v", err)
	}
	defer f.Close()
	var google []string
	sc := bufio.NewScanner(f)
	for sc.Scan() && len(google) < 999 {
		google = append(google, sc.Text())
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	got := Layout(DefaultSpecial, 994)
	if !slices.Equal(got, google) {
		t.Errorf("Layout(DefaultSpecial, 994) differs from bert-base-uncased ids 0-998")
	}

	// Train puts the same slots first and then the alphabet.
	vocab, err := Train(context.Background(), hugWords, Options{Size: 1100, Unused: 994})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(vocab[:999], google) || vocab[999] != "b" || len(vocab) != 999+18 {
		t.Errorf("Train with Unused 994: got %d tokens, %q after the layout", len(vocab), vocab[999:])
	}
}

func TestLayout(t *testing.T) {
	tests := []struct {
		special []string
		unused  int
		want    string
	}{
		{DefaultSpecial, 0, "[PAD] [UNK] [CLS] [SEP] [MASK]"},
		{DefaultSpecial, 1, "[PAD] [unused0] [UNK] [CLS] [SEP] [MASK]"},
		{[]string{"[PAD]"}, 2, "[PAD] [unused0] [unused1]"},
		{nil, 2, "[unused0] [unused1]"},
	}
	for _, tt := range tests {
		if got := Layout(tt.special, tt.unused); !slices.Equal(got, fields(tt.want)) {
			t.Errorf("Layout(%q, %d) = %q, want %q", tt.special, tt.unused, got, tt.want)
		}
	}
	got := Layout(DefaultSpecial, 101)
	if got[99] != "[unused98]" || got[100] != "[UNK]" || got[104] != "[unused99]" || got[105] != "[unused100]" || len(got) != 106 {
		t.Errorf("Layout(DefaultSpecial, 101) = %q", got)
	}
}

// TestTrainOrderIndependent trains on the same counts in several orders,
// with and without duplicate entries, and expects one vocabulary.
func TestTrainOrderIndependent(t *testing.T) {
	words := randomWords(rand.New(rand.NewPCG(1, 2)), 3000, "abcdeéfgh")
	want, err := Train(context.Background(), words, Options{Size: 300})
	if err != nil {
		t.Fatal(err)
	}
	if len(want) != 300 {
		t.Fatalf("got %d tokens, want 300", len(want))
	}
	rng := rand.New(rand.NewPCG(3, 4))
	for i := range 3 {
		shuffled := slices.Clone(words)
		rng.Shuffle(len(shuffled), func(i, j int) { shuffled[i], shuffled[j] = shuffled[j], shuffled[i] })
		if i == 2 {
			// Split one word's count over two entries.
			w := shuffled[0]
			shuffled[0].Count = w.Count / 2
			shuffled = append(shuffled, WordCount{w.Word, w.Count - w.Count/2})
		}
		got, err := Train(context.Background(), shuffled, Options{Size: 300})
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(got, want) {
			t.Fatalf("order %d: vocabulary differs", i)
		}
	}
}

// TestTrainRepeatedEntries splits words over several entries, which must
// not change how many distinct words a character continues: ##y continues
// two words (ay, by) and ##x one (ax), so ##y comes first even when ax is
// given in three entries.
func TestTrainRepeatedEntries(t *testing.T) {
	merged := []WordCount{{"ax", 3}, {"ay", 1}, {"by", 1}}
	split := []WordCount{{"ax", 1}, {"ay", 1}, {"ax", 1}, {"by", 1}, {"ax", 1}, {"ax", 0}}
	for _, words := range [][]WordCount{merged, split} {
		got, err := Train(context.Background(), words, Options{Size: 10, Special: []string{}})
		if err != nil {
			t.Fatal(err)
		}
		if want := fields("a b x y ##y ##x ax"); !slices.Equal(got, want) {
			t.Errorf("%v: got %q, want %q", words, got, want)
		}
	}
}

// TestRepeats checks repeats against a map on words with many repeated
// entries, some with counts that do not count.
func TestRepeats(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 10))
	var words []WordCount
	for range 5000 {
		words = append(words, WordCount{strings.Repeat("ab", rng.IntN(40)) + string(rune('a'+rng.IntN(26))), int64(rng.IntN(3) - 1)})
	}
	got, err := repeats(context.Background(), words)
	if err != nil {
		t.Fatal(err)
	}
	seen := make(map[string]bool)
	for i, w := range words {
		want := w.Count > 0 && seen[w.Word]
		if w.Count > 0 {
			seen[w.Word] = true
		}
		if got[i] != want {
			t.Fatalf("entry %d %v: repeat %v, want %v", i, w, got[i], want)
		}
	}
}

// randomWords makes n words over letters with repeats, weighted so that
// short words are frequent; counts follow a Zipf-like law.
func randomWords(rng *rand.Rand, n int, letters string) []WordCount {
	runes := []rune(letters)
	seen := make(map[string]bool)
	var out []WordCount
	for len(out) < n {
		k := 1 + rng.IntN(8)
		var b strings.Builder
		for range k {
			b.WriteRune(runes[rng.IntN(len(runes))])
		}
		w := b.String()
		if seen[w] {
			continue
		}
		seen[w] = true
		out = append(out, WordCount{w, int64(1 + 1000/(1+len(out)))})
	}
	return out
}

// TestIncrementalCounts checks the trainer's state after every merge against
// a recount from scratch: each pair's count, and that every word holding a
// pair is listed under it.
func TestIncrementalCounts(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	words := randomWords(rng, 400, "aab")
	words = append(words, WordCount{"aaaaaaaa", 7}, WordCount{"abababab", 5}, WordCount{"bbbabbb", 3})
	tr, err := newTrainer(context.Background(), words, Options{Size: 400, MinFrequency: 1}, nil)
	if err != nil {
		t.Fatal(err)
	}
	checks := 0
	check := func() {
		checks++
		want := make(map[uint64]int64)
		holders := make(map[uint64][]int32)
		for w := range tr.start {
			s := tr.word(int32(w))
			for i := 0; i+1 < len(s); i++ {
				k := pairKey(s[i], s[i+1])
				want[k] += tr.cnt[w]
				holders[k] = append(holders[k], int32(w))
			}
		}
		for _, p := range tr.pairs {
			if p.count != want[p.key] {
				a, b := pairOf(p.key)
				t.Fatalf("after merge %d: pair %q %q count %d, recount %d", tr.merges, tr.tokens[a], tr.tokens[b], p.count, want[p.key])
			}
		}
		for k, ws := range holders {
			i, ok := tr.pairIdx[k]
			if !ok {
				t.Fatalf("after merge %d: pair missing from index", tr.merges)
			}
			for _, w := range ws {
				if !slices.Contains(tr.pairs[i].words, w) {
					t.Fatalf("after merge %d: word %d not listed under its pair", tr.merges, w)
				}
			}
		}
	}
	tr.afterMerge = check
	check()
	if err := tr.run(context.Background()); err != nil {
		t.Fatal(err)
	}
	if checks < 50 {
		t.Errorf("only %d merges checked", checks)
	}
}

// TestTrainBestPair replays training with a naive trainer that recounts every
// pair from scratch before each merge, and expects the same vocabulary.
func TestTrainBestPair(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	words := randomWords(rng, 500, "abcab")
	got, err := Train(context.Background(), words, Options{Size: 250, MinFrequency: 1})
	if err != nil {
		t.Fatal(err)
	}
	want := naiveTrain(t, words, got[:len(DefaultSpecial)], 250)
	if !slices.Equal(got, want) {
		t.Errorf("got  %q\nwant %q", got, want)
	}
}

// naiveTrain is the textbook algorithm: words as token strings, recount all
// pairs each round, merge the best everywhere. Ties go to the pair whose
// tokens came first in the vocabulary; the continuing characters come in
// order of the distinct words they continue, then by code point.
func naiveTrain(t *testing.T, words []WordCount, special []string, size int) []string {
	t.Helper()
	vocab := slices.Clone(special)
	id := make(map[string]int)
	addTok := func(s string) {
		if _, ok := id[s]; !ok {
			id[s] = len(vocab)
			vocab = append(vocab, s)
		}
	}
	var chars []string
	innerWords := make(map[string]map[string]bool) // "##c" → the words it continues
	seqs := make([][]string, len(words))
	for i, w := range words {
		for j, r := range w.Word {
			if j == 0 {
				seqs[i] = append(seqs[i], string(r))
			} else {
				c := "##" + string(r)
				seqs[i] = append(seqs[i], c)
				if innerWords[c] == nil {
					innerWords[c] = make(map[string]bool)
				}
				innerWords[c][w.Word] = true
			}
			chars = append(chars, string(r))
		}
	}
	slices.Sort(chars)
	for _, s := range slices.Compact(chars) {
		addTok(s)
	}
	var inner []string
	for c := range innerWords {
		inner = append(inner, c)
	}
	slices.SortFunc(inner, func(a, b string) int {
		if na, nb := len(innerWords[a]), len(innerWords[b]); na != nb {
			return nb - na
		}
		return strings.Compare(a, b)
	})
	for _, s := range inner {
		addTok(s)
	}
	for len(vocab) < size {
		type pair struct{ a, b string }
		counts := make(map[pair]int64)
		for i, s := range seqs {
			for j := 0; j+1 < len(s); j++ {
				counts[pair{s[j], s[j+1]}] += words[i].Count
			}
		}
		var best pair
		var bestN int64
		for p, n := range counts {
			if n > bestN || n == bestN && (id[p.a] < id[best.a] || id[p.a] == id[best.a] && id[p.b] < id[best.b]) {
				best, bestN = p, n
			}
		}
		if bestN == 0 {
			break
		}
		merged := best.a + strings.TrimPrefix(best.b, "##")
		addTok(merged)
		for i, s := range seqs {
			var out []string
			for j := 0; j < len(s); j++ {
				if j+1 < len(s) && s[j] == best.a && s[j+1] == best.b {
					out = append(out, merged)
					j++
				} else {
					out = append(out, s[j])
				}
			}
			seqs[i] = out
		}
	}
	return vocab
}

func TestTrainErrors(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		name  string
		words []WordCount
		opt   Options
	}{
		{"invalid UTF-8", []WordCount{{"ok", 1}, {"a\xffb", 1}}, Options{Size: 100}},
		{"line break", []WordCount{{"a\nb", 1}}, Options{Size: 100}},
		{"size below alphabet", hugWords, Options{Size: 15}},
		{"zero size", hugWords, Options{}},
		{"duplicate special", hugWords, Options{Size: 100, Special: []string{"[X]", "[X]"}}},
		{"empty special", hugWords, Options{Size: 100, Special: []string{""}}},
		{"special clashes with unused", hugWords, Options{Size: 100, Special: []string{"[unused0]"}, Unused: 1}},
		{"negative unused", hugWords, Options{Size: 100, Unused: -1}},
	}
	for _, tt := range tests {
		if got, err := Train(ctx, tt.words, tt.opt); err == nil {
			t.Errorf("%s: got %q, want an error", tt.name, got)
		} else if !strings.HasPrefix(err.Error(), "vocabtrain: ") {
			t.Errorf("%s: error %q lacks the package prefix", tt.name, err)
		}
	}
}

// TestTrainIgnores checks that empty words and non-positive counts add
// nothing.
func TestTrainIgnores(t *testing.T) {
	words := append(slices.Clone(hugWords), WordCount{"", 9}, WordCount{"zzz", 0}, WordCount{"qq", -3})
	got, err := Train(context.Background(), words, Options{Size: 100})
	if err != nil {
		t.Fatal(err)
	}
	want, _ := Train(context.Background(), hugWords, Options{Size: 100})
	if !slices.Equal(got, want) {
		t.Errorf("got %q, want %q", got, want)
	}
}

func TestTrainCanceled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Train(ctx, hugWords, Options{Size: 100}); !errors.Is(err, context.Canceled) {
		t.Errorf("canceled before: got %v, want context.Canceled", err)
	}

	// Cancel between merges.
	ctx, cancel = context.WithCancel(context.Background())
	defer cancel()
	tr, err := newTrainer(ctx, hugWords, Options{Size: 100}, nil)
	if err != nil {
		t.Fatal(err)
	}
	tr.afterMerge = func() {
		if tr.merges == 2 {
			cancel()
		}
	}
	if err := tr.run(ctx); !errors.Is(err, context.Canceled) {
		t.Errorf("canceled during merges: got %v, want context.Canceled", err)
	}
	if tr.merges != 2 {
		t.Errorf("merged %d pairs after cancel at 2", tr.merges)
	}
}

func TestPrune(t *testing.T) {
	words := []WordCount{{"a", 1}, {"b", 2}, {"c", 3}, {"d", 1}}
	got := Prune(words, 2)
	want := []WordCount{{"b", 2}, {"c", 3}}
	if !slices.Equal(got, want) {
		t.Errorf("Prune = %v, want %v", got, want)
	}
}

func TestWrite(t *testing.T) {
	var buf bytes.Buffer
	vocab := []string{"[PAD]", "a", "##b", "日本"}
	if err := Write(&buf, vocab); err != nil {
		t.Fatal(err)
	}
	if got, want := buf.String(), "[PAD]\na\n##b\n日本\n"; got != want {
		t.Errorf("Write = %q, want %q", got, want)
	}
	for _, bad := range [][]string{{"a", ""}, {"a\nb"}, {"x\r"}} {
		if err := Write(&bytes.Buffer{}, bad); err == nil {
			t.Errorf("Write(%q): want an error", bad)
		}
	}
	if err := Write(failWriter{}, vocab); err == nil {
		t.Error("Write to a failing writer: want an error")
	}
}

type failWriter struct{}

func (failWriter) Write([]byte) (int, error) { return 0, errors.New("disk full") }

// FuzzTrain checks invariants on arbitrary words: no panic; ids unique;
// at most Size tokens; the layout first; every token after the alphabet is a
// concatenation that greedy WordPiece can reach; and every training word
// whose characters all fit tokenizes without [UNK].
func FuzzTrain(f *testing.F) {
	f.Add("hug hug pug pun bun hugs", uint16(40), uint8(2))
	f.Add("aaaa ab ba ##a a#b 日本語 日本", uint16(30), uint8(1))
	f.Add("x", uint16(0), uint8(0))
	f.Fuzz(func(t *testing.T, text string, size uint16, minFreq uint8) {
		counts := make(map[string]int64)
		for _, w := range strings.Fields(text) {
			if utf8.ValidString(w) {
				counts[w]++
			}
		}
		var words []WordCount
		for w, c := range counts {
			words = append(words, WordCount{w, c})
		}
		opt := Options{Size: int(size % 512), MinFrequency: int64(minFreq % 4), Unused: int(size % 3)}
		vocab, err := Train(context.Background(), words, opt)
		layout := Layout(DefaultSpecial, opt.Unused)
		if err != nil {
			if !strings.Contains(err.Error(), "below the") && !strings.Contains(err.Error(), "Size must be positive") {
				t.Fatalf("unexpected error: %v", err)
			}
			return
		}
		if len(vocab) > opt.Size {
			t.Fatalf("%d tokens, Size %d", len(vocab), opt.Size)
		}
		if !slices.Equal(vocab[:len(layout)], layout) {
			t.Fatalf("layout %q, want %q", vocab[:len(layout)], layout)
		}
		ids := make(map[string]int)
		for i, tok := range vocab {
			if j, dup := ids[tok]; dup {
				t.Fatalf("token %q at ids %d and %d", tok, j, i)
			}
			ids[tok] = i
		}
		chars := make(map[rune]bool)
		for w := range counts {
			for _, r := range w {
				chars[r] = true
			}
		}
		if len(chars) > DefaultLimitAlphabet {
			return // some characters were dropped: [UNK] is expected
		}
		pv := newPieceVocab(vocab)
		for w := range counts {
			if pieces, unk := greedy(pv, w); unk {
				t.Fatalf("word %q not covered by %q (pieces %q)", w, vocab, pieces)
			}
		}
	})
}
