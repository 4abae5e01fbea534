package wikidump

// This file holds the byte-level scanner under Reader: buffer refills, tags,
// character data, entities, CDATA sections, comments and skipped elements.
// Everything works on r.buf[r.pos:r.end]; slices into buf stay valid only
// until the next fill, which may move or replace the buffer.

import (
	"bytes"
	"fmt"
	"io"
	"unicode/utf8"
)

const (
	bufSize   = 256 << 10 // initial read buffer; text longer than this streams through it
	maxTag    = 1 << 20   // longest start or end tag accepted
	maxEntity = 16        // longest entity reference accepted, "&#x0010FFFF;" fits
	snippet   = 24        // input bytes quoted in an error message
)

const cdataOpen = "<![CDATA["

// A token is what the scanner found at the read position.
type token uint8

const (
	tokEOF   token = iota // clean end of input
	tokText               // character data or a CDATA section, not yet consumed
	tokStart              // a start tag, consumed: r.tag, r.tagBytes, r.selfClose
	tokEnd                // an end tag, consumed: r.tag
)

// off returns the input offset of the read position.
func (r *Reader) off() int64 { return r.base + int64(r.pos) }

// fill makes at least n unread bytes available, moving and growing r.buf as
// needed. It reports false when the input ends (or fails) first; r.rerr then
// says why.
func (r *Reader) fill(n int) bool {
	empty := 0
	for r.end-r.pos < n {
		if r.rerr != nil {
			return false
		}
		if r.pos > 0 {
			k := copy(r.buf, r.buf[r.pos:r.end])
			r.base += int64(r.pos)
			r.pos, r.end = 0, k
			r.gen++
		}
		if n > len(r.buf) {
			nb := make([]byte, max(2*len(r.buf), n, bufSize))
			copy(nb, r.buf[:r.end])
			r.buf = nb
			r.gen++
		}
		m, err := r.src.Read(r.buf[r.end:])
		r.end += m
		switch {
		case err != nil:
			r.rerr = err
		case m == 0:
			if empty++; empty >= 100 {
				r.rerr = io.ErrNoProgress
			}
		default:
			empty = 0
		}
	}
	return true
}

// at reports whether the unread input starts with s.
func (r *Reader) at(s string) bool {
	return r.fill(len(s)) && string(r.buf[r.pos:r.pos+len(s)]) == s
}

// readErr returns nil at a clean end of input and the wrapped read error
// otherwise.
func (r *Reader) readErr() error {
	if r.rerr == nil || r.rerr == io.EOF {
		return nil
	}
	return fmt.Errorf("wikidump: read error at offset %d: %w", r.base+int64(r.end), r.rerr)
}

// syntax returns a *SyntaxError at off in the current page.
func (r *Reader) syntax(off int64, err error) error {
	return &SyntaxError{Offset: off, Page: r.title, Err: err}
}

// errEOF reports input that ended inside what, or the read error that ended it.
func (r *Reader) errEOF(what string) error {
	if err := r.readErr(); err != nil {
		return err
	}
	return r.syntax(r.base+int64(r.end), fmt.Errorf("%w inside %s", io.ErrUnexpectedEOF, what))
}

// malformed returns an ErrMalformed *SyntaxError at off.
func (r *Reader) malformed(off int64, format string, args ...any) error {
	return r.syntax(off, fmt.Errorf("%w: "+format, append([]any{ErrMalformed}, args...)...))
}

// quote returns up to snippet bytes of b as a quoted one-line string.
func quote(b []byte) string {
	if len(b) > snippet {
		b = b[:snippet]
	}
	return fmt.Sprintf("%q", b)
}

