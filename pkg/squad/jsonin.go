package squad

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"
)

// ParseError is a problem at a place in a file this package reads: bad
// JSON, a missing or mistyped field, or a value the format forbids.
type ParseError struct {
	File   string // the name given to the reader
	Line   int    // 1-based line of the offending value
	Column int    // 1-based byte column
	Path   string // JSON path of the value, as data[3].paragraphs[0].qas[7].id
	Err    error
}

// Error returns "file:line:column: path: problem".
func (e *ParseError) Error() string {
	s := fmt.Sprintf("%s:%d:%d: ", e.File, e.Line, e.Column)
	if e.Path != "" {
		s += e.Path + ": "
	}
	return s + e.Err.Error()
}

// Unwrap returns the problem.
func (e *ParseError) Unwrap() error { return e.Err }

// decoder reads a JSON document token by token (encoding/json's Token), so
// that every value's byte offset, and with it its line, is known, and
// checks each value's type against what the format wants.
type decoder struct {
	name string
	data []byte
	dec  *json.Decoder
	path []string // segments of the JSON path of the value being read
	nl   []int    // offsets of the newlines in data, made on first use
}

func newDecoder(name string, data []byte) (*decoder, error) {
	d := &decoder{name: name, data: data}
	if !utf8.Valid(data) {
		off := 0
		for off < len(data) {
			r, n := utf8.DecodeRune(data[off:])
			if r == utf8.RuneError && n <= 1 {
				break
			}
			off += n
		}
		return nil, d.errAt(off, "invalid UTF-8")
	}
	// The scanner behind json.Unmarshal points at the offending byte, which
	// the token reader does not, so the syntax is checked first.
	if !json.Valid(data) {
		err := json.Unmarshal(data, new(json.RawMessage))
		var se *json.SyntaxError
		switch {
		case len(bytes.TrimSpace(data)) == 0:
			return nil, d.errAt(len(data), "empty file")
		case errors.As(err, &se) && !strings.Contains(se.Error(), "unexpected end"):
			return nil, d.errAt(int(se.Offset)-1, "bad JSON: %s", strings.TrimPrefix(se.Error(), "json: "))
		}
		return nil, d.errAt(len(data), "unexpected end of file (truncated JSON)")
	}
	d.dec = json.NewDecoder(bytes.NewReader(data))
	d.dec.UseNumber()
	return d, nil
}

// errAt returns a ParseError for the byte at off.
func (d *decoder) errAt(off int, format string, args ...any) *ParseError {
	off = min(max(off, 0), len(d.data))
	line := d.line(off)
	col := off - (bytes.LastIndexByte(d.data[:off], '\n') + 1) + 1
	return &ParseError{File: d.name, Line: line, Column: col, Path: strings.Join(d.path, ""),
		Err: fmt.Errorf(format, args...)}
}

// line returns the 1-based line of the byte at off.
func (d *decoder) line(off int) int {
	if d.nl == nil {
		d.nl = []int{}
		for i, b := range d.data {
			if b == '\n' {
				d.nl = append(d.nl, i)
			}
		}
	}
	n, _ := slices.BinarySearch(d.nl, off)
	return 1 + n
}

// push and pop maintain the path: push("key") or push(index).
func (d *decoder) pushKey(k string) {
	if len(d.path) > 0 {
		k = "." + k
	}
	d.path = append(d.path, k)
}
func (d *decoder) pushIndex(i int) { d.path = append(d.path, "["+strconv.Itoa(i)+"]") }
func (d *decoder) pop()            { d.path = d.path[:len(d.path)-1] }

// next returns the next token and the offset of its first byte.
func (d *decoder) next() (json.Token, int, error) {
	off := int(d.dec.InputOffset())
	for off < len(d.data) {
		switch d.data[off] {
		case ' ', '\t', '\n', '\r', ',', ':':
			off++
			continue
		}
		break
	}
	tok, err := d.dec.Token()
	if err != nil { // not expected after json.Valid
		return nil, off, d.errAt(off, "%v", err)
	}
	return tok, off, nil
}

// kind names the value a token starts, for type errors.
func kind(tok json.Token) string {
	switch t := tok.(type) {
	case json.Delim:
		if t == '{' {
			return "an object"
		}
		return "an array"
	case string:
		return "a string"
	case json.Number:
		return "a number"
	case bool:
		return strconv.FormatBool(t)
	case nil:
		return "null"
	}
	return fmt.Sprintf("%T", tok)
}

