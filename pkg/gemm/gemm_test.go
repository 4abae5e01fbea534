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
			kernelGeneric(kc, &a[0], &b[0], &c1[0], ldc, acc)
			kernelAVX2(kc, &a[0], &b[0], &c2[0], ldc, acc)
			tol := float32(1e-5 * math.Sqrt(float64(kc)) * float64(kc+1))
			for i := range c1 {
				if d := c1[i] - c2[i]; d > tol || d < -tol {
					t.Fatalf("kc=%d acc=%d: element %d: generic %v, AVX2 %v", kc, acc, i, c1[i], c2[i])
				}
			}
		}
	}
	defer func(k kernelFunc) { microKernel = k }(microKernel)
	for _, tr := range transposes {
		p := newProblem(r, tr[0], tr[1], 31, 45, 270, 1, 1, 2)
		microKernel = kernelGeneric
		gen := p.run()
		p.check(t, gen)
		microKernel = kernelAVX2
		asm := p.run()
		p.check(t, asm)
	}
}

// TestKernelGeneric checks the portable kernel alone against the reference,
// so it is covered on machines where the assembly kernel is used.
func TestKernelGeneric(t *testing.T) {
	defer func(k kernelFunc) { microKernel = k }(microKernel)
	microKernel = kernelGeneric
	r := rand.New(rand.NewPCG(11, 12))
	for _, tr := range transposes {
		p := newProblem(r, tr[0], tr[1], 19, 37, 290, -1, 0.5, 1)
		p.check(t, p.run())
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
