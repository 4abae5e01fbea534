package gemm

import (
	"fmt"
	"math"
	"unsafe"
)

// GELU epilogues. BERT's feed-forward block applies GELU to the output of
// a linear layer and, in the backward pass, multiplies the gradient that
// comes back through the next layer by GELU's slope; SgemmGELU and
// SgemmGELUGrad do either on each tile of C while it is in L1, as
// cuBLASLt's GELU_AUX and DGELU epilogues do, instead of in a pass of
// their own. GELU is the exact (erf) form,
//
//	gelu(x) = x·Φ(x),  gelu'(x) = Φ(x) + x·φ(x),
//
// Φ the standard normal distribution function and φ its density. On amd64
// with AVX2 the tiles go through gelu_amd64.s, in float32: Φ within 2e-7,
// gelu within 4e-7·max(1, |x|) and gelu' within 3e-7 of the exact values
// (gelu_test.go). Elsewhere package math computes them in float64.
// gelu(-Inf) is NaN (-Inf·0), gelu'(±Inf) the limits 1 and 0.

// geluTile sets g[i·ldc+j] = gelu(c[i·ldc+j]) for i < rows, j < nr;
// dgeluTile multiplies c[i·ldc+j] by gelu'(x[i·ldc+j]). The platform file
// may replace them.
var (
	geluTile  = geluTileGeneric
	dgeluTile = dgeluTileGeneric
)

// prefetch, when set by the platform file, starts loading the mr rows of
// nr values at p with row stride ldc into cache: the epilogue's matrix of
// a full tile, before the micro-kernel runs, so that the epilogue does not
// wait for memory.
var prefetch func(p *float32, ldc int)

func geluTileGeneric(c, g *float32, ldc, rows int) {
	cs, gs := tileRows(c, ldc, rows), tileRows(g, ldc, rows)
	for i := range rows {
		for j, v := range cs[i*ldc:][:nr] {
			x := float64(v)
			gs[i*ldc+j] = float32(x * normCDF(x))
		}
	}
}

func dgeluTileGeneric(c, x *float32, ldc, rows int) {
	cs, xs := tileRows(c, ldc, rows), tileRows(x, ldc, rows)
	for i := range rows {
		for j, v := range xs[i*ldc:][:nr] {
			xv := float64(v)
			if xv < -20 { // the limits for ±Inf, as in gelu_amd64.s
				xv = -20
			} else if xv > 20 {
				xv = 20
			}
			slope := normCDF(xv) + xv*math.Exp(-xv*xv/2)/math.Sqrt(2*math.Pi)
			cs[i*ldc+j] *= float32(slope)
		}
	}
}

// tileRows is the memory of rows rows of nr values with row stride ldc,
// from p.
func tileRows(p *float32, ldc, rows int) []float32 { return unsafe.Slice(p, (rows-1)*ldc+nr) }

// normCDF is Φ(x).
func normCDF(x float64) float64 { return 0.5 * math.Erfc(-x/math.Sqrt2) }

// The epilogue a call applies to its tiles after the last k block.
const (
	epiNone     = iota
	epiGELU     // g.aux = gelu(C)
	epiGELUGrad // C *= gelu'(g.aux)
)

// SgemmGELU computes C = alpha·op(A)·op(B) + bias, as SgemmBias does, and
// G = gelu(C): a linear layer and its GELU in one call. C, GELU's input,
// is kept for the backward pass; G [m, n] has C's row stride ldc. Like
// Sgemm's, the result does not depend on Threads.
func SgemmGELU(transA, transB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, bias, c, g []float32, ldc int) {
	if len(bias) < n {
		panic(fmt.Sprintf("gemm.SgemmGELU: bias: len %d < %d columns", len(bias), n))
	}
	if err := checkMatrix("g", g, m, n, ldc); err != nil {
		panic("gemm.SgemmGELU: " + err.Error())
	}
	sgemmEpi("gemm.SgemmGELU: ", Threads(), transA, transB, m, n, k, alpha, a, lda, b, ldb, 0, c, ldc, bias[:n], nil, epiGELU, g)
}

// SgemmGELUGrad computes C = (alpha·op(A)·op(B)) ⊙ gelu'(X), the gradient
// of GELU's input X from the product, the gradient of its output: with
// op(A) the gradient of the next linear layer's output and op(B) that
// layer's weight, one call takes the gradient back through the layer and
// the GELU. X [m, n] has C's row stride ldc; C is written without being
// read, as with beta 0.
func SgemmGELUGrad(transA, transB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, x, c []float32, ldc int) {
	if err := checkMatrix("x", x, m, n, ldc); err != nil {
		panic("gemm.SgemmGELUGrad: " + err.Error())
	}
	sgemmEpi("gemm.SgemmGELUGrad: ", Threads(), transA, transB, m, n, k, alpha, a, lda, b, ldb, 0, c, ldc, nil, nil, epiGELUGrad, x)
}

// epilogue applies g's epilogue to rows [i0, i0+rows) and columns
// [j0, j0+cols) of C, after their last k block: a full tile in place, a
// partial one through s, padded with zeros, so that every value sees the
// same arithmetic.
func (g *gemm) epilogue(s *scratch, i0, j0, rows, cols int) {
	off := i0*g.ldc + j0
	if rows == mr && cols == nr {
		switch g.epi {
		case epiGELU:
			geluTile(&g.c[off], &g.aux[off], g.ldc, mr)
		case epiGELUGrad:
			dgeluTile(&g.c[off], &g.aux[off], g.ldc, mr)
		}
		return
	}
	in, out := s.tile[:], s.epi[:]
	clear(in)
	clear(out)
	for i := range rows {
		copy(in[i*nr:][:cols], g.c[off+i*g.ldc:][:cols])
		if g.epi == epiGELUGrad {
			copy(out[i*nr:][:cols], g.aux[off+i*g.ldc:][:cols])
		}
	}
	switch g.epi {
	case epiGELU:
		geluTile(&in[0], &out[0], nr, mr)
		for i := range rows {
			copy(g.aux[off+i*g.ldc:][:cols], out[i*nr:][:cols])
		}
	case epiGELUGrad:
		dgeluTile(&in[0], &out[0], nr, mr)
		for i := range rows {
			copy(g.c[off+i*g.ldc:][:cols], in[i*nr:][:cols])
		}
	}
}
