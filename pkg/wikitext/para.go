package wikitext

import (
	"bytes"
	"unicode"
	"unicode/utf8"
)

// The paragraph pass reads the output of the inline pass line by line. It
// drops headings, lists (unless kept), table debris and horizontal rules,
// stops at the first heading of a dropped section, removes emphasis quotes,
// joins the lines of a paragraph and tidies the text as it writes it:
//
//	white space      runs become one space; none at either end, none after '('
//	" ,"  " ;"       → ","  ";"         and ", ," → ","
//	"(; born 1950)"  → "(born 1950)"     separators right after '(' go, and
//	                                      those that would start a paragraph
//	"(born 1950; )"  → "(born 1950)"     and so do those before ')'
//	"word ()"        → "word"            empty brackets go with their space
//	"word ."         → "word."           unless after '.' or before a letter
//
// Each rule looks only at the text already written, so writing the output
// through them again changes nothing; the last one runs on the finished
// paragraph (tidyDots).

// Byte classes of the paragraph pass; 0 is copied as is.
const (
	tcPlain uint8 = iota
	tcSpace
	tcQuote
	tcSep // , ;
	tcOpen
	tcClose
	tcC2   // first byte of U+0080 … U+00BF: no-break space and C1 controls
	tcMark // a byte that may start markup: the paragraph gets checked
)

// textClass classifies the bytes of a line; textClassRun is the same but
// lets a space run on in a chunk of text, for lines without double spaces.
var textClass, textClassRun [256]uint8

func init() {
	for b := 0; b <= ' '; b++ {
		textClass[b] = tcSpace
	}
	textClass[0x7f] = tcSpace
	textClass['\''] = tcQuote
	textClass[','] = tcSep
	textClass[';'] = tcSep
	textClass['('] = tcOpen
	textClass[')'] = tcClose
	textClass[0xc2] = tcC2
	for _, b := range []byte("{}[]|<&_") {
		textClass[b] = tcMark
	}
	textClassRun = textClass
	textClassRun[' '] = tcPlain
}

// c2Space reports whether s[i], s[i+1] encode a no-break space or a C1
// control, both read as white space.
func c2Space(s []byte, i int) bool {
	return s[i] == 0xc2 && i+1 < len(s) && s[i+1] >= 0x80 && s[i+1] <= 0xa0
}

// paragraphs appends the paragraphs of b, the output of the inline pass, to
// dst.
func (c *Cleaner) paragraphs(dst, b []byte, recheck bool) []byte {
	ps := len(dst) // start of the paragraph being written
	for len(b) > 0 {
		line := b
		if k := bytes.IndexByte(b, '\n'); k >= 0 {
			line, b = b[:k], b[k+1:]
		} else {
			b = nil
		}
		line = trimRightSpace(line)
		if len(line) == 0 {
			dst = c.endParagraph(dst, ps, recheck)
			ps = len(dst)
			continue
		}
		switch line[0] {
		case '=':
			if line[len(line)-1] != '=' {
				break
			}
			dst = c.endParagraph(dst, ps, recheck)
			if c.isDropHeading(line) {
				return dst
			}
			ps = len(dst)
			continue
		case '*', '#', ':', ';':
			dst = c.endParagraph(dst, ps, recheck)
			ps = len(dst)
			if c.opt.KeepLists {
				i := 0
				for i < len(line) && (line[i] == '*' || line[i] == '#' || line[i] == ':' || line[i] == ';') {
					i++
				}
				dst = c.appendText(dst, ps, line[i:])
				dst = c.endParagraph(dst, ps, recheck)
				ps = len(dst)
			}
			continue
		case '|':
			dst = c.endParagraph(dst, ps, recheck)
			ps = len(dst)
			continue
		case '-':
			if !hasPrefix(line, "----") {
				break
			}
			dst = c.endParagraph(dst, ps, recheck)
			ps = len(dst)
			line = bytes.TrimLeft(line, "-")
		}
		dst = space(dst, ps)
		dst = c.appendText(dst, ps, line)
	}
	return c.endParagraph(dst, ps, recheck)
}

