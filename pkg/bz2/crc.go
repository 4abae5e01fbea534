package bz2

// bzip2 checks each block with CRC-32/BZIP2: polynomial 0x04c11db7 processed
// most significant bit first, initial value and final xor 0xffffffff. That is
// the bit-reversed twin of hash/crc32's IEEE CRC, so hash/crc32 cannot compute
// it. The tables below run it eight bytes at a time ("slicing-by-8"):
// crcTable[k][b] is the CRC register contribution of byte b followed by k zero
// bytes.
var crcTable = makeCRCTable()

func makeCRCTable() *[8][256]uint32 {
	const poly = 0x04c11db7
	t := new([8][256]uint32)
	for i := range 256 {
		c := uint32(i) << 24
		for range 8 {
			if c&0x80000000 != 0 {
				c = c<<1 ^ poly
			} else {
				c <<= 1
			}
		}
		t[0][i] = c
	}
	for i := range 256 {
		c := t[0][i]
		for k := 1; k < 8; k++ {
			c = t[0][c>>24] ^ c<<8
			t[k][i] = c
		}
	}
	return t
}

// updateCRC returns the CRC-32/BZIP2 of the data whose CRC is crc followed by
// p. The CRC of no data is 0.
func updateCRC(crc uint32, p []byte) uint32 {
	c := ^crc
	t := crcTable
	for len(p) >= 8 {
		c ^= uint32(p[0])<<24 | uint32(p[1])<<16 | uint32(p[2])<<8 | uint32(p[3])
		c = t[7][c>>24] ^ t[6][c>>16&0xff] ^ t[5][c>>8&0xff] ^ t[4][c&0xff] ^
			t[3][p[4]] ^ t[2][p[5]] ^ t[1][p[6]] ^ t[0][p[7]]
		p = p[8:]
	}
	for _, b := range p {
		c = t[0][byte(c>>24)^b] ^ c<<8
	}
	return ^c
}