// object reads an object, calling fn with each key and its offset; fn
// must read the value (skip, for keys it does not know). A repeated key is
// an error. object returns the offset of the '{'.
func (d *decoder) object(fn func(key string, off int) error) (int, error) {
	tok, off, err := d.next()
	if err != nil {
		return off, err
	}
	if tok != json.Delim('{') {
		return off, d.errAt(off, "want an object, found %s", kind(tok))
	}
	seen := map[string]bool{}
	for d.dec.More() {
		tok, koff, err := d.next()
		if err != nil {
			return off, err
		}
		key, ok := tok.(string)
		if !ok {
			return off, d.errAt(koff, "want a key, found %s", kind(tok))
		}
		if seen[key] {
			return off, d.errAt(koff, "key %q repeats", key)
		}
		seen[key] = true
		d.pushKey(key)
		if err := fn(key, koff); err != nil {
			return off, err
		}
		d.pop()
	}
	_, _, err = d.next() // '}'
	return off, err
}

// array reads an array, calling fn for each element, which fn must read.
// It returns the offset of the '['.
func (d *decoder) array(fn func(i int) error) (int, error) {
	tok, off, err := d.next()
	if err != nil {
		return off, err
	}
	if tok != json.Delim('[') {
		return off, d.errAt(off, "want an array, found %s", kind(tok))
	}
	for i := 0; d.dec.More(); i++ {
		d.pushIndex(i)
		if err := fn(i); err != nil {
			return off, err
		}
		d.pop()
	}
	_, _, err = d.next() // ']'
	return off, err
}

// str reads a string.
func (d *decoder) str() (string, int, error) {
	tok, off, err := d.next()
	if err != nil {
		return "", off, err
	}
	s, ok := tok.(string)
	if !ok {
		return "", off, d.errAt(off, "want a string, found %s", kind(tok))
	}
	return s, off, nil
}

// integer reads a number without fraction or exponent that fits an int.
func (d *decoder) integer() (int, int, error) {
	tok, off, err := d.next()
	if err != nil {
		return 0, off, err
	}
	n, ok := tok.(json.Number)
	if !ok {
		return 0, off, d.errAt(off, "want an integer, found %s", kind(tok))
	}
	v, err := strconv.Atoi(string(n))
	if err != nil {
		return 0, off, d.errAt(off, "want an integer, found %s", n)
	}
	return v, off, nil
}

// number reads a number as a float64.
func (d *decoder) number() (float64, int, error) {
	tok, off, err := d.next()
	if err != nil {
		return 0, off, err
	}
	n, ok := tok.(json.Number)
	if !ok {
		return 0, off, d.errAt(off, "want a number, found %s", kind(tok))
	}
	v, err := strconv.ParseFloat(string(n), 64)
	if err != nil {
		return 0, off, d.errAt(off, "number %s out of range", n)
	}
	return v, off, nil
}

// boolean reads true or false.
func (d *decoder) boolean() (bool, int, error) {
	tok, off, err := d.next()
	if err != nil {
		return false, off, err
	}
	b, ok := tok.(bool)
	if !ok {
		return false, off, d.errAt(off, "want true or false, found %s", kind(tok))
	}
	return b, off, nil
}

// skip reads one value of any kind.
func (d *decoder) skip() error {
	depth := 0
	for {
		tok, _, err := d.next()
		if err != nil {
			return err
		}
		switch tok {
		case json.Delim('{'), json.Delim('['):
			depth++
		case json.Delim('}'), json.Delim(']'):
			depth--
		}
		if depth == 0 {
			return nil
		}
	}
}

// end checks that nothing but white space follows the document.
func (d *decoder) end() error {
	for off := int(d.dec.InputOffset()); off < len(d.data); off++ {
		switch d.data[off] {
		case ' ', '\t', '\n', '\r':
			continue
		}
		return d.errAt(off, "data after the end of the JSON document")
	}
	return nil
}

// required returns an error at the object at off for each key not seen.
func (d *decoder) required(off int, what string, have map[string]bool, keys ...string) error {
	for _, k := range keys {
		if !have[k] {
			return d.errAt(off, "%s has no %q", what, k)
		}
	}
	return nil
}