// endParagraph finishes the paragraph dst[ps:]: it drops it when it holds
// no letter or digit, re-cleans it when markup seems left, and ends it with
// '\n'.
func (c *Cleaner) endParagraph(dst []byte, ps int, recheck bool) []byte {
	for len(dst) > ps && dst[len(dst)-1] == ' ' {
		dst = dst[:len(dst)-1]
	}
	if len(dst) == ps {
		c.marked = false
		return dst
	}
	dst = dst[:ps+len(tidyDots(dst[ps:]))]
	if !hasWordChar(dst[ps:]) {
		c.marked = false
		return dst[:ps]
	}
	// Only a paragraph that starts like a line of markup, or that holds a
	// byte that may start markup, needs the full check.
	marked := c.marked
	c.marked = false
	if recheck && (lineNeedsWork(dst[ps:]) || marked && needsWork(dst[ps:])) {
		if dst = c.fixParagraph(dst, ps); len(dst) == ps {
			return dst
		}
	}
	return append(dst, '\n')
}

// fixParagraph handles a paragraph in which markup appeared only after
// cleaning: "&amp;lt;b&amp;gt;" decodes to "&lt;b&gt;", a removed template
// joins "[" and "[", and so on. The paragraph is cleaned again until
// nothing looks like markup; one that still does after a few rounds is
// dropped. This is what makes cleaning idempotent: every paragraph written
// is one that cleaning leaves alone.
func (c *Cleaner) fixParagraph(dst []byte, ps int) []byte {
	if c.child == nil {
		c.child = &Cleaner{opt: c.opt, drop: c.drop, dropASCII: c.dropASCII}
	}
	for range 4 {
		c.redo = c.child.clean(c.redo[:0], dst[ps:], false)
		out := bytes.TrimSuffix(c.redo, []byte{'\n'})
		if bytes.IndexByte(out, '\n') >= 0 {
			break
		}
		dst = append(dst[:ps], out...)
		if !needsWork(out) {
			return dst
		}
	}
	return dst[:ps]
}

// hasWordChar reports whether p holds a letter or a digit.
func hasWordChar(p []byte) bool {
	for i := 0; i < len(p); {
		b := p[i]
		if b < utf8.RuneSelf {
			if isLetter(b) || isDigit(b) {
				return true
			}
			i++
			continue
		}
		r, n := utf8.DecodeRune(p[i:])
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			return true
		}
		i += n
	}
	return false
}

// space writes one separating space, unless the paragraph is empty or
// already ends in a space or '('.
func space(dst []byte, ps int) []byte {
	if l := len(dst); l > ps && dst[l-1] != ' ' && dst[l-1] != '(' {
		dst = append(dst, ' ')
	}
	return dst
}

