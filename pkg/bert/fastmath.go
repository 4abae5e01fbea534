package bert

import "math"

// The transcendental functions of the kernels, to float32 accuracy. The
// model evaluates them some 60 million times per step of BERT-mini at
// B=32, T=128 (softmax over keys, GELU and its slope, the masked-LM
// softmax over the vocabulary), where math.Exp and math.Erf, exact to
// float64, would cost more than the non-matrix work around them. exp64
// computes in float64 (no dearer than float32 in scalar code) with a table
// and a polynomial just accurate enough for a float32 result; GELU reads
// tables of cubics. Their only branches are clamps that real activations
// do not take, so the branch predictor is never wrong. fastmath_test.go
// checks them against package math over their whole range: exp64 rounded
// to float32 is within 1 ulp, the GELU tables within 1e-8.

const (
	log2e = 1.4426950408889634 // 1/ln 2
	// roundMagic is 1.5·2⁵²: adding and subtracting it rounds a float64
	// below 2⁵¹ in magnitude to the nearest integer.
	roundMagic = 0x1.8p52
)

// exp64 returns e^v to a relative 1e-9 for v in [-104, 89] (clamped to
// that range: outside it the float32 result is 0 or +Inf anyway). It
// splits v = (32n + j)·ln2/32 + r with |r| ≤ ln2/64, so that
//
//	e^v = 2ⁿ · 2^(j/32) · e^r,  e^r ≈ 1 + r + r²/2 + r³/6
//
// (truncation below 6e-10), 2^(j/32) from a table and 2ⁿ added to its
// exponent bits. NaN gives NaN. The clamps are branches, not min and max:
// those must order NaN and ±0 and cost more than the rest here.
func exp64(v float64) float64 {
	if v < -104 {
		v = -104
	}
	if v > 89 {
		v = 89
	}
	kf := (v*(32*log2e) + roundMagic) - roundMagic
	k := int64(kf)
	r := v - kf*(math.Ln2/32)
	p := 1 + r*(1+r*(0.5+r*(1.0/6)))
	return p * math.Float64frombits(exp2Table[k&31]+uint64(k>>5)<<52)
}

// exp2Table holds the bits of 2^(j/32), j = 0..31.
var exp2Table = func() (t [32]uint64) {
	for j := range t {
		t[j] = math.Float64bits(math.Exp2(float64(j) / 32))
	}
	return t
}()

// GELU's gate Φ(x) (the standard normal distribution function) and its
// slope GELU'(x) = Φ(x) + x·φ(x) come from tables of cubic Hermite
// pieces on [-8, 8], 32 per unit: each piece matches the function and its
// derivative at both ends, so the error is below h⁴/384·max|f⁗| (h =
// 1/32): 1.4e-9 for Φ and 7e-9 for GELU', under float32's resolution. A
// value costs no exp and no division, where erf would take both. Outside
// [-8, 8] the tables hold their end values, set to the limits 0 and 1
// (Φ(-8) = 6e-16): GELU is 0 below -8 and x above 8, to float32 precision.
const (
	cubicLo    = -8  // left end of the tables
	cubicScale = 32  // pieces per unit
	cubicN     = 512 // pieces: 16 units
)

// cubicTable holds one function's pieces: piece i covers
// [cubicLo + i/cubicScale, cubicLo + (i+1)/cubicScale] and is
// c0 + c1·s + c2·s² + c3·s³ in the local coordinate s ∈ [0, 1].
type cubicTable [cubicN][4]float64

// newCubicTable tabulates f, whose derivative is df, as Hermite cubics;
// the end values are replaced by lo and hi with zero slope.
func newCubicTable(f, df func(float64) float64, lo, hi float64) *cubicTable {
	var t cubicTable
	const h = 1.0 / cubicScale
	node := func(i int) (v, d float64) {
		switch i {
		case 0:
			return lo, 0
		case cubicN:
			return hi, 0
		}
		x := cubicLo + float64(i)*h
		return f(x), df(x)
	}
	for i := range t {
		f0, d0 := node(i)
		f1, d1 := node(i + 1)
		t[i] = [4]float64{f0, h * d0, 3*(f1-f0) - h*(2*d0+d1), 2*(f0-f1) + h*(d0+d1)}
	}
	return &t
}

// at evaluates the table at x, clamped to [-8, 8]; NaN gives NaN.
func (t *cubicTable) at(x float64) float64 {
	if x < cubicLo {
		x = cubicLo
	}
	if x > -cubicLo {
		x = -cubicLo
	}
	u := (x - cubicLo) * cubicScale
	i := uint(int(u)) // NaN converts to a huge value, clamped below
	if i > cubicN-1 {
		i = cubicN - 1
	}
	s := u - float64(i)
	c := &t[i]
	return c[0] + s*(c[1]+s*(c[2]+s*c[3]))
}

var (
	// phiTable is Φ(x) = erfc(-x/√2)/2, with slope φ(x) = exp(-x²/2)/√(2π).
	phiTable = newCubicTable(normCDF64, normPDF64, 0, 1)
	// geluSlopeTable is GELU'(x) = Φ(x) + x·φ(x), with slope (2 - x²)·φ(x).
	geluSlopeTable = newCubicTable(func(x float64) float64 { return normCDF64(x) + x*normPDF64(x) },
		func(x float64) float64 { return (2 - x*x) * normPDF64(x) }, 0, 1)
)

// normCDF64 is Φ(x) from package math, for the tables and the tests.
func normCDF64(x float64) float64 { return 0.5 * math.Erfc(-x/math.Sqrt2) }

// normPDF64 is φ(x), the standard normal density.
func normPDF64(x float64) float64 { return math.Exp(-x*x/2) / math.Sqrt(2*math.Pi) }
