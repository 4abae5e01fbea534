package bz2

import (
	"encoding/binary"
	"fmt"
	"io"
)

const (
	blockMagic = 0x314159265359 // BCD pi: a compressed block follows
	endMagic   = 0x177245385090 // BCD sqrt(pi): the stream's combined CRC follows
	readSize   = 64 << 10       // bytes asked of the underlying reader at a time
	inputPad   = 8              // zero bytes appended to the input at EOF
)

// Reader states: what Read does next.
const (
	stateHeader = iota // read the first stream's header
	stateBlock         // read a block or end-of-stream marker
	stateOutput        // emit the decoded block
	stateDone          // nothing: the input ended or was bad
)

// A Reader decompresses bzip2 data: one or more concatenated bzip2 streams, as
// written by bzip2, pbzip2 and lbzip2 and as in Wikipedia's multistream
// dumps. It checks every block's and stream's CRC and reports bad input as a
// *FormatError. Trailing bytes after the last stream are an error (ErrMagic),
// as in compress/bzip2.
//
// A Reader holds about 9 MB of buffers once it has decoded a level-9 block
// (1 MB for level 1); Reset reuses them for another input. It starts no
// goroutines. A Reader is not safe for concurrent use.
type Reader struct {
	r     io.Reader
	err   error // sticky: returned by every later Read
	ioErr error // error other than io.EOF from r, reported when its data runs out

	// Compressed input. buf[pos:end] is unread; once r is exhausted (eof),
	// buf[end:] holds inputPad zero bytes so that bit refills need no bounds
	// logic, and a read that consumes them is caught as truncation.
	buf   []byte
	pos   int
	end   int
	eof   bool
	base  int64  // input offset of buf[0]
	bits  uint64 // bit buffer, next bit in the most significant position
	nbits uint   // valid bits in bits

	state     int
	blockSize int    // this stream's largest block: 100k × level
	streamCRC uint32 // combined CRC of the stream's blocks so far

	// The block being decoded and emitted.
	blockCRC uint32   // CRC stored in the block header
	crc      uint32   // CRC of the block's bytes emitted so far
	ev       []uint32 // the block's BWT output (last column) as runs: count<<8 | byte
	ll       []byte   // the block's text
	tt       []uint32 // inverse BWT forward: next row << 8 | first byte of row
	walk     []byte   // the text in arcs, as walked (see inverseBWT)
	arcs     arcState
	text     []byte // the block's text still to emit, before the final run-length step
	last     int32  // previous byte of the final run-length step, or -1
	same     int32  // bytes equal to last seen in a row, minus one (0..3)
	rep      int    // copies of byte(last) still to emit
	quirks   uint8  // quirk* flags, for tests that compare with compress/bzip2

	sel    []uint8 // table selector of each group of 50 symbols
	tables [maxTables]huffTable
}

// Quirks: inputs on which this package and compress/bzip2 may legitimately
// disagree. No bzip2 encoder produces them; tests use the flags to tell such
// inputs from bugs.
const (
	// quirkCode: a Huffman table whose code lengths are not a complete prefix
	// code. This package assigns codes as the reference bzip2 does (in order of
	// length, then symbol, from zero); compress/bzip2 assigns them from the
	// other end, skips unused tree levels and rejects some such tables.
	quirkCode = 1 << iota
	// quirkZeroRun: a run-length byte of 0 directly followed by the run's byte
	// again. The reference bzip2 starts a new run there, as this package does;
	// compress/bzip2 counts the following bytes as continuing the old run.
	quirkZeroRun
)

// NewReader returns a Reader that decompresses r. It reads r in chunks of
// 64 KiB and may read past the end of the bzip2 data.
func NewReader(r io.Reader) *Reader {
	z := new(Reader)
	z.Reset(r)
	return z
}