// appendText writes one line of a paragraph to dst, without emphasis
// quotes and through the tidy rules above.
func (c *Cleaner) appendText(dst []byte, ps int, line []byte) []byte {
	split := -2 // the ''' read as an apostrophe plus italics; -2: not yet known
	n := len(line)
	// A space inside a chunk follows a byte copied as is, so the space rule
	// would write it: copy it with the chunk. A chunk may not start with a
	// space, and a second space in a row must meet the rule.
	class := &textClassRun
	if bytes.Contains(line, []byte("  ")) {
		class = &textClass
	}
	for i := 0; i < n; {
		j := i
		if line[i] != ' ' {
			for j < n && class[line[j]] == tcPlain {
				j++
			}
		}
		dst = append(dst, line[i:j]...)
		if j == n {
			break
		}
		i = j
		ch := line[i]
		switch textClass[ch] {
		case tcSpace:
			dst = space(dst, ps)
			i++
		case tcQuote:
			r := run(line, i, '\'')
			if r >= 2 {
				if split == -2 {
					split = quoteSplit(line)
				}
				// 2, 3 and 5 quotes are markup; 4 are an apostrophe and
				// bold, more than 5 apostrophes and bold italics.
				if !(r == 3 && i == split || r == 4 || r > 5) {
					i += r
					continue
				}
			}
			if l := len(dst); l == ps || dst[l-1] != '\'' {
				dst = append(dst, '\'')
			}
			i += r
		case tcSep:
			if l := len(dst); l > ps && dst[l-1] == ' ' {
				dst = dst[:l-1]
			}
			if l := len(dst); l > ps && dst[l-1] != '(' && dst[l-1] != ',' && dst[l-1] != ';' {
				dst = append(dst, ch)
			}
			i++
		case tcOpen:
			dst = append(dst, '(')
			i++
		case tcClose:
			for l := len(dst); l > ps && (dst[l-1] == ' ' || dst[l-1] == ',' || dst[l-1] == ';'); l-- {
				dst = dst[:l-1]
			}
			if l := len(dst); l > ps && dst[l-1] == '(' {
				dst = dst[:l-1]
				for l := len(dst); l > ps && dst[l-1] == ' '; l-- {
					dst = dst[:l-1]
				}
			} else {
				dst = append(dst, ')')
			}
			i++
		case tcMark:
			c.marked = true
			dst = append(dst, ch)
			i++
		case tcC2:
			if c2Space(line, i) {
				dst = space(dst, ps)
				i += 2
			} else {
				dst = append(dst, ch)
				i++
			}
		}
	}
	return dst
}

// tidyDots removes the space before a '.' that ends a word in the finished
// paragraph p: "word ." → "word.", but not " .5", " .NET" or ". . .". It
// runs once the paragraph is complete, as the other rules may still remove
// what follows a '.' while it is written.
func tidyDots(p []byte) []byte {
	k := bytes.Index(p, []byte(" ."))
	if k < 0 {
		return p
	}
	w := k
	for r := k; r < len(p); r++ {
		if p[r] == ' ' && r+1 < len(p) && p[r+1] == '.' && w > 0 && p[w-1] != '.' && dotEndsWord(p, r+2) {
			continue
		}
		p[w] = p[r]
		w++
	}
	return p[:w]
}

// dotEndsWord reports whether a '.' followed by p[i] closes a sentence or
// an abbreviation.
func dotEndsWord(p []byte, i int) bool {
	if i >= len(p) {
		return true
	}
	switch p[i] {
	case ' ', '"', '\'', ')', ']':
		return true
	}
	return false
}

// quoteSplit finds, on a line with an odd number of both italic (two
// apostrophes) and bold (three) quote runs, the bold run that MediaWiki
// reads as an apostrophe followed by italics: the first one after a
// one-letter word, else the first after a longer word, else the first after
// a space. It returns the run's index, or -1. So
//
//	''Nature'''s cover → Nature's cover
func quoteSplit(line []byte) int {
	italics, bold := 0, 0
	for i := 0; i < len(line); {
		k := bytes.IndexByte(line[i:], '\'')
		if k < 0 {
			break
		}
		i += k
		r := run(line, i, '\'')
		switch {
		case r == 2:
			italics++
		case r == 3 || r == 4:
			bold++
		case r >= 5:
			italics++
			bold++
		}
		i += r
	}
	if italics%2 == 0 || bold%2 == 0 {
		return -1
	}
	single, multi, spaced := -1, -1, -1
	for i := 0; i < len(line); {
		k := bytes.IndexByte(line[i:], '\'')
		if k < 0 {
			break
		}
		i += k
		r := run(line, i, '\'')
		if r == 3 {
			var x1, x2 byte
			if i >= 1 {
				x1 = line[i-1]
			}
			if i >= 2 {
				x2 = line[i-2]
			}
			switch {
			case x1 == ' ':
				if spaced < 0 {
					spaced = i
				}
			case x2 == ' ':
				single = i
			case multi < 0:
				multi = i
			}
			if single >= 0 {
				return single
			}
		}
		i += r
	}
	if multi >= 0 {
		return multi
	}
	return spaced
}
