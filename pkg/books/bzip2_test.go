package books

import (
	"bytes"
	"compress/bzip2"
	"io"
	"slices"
	"testing"
)

// The standard library reads bzip2 but cannot write it, so the tests carry
// a small encoder: one block, run-length and Burrows-Wheeler transforms by
// the book, and a flat Huffman code instead of an optimised one. It is
// only fit for small fixtures.

// bzip2Compress returns data as a bzip2 stream. data must be under 900 kB.
func bzip2Compress(data []byte) []byte {
	var w bitWriter
	w.bits(24, 'B'<<16|'Z'<<8|'h')
	w.bits(8, '9')
	crc := uint32(0)
	if len(data) > 0 {
		crc = bzipCRC(data)
		w.bits(24, 0x314159)
		w.bits(24, 0x265359)
		w.bits(32, crc)
		w.bits(1, 0) // not randomised
		writeBlock(&w, rle1(data))
	}
	w.bits(24, 0x177245)
	w.bits(24, 0x385090)
	w.bits(32, crc) // the combined CRC of one block is its CRC
	return w.flush()
}

// rle1 is bzip2's first run-length encoding: a run of 4 to 255 equal bytes
// becomes the first four and a count of the rest.
func rle1(data []byte) []byte {
	var out []byte
	for i := 0; i < len(data); {
		j := i + 1
		for j < len(data) && j-i < 255 && data[j] == data[i] {
			j++
		}
		if n := j - i; n >= 4 {
			out = append(out, data[i], data[i], data[i], data[i], byte(n-4))
		} else {
			out = append(out, data[i:j]...)
		}
		i = j
	}
	return out
}

func writeBlock(w *bitWriter, block []byte) {
	// Burrows-Wheeler transform by sorting all rotations.
	n := len(block)
	twice := append(slices.Clone(block), block...)
	rot := make([]int, n)
	for i := range rot {
		rot[i] = i
	}
	slices.SortStableFunc(rot, func(a, b int) int { return bytes.Compare(twice[a:a+n], twice[b:b+n]) })
	last := make([]byte, n)
	origPtr := 0
	for i, r := range rot {
		last[i] = twice[r+n-1]
		if r == 0 {
			origPtr = i
		}
	}
	w.bits(24, uint32(origPtr))

	// Symbol map: which of the 256 byte values occur.
	var used [256]bool
	for _, c := range block {
		used[c] = true
	}
	var ranges uint32
	for i := range 16 {
		if slices.Contains(used[i*16:i*16+16], true) {
			ranges |= 1 << (15 - i)
		}
	}
	w.bits(16, ranges)
	var mtf []byte
	for i := range 16 {
		if ranges&(1<<(15-i)) == 0 {
			continue
		}
		var m uint32
		for j := range 16 {
			if used[i*16+j] {
				m |= 1 << (15 - j)
				mtf = append(mtf, byte(i*16+j))
			}
		}
		w.bits(16, m)
	}

	// Move-to-front, with runs of zeros as RUNA/RUNB digits.
	var syms []int
	zeros := 0
	run := func() {
		for zeros > 0 {
			if zeros&1 == 1 {
				syms = append(syms, 0) // RUNA
				zeros = (zeros - 1) / 2
			} else {
				syms = append(syms, 1) // RUNB
				zeros = (zeros - 2) / 2
			}
		}
	}
	for _, c := range last {
		k := bytes.IndexByte(mtf, c)
		copy(mtf[1:k+1], mtf[:k])
		mtf[0] = c
		if k == 0 {
			zeros++
			continue
		}
		run()
		syms = append(syms, k+1)
	}
	run()
	alpha := len(mtf) + 2
	syms = append(syms, alpha-1) // end of block

	// A complete code: the first m symbols one bit shorter than the rest.
	k := 1
	for 1<<k < alpha {
		k++
	}
	m := 1<<k - alpha
	lengths := make([]int, alpha)
	for s := range lengths {
		lengths[s] = k
		if s < m {
			lengths[s] = k - 1
		}
	}
	codes := make([]uint32, alpha)
	code := uint32(0)
	for l := k - 1; l <= k; l++ {
		for s := range alpha {
			if lengths[s] == l {
				codes[s] = code
				code++
			}
		}
		code <<= 1
	}

	// Two identical tables, selector 0 for every group of 50 symbols.
	w.bits(3, 2)
	selectors := (len(syms) + 49) / 50
	w.bits(15, uint32(selectors))
	for range selectors {
		w.bits(1, 0)
	}
	for range 2 {
		cur := lengths[0]
		w.bits(5, uint32(cur))
		for _, l := range lengths {
			for ; cur < l; cur++ {
				w.bits(2, 2) // 10: longer
			}
			for ; cur > l; cur-- {
				w.bits(2, 3) // 11: shorter
			}
			w.bits(1, 0)
		}
	}
	for _, s := range syms {
		w.bits(uint(lengths[s]), codes[s])
	}
}

// bzipCRC is the CRC-32 bzip2 uses: polynomial 0x04C11DB7, most significant
// bit first.
func bzipCRC(data []byte) uint32 {
	crc := ^uint32(0)
	for _, c := range data {
		crc ^= uint32(c) << 24
		for range 8 {
			if crc&(1<<31) != 0 {
				crc = crc<<1 ^ 0x04C11DB7
			} else {
				crc <<= 1
			}
		}
	}
	return ^crc
}

// bitWriter packs bits most significant first.
type bitWriter struct {
	buf []byte
	acc uint64
	n   uint
}

func (w *bitWriter) bits(n uint, v uint32) {
	w.acc = w.acc<<n | uint64(v)&(1<<n-1)
	w.n += n
	for w.n >= 8 {
		w.n -= 8
		w.buf = append(w.buf, byte(w.acc>>w.n))
	}
}

func (w *bitWriter) flush() []byte {
	if w.n > 0 {
		w.buf = append(w.buf, byte(w.acc<<(8-w.n)))
		w.n = 0
	}
	return w.buf
}

func TestBzip2Compress(t *testing.T) {
	for _, in := range []string{
		"",
		"a",
		"banana",
		"hello, hello, hello world\n",
		string(bytes.Repeat([]byte{0}, 2000)) + "xyz" + string(bytes.Repeat([]byte("abcd"), 300)),
		string(func() []byte {
			b := make([]byte, 3000)
			for i := range b {
				b[i] = byte(i * 7919 >> 3)
			}
			return b
		}()),
	} {
		got, err := io.ReadAll(bzip2.NewReader(bytes.NewReader(bzip2Compress([]byte(in)))))
		if err != nil || string(got) != in {
			t.Errorf("round trip of %d bytes: got %d bytes, %v", len(in), len(got), err)
		}
	}
}