// next skips comments, processing instructions and DOCTYPE declarations and
// reports what comes next. Character data is left for readText, skipText or
// skipSpace to consume; tags are consumed.
func (r *Reader) next() (token, error) {
	for {
		if r.pos == r.end && !r.fill(1) {
			return tokEOF, r.readErr()
		}
		if r.buf[r.pos] != '<' {
			return tokText, nil
		}
		if !r.fill(2) {
			return tokEOF, r.errEOF("markup")
		}
		var err error
		switch r.buf[r.pos+1] {
		case '/':
			return tokEnd, r.endTag()
		case '?':
			err = r.skipPast(2, "?>", "processing instruction")
		case '!':
			switch {
			case r.at("<!--"):
				err = r.skipPast(4, "-->", "comment")
			case r.at(cdataOpen):
				return tokText, nil
			case r.at("<!DOCTYPE"):
				err = r.skipDoctype()
			case r.rerr != nil && (isPrefix(r.buf[r.pos:r.end], "<!--") ||
				isPrefix(r.buf[r.pos:r.end], cdataOpen) || isPrefix(r.buf[r.pos:r.end], "<!DOCTYPE")):
				return tokEOF, r.errEOF("markup")
			default:
				return tokEOF, r.malformed(r.off(), "unknown markup %s", quote(r.buf[r.pos:r.end]))
			}
		default:
			return tokStart, r.startTag()
		}
		if err != nil {
			return tokEOF, err
		}
	}
}

// tagLen returns the length of the tag at the read position, up to and
// including its '>', loading all of it into the buffer. A '<' outside quotes
// means the tag was never closed.
func (r *Reader) tagLen(quotes bool) (int, error) {
	// Fast path: most tags are whole in the buffer and hold no quotes.
	if i := bytes.IndexByte(r.buf[r.pos+1:r.end], '>'); i >= 0 {
		plain := true
		for _, c := range r.buf[r.pos+1 : r.pos+1+i] {
			if c == '<' || c == '"' || c == '\'' {
				plain = false
				break
			}
		}
		if plain {
			return i + 2, nil
		}
	}
	var q byte
	for i := 1; ; i++ {
		if r.pos+i >= r.end {
			if i >= maxTag {
				return 0, r.malformed(r.off(), "tag %s longer than %d bytes", quote(r.buf[r.pos:r.end]), maxTag)
			}
			if !r.fill(i + 1) {
				return 0, r.errEOF("tag " + quote(r.buf[r.pos:r.end]))
			}
		}
		c := r.buf[r.pos+i]
		switch {
		case q != 0:
			if c == q {
				q = 0
			}
		case c == '>':
			return i + 1, nil
		case c == '<':
			return 0, r.malformed(r.off(), "unterminated tag %s", quote(r.buf[r.pos:r.pos+i]))
		case quotes && (c == '"' || c == '\''):
			q = c
		}
	}
}

// nameLen returns the length of the XML name that b starts with.
func nameLen(b []byte) int {
	for i, c := range b {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '_' || c == ':' || c >= 0x80 ||
			i > 0 && (c >= '0' && c <= '9' || c == '-' || c == '.')) {
			return i
		}
	}
	return len(b)
}

// printable returns an element name for an error message: as it is when
// plain ASCII, quoted otherwise, so that messages stay on one line.
func printable(name []byte) string {
	for _, c := range name {
		if c <= ' ' || c > '~' {
			return quote(name)
		}
	}
	return string(name)
}

// isPrefix reports whether b is a proper prefix of s.
func isPrefix(b []byte, s string) bool { return len(b) < len(s) && s[:len(b)] == string(b) }

func isSpace(c byte) bool { return c == ' ' || c == '\n' || c == '\t' || c == '\r' }

// startTag consumes the start tag at the read position and checks its syntax.
func (r *Reader) startTag() error {
	n, err := r.tagLen(true)
	if err != nil {
		return err
	}
	tag := r.buf[r.pos : r.pos+n]
	r.tagOff = r.off()
	k := 1 + nameLen(tag[1:])
	if k == 1 || !isSpace(tag[k]) && tag[k] != '/' && tag[k] != '>' {
		return r.malformed(r.tagOff, "bad tag %s", quote(tag))
	}
	r.tag, r.tagBytes = tag[1:k], tag
	r.selfClose = tag[n-2] == '/'
	end := n - 1
	if r.selfClose {
		end--
	}
	for i := k; ; {
		for i < end && isSpace(tag[i]) {
			i++
		}
		if i == end {
			break
		}
		_, _, _, next, ok := scanAttr(tag[:end], i)
		if !ok {
			return r.malformed(r.tagOff+int64(i), "bad attribute in tag %s", quote(tag))
		}
		i = next
	}
	r.pos += n
	return nil
}

