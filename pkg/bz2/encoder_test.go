package bz2

import (
	"bytes"
	"cmp"
	"container/heap"
	"slices"
)

// A small bzip2 encoder for tests: it writes streams whose blocks are given
// after the initial run-length step, so tests can build inputs no bzip2
// encoder writes (a run-length count of zero followed by the run's byte, an
// incomplete Huffman code, a randomized block) with correct CRCs, and check
// what this package makes of them. It is slow (the BWT sorts rotations by
// prefix doubling) and meant for blocks of up to some 100 kB.

// A testBlock describes one block to encode.
type testBlock struct {
	data       []byte  // the block as the BWT sees it, after the initial run-length step
	lengths    []uint8 // code lengths of table 0, which codes every symbol; nil: Huffman's
	unused     []uint8 // code lengths of table 1, never selected; nil: as table 0
	randomized bool    // set the obsolete randomized bit
	crc        *uint32 // CRC to store; nil: the CRC of refUnRLE(data)
	origPtr    *int    // origPtr to store; nil: the right one
	selectors  int     // extra selectors beyond those needed (negative: fewer)
}

// encodeTest returns a bzip2 stream holding raw, split into blocks as bzip2
// -level would split it.
func encodeTest(raw []byte, level int) []byte {
	var blocks []testBlock
	for _, b := range refRLE(raw, 100000*level-19) {
		blocks = append(blocks, testBlock{data: b})
	}
	return encodeBlocks(level, blocks...)
}

// refRLE applies bzip2's initial run-length step to raw, cutting it into
// blocks of at most max bytes: runs of 4 to 255 equal bytes become 4 bytes
// and a count of the remaining 0 to 251. Runs do not straddle blocks.
func refRLE(raw []byte, max int) [][]byte {
	var blocks [][]byte
	var cur []byte
	for i := 0; i < len(raw); {
		j := i + 1
		for j < len(raw) && raw[j] == raw[i] && j-i < 255 {
			j++
		}
		var piece []byte
		if n := j - i; n >= 4 {
			piece = []byte{raw[i], raw[i], raw[i], raw[i], byte(n - 4)}
		} else {
			piece = raw[i:j]
		}
		if len(cur)+len(piece) > max {
			blocks = append(blocks, cur)
			cur = nil
		}
		cur = append(cur, piece...)
		i = j
	}
	if len(cur) > 0 {
		blocks = append(blocks, cur)
	}
	return blocks
}

// refUnRLE undoes the initial run-length step as the reference bzip2 does:
// after four equal bytes comes a count of further copies, and then a new run
// starts. Four equal bytes at the very end need no count.
func refUnRLE(data []byte) []byte {
	var out []byte
	for i := 0; i < len(data); {
		b := data[i]
		j := i + 1
		for j < len(data) && j-i < 4 && data[j] == b {
			j++
		}
		out = append(out, data[i:j]...)
		if j-i == 4 && j < len(data) {
			out = append(out, bytes.Repeat([]byte{b}, int(data[j]))...)
			j++
		}
		i = j
	}
	return out
}

// testCRC is a bit-at-a-time CRC-32/BZIP2, independent of crc.go's tables.
func testCRC(p []byte) uint32 {
	crc := ^uint32(0)
	for _, b := range p {
		crc ^= uint32(b) << 24
		for range 8 {
			if crc&(1<<31) != 0 {
				crc = crc<<1 ^ 0x04c11db7
			} else {
				crc <<= 1
			}
		}
	}
	return ^crc
}

// encodeBlocks returns a bzip2 stream of the given blocks.
func encodeBlocks(level int, blocks ...testBlock) []byte {
	return encodeStream(level, nil, blocks...)
}

// encodeStream returns a bzip2 stream of the given blocks, storing crc as
// the stream's CRC unless it is nil.
func encodeStream(level int, crc *uint32, blocks ...testBlock) []byte {
	var w bitWriter
	w.write(24, 0x425a68)
	w.write(8, uint64('0'+level))
	var streamCRC uint32
	for _, b := range blocks {
		crc := testCRC(refUnRLE(b.data))
		if b.crc != nil {
			crc = *b.crc
		}
		streamCRC = (streamCRC<<1 | streamCRC>>31) ^ crc
		w.write(48, 0x314159265359)
		w.write(32, uint64(crc))
		writeBlock(&w, b)
	}
	if crc != nil {
		streamCRC = *crc
	}
	w.write(48, 0x177245385090)
	w.write(32, uint64(streamCRC))
	return w.bytes()
}

