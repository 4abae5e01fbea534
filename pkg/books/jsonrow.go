package books

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"unicode/utf16"
	"unicode/utf8"
)

// A JSON Lines book is one long string in a small object. encoding/json
// validates a line, then decodes it, then decodes the field again from a
// RawMessage; this parser does all of it in one pass, skipping string
// contents eight bytes at a time, and leaves invalid UTF-8 in the text as it
// was (encoding/json would turn it into U+FFFD), so that Clean repairs and
// counts it as for any other source. It accepts exactly the lines that
// encoding/json accepts into a map[string]json.RawMessage: an object, with
// white space around it, nested no deeper than 10000 (or null, an object
// without fields).

// jsonField is what a line holds under one name.
type jsonField struct {
	kind  byte   // 0: absent, 'n': null, 's': string, 'o': another type
	value []byte // the decoded string, for kind 's'
	what  string // the JSON type, for kind 'o': "number", "object", ...
}

const maxJSONDepth = 10000 // as encoding/json

var errJSONEnd = errors.New("unexpected end of JSON input")

// parseRow parses one line holding a JSON object and returns the fields
// named text and title (title may be "" for none). Later duplicates of a
// name win, as in encoding/json.
func parseRow(line []byte, text, title string) (tf, hf jsonField, err error) {
	p := jsonParser{b: line, depth: 1}
	p.ws()
	if p.i >= len(p.b) {
		return tf, hf, errJSONEnd
	}
	switch p.b[p.i] {
	case 'n':
		// encoding/json decodes null into a map as no map at all.
		err = p.literal("null")
	case '{':
		p.i++
		p.ws()
		if p.i < len(p.b) && p.b[p.i] == '}' {
			p.i++
			break
		}
		err = p.members(text, title, &tf, &hf)
	default:
		err = p.errorf("want a JSON object")
	}
	if err != nil {
		return tf, hf, err
	}
	p.ws()
	if p.i < len(p.b) {
		return tf, hf, p.errorf("after the object")
	}
	return tf, hf, nil
}

// members reads the members of the top-level object up to its '}',
// keeping the fields named text and title in tf and hf.
func (p *jsonParser) members(text, title string, tf, hf *jsonField) error {
	var key []byte
	for {
		if p.i >= len(p.b) {
			return errJSONEnd
		}
		if p.b[p.i] != '"' {
			return p.errorf("want a field name")
		}
		var err error
		if key, err = p.str(key[:0], true); err != nil {
			return err
		}
		if err := p.colon(); err != nil {
			return err
		}
		isText, isTitle := string(key) == text, title != "" && string(key) == title
		if isText || isTitle {
			f, err := p.field()
			if err != nil {
				return err
			}
			if isText {
				*tf = f
			}
			if isTitle {
				*hf = f
			}
		} else if err := p.value(); err != nil {
			return err
		}
		if done, err := p.next('}'); err != nil || done {
			return err
		}
	}
}

// jsonParser validates and decodes JSON in b from offset i.
type jsonParser struct {
	b     []byte
	i     int
	depth int
}

func (p *jsonParser) errorf(context string) error {
	if p.i >= len(p.b) {
		return errJSONEnd
	}
	return fmt.Errorf("invalid character %q at byte %d: %s", p.b[p.i], p.i+1, context)
}

func (p *jsonParser) ws() {
	for p.i < len(p.b) {
		switch p.b[p.i] {
		case ' ', '\t', '\n', '\r':
			p.i++
		default:
			return
		}
	}
}

// colon reads the ':' after a field name.
func (p *jsonParser) colon() error {
	p.ws()
	if p.i >= len(p.b) || p.b[p.i] != ':' {
		return p.errorf("want ':' after a field name")
	}
	p.i++
	p.ws()
	return nil
}

// next reads the ',' or the closing end after a member; done reports end.
func (p *jsonParser) next(end byte) (done bool, err error) {
	p.ws()
	if p.i >= len(p.b) {
		return false, errJSONEnd
	}
	switch p.b[p.i] {
	case ',':
		p.i++
		p.ws()
		return false, nil
	case end:
		p.i++
		return true, nil
	}
	return false, p.errorf("want ',' or '" + string(end) + "'")
}

// field reads a value that is wanted: a string is decoded, other values are
// checked and named.
func (p *jsonParser) field() (jsonField, error) {
	if p.i >= len(p.b) {
		return jsonField{}, errJSONEnd
	}
	switch c := p.b[p.i]; {
	case c == '"':
		s, err := p.str(nil, true)
		return jsonField{kind: 's', value: s}, err
	case c == 'n':
		return jsonField{kind: 'n'}, p.value()
	case c == '{':
		return jsonField{kind: 'o', what: "object"}, p.value()
	case c == '[':
		return jsonField{kind: 'o', what: "array"}, p.value()
	case c == 't' || c == 'f':
		return jsonField{kind: 'o', what: "boolean"}, p.value()
	}
	return jsonField{kind: 'o', what: "number"}, p.value()
}

// value checks one value and moves past it.
func (p *jsonParser) value() error {
	if p.i >= len(p.b) {
		return errJSONEnd
	}
	switch c := p.b[p.i]; {
	case c == '"':
		_, err := p.str(nil, false)
		return err
	case c == '{':
		return p.composite('}')
	case c == '[':
		return p.composite(']')
	case c == 't':
		return p.literal("true")
	case c == 'f':
		return p.literal("false")
	case c == 'n':
		return p.literal("null")
	case c == '-' || '0' <= c && c <= '9':
		return p.number()
	}
	return p.errorf("want a value")
}