// scanAttr parses the attribute name="value" (or 'value') starting at b[i]
// and returns the index of its name's end, the bounds of its raw value and
// the index after it.
func scanAttr(b []byte, i int) (nameEnd, valStart, valEnd, next int, ok bool) {
	nameEnd = i + nameLen(b[i:])
	if nameEnd == i {
		return
	}
	j := nameEnd
	for j < len(b) && isSpace(b[j]) {
		j++
	}
	if j == len(b) || b[j] != '=' {
		return
	}
	j++
	for j < len(b) && isSpace(b[j]) {
		j++
	}
	if j == len(b) || b[j] != '"' && b[j] != '\'' {
		return
	}
	k := bytes.IndexByte(b[j+1:], b[j])
	if k < 0 {
		return
	}
	return nameEnd, j + 1, j + 1 + k, j + 2 + k, true
}

// attr returns the decoded value of attribute name in the start tag just
// read, and whether it is present.
func (r *Reader) attr(name string) (string, bool, error) {
	tag := r.tagBytes
	for i := 1 + len(r.tag); i < len(tag); {
		for i < len(tag) && isSpace(tag[i]) {
			i++
		}
		nameEnd, vs, ve, next, ok := scanAttr(tag, i)
		if !ok {
			return "", false, nil // the closing "/>" or ">"; startTag checked the rest
		}
		if string(tag[i:nameEnd]) == name {
			v, bad := decodeEntities(r.attrBuf[:0], tag[vs:ve])
			if bad >= 0 {
				return "", false, r.badEntity(r.tagOff+int64(vs+bad), tag[vs+bad:ve])
			}
			r.attrBuf = v
			return string(v), true, nil
		}
		i = next
	}
	return "", false, nil
}

// endTag consumes the end tag at the read position.
func (r *Reader) endTag() error {
	n, err := r.tagLen(false)
	if err != nil {
		return err
	}
	tag := r.buf[r.pos : r.pos+n]
	r.tagOff = r.off()
	k := 2 + nameLen(tag[2:])
	if k == 2 || len(bytes.TrimLeft(tag[k:n-1], " \t\r\n")) != 0 {
		return r.malformed(r.tagOff, "bad end tag %s", quote(tag))
	}
	r.tag = tag[2:k]
	r.pos += n
	return nil
}

// skipPast consumes the markup at the read position, whose first from bytes
// are known to be present, up to and including delim.
func (r *Reader) skipPast(from int, delim, what string) error {
	r.pos += from
	for {
		if i := bytes.Index(r.buf[r.pos:r.end], []byte(delim)); i >= 0 {
			r.pos += i + len(delim)
			return nil
		}
		if k := r.end - r.pos - (len(delim) - 1); k > 0 {
			r.pos += k
		}
		if !r.fill(len(delim)) {
			return r.errEOF(what)
		}
	}
}

// skipDoctype consumes a <!DOCTYPE ...> declaration, internal subset included.
func (r *Reader) skipDoctype() error {
	r.pos += len("<!DOCTYPE")
	depth := 0
	for {
		if r.pos == r.end && !r.fill(1) {
			return r.errEOF("DOCTYPE")
		}
		c := r.buf[r.pos]
		r.pos++
		switch c {
		case '[':
			depth++
		case ']':
			depth--
		case '>':
			if depth <= 0 {
				return nil
			}
		}
	}
}

// readText appends the character data at the read position to dst, decoding
// entities and CDATA sections and turning CRLF and lone CR into LF, and stops
// at the next tag, comment or end of input.
func (r *Reader) readText(dst []byte) ([]byte, error) {
	r.afterCR = false
	var err error
	for {
		if r.pos == r.end && !r.fill(1) {
			return dst, nil
		}
		if r.buf[r.pos] == '<' {
			if !r.at(cdataOpen) {
				return dst, nil
			}
			if dst, err = r.readCDATA(dst); err != nil {
				return dst, err
			}
			continue
		}
		stop := r.end
		if i := bytes.IndexByte(r.buf[r.pos:r.end], '<'); i >= 0 {
			stop = r.pos + i
		}
		// Newlines need work only if there is a CR: look once, not per entity.
		cr := r.afterCR || bytes.IndexByte(r.buf[r.pos:stop], '\r') >= 0
		for r.pos < stop {
			seg := r.buf[r.pos:stop]
			amp := bytes.IndexByte(seg, '&')
			if amp < 0 {
				amp = len(seg)
			}
			if cr {
				dst = r.appendRaw(dst, seg[:amp])
			} else {
				dst = append(dst, seg[:amp]...)
			}
			if r.pos += amp; r.pos == stop {
				break
			}
			gen := r.gen
			if dst, err = r.entity(dst); err != nil {
				return dst, err
			}
			if r.gen != gen {
				break // the buffer moved: find '<' again
			}
		}
	}
}

