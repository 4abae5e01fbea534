package vocabtrain

import "strings"

// heapEntry is a pair's count as it was when the entry was pushed; the
// trainer compares it with the current count when the entry reaches the top.
type heapEntry struct {
	count int64
	key   uint64
}

// pairHeap is a binary max-heap of pairs: the higher count first, then the
// pair whose left token, then right token, is smaller in bytes. Token ids
// are resolved through the vocabulary passed to each method, which only
// grows, so an entry's order never changes while it is queued.
type pairHeap []heapEntry

// before reports whether x belongs above y.
func before(x, y heapEntry, tokens []string) bool {
	if x.count != y.count {
		return x.count > y.count
	}
	xa, xb := pairOf(x.key)
	ya, yb := pairOf(y.key)
	if xa != ya {
		return strings.Compare(tokens[xa], tokens[ya]) < 0
	}
	return strings.Compare(tokens[xb], tokens[yb]) < 0
}

func (h pairHeap) init(tokens []string) {
	for i := len(h)/2 - 1; i >= 0; i-- {
		h.down(i, tokens)
	}
}

func (h *pairHeap) push(e heapEntry, tokens []string) {
	*h = append(*h, e)
	h.up(len(*h)-1, tokens)
}

func (h *pairHeap) pop(tokens []string) {
	old := *h
	n := len(old) - 1
	old[0] = old[n]
	*h = old[:n]
	h.down(0, tokens)
}

// fix0 restores the order after the top entry's count was lowered.
func (h pairHeap) fix0(tokens []string) { h.down(0, tokens) }

func (h pairHeap) up(i int, tokens []string) {
	for i > 0 {
		p := (i - 1) / 2
		if !before(h[i], h[p], tokens) {
			return
		}
		h[i], h[p] = h[p], h[i]
		i = p
	}
}

func (h pairHeap) down(i int, tokens []string) {
	n := len(h)
	for {
		l := 2*i + 1
		if l >= n {
			return
		}
		m := l
		if r := l + 1; r < n && before(h[r], h[l], tokens) {
			m = r
		}
		if !before(h[m], h[i], tokens) {
			return
		}
		h[i], h[m] = h[m], h[i]
		i = m
	}
}
