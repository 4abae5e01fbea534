package bz2

import (
	"errors"
	"strconv"
)

// Kinds of bad input. A *FormatError wraps one of these, or
// io.ErrUnexpectedEOF when the input ends inside a stream, so callers can test
// for them with errors.Is.
var (
	// ErrMagic: the input is not bzip2 data where a stream header ("BZh1" to
	// "BZh9"), a block or an end-of-stream marker must start, including
	// trailing bytes after the last stream.
	ErrMagic = errors.New("bad magic")
	// ErrHeader: a block's symbol map, table selectors or Huffman code
	// lengths are invalid.
	ErrHeader = errors.New("bad block header")
	// ErrData: a block's coded data is invalid: an unassigned Huffman code,
	// too few selectors, a block longer than the stream's block size, or an
	// out-of-range BWT origin.
	ErrData = errors.New("corrupt block data")
	// ErrChecksum: a block's or a stream's CRC does not match its data.
	ErrChecksum = errors.New("checksum mismatch")
)

// A FormatError reports bad bzip2 input: where it was found and what was
// wrong. Offset counts bytes of compressed input from the start of the first
// stream; since bzip2 is bit-aligned, it names the byte holding the bit at
// which the problem was detected. For a checksum mismatch that is the end of
// the block or stream; for a truncated input it is the input's length.
type FormatError struct {
	Offset int64  // compressed byte offset at which the problem was found
	Err    error  // ErrMagic, ErrHeader, ErrData, ErrChecksum or io.ErrUnexpectedEOF
	Detail string // what exactly was wrong, e.g. "block CRC 0x1a2b3c4d, computed 0x00ff00ff"
}

// Error returns the error on one line.
func (e *FormatError) Error() string {
	s := "bz2: offset " + strconv.FormatInt(e.Offset, 10) + ": " + e.Err.Error()
	if e.Detail != "" {
		s += ": " + e.Detail
	}
	return s
}

// Unwrap returns the error kind.
func (e *FormatError) Unwrap() error { return e.Err }
