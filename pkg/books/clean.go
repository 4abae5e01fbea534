package books

import (
	"bytes"
	"encoding/binary"
	"unicode"
	"unicode/utf16"
	"unicode/utf8"
)

// Clean turns one book's raw text into paragraphs and appends them to dst.
// Each paragraph is a non-empty line of valid UTF-8 with single spaces and no
// newline; repaired counts the runs of invalid UTF-8 replaced by U+FFFD. The
// paragraphs share one new buffer and never alias text.
//
// The steps, in order:
//
//  1. Encoding. A UTF-8 byte order mark is removed; a UTF-16 one (FF FE or
//     FE FF) makes the rest decode as UTF-16. CRLF and CR become LF, tabs
//     expand to 8-column stops, Unicode spaces become ' ', U+2028 a line
//     break and U+2029 a paragraph break; control and format characters
//     (Cc, Cf: NUL, soft hyphen, zero-width space, BOM) are dropped.
//  2. Project Gutenberg boilerplate. Lines up to and including the last
//     "*** START OF THE PROJECT GUTENBERG EBOOK ... ***" marker (also THIS,
//     no space after the stars, a marker wrapped onto a second line, and the
//     1990s "*END*THE SMALL PRINT!" line) go, and so do lines from the first
//     "*** END OF ..." or "End of the Project Gutenberg EBook" marker on. A
//     "Produced by ..." credit right after a removed header goes too.
//  3. Paragraphs. Blank lines separate paragraphs. In a hard-wrapped book
//     (at most 10% of its lines longer than 160 characters) the lines of a
//     block join with a space, or with nothing after a dash ("well-" +
//     "known" = "well-known"). A line indented deeper than the least indented
//     line of its block starts a new paragraph, and headings ("CHAPTER IV.",
//     "Chapter 2: The Storm", "PREFACE", a lone roman numeral, an all-caps
//     title) and lines over 160 characters stay paragraphs of their own.
//     Otherwise (one paragraph per line, the usual form of scraped books)
//     every line is a paragraph.
//  4. White space runs collapse to one space; paragraphs without a letter or
//     digit ("* * *", "-----") are dropped.
//
// Clean is idempotent: cleaning its paragraphs joined with blank lines gives
// them back unchanged. It is safe for concurrent use.
func Clean(dst [][]byte, text []byte) (paragraphs [][]byte, repaired int) {
	norm, repaired := normalize(text)
	lines := splitLines(norm)
	lines, header := cutGutenberg(lines)

	// Paragraphs are never longer than the normalised text, so one buffer
	// of that size holds them all.
	out := make([]byte, 0, len(norm))
	first := len(dst)
	if isWrapped(lines) {
		dst = joinWrapped(dst, out, lines)
	} else {
		dst = perLine(dst, out, lines)
	}

	// Joining lines can make a marker out of lines that were none
	// ("***" + "START OF THE PROJECT GUTENBERG EBOOK"); cutting again at
	// paragraph level keeps Clean idempotent.
	paras, header2 := cutGutenberg(dst[first:])
	if header || header2 {
		paras = dropCredits(paras)
	}
	n := copy(dst[first:], paras)
	clear(dst[first+n:])
	return dst[:first+n], repaired
}

// IsHeading reports whether a paragraph has no lower-case letter: a title,
// a chapter heading ("CHAPTER IV."), a date line or a contents entry rather
// than prose. Clean keeps such paragraphs; the fetch stage drops them, as
// the conventions of data/sample/README.md require.
func IsHeading(paragraph []byte) bool {
	for i := 0; i < len(paragraph); {
		c := paragraph[i]
		if c < utf8.RuneSelf {
			if 'a' <= c && c <= 'z' {
				return false
			}
			i++
			continue
		}
		r, size := utf8.DecodeRune(paragraph[i:])
		if unicode.IsLower(r) {
			return false
		}
		i += size
	}
	return true
}