// Reset makes z decompress r from its start, as a new Reader would, keeping
// z's buffers.
func (z *Reader) Reset(r io.Reader) {
	*z = Reader{
		r:      r,
		buf:    z.buf[:0],
		ll:     z.ll,
		ev:     z.ev,
		tt:     z.tt,
		walk:   z.walk,
		arcs:   z.arcs,
		sel:    z.sel,
		tables: z.tables,
		last:   -1,
	}
}

// Read reads up to len(p) decompressed bytes into p. At the end of the last
// stream it returns io.EOF. A block's bytes are returned before its CRC is
// checked, so they may be followed by an ErrChecksum error.
func (z *Reader) Read(p []byte) (int, error) {
	for z.err == nil {
		switch z.state {
		case stateOutput:
			if len(p) == 0 {
				return 0, nil
			}
			n := z.emit(p)
			if n > 0 {
				z.crc = updateCRC(z.crc, p[:n])
				return n, nil
			}
			z.endBlock()
		case stateBlock:
			z.nextBlock()
		case stateHeader:
			z.streamHeader()
		}
	}
	return 0, z.err
}

// WriteTo writes all the decompressed data to w, for io.Copy.
func (z *Reader) WriteTo(w io.Writer) (int64, error) {
	buf := make([]byte, 256<<10)
	var total int64
	for {
		n, err := z.Read(buf)
		if n > 0 {
			m, werr := w.Write(buf[:n])
			total += int64(m)
			if werr != nil {
				return total, werr
			}
		}
		if err == io.EOF {
			return total, nil
		}
		if err != nil {
			return total, err
		}
	}
}

// fail records the first error; kind is ErrMagic, ErrHeader, ErrData or
// ErrChecksum. When the input was truncated before the point of failure, the
// error is io.ErrUnexpectedEOF instead, whatever the zero padding decoded to.
func (z *Reader) fail(kind error, format string, args ...any) {
	z.failAt(z.offset(), kind, format, args...)
}

// failAt is fail for a problem found at input offset off.
func (z *Reader) failAt(off int64, kind error, format string, args ...any) {
	if z.err != nil {
		return
	}
	if z.overrun() {
		z.truncated()
		return
	}
	z.state = stateDone
	z.err = &FormatError{Offset: off, Err: kind, Detail: fmt.Sprintf(format, args...)}
}

// truncated records that the input ended inside a stream.
func (z *Reader) truncated() {
	if z.err != nil {
		return
	}
	z.state = stateDone
	if z.ioErr != nil {
		z.err = fmt.Errorf("bz2: reading compressed input at offset %d: %w", z.base+int64(z.end), z.ioErr)
		return
	}
	z.err = &FormatError{Offset: z.base + int64(z.end), Err: io.ErrUnexpectedEOF}
}

// offset returns the input offset of the byte holding the next unread bit.
func (z *Reader) offset() int64 {
	return z.base + int64(z.pos) - int64(z.nbits+7)/8
}

// overrun reports whether more bits were consumed than the input holds.
func (z *Reader) overrun() bool {
	return z.eof && 8*z.pos-int(z.nbits) > 8*z.end
}

// fill moves the unread input to the front of buf and reads more from z.r,
// until at least 8 bytes are unread or z.r is exhausted; then it appends the
// zero padding.
func (z *Reader) fill() {
	if z.eof {
		return
	}
	if cap(z.buf) < readSize+inputPad {
		nb := make([]byte, 0, readSize+inputPad)
		z.buf = append(nb, z.buf[z.pos:]...)
	} else {
		z.buf = z.buf[:copy(z.buf[:cap(z.buf)], z.buf[z.pos:])]
	}
	z.base += int64(z.pos)
	z.pos = 0
	for empty := 0; len(z.buf) < 8; {
		n, err := z.r.Read(z.buf[len(z.buf) : cap(z.buf)-inputPad])
		z.buf = z.buf[:len(z.buf)+n]
		if err != nil {
			if err != io.EOF {
				z.ioErr = err
			}
			z.eof = true
			break
		}
		if n == 0 {
			if empty++; empty >= 100 {
				z.ioErr = io.ErrNoProgress
				z.eof = true
				break
			}
		}
	}
	z.end = len(z.buf)
	if z.eof {
		z.buf = z.buf[:z.end+inputPad]
		clear(z.buf[z.end:])
	}
}

