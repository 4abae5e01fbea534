package wikitext

import "bytes"

// The inline pass reads the wikitext once, left to right, and writes text in
// which templates, tables, comments, references and other opaque tags are
// gone, links are replaced by their text and character references are
// decoded. Line structure (headings, lists, paragraphs, emphasis) is left
// for the paragraph pass.
//
// Nested constructs are tracked on a stack of frames. The content of an
// open frame is written to the output as if it were text; when the frame
// closes, that tail of the output is rewritten: cut for a template or table,
// replaced by the link text for a link. Inner constructs are therefore
// resolved before the outer ones see them, so a template's arguments hold no
// '|' from a nested link and a file caption's links vanish with the file. A
// frame never closed keeps its content, as MediaWiki shows an unclosed "{{"
// or "[[" as text; only the brackets go.

const (
	frameTemplate uint8 = iota // {{...}}, also {{{...}}}
	frameLink                  // [[...]]
	frameExtLink               // [http://... label]
	frameTable                 // {| ... |} at line starts
)

type frame struct {
	kind   uint8
	pipe   bool // link: a '|' was seen, so the text may span lines
	open   int  // template: number of braces that opened it
	braces int  // template: braces still to match
	out    int  // length of the output when the frame opened
}

// inlineSpecial marks the bytes at which the inline pass stops copying.
var inlineSpecial [256]bool

// urlEnd marks the bytes that end a URL in an external link.
var urlEnd [256]bool

func init() {
	for _, b := range []byte("\n{}[]<&_|") {
		inlineSpecial[b] = true
	}
	for _, b := range []byte(" \t\n\r[]<>\"{}|") {
		urlEnd[b] = true
	}
}

func run(s []byte, i int, b byte) int {
	j := i
	for j < len(s) && s[j] == b {
		j++
	}
	return j - i
}

func (c *Cleaner) top() *frame {
	if len(c.stack) == 0 {
		return nil
	}
	return &c.stack[len(c.stack)-1]
}

func (c *Cleaner) topIs(kind uint8) bool {
	return len(c.stack) > 0 && c.stack[len(c.stack)-1].kind == kind
}

// maxDepth bounds the nesting of constructs. Articles rarely nest more than
// ten deep; the bound keeps hostile input ("[[a|" repeated) linear, as each
// open frame may be rewritten once per enclosing frame. Openers beyond it
// are dropped.
const maxDepth = 40

func (c *Cleaner) push(f frame) {
	if len(c.stack) < maxDepth {
		c.stack = append(c.stack, f)
	}
}

// inline appends the inline-cleaned s to o.
func (c *Cleaner) inline(o, s []byte) []byte {
	c.stack = c.stack[:0]
	c.unclosed = 0
	n := len(s)
	o, i, stop := c.lineStart(o, s, 0)
	for !stop && i < n {
		j := i
		for j < n && !inlineSpecial[s[j]] {
			j++
		}
		o = append(o, s[i:j]...)
		if j == n {
			break
		}
		i = j
		switch s[i] {
		case '\n':
			o = c.endLine(o, s, i)
			o = append(o, '\n')
			o, i, stop = c.lineStart(o, s, i+1)
		case '{':
			k := run(s, i, '{')
			switch {
			case k >= 2:
				c.push(frame{kind: frameTemplate, open: k, braces: k, out: len(o)})
				i += k
			case i+1 < n && s[i+1] == '|':
				i += 2 // "{|" away from a line start: debris of a table
			default:
				o = append(o, '{')
				i++
			}
		case '}':
			k := run(s, i, '}')
			if k < 2 {
				o = append(o, '}')
				i++
				continue
			}
			o = c.closeBraces(o, k)
			i += k
		case '[':
			if i+1 < n && s[i+1] == '[' && (i+2 >= n || s[i+2] != '[') {
				c.push(frame{kind: frameLink, out: len(o)})
				i += 2
				continue
			}
			if m := schemeLen(s[i+1:]); m > 0 {
				// The URL is dropped; what follows it up to ']' is the label.
				j := i + 1 + m
				for j < n && !urlEnd[s[j]] {
					j++
				}
				if j < n && (s[j] == ' ' || s[j] == '\t') {
					j++
				}
				c.push(frame{kind: frameExtLink, out: len(o)})
				i = j
				continue
			}
			o = append(o, '[')
			i++
		case ']':
			switch {
			case c.topIs(frameExtLink):
				c.stack = c.stack[:len(c.stack)-1] // the label stays
				i++
			case i+1 < n && s[i+1] == ']':
				if c.topIs(frameLink) {
					o = c.closeLink(o)
				}
				i += 2 // closes a link, or is debris
			default:
				o = append(o, ']')
				i++
			}
		case '<':
			o, i = c.tag(o, s, i)
		case '&':
			var m int
			if o, m = appendEntity(o, s[i:]); m > 0 {
				i += m
			} else {
				o = append(o, '&')
				i++
			}
		case '_':
			if m := magicWord(s[i:]); m > 0 {
				i += m
			} else {
				o = append(o, '_')
				i++
			}
		case '|':
			if f := c.top(); f != nil && f.kind == frameLink {
				f.pipe = true
			}
			if len(c.stack) == 0 && i+1 < n && (s[i+1] == '}' || s[i+1] == '-') {
				i += 2 // table row or table end outside a table: debris
				continue
			}
			o = append(o, '|')
			i++
		}
	}
	for len(c.stack) > 0 {
		o = c.abandon(o)
	}
	return o
}

