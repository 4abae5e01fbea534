package wordpiece

import (
	"encoding/binary"
	"math/bits"
)

// pieceTable maps the bytes of a piece to its id for WordPiece's inner
// loop, where a Go map costs several cache misses per probe (control bytes,
// the key's string header, its bytes). Here a probe reads one 16-byte slot
// that holds the key's first 8 bytes, its length and its id, so a key of up
// to 8 bytes, most of a vocabulary, is found or refused in one cache line;
// longer keys compare their remaining bytes from rest. Open addressing,
// linear probing, load factor at most 1/2. Read-only once built.
type pieceTable struct {
	slots []pieceSlot
	shift uint     // 64 - log2(len(slots)): the slot of hash h is h >> shift
	rest  []string // rest[j]: the bytes after the first 8 of slot j's key
}

type pieceSlot struct {
	head uint64 // the key's first 8 bytes, little-endian, zero-padded
	n    int32  // key length in bytes; 0 marks an empty slot
	id   int32
}

// newPieceTable returns a table of keys[i] → ids[i]. Keys are non-empty and
// distinct.
func newPieceTable(keys []string, ids []int32) *pieceTable {
	size := 16
	for size < 2*len(keys) {
		size *= 2
	}
	t := &pieceTable{slots: make([]pieceSlot, size), shift: uint(64 - bits.TrailingZeros(uint(size))), rest: make([]string, size)}
	for i, k := range keys {
		t.put(k, ids[i])
	}
	return t
}

// put adds key k with id; the table must have a free slot.
func (t *pieceTable) put(k string, id int32) {
	w := []byte(k)
	head := keyHead(w)
	mask := uint64(len(t.slots) - 1)
	j := pieceHash(head, w) >> t.shift
	for t.slots[j].n != 0 {
		j = (j + 1) & mask
	}
	t.slots[j] = pieceSlot{head: head, n: int32(len(w)), id: id}
	if len(k) > 8 {
		t.rest[j] = k[8:]
	}
}

// keyHead packs the first 8 bytes of k, little-endian, zero-padded.
func keyHead(k []byte) uint64 {
	if len(k) >= 8 {
		return binary.LittleEndian.Uint64(k)
	}
	if cap(k) >= 8 { // one load, the bytes past len(k) masked off
		return binary.LittleEndian.Uint64(k[:8]) & (1<<(8*uint(len(k))) - 1)
	}
	var h uint64
	for i := len(k) - 1; i >= 0; i-- {
		h = h<<8 | uint64(k[i])
	}
	return h
}

// pieceHash mixes a key's head, length and remaining bytes; the high bits
// choose the slot.
func pieceHash(head uint64, k []byte) uint64 {
	const m = 0x9e3779b97f4a7c15
	h := (head ^ uint64(len(k))<<56) * m
	for i := 8; i < len(k); i += 8 {
		h = (h ^ h>>29 ^ keyHead(k[i:])) * m
	}
	return h
}

// get returns the id of key w.
func (t *pieceTable) get(w []byte) (int32, bool) {
	head := keyHead(w)
	mask := uint64(len(t.slots) - 1)
	for j := pieceHash(head, w) >> t.shift; ; j = (j + 1) & mask {
		s := &t.slots[j]
		if s.n == 0 {
			return 0, false
		}
		if s.head == head && int(s.n) == len(w) && (len(w) <= 8 || t.rest[j] == string(w[8:])) {
			return s.id, true
		}
	}
}
