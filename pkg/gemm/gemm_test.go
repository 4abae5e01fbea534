package gemm

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

// naive computes C = alpha·op(A)·op(B) + beta·C in float64, reading C only
// when beta is nonzero.
func naive(transA, transB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) []float64 {
	out := make([]float64, m*n)
	for i := range m {
		for j := range n {
			var s float64
			for p := range k {
				var av, bv float32
				if transA {
					av = a[p*lda+i]
				} else {
					av = a[i*lda+p]
				}
				if transB {
					bv = b[j*ldb+p]
				} else {
					bv = b[p*ldb+j]
				}
				s += float64(av) * float64(bv)
			}
			s *= float64(alpha)
			if beta != 0 {
				s += float64(beta) * float64(c[i*ldc+j])
			}
			out[i*n+j] = s
		}
	}
	return out
}

// randSlice returns n values uniform in [-1, 1).
func randSlice(r *rand.Rand, n int) []float32 {
	x := make([]float32, n)
	for i := range x {
		x[i] = 2*r.Float32() - 1
	}
	return x
}

// problem is one Sgemm call with random operands; the padding makes every
// stride exceed its row length so submatrix handling is exercised.
type problem struct {
	transA, transB bool
	m, n, k        int
	alpha, beta    float32
	pad            int
	a, b, c        []float32
	lda, ldb, ldc  int
}

func newProblem(r *rand.Rand, transA, transB bool, m, n, k int, alpha, beta float32, pad int) *problem {
	p := &problem{transA: transA, transB: transB, m: m, n: n, k: k, alpha: alpha, beta: beta, pad: pad}
	ar, ac := m, k
	if transA {
		ar, ac = k, m
	}
	br, bc := k, n
	if transB {
		br, bc = n, k
	}
	p.lda, p.ldb, p.ldc = ac+pad, bc+pad, n+pad
	p.a = randSlice(r, ar*p.lda)
	p.b = randSlice(r, br*p.ldb)
	p.c = randSlice(r, m*p.ldc)
	if beta == 0 {
		for i := range p.c {
			p.c[i] = float32(math.NaN())
		}
	}
	return p
}

// run calls Sgemm on a copy of C and returns it.
func (p *problem) run() []float32 {
	c := slices.Clone(p.c)
	Sgemm(p.transA, p.transB, p.m, p.n, p.k, p.alpha, p.a, p.lda, p.b, p.ldb, p.beta, c, p.ldc)
	return c
}

// check compares got with the float64 reference within 1e-5·sqrt(k)
// relative to the magnitude of the terms, and checks that padding between
// rows of C is untouched.
func (p *problem) check(t *testing.T, got []float32) {
	t.Helper()
	want := naive(p.transA, p.transB, p.m, p.n, p.k, p.alpha, p.a, p.lda, p.b, p.ldb, p.beta, p.c, p.ldc)
	tol := 1e-5 * math.Sqrt(float64(max(p.k, 1)))
	bad := 0
	for i := range p.m {
		for j := range p.n {
			g, w := float64(got[i*p.ldc+j]), want[i*p.n+j]
			// Terms are products of values in [-1, 1): scale the tolerance by
			// the largest possible sum, not by the (possibly cancelled) result.
			ref := math.Abs(float64(p.alpha))*float64(p.k) + math.Abs(float64(p.beta)) + 1
			if !(math.Abs(g-w) <= tol*ref) {
				if bad++; bad <= 5 {
					t.Errorf("C[%d][%d] = %v, want %v", i, j, g, w)
				}
			}
		}
		for j := p.n; j < p.ldc && i*p.ldc+j < len(got); j++ {
			if g, w := got[i*p.ldc+j], p.c[i*p.ldc+j]; math.Float32bits(g) != math.Float32bits(w) {
				t.Fatalf("padding C[%d][%d] changed from %v to %v", i, j, w, g)
			}
		}
	}
	if bad > 5 {
		t.Errorf("%d mismatches in all", bad)
	}
}

