package bz2

import (
	"encoding/binary"
	"math/bits"
)

// A block, after its 48-bit marker:
//
//	32 bits  CRC of the block's decoded bytes
//	 1 bit   randomized (obsolete since bzip2 0.9.5; rejected)
//	24 bits  origPtr: the row of the block's text among its sorted rotations
//	16 bits  which of the 16 ranges of 16 byte values occur, then 16 bits
//	         for each range that does: which of its byte values occur
//	 3 bits  number of Huffman tables, 2 to 6
//	15 bits  number of selectors, then the selectors: the table of each
//	         group of 50 symbols, move-to-front coded, in unary ("110" is 2)
//	         the tables: each a 5-bit code length, then for each symbol "10"
//	         (add one) or "11" (subtract one) until "0" ends its length
//	 ...     the Huffman-coded symbols, up to the end-of-block symbol
//
// The symbols code the BWT output after a move-to-front transform: position
// i > 0 in the list is symbol i+1, and a run of position 0 is its length in
// bijective base 2, least significant digit first, with digits RUNA (1) and
// RUNB (2), symbols 0 and 1. The last symbol ends the block.

// decodeBlock reads a block's header and symbols, inverts the BWT into
// z.ll and readies the block for emit. It reports false after recording an
// error.
func (z *Reader) decodeBlock() bool {
	crc, ok := z.readBits(32)
	if !ok {
		return false
	}
	v, ok := z.readBits(25)
	if !ok {
		return false
	}
	if v>>24 != 0 {
		z.fail(ErrHeader, "randomized blocks are not supported")
		return false
	}
	origPtr := int(v & 0xffffff)

	ranges, ok := z.readBits(16)
	if !ok {
		return false
	}
	var seq [256]byte // seq[i]: the i-th byte value in use, the MTF list's start
	nseq := 0
	for r := range 16 {
		if ranges&(0x8000>>r) == 0 {
			continue
		}
		used, ok := z.readBits(16)
		if !ok {
			return false
		}
		for i := range 16 {
			if used&(0x8000>>i) != 0 {
				seq[nseq] = byte(16*r + i)
				nseq++
			}
		}
	}
	if nseq == 0 {
		z.fail(ErrHeader, "no byte values in use")
		return false
	}
	alpha := nseq + 2

	ntables, ok := z.readBits(3)
	if !ok {
		return false
	}
	if ntables < 2 || ntables > maxTables {
		z.fail(ErrHeader, "%d Huffman tables", ntables)
		return false
	}
	nsel, ok := z.readBits(15)
	if !ok {
		return false
	}
	if nsel == 0 {
		z.fail(ErrHeader, "no table selectors")
		return false
	}
	if !z.readSelectors(int(nsel), int(ntables)) {
		return false
	}
	var lengths [maxAlpha]uint8
	for t := range int(ntables) {
		if !z.readLengths(lengths[:alpha]) {
			return false
		}
		if !z.tables[t].build(lengths[:alpha]) {
			z.quirks |= quirkCode
		}
	}

	if cap(z.ll) < z.blockSize {
		z.ll = make([]byte, z.blockSize)
		z.ev = make([]uint32, z.blockSize+1)
		z.tt = make([]uint32, z.blockSize)
		z.walk = make([]byte, z.blockSize+arcSlots*chunkSize)
	}
	var counts [256]int
	nev, n, ok := z.decodeSymbols(int(nsel), uint(alpha), &seq, &counts)
	if !ok {
		return false
	}
	if origPtr >= n {
		z.fail(ErrData, "BWT origin %d outside block of %d bytes", origPtr, n)
		return false
	}

	z.inverseBWT(nev, n, origPtr, &counts)
	z.blockCRC = crc
	z.crc = 0
	z.text = z.ll[:n]
	z.last = -1
	z.same = 0
	z.rep = 0
	return true
}

// readSelectors reads n selectors, each below ntables, into z.sel.
func (z *Reader) readSelectors(n, ntables int) bool {
	if z.sel == nil {
		z.sel = make([]uint8, 1<<15)
	}
	mtf := [maxTables]uint8{0, 1, 2, 3, 4, 5}
	for i := range n {
		if z.nbits < 8 && !z.refill() {
			z.truncated()
			return false
		}
		k := bits.LeadingZeros64(^z.bits) // unary: count of 1 bits before a 0
		if k >= ntables {
			z.fail(ErrHeader, "selector %d is %d, with %d tables", i, k, ntables)
			return false
		}
		z.bits <<= k + 1
		z.nbits -= uint(k + 1)
		t := mtf[k]
		copy(mtf[1:k+1], mtf[:k])
		mtf[0] = t
		z.sel[i] = t
	}
	if z.overrun() {
		z.truncated()
		return false
	}
	return true
}

