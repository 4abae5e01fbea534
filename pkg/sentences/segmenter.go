package sentences

import (
	"bytes"
	"unicode"
	"unicode/utf8"
	"unsafe"
)

// A Segmenter splits paragraphs into sentences. It holds only read-only
// tables, so it is safe for concurrent use after construction.
type Segmenter struct {
	abbrevs  map[uint64]abbrevKind // abbreviations, without the period, by abbrevKey
	starters map[string]bool       // lower-case words that begin sentences
}

// abbrevKind says how an abbreviation followed by a period is read.
type abbrevKind uint8

const (
	// abbrevAlways: the period never ends a sentence unless the next word
	// is a sentence starter (Mr., etc., Inc., Jan.).
	abbrevAlways abbrevKind = iota + 1
	// abbrevNumber: an abbreviation only before a number (No. 5, Art. 12);
	// elsewhere an ordinary word ("He said no. Then ...").
	abbrevNumber
)

// NewEnglish returns a Segmenter for English prose with the package's
// abbreviation and sentence-starter lists.
func NewEnglish() *Segmenter {
	s := &Segmenter{
		abbrevs:  make(map[uint64]abbrevKind, len(englishAbbrevs)+len(englishNumberAbbrevs)),
		starters: make(map[string]bool, len(englishStarters)),
	}
	for _, a := range englishAbbrevs {
		s.abbrevs[abbrevKey([]byte(a))] = abbrevAlways
	}
	for _, a := range englishNumberAbbrevs {
		s.abbrevs[abbrevKey([]byte(a))] = abbrevNumber
	}
	for _, w := range englishStarters {
		s.starters[w] = true
	}
	return s
}

// Bounds appends to dst the end offsets (exclusive, in bytes) of the
// sentences of text and returns the extended slice. The last offset is the
// end of text less trailing white space; a blank text appends nothing.
// Sentences exclude surrounding white space: sentence i runs from the first
// non-space byte at or after the end of sentence i-1 (or the start of text)
// to dst[i]. Bounds allocates only when dst must grow.
func (s *Segmenter) Bounds(dst []int, text []byte) []int {
	start, end := trimSpace(text)
	if start >= end {
		return dst
	}
	stops := newStopFinder()
	i := start
	for i < end {
		p := stops.find(text, i, end)
		if p < 0 {
			break
		}
		q, kind := stopRun(text, p, end)
		r := skipClosers(text, q, end)
		g, breakable := skipGap(text, r, end)
		switch {
		case g == r: // "3.14", "example.com", "U.S.-led", "Yahoo!'s"
			i = r
			continue
		case g >= end: // unreachable: end is not white space
			i = end
			continue
		case !breakable: // "p.\u00a05": a no-break space joins on purpose
			i = g
			continue
		}
		if s.isBreak(text, p, kind, g, end) {
			dst = append(dst, r)
		}
		i = g
	}
	return append(dst, end)
}

// Split returns the sentences of text, without surrounding white space, as
// substrings of text. It returns nil for a blank text.
func (s *Segmenter) Split(text string) []string {
	var buf [64]int
	// Bounds only reads text, so it may see the string's bytes in place.
	ends := s.Bounds(buf[:0], unsafe.Slice(unsafe.StringData(text), len(text)))
	if len(ends) == 0 {
		return nil
	}
	out := make([]string, 0, len(ends))
	from := 0
	for _, e := range ends {
		from = skipSpace(text, from, e)
		out = append(out, text[from:e])
		from = e
	}
	return out
}

// A stopKind classifies a run of terminal punctuation.
type stopKind uint8

const (
	stopPeriod   stopKind = iota // a single "."
	stopEllipsis                 // "...", "…", ". . ."
	stopStrong                   // any run with "?" or "!": "?", "!", "?!", "...?"
)

