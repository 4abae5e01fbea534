package pyrandom

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"slices"
	"strconv"
	"sync"
	"testing"
)

// vectors mirrors testdata/vectors.json, written by testdata/gen/vectors.py.
type vectors struct {
	Python string `json:"python"`
	Round  []struct {
		X   string `json:"x"` // float.hex
		Out int    `json:"out"`
	} `json:"round"`
	Seeds []seedVectors `json:"seeds"`
}

// seedVectors holds what one seed draws; each section starts from a fresh
// random.Random(seed).
type seedVectors struct {
	Seed        int64    `json:"seed"`
	Random      []string `json:"random"` // float.hex of random()
	GetRandBits []struct {
		K   int      `json:"k"`
		Out []uint64 `json:"out"`
	} `json:"getrandbits"`
	RandInt []struct {
		A, B int
		Out  []int
	} `json:"randint"`
	RandRange []struct {
		Start, Stop int
		Out         []int
	} `json:"randrange"`
	Shuffle []struct {
		N   int
		Out []int
	} `json:"shuffle"`
	Choice []struct {
		N   int
		Out []int
	} `json:"choice"`
	Sample []struct {
		N, K int
		Out  []int
	} `json:"sample"`
	Interleaved []struct {
		Op   string
		N    int
		A, B int
		Out  json.RawMessage
	} `json:"interleaved"`
	State            []uint32 `json:"state_after_1001_random"` // getstate()[1]
	RandomAfterState []string `json:"random_after_state"`
}

var loadVectors = sync.OnceValues(func() (*vectors, error) {
	data, err := os.ReadFile("testdata/vectors.json")
	if err != nil {
		return nil, err
	}
	v := new(vectors)
	return v, json.Unmarshal(data, v)
})

func testVectors(t *testing.T) *vectors {
	t.Helper()
	v, err := loadVectors()
	if err != nil {
		t.Fatalf("reading vectors: %v", err)
	}
	if len(v.Seeds) != 8 {
		t.Fatalf("vectors hold %d seeds, want 8", len(v.Seeds))
	}
	return v
}

func parseHex(t *testing.T, s string) float64 {
	t.Helper()
	f, err := strconv.ParseFloat(s, 64)
	if err != nil {
		t.Fatalf("bad float %q: %v", s, err)
	}
	return f
}

// checkRandom compares draws with Python's, bit for bit.
func checkRandom(t *testing.T, r *Random, want []string) {
	t.Helper()
	for i, h := range want {
		w := parseHex(t, h)
		if got := r.Random(); math.Float64bits(got) != math.Float64bits(w) {
			t.Fatalf("random() #%d = %x, want %s", i, got, h)
		}
	}
}

func TestRandom(t *testing.T) {
	for _, sv := range testVectors(t).Seeds {
		if len(sv.Random) != 2000 {
			t.Fatalf("seed %d: %d random() values, want 2000", sv.Seed, len(sv.Random))
		}
		checkRandom(t, New(sv.Seed), sv.Random)
	}
}

func TestGetRandBits(t *testing.T) {
	for _, sv := range testVectors(t).Seeds {
		r := New(sv.Seed)
		for _, c := range sv.GetRandBits {
			for i, want := range c.Out {
				if got := r.GetRandBits(c.K); got != want {
					t.Fatalf("seed %d: getrandbits(%d) #%d = %d, want %d", sv.Seed, c.K, i, got, want)
				}
			}
		}
	}
}

func TestRandInt(t *testing.T) {
	for _, sv := range testVectors(t).Seeds {
		r := New(sv.Seed)
		for _, c := range sv.RandInt {
			for i, want := range c.Out {
				if got := r.RandInt(c.A, c.B); got != want {
					t.Fatalf("seed %d: randint(%d, %d) #%d = %d, want %d", sv.Seed, c.A, c.B, i, got, want)
				}
			}
		}
	}
}

func TestRandRange(t *testing.T) {
	for _, sv := range testVectors(t).Seeds {
		r := New(sv.Seed)
		for _, c := range sv.RandRange {
			for i, want := range c.Out {
				if got := r.RandRange(c.Start, c.Stop); got != want {
					t.Fatalf("seed %d: randrange(%d, %d) #%d = %d, want %d", sv.Seed, c.Start, c.Stop, i, got, want)
				}
			}
		}
	}
}

