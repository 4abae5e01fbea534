package bert

import (
	"math"
	"testing"
)

// expf is e^x rounded to float32, as the kernels take it from exp64.
func expf(x float32) float32 { return float32(exp64(float64(x))) }

// TestExp64 compares exp64, rounded to float32, with math.Exp on a dense
// grid of float32 arguments over the whole range where the result is a
// normal float32, and finely in [-1, 1]: the error must stay within 1 ulp
// of the float32 result. Outside the range it must underflow to 0 and
// overflow to +Inf as float32(math.Exp(x)) does, and NaN stays NaN.
func TestExp64(t *testing.T) {
	var worst float64
	check := func(x float32) {
		want := math.Exp(float64(x))
		got := float64(expf(x))
		ulp := float64(math.Nextafter32(float32(want), float32(math.Inf(1))) - float32(want))
		if e := math.Abs(got-want) / ulp; e > worst {
			worst = e
		}
	}
	for x := float32(-87.3); x < 88.7; x += 0.0013 {
		check(x)
	}
	for i := range 1 << 16 {
		check(float32(i-1<<15) / (1 << 15)) // [-1, 1), finely
	}
	t.Logf("max error %.3f ulp", worst)
	if worst > 1 {
		t.Errorf("exp64 is off by up to %.3f ulp", worst)
	}
	for _, c := range []struct{ x, want float32 }{
		{0, 1}, {-200, 0}, {-104.5, 0}, {89, float32(math.Inf(1))}, {1e30, float32(math.Inf(1))},
		{float32(math.Inf(-1)), 0}, {float32(math.Inf(1)), float32(math.Inf(1))},
	} {
		if got := expf(c.x); got != c.want {
			t.Errorf("expf(%g) = %g, want %g", c.x, got, c.want)
		}
	}
	if got := expf(float32(math.NaN())); got == got {
		t.Errorf("expf(NaN) = %g", got)
	}
	// Subnormal results round like float32(math.Exp(x)), to the ulp.
	for _, x := range []float32{-88, -95, -100, -103} {
		got, want := expf(x), float32(math.Exp(float64(x)))
		if d := math.Abs(float64(got - want)); d > 1.5e-45 {
			t.Errorf("expf(%g) = %g, want %g", x, got, want)
		}
	}
}

// TestGeluTables compares phiTable and geluSlopeTable with Φ(x) and
// Φ(x) + x·φ(x) from package math on a grid finer than the pieces, over
// and beyond [-8, 8]: within 2e-9 (Φ) and 1e-8 (GELU') everywhere, exact at 0, the limits
// outside, and NaN for NaN.
func TestGeluTables(t *testing.T) {
	slope := func(x float64) float64 { return normCDF64(x) + x*normPDF64(x) }
	for _, c := range []struct {
		name  string
		table *cubicTable
		f     func(float64) float64
		at0   float64
		tol   float64
	}{{"Φ", phiTable, normCDF64, 0.5, 2e-9}, {"GELU'", geluSlopeTable, slope, 0.5, 1e-8}} {
		var worst float64
		for x := -9.0; x <= 9; x += 0.00061 {
			worst = max(worst, math.Abs(c.table.at(x)-c.f(x)))
		}
		t.Logf("%s: max error %.3g", c.name, worst)
		if worst > c.tol {
			t.Errorf("%s: table off by up to %.3g", c.name, worst)
		}
		if got := c.table.at(0); got != c.at0 {
			t.Errorf("%s(0) = %v, want %v", c.name, got, c.at0)
		}
		for _, x := range []float64{-8, -50, math.Inf(-1)} {
			if got := c.table.at(x); got != 0 {
				t.Errorf("%s(%g) = %g, want 0", c.name, x, got)
			}
		}
		for _, x := range []float64{8, 50, math.Inf(1)} {
			if got := c.table.at(x); got != 1 {
				t.Errorf("%s(%g) = %g, want 1", c.name, x, got)
			}
		}
		if got := c.table.at(math.NaN()); got == got {
			t.Errorf("%s(NaN) = %g", c.name, got)
		}
	}
}

// BenchmarkTranscendentals times exp64 and the Φ table next to math.Exp
// and math.Erf on the same 4096 arguments.
func BenchmarkTranscendentals(b *testing.B) {
	x := make([]float32, 4096)
	for i := range x {
		x[i] = float32(i%997)/50 - 12
	}
	out := make([]float32, len(x))
	for _, f := range []struct {
		name string
		f    func(float32) float32
	}{
		{"exp64", expf},
		{"math.Exp", func(v float32) float32 { return float32(math.Exp(float64(v))) }},
		{"phiTable", func(v float32) float32 { return float32(phiTable.at(float64(v))) }},
		{"math.Erf", func(v float32) float32 { return float32(0.5 * (1 + math.Erf(float64(v)/math.Sqrt2))) }},
	} {
		b.Run(f.name, func(b *testing.B) {
			for b.Loop() {
				for i, v := range x {
					out[i] = f.f(v)
				}
			}
		})
	}
}