// isBreak decides whether the stop run starting at p, whose next token
// starts at g, ends a sentence. The rules are those of the package comment.
func (s *Segmenter) isBreak(text []byte, p int, kind stopKind, g, end int) bool {
	next := classify(text, g, end)
	if next == tokLower || next == tokOther {
		return false
	}
	switch kind {
	case stopStrong:
		return true
	case stopEllipsis:
		return s.startsSentence(text, g, end)
	}
	w := wordBefore(text, p)
	if len(w) == 0 || isNumber(w) {
		return true
	}
	if k := s.abbrev(w); k != 0 {
		if next == tokDigit {
			return false
		}
		if k == abbrevNumber {
			return true
		}
		return s.startsSentence(text, g, end)
	}
	if isInitial(w) {
		if next == tokDigit || next == tokOpen {
			return true
		}
		return s.startsSentence(text, g, end)
	}
	if isAcronym(w) {
		if next != tokUpper {
			return false
		}
		return s.startsSentence(text, g, end)
	}
	return true
}

// startsSentence reports whether the token at g is a capitalized sentence
// starter ("The", "However,", "It's") and not itself an initial ("A.").
func (s *Segmenter) startsSentence(text []byte, g, end int) bool {
	c := text[g]
	if c < 'A' || c > 'Z' {
		return false
	}
	var buf [16]byte
	n := 0
	j := g
	for ; j < end && isASCIILetter(text[j]); j++ {
		if n == len(buf) {
			return false
		}
		buf[n] = text[j] | 0x20
		n++
	}
	if j < end && text[j] >= utf8.RuneSelf {
		if r, _ := utf8.DecodeRune(text[j:end]); unicode.IsLetter(r) {
			return false // "Æthelred", "Zoë": not an ASCII word
		}
	}
	if n == 1 && j < end && text[j] == '.' {
		return false
	}
	return s.starters[string(buf[:n])]
}

// abbrev returns the kind of w as an abbreviation, or 0. Like punkt, it
// also tries the part after the last hyphen ("ex-Gen").
func (s *Segmenter) abbrev(w []byte) abbrevKind {
	for i := len(w) - 1; i > 0; i-- {
		if w[i] == '-' {
			if k := s.abbrevs[abbrevKey(w)]; k != 0 {
				return k
			}
			w = w[i+1:]
			break
		}
	}
	return s.abbrevs[abbrevKey(w)]
}

// abbrevKey packs w, lower-cased, with its length into a map key. Words
// that cannot be abbreviations (too long, not ASCII) get key 0, which no
// abbreviation has.
func abbrevKey(w []byte) uint64 {
	if len(w) == 0 || len(w) > maxAbbrevLen {
		return 0
	}
	k := uint64(len(w))
	for _, c := range w {
		if c >= utf8.RuneSelf {
			return 0
		}
		if 'A' <= c && c <= 'Z' {
			c |= 0x20
		}
		k = k<<8 | uint64(c)
	}
	return k
}

// maxAbbrevLen is the longest abbreviation abbrevKey can pack.
const maxAbbrevLen = 7

// A tokClass is the class of the token after a stop, by its first rune.
type tokClass uint8

const (
	tokOther tokClass = iota // "-", ",", "&", "%": not a sentence start
	tokLower                 // a lower-case letter
	tokUpper                 // an upper-case, title-case or uncased letter
	tokDigit                 // a decimal digit
	tokOpen                  // an opening quote or bracket, or a currency sign
)

func classify(text []byte, g, end int) tokClass {
	c := text[g]
	if c < utf8.RuneSelf {
		switch {
		case 'a' <= c && c <= 'z':
			return tokLower
		case 'A' <= c && c <= 'Z':
			return tokUpper
		case '0' <= c && c <= '9':
			return tokDigit
		}
		switch c {
		case '"', '\'', '(', '[', '{', '$', '#':
			return tokOpen
		}
		return tokOther
	}
	r, _ := utf8.DecodeRune(text[g:end])
	switch {
	case unicode.IsLower(r):
		return tokLower
	case unicode.IsLetter(r):
		return tokUpper
	case unicode.IsDigit(r):
		return tokDigit
	case isOpener(r) || unicode.Is(unicode.Sc, r):
		return tokOpen
	}
	return tokOther
}

