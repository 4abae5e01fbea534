package wordpiece

import (
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

const (
	// wordCap bounds the bytes kept of one word. A word of more than 200
	// characters (the larger limit) becomes [UNK], so its bytes are not
	// needed: the characters are still counted.
	wordCap = 200*utf8.UTFMax + 2*utf8.UTFMax
	// seqCap bounds a combining sequence awaiting canonical ordering; a
	// longer one (64 marks on one letter) is passed on as it stands.
	seqCap = 64
)

// scratch is the per-call state of AppendIDs: the normalized word being
// built and, when lower-casing, the decomposed combining sequence not yet
// added to it.
type scratch struct {
	word  [wordCap]byte
	n     int // bytes in word
	runes int // characters in the word, which may exceed what word holds
	seq   [seqCap]rune
	ccc   [seqCap]uint8 // canonical combining class of seq[i]
	sn    int           // runes in seq
	// emit, when set, receives each normalized word instead of its ids
	// (Words), copied into out so that the scratch itself never escapes
	// to the heap on the AppendIDs path.
	emit func(word []byte)
	out  *[]byte
}

// emitWord passes a copy of w to emit.
func (s *scratch) emitWord(w []byte) {
	*s.out = append((*s.out)[:0], w...)
	s.emit(*s.out)
}

// addRune appends a normalized character to the word.
func (s *scratch) addRune(r rune) {
	if s.n+utf8.UTFMax <= wordCap {
		s.n += utf8.EncodeRune(s.word[s.n:], r)
	}
	s.runes++
}

// flush ends the word being built and appends its pieces, or [UNK] if it
// has more characters than the limit.
func (t *Tokenizer) flush(dst []int32, s *scratch) []int32 {
	if s.runes == 0 {
		return dst
	}
	if s.emit != nil {
		if s.runes <= t.limit {
			s.emitWord(s.word[:s.n])
		}
		s.n, s.runes = 0, 0
		return dst
	}
	if s.runes > t.limit {
		dst = append(dst, t.v.special.UNK)
	} else {
		dst = t.v.appendPieces(dst, s.word[:s.n])
	}
	s.n, s.runes = 0, 0
	return dst
}

// single appends the id of r as a word of its own: a punctuation character.
func (t *Tokenizer) single(dst []int32, s *scratch, r rune) []int32 {
	var b [utf8.UTFMax]byte
	n := utf8.EncodeRune(b[:], r)
	if s.emit != nil {
		s.emitWord(b[:n])
		return dst
	}
	if id, ok := t.v.whole[string(b[:n])]; ok {
		return append(dst, id)
	}
	return append(dst, t.v.special.UNK)
}

// nonASCII handles the input from text[i], a non-ASCII byte, up to the next
// ASCII character that is not a dropped control character, and returns the
// position after it. Text cleaning and the CJK step look at input
// characters; when lower-casing, the characters kept are decomposed (NFD)
// into s.seq, where combining marks are put in canonical order.
func (t *Tokenizer) nonASCII(dst []int32, s *scratch, text []byte, i int) (int, []int32) {
	for i < len(text) {
		b := text[i]
		if b < 0x80 {
			if asciiClass[b] == cDrop {
				i++
				continue
			}
			break
		}
		r, size := utf8.DecodeRune(text[i:])
		if r == utf8.RuneError && size == 1 {
			i++
			continue
		}
		switch t.rawCls(r) {
		case cDrop:
		case cSpace:
			dst = t.endSeq(dst, s)
			dst = t.flush(dst, s)
		case cCJK:
			dst = t.endSeq(dst, s)
			dst = t.flush(dst, s)
			if t.opt.Lowercase {
				dst = t.decompose(dst, s, text[i:i+size])
				dst = t.endSeq(dst, s)
			} else {
				s.addRune(r)
			}
			dst = t.flush(dst, s)
		default:
			switch {
			case !t.opt.Lowercase:
				dst = t.addPost(dst, s, r)
			case t.opt.Compat == HuggingFace:
				if exc, ok := hfUncasedException(r); ok {
					// Normalized already, and starters.
					dst = t.endSeq(dst, s)
					for _, x := range exc {
						dst = t.addPost(dst, s, x)
					}
					break
				}
				dst = t.decompose(dst, s, text[i:i+size])
			default:
				// Python's str.lower comes before NFD in Google mode.
				var buf [2 * utf8.UTFMax]byte
				n := 0
				switch r {
				case 0x130: // İ: the full mapping is i and U+0307
					n = copy(buf[:], "i\u0307")
				case 0x3A3:
					n = utf8.EncodeRune(buf[:], finalSigma(text, i, size))
				default:
					n = utf8.EncodeRune(buf[:], unicode.ToLower(r))
				}
				for p := buf[:n]; len(p) > 0; {
					_, m := utf8.DecodeRune(p)
					dst = t.decompose(dst, s, p[:m])
					p = p[m:]
				}
			}
		}
		i += size
	}
	return i, t.endSeq(dst, s)
}

// hfUncasedException returns HuggingFace's uncased form of r where Go's
// tables give another.
func hfUncasedException(r rune) (string, bool) {
	if r < 0x1C89 {
		return "", false
	}
	s, ok := hfUncasedExceptions[r]
	return s, ok
}

// Hangul syllables decompose by arithmetic (Unicode §3.12).
const (
	hangulBase  = 0xAC00
	hangulEnd   = 0xD7A3
	jamoLBase   = 0x1100
	jamoVBase   = 0x1161
	jamoTBase   = 0x11A7
	jamoTCount  = 28
	jamoVTCount = 21 * 28
)

// decompose appends the canonical decomposition of the character p to
// s.seq, keeping its combining marks in canonical order. A starter first
// passes the sequence before it on to the word.
func (t *Tokenizer) decompose(dst []int32, s *scratch, p []byte) []int32 {
	props := norm.NFD.Properties(p)
	d := props.Decomposition()
	if d == nil {
		r, _ := utf8.DecodeRune(p)
		if r >= hangulBase && r <= hangulEnd {
			x := r - hangulBase
			dst = t.pushSeq(dst, s, jamoLBase+x/jamoVTCount, 0)
			dst = t.pushSeq(dst, s, jamoVBase+x%jamoVTCount/jamoTCount, 0)
			if x%jamoTCount != 0 {
				dst = t.pushSeq(dst, s, jamoTBase+x%jamoTCount, 0)
			}
			return dst
		}
		return t.pushSeq(dst, s, r, props.CCC())
	}
	for len(d) > 0 {
		r, m := utf8.DecodeRune(d)
		dst = t.pushSeq(dst, s, r, norm.NFD.Properties(d).CCC())
		d = d[m:]
	}
	return dst
}

// pushSeq appends r, of combining class ccc, to s.seq: a starter (ccc 0)
// first ends the sequence before it; a mark moves before the marks of a
// higher class.
func (t *Tokenizer) pushSeq(dst []int32, s *scratch, r rune, ccc uint8) []int32 {
	if ccc == 0 || s.sn == seqCap {
		dst = t.endSeq(dst, s)
	}
	j := s.sn
	for ccc != 0 && j > 0 && s.ccc[j-1] > ccc {
		s.seq[j], s.ccc[j] = s.seq[j-1], s.ccc[j-1]
		j--
	}
	s.seq[j], s.ccc[j] = r, ccc
	s.sn++
	return dst
}

// endSeq passes the decomposed sequence on to the word: nonspacing marks
// are removed and, in HuggingFace mode, the rest lower-cased (Google mode
// lower-cased before decomposing).
func (t *Tokenizer) endSeq(dst []int32, s *scratch) []int32 {
	hf := t.opt.Compat == HuggingFace
	for _, r := range s.seq[:s.sn] {
		if hf {
			if unicode.Is(hfMark, r) {
				continue
			}
			r = unicode.ToLower(r)
		} else if unicode.Is(unicode.Mn, r) {
			continue
		}
		dst = t.addPost(dst, s, r)
	}
	s.sn = 0
	return dst
}

// addPost adds a normalized character to the word, or splits there.
func (t *Tokenizer) addPost(dst []int32, s *scratch, r rune) []int32 {
	switch t.postCls(r) {
	case cWord:
		s.addRune(r)
	case cSpace:
		dst = t.flush(dst, s)
	case cPunct:
		dst = t.flush(dst, s)
		dst = t.single(dst, s, r)
	}
	return dst
}

// finalSigma returns the lower case of the capital sigma at text[i:i+size]
// as Python's str.lower gives it within google-research/bert's whitespace
// token: ς (U+03C2) when a cased letter precedes it and none follows it,
// skipping case-ignorable characters; σ otherwise. Characters that text
// cleaning drops are skipped, and white space and CJK ideographs end the
// token.
func finalSigma(text []byte, i, size int) rune {
	// edge reports whether r ends the token (-1), is skipped (0), or
	// decides (1).
	edge := func(r rune, n int) int {
		if r < 0x80 {
			switch asciiClass[r] {
			case cSpace:
				return -1
			case cDrop:
				return 0
			}
		} else {
			if r == utf8.RuneError && n == 1 {
				return 0
			}
			switch rawClassGoogle(r) {
			case cSpace, cCJK:
				return -1
			case cDrop:
				return 0
			}
		}
		if isCaseIgnorable(r) {
			return 0
		}
		return 1
	}
	before := false
	for j := i; j > 0; {
		r, n := utf8.DecodeLastRune(text[:j])
		j -= n
		if e := edge(r, n); e != 0 {
			before = e == 1 && isCased(r)
			break
		}
	}
	if !before {
		return 0x3C3
	}
	for j := i + size; j < len(text); {
		r, n := utf8.DecodeRune(text[j:])
		j += n
		if e := edge(r, n); e != 0 {
			if e == 1 && isCased(r) {
				return 0x3C3
			}
			break
		}
	}
	return 0x3C2
}
