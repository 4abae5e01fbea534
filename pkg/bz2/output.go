package bz2

// emit undoes the initial run-length step from z.text into p and returns the
// number of bytes written: 0 only at the end of the block. The run-length
// step wrote each run of 4 to 255 equal bytes as 4 bytes and a count of the
// remaining 0 to 251; a new run may start right after the count.
func (z *Reader) emit(p []byte) int {
	n := 0
	if z.rep > 0 {
		k := min(z.rep, len(p))
		b := byte(z.last)
		for i := range p[:k] {
			p[i] = b
		}
		n = k
		z.rep -= k
		if z.rep > 0 {
			return n
		}
		z.last = -1
	}
	text := z.text
	i := 0
	last, same := z.last, z.same
	for n < len(p) && i < len(text) {
		b := int32(text[i])
		i++
		p[n] = byte(b)
		n++
		if b != last {
			last = b
			same = 0
			continue
		}
		if same++; same < 3 {
			continue
		}
		// Four equal bytes: the next one is a count of further copies.
		same = 0
		last = -1
		if i == len(text) {
			break // no count: compress/bzip2 accepts this, the reference rejects it
		}
		c := int(text[i])
		i++
		if c == 0 {
			if i < len(text) && int32(text[i]) == b {
				z.quirks |= quirkZeroRun
			}
			continue
		}
		k := min(c, len(p)-n)
		for j := range p[n : n+k] {
			p[n+j] = byte(b)
		}
		n += k
		if k < c {
			z.rep = c - k
			last = b
			break
		}
	}
	z.text = text[i:]
	z.last, z.same = last, same
	return n
}