// composite checks an object (end '}') or array (end ']').
func (p *jsonParser) composite(end byte) error {
	if p.depth++; p.depth > maxJSONDepth {
		return p.errorf("nested too deep")
	}
	defer func() { p.depth-- }()
	p.i++
	p.ws()
	if p.i < len(p.b) && p.b[p.i] == end {
		p.i++
		return nil
	}
	for {
		if end == '}' {
			if p.i >= len(p.b) {
				return errJSONEnd
			}
			if p.b[p.i] != '"' {
				return p.errorf("want a field name")
			}
			if _, err := p.str(nil, false); err != nil {
				return err
			}
			if err := p.colon(); err != nil {
				return err
			}
		}
		if err := p.value(); err != nil {
			return err
		}
		if done, err := p.next(end); err != nil || done {
			return err
		}
	}
}

func (p *jsonParser) literal(word string) error {
	if !bytes.HasPrefix(p.b[p.i:], []byte(word)) {
		if bytes.HasPrefix([]byte(word), p.b[p.i:]) {
			return errJSONEnd
		}
		return p.errorf("want " + word)
	}
	p.i += len(word)
	return nil
}

// number checks -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?.
func (p *jsonParser) number() error {
	b := p.b
	if p.i < len(b) && b[p.i] == '-' {
		p.i++
	}
	if p.i >= len(b) {
		return errJSONEnd
	}
	switch {
	case b[p.i] == '0':
		p.i++
	case '1' <= b[p.i] && b[p.i] <= '9':
		p.digits()
	default:
		return p.errorf("want a digit")
	}
	if p.i < len(b) && b[p.i] == '.' {
		p.i++
		if err := p.someDigits(); err != nil {
			return err
		}
	}
	if p.i < len(b) && (b[p.i] == 'e' || b[p.i] == 'E') {
		p.i++
		if p.i < len(b) && (b[p.i] == '+' || b[p.i] == '-') {
			p.i++
		}
		if err := p.someDigits(); err != nil {
			return err
		}
	}
	return nil
}

func (p *jsonParser) digits() {
	for p.i < len(p.b) && '0' <= p.b[p.i] && p.b[p.i] <= '9' {
		p.i++
	}
}

func (p *jsonParser) someDigits() error {
	if p.i >= len(p.b) {
		return errJSONEnd
	}
	if p.b[p.i] < '0' || p.b[p.i] > '9' {
		return p.errorf("want a digit")
	}
	p.digits()
	return nil
}

// quiet8 reports whether none of the 8 bytes in x is '"', '\\' or a
// control character, the bytes that end a run of plain string content. It
// can report a byte that is not there, never miss one.
func quiet8(x uint64) bool {
	q := x ^ '"'*ones
	s := x ^ '\\'*ones
	return ((x-0x20*ones)&^x|(q-ones)&^q|(s-ones)&^s)&highs == 0
}

// str reads the string at b[i] == '"'. If decode, it appends the string's
// value to dst and returns it; invalid UTF-8 is kept as it is.
func (p *jsonParser) str(dst []byte, decode bool) ([]byte, error) {
	b := p.b
	p.i++
	for {
		start := p.i
		for p.i+8 <= len(b) && quiet8(binary.LittleEndian.Uint64(b[p.i:])) {
			p.i += 8
		}
		for p.i < len(b) && b[p.i] != '"' && b[p.i] != '\\' && b[p.i] >= 0x20 {
			p.i++
		}
		if decode {
			dst = append(dst, b[start:p.i]...)
		}
		if p.i >= len(b) {
			return dst, errJSONEnd
		}
		switch c := b[p.i]; {
		case c == '"':
			p.i++
			return dst, nil
		case c < 0x20:
			return dst, p.errorf("control character in string")
		}
		// A backslash escape.
		if p.i+1 >= len(b) {
			return dst, errJSONEnd
		}
		p.i++
		var r rune
		switch b[p.i] {
		case '"', '\\', '/':
			r = rune(b[p.i])
		case 'b':
			r = '\b'
		case 'f':
			r = '\f'
		case 'n':
			r = '\n'
		case 'r':
			r = '\r'
		case 't':
			r = '\t'
		case 'u':
			var err error
			if r, err = p.hex4(p.i + 1); err != nil {
				return dst, err
			}
			p.i += 4
			if utf16.IsSurrogate(r) {
				// A pair counts only if complete; else U+FFFD for this half.
				r2, err := p.hex4(p.i + 3)
				if p.i+2 < len(b) && b[p.i+1] == '\\' && b[p.i+2] == 'u' && err == nil {
					if rr := utf16.DecodeRune(r, r2); rr != utf8.RuneError {
						r = rr
						p.i += 6
					} else {
						r = utf8.RuneError
					}
				} else {
					r = utf8.RuneError
				}
			}
		default:
			return dst, p.errorf("invalid escape in string")
		}
		p.i++
		if decode {
			dst = utf8.AppendRune(dst, r)
		}
	}
}

// hex4 returns the four hex digits at b[at:], as encoding/json requires
// after "\u".
func (p *jsonParser) hex4(at int) (rune, error) {
	var r rune
	for k := at; k < at+4; k++ {
		if k >= len(p.b) {
			return 0, errJSONEnd
		}
		c := p.b[k]
		switch {
		case '0' <= c && c <= '9':
			c -= '0'
		case 'a' <= c && c <= 'f':
			c -= 'a' - 10
		case 'A' <= c && c <= 'F':
			c -= 'A' - 10
		default:
			q := jsonParser{b: p.b, i: k}
			return 0, q.errorf(`want a hex digit in \u escape`)
		}
		r = r<<4 | rune(c)
	}
	return r, nil
}
