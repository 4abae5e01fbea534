package bz2

import (
	"bytes"
	"compress/bzip2"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"runtime"
	"strings"
	"testing"
)

// decodeCompare decodes comp, up to limit bytes, with z and with
// compress/bzip2, and returns an error describing how they disagree, if
// they do in a way quirks (see quirkCode) do not explain: this package must
// fail where compress/bzip2 fails and decode the same bytes where it does
// not.
func decodeCompare(z *Reader, comp []byte, limit int64) error {
	z.Reset(bytes.NewReader(comp))
	got, err := io.ReadAll(io.LimitReader(z, limit))
	want, werr := io.ReadAll(io.LimitReader(bzip2.NewReader(bytes.NewReader(comp)), limit))
	if int64(len(got)) == limit || int64(len(want)) == limit {
		// Output cut short: compare what both decoded.
		if err == nil && werr == nil && !bytes.Equal(got[:min(len(got), len(want))], want[:min(len(got), len(want))]) {
			return fmt.Errorf("outputs differ at byte %d", firstDiff(got, want))
		}
		return nil
	}
	if err != nil {
		var fe *FormatError
		if !errors.As(err, &fe) {
			return fmt.Errorf("error is not a *FormatError: %v", err)
		}
	}
	if z.quirks != 0 {
		return nil
	}
	switch {
	case err == nil && werr != nil:
		return fmt.Errorf("decoded %d bytes, compress/bzip2 failed: %v", len(got), werr)
	case err != nil && werr == nil:
		return fmt.Errorf("%v; compress/bzip2 decoded %d bytes", err, len(want))
	case err == nil && !bytes.Equal(got, want):
		return fmt.Errorf("decoded %d bytes, compress/bzip2 %d, first difference at %d", len(got), len(want), firstDiff(got, want))
	}
	return nil
}

// TestTruncated cuts fixtures at many offsets: every cut inside a stream is
// io.ErrUnexpectedEOF, every cut between streams a clean end.
func TestTruncated(t *testing.T) {
	z := NewReader(nil)
	for _, f := range readFixtures(t) {
		// Streams start with "BZh" and a level; a cut right before one is
		// the end of the previous stream.
		boundary := map[int]bool{}
		for i := 1; i+4 <= len(f.comp); i++ {
			if string(f.comp[i:i+3]) == "BZh" && f.comp[i+3] >= '1' && f.comp[i+3] <= '9' {
				boundary[i] = true
			}
		}
		// Every cut of small fixtures; of larger ones, the first and last
		// 64 bytes (headers, the end-of-stream marker and CRC) and 100
		// spread between.
		var cuts []int
		for cut := range len(f.comp) {
			if len(f.comp) <= 500 || cut < 64 || cut >= len(f.comp)-64 || cut%(len(f.comp)/100) == 0 {
				cuts = append(cuts, cut)
			}
		}
		for _, cut := range cuts {
			z.Reset(bytes.NewReader(f.comp[:cut]))
			_, err := io.Copy(io.Discard, z)
			if boundary[cut] {
				if err != nil {
					t.Errorf("%s cut at stream boundary %d: %v", f.name, cut, err)
				}
				continue
			}
			if !errors.Is(err, io.ErrUnexpectedEOF) {
				t.Errorf("%s cut at %d of %d: got %v, want io.ErrUnexpectedEOF", f.name, cut, len(f.comp), err)
				continue
			}
			var fe *FormatError
			if !errors.As(err, &fe) || fe.Offset != int64(cut) {
				t.Errorf("%s cut at %d: error %v, want a *FormatError at offset %d", f.name, cut, err, cut)
			}
			if err := decodeCompare(z, f.comp[:cut], 1<<30); err != nil {
				t.Errorf("%s cut at %d: %v", f.name, cut, err)
			}
		}
	}
}

