package wikitext

import (
	"bytes"
	"unicode/utf8"
)

// Options select what survives. The zero value is the default used for BERT
// corpora: prose paragraphs only, without lists, up to the first trailing
// section such as "References".
type Options struct {
	// KeepLists keeps the text of list items (lines starting with *, #, : or
	// ;), each item as a paragraph of its own. By default they are dropped.
	KeepLists bool

	// DropSections names the trailing sections that end the article: from
	// the first heading whose title is one of them (compared
	// case-insensitively, trimmed), everything is dropped. Nil means
	// DefaultDropSections; an empty, non-nil slice keeps every section.
	DropSections []string
}

// DefaultDropSections are the trailing sections cut by default: reference
// apparatus, link farms and lists that hold no running prose.
var DefaultDropSections = []string{
	"References", "External links", "See also", "Notes", "Further reading",
	"Bibliography", "Sources", "Citations", "Footnotes", "Works cited",
	"Notes and references", "References and notes", "Explanatory notes",
	"General references", "Literature", "Gallery", "External sources",
}

// A Cleaner turns wikitext into prose; create one with NewCleaner. It holds
// buffers that are reused from one call to the next, so it is not safe for
// concurrent use: give each goroutine its own.
type Cleaner struct {
	opt       Options
	drop      [][]byte // DropSections as bytes
	dropASCII []bool   // drop[i] is ASCII: compare lengths first

	valid []byte  // src with invalid UTF-8 replaced, when needed
	buf   []byte  // output of the inline pass
	stack []frame // constructs open in the inline pass

	// unclosed has bit id set once an opaque tag (tags[...].id) was found
	// without a closing tag: no later search for it can succeed either, so
	// none is made, which keeps the pass linear.
	unclosed uint64

	name  []byte   // normalised template or heading name
	tmp   []byte   // rendered template
	args  [][]byte // positional template arguments
	named [][]byte // named template arguments, as key, value pairs

	marked bool // the paragraph being written holds a byte of textClass tcMark

	child *Cleaner // re-cleans a paragraph that still looks like markup
	redo  []byte   // child's output
}

// NewCleaner returns a Cleaner with the given options.
func NewCleaner(opt Options) *Cleaner {
	c := &Cleaner{opt: opt}
	drop := opt.DropSections
	if drop == nil {
		drop = DefaultDropSections
	}
	for _, d := range drop {
		if t := bytes.TrimSpace([]byte(d)); len(t) > 0 {
			c.drop = append(c.drop, t)
			c.dropASCII = append(c.dropASCII, isASCII(t))
		}
	}
	return c
}

// Clean appends the prose of the wikitext src to dst and returns it: one
// paragraph per line, each ending in '\n'. The output is valid UTF-8 (each
// invalid input byte becomes U+FFFD) and holds no markup, whatever src is.
// Cleaning the output again, one paragraph at a time, changes nothing.
func (c *Cleaner) Clean(dst, src []byte) []byte {
	return c.clean(dst, src, true)
}

// clean runs both passes. recheck enables the final check of each paragraph
// (see fixParagraph); the child cleaner runs without it.
func (c *Cleaner) clean(dst, src []byte, recheck bool) []byte {
	if !utf8.Valid(src) {
		c.valid = appendValid(c.valid[:0], src)
		src = c.valid
	}
	c.buf = c.inline(c.buf[:0], src)
	return c.paragraphs(dst, c.buf, recheck)
}

// appendValid appends s to dst with each byte that is not part of a valid
// UTF-8 sequence replaced by U+FFFD.
func appendValid(dst, s []byte) []byte {
	for len(s) > 0 {
		if s[0] < utf8.RuneSelf {
			dst = append(dst, s[0])
			s = s[1:]
			continue
		}
		r, n := utf8.DecodeRune(s)
		if r == utf8.RuneError && n == 1 {
			dst = utf8.AppendRune(dst, utf8.RuneError)
		} else {
			dst = append(dst, s[:n]...)
		}
		s = s[n:]
	}
	return dst
}

// isDropHeading reports whether line is a heading ("== Title ==") whose
// title is one of the sections to drop.
func (c *Cleaner) isDropHeading(line []byte) bool {
	line = trimRightSpace(line)
	if len(line) < 2 || line[0] != '=' || line[len(line)-1] != '=' || len(c.drop) == 0 {
		return false
	}
	a, b := 0, 0
	for a < len(line) && line[a] == '=' {
		a++
	}
	if a == len(line) {
		return false
	}
	for line[len(line)-1-b] == '=' {
		b++
	}
	m := min(a, b)
	// The title without emphasis quotes and with white space collapsed.
	t := c.name[:0]
	title := line[m : len(line)-m]
	for i := 0; i < len(title); i++ {
		ch := title[i]
		switch {
		case ch == '\'' && (i+1 < len(title) && title[i+1] == '\'' || i > 0 && title[i-1] == '\''):
			continue
		case isSpace(ch):
			if len(t) > 0 && t[len(t)-1] != ' ' {
				t = append(t, ' ')
			}
			continue
		}
		t = append(t, ch)
	}
	c.name = t
	t = bytes.TrimSpace(t)
	for i, d := range c.drop {
		if c.dropASCII[i] {
			if len(d) == len(t) && equalFoldASCII(d, t) {
				return true
			}
		} else if bytes.EqualFold(t, d) {
			return true
		}
	}
	return false
}