// isOpener reports whether r opens a quotation or bracket.
func isOpener(r rune) bool {
	switch r {
	case '"', '\'', '(', '[', '{', '“', '‘', '«', '„', '¿', '¡':
		return true
	}
	return false
}

// isCloser reports whether r may close a quotation or bracket after a stop.
func isCloser(r rune) bool {
	switch r {
	case '"', '\'', ')', ']', '}', '”', '’', '»', '›':
		return true
	}
	return false
}

// wordBefore returns the token that ends at the stop at p: the bytes back
// to the previous white space, less opening quotes and brackets, or nil if
// it is longer than any abbreviation, initial or acronym.
func wordBefore(text []byte, p int) []byte {
	const max = 24
	i := p
	for i > 0 && p-i <= max {
		c := text[i-1]
		if c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v' {
			break
		}
		if c >= utf8.RuneSelf {
			r, n := utf8.DecodeLastRune(text[:i])
			if unicode.IsSpace(r) {
				break
			}
			i -= n
			continue
		}
		i--
	}
	if p-i > max {
		return nil
	}
	for i < p {
		r, n := rune(text[i]), 1
		if r >= utf8.RuneSelf {
			r, n = utf8.DecodeRune(text[i:p])
		}
		if !isOpener(r) {
			break
		}
		i += n
	}
	return text[i:p]
}

// isNumber reports whether w is a number such as "1990", "3,000" or
// "1.5", which punkt folds into one type.
func isNumber(w []byte) bool {
	i := 0
	if w[0] == '-' {
		i++
	}
	if i < len(w) && (w[i] == '.' || w[i] == ',') {
		i++
	}
	if i >= len(w) || w[i] < '0' || w[i] > '9' {
		return false
	}
	for _, c := range w[i:] {
		if !('0' <= c && c <= '9' || c == ',' || c == '.' || c == '-') {
			return false
		}
	}
	return true
}

// isInitial reports whether w is a single letter, as in "J." or "W.",
// after the last hyphen ("Jean-P.").
func isInitial(w []byte) bool {
	for i := len(w) - 1; i > 0; i-- {
		if w[i] == '-' {
			w = w[i+1:]
			break
		}
	}
	if len(w) == 0 {
		return false
	}
	r, n := utf8.DecodeRune(w)
	return n == len(w) && unicode.IsLetter(r)
}

// isAcronym reports whether w is a dotted abbreviation such as "U.S",
// "a.m", "Ph.D" or "J.R.R": ASCII letters in groups of one or two joined by
// periods. File and host names ("file.txt", "example.com") have longer
// groups.
func isAcronym(w []byte) bool {
	dots, run := 0, 0
	for _, c := range w {
		switch {
		case isASCIILetter(c):
			run++
			if run > 2 {
				return false
			}
		case c == '.' && run > 0:
			dots++
			run = 0
		default:
			return false
		}
	}
	return dots > 0 && run > 0
}

func isASCIILetter(c byte) bool { return 'a' <= c|0x20 && c|0x20 <= 'z' }

// stopBytes are the bytes that may start a stop: ". ? !" and 0xE2, the
// first byte of "…" (and of other runes, which stopFinder skips).
var stopBytes = [4]byte{'.', '?', '!', 0xE2}

// A stopFinder finds stops in one text. It remembers where each byte of
// stopBytes next occurs, so that the text is scanned with bytes.IndexByte
// once per byte value rather than byte by byte.
type stopFinder struct {
	next [len(stopBytes)]int // offset of the next occurrence, or end; -1 before the first search
}

func newStopFinder() stopFinder {
	return stopFinder{next: [len(stopBytes)]int{-1, -1, -1, -1}}
}

// find returns the offset of the first stop in text[i:end], or -1.
func (f *stopFinder) find(text []byte, i, end int) int {
	for i < end {
		best := end
		for k, c := range stopBytes {
			if f.next[k] < i {
				f.next[k] = end
				if j := bytes.IndexByte(text[i:end], c); j >= 0 {
					f.next[k] = i + j
				}
			}
			best = min(best, f.next[k])
		}
		if best == end {
			return -1
		}
		if text[best] != 0xE2 || isEllipsisAt(text, best, end) {
			return best
		}
		i = best + 1
	}
	return -1
}