// TestBitFlips flips bits of fixtures, every bit of the small ones: the
// result must fail as compress/bzip2 fails, or decode to what it decodes to.
// In practice every flip fails, most by a CRC mismatch.
func TestBitFlips(t *testing.T) {
	z := NewReader(nil)
	rng := rand.New(rand.NewPCG(1, 1))
	for _, f := range readFixtures(t) {
		bits := len(f.comp) * 8
		n := bits // every bit of the smallest fixtures, 100 random bits of others
		if bits > 1000 || f.length > 100<<10 {
			n = 100
		}
		if testing.Short() {
			n = min(n, 30)
		}
		failed := 0
		for i := range n {
			bit := i
			if n < bits {
				bit = rng.IntN(bits)
			}
			comp := bytes.Clone(f.comp)
			comp[bit/8] ^= 0x80 >> (bit % 8)
			if err := decodeCompare(z, comp, 64<<20); err != nil {
				t.Errorf("%s, bit %d flipped: %v", f.name, bit, err)
			}
			if z.err != io.EOF {
				failed++
			}
		}
		t.Logf("%s: %d of %d flips fail", f.name, failed, n)
	}
}

// errorKind returns which error kind err wraps, for messages.
func errorKind(err error) error {
	for _, kind := range []error{ErrMagic, ErrHeader, ErrData, ErrChecksum, io.ErrUnexpectedEOF} {
		if errors.Is(err, kind) {
			return kind
		}
	}
	return err
}

func TestStreamFraming(t *testing.T) {
	valid := fixtureNamed(t, "byte.bz2").comp
	empty := fixtureNamed(t, "empty.bz2").comp // "BZh9", end-of-stream marker, CRC 0
	cat := func(parts ...[]byte) []byte { return bytes.Join(parts, nil) }
	for _, c := range []struct {
		name string
		in   []byte
		want string // output
		kind error  // nil: no error
	}{
		{"no input", nil, "", io.ErrUnexpectedEOF},
		{"B", []byte("B"), "", io.ErrUnexpectedEOF},
		{"BZh", []byte("BZh"), "", io.ErrUnexpectedEOF},
		{"header only", []byte("BZh9"), "", io.ErrUnexpectedEOF},
		{"gzip", []byte("\x1f\x8b\x08\x00\x00\x00\x00\x00"), "", ErrMagic},
		{"BZ0", []byte("BZh0\x17\x72\x45\x38\x50\x90\x00\x00\x00\x00"), "", ErrMagic},
		{"BZ0 not h", []byte("BZ09\x17\x72\x45\x38\x50\x90\x00\x00\x00\x00"), "", ErrMagic},
		{"no block marker", []byte("BZh9\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00"), "", ErrMagic},
		{"empty stream", empty, "", nil},
		{"two empty streams", cat(empty, empty), "", nil},
		{"stream, empty stream", cat(valid, empty), "x", nil},
		{"trailing zero", cat(valid, []byte{0}), "x", ErrMagic},
		{"trailing newline", cat(valid, []byte("\n")), "x", ErrMagic},
		{"trailing B", cat(valid, []byte("B")), "x", io.ErrUnexpectedEOF},
		{"trailing BZh", cat(valid, []byte("BZh")), "x", io.ErrUnexpectedEOF},
		{"trailing BZh9", cat(valid, []byte("BZh9")), "x", io.ErrUnexpectedEOF},
		{"trailing garbage", cat(valid, []byte("garbage after the stream")), "x", ErrMagic},
		{"trailing bad level", cat(valid, []byte("BZhA")), "x", ErrMagic},
		{"stream CRC", cat(valid[:len(valid)-2], []byte{valid[len(valid)-2] ^ 1, valid[len(valid)-1]}), "x", ErrChecksum},
	} {
		got, err := decodeAll(c.in)
		if string(got) != c.want || errorKind(err) != c.kind {
			t.Errorf("%s: got %q, %v; want %q, %v", c.name, got, err, c.want, c.kind)
		}
		if err := decodeCompare(NewReader(nil), c.in, 1<<20); err != nil {
			t.Errorf("%s: %v", c.name, err)
		}
	}
}

