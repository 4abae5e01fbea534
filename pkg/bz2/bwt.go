package bz2

import "slices"

// The inverse BWT. Sorting the block's bytes, the last column L of the
// sorted rotations of the text, gives the first column F. The k-th
// occurrence of byte b in F and the k-th in L belong to rotations one step
// apart, so a counting sort of L yields the forward vector: for each row,
// the row of the rotation starting one byte later. Following it from
// origPtr, the row of the text itself, spells the text by first bytes.
//
// Each step is a load from a random place in a 3.6 MB array that depends on
// the previous one: a chain of cache misses that costs more than the rest
// of decoding together. So the walk is split into arcs that run side by side
// as independent chains: some rows are marked as arc starts, each arc walks
// from its start to the next marked row, and the arcs, chained by which
// start each one ran into, concatenate into the text.
const (
	arcSlots  = 8       // arcs walked at once
	maxArcs   = 64      // arcs per block at most
	arcMin    = 8 << 10 // no arcs for blocks shorter than this
	chunkSize = 4 << 10 // arcs grow in chunks of walk of this size
	startFlag = 1 << 31 // in tt: this row starts an arc
)

// arcState holds the bookkeeping of one block's arcs, kept between blocks
// to save allocations.
type arcState struct {
	starts []uint32   // arc start rows, sorted
	next   []int      // next[a]: the arc following arc a in the text
	rank   []int      // rank[a]: arc a's place in the text, or -1 if not in it
	chunks []arcChunk // pieces of walk, in the order they were taken
	order  []arcChunk // the same in text order
}

// An arcChunk is a piece of z.walk holding part of an arc.
type arcChunk struct {
	arc        int
	start, end int
}

// inverseBWT turns the block's BWT output, nev runs in z.ev totalling n
// bytes, with byte value b occurring counts[b] times, back into the block's
// text in z.ll[:n], given the row of the text among the sorted rotations. If the forward vector from origPtr
// cycles after m < n steps, which only a periodic text or a corrupt block
// gives, the text is those m bytes repeated, as the plain walk of n steps
// would give.
func (z *Reader) inverseBWT(nev, n, origPtr int, counts *[256]int) {
	var next [256]int
	sum := 0
	for b, c := range counts {
		next[b] = sum
		sum += c
	}
	ll, tt := z.ll[:n], z.tt[:n]
	i := uint32(0)
	for _, e := range z.ev[:nev] {
		b, c := e&0xff, int(e>>8)
		j := next[b]
		next[b] = j + c
		if c == 1 { // the most common case, without the loop's branches
			tt[j] = i<<8 | b
			i++
			continue
		}
		s := tt[j : j+c]
		for k := range s {
			s[k] = i<<8 | b
			i++
		}
	}
	if n < arcMin {
		r := uint32(origPtr)
		for i := range ll {
			x := tt[r]
			ll[i] = byte(x)
			r = x >> 8
		}
		return
	}

	a := &z.arcs
	k := min(maxArcs, n/(arcMin/8))
	a.starts = a.starts[:0]
	for j := range k {
		a.starts = append(a.starts, uint32(j*n/k))
	}
	if i, found := slices.BinarySearch(a.starts, uint32(origPtr)); !found {
		a.starts = slices.Insert(a.starts, i, uint32(origPtr))
	}
	for _, s := range a.starts {
		tt[s] |= startFlag
	}
	k = len(a.starts)
	a.next = slices.Grow(a.next[:0], k)[:k]
	a.chunks = a.chunks[:0]

	walk := z.walk
	// Each slot walks one arc at a time, writing it to chunks of walk.
	// Slot i's next row is row[i]; its bytes go to walk[pos[i]:lim[i]].
	var (
		row      [arcSlots]uint32
		pos, lim [arcSlots]int
		arc      [arcSlots]int // the slot's arc, or -1 when idle
		chunk    [arcSlots]int // its chunk's index in a.chunks
	)
	top := 0 // walk[top:] is free
	nextArc := 0
	// start puts arc nextArc, if any, in slot i, continuing its chunk.
	start := func(i int) {
		if nextArc == k {
			arc[i] = -1
			row[i] = a.starts[0] // flagged: the walk loop comes back here
			return
		}
		arc[i] = nextArc
		nextArc++
		if pos[i] == lim[i] {
			pos[i], lim[i] = top, top+chunkSize
			top += chunkSize
		}
		chunk[i] = len(a.chunks)
		a.chunks = append(a.chunks, arcChunk{arc: arc[i], start: pos[i]})
		x := tt[a.starts[arc[i]]]
		walk[pos[i]] = byte(x)
		pos[i]++
		row[i] = x &^ startFlag >> 8
	}
	active := 0
	for i := range arcSlots {
		if start(i); arc[i] >= 0 {
			active++
		}
	}
	for active > 0 {
		for i := range arcSlots {
			x := tt[row[i]]
			if x&startFlag == 0 && pos[i] < lim[i] {
				walk[pos[i]] = byte(x)
				pos[i]++
				row[i] = x >> 8
				continue
			}
			if arc[i] < 0 {
				continue
			}
			a.chunks[chunk[i]].end = pos[i]
			if x&startFlag == 0 { // chunk full: take another
				pos[i], lim[i] = top, top+chunkSize
				top += chunkSize
				chunk[i] = len(a.chunks)
				a.chunks = append(a.chunks, arcChunk{arc: arc[i], start: pos[i]})
				continue
			}
			// The arc ends where another starts.
			j, _ := slices.BinarySearch(a.starts, row[i])
			a.next[arc[i]] = j
			start(i)
			if arc[i] < 0 {
				active--
			}
		}
	}
	for _, s := range a.starts {
		tt[s] &^= startFlag
	}

	// Concatenate the arcs in text order, from the one at origPtr.
	a.rank = slices.Grow(a.rank[:0], k)[:k]
	rank := a.rank
	for i := range rank {
		rank[i] = -1
	}
	first, _ := slices.BinarySearch(a.starts, uint32(origPtr))
	for i, arc := 0, first; rank[arc] < 0; i, arc = i+1, a.next[arc] {
		rank[arc] = i
	}
	a.order = a.order[:0]
	for _, c := range a.chunks {
		if rank[c.arc] >= 0 {
			a.order = append(a.order, c)
		}
	}
	slices.SortStableFunc(a.order, func(c, d arcChunk) int { return rank[c.arc] - rank[d.arc] })
	m := 0
	for _, c := range a.order {
		m += copy(ll[m:], walk[c.start:c.end])
	}
	for m < n { // several cycles: repeat the one from origPtr
		m += copy(ll[m:], ll[:m])
	}
}