func name(transA, transB bool) string {
	op := func(t bool, x string) string {
		if t {
			return x + "T"
		}
		return x
	}
	return op(transA, "A") + "·" + op(transB, "B")
}

var transposes = [][2]bool{{false, false}, {false, true}, {true, false}, {true, true}}

func TestSgemmShapes(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	dims := [][3]int{
		{0, 0, 0}, {0, 5, 3}, {5, 0, 3}, {4, 5, 0},
		{1, 1, 1}, {1, 17, 1}, {7, 1, 13}, {2, 3, 5},
		{6, 16, 8}, {12, 32, 4}, {13, 29, 31}, {37, 41, 43},
		{97, 53, 257}, {101, 131, 300}, {5, 300, 7}, {200, 3, 513},
	}
	for _, tr := range transposes {
		for _, d := range dims {
			for _, pad := range []int{0, 3} {
				p := newProblem(r, tr[0], tr[1], d[0], d[1], d[2], 1, 0, pad)
				t.Run(fmt.Sprintf("%s/%dx%dx%d/pad%d", name(tr[0], tr[1]), d[0], d[1], d[2], pad), func(t *testing.T) {
					p.check(t, p.run())
				})
			}
		}
	}
}

func TestSgemmAlphaBeta(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	for _, tr := range transposes {
		for _, ab := range [][2]float32{{1, 0}, {1, 1}, {-0.5, 1}, {2, 0.25}, {0, 3}, {0, 0}, {1.5, -1}} {
			p := newProblem(r, tr[0], tr[1], 23, 35, 300, ab[0], ab[1], 2)
			t.Run(fmt.Sprintf("%s/alpha%v/beta%v", name(tr[0], tr[1]), ab[0], ab[1]), func(t *testing.T) {
				p.check(t, p.run())
			})
		}
	}
}

// TestSgemmBetaZeroIgnoresNaN checks that beta 0 overwrites NaN and Inf in
// C, also along the edge tiles and when k spans several blocks.
func TestSgemmBetaZeroIgnoresNaN(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	for _, k := range []int{1, kcBlock + 1} {
		p := newProblem(r, false, false, 13, 19, k, 1, 0, 1)
		for i := range p.c {
			if i%2 == 0 {
				p.c[i] = float32(math.Inf(1))
			}
		}
		got := p.run()
		for i := range p.m {
			for j := range p.n {
				if v := got[i*p.ldc+j]; math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) {
					t.Fatalf("k=%d: C[%d][%d] = %v", k, i, j, v)
				}
			}
		}
		p.check(t, got)
	}
}

// TestSgemmSmallExact checks a hand-computed product, as in the package
// documentation, with every transposition pattern.
func TestSgemmSmallExact(t *testing.T) {
	a := []float32{1, 2, 3, 4, 5, 6}  // 2×3
	at := []float32{1, 4, 2, 5, 3, 6} // its transpose, 3×2
	b := []float32{1, 0, 0, 1, 1, 1}  // 3×2
	bt := []float32{1, 0, 1, 0, 1, 1} // its transpose, 2×3
	want := []float32{4, 5, 10, 11}
	for _, tr := range transposes {
		aa, lda, bb, ldb := a, 3, b, 2
		if tr[0] {
			aa, lda = at, 2
		}
		if tr[1] {
			bb, ldb = bt, 3
		}
		c := []float32{100, 100, 100, 100}
		Sgemm(tr[0], tr[1], 2, 2, 3, 1, aa, lda, bb, ldb, 0, c, 2)
		if !slices.Equal(c, want) {
			t.Errorf("%s = %v, want %v", name(tr[0], tr[1]), c, want)
		}
		// C = 2·A·B − C gives 2·want − want = want.
		Sgemm(tr[0], tr[1], 2, 2, 3, 2, aa, lda, bb, ldb, -1, c, 2)
		if !slices.Equal(c, want) {
			t.Errorf("accumulate %s = %v, want %v", name(tr[0], tr[1]), c, want)
		}
	}
}