// TestCrafted decodes streams made by the test encoder, some of a shape no
// bzip2 encoder writes.
func TestCrafted(t *testing.T) {
	u32 := func(v uint32) *uint32 { return &v }
	intp := func(v int) *int { return &v }
	rng := rand.New(rand.NewPCG(3, 3))
	noRuns := make([]byte, 100001)
	for i := range noRuns {
		noRuns[i] = byte(i%200) ^ byte(rng.IntN(2)<<7)
	}
	lengths := func(n int, l uint8) []uint8 { return bytes.Repeat([]byte{l}, n) }
	for _, c := range []struct {
		name   string
		level  int
		blocks []testBlock
		want   string // output, without a trailing error
		kind   error  // nil: no error
		detail string // in the error message
		quirks uint8
	}{
		{name: "one byte", blocks: []testBlock{{data: []byte("x")}}, want: "x"},
		{name: "two blocks", blocks: []testBlock{{data: []byte("abc")}, {data: []byte("def")}}, want: "abcdef"},
		{name: "run count", blocks: []testBlock{{data: []byte("aaaa\x03b")}}, want: "aaaaaaab"},
		{name: "run then new run", blocks: []testBlock{{data: []byte("aaaa\x02aaaa\x00b")}}, want: "aaaaaaaaaab"},
		// The reference decoder starts a new run after a count of 0;
		// compress/bzip2 continues the old one, and would take "b" as a count.
		{name: "zero count then same byte", blocks: []testBlock{{data: []byte("aaaa\x00aaab")}}, want: "aaaaaaab", quirks: quirkZeroRun},
		{name: "four at block end", blocks: []testBlock{{data: []byte("xaaaa")}, {data: []byte("a")}}, want: "xaaaaa"},
		{name: "periodic", blocks: []testBlock{{data: bytes.Repeat([]byte("ab"), 6000)}}, want: strings.Repeat("ab", 6000)},
		{name: "periodic runs", blocks: []testBlock{{data: bytes.Repeat([]byte("cccc\xfb"), 3000)}}, want: strings.Repeat("c", 3000*255)},
		{name: "extra selectors", blocks: []testBlock{{data: []byte("hello"), selectors: 7}}, want: "hello"},
		{name: "full block", level: 1, blocks: []testBlock{{data: noRuns[:100000]}}, want: string(noRuns[:100000])},
		// A complete code gets the same codes whichever end they are
		// assigned from; these do not.
		{name: "incomplete code", blocks: []testBlock{{data: []byte("incomplete"), lengths: lengths(12, 9)}}, want: "incomplete", quirks: quirkCode},
		{name: "oversubscribed unused table", blocks: []testBlock{{data: []byte("spare"), unused: lengths(7, 1)}}, want: "spare", quirks: quirkCode},

		{name: "randomized", blocks: []testBlock{{data: []byte("x"), randomized: true}}, kind: ErrHeader, detail: "randomized"},
		{name: "empty block", blocks: []testBlock{{data: []byte{}}}, kind: ErrHeader, detail: "no byte values"},
		{name: "code length 0", blocks: []testBlock{{data: []byte("ab"), lengths: []uint8{0, 2, 2, 1}}}, kind: ErrHeader, detail: "length 0"},
		{name: "code length 21", blocks: []testBlock{{data: []byte("ab"), lengths: []uint8{21, 2, 2, 1}}}, kind: ErrHeader, detail: "length 21"},
		{name: "too few selectors", blocks: []testBlock{{data: noRuns[:1000], selectors: -1}}, kind: ErrData, detail: "groups of 50"},
		{name: "block too long", level: 1, blocks: []testBlock{{data: noRuns}}, kind: ErrData, detail: "longer than 100000"},
		{name: "origPtr past end", blocks: []testBlock{{data: []byte("abc"), origPtr: intp(3)}}, kind: ErrData, detail: "origin 3"},
		{name: "wrong origPtr", blocks: []testBlock{{data: []byte("abc"), origPtr: intp(1)}}, want: "bca", kind: ErrChecksum},
		{name: "block CRC", blocks: []testBlock{{data: []byte("abc"), crc: u32(0x12345678)}}, want: "abc", kind: ErrChecksum,
			detail: fmt.Sprintf("block CRC 0x12345678, computed 0x%08x", testCRC([]byte("abc")))},
	} {
		level := c.level
		if level == 0 {
			level = 9
		}
		comp := encodeBlocks(level, c.blocks...)
		z := NewReader(bytes.NewReader(comp))
		got, err := io.ReadAll(z)
		if string(got) != c.want || errorKind(err) != c.kind {
			t.Errorf("%s: got %s, %v; want %s, %v", c.name, truncate(got), err, truncate([]byte(c.want)), c.kind)
		}
		if err != nil && !strings.Contains(err.Error(), c.detail) {
			t.Errorf("%s: error %q does not say %q", c.name, err, c.detail)
		}
		if z.quirks != c.quirks {
			t.Errorf("%s: quirks %b, want %b", c.name, z.quirks, c.quirks)
		}
		if err := decodeCompare(z, comp, 1<<30); err != nil {
			t.Errorf("%s: %v", c.name, err)
		}
	}

	comp := encodeStream(9, u32(1), testBlock{data: []byte("abc")})
	if _, err := decodeAll(comp); !errors.Is(err, ErrChecksum) || !strings.Contains(err.Error(), fmt.Sprintf("stream CRC 0x00000001, computed 0x%08x", testCRC([]byte("abc")))) {
		t.Errorf("bad stream CRC: %v", err)
	}
}

