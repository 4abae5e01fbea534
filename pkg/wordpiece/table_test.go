package wordpiece

import (
	"math/rand/v2"
	"testing"
)

// The piece table finds every key of a vocabulary with its id and nothing
// else: not a key's prefix, extension or one-byte change, at every length
// around the 8 bytes kept in a slot.
func TestPieceTable(t *testing.T) {
	uncased, cased := vocabs(t)
	for _, v := range []*Vocab{uncased, cased} {
		for _, c := range []struct {
			t *pieceTable
			m map[string]int32
		}{{v.wholeT, v.whole}, {v.contT, v.cont}} {
			for k, id := range c.m {
				if got, ok := c.t.get([]byte(k)); !ok || got != id {
					t.Fatalf("get(%q) = %d, %v; want %d", k, got, ok, id)
				}
				for _, probe := range []string{k[:len(k)-1], k + "x", k + "\x00", "x" + k} {
					want, in := c.m[probe]
					if got, ok := c.t.get([]byte(probe)); ok != in || got != want && in {
						t.Fatalf("get(%q) = %d, %v; want %d, %v", probe, got, ok, want, in)
					}
				}
			}
		}
	}

	// Random keys of 1 to 20 bytes over a small alphabet, so that many
	// share their first 8 bytes.
	rng := rand.New(rand.NewPCG(1, 2))
	word := func() string {
		b := make([]byte, 1+rng.IntN(20))
		for i := range b {
			b[i] = "ab\x00\xff"[rng.IntN(4)]
		}
		return string(b)
	}
	m := map[string]int32{}
	for len(m) < 5000 {
		m[word()] = int32(len(m))
	}
	var keys []string
	var ids []int32
	for k, id := range m {
		keys, ids = append(keys, k), append(ids, id)
	}
	// A table whose keys all hash to slot 0 compares every probe with
	// every key before it.
	chain := &pieceTable{slots: make([]pieceSlot, 512), shift: 64, rest: make([]string, 512)}
	for i, k := range keys[:400] {
		chain.put(k, ids[i])
	}
	small := map[string]int32{}
	for i, k := range keys[:400] {
		small[k] = ids[i]
	}
	for _, c := range []struct {
		tab *pieceTable
		m   map[string]int32
	}{{newPieceTable(keys, ids), m}, {chain, small}} {
		for range 20000 {
			w := word()
			want, in := c.m[w]
			// The key is passed alone and with other bytes after it
			// within its capacity, as a tokenizer's scratch word is.
			for _, k := range [][]byte{[]byte(w), []byte(w + "ab\xffab\x00ab")[:len(w)]} {
				if got, ok := c.tab.get(k); ok != in || in && got != want {
					t.Fatalf("get(%q) = %d, %v; want %d, %v", w, got, ok, want, in)
				}
			}
		}
		for k, want := range c.m {
			if got, ok := c.tab.get([]byte(k)); !ok || got != want {
				t.Fatalf("get(%q) = %d, %v; want %d", k, got, ok, want)
			}
		}
		if _, ok := c.tab.get(nil); ok {
			t.Fatal("the empty key found")
		}
	}
}