// TestSgemmThreadIndependence checks that the result is bit-identical for
// any thread count.
func TestSgemmThreadIndependence(t *testing.T) {
	defer SetThreads(0)
	r := rand.New(rand.NewPCG(7, 8))
	for _, tr := range transposes {
		for _, d := range [][3]int{{300, 200, 600}, {50, 3100, 70}, {7, 40, 1000}} {
			p := newProblem(r, tr[0], tr[1], d[0], d[1], d[2], 0.75, 0.5, 1)
			var ref []float32
			for _, nt := range []int{1, 2, 3, 8} {
				SetThreads(nt)
				got := p.run()
				if ref == nil {
					ref = got
					p.check(t, got)
					continue
				}
				for i := range got {
					if math.Float32bits(got[i]) != math.Float32bits(ref[i]) {
						t.Fatalf("%s %v: %d threads differ from 1 at %d: %v vs %v", name(tr[0], tr[1]), d, nt, i, got[i], ref[i])
					}
				}
			}
		}
	}
}

// TestKernels checks the assembly micro-kernel against the portable one,
// and the whole of Sgemm with each of them.
func TestKernels(t *testing.T) {
	if !hasAVX2() {
		t.Skip("no AVX2+FMA micro-kernel on this machine or build")
	}
	r := rand.New(rand.NewPCG(9, 10))
	for _, kc := range []int{1, 2, 3, 4, 5, 7, 8, 255, 256} {
		a := randSlice(r, kc*mr)
		b := randSlice(r, kc*nr)
		for _, acc := range []int{0, 1} {
			ldc := nr + 5
			c0 := randSlice(r, mr*ldc)
			c1, c2 := slices.Clone(c0), slices.Clone(c0)
			bias := firstOrNil(randSlice(r, nr), kc%2 == 0)
			kernelGeneric(kc, &a[0], &b[0], &c1[0], ldc, acc, bias)
			kernelAVX2(kc, &a[0], &b[0], &c2[0], ldc, acc, bias)
			tol := float32(1e-5 * math.Sqrt(float64(kc)) * float64(kc+1))
			for i := range c1 {
				if d := c1[i] - c2[i]; d > tol || d < -tol {
					t.Fatalf("kc=%d acc=%d: element %d: generic %v, AVX2 %v", kc, acc, i, c1[i], c2[i])
				}
			}
		}
	}
	// The direct kernel reads A in place and must give the packed kernel's
	// bits.
	for _, kc := range []int{1, 3, 4, 5, 8, 256, kcBlock} {
		lda := kc + 3
		a := randSlice(r, mr*lda)
		packed := make([]float32, kc*mr)
		packA6NGeneric(packed, a, lda, kc, 1)
		b := randSlice(r, kc*nr)
		for _, acc := range []int{0, 1} {
			ldc := nr + 2
			c0 := randSlice(r, mr*ldc)
			c1, c2 := slices.Clone(c0), slices.Clone(c0)
			bias := firstOrNil(randSlice(r, nr), kc%2 == 0)
			kernelAVX2(kc, &packed[0], &b[0], &c1[0], ldc, acc, bias)
			kernelAVX2Direct(kc, &a[0], lda, &b[0], &c2[0], ldc, acc, bias)
			if !slices.Equal(c1, c2) {
				t.Fatalf("kc=%d acc=%d: direct kernel differs from the packed one", kc, acc)
			}
		}
	}
	defer func(k kernelFunc, d directKernelFunc) { microKernel, directKernel = k, d }(microKernel, directKernel)
	for _, tr := range transposes {
		p := newProblem(r, tr[0], tr[1], 31, 45, 270, 1, 1, 2)
		microKernel, directKernel = kernelGeneric, nil
		gen := p.run()
		p.check(t, gen)
		microKernel, directKernel = kernelAVX2, kernelAVX2Direct
		asm := p.run()
		p.check(t, asm)
		directKernel = nil
		if packed := p.run(); !slices.Equal(asm, packed) {
			t.Errorf("%s: reading A in place changes the result", name(tr[0], tr[1]))
		}
	}
}