// normalize performs step 1 of Clean: it returns valid UTF-8 holding no
// control or format character but '\n', and no space but ' ', with the
// number of invalid sequences it replaced.
func normalize(text []byte) ([]byte, int) {
	repaired := 0
	switch {
	case bytes.HasPrefix(text, []byte("\xEF\xBB\xBF")):
		text = text[3:]
	case bytes.HasPrefix(text, []byte("\xFF\xFE")):
		text, repaired = fromUTF16(text[2:], false)
	case bytes.HasPrefix(text, []byte("\xFE\xFF")):
		text, repaired = fromUTF16(text[2:], true)
	}

	dst := make([]byte, 0, len(text)+len(text)/32+8)
	col := 0 // characters since the last '\n' in dst, for tab stops
	for i := 0; i < len(text); {
		c := text[i]
		if c >= 0x20 && c < 0x7F {
			j := i + 1
			for j+8 <= len(text) && printable8(binary.LittleEndian.Uint64(text[j:])) {
				j += 8
			}
			for j < len(text) && text[j] >= 0x20 && text[j] < 0x7F {
				j++
			}
			dst = append(dst, text[i:j]...)
			col += j - i
			i = j
			continue
		}
		if c < utf8.RuneSelf {
			switch c {
			case '\n':
				dst, col = append(dst, '\n'), 0
			case '\r':
				dst, col = append(dst, '\n'), 0
				if i+1 < len(text) && text[i+1] == '\n' {
					i++
				}
			case '\t':
				n := 8 - col%8
				for range n {
					dst = append(dst, ' ')
				}
				col += n
			case '\v', '\f':
				dst, col = append(dst, ' '), col+1
			}
			i++
			continue
		}
		r, size := utf8.DecodeRune(text[i:])
		if r == utf8.RuneError && size == 1 {
			// One replacement per run of invalid bytes: "caf\xE9" and
			// "\xE2\x80" each cost one U+FFFD.
			repaired++
			dst, col = append(dst, "\uFFFD"...), col+1
			for i < len(text) {
				if r, size := utf8.DecodeRune(text[i:]); r != utf8.RuneError || size != 1 {
					break
				}
				i++
			}
			continue
		}
		i += size
		switch {
		case r == '\u0085' || r == '\u2028':
			dst, col = append(dst, '\n'), 0
		case r == '\u2029':
			dst, col = append(dst, '\n', '\n'), 0
		case unicode.IsSpace(r):
			dst, col = append(dst, ' '), col+1
		case unicode.Is(unicode.Cc, r) || unicode.Is(unicode.Cf, r):
			// dropped
		default:
			dst, col = utf8.AppendRune(dst, r), col+1
		}
	}
	return dst, repaired
}

// Bytes repeated across a word, for testing 8 bytes at a time.
const (
	ones  = 0x0101010101010101
	highs = 0x8080808080808080
)

// printable8 reports whether the 8 bytes in x are all printable ASCII, 0x20
// to 0x7E: none is below 0x20 and none plus one reaches 0x80.
func printable8(x uint64) bool {
	return (x-0x20*ones)&^x&highs == 0 && (x+ones|x)&highs == 0
}

// fromUTF16 decodes UTF-16 text (after its byte order mark) to UTF-8,
// replacing unpaired surrogates and a trailing odd byte by U+FFFD.
func fromUTF16(b []byte, bigEndian bool) ([]byte, int) {
	unit := func(i int) rune {
		if bigEndian {
			return rune(b[i])<<8 | rune(b[i+1])
		}
		return rune(b[i+1])<<8 | rune(b[i])
	}
	out := make([]byte, 0, len(b)*3/2)
	repaired := 0
	for i := 0; i+1 < len(b); i += 2 {
		r := unit(i)
		if utf16.IsSurrogate(r) {
			if i+3 < len(b) {
				if rr := utf16.DecodeRune(r, unit(i+2)); rr != utf8.RuneError {
					out = utf8.AppendRune(out, rr)
					i += 2
					continue
				}
			}
			r = utf8.RuneError
			repaired++
		}
		out = utf8.AppendRune(out, r)
	}
	if len(b)%2 == 1 {
		out = append(out, "\uFFFD"...)
		repaired++
	}
	return out, repaired
}

// splitLines returns the lines of text without their '\n'.
func splitLines(text []byte) [][]byte {
	lines := make([][]byte, 0, bytes.Count(text, []byte{'\n'})+1)
	for len(text) > 0 {
		i := bytes.IndexByte(text, '\n')
		if i < 0 {
			lines = append(lines, text)
			break
		}
		lines = append(lines, text[:i])
		text = text[i+1:]
	}
	return lines
}

// longLine is the width past which a line is taken for a whole paragraph:
// hard-wrapped books (Project Gutenberg wraps at 70-80) stay far below it,
// while most paragraphs of fiction exceed it.
const longLine = 160

func isLong(t []byte) bool {
	return len(t) > longLine && utf8.RuneCount(t) > longLine
}