// refill tops up the bit buffer to at least 56 bits. It returns false if the
// input is exhausted, including its zero padding.
func (z *Reader) refill() bool {
	if z.pos+8 > len(z.buf) {
		z.fill()
		if z.pos+8 > len(z.buf) {
			return false
		}
	}
	z.bits |= binary.BigEndian.Uint64(z.buf[z.pos:]) >> z.nbits
	z.pos += int(63-z.nbits) >> 3
	z.nbits |= 56
	return true
}

// readBits returns the next n bits, n <= 32, most significant first. At the
// end of the input it records io.ErrUnexpectedEOF and returns false.
func (z *Reader) readBits(n uint) (uint32, bool) {
	if z.nbits < n && !z.refill() {
		z.truncated()
		return 0, false
	}
	v := uint32(z.bits >> (64 - n))
	z.bits <<= n
	z.nbits -= n
	if z.overrun() {
		z.truncated()
		return 0, false
	}
	return v, true
}

// streamHeader reads the first stream's header.
func (z *Reader) streamHeader() {
	z.header("not bzip2 data")
}

// header reads a stream header: "BZh" and a level digit, which sets the
// block size. It reads byte by byte, so that a short input that is not bzip2
// data is reported as such, not as truncated.
func (z *Reader) header(notBzip2 string) {
	start := z.offset()
	var got []byte
	for i := range 4 {
		c, ok := z.readBits(8)
		if !ok {
			return
		}
		got = append(got, byte(c))
		if i < 3 && byte(c) != "BZh"[i] {
			z.failAt(start, ErrMagic, "%s: %q", notBzip2, got)
			return
		}
	}
	level := got[3]
	if level < '1' || level > '9' {
		z.failAt(start, ErrMagic, "invalid block size level %q", level)
		return
	}
	z.blockSize = int(level-'0') * 100 * 1000
	z.streamCRC = 0
	z.state = stateBlock
}

// nextBlock reads a block marker and decodes the block, or reads an
// end-of-stream marker, checks the stream CRC and looks for another stream.
func (z *Reader) nextBlock() {
	start := z.offset()
	hi, ok := z.readBits(24)
	if !ok {
		return
	}
	lo, ok := z.readBits(24)
	if !ok {
		return
	}
	switch uint64(hi)<<24 | uint64(lo) {
	case blockMagic:
		if z.decodeBlock() {
			z.state = stateOutput
		}
	case endMagic:
		want, ok := z.readBits(32)
		if !ok {
			return
		}
		if want != z.streamCRC {
			z.fail(ErrChecksum, "stream CRC 0x%08x, computed 0x%08x", want, z.streamCRC)
			return
		}
		z.nextStream()
	default:
		z.failAt(start, ErrMagic, "no block or end-of-stream marker: 0x%012x", uint64(hi)<<24|uint64(lo))
	}
}

// nextStream skips the padding after a stream and, unless the input ends
// there, reads the next stream's header.
func (z *Reader) nextStream() {
	z.bits <<= z.nbits & 7
	z.nbits &^= 7
	if 8*z.pos-int(z.nbits) >= 8*z.end { // no unread input left
		z.fill()
		if 8*z.pos-int(z.nbits) >= 8*z.end {
			if z.ioErr != nil {
				z.truncated() // the input may go on, but cannot be read
				return
			}
			z.state = stateDone
			z.err = io.EOF
			return
		}
	}
	z.header("trailing data after bzip2 stream")
}

// endBlock checks the CRC of a fully emitted block.
func (z *Reader) endBlock() {
	if z.crc != z.blockCRC {
		z.fail(ErrChecksum, "block CRC 0x%08x, computed 0x%08x", z.blockCRC, z.crc)
		return
	}
	z.streamCRC = (z.streamCRC<<1 | z.streamCRC>>31) ^ z.blockCRC
	z.state = stateBlock
}
