package pyrandom

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"math/bits"
)

// MT19937 parameters (Matsumoto and Nishimura, 1998).
const (
	stateWords = 624 // N: words of state
	shift      = 397 // M: offset of the word mixed into each new one
	matrixA    = 0x9908b0df
	upperMask  = 0x80000000 // most significant bit of a word
	lowerMask  = 0x7fffffff // the other 31 bits
)

// Random is a Mersenne Twister seeded and drawn exactly as CPython's
// random.Random. The zero value is not seeded: use New. A Random is not safe
// for concurrent use; give each goroutine its own.
type Random struct {
	mt    [stateWords]uint32
	index int // next word of mt to draw; stateWords means "regenerate first"
	// out holds the tempered mt words, computed once per twist: a draw is
	// then one load, and the tempering runs in a tight loop.
	out [stateWords]uint32
}

// New returns a generator in the state random.Random(seed) starts in. As in
// CPython, only the absolute value of seed matters: New(-7) equals New(7).
func New(seed int64) *Random {
	r := new(Random)
	r.Seed(seed)
	return r
}

// Seed resets r to the state random.Random(seed) starts in.
func (r *Random) Seed(seed int64) {
	abs := uint64(seed)
	if seed < 0 {
		abs = -abs // correct for math.MinInt64 too: 1<<63
	}
	// CPython splits |seed| into 32-bit words, least significant first,
	// with no leading zero words and a single zero word for seed 0.
	if abs>>32 != 0 {
		r.initByArray([]uint32{uint32(abs), uint32(abs >> 32)})
	} else {
		r.initByArray([]uint32{uint32(abs)})
	}
}

// initGenrand fills the state from one word by the reference init_genrand.
func (r *Random) initGenrand(s uint32) {
	r.mt[0] = s
	for i := 1; i < stateWords; i++ {
		prev := r.mt[i-1]
		r.mt[i] = 1812433253*(prev^(prev>>30)) + uint32(i)
	}
	r.index = stateWords
}

// initByArray mixes key into the state by the reference init_by_array.
func (r *Random) initByArray(key []uint32) {
	r.initGenrand(19650218)
	i, j := 1, 0
	for k := max(stateWords, len(key)); k > 0; k-- {
		prev := r.mt[i-1]
		r.mt[i] = (r.mt[i] ^ ((prev ^ (prev >> 30)) * 1664525)) + key[j] + uint32(j)
		i++
		j++
		if i >= stateWords {
			r.mt[0] = r.mt[stateWords-1]
			i = 1
		}
		if j >= len(key) {
			j = 0
		}
	}
	for k := stateWords - 1; k > 0; k-- {
		prev := r.mt[i-1]
		r.mt[i] = (r.mt[i] ^ ((prev ^ (prev >> 30)) * 1566083941)) - uint32(i)
		i++
		if i >= stateWords {
			r.mt[0] = r.mt[stateWords-1]
			i = 1
		}
	}
	r.mt[0] = upperMask // nonzero initial state is assured
}

// twist computes the next stateWords words of the sequence in place.
func (r *Random) twist() {
	mt := &r.mt
	var i int
	for i = 0; i < stateWords-shift; i++ {
		y := mt[i]&upperMask | mt[i+1]&lowerMask
		mt[i] = mt[i+shift] ^ y>>1 ^ (y&1)*matrixA
	}
	for ; i < stateWords-1; i++ {
		y := mt[i]&upperMask | mt[i+1]&lowerMask
		mt[i] = mt[i+shift-stateWords] ^ y>>1 ^ (y&1)*matrixA
	}
	y := mt[stateWords-1]&upperMask | mt[0]&lowerMask
	mt[stateWords-1] = mt[shift-1] ^ y>>1 ^ (y&1)*matrixA
	r.temper()
	r.index = 0
}

// temper fills out with the tempered state words.
func (r *Random) temper() {
	for i, y := range &r.mt {
		y ^= y >> 11
		y ^= (y << 7) & 0x9d2c5680
		y ^= (y << 15) & 0xefc60000
		y ^= y >> 18
		r.out[i] = y
	}
}

// uint32 returns the next tempered 32-bit output, CPython's genrand_uint32.
func (r *Random) uint32() uint32 {
	if r.index >= stateWords {
		r.twist()
	}
	r.index++
	return r.out[r.index-1]
}