func writeBlock(w *bitWriter, b testBlock) {
	last, origPtr := bwt(b.data)
	if b.origPtr != nil {
		origPtr = *b.origPtr
	}
	if b.randomized {
		w.write(1, 1)
	} else {
		w.write(1, 0)
	}
	w.write(24, uint64(origPtr))

	var used [256]bool
	for _, c := range b.data {
		used[c] = true
	}
	var ranges uint64
	for r := range 16 {
		if slices.Contains(used[16*r:16*r+16], true) {
			ranges |= 1 << (15 - r)
		}
	}
	w.write(16, ranges)
	var mtf []byte
	for r := range 16 {
		if ranges&(1<<(15-r)) == 0 {
			continue
		}
		var bits uint64
		for i := range 16 {
			if used[16*r+i] {
				bits |= 1 << (15 - i)
				mtf = append(mtf, byte(16*r+i))
			}
		}
		w.write(16, bits)
	}

	// Move-to-front and zero runs.
	var syms []int
	zeros := 0
	flush := func() {
		for z := zeros - 1; zeros > 0; z = (z - 2) / 2 {
			syms = append(syms, z&1) // RUNA 0, RUNB 1
			if z < 2 {
				break
			}
		}
		zeros = 0
	}
	for _, c := range last {
		k := bytes.IndexByte(mtf, c)
		if k == 0 {
			zeros++
			continue
		}
		flush()
		syms = append(syms, k+1)
		copy(mtf[1:k+1], mtf[:k])
		mtf[0] = c
	}
	flush()
	alpha := len(mtf) + 2
	syms = append(syms, alpha-1)

	lengths := b.lengths
	if lengths == nil {
		freq := make([]int, alpha)
		for _, s := range syms {
			freq[s]++
		}
		lengths = huffmanLengths(freq, 17)
	}
	unused := b.unused
	if unused == nil {
		unused = lengths
	}
	w.write(3, 2)
	nsel := (len(syms)+49)/50 + b.selectors
	w.write(15, uint64(nsel))
	for range nsel {
		w.write(1, 0) // table 0, front of the selector move-to-front list
	}
	for _, ls := range [][]uint8{lengths, unused} {
		cur := int(ls[0])
		w.write(5, uint64(cur))
		for _, l := range ls {
			for ; cur < int(l); cur++ {
				w.write(2, 2)
			}
			for ; cur > int(l); cur-- {
				w.write(2, 3)
			}
			w.write(1, 0)
		}
	}
	codes := canonicalCodes(lengths)
	for _, s := range syms {
		w.write(uint(lengths[s]), uint64(codes[s]))
	}
}

// bwt returns the last column of the sorted rotations of s and the row of s
// itself, sorting rotations by prefix doubling.
func bwt(s []byte) (last []byte, origPtr int) {
	n := len(s)
	rank := make([]int, n)
	idx := make([]int, n)
	for i := range s {
		rank[i], idx[i] = int(s[i]), i
	}
	key := make([]uint64, n) // rank of the rotation's first k bytes, then of the next k
	for k := 1; ; k *= 2 {
		for i := range key {
			key[i] = uint64(rank[i])<<32 | uint64(rank[(i+k)%n])
		}
		slices.SortFunc(idx, func(a, b int) int { return cmp.Compare(key[a], key[b]) })
		distinct := 0
		for j, i := range idx {
			if j > 0 && key[i] != key[idx[j-1]] {
				distinct++
			}
			rank[i] = distinct
		}
		if distinct == n-1 || k >= n {
			break
		}
	}
	last = make([]byte, n)
	for j, i := range idx {
		last[j] = s[(i+n-1)%n]
		if i == 0 {
			origPtr = j
		}
	}
	return last, origPtr
}

// huffmanLengths returns Huffman code lengths of at most max bits for the
// given symbol frequencies, halving frequencies until the code fits, as
// bzip2 does.
func huffmanLengths(freq []int, max int) []uint8 {
	w := make([]int, len(freq))
	for i, f := range freq {
		w[i] = f + 1
	}
	for {
		h := &nodeHeap{}
		depth := make([][]int, 0) // symbols under each node
		for s, f := range w {
			heap.Push(h, node{f, len(depth)})
			depth = append(depth, []int{s})
		}
		lengths := make([]uint8, len(freq))
		for h.Len() > 1 {
			a, b := heap.Pop(h).(node), heap.Pop(h).(node)
			merged := append(depth[a.id], depth[b.id]...)
			for _, s := range merged {
				lengths[s]++
			}
			heap.Push(h, node{a.w + b.w, len(depth)})
			depth = append(depth, merged)
		}
		if int(slices.Max(lengths)) <= max {
			return lengths
		}
		for i := range w {
			w[i] = w[i]/2 + 1
		}
	}
}

type node struct{ w, id int }
type nodeHeap []node

func (h nodeHeap) Len() int { return len(h) }
func (h nodeHeap) Less(i, j int) bool {
	if h[i].w != h[j].w {
		return h[i].w < h[j].w
	}
	return h[i].id < h[j].id
}
func (h nodeHeap) Swap(i, j int) { h[i], h[j] = h[j], h[i] }
func (h *nodeHeap) Push(x any)   { *h = append(*h, x.(node)) }
func (h *nodeHeap) Pop() any {
	old := *h
	x := old[len(old)-1]
	*h = old[:len(old)-1]
	return x
}

// canonicalCodes assigns codes as the reference bzip2 does: by length, then
// symbol, counting up from zero and doubling with each extra bit.
func canonicalCodes(lengths []uint8) []uint32 {
	codes := make([]uint32, len(lengths))
	code := uint32(0)
	for l := uint8(1); l <= 20; l++ {
		for s, sl := range lengths {
			if sl == l {
				codes[s] = code
				code++
			}
		}
		code <<= 1
	}
	return codes
}

// A bitWriter collects bits most significant first.
type bitWriter struct {
	buf   []byte
	acc   uint64
	nbits uint
}

func (w *bitWriter) write(n uint, v uint64) {
	for i := int(n) - 1; i >= 0; i-- {
		w.acc = w.acc<<1 | v>>uint(i)&1
		if w.nbits++; w.nbits == 8 {
			w.buf = append(w.buf, byte(w.acc))
			w.acc, w.nbits = 0, 0
		}
	}
}

// bytes returns the bits written, padded with zeros to a whole byte.
func (w *bitWriter) bytes() []byte {
	if w.nbits > 0 {
		return append(w.buf, byte(w.acc<<(8-w.nbits)))
	}
	return w.buf
}