// firstOrNil returns &x[0] when use is set, else nil: a kernel's bias.
func firstOrNil(x []float32, use bool) *float32 {
	if !use {
		return nil
	}
	return &x[0]
}

// TestPackers checks the packers in use (the vector ones) against the
// portable ones, bit for bit, for lengths around their 8-wide steps, with
// padded strides.
func TestPackers(t *testing.T) {
	if !hasAVX2() {
		t.Skip("no AVX2 packers on this machine or build")
	}
	r := rand.New(rand.NewPCG(15, 16))
	for _, kc := range []int{1, 2, 7, 8, 9, 15, 16, 17, 31, 256, kcBlock} {
		ld := kc + 5
		sumsFast, sumsGen := []float64{1, 2, 3, 4, 5, 6, 7}, []float64{1, 2, 3, 4, 5, 6, 7}
		rows := randSlice(r, nr*ld)    // nr rows of ld, for A (mr used) and Bᵀ
		cols := randSlice(r, kc*ld+nr) // kc rows of ld, for Aᵀ and B
		for _, c := range []struct {
			name      string
			fast, gen func(dst []float32)
			size      int
		}{
			{"A", func(d []float32) { packA6N(d, rows, ld, kc, 0.5) }, func(d []float32) { packA6NGeneric(d, rows, ld, kc, 0.5) }, kc * mr},
			{"Aᵀ", func(d []float32) { packA6T(d, cols, ld, kc, -2) }, func(d []float32) { packA6TGeneric(d, cols, ld, kc, -2) }, kc * mr},
			{"Aᵀ+sums", func(d []float32) { packA6TSum(d, cols, ld, kc, 3, sumsFast) }, func(d []float32) { packA6TSumGeneric(d, cols, ld, kc, 3, sumsGen) }, kc * mr},
			{"B", func(d []float32) { packB16N(d, cols, ld, kc) }, func(d []float32) { packB16NGeneric(d, cols, ld, kc) }, kc * nr},
			{"Bᵀ", func(d []float32) { packB16T(d, rows, ld, kc) }, func(d []float32) { packB16TGeneric(d, rows, ld, kc) }, kc * nr},
		} {
			got, want := make([]float32, c.size+1), make([]float32, c.size+1)
			got[c.size], want[c.size] = 42, 42 // nothing past the sliver is written
			c.fast(got)
			c.gen(want)
			if !slices.Equal(got, want) {
				t.Errorf("%s, kc=%d: vector packer differs from the portable one", c.name, kc)
			}
		}
		if !slices.Equal(sumsFast, sumsGen) || sumsGen[6] != 7 {
			t.Errorf("kc=%d: row sums %v, want %v", kc, sumsFast, sumsGen)
		}
	}
}

// TestKernelGeneric checks the portable kernels alone against the
// reference, so they are covered on machines where the assembly kernels
// are used.
func TestKernelGeneric(t *testing.T) {
	defer func(k kernelFunc, d directKernelFunc) { microKernel, directKernel = k, d }(microKernel, directKernel)
	microKernel, directKernel = kernelGeneric, kernelDirectGeneric
	r := rand.New(rand.NewPCG(11, 12))
	for _, tr := range transposes {
		for _, alpha := range []float32{-1, 1} { // 1 reads A in place when A is not transposed
			p := newProblem(r, tr[0], tr[1], 19, 37, 290, alpha, 0.5, 1)
			p.check(t, p.run())
		}
	}
}