// isWrapped reports whether the book looks hard-wrapped: at most 10% of its
// non-blank lines are long. A book with one paragraph per line has far more.
func isWrapped(lines [][]byte) bool {
	n, long := 0, 0
	for _, l := range lines {
		t := bytes.TrimSpace(l)
		if len(t) == 0 {
			continue
		}
		n++
		if isLong(t) {
			long++
		}
	}
	return long*10 <= n
}

// perLine appends every non-blank line as a paragraph.
func perLine(dst [][]byte, out []byte, lines [][]byte) [][]byte {
	for _, l := range lines {
		t := bytes.TrimSpace(l)
		if len(t) == 0 {
			continue
		}
		start := len(out)
		out = appendCollapsed(out, t)
		dst, out = flush(dst, out, start)
	}
	return dst
}

// joinWrapped appends the paragraphs of a hard-wrapped book: each block of
// non-blank lines is one paragraph, split before deeper-indented lines and
// around headings.
func joinWrapped(dst [][]byte, out []byte, lines [][]byte) [][]byte {
	for i := 0; i < len(lines); {
		if isBlank(lines[i]) {
			i++
			continue
		}
		end, minIndent := i, len(lines[i])
		for ; end < len(lines) && !isBlank(lines[end]); end++ {
			minIndent = min(minIndent, indent(lines[end]))
		}
		start := -1    // offset in out of the open paragraph, -1 if none
		top := true    // every line so far in this block was a heading
		after := false // the previous line was a heading
		for _, l := range lines[i:end] {
			t := bytes.TrimSpace(l)
			h := isHeading(t, top)
			top = top && h
			alone := h || isLong(t) // a paragraph of its own
			if start >= 0 && (alone || after || indent(l) > minIndent) {
				dst, out = flush(dst, out, start)
				start = -1
			}
			if start < 0 {
				start = len(out)
			} else if !endsWithDash(out[start:]) {
				out = append(out, ' ')
			}
			out = appendCollapsed(out, t)
			after = alone
		}
		dst, out = flush(dst, out, start)
		i = end
	}
	return dst
}

// flush appends out[start:] to dst as a paragraph, unless it holds no
// letter or digit, in which case it is discarded.
func flush(dst [][]byte, out []byte, start int) ([][]byte, []byte) {
	if start < 0 || start == len(out) {
		return dst, out
	}
	if !hasAlnum(out[start:]) {
		return dst, out[:start]
	}
	return append(dst, out[start:len(out):len(out)]), out
}

func hasAlnum(p []byte) bool {
	for i := 0; i < len(p); {
		c := p[i]
		if c < utf8.RuneSelf {
			if 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' {
				return true
			}
			i++
			continue
		}
		r, size := utf8.DecodeRune(p[i:])
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			return true
		}
		i += size
	}
	return false
}

// appendCollapsed appends t, which has no leading or trailing space, with
// each run of spaces turned into one.
func appendCollapsed(out, t []byte) []byte {
	for {
		i := doubleSpace(t)
		if i < 0 {
			return append(out, t...)
		}
		out = append(out, t[:i+1]...)
		j := i + 2
		for j < len(t) && t[j] == ' ' {
			j++
		}
		t = t[j:]
	}
}

// doubleSpace returns the index of the first "  " in t, or -1. It tests
// overlapping 8-byte windows, 7 pairs at a time, for two adjacent spaces;
// the test can report a pair that is not there, never miss one.
func doubleSpace(t []byte) int {
	i := 0
	for ; i+8 <= len(t); i += 7 {
		y := binary.LittleEndian.Uint64(t[i:]) ^ 0x20*ones // spaces become zero bytes
		z := (y - ones) &^ y & highs                       // flags every zero byte
		if z&(z>>8) == 0 {
			continue
		}
		for j := i; j < i+7; j++ {
			if t[j] == ' ' && t[j+1] == ' ' {
				return j
			}
		}
	}
	for ; i+1 < len(t); i++ {
		if t[i] == ' ' && t[i+1] == ' ' {
			return i
		}
	}
	return -1
}

// endsWithDash reports whether p ends in a hyphen or em dash that follows a
// non-space, after which a wrapped line continues without a space.
func endsWithDash(p []byte) bool {
	var n int
	switch {
	case bytes.HasSuffix(p, []byte("-")):
		n = 1
	case bytes.HasSuffix(p, []byte("—")):
		n = len("—")
	default:
		return false
	}
	return len(p) > n && p[len(p)-n-1] != ' '
}

func isBlank(l []byte) bool {
	for _, c := range l {
		if c != ' ' {
			return false
		}
	}
	return true
}

func indent(l []byte) int {
	n := 0
	for n < len(l) && l[n] == ' ' {
		n++
	}
	return n
}