// abandon pops the top frame, which was never closed.
func (c *Cleaner) abandon(o []byte) []byte {
	f := c.stack[len(c.stack)-1]
	c.stack = c.stack[:len(c.stack)-1]
	switch f.kind {
	case frameLink:
		// Resolve it as if closed: "[[a|b" reads as "b", and an unclosed
		// file link, caption and all, is dropped.
		return resolveLink(o, f.out)
	case frameTable:
		// Keep the rows, which the paragraph pass drops, and what follows
		// them, but not the attributes on the "{|" line.
		e := bytes.IndexByte(o[f.out:], '\n')
		if e < 0 {
			return o[:f.out]
		}
		return append(o[:f.out], o[f.out+e:]...)
	}
	return o
}

// endLine runs at each line break: external links cannot span lines, and a
// link ends at a line break before its '|' or at a blank line.
func (c *Cleaner) endLine(o, s []byte, i int) []byte {
	for len(c.stack) > 0 {
		f := &c.stack[len(c.stack)-1]
		switch {
		case f.kind == frameExtLink:
		case f.kind == frameLink && (!f.pipe || blankAhead(s, i+1)):
		default:
			c.dropBrokenLinks()
			return o
		}
		o = c.abandon(o)
	}
	return o
}

// dropBrokenLinks forgets the links, open under some other construct, that
// a line break has just shown to be no links at all: their target would
// span lines. Their "[[" is dropped and their text kept as it is.
func (c *Cleaner) dropBrokenLinks() {
	w := 0
	for _, f := range c.stack {
		if f.kind == frameLink && !f.pipe {
			continue
		}
		c.stack[w] = f
		w++
	}
	c.stack = c.stack[:w]
}

// blankAhead reports whether the line starting at s[i] is blank.
func blankAhead(s []byte, i int) bool {
	for i < len(s) && isSpace(s[i]) {
		i++
	}
	return i == len(s) || s[i] == '\n'
}

// lineStart handles what counts only at the start of a line: a table opening
// or closing, and, outside any construct, a preformatted line (dropped) or a
// heading that ends the article (stop).
func (c *Cleaner) lineStart(o, s []byte, i int) (_ []byte, next int, stop bool) {
	n := len(s)
	k := i
	for k < n && (s[k] == ' ' || s[k] == '\t' || s[k] == ':') {
		k++
	}
	if k+1 < n {
		if s[k] == '{' && s[k+1] == '|' {
			c.push(frame{kind: frameTable, out: len(o)})
			return o, k + 2, false
		}
		if s[k] == '|' && s[k+1] == '}' {
			t := len(c.stack) - 1
			for t >= 0 && (c.stack[t].kind == frameLink || c.stack[t].kind == frameExtLink) {
				t--
			}
			if t >= 0 && c.stack[t].kind == frameTable {
				o = o[:c.stack[t].out]
				c.stack = c.stack[:t]
				return o, k + 2, false
			}
		}
	}
	if len(c.stack) > 0 || i >= n {
		return o, i, false
	}
	switch s[i] {
	case ' ':
		return o, skipPreformatted(s, i), false
	case '=':
		e := bytes.IndexByte(s[i:], '\n')
		if e < 0 {
			e = n - i
		}
		if c.isDropHeading(s[i : i+e]) {
			return o, n, true
		}
	}
	return o, i, false
}