// shuffled returns the permutation of 0..n-1 that r.Shuffle makes.
func shuffled(r *Random, n int) []int {
	x := make([]int, n)
	for i := range x {
		x[i] = i
	}
	r.Shuffle(n, func(i, j int) { x[i], x[j] = x[j], x[i] })
	return x
}

func TestShuffle(t *testing.T) {
	for _, sv := range testVectors(t).Seeds {
		r := New(sv.Seed)
		for _, c := range sv.Shuffle {
			if got := shuffled(r, c.N); !slices.Equal(got, c.Out) {
				t.Fatalf("seed %d: shuffle of %d = %v, want %v", sv.Seed, c.N, got, c.Out)
			}
		}
	}
}

// ShuffleInt32 makes Python's permutations too, and leaves the stream where
// Shuffle leaves it.
func TestShuffleInt32(t *testing.T) {
	for _, sv := range testVectors(t).Seeds {
		r, ref := New(sv.Seed), New(sv.Seed)
		for _, c := range sv.Shuffle {
			x := make([]int32, c.N)
			for i := range x {
				x[i] = int32(i)
			}
			r.ShuffleInt32(x)
			want := shuffled(ref, c.N)
			for i := range x {
				if int(x[i]) != c.Out[i] || int(x[i]) != want[i] {
					t.Fatalf("seed %d: ShuffleInt32 of %d = %v, want %v", sv.Seed, c.N, x, c.Out)
				}
			}
		}
		if a, b := r.Random(), ref.Random(); a != b {
			t.Fatalf("seed %d: random() after the shuffles = %v, Shuffle's stream gives %v", sv.Seed, a, b)
		}
	}
}

// ShuffleInt32 draws from the tempered outputs itself: across many
// regenerations of the state and sizes up to 3,000 it still matches
// Shuffle draw for draw.
func TestShuffleInt32Long(t *testing.T) {
	r, ref := New(7), New(7)
	for k := range 2000 {
		n := k*37%3001 + k%3
		x := make([]int32, n)
		for i := range x {
			x[i] = int32(i)
		}
		r.ShuffleInt32(x)
		want := shuffled(ref, n)
		for i := range x {
			if int(x[i]) != want[i] {
				t.Fatalf("shuffle %d of %d elements: position %d is %d, Shuffle gives %d", k, n, i, x[i], want[i])
			}
		}
	}
	if a, b := r.Random(), ref.Random(); a != b {
		t.Fatalf("random() after the shuffles = %v, Shuffle's stream gives %v", a, b)
	}
}

func TestChoice(t *testing.T) {
	for _, sv := range testVectors(t).Seeds {
		r := New(sv.Seed)
		for _, c := range sv.Choice {
			for i, want := range c.Out {
				if got := r.Choice(c.N); got != want {
					t.Fatalf("seed %d: choice(range(%d)) #%d = %d, want %d", sv.Seed, c.N, i, got, want)
				}
			}
		}
	}
}

func TestSample(t *testing.T) {
	for _, sv := range testVectors(t).Seeds {
		r := New(sv.Seed)
		for _, c := range sv.Sample {
			if got := r.Sample(c.N, c.K); !slices.Equal(got, c.Out) {
				t.Fatalf("seed %d: sample(range(%d), %d) = %v, want %v", sv.Seed, c.N, c.K, got, c.Out)
			}
		}
	}
}

// TestInterleaved replays calls mixed as create_pretraining_data.py mixes
// them: shuffles, random() < p tests and randint over changing ranges.
func TestInterleaved(t *testing.T) {
	for _, sv := range testVectors(t).Seeds {
		r := New(sv.Seed)
		for i, c := range sv.Interleaved {
			var got, want any
			switch c.Op {
			case "random":
				var h string
				if err := json.Unmarshal(c.Out, &h); err != nil {
					t.Fatal(err)
				}
				got, want = math.Float64bits(r.Random()), math.Float64bits(parseHex(t, h))
			case "randint":
				var w int
				if err := json.Unmarshal(c.Out, &w); err != nil {
					t.Fatal(err)
				}
				got, want = r.RandInt(c.A, c.B), w
			case "shuffle":
				var w []int
				if err := json.Unmarshal(c.Out, &w); err != nil {
					t.Fatal(err)
				}
				got, want = fmt.Sprint(shuffled(r, c.N)), fmt.Sprint(w)
			default:
				t.Fatalf("unknown op %q", c.Op)
			}
			if got != want {
				t.Fatalf("seed %d: call %d (%s): got %v, want %v", sv.Seed, i, c.Op, got, want)
			}
		}
	}
}

