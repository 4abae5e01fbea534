package wikidump

import (
	"errors"
	"strconv"
)

// Kinds of malformed input. A *SyntaxError wraps one of these, or
// io.ErrUnexpectedEOF when the input ends inside the export, so callers can
// test for them with errors.Is.
var (
	ErrEmpty     = errors.New("empty input")
	ErrNotExport = errors.New("not a MediaWiki export")
	ErrMalformed = errors.New("malformed XML")
	ErrNoTitle   = errors.New("page without <title>")
	ErrBadNumber = errors.New("bad number")
	ErrBadEntity = errors.New("invalid entity")
)

// ErrBadIndex is wrapped by ReadIndex errors about a malformed index line.
var ErrBadIndex = errors.New("bad entry")

// A SyntaxError reports malformed export XML: where it was found, in which
// page, and what was wrong. Offset counts bytes of XML (after decompression)
// from the start of the input; for a truncated input it is the input's length.
type SyntaxError struct {
	Offset int64  // byte offset of the offending markup, text or entity
	Page   string // title of the page being read, if known
	Err    error  // ErrMalformed, io.ErrUnexpectedEOF, ... with details
}

// Error returns the error on one line, with any input bytes quoted.
func (e *SyntaxError) Error() string {
	s := "wikidump: offset " + strconv.FormatInt(e.Offset, 10)
	if e.Page != "" {
		s += ", page " + strconv.Quote(e.Page)
	}
	return s + ": " + e.Err.Error()
}

// Unwrap returns the underlying error kind.
func (e *SyntaxError) Unwrap() error { return e.Err }