// appendRaw appends literal character data to dst, turning CRLF and lone CR
// into LF as XML requires, also across calls.
func (r *Reader) appendRaw(dst, b []byte) []byte {
	if len(b) == 0 {
		return dst
	}
	if r.afterCR {
		r.afterCR = false
		if b[0] == '\n' {
			b = b[1:]
		}
	}
	i := bytes.IndexByte(b, '\r')
	if i < 0 {
		return append(dst, b...)
	}
	for i >= 0 {
		dst = append(dst, b[:i]...)
		dst = append(dst, '\n')
		b = b[i+1:]
		if len(b) == 0 {
			r.afterCR = true
			return dst
		}
		if b[0] == '\n' {
			b = b[1:]
		}
		i = bytes.IndexByte(b, '\r')
	}
	return append(dst, b...)
}

// readCDATA appends the contents of the CDATA section at the read position.
func (r *Reader) readCDATA(dst []byte) ([]byte, error) {
	r.pos += len(cdataOpen)
	for {
		if i := bytes.Index(r.buf[r.pos:r.end], []byte("]]>")); i >= 0 {
			dst = r.appendRaw(dst, r.buf[r.pos:r.pos+i])
			r.pos += i + 3
			return dst, nil
		}
		if k := r.end - r.pos - 2; k > 0 {
			dst = r.appendRaw(dst, r.buf[r.pos:r.pos+k])
			r.pos += k
		}
		if !r.fill(3) {
			return dst, r.errEOF("CDATA section")
		}
	}
}

// entity decodes the entity reference at the read position onto dst.
func (r *Reader) entity(dst []byte) ([]byte, error) {
	r.afterCR = false
	for {
		w := r.buf[r.pos:r.end]
		if len(w) > maxEntity {
			w = w[:maxEntity]
		}
		if i := bytes.IndexByte(w, ';'); i >= 0 {
			out, ok := appendEntity(dst, w[1:i])
			if !ok {
				return dst, r.badEntity(r.off(), w)
			}
			r.pos += i + 1
			return out, nil
		}
		if len(w) == maxEntity {
			return dst, r.badEntity(r.off(), w)
		}
		if !r.fill(len(w) + 1) {
			return dst, r.errEOF("entity " + quote(r.buf[r.pos:r.end]))
		}
	}
}

// badEntity returns an ErrBadEntity *SyntaxError for the reference b starts
// with.
func (r *Reader) badEntity(off int64, b []byte) error {
	if i := bytes.IndexByte(b, ';'); i >= 0 {
		b = b[:i+1]
	}
	if i := bytes.IndexAny(b, "<\n"); i >= 0 {
		b = b[:i]
	}
	return r.syntax(off, fmt.Errorf("%w %s", ErrBadEntity, quote(b)))
}

// appendEntity appends the character that the reference "&name;" stands
// for. It reports false for anything but the five predefined entities and
// character references to valid code points.
func appendEntity(dst, name []byte) ([]byte, bool) {
	switch string(name) {
	case "lt":
		return append(dst, '<'), true
	case "gt":
		return append(dst, '>'), true
	case "amp":
		return append(dst, '&'), true
	case "quot":
		return append(dst, '"'), true
	case "apos":
		return append(dst, '\''), true
	}
	if len(name) < 2 || name[0] != '#' {
		return dst, false
	}
	digits, base := name[1:], rune(10)
	if digits[0] == 'x' {
		digits, base = digits[1:], 16
	}
	if len(digits) == 0 {
		return dst, false
	}
	var v rune
	for _, c := range digits {
		var d rune
		switch {
		case c >= '0' && c <= '9':
			d = rune(c - '0')
		case base == 16 && c >= 'a' && c <= 'f':
			d = rune(c-'a') + 10
		case base == 16 && c >= 'A' && c <= 'F':
			d = rune(c-'A') + 10
		default:
			return dst, false
		}
		if v = v*base + d; v > utf8.MaxRune {
			return dst, false
		}
	}
	if v == 0 || !utf8.ValidRune(v) {
		return dst, false
	}
	return utf8.AppendRune(dst, v), true
}

