package vocabtrain

import (
	"bufio"
	"cmp"
	"context"
	"errors"
	"fmt"
	"hash/maphash"
	"io"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Prefix marks a token that continues a word rather than starting one.
const Prefix = "##"

// Defaults applied by Train to zero-valued Options fields.
const (
	DefaultMinFrequency  = 2
	DefaultLimitAlphabet = 1000
)

// DefaultSpecial is the special-token list of Google's BERT vocabularies.
var DefaultSpecial = []string{"[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"}

// googleLeadingUnused is how many [unusedN] slots Google's vocabularies place
// between [PAD] and [UNK].
const googleLeadingUnused = 99

// Options configures Train. The zero value of each field except Size selects
// its default. Train only reads it.
type Options struct {
	// Size is the total vocabulary size, special and reserved tokens
	// included (30522 for Google's bert-base-uncased).
	Size int
	// MinFrequency stops training when the most frequent pair occurs fewer
	// times than this (default 2).
	MinFrequency int64
	// LimitAlphabet keeps at most this many characters, the most frequent
	// ones (default 1000, as HuggingFace's BERT trainer); negative means no
	// limit. Words are split at dropped characters.
	LimitAlphabet int
	// Special lists the special tokens (default DefaultSpecial).
	Special []string
	// Unused reserves [unused0]..[unusedN-1] slots, laid out as in Google's
	// vocabularies: Special[0], [unused0]..[unused98], the rest of Special,
	// then [unused99]... See Layout.
	Unused int
}

// WordCount is one distinct pre-tokenized word and how often it occurs. A
// plain value; Train only reads the slice it is given.
type WordCount struct {
	Word  string
	Count int64
}

// Prune returns the words whose count is at least minCount, in their original
// order, reusing the backing array of words. Since rare words still add to
// pair counts when kept, pruning may change the vocabulary slightly. Counter
// prunes this way, with the lowest minCount that fits its bound.
func Prune(words []WordCount, minCount int64) []WordCount {
	return slices.DeleteFunc(words, func(w WordCount) bool { return w.Count < minCount })
}

// Layout returns the special and reserved tokens in id order, as Google's
// vocabularies place them: the first special token, up to 99 [unusedN], the
// other special tokens, then the remaining [unusedN]. With the defaults and
// unused = 994 this is ids 0-998 of bert-base-uncased: [PAD] (0), [unused0]
// to [unused98] (1-99), [UNK] [CLS] [SEP] [MASK] (100-103), [unused99] to
// [unused993] (104-998).
func Layout(special []string, unused int) []string {
	out := make([]string, 0, len(special)+max(unused, 0))
	lead := min(max(unused, 0), googleLeadingUnused)
	if len(special) > 0 {
		out = append(out, special[0])
	}
	for i := range lead {
		out = append(out, "[unused"+strconv.Itoa(i)+"]")
	}
	if len(special) > 1 {
		out = append(out, special[1:]...)
	}
	for i := lead; i < unused; i++ {
		out = append(out, "[unused"+strconv.Itoa(i)+"]")
	}
	return out
}

// Train returns a WordPiece vocabulary of at most opt.Size tokens in id
// order: Layout(opt.Special, opt.Unused), the alphabet as plain characters
// sorted by code point, the "##c" characters by the number of distinct words
// they continue (most first, then by code point), then the merged tokens in
// the order they were learned. It returns fewer than Size tokens when no pair
// occurs MinFrequency times before the vocabulary is full.
//
// The result depends only on the words and their total counts, not on their
// order or on how a word's count is split over several entries. Words with a
// count below 1 and empty words are ignored; a word that is not valid UTF-8
// or holds a line break is an error, as is a Size too small for the special
// tokens and the alphabet. Train checks ctx between
// merges and returns ctx.Err() once it is done. Calls share no state, so
// several may run at once; each is single-threaded.
func Train(ctx context.Context, words []WordCount, opt Options) ([]string, error) {
	t, err := newTrainer(ctx, words, opt, nil)
	if err != nil {
		return nil, err
	}
	if err := t.run(ctx); err != nil {
		return nil, err
	}
	return t.tokens, nil
}

// Write writes vocab one token per line, the format of BERT's vocab.txt.
// A token that is empty or holds a line break is an error, since the file
// could not be read back.
func Write(w io.Writer, vocab []string) error {
	bw := bufio.NewWriter(w)
	for i, tok := range vocab {
		if tok == "" || strings.ContainsAny(tok, "\r\n") {
			return fmt.Errorf("vocabtrain: write token %d %q: not a single line", i, tok)
		}
		bw.WriteString(tok)
		bw.WriteByte('\n')
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("vocabtrain: write vocabulary: %w", err)
	}
	return nil
}

// ----------------------------------------------------------------------------
// trainer state

// trainer holds one training run. Symbols are token ids (int32); a pair of
// symbols a, b is keyed as uint64(a)<<32 | uint64(b).
type trainer struct {
	opt    Options
	tokens []string         // id -> token, in final vocabulary order
	ids    map[string]int32 // token -> id

	// Words (or word segments split at dropped characters): word w's current
	// symbols are sym[start[w] : start[w]+n[w]], shrinking in place as merges
	// apply; cnt[w] is its count and seen[w] the last merge that visited it.
	sym   []int32
	start []int
	n     []int32
	cnt   []int64
	seen  []int32

	pairIdx map[uint64]int32 // pair -> index into pairs
	pairs   []pairState
	heap    pairHeap

	merges int32 // merges done so far, the stamp in seen and pairState.touched

	// afterMerge, when set (by tests), runs after every merge.
	afterMerge func()
}

// pairState is one pair's current weighted count and the words that contain
// it. words may hold stale entries (words that no longer contain the pair)
// and repeats; merge skips both.
type pairState struct {
	key     uint64
	count   int64
	words   []int32
	touched int32 // merge number that last raised count, to push it once
}

func pairKey(a, b int32) uint64 { return uint64(uint32(a))<<32 | uint64(uint32(b)) }

func pairOf(k uint64) (a, b int32) { return int32(uint32(k >> 32)), int32(uint32(k)) }

// ctxEvery is how many words the setup loops process between context checks.
const ctxEvery = 1 << 16

// newTrainer sets up a run. contOrder, when not nil, fixes the order of the
// "##c" tokens (characters it lists first, in its order), so that tests can
// replay HuggingFace's hash-dependent order.
func newTrainer(ctx context.Context, words []WordCount, opt Options, contOrder []rune) (*trainer, error) {
	if opt.MinFrequency <= 0 {
		opt.MinFrequency = DefaultMinFrequency
	}
	if opt.LimitAlphabet == 0 {
		opt.LimitAlphabet = DefaultLimitAlphabet
	}
	if opt.Special == nil {
		opt.Special = DefaultSpecial
	}
	if opt.Size <= 0 {
		return nil, fmt.Errorf("vocabtrain: Size must be positive, got %d", opt.Size)
	}
	if opt.Unused < 0 {
		return nil, fmt.Errorf("vocabtrain: negative Unused %d", opt.Unused)
	}
	t := &trainer{opt: opt, ids: make(map[string]int32)}
	for _, tok := range Layout(opt.Special, opt.Unused) {
		if tok == "" || strings.ContainsAny(tok, "\r\n") {
			return nil, fmt.Errorf("vocabtrain: special token %q is not a single line", tok)
		}
		if _, dup := t.ids[tok]; dup {
			return nil, fmt.Errorf("vocabtrain: special token %q appears twice", tok)
		}
		t.add(tok)
	}

	alpha, err := alphabet(ctx, words, opt.LimitAlphabet)
	if err != nil {
		return nil, err
	}
	first, cont, err := t.addAlphabet(ctx, words, alpha, contOrder)
	if err != nil {
		return nil, err
	}
	if len(t.tokens) > opt.Size {
		return nil, fmt.Errorf("vocabtrain: Size %d is below the %d special tokens and %d alphabet tokens; raise Size or lower LimitAlphabet",
			opt.Size, len(Layout(opt.Special, opt.Unused)), len(t.tokens)-len(Layout(opt.Special, opt.Unused)))
	}
	if err := t.splitWords(ctx, words, first, cont); err != nil {
		return nil, err
	}
	if err := t.countPairs(ctx); err != nil {
		return nil, err
	}
	return t, nil
}

// add appends tok to the vocabulary and returns its id.
func (t *trainer) add(tok string) int32 {
	id := int32(len(t.tokens))
	t.tokens = append(t.tokens, tok)
	t.ids[tok] = id
	return id
}

// charCount is one character of the alphabet and its weighted count.
type charCount struct {
	r     rune
	count int64
}

// alphabet counts the characters of words, weighted by word counts, and keeps
// the limit most frequent (ties to the lower code point); limit < 0 keeps all.
// It validates every word on the way.
func alphabet(ctx context.Context, words []WordCount, limit int) ([]charCount, error) {
	var ascii [utf8.RuneSelf]int64
	other := make(map[rune]int64)
	for i, w := range words {
		if i%ctxEvery == 0 {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
		}
		if w.Count <= 0 {
			continue
		}
		for j := 0; j < len(w.Word); {
			c := w.Word[j]
			if c < utf8.RuneSelf {
				if c == '\n' || c == '\r' {
					return nil, fmt.Errorf("vocabtrain: word %d %q holds a line break", i, w.Word)
				}
				ascii[c] += w.Count
				j++
				continue
			}
			r, size := utf8.DecodeRuneInString(w.Word[j:])
			if r == utf8.RuneError && size == 1 {
				return nil, fmt.Errorf("vocabtrain: word %d %q is not valid UTF-8", i, w.Word)
			}
			other[r] += w.Count
			j += size
		}
	}
	var chars []charCount
	for r, c := range ascii {
		if c > 0 {
			chars = append(chars, charCount{rune(r), c})
		}
	}
	for r, c := range other {
		chars = append(chars, charCount{r, c})
	}
	if limit >= 0 && len(chars) > limit {
		slices.SortFunc(chars, func(a, b charCount) int {
			if c := cmp.Compare(b.count, a.count); c != 0 {
				return c
			}
			return cmp.Compare(a.r, b.r)
		})
		chars = chars[:limit]
	}
	slices.SortFunc(chars, func(a, b charCount) int { return cmp.Compare(a.r, b.r) })
	return chars, nil
}

// symbolTable maps a kept character to its token id, with a fast path for
// ASCII; -1 means the character is not in the vocabulary.
type symbolTable struct {
	ascii [utf8.RuneSelf]int32
	other map[rune]int32
}

func newSymbolTable() *symbolTable {
	s := &symbolTable{other: make(map[rune]int32)}
	for i := range s.ascii {
		s.ascii[i] = -1
	}
	return s
}

func (s *symbolTable) get(r rune) int32 {
	if r < utf8.RuneSelf {
		return s.ascii[r]
	}
	if id, ok := s.other[r]; ok {
		return id
	}
	return -1
}

func (s *symbolTable) set(r rune, id int32) {
	if r < utf8.RuneSelf {
		s.ascii[r] = id
	} else {
		s.other[r] = id
	}
}

// addAlphabet adds every kept character as a plain token, in code point
// order, then "##c" for the kept characters that occur after the first
// position of some word, in continuingOrder, and returns the id tables for
// word-initial and continuing characters.
func (t *trainer) addAlphabet(ctx context.Context, words []WordCount, alpha []charCount, contOrder []rune) (first, cont *symbolTable, err error) {
	first, cont = newSymbolTable(), newSymbolTable()
	for _, c := range alpha {
		s := string(c.r)
		id, ok := t.ids[s]
		if !ok {
			id = t.add(s)
		}
		first.set(c.r, id)
	}
	order, err := continuingOrder(ctx, words, first, contOrder)
	if err != nil {
		return nil, nil, err
	}
	for _, r := range order {
		s := Prefix + string(r)
		id, ok := t.ids[s]
		if !ok {
			id = t.add(s)
		}
		cont.set(r, id)
	}
	return first, cont, nil
}

// continuingOrder returns the kept characters (those in first) that occur
// after the first position of some word, most distinct words first, ties to
// the lower code point; the characters of override come first, in its order.
//
// The order matters because ties between pairs of equal count go to the
// pair of lower ids. HuggingFace's trainer numbers these tokens as it first
// meets them while walking the words in hash order, so a character that
// continues more distinct words tends to come earlier; this is that order
// without the chance. On held-out text (the sample corpus, sections of the
// Brown corpus) it needed no more tokens per word than HuggingFace's average
// over hash orders, and slightly fewer than code point order.
//
// Repeated entries for one word count once, so the result depends only on
// the words and their total counts. They are found by sorting hashes of the
// words and comparing the words whose hashes are equal, so the random hash
// seed cannot change the result.
func continuingOrder(ctx context.Context, words []WordCount, first *symbolTable, override []rune) ([]rune, error) {
	repeat, err := repeats(ctx, words)
	if err != nil {
		return nil, err
	}
	// Per character: distinct words it continues, and the last word that
	// counted it (stamp), so that a character counts once per word.
	type seen struct {
		words int64
		stamp int
	}
	var ascii [utf8.RuneSelf]seen
	other := make(map[rune]*seen)
	for n, w := range words {
		if n%ctxEvery == 0 {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
		}
		if w.Count <= 0 || repeat[n] {
			continue
		}
		for j, r := range w.Word {
			if j == 0 || first.get(r) < 0 {
				continue
			}
			var c *seen
			if r < utf8.RuneSelf {
				c = &ascii[r]
			} else if c = other[r]; c == nil {
				c = &seen{}
				other[r] = c
			}
			if c.words == 0 || c.stamp != n {
				c.words++
				c.stamp = n
			}
		}
	}
	var chars []charCount
	for r, c := range ascii {
		if c.words > 0 {
			chars = append(chars, charCount{rune(r), c.words})
		}
	}
	for r, c := range other {
		chars = append(chars, charCount{r, c.words})
	}
	rank := make(map[rune]int, len(override))
	for i, r := range override {
		if _, dup := rank[r]; !dup {
			rank[r] = i
		}
	}
	slices.SortFunc(chars, func(a, b charCount) int {
		ra, oka := rank[a.r]
		rb, okb := rank[b.r]
		switch {
		case oka && okb:
			return cmp.Compare(ra, rb)
		case oka != okb:
			if oka {
				return -1
			}
			return 1
		}
		if c := cmp.Compare(b.count, a.count); c != 0 {
			return c
		}
		return cmp.Compare(a.r, b.r)
	})
	order := make([]rune, len(chars))
	for i, c := range chars {
		order[i] = c.r
	}
	return order, nil
}

// repeats marks every entry of words with a positive count whose word an
// earlier such entry already has.
func repeats(ctx context.Context, words []WordCount) ([]bool, error) {
	type hashed struct {
		h uint64
		i int32
	}
	seed := maphash.MakeSeed()
	hs := make([]hashed, 0, len(words))
	for i, w := range words {
		if w.Count > 0 {
			hs = append(hs, hashed{maphash.String(seed, w.Word), int32(i)})
		}
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	slices.SortFunc(hs, func(a, b hashed) int {
		if c := cmp.Compare(a.h, b.h); c != 0 {
			return c
		}
		return cmp.Compare(a.i, b.i)
	})
	repeat := make([]bool, len(words))
	var firsts []int32 // the distinct words of one hash, by first entry
	for lo := 0; lo < len(hs); {
		hi := lo + 1
		for hi < len(hs) && hs[hi].h == hs[lo].h {
			hi++
		}
		// Entries lo..hi-1 share a hash, almost always because they share
		// a word.
		firsts = firsts[:0]
		for _, e := range hs[lo:hi] {
			w := words[e.i].Word
			if slices.ContainsFunc(firsts, func(f int32) bool { return words[f].Word == w }) {
				repeat[e.i] = true
			} else {
				firsts = append(firsts, e.i)
			}
		}
		lo = hi
	}
	return repeat, nil
}

// splitWords turns each word into its symbols. A character outside the
// alphabet ends one segment, and the next kept character starts another (as a
// continuing "##c" symbol), so no merge ever spans a dropped character.
func (t *trainer) splitWords(ctx context.Context, words []WordCount, first, cont *symbolTable) error {
	t.sym = make([]int32, 0, len(words)*6)
	t.start = make([]int, 0, len(words))
	t.n = make([]int32, 0, len(words))
	t.cnt = make([]int64, 0, len(words))
	for i, w := range words {
		if i%ctxEvery == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		if w.Count <= 0 || w.Word == "" {
			continue
		}
		seg := len(t.sym)
		flush := func() {
			if len(t.sym) > seg {
				t.start = append(t.start, seg)
				t.n = append(t.n, int32(len(t.sym)-seg))
				t.cnt = append(t.cnt, w.Count)
				seg = len(t.sym)
			}
		}
		for j, r := range w.Word {
			tab := cont
			if j == 0 {
				tab = first
			}
			id := tab.get(r)
			if id < 0 {
				flush()
				continue
			}
			t.sym = append(t.sym, id)
		}
		flush()
	}
	if len(t.start) > 1<<31-1 {
		return errors.New("vocabtrain: more than 2^31 words")
	}
	t.seen = make([]int32, len(t.start))
	for i := range t.seen {
		t.seen[i] = -1
	}
	return nil
}

// countPairs builds the pair counts, the pair → words index and the heap.
func (t *trainer) countPairs(ctx context.Context) error {
	t.pairIdx = make(map[uint64]int32)
	for w := range t.start {
		if w%ctxEvery == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		s := t.word(int32(w))
		for i := 0; i+1 < len(s); i++ {
			t.raise(pairKey(s[i], s[i+1]), t.cnt[w], int32(w))
		}
	}
	t.heap = make(pairHeap, 0, len(t.pairs))
	for _, p := range t.pairs {
		t.heap = append(t.heap, heapEntry{count: p.count, key: p.key})
	}
	t.heap.init()
	return nil
}

func (t *trainer) word(w int32) []int32 {
	return t.sym[t.start[w] : t.start[w]+int(t.n[w])]
}

// raise adds c to pair k's count and records that word w contains it.
func (t *trainer) raise(k uint64, c int64, w int32) *pairState {
	i, ok := t.pairIdx[k]
	if !ok {
		i = int32(len(t.pairs))
		t.pairs = append(t.pairs, pairState{key: k, touched: -1})
		t.pairIdx[k] = i
	}
	p := &t.pairs[i]
	p.count += c
	if n := len(p.words); n == 0 || p.words[n-1] != w {
		p.words = append(p.words, w)
	}
	return p
}

// lower subtracts c from pair k's count.
func (t *trainer) lower(k uint64, c int64) {
	t.pairs[t.pairIdx[k]].count -= c
}

// ----------------------------------------------------------------------------
// merging

// run merges the best pair until the vocabulary is full, no pair is frequent
// enough, or ctx is done.
func (t *trainer) run(ctx context.Context) error {
	var raised []int32 // pairs whose count rose in the current merge
	for len(t.tokens) < t.opt.Size && len(t.heap) > 0 {
		if err := ctx.Err(); err != nil {
			return err
		}
		top := t.heap[0]
		pi := t.pairIdx[top.key]
		p := &t.pairs[pi]
		if p.count != top.count {
			// Stale: the count fell since this entry was pushed (a rise
			// pushes a fresh entry, so a higher current count is already
			// queued elsewhere).
			if p.count > 0 && p.count < top.count {
				t.heap[0].count = p.count
				t.heap.fix0()
			} else {
				t.heap.pop()
			}
			continue
		}
		if top.count < t.opt.MinFrequency {
			break
		}
		t.heap.pop()

		a, b := pairOf(top.key)
		tok := t.tokens[a] + strings.TrimPrefix(t.tokens[b], Prefix)
		c, ok := t.ids[tok]
		if !ok {
			c = t.add(tok)
		}
		merge := t.merges
		t.merges++
		words := p.words
		p.words = nil // the pair disappears everywhere; nothing below appends to it
		raised = raised[:0]
		for i, w := range words {
			if i%ctxEvery == ctxEvery-1 {
				if err := ctx.Err(); err != nil {
					return err
				}
			}
			if t.seen[w] == merge {
				continue
			}
			t.seen[w] = merge
			raised = t.mergeWord(w, a, b, c, merge, raised)
		}
		for _, i := range raised {
			if q := &t.pairs[i]; q.count > 0 {
				t.heap.push(heapEntry{count: q.count, key: q.key})
			}
		}
		if t.afterMerge != nil {
			t.afterMerge()
		}
	}
	return nil
}

// mergeWord replaces each non-overlapping occurrence of a b in word w, left
// to right, with c, and updates the pair counts: the pair itself and its
// left and right neighbours lose w's count, the new neighbours of c gain it.
// Pairs that gained are appended to raised (once per merge).
func (t *trainer) mergeWord(w, a, b, c, merge int32, raised []int32) []int32 {
	s := t.word(w)
	cnt := t.cnt[w]
	out := s[:0] // compacts in place: out never overtakes the read position
	merged := false
	prevMerged := false // whether the last symbol of out is a c made here
	for i := 0; i < len(s); {
		if i+1 < len(s) && s[i] == a && s[i+1] == b {
			merged = true
			t.lower(pairKey(a, b), cnt)
			if len(out) > 0 && !prevMerged {
				// The left neighbour pair; when the left symbol is a c made
				// here, the old pair (b, a) was already lowered as the
				// previous merge's right neighbour.
				t.lower(pairKey(out[len(out)-1], a), cnt)
			}
			if i+2 < len(s) {
				t.lower(pairKey(b, s[i+2]), cnt)
			}
			if len(out) > 0 {
				raised = t.raiseNew(pairKey(out[len(out)-1], c), cnt, w, merge, raised)
			}
			out = append(out, c)
			prevMerged = true
			i += 2
			continue
		}
		if prevMerged {
			raised = t.raiseNew(pairKey(c, s[i]), cnt, w, merge, raised)
		}
		out = append(out, s[i])
		prevMerged = false
		i++
	}
	if merged {
		t.n[w] = int32(len(out))
	}
	return raised
}

// raiseNew raises pair k for word w and notes it in raised the first time in
// this merge.
func (t *trainer) raiseNew(k uint64, cnt int64, w, merge int32, raised []int32) []int32 {
	p := t.raise(k, cnt, w)
	if p.touched != merge {
		p.touched = merge
		raised = append(raised, t.pairIdx[k])
	}
	return raised
}
