package wordpiece

import "fmt"

// Compat selects which reference implementation to match where the two
// differ; see the package documentation for the list.
type Compat int

const (
	// HuggingFace matches BertTokenizer of HuggingFace's tokenizers library
	// (BertNormalizer, BertPreTokenizer, WordPiece).
	HuggingFace Compat = iota
	// Google matches tokenization.py of google-research/bert.
	Google
)

// String returns "huggingface" or "google".
func (c Compat) String() string {
	switch c {
	case HuggingFace:
		return "huggingface"
	case Google:
		return "google"
	}
	return fmt.Sprintf("Compat(%d)", int(c))
}

// Options configures a Tokenizer.
type Options struct {
	// Lowercase selects an uncased vocabulary: text is lower-cased and its
	// accents stripped (NFD, then nonspacing marks removed).
	Lowercase bool
	// Compat selects the reference to match.
	Compat Compat
}

// Tokenizer turns text into WordPiece ids. It holds no mutable state and is
// safe for concurrent use; each call keeps its scratch space on its own
// stack.
type Tokenizer struct {
	v       *Vocab
	opt     Options
	limit   int        // longest word, in characters, before it becomes [UNK]
	lower   *[128]byte // asciiLower or asciiSame
	asciiID [128]int32 // id of each ASCII punctuation character
	rawCls  func(rune) uint8
	postCls func(rune) uint8
}

// New returns a Tokenizer for v. Compat values other than HuggingFace and
// Google are treated as HuggingFace.
func New(v *Vocab, opt Options) *Tokenizer {
	t := &Tokenizer{v: v, opt: opt, limit: 100, lower: &asciiSame, rawCls: rawClassHF, postCls: postClassHF}
	if opt.Compat == Google {
		t.limit, t.rawCls, t.postCls = 200, rawClassGoogle, postClassGoogle
	} else {
		t.opt.Compat = HuggingFace
	}
	if opt.Lowercase {
		t.lower = &asciiLower
	}
	for b := range t.asciiID {
		t.asciiID[b] = v.special.UNK
		if id, ok := v.whole[string(rune(b))]; ok {
			t.asciiID[b] = id
		}
	}
	return t
}

// Vocab returns the tokenizer's vocabulary.
func (t *Tokenizer) Vocab() *Vocab { return t.v }

// Options returns the options the tokenizer was made with.
func (t *Tokenizer) Options() Options { return t.opt }

// AppendIDs appends the WordPiece ids of text to dst and returns the
// extended slice. No special tokens are added. Invalid UTF-8 bytes are
// dropped, as U+FFFD is. Apart from growing dst it does not allocate.
func (t *Tokenizer) AppendIDs(dst []int32, text []byte) []int32 {
	var s scratch
	return t.run(dst, &s, text)
}

// Words calls fn with each word of text as the tokenizer sees it before
// WordPiece: cleaned, normalized (lower-cased and without accents for an
// uncased vocabulary) and split at white space and punctuation, each
// punctuation character a word of its own. Words longer than the tokenizer's
// limit, which become [UNK], are skipped. It is what vocabulary training
// counts. The slice is valid only during the call.
func (t *Tokenizer) Words(text []byte, fn func(word []byte)) {
	out := make([]byte, 0, wordCap)
	s := scratch{emit: fn, out: &out}
	t.run(nil, &s, text)
}

// run is the basic tokenizer: it feeds words to WordPiece (or to s.emit).
func (t *Tokenizer) run(dst []int32, s *scratch, text []byte) []int32 {
	lower := t.lower
	for i := 0; i < len(text); {
		b := text[i]
		if b >= 0x80 {
			i, dst = t.nonASCII(dst, s, text, i)
			continue
		}
		switch asciiClass[b] {
		case cWord:
			if s.n < wordCap {
				s.word[s.n] = lower[b]
				s.n++
			}
			s.runes++
		case cSpace:
			if s.runes > 0 {
				dst = t.flush(dst, s)
			}
		case cPunct:
			if s.runes > 0 {
				dst = t.flush(dst, s)
			}
			if s.emit != nil {
				s.emitWord(asciiBytes[b : b+1])
			} else {
				dst = append(dst, t.asciiID[b])
			}
		}
		i++
	}
	if s.runes > 0 {
		dst = t.flush(dst, s)
	}
	return dst
}

// asciiBytes holds every ASCII byte at its own index, so that a one-byte
// word can be passed without allocating.
var asciiBytes = func() (b [128]byte) {
	for i := range b {
		b[i] = byte(i)
	}
	return
}()

// Tokenize returns the WordPiece tokens of text, for tests and debugging.
func (t *Tokenizer) Tokenize(text string) []string {
	ids := t.AppendIDs(nil, []byte(text))
	toks := make([]string, len(ids))
	for i, id := range ids {
		toks[i] = t.v.Token(id)
	}
	return toks
}