// TestStateMatchesPython checks the state words against Python's getstate()
// and that a state taken from Python continues Python's stream.
func TestStateMatchesPython(t *testing.T) {
	for _, sv := range testVectors(t).Seeds {
		if len(sv.State) != stateWords+1 {
			t.Fatalf("seed %d: state has %d entries, want %d", sv.Seed, len(sv.State), stateWords+1)
		}
		r := New(sv.Seed)
		for range 1001 {
			r.Random()
		}
		if !slices.Equal(r.mt[:], sv.State[:stateWords]) || r.index != int(sv.State[stateWords]) {
			t.Fatalf("seed %d: state after 1001 random() differs from Python's getstate()", sv.Seed)
		}

		blob := []byte(stateMagic)
		for _, w := range sv.State {
			blob = append(blob, byte(w), byte(w>>8), byte(w>>16), byte(w>>24))
		}
		var restored Random
		if err := restored.UnmarshalBinary(blob); err != nil {
			t.Fatalf("seed %d: %v", sv.Seed, err)
		}
		checkRandom(t, &restored, sv.RandomAfterState)
	}
}

// TestReference checks seeding and output against the first outputs listed
// in mt19937ar.out, the reference implementation's published test output.
func TestReference(t *testing.T) {
	var r Random
	r.initByArray([]uint32{0x123, 0x234, 0x345, 0x456})
	for i, want := range []uint32{1067595299, 955945823, 477289528, 4107218783, 4228976476} {
		if got := r.uint32(); got != want {
			t.Errorf("init_by_array output %d = %d, want %d", i, got, want)
		}
	}
	r.initGenrand(5489)
	if got := r.uint32(); got != 3499211612 {
		t.Errorf("init_genrand(5489) first output = %d, want 3499211612", got)
	}
}

func TestNegativeSeed(t *testing.T) {
	for _, seed := range []int64{7, 1 << 40, math.MaxInt64} {
		a, b := New(seed), New(-seed)
		for i := range 100 {
			if x, y := a.Random(), b.Random(); x != y {
				t.Fatalf("draw %d: New(%d) gives %v, New(%d) gives %v", i, seed, x, -seed, y)
			}
		}
	}
	// |MinInt64| = 2**63 has no int64 form, but seeds as two words.
	a, b := New(math.MinInt64), new(Random)
	b.initByArray([]uint32{0, 1 << 31})
	if a.mt != b.mt {
		t.Error("New(math.MinInt64) is not seeded with 2**63")
	}
}

func TestSeedResets(t *testing.T) {
	r := New(3)
	first := r.Random()
	r.RandInt(0, 1000)
	r.Seed(3)
	if got := r.Random(); got != first {
		t.Errorf("after Seed(3), Random() = %v, want %v", got, first)
	}
}

func TestMarshalRoundTrip(t *testing.T) {
	r := New(12345)
	for range 700 { // cross a twist so the index is mid-block
		r.Random()
	}
	state, err := r.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	if len(state) != 2504 {
		t.Errorf("state is %d bytes, want 2504", len(state))
	}
	var want []int
	for range 1000 {
		want = append(want, r.RandInt(0, 1<<40))
	}
	var restored Random
	if err := restored.UnmarshalBinary(state); err != nil {
		t.Fatal(err)
	}
	for i, w := range want {
		if got := restored.RandInt(0, 1<<40); got != w {
			t.Fatalf("draw %d after restore = %d, want %d", i, got, w)
		}
	}
}

func TestUnmarshalBinaryErrors(t *testing.T) {
	good, _ := New(1).MarshalBinary()
	badIndex := bytes.Clone(good)
	badIndex[len(badIndex)-4] = 0x71 // 625
	badIndex[len(badIndex)-3] = 0x02
	zero := make([]byte, stateSize)
	copy(zero, stateMagic)
	badMagic := bytes.Clone(good)
	badMagic[0] = 'X'
	for name, data := range map[string][]byte{
		"empty":     nil,
		"short":     good[:len(good)-1],
		"long":      append(bytes.Clone(good), 0),
		"magic":     badMagic,
		"index 625": badIndex,
		"all zero":  zero,
	} {
		r := New(99)
		before := *r
		if err := r.UnmarshalBinary(data); err == nil {
			t.Errorf("%s: UnmarshalBinary accepted a bad state", name)
		}
		if *r != before {
			t.Errorf("%s: UnmarshalBinary changed the generator on error", name)
		}
	}
}