// decodeEntities appends b to dst with entity references decoded. bad is the
// index in b of the first invalid reference, or -1.
func decodeEntities(dst, b []byte) (out []byte, bad int) {
	for i := 0; ; {
		amp := bytes.IndexByte(b[i:], '&')
		if amp < 0 {
			return append(dst, b[i:]...), -1
		}
		dst = append(dst, b[i:i+amp]...)
		i += amp
		w := b[i:min(len(b), i+maxEntity)]
		semi := bytes.IndexByte(w, ';')
		if semi < 0 {
			return dst, i
		}
		var ok bool
		if dst, ok = appendEntity(dst, w[1:semi]); !ok {
			return dst, i
		}
		i += semi + 1
	}
}

// skipText consumes character data and CDATA sections up to the next markup
// without decoding them.
func (r *Reader) skipText() error {
	for {
		if r.pos == r.end && !r.fill(1) {
			return nil
		}
		i := bytes.IndexByte(r.buf[r.pos:r.end], '<')
		if i < 0 {
			r.pos = r.end
			continue
		}
		r.pos += i
		if !r.at(cdataOpen) {
			return nil
		}
		if err := r.skipPast(len(cdataOpen), "]]>", "CDATA section"); err != nil {
			return err
		}
	}
}

// skipSpace consumes whitespace between elements; any other character data
// there is an error. where says where, as in "inside <page>".
func (r *Reader) skipSpace(where string) error {
	for {
		if r.pos == r.end && !r.fill(1) {
			return nil
		}
		c := r.buf[r.pos]
		if c == '<' {
			if r.at(cdataOpen) {
				return r.malformed(r.off(), "CDATA section %s", where)
			}
			return nil
		}
		if !isSpace(c) {
			b := r.buf[r.pos:r.end]
			if i := bytes.IndexByte(b, '<'); i >= 0 {
				b = b[:i]
			}
			return r.malformed(r.off(), "text %s %s", quote(b), where)
		}
		r.pos++
	}
}

// readLeaf appends the decoded text content of the element whose start tag
// was just read, up to its end tag. Child elements are an error.
func (r *Reader) readLeaf(dst []byte, name string) ([]byte, error) {
	if r.selfClose {
		return dst, nil
	}
	for {
		tok, err := r.next()
		if err != nil {
			return dst, err
		}
		switch tok {
		case tokEOF:
			return dst, r.errEOF("<" + name + ">")
		case tokText:
			if dst, err = r.readText(dst); err != nil {
				return dst, err
			}
		case tokStart:
			return dst, r.malformed(r.tagOff, "<%s> inside <%s>", printable(r.tag), name)
		case tokEnd:
			if string(r.tag) != name {
				return dst, r.malformed(r.tagOff, "</%s> closes <%s>", printable(r.tag), name)
			}
			return dst, nil
		}
	}
}

// skipElement consumes the content and end tag of the element whose start
// tag was just read, checking only that tags nest.
func (r *Reader) skipElement() error {
	if r.selfClose {
		return nil
	}
	r.names = append(r.names[:0], r.tag...)
	r.ends = append(r.ends[:0], len(r.names))
	top := func() []byte {
		start := 0
		if n := len(r.ends); n > 1 {
			start = r.ends[n-2]
		}
		return r.names[start:r.ends[len(r.ends)-1]]
	}
	for len(r.ends) > 0 {
		tok, err := r.next()
		if err != nil {
			return err
		}
		switch tok {
		case tokEOF:
			return r.errEOF("<" + printable(top()) + ">")
		case tokText:
			if err := r.skipText(); err != nil {
				return err
			}
		case tokStart:
			if !r.selfClose {
				r.names = append(r.names, r.tag...)
				r.ends = append(r.ends, len(r.names))
			}
		case tokEnd:
			t := top()
			if !bytes.Equal(r.tag, t) {
				return r.malformed(r.tagOff, "</%s> closes <%s>", printable(r.tag), printable(t))
			}
			r.names = r.names[:len(r.names)-len(t)]
			r.ends = r.ends[:len(r.ends)-1]
		}
	}
	return nil
}