// readLengths reads the delta-coded code lengths of one Huffman table.
func (z *Reader) readLengths(lengths []uint8) bool {
	l, ok := z.readBits(5)
	if !ok {
		return false
	}
	for i := range lengths {
		for {
			if l < 1 || l > maxCodeLen {
				z.fail(ErrHeader, "Huffman code length %d for symbol %d", int32(l), i)
				return false
			}
			if z.nbits < 2 && !z.refill() {
				z.truncated()
				return false
			}
			if z.bits>>63 == 0 {
				z.bits <<= 1
				z.nbits--
				break
			}
			l += 1 - 2*uint32(z.bits>>62&1) // "10": +1, "11": -1
			z.bits <<= 2
			z.nbits -= 2
		}
		lengths[i] = uint8(l)
	}
	if z.overrun() {
		z.truncated()
		return false
	}
	return true
}

// decodeSymbols decodes a block's Huffman-coded symbols and undoes the
// move-to-front and zero-run coding. It stores the resulting bytes, the BWT
// output, in z.ev as runs: count<<8 | byte, with count 0 allowed. It counts
// each byte value in counts and returns the number of runs and of bytes.
//
// A run is a symbol's byte followed by the zero run after it, since a zero
// run repeats the byte at the front of the move-to-front list: the last one
// decoded, or seq[0] at the start of the block.
func (z *Reader) decodeSymbols(nsel int, alpha uint, seq *[256]byte, counts *[256]int) (nev, n int, ok bool) {
	var mtf mtfList
	mtf.init(seq)
	ev := z.ev[:z.blockSize+1]
	limit := z.blockSize
	eob := alpha - 1
	cur, cnt, runBit := uint32(seq[0]), 0, 1 // current run's byte and length, next zero-run digit's weight
	bits, nbits, pos, buf := z.bits, z.nbits, z.pos, z.buf
	for g := 0; ; g++ {
		if g >= nsel {
			z.bits, z.nbits, z.pos = bits, nbits, pos
			z.fail(ErrData, "more than %d groups of 50 symbols", nsel)
			return 0, 0, false
		}
		t := &z.tables[z.sel[g]]
		for range 50 {
			if nbits < maxCodeLen {
				if pos+8 <= len(buf) {
					bits |= binary.BigEndian.Uint64(buf[pos:]) >> nbits
					pos += int(63-nbits) >> 3
					nbits |= 56
				} else {
					z.bits, z.nbits, z.pos = bits, nbits, pos
					if !z.refill() {
						z.truncated()
						return 0, 0, false
					}
					bits, nbits, pos, buf = z.bits, z.nbits, z.pos, z.buf
				}
			}
			e := t.fast[bits>>(64-fastBits)]
			sym, l := uint(e>>5), uint(e&31)
			if l == 0 {
				var ok bool
				if sym, l, ok = t.slow(bits); !ok {
					z.bits, z.nbits, z.pos = bits, nbits, pos
					z.fail(ErrData, "invalid Huffman code")
					return 0, 0, false
				}
			}
			bits <<= l
			nbits -= l

			if sym < 2 { // RUNA or RUNB: a digit of a zero run
				inc := runBit << sym
				runBit <<= 1
				cnt += inc
				n += inc
				counts[cur] += inc
			} else {
				if sym == eob {
					ev[nev] = uint32(cnt)<<8 | cur
					z.bits, z.nbits, z.pos = bits, nbits, pos
					if z.overrun() {
						z.truncated()
						return 0, 0, false
					}
					return nev + 1, n, true
				}
				ev[nev] = uint32(cnt)<<8 | cur
				nev++
				cur = uint32(mtf.move(sym - 1))
				cnt, runBit = 1, 1
				n++
				counts[cur]++
			}
			if n > limit {
				z.bits, z.nbits, z.pos = bits, nbits, pos
				z.fail(ErrData, "block longer than %d bytes", limit)
				return 0, 0, false
			}
		}
	}
}

// An mtfList is a move-to-front list of byte values, packed eight to a word,
// least significant byte first.
type mtfList [32]uint64

func (m *mtfList) init(seq *[256]byte) {
	for i := range m {
		m[i] = binary.LittleEndian.Uint64(seq[8*i:])
	}
}

// move returns the byte at position k and moves it to the front.
func (m *mtfList) move(k uint) byte {
	k &= 255
	if k < 8 {
		w := m[0]
		sh := 8 * k
		b := w >> sh & 0xff
		below := w & (1<<sh - 1)
		above := w &^ (1<<(sh+8) - 1)
		m[0] = above | below<<8 | b
		return byte(b)
	}
	return m.moveFar(k)
}

func (m *mtfList) moveFar(k uint) byte {
	i, sh := k>>3, 8*(k&7)
	w := m[i]
	b := w >> sh & 0xff
	below := w & (1<<sh - 1)
	above := w &^ (1<<(sh+8) - 1)
	m[i] = above | below<<8 | m[i-1]>>56
	for j := i - 1; j > 0; j-- {
		m[j] = m[j]<<8 | m[j-1]>>56
	}
	m[0] = m[0]<<8 | b
	return byte(b)
}
