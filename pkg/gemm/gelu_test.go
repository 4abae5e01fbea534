package gemm

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

// geluRef and geluSlopeRef are gelu and gelu' in float64.
func geluRef(x float64) float64 { return x * normCDF(x) }

func geluSlopeRef(x float64) float64 {
	return normCDF(x) + x*math.Exp(-x*x/2)/math.Sqrt(2*math.Pi)
}

// applyTile runs the tile epilogue f on the values of x one tile at a
// time, mr×nr with zero padding, and returns the results: gelu(x) for
// geluTile, 1·gelu'(x) for dgeluTile.
func applyTile(f func(c, aux *float32, ldc, rows int), grad bool, x []float32) []float32 {
	out := make([]float32, len(x))
	for lo := 0; lo < len(x); lo += mr * nr {
		var c, aux [mr * nr]float32
		n := copy(aux[:], x[lo:])
		if grad {
			for i := range c {
				c[i] = 1
			}
			f(&c[0], &aux[0], nr, mr)
			copy(out[lo:], c[:n])
		} else {
			copy(c[:], x[lo:])
			f(&c[0], &aux[0], nr, mr)
			copy(out[lo:], aux[:n])
		}
	}
	return out
}

// TestGELUTiles checks the tile epilogues in use against gelu and gelu'
// in float64 on a fine grid over [-12, 12], beyond which they saturate,
// and at special values: gelu within 4e-7·max(1, |x|), gelu' within 3e-7.
func TestGELUTiles(t *testing.T) {
	var x []float32
	for v := -12.0; v <= 12; v += 0.00071 {
		x = append(x, float32(v))
	}
	x = append(x, 0, float32(math.Copysign(0, -1)), 1e-30, -1e-30, 30, -30, 1e4, -1e4)
	g := applyTile(geluTile, false, x)
	d := applyTile(dgeluTile, true, x)
	var worstG, worstD float64
	for i, v := range x {
		xv := float64(v)
		worstG = max(worstG, math.Abs(float64(g[i])-geluRef(xv))/max(1, math.Abs(xv)))
		worstD = max(worstD, math.Abs(float64(d[i])-geluSlopeRef(xv)))
	}
	t.Logf("max error: gelu %.3g·max(1,|x|), gelu' %.3g", worstG, worstD)
	if worstG > 4e-7 || worstD > 3e-7 {
		t.Errorf("epilogue errors: gelu %.3g·max(1,|x|), gelu' %.3g", worstG, worstD)
	}
	inf, nan := float32(math.Inf(1)), float32(math.NaN())
	special := []float32{inf, -inf, nan}
	gs, ds := applyTile(geluTile, false, special), applyTile(dgeluTile, true, special)
	if gs[0] != inf || gs[1] == gs[1] || ds[0] != 1 || math.Abs(float64(ds[1])) > 1e-30 {
		t.Errorf("gelu(±Inf) = %v, %v, gelu'(±Inf) = %v, %v; want +Inf, NaN, 1, 0", gs[0], gs[1], ds[0], ds[1])
	}
	if gs[2] == gs[2] || ds[2] == ds[2] {
		t.Errorf("gelu(NaN) = %v, gelu'(NaN) = %v; want NaN", gs[2], ds[2])
	}
}

// TestGELUTilesGeneric holds the portable epilogues to the same bounds.
func TestGELUTilesGeneric(t *testing.T) {
	x := []float32{-9, -3, -1, -0.5, 0, 0.25, 1, 2.5, 7}
	g := applyTile(geluTileGeneric, false, x)
	d := applyTile(dgeluTileGeneric, true, x)
	for i, v := range x {
		xv := float64(v)
		if e := math.Abs(float64(g[i]) - geluRef(xv)); e > 1e-7*max(1, math.Abs(xv)) {
			t.Errorf("gelu(%v) = %v, want %v", v, g[i], geluRef(xv))
		}
		if e := math.Abs(float64(d[i]) - geluSlopeRef(xv)); e > 1e-7 {
			t.Errorf("gelu'(%v) = %v, want %v", v, d[i], geluSlopeRef(xv))
		}
	}
}

// TestSgemmGELU checks that SgemmGELU's C is SgemmBias's, bit for bit,
// and that G is the tile epilogue of C value for value, edge tiles
// included; and that SgemmGELUGrad gives Sgemm's product times the
// epilogue's gelu'(X); the same bits on 1 and 3 goroutines, also with k
// zero.
func TestSgemmGELU(t *testing.T) {
	defer SetThreads(0)
	r := rand.New(rand.NewPCG(23, 24))
	for _, tr := range transposes {
		for _, d := range [][3]int{{1, 1, 1}, {13, 29, 31}, {97, 53, kcBlock + 9}, {300, 70, 40}, {7, 9, 0}} {
			m, n, k := d[0], d[1], d[2]
			p := newProblem(r, tr[0], tr[1], m, n, k, 1, 0, 2)
			bias := randSlice(r, n)
			x := randSlice(r, m*p.ldc)
			for i := range x {
				x[i] *= 4
			}
			var refC, refG, refD []float32
			for _, nt := range []int{1, 3} {
				SetThreads(nt)
				c, g := slices.Clone(p.c), slices.Clone(p.c)
				SgemmGELU(p.transA, p.transB, m, n, k, 1, p.a, p.lda, p.b, p.ldb, bias, c, g, p.ldc)
				dc := slices.Clone(p.c)
				SgemmGELUGrad(p.transA, p.transB, m, n, k, 1, p.a, p.lda, p.b, p.ldb, x, dc, p.ldc)
				if refC != nil {
					if !sameBits(c, refC) || !sameBits(g, refG) || !sameBits(dc, refD) {
						t.Fatalf("%s %v: %d threads differ from 1", name(tr[0], tr[1]), d, nt)
					}
					continue
				}
				refC, refG, refD = c, g, dc
				plain := slices.Clone(p.c)
				SgemmBias(p.transA, p.transB, m, n, k, 1, p.a, p.lda, p.b, p.ldb, bias, plain, p.ldc)
				if !sameBits(c, plain) {
					t.Fatalf("%s %v: C differs from SgemmBias's", name(tr[0], tr[1]), d)
				}
				prod := slices.Clone(p.c)
				Sgemm(p.transA, p.transB, m, n, k, 1, p.a, p.lda, p.b, p.ldb, 0, prod, p.ldc)
				for i := range m {
					row := c[i*p.ldc:][:n]
					want := applyTile(geluTile, false, row)
					slope := applyTile(dgeluTile, true, x[i*p.ldc:][:n])
					for j := range n {
						if g[i*p.ldc+j] != want[j] {
							t.Fatalf("%s %v: G[%d][%d] = %v, want %v", name(tr[0], tr[1]), d, i, j, g[i*p.ldc+j], want[j])
						}
						if w := prod[i*p.ldc+j] * slope[j]; dc[i*p.ldc+j] != w {
							t.Fatalf("%s %v: gradient [%d][%d] = %v, want %v", name(tr[0], tr[1]), d, i, j, dc[i*p.ldc+j], w)
						}
					}
				}
			}
		}
	}
}