// Random returns a float64 in [0, 1) with 53 random bits, as random.random():
// the top 27 bits of one output and the top 26 of the next.
func (r *Random) Random() float64 {
	a := r.uint32() >> 5
	b := r.uint32() >> 6
	return (float64(a)*67108864.0 + float64(b)) * (1.0 / 9007199254740992.0)
}

// GetRandBits returns an integer with k random bits, as getrandbits(k).
// For k up to 32 it takes the top k bits of one output; for 33 to 64 the
// first output gives the low 32 bits and the top k-32 bits of the second
// give the rest. GetRandBits(0) is 0 and draws nothing. CPython accepts any
// k >= 0; here k must lie in [0, 64], and GetRandBits panics otherwise.
func (r *Random) GetRandBits(k int) uint64 {
	switch {
	case k < 0 || k > 64:
		panic(fmt.Sprintf("pyrandom: GetRandBits(%d): k must be in [0, 64]", k))
	case k == 0:
		return 0
	case k <= 32:
		return uint64(r.uint32() >> (32 - k))
	}
	lo := r.uint32()
	hi := r.uint32() >> (64 - k)
	return uint64(hi)<<32 | uint64(lo)
}

// randBelow returns a value in [0, n) for n > 0 by rejection on
// getrandbits(n.bit_length()), as Random._randbelow_with_getrandbits.
func (r *Random) randBelow(n uint64) uint64 {
	if n <= math.MaxUint32 {
		// getrandbits(k) for k <= 32 is the top k bits of one output.
		shift := 32 - bits.Len64(n)
		for {
			if v := uint64(r.uint32() >> shift); v < n {
				return v
			}
		}
	}
	k := bits.Len64(n)
	v := r.GetRandBits(k)
	for v >= n {
		v = r.GetRandBits(k)
	}
	return v
}

// randBelow2to64 returns _randbelow(2**64), which rejects getrandbits(65)
// draws whose 65th bit is set.
func (r *Random) randBelow2to64() uint64 {
	for {
		v := r.GetRandBits(64)
		if r.uint32()>>31 == 0 {
			return v
		}
	}
}

// RandBelow returns an int in [0, n), as Random._randbelow(n). It panics if
// n <= 0 (CPython would loop forever on 0).
func (r *Random) RandBelow(n int) int {
	if n <= 0 {
		panic(fmt.Sprintf("pyrandom: RandBelow(%d): n must be positive", n))
	}
	return int(r.randBelow(uint64(n)))
}

// RandRange returns an int in [start, stop), as randrange(start, stop). It
// panics if stop <= start, where Python raises ValueError.
func (r *Random) RandRange(start, stop int) int {
	if stop <= start {
		panic(fmt.Sprintf("pyrandom: RandRange(%d, %d): empty range", start, stop))
	}
	// The width may exceed math.MaxInt but always fits in a uint64, and the
	// wrapping sum lands back in [start, stop).
	width := uint64(stop) - uint64(start)
	return start + int(r.randBelow(width))
}

// RandInt returns an int in [a, b], both ends included, as randint(a, b). It
// panics if b < a, where Python raises ValueError.
func (r *Random) RandInt(a, b int) int {
	if b < a {
		panic(fmt.Sprintf("pyrandom: RandInt(%d, %d): empty range", a, b))
	}
	width := uint64(b) - uint64(a) + 1
	if width == 0 { // [math.MinInt64, math.MaxInt64]: 2**64 values
		return a + int(r.randBelow2to64())
	}
	return a + int(r.randBelow(width))
}

// Shuffle permutes n elements as random.shuffle does, calling swap(i, j) for
// i from n-1 down to 1 with j drawn from [0, i]. swap is called even when
// i == j, as Python assigns the pair then too. It panics if n < 0.
func (r *Random) Shuffle(n int, swap func(i, j int)) {
	if n < 0 {
		panic(fmt.Sprintf("pyrandom: Shuffle(%d): negative length", n))
	}
	for i := n - 1; i >= 1; i-- {
		swap(i, int(r.randBelow(uint64(i)+1)))
	}
}