func TestSgemmPanicsOnBadInput(t *testing.T) {
	cases := []struct {
		name string
		call func()
	}{
		{"negative m", func() {
			Sgemm(false, false, -1, 2, 2, 1, make([]float32, 4), 2, make([]float32, 4), 2, 0, make([]float32, 4), 2)
		}},
		{"short a", func() {
			Sgemm(false, false, 2, 2, 2, 1, make([]float32, 3), 2, make([]float32, 4), 2, 0, make([]float32, 4), 2)
		}},
		{"short c", func() {
			Sgemm(false, false, 2, 2, 2, 1, make([]float32, 4), 2, make([]float32, 4), 2, 0, make([]float32, 3), 2)
		}},
		{"small ldb", func() {
			Sgemm(false, true, 2, 3, 2, 1, make([]float32, 4), 2, make([]float32, 6), 1, 0, make([]float32, 6), 3)
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			defer func() {
				if recover() == nil {
					t.Errorf("no panic")
				}
			}()
			tc.call()
		})
	}
}

// TestSgemmNoAllocs checks that a steady-state call allocates nothing.
func TestSgemmNoAllocs(t *testing.T) {
	if raceEnabled {
		t.Skip("sync.Pool drops items under the race detector")
	}
	defer SetThreads(0)
	SetThreads(2)
	r := rand.New(rand.NewPCG(13, 14))
	p := newProblem(r, false, true, 128, 96, 300, 1, 0, 0)
	c := slices.Clone(p.c)
	call := func() { Sgemm(false, true, p.m, p.n, p.k, 1, p.a, p.lda, p.b, p.ldb, 0, c, p.ldc) }
	call()
	if n := testing.AllocsPerRun(20, call); n > 0.5 {
		t.Errorf("%v allocations per call", n)
	}
}

// TestSgemmBias checks C = alpha·op(A)·op(B) + bias against the reference
// (beta 0 with C preset to the bias rows), ignoring what C held, for
// edge tiles, k over several blocks, and direct and packed A, and that
// the result is the same bits on 1 and 3 goroutines.
func TestSgemmBias(t *testing.T) {
	defer SetThreads(0)
	r := rand.New(rand.NewPCG(17, 18))
	for _, tr := range transposes {
		for _, d := range [][3]int{{1, 1, 1}, {13, 29, 31}, {97, 53, kcBlock + 9}, {300, 70, 40}} {
			for _, alpha := range []float32{1, -0.5} {
				m, n, k := d[0], d[1], d[2]
				p := newProblem(r, tr[0], tr[1], m, n, k, alpha, 1, 2)
				bias := randSlice(r, n)
				for i := range m {
					copy(p.c[i*p.ldc:][:n], bias)
				}
				var ref []float32
				for _, nt := range []int{1, 3} {
					SetThreads(nt)
					c := slices.Clone(p.c)
					for i := range m {
						for j := range n {
							c[i*p.ldc+j] = float32(math.NaN()) // overwritten, not read
						}
					}
					SgemmBias(p.transA, p.transB, m, n, k, alpha, p.a, p.lda, p.b, p.ldb, bias, c, p.ldc)
					if ref == nil {
						ref = c
						p.check(t, c)
					} else if !slices.Equal(c, ref) {
						t.Fatalf("%s %v alpha %v: %d threads differ from 1", name(tr[0], tr[1]), d, alpha, nt)
					}
				}
			}
		}
	}
	defer func() {
		if recover() == nil {
			t.Error("short bias: no panic")
		}
	}()
	SgemmBias(false, false, 2, 3, 2, 1, make([]float32, 4), 2, make([]float32, 6), 3, make([]float32, 2), make([]float32, 6), 3)
}