func truncate(b []byte) string {
	if len(b) > 40 {
		return fmt.Sprintf("%q... (%d bytes)", b[:40], len(b))
	}
	return fmt.Sprintf("%q", b)
}

// TestErrorOffset checks where errors say they are.
func TestErrorOffset(t *testing.T) {
	f := fixtureNamed(t, "xml.bz2")
	comp := bytes.Clone(f.comp)
	comp[len(comp)/2] ^= 0xff // in the block's Huffman-coded data
	_, err := decodeAll(comp)
	var fe *FormatError
	if !errors.As(err, &fe) {
		t.Fatalf("got %v, want a *FormatError", err)
	}
	// The damage shows somewhere from the flipped byte to the end of the
	// block, where its CRC is checked.
	if fe.Offset < int64(len(comp)/2) || fe.Offset > int64(len(comp)) {
		t.Errorf("offset %d, want in [%d, %d]", fe.Offset, len(comp)/2, len(comp))
	}
	if !strings.HasPrefix(err.Error(), fmt.Sprintf("bz2: offset %d: ", fe.Offset)) {
		t.Errorf("message %q", err)
	}

	comp = append(bytes.Clone(f.comp), "junk"...)
	_, err = decodeAll(comp)
	if !errors.As(err, &fe) || fe.Offset != int64(len(f.comp)) || fe.Err != ErrMagic {
		t.Errorf("trailing junk: got %v, want ErrMagic at offset %d", err, len(f.comp))
	}
}

// TestMemoryBounded decodes 100 MB from a few kilobytes: the decoder's
// memory does not grow with its output.
func TestMemoryBounded(t *testing.T) {
	stream := encodeBlocks(1, testBlock{data: bytes.Repeat([]byte("\x00\x00\x00\x00\xfb"), 4000)}) // 1,020,000 zeros
	comp := bytes.Repeat(stream, 100)
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	n, err := io.Copy(io.Discard, NewReader(bytes.NewReader(comp)))
	runtime.ReadMemStats(&after)
	if err != nil || n != 102_000_000 {
		t.Fatalf("decoded %d bytes, %v", n, err)
	}
	if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 4<<20 {
		t.Errorf("allocated %d bytes to decode %d bytes from %d", alloc, n, len(comp))
	}
}
