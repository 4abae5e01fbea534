package bz2

import (
	"bytes"
	"io"
	"sync"
	"testing"
)

var readers = sync.Pool{New: func() any { return NewReader(nil) }}

// FuzzDecode compares this package with compress/bzip2 on arbitrary input:
// the same bytes where both succeed, an error exactly where compress/bzip2
// fails, except on the quirks this package documents (see quirkCode and
// quirkZeroRun), and never a panic or a hang.
//
//	go test ./pkg/bz2 -run '^$' -fuzz FuzzDecode -fuzztime 5m
func FuzzDecode(f *testing.F) {
	for _, fx := range readFixtures(f) {
		f.Add(fx.comp)
	}
	f.Add(encodeBlocks(1, testBlock{data: []byte("aaaa\x00aaab")}, testBlock{data: bytes.Repeat([]byte("ab"), 5000)}))
	f.Add(encodeBlocks(2, testBlock{data: []byte("incomplete"), lengths: bytes.Repeat([]byte{9}, 12)}))
	f.Fuzz(func(t *testing.T, comp []byte) {
		z := readers.Get().(*Reader)
		defer readers.Put(z)
		if err := decodeCompare(z, comp, 1<<20); err != nil {
			t.Fatal(err)
		}
	})
}

// FuzzRoundTrip encodes arbitrary data with the test encoder and decodes it.
func FuzzRoundTrip(f *testing.F) {
	f.Add([]byte(""))
	f.Add([]byte("banana"))
	f.Add(bytes.Repeat([]byte("a"), 1000))
	f.Add(bytes.Repeat([]byte("abcd"), 3000))
	f.Add([]byte("aaaabbbbbccccccccdddddddddddddddddddd\x00\x00\x00\x00\x00\xff\xff\xff\xff"))
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) > 16<<10 {
			return
		}
		comp := encodeTest(data, 1)
		z := readers.Get().(*Reader)
		defer readers.Put(z)
		z.Reset(bytes.NewReader(comp))
		got, err := io.ReadAll(z)
		if err != nil || !bytes.Equal(got, data) {
			t.Fatalf("decoded %d bytes, %v; want %d, first difference at %d", len(got), err, len(data), firstDiff(got, data))
		}
		if err := decodeCompare(z, comp, 1<<30); err != nil {
			t.Fatal(err)
		}
	})
}
