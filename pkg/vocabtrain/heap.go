package vocabtrain

// heapEntry is a pair's count as it was when the entry was pushed; the
// trainer compares it with the current count when the entry reaches the top.
type heapEntry struct {
	count int64
	key   uint64
}

// pairHeap is a binary max-heap of pairs: the higher count first, then the
// pair whose left token, then right token, has the smaller id. Since key is
// uint64(a)<<32 | uint64(b), that tie-break is simply the smaller key.
type pairHeap []heapEntry

// before reports whether x belongs above y.
func before(x, y heapEntry) bool {
	if x.count != y.count {
		return x.count > y.count
	}
	return x.key < y.key
}

func (h pairHeap) init() {
	for i := len(h)/2 - 1; i >= 0; i-- {
		h.down(i)
	}
}

func (h *pairHeap) push(e heapEntry) {
	*h = append(*h, e)
	h.up(len(*h) - 1)
}

func (h *pairHeap) pop() {
	old := *h
	n := len(old) - 1
	old[0] = old[n]
	*h = old[:n]
	h.down(0)
}

// fix0 restores the order after the top entry's count was lowered.
func (h pairHeap) fix0() { h.down(0) }

func (h pairHeap) up(i int) {
	for i > 0 {
		p := (i - 1) / 2
		if !before(h[i], h[p]) {
			return
		}
		h[i], h[p] = h[p], h[i]
		i = p
	}
}

func (h pairHeap) down(i int) {
	n := len(h)
	for {
		l := 2*i + 1
		if l >= n {
			return
		}
		m := l
		if r := l + 1; r < n && before(h[r], h[l]) {
			m = r
		}
		if !before(h[m], h[i]) {
			return
		}
		h[i], h[m] = h[m], h[i]
		i = m
	}
}