// TestSgemmBiasGrad checks that SgemmBiasGrad computes Sgemm's bits and
// adds the row sums of op(A) to dbias, within float32 rounding of the
// float64 sums, the same bits on 1 and 3 goroutines, also with alpha or k
// zero, where nothing is multiplied.
func TestSgemmBiasGrad(t *testing.T) {
	defer SetThreads(0)
	r := rand.New(rand.NewPCG(19, 20))
	for _, tr := range transposes {
		for _, d := range [][3]int{{1, 1, 1}, {13, 29, 31}, {97, 53, kcBlock + 9}, {70, 40, 300}, {8, 5, 0}} {
			for _, alpha := range []float32{1, -0.5, 0} {
				m, n, k := d[0], d[1], d[2]
				p := newProblem(r, tr[0], tr[1], m, n, k, alpha, 0.5, 1)
				db0 := randSlice(r, m)
				want := make([]float64, m)
				for i := range m {
					want[i] = float64(db0[i])
					for q := range k {
						if p.transA {
							want[i] += float64(p.a[q*p.lda+i])
						} else {
							want[i] += float64(p.a[i*p.lda+q])
						}
					}
				}
				var refC, refDB []float32
				for _, nt := range []int{1, 3} {
					SetThreads(nt)
					c, db := slices.Clone(p.c), slices.Clone(db0)
					SgemmBiasGrad(p.transA, p.transB, m, n, k, alpha, p.a, p.lda, p.b, p.ldb, p.beta, c, p.ldc, db)
					if refC == nil {
						refC, refDB = c, db
						if plain := p.run(); !slices.Equal(c, plain) {
							t.Errorf("%s %v alpha %v: C differs from Sgemm's", name(tr[0], tr[1]), d, alpha)
						}
						for i := range m {
							if e := math.Abs(float64(db[i]) - want[i]); e > 1e-6*(1+math.Abs(want[i])) {
								t.Errorf("%s %v alpha %v: dbias[%d] = %v, want %v", name(tr[0], tr[1]), d, alpha, i, db[i], want[i])
							}
						}
					} else if !slices.Equal(c, refC) || !slices.Equal(db, refDB) {
						t.Fatalf("%s %v alpha %v: %d threads differ from 1", name(tr[0], tr[1]), d, alpha, nt)
					}
				}
			}
		}
	}
}

// TestSgemmBlockByBlock covers calls whose packed B exceeds wholeKFloats,
// which take the k blocks (and column blocks) one phase at a time: against
// the reference, with the bias and row sums, the same bits on 1 and 3
// goroutines.
func TestSgemmBlockByBlock(t *testing.T) {
	defer SetThreads(0)
	r := rand.New(rand.NewPCG(21, 22))
	for _, tc := range []struct {
		m, n, k        int
		transA, transB bool
	}{{7, 2100, 2100, false, true}, {3, ncBlock + 130, 1400, true, false}} {
		m, n, k := tc.m, tc.n, tc.k
		if k*((n+nr-1)/nr*nr) <= wholeKFloats {
			t.Fatalf("%d×%d×%d fits wholeKFloats", m, n, k)
		}
		p := newProblem(r, tc.transA, tc.transB, m, n, k, 1, 0, 1)
		bias := randSlice(r, n)
		// The reference: beta 1 on C rows preset to the bias.
		want := *p
		want.beta, want.c = 1, slices.Clone(p.c)
		for i := range m {
			copy(want.c[i*want.ldc:][:n], bias)
		}
		var ref []float32
		for _, nt := range []int{1, 3} {
			SetThreads(nt)
			c := slices.Clone(p.c)
			SgemmBias(p.transA, p.transB, m, n, k, 1, p.a, p.lda, p.b, p.ldb, bias, c, p.ldc)
			if ref == nil {
				ref = c
				want.check(t, c)
			} else if !sameBits(c, ref) {
				t.Fatalf("%s %d×%d×%d: %d threads differ from 1", name(p.transA, p.transB), m, n, k, nt)
			}
		}
	}
}

// sameBits reports whether x and y hold the same float32 bit patterns
// (NaN padding included).
func sameBits(x, y []float32) bool {
	return slices.EqualFunc(x, y, func(a, b float32) bool { return math.Float32bits(a) == math.Float32bits(b) })
}
