package bz2

import (
	"math/rand/v2"
	"testing"
)

// TestHuffTable decodes random bits with tables of random code lengths,
// complete, incomplete and oversubscribed, and checks the result against
// the canonical codes themselves: the symbol whose code is a prefix of the
// bits, ignoring codes too large for their length, as the reference bzip2
// decodes.
func TestHuffTable(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 5))
	var table huffTable
	for iter := range 3000 {
		alpha := 3 + rng.IntN(256)
		var lengths []uint8
		switch iter % 3 {
		case 0: // complete, as encoders write
			freq := make([]int, alpha)
			for i := range freq {
				freq[i] = rng.IntN(1 << rng.IntN(20))
			}
			lengths = huffmanLengths(freq, 17+rng.IntN(4))
		case 1: // anything
			lengths = make([]uint8, alpha)
			for i := range lengths {
				lengths[i] = uint8(1 + rng.IntN(20))
			}
		case 2: // lengths near log2(alpha): often incomplete
			lengths = make([]uint8, alpha)
			for i := range lengths {
				lengths[i] = uint8(8 + rng.IntN(5))
			}
		}
		complete := table.build(lengths)
		codes := canonicalCodes(lengths)
		kraft := 0
		for _, l := range lengths {
			kraft += 1 << (20 - l)
		}
		if complete != (kraft == 1<<20) {
			t.Fatalf("lengths %v: build says complete=%v, Kraft sum %d/2^20", lengths, complete, kraft)
		}
		for range 200 {
			bits := rng.Uint64()
			if s := rng.IntN(alpha); rng.IntN(2) == 0 && codes[s]>>lengths[s] == 0 {
				// Start with a code, so that rare long codes are tested too.
				l := uint(lengths[s])
				bits = uint64(codes[s])<<(64-l) | bits>>l
			}
			wantSym, wantLen := -1, 0
			for s, l := range lengths {
				if codes[s]>>l == 0 && bits>>(64-l) == uint64(codes[s]) {
					wantSym, wantLen = s, int(l)
				}
			}
			sym, n, ok := table.decodeForTest(bits)
			if !ok {
				sym, n = -1, 0
			}
			if sym != wantSym || n != wantLen {
				t.Fatalf("lengths %v, bits %064b: got symbol %d of %d bits, want %d of %d", lengths, bits, sym, n, wantSym, wantLen)
			}
		}
	}
}

// decodeForTest decodes as decodeSymbols does.
func (t *huffTable) decodeForTest(bits uint64) (sym, n int, ok bool) {
	if e := t.fast[bits>>(64-fastBits)]; e&31 != 0 {
		return int(e >> 5), int(e & 31), true
	}
	s, l, ok := t.slow(bits)
	return int(s), int(l), ok
}

func TestCRC(t *testing.T) {
	rng := rand.New(rand.NewPCG(6, 6))
	data := make([]byte, 5000)
	for i := range data {
		data[i] = byte(rng.Uint32())
	}
	for _, c := range []struct {
		in   string
		want uint32
	}{
		{"", 0},
		{"123456789", 0xfc891918}, // the check value of CRC-32/BZIP2
	} {
		if got := updateCRC(0, []byte(c.in)); got != c.want {
			t.Errorf("CRC of %q = %#08x, want %#08x", c.in, got, c.want)
		}
	}
	for n := range 100 {
		if got, want := updateCRC(0, data[:n]), testCRC(data[:n]); got != want {
			t.Fatalf("CRC of %d bytes = %#08x, want %#08x", n, got, want)
		}
	}
	// In pieces, as Read computes it.
	crc := uint32(0)
	for p := data; len(p) > 0; {
		k := min(len(p), 1+rng.IntN(50))
		crc = updateCRC(crc, p[:k])
		p = p[k:]
	}
	if want := testCRC(data); crc != want {
		t.Fatalf("CRC in pieces = %#08x, want %#08x", crc, want)
	}
}