func TestRoundVectors(t *testing.T) {
	v := testVectors(t)
	for _, c := range v.Round {
		if got := Round(parseHex(t, c.X)); got != c.Out {
			t.Errorf("Round(%s) = %d, want %d (Python %s)", c.X, got, c.Out, v.Python)
		}
	}
}

func TestRound(t *testing.T) {
	for _, c := range []struct {
		x    float64
		want int
	}{
		{0.5, 0},
		{1.5, 2},
		{2.5, 2},
		{3.5, 4},
		{-0.5, 0},
		{-1.5, -2},
		{-2.5, -2},
		{0.49999999999999994, 0},
		{2.675, 3},      // 2.67499999999999982236431605997495353221893310546875
		{7.5 * 0.15, 1}, // 1.125
		{0.15 * 20, 3},  // 3.0000000000000004
		{0.15 * 10, 2},  // 1.5 exactly: ties to even
		{0.15 * 30, 4},  // 4.5 exactly
		{0.15 * 50, 8},  // 7.5 exactly
		{4503599627370495.5, 4503599627370496},
		{math.NaN(), 0},
		{math.Inf(1), math.MaxInt},
		{math.Inf(-1), math.MinInt},
		{1e300, math.MaxInt},
		{-1e300, math.MinInt},
		{-9223372036854775808, math.MinInt},
	} {
		if got := Round(c.x); got != c.want {
			t.Errorf("Round(%v) = %d, want %d", c.x, got, c.want)
		}
	}
}

func TestPanics(t *testing.T) {
	r := New(1)
	for name, f := range map[string]func(){
		"GetRandBits(-1)":  func() { r.GetRandBits(-1) },
		"GetRandBits(65)":  func() { r.GetRandBits(65) },
		"RandBelow(0)":     func() { r.RandBelow(0) },
		"RandRange(3, 3)":  func() { r.RandRange(3, 3) },
		"RandInt(5, 4)":    func() { r.RandInt(5, 4) },
		"Choice(0)":        func() { r.Choice(0) },
		"Shuffle(-1, nil)": func() { r.Shuffle(-1, nil) },
		"Sample(3, 4)":     func() { r.Sample(3, 4) },
		"Sample(3, -1)":    func() { r.Sample(3, -1) },
	} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("%s did not panic", name)
				}
			}()
			f()
		}()
	}
}

// FuzzRanges checks that integer draws stay in range for any bounds.
func FuzzRanges(f *testing.F) {
	f.Add(int64(0), int64(0), int64(1))
	f.Add(int64(-7), int64(math.MinInt64), int64(math.MaxInt64))
	f.Add(int64(1), int64(math.MaxInt64-1), int64(math.MaxInt64))
	f.Fuzz(func(t *testing.T, seed, a, b int64) {
		if a > b {
			a, b = b, a
		}
		r := New(seed)
		if v := r.RandInt(int(a), int(b)); v < int(a) || v > int(b) {
			t.Fatalf("RandInt(%d, %d) = %d", a, b, v)
		}
		if a < b {
			if v := r.RandRange(int(a), int(b)); v < int(a) || v >= int(b) {
				t.Fatalf("RandRange(%d, %d) = %d", a, b, v)
			}
		}
		if f := r.Random(); f < 0 || f >= 1 {
			t.Fatalf("Random() = %v", f)
		}
	})
}

func BenchmarkRandom(b *testing.B) {
	r := New(12345)
	var sum float64
	for b.Loop() {
		sum += r.Random()
	}
	_ = sum
}

func BenchmarkRandInt(b *testing.B) {
	r := New(12345)
	var sum int
	for b.Loop() {
		sum += r.RandInt(0, 30521)
	}
	_ = sum
}

func BenchmarkShuffle128(b *testing.B) {
	r := New(12345)
	x := make([]int, 128)
	for b.Loop() {
		r.Shuffle(len(x), func(i, j int) { x[i], x[j] = x[j], x[i] })
	}
}