// ShuffleInt32 permutes x as random.shuffle(x) does: the same draws and
// the same result as Shuffle(len(x), swap) with swap exchanging x[i] and
// x[j], without a call per element.
// randBelow's rejection loop is written out here over the tempered
// outputs: masking shuffles every instance's candidates, and this loop
// was a tenth of the time of making shards.
func (r *Random) ShuffleInt32(x []int32) {
	if len(x) > math.MaxUint32 {
		for i := len(x) - 1; i >= 1; i-- {
			j := r.randBelow(uint64(i) + 1)
			x[i], x[j] = x[j], x[i]
		}
		return
	}
	idx := r.index
	for i := len(x) - 1; i >= 1; i-- {
		n := uint32(i) + 1
		shift := uint(bits.LeadingZeros32(n)) // getrandbits(n.bit_length())
		var j uint32
		for {
			if idx >= stateWords {
				r.twist()
				idx = 0
			}
			j = r.out[idx] >> shift
			idx++
			if j < n {
				break
			}
		}
		x[i], x[j] = x[j], x[i]
	}
	r.index = idx
}

// Choice returns the index that random.choice picks from a sequence of
// length n. It panics if n <= 0, where Python raises IndexError.
func (r *Random) Choice(n int) int {
	if n <= 0 {
		panic(fmt.Sprintf("pyrandom: Choice(%d): empty sequence", n))
	}
	return int(r.randBelow(uint64(n)))
}

// Sample returns the indices of the k distinct elements that
// random.sample(population, k) picks from a population of length n, in
// selection order. Like Python it keeps a pool of all n indices when that is
// smaller than a set of k, and otherwise redraws indices already taken; the
// two ways consume the stream differently. It panics unless 0 <= k <= n.
func (r *Random) Sample(n, k int) []int {
	if k < 0 || k > n {
		panic(fmt.Sprintf("pyrandom: Sample(%d, %d): k must be in [0, n]", n, k))
	}
	out := make([]int, k)
	setSize := 21 // CPython's size of a small set minus an empty list
	if k > 5 {
		// 3k is never a power of 4, so float rounding cannot move the ceiling.
		setSize += 1 << (2 * int(math.Ceil(math.Log(float64(k)*3)/math.Log(4))))
	}
	if n <= setSize {
		pool := make([]int, n)
		for i := range pool {
			pool[i] = i
		}
		for i := range k {
			j := int(r.randBelow(uint64(n - i)))
			out[i] = pool[j]
			pool[j] = pool[n-i-1]
		}
		return out
	}
	selected := make(map[int]struct{}, k)
	for i := range k {
		j := int(r.randBelow(uint64(n)))
		for {
			if _, dup := selected[j]; !dup {
				break
			}
			j = int(r.randBelow(uint64(n)))
		}
		selected[j] = struct{}{}
		out[i] = j
	}
	return out
}

// stateMagic opens a marshalled state.
const stateMagic = "PYMT"

// stateSize is the length of a marshalled state: magic, 624 words, index.
const stateSize = len(stateMagic) + 4*stateWords + 4

// MarshalBinary encodes the generator's state for a checkpoint: "PYMT", then
// the 624 state words and the index of the next word, each a little-endian
// uint32. The words and index are those of Python's getstate()[1].
func (r *Random) MarshalBinary() ([]byte, error) {
	b := make([]byte, 0, stateSize)
	b = append(b, stateMagic...)
	for _, w := range r.mt {
		b = binary.LittleEndian.AppendUint32(b, w)
	}
	b = binary.LittleEndian.AppendUint32(b, uint32(r.index))
	return b, nil
}

// UnmarshalBinary restores a state written by MarshalBinary. On error r is
// left unchanged.
func (r *Random) UnmarshalBinary(data []byte) error {
	if len(data) != stateSize || string(data[:len(stateMagic)]) != stateMagic {
		return fmt.Errorf("pyrandom: state is %d bytes, want %d starting %q", len(data), stateSize, stateMagic)
	}
	words := data[len(stateMagic):]
	index := binary.LittleEndian.Uint32(words[4*stateWords:])
	if index > stateWords {
		return fmt.Errorf("pyrandom: state index %d out of range [0, %d]", index, stateWords)
	}
	var mt [stateWords]uint32
	zero := true
	for i := range mt {
		mt[i] = binary.LittleEndian.Uint32(words[4*i:])
		zero = zero && mt[i] == 0
	}
	if zero {
		return errors.New("pyrandom: state words are all zero")
	}
	r.mt, r.index = mt, int(index)
	r.temper()
	return nil
}
