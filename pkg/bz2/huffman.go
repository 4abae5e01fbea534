package bz2

const (
	maxTables  = 6   // Huffman tables per block
	maxAlpha   = 258 // symbols: RUNA, RUNB, 255 move-to-front positions, end of block
	maxCodeLen = 20  // longest Huffman code a decoder must accept
	fastBits   = 10  // bits looked up at once; longer codes take the slow path
)

// A huffTable decodes one of a block's Huffman codes. Codes are canonical, as
// in the reference bzip2: sorted by length, then by symbol, they count up
// from zero, each code's value doubling when the length grows by one bit.
//
// fast maps the next fastBits input bits to symbol<<5 | code length, or to 0
// when the code is longer than fastBits bits or unassigned. The slow path
// compares the next 32 bits with limit[L], one past the last code of length
// L, shifted to the top of 32 bits: the code's length is the least L whose
// limit the bits are below, and the code's value plus base[L] indexes perm,
// the symbols in canonical order.
type huffTable struct {
	fast  [1 << fastBits]uint16
	limit [maxCodeLen + 1]uint64
	base  [maxCodeLen + 1]int32
	perm  [maxAlpha]uint16
}

// build sets t up for a code whose symbol i has length lengths[i], each in
// 1..maxCodeLen, and reports whether the lengths form a complete prefix code
// (Kraft sum exactly 1), as every bzip2 encoder writes. Other length sets
// decode as the reference bzip2 decodes them: in an incomplete code the
// leftover bit patterns are errors; in an oversubscribed one the codes that
// overflow their length are never decoded.
func (t *huffTable) build(lengths []uint8) (complete bool) {
	var count [maxCodeLen + 1]int
	for _, l := range lengths {
		count[l]++
	}
	var next [maxCodeLen + 1]int // next index into perm for each length
	for l, i := 1, 0; l <= maxCodeLen; l++ {
		next[l] = i
		i += count[l]
	}
	for s, l := range lengths {
		t.perm[next[l]] = uint16(s)
		next[l]++
	}
	clear(t.fast[:])
	code, first, kraft := 0, 0, 0 // first: perm index of the first code of length l
	for l := 1; l <= maxCodeLen; l++ {
		t.limit[l] = uint64(code+count[l]) << (32 - l)
		t.base[l] = int32(first - code)
		if l <= fastBits {
			for i := range count[l] {
				c := code + i
				if c >= 1<<l {
					break // oversubscribed: this and later codes cannot occur
				}
				e := t.perm[first+i]<<5 | uint16(l)
				lo, hi := c<<(fastBits-l), (c+1)<<(fastBits-l)
				for j := lo; j < hi; j++ {
					t.fast[j] = e
				}
			}
		}
		first += count[l]
		code = (code + count[l]) << 1
		kraft += count[l] << (maxCodeLen - l)
	}
	return kraft == 1<<maxCodeLen
}

// slow decodes the code at the top of bits (at least maxCodeLen valid bits)
// and returns its symbol and length, or ok == false if no code starts there.
func (t *huffTable) slow(bits uint64) (sym, n uint, ok bool) {
	v := bits >> 32
	for l := 1; l <= maxCodeLen; l++ {
		if v < t.limit[l] {
			i := int(v>>(32-l)) + int(t.base[l])
			return uint(t.perm[i]), uint(l), true
		}
	}
	return 0, 0, false
}