// isEllipsisAt reports whether "…" (U+2026, E2 80 A6) starts at i.
func isEllipsisAt(text []byte, i, end int) bool {
	return i+2 < end && text[i] == 0xE2 && text[i+1] == 0x80 && text[i+2] == 0xA6
}

// stopRun returns the end of the run of terminal punctuation starting at p
// and its kind. A spaced ellipsis ". . ." counts as one run.
func stopRun(text []byte, p, end int) (int, stopKind) {
	q, dots, strong, ellipsis := p, 0, false, false
	for q < end {
		switch c := text[q]; {
		case c == '.':
			dots++
			q++
			continue
		case c == '?' || c == '!':
			strong = true
			q++
			continue
		case isEllipsisAt(text, q, end):
			ellipsis = true
			q += 3
			continue
		}
		break
	}
	if dots == 1 && q == p+1 && !strong {
		// ". . ." as one run, like punkt's multi-character punctuation.
		k := q
		for k+1 < end && text[k] == ' ' && text[k+1] == '.' {
			k += 2
		}
		if k-q >= 4 {
			q, dots = k, 3
		}
	}
	switch {
	case strong:
		return q, stopStrong
	case ellipsis || dots > 1:
		return q, stopEllipsis
	}
	return q, stopPeriod
}

// AppendSentences appends the sentences of text, without surrounding white
// space, to dst as subslices of text (no copy) and returns the extended
// slice. bounds is scratch space for Bounds, returned for reuse.
func (s *Segmenter) AppendSentences(dst [][]byte, bounds []int, text []byte) ([][]byte, []int) {
	bounds = s.Bounds(bounds[:0], text)
	from := 0
	for _, e := range bounds {
		from, _ = skipGap(text, from, e)
		dst = append(dst, text[from:e:e])
		from = e
	}
	return dst, bounds
}

// skipClosers returns the end of the closing quotes and brackets at i.
func skipClosers(text []byte, i, end int) int {
	for i < end {
		r, n := rune(text[i]), 1
		if r >= utf8.RuneSelf {
			r, n = utf8.DecodeRune(text[i:end])
		}
		if !isCloser(r) {
			break
		}
		i += n
	}
	return i
}

// skipGap returns the end of the white space at i and whether it holds a
// space that may separate sentences, one other than a no-break space.
func skipGap(text []byte, i, end int) (int, bool) {
	breakable := false
	for i < end {
		c := text[i]
		if c < utf8.RuneSelf {
			if c != ' ' && (c < '\t' || c > '\r') {
				break
			}
			breakable = true
			i++
			continue
		}
		r, n := utf8.DecodeRune(text[i:end])
		if !unicode.IsSpace(r) {
			break
		}
		if r != '\u00a0' && r != '\u2007' && r != '\u202f' {
			breakable = true
		}
		i += n
	}
	return i, breakable
}

// trimSpace returns the bounds of text without surrounding white space.
func trimSpace(text []byte) (start, end int) {
	start, _ = skipGap(text, 0, len(text))
	end = len(text)
	for end > start {
		c := text[end-1]
		if c < utf8.RuneSelf {
			if c != ' ' && (c < '\t' || c > '\r') {
				break
			}
			end--
			continue
		}
		r, n := utf8.DecodeLastRune(text[start:end])
		if !unicode.IsSpace(r) {
			break
		}
		end -= n
	}
	return start, end
}

// skipSpace returns the first offset in text[i:end] that is not white
// space.
func skipSpace(text string, i, end int) int {
	for i < end {
		r, n := rune(text[i]), 1
		if r >= utf8.RuneSelf {
			r, n = utf8.DecodeRuneInString(text[i:end])
		}
		if !unicode.IsSpace(r) {
			break
		}
		i += n
	}
	return i
}