// skipPreformatted returns the end of the line at s[i], skipping comments
// that may hide line breaks.
func skipPreformatted(s []byte, i int) int {
	for i < len(s) && s[i] != '\n' {
		if s[i] == '<' && hasPrefix(s[i:], "<!--") {
			e := indexString(s[i+4:], "-->")
			if e < 0 {
				return len(s)
			}
			i += 4 + e + 3
			continue
		}
		i++
	}
	return i
}

// closeBraces matches a run of k closing braces against open templates.
// Links, external links and tables still open inside a template close with
// it. Braces that match nothing are dropped.
func (c *Cleaner) closeBraces(o []byte, k int) []byte {
	for k >= 2 {
		t := len(c.stack) - 1
		for t >= 0 && c.stack[t].kind != frameTemplate {
			t--
		}
		if t < 0 {
			return o
		}
		c.stack = c.stack[:t+1]
		f := &c.stack[t]
		m := 2
		if f.braces >= 3 && k >= 3 {
			m = 3
		}
		f.braces -= m
		k -= m
		if f.braces >= 2 {
			// "{{{{a}} b}}": an inner template closed, the outer goes on.
			o = o[:f.out]
			continue
		}
		g := *f
		c.stack = c.stack[:t]
		o = c.closeTemplate(o, g)
	}
	return o
}

func (c *Cleaner) closeLink(o []byte) []byte {
	f := c.stack[len(c.stack)-1]
	c.stack = c.stack[:len(c.stack)-1]
	return resolveLink(o, f.out)
}

// tag handles the '<' at s[i]: comments, tags and stray brackets.
func (c *Cleaner) tag(o, s []byte, i int) ([]byte, int) {
	n := len(s)
	if hasPrefix(s[i:], "<!--") {
		e := indexString(s[i+4:], "-->")
		if e < 0 {
			return o, n // an unterminated comment hides the rest
		}
		j := i + 4 + e + 3
		// A comment alone on its line takes its line break with it, so it
		// does not split the paragraph around it.
		if l := len(o); l > 0 && o[l-1] == '\n' && (len(c.stack) == 0 || c.stack[len(c.stack)-1].out < l) {
			k := j
			for k < n && isSpace(s[k]) {
				k++
			}
			if k < n && s[k] == '\n' {
				return o[:l-1], k
			}
		}
		return o, j
	}
	j := i + 1
	closing := j < n && s[j] == '/'
	if closing {
		j++
	}
	m := tagName(s[j:])
	if m == 0 {
		if closing {
			return o, j // "</" that closes nothing
		}
		return append(o, '<'), i + 1
	}
	name := s[j : j+m]
	info, known := lookupTag(name)
	j += m
	k := j
	for k < n && s[k] != '>' && s[k] != '<' {
		k++
	}
	if k == n || s[k] == '<' {
		// No '>': a broken tag. Drop its name if the tag is one we know.
		if known || closing || isRefName(name) {
			return o, j
		}
		return append(o, '<'), i + 1
	}
	end := k + 1
	if !known {
		if closing || isRefName(name) {
			return o, end
		}
		return append(o, '<'), i + 1 // "<String>": text, as MediaWiki shows it
	}
	switch info.kind {
	case tagBreak:
		o = append(o, ' ')
	case tagBlock:
		o = append(o, "\n\n"...)
	}
	if info.kind == tagOpaque && !closing && s[k-1] != '/' {
		bit := uint64(1) << info.id
		if c.unclosed&bit == 0 {
			if e := findClose(s, end, name); e >= 0 {
				return o, e
			}
			c.unclosed |= bit
		}
		// Never closed: MediaWiki shows the tag as text; only the tag goes.
	}
	return o, end
}

// magicWord returns the length of the behaviour switch ("__NOTOC__") at the
// start of s, or 0.
func magicWord(s []byte) int {
	if len(s) < 5 || s[0] != '_' || s[1] != '_' {
		return 0
	}
	j := 2
	for j < len(s) && s[j] >= 'A' && s[j] <= 'Z' {
		j++
	}
	if j == 2 || j+1 >= len(s) || s[j] != '_' || s[j+1] != '_' {
		return 0
	}
	return j + 2
}
