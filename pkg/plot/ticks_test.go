package plot

import (
	"slices"
	"testing"
)

func TestNiceStep(t *testing.T) {
	for _, tc := range []struct {
		raw  float64
		m, e int
	}{
		{1, 1, 0}, {1.01, 2, 0}, {2, 2, 0}, {2.5, 5, 0}, {5, 5, 0}, {5.1, 1, 1}, {9.99, 1, 1},
		{0.03, 5, -2}, {0.0002, 2, -4}, {136, 2, 2}, {19980, 2, 4}, {1e6, 1, 6},
	} {
		if m, e := niceStep(tc.raw); m != tc.m || e != tc.e {
			t.Errorf("niceStep(%g) = %d·10^%d, want %d·10^%d", tc.raw, m, e, tc.m, tc.e)
		}
	}
}

func TestLinearAxis(t *testing.T) {
	for _, tc := range []struct {
		lo, hi  float64
		target  int
		fixed   bool
		ticks   []float64
		labels  []string
		axLo    float64
		axHi    float64
		comment string
	}{
		{0, 10, 5, false, []float64{0, 2, 4, 6, 8, 10}, []string{"0", "2", "4", "6", "8", "10"}, 0, 10, "exact"},
		{1.3, 7.1, 5, false, []float64{0, 2, 4, 6, 8}, []string{"0", "2", "4", "6", "8"}, 0, 8, "grows to ticks"},
		{1.3, 7.1, 5, true, []float64{2, 4, 6}, []string{"2", "4", "6"}, 1.3, 7.1, "fixed keeps range"},
		{0.05, 0.73, 5, false, []float64{0, 0.2, 0.4, 0.6, 0.8}, []string{"0", "0.2", "0.4", "0.6", "0.8"}, 0, 0.8, "decimals"},
		{0.5, 0.95, 5, false, []float64{0.5, 0.6, 0.7, 0.8, 0.9, 1}, []string{"0.5", "0.6", "0.7", "0.8", "0.9", "1.0"}, 0.5, 1, "same decimals"},
		{-3, 3, 4, false, []float64{-4, -2, 0, 2, 4}, []string{"-4", "-2", "0", "2", "4"}, -4, 4, "negative"},
		{0, 1e-4, 5, false, []float64{0, 2e-5, 4e-5, 6e-5, 8e-5, 1e-4}, []string{"0", "2e-5", "4e-5", "6e-5", "8e-5", "1e-4"}, 0, 1e-4, "tiny"},
		{1e-4, 1.3e-4, 3, false, []float64{1e-4, 1.1e-4, 1.2e-4, 1.3e-4}, []string{"1e-4", "1.1e-4", "1.2e-4", "1.3e-4"}, 1e-4, 1.3e-4, "tiny, two digits"},
		{100, 100000, 5, false, []float64{0, 20000, 40000, 60000, 80000, 100000}, []string{"0", "20k", "40k", "60k", "80k", "100k"}, 0, 100000, "thousands"},
		{0, 2.2e6, 4, false, []float64{0, 1e6, 2e6, 3e6}, []string{"0", "1M", "2M", "3M"}, 0, 3e6, "millions"},
		{0, 1.6e6, 4, false, []float64{0, 0.5e6, 1e6, 1.5e6, 2e6}, []string{"0", "0.5M", "1.0M", "1.5M", "2.0M"}, 0, 2e6, "half millions"},
		{0, 9000, 4, false, []float64{0, 5000, 10000}, []string{"0", "5k", "10k"}, 0, 10000, "k once ticks reach 10,000"},
		{0.1, 0.3, 2, false, []float64{0.1, 0.2, 0.3}, []string{"0.1", "0.2", "0.3"}, 0.1, 0.3, "no 0.30000000000000004"},
	} {
		a := linearAxis(tc.lo, tc.hi, tc.target, tc.fixed)
		if !slices.Equal(a.ticks, tc.ticks) || !slices.Equal(a.labels, tc.labels) || a.lo != tc.axLo || a.hi != tc.axHi {
			t.Errorf("%s: linearAxis(%g, %g, %d, %v) = [%g, %g] %v %q, want [%g, %g] %v %q", tc.comment,
				tc.lo, tc.hi, tc.target, tc.fixed, a.lo, a.hi, a.ticks, a.labels, tc.axLo, tc.axHi, tc.ticks, tc.labels)
		}
	}
}

func TestLogAxis(t *testing.T) {
	for _, tc := range []struct {
		lo, hi     float64
		target     int
		fixed      bool
		ticks      []float64
		labels     []string
		axLo, axHi float64
	}{
		{2, 8, 5, false, []float64{1, 2, 5, 10}, []string{"1", "2", "5", "10"}, 1, 10},
		{1.5, 30, 5, true, []float64{2, 5, 10, 20}, []string{"2", "5", "10", "20"}, 1.5, 30},
		{1e-5, 3e-2, 5, false, []float64{1e-5, 1e-4, 1e-3, 1e-2, 1e-1}, []string{"1e-5", "1e-4", "0.001", "0.01", "0.1"}, 1e-5, 0.1},
		{1, 1e8, 4, false, []float64{1, 100, 1e4, 1e6, 1e8}, []string{"1", "100", "1e4", "1e6", "1e8"}, 1, 1e8},
		{10, 10, 4, false, []float64{10, 20, 50, 100}, []string{"10", "20", "50", "100"}, 10, 100},
	} {
		a := logAxis(tc.lo, tc.hi, tc.target, tc.fixed)
		if !slices.Equal(a.ticks, tc.ticks) || !slices.Equal(a.labels, tc.labels) || a.lo != tc.axLo || a.hi != tc.axHi {
			t.Errorf("logAxis(%g, %g, %d, %v) = [%g, %g] %v %q, want [%g, %g] %v %q",
				tc.lo, tc.hi, tc.target, tc.fixed, a.lo, a.hi, a.ticks, a.labels, tc.axLo, tc.axHi, tc.ticks, tc.labels)
		}
		if f := a.frac(a.lo); f != 0 {
			t.Errorf("logAxis(%g, %g): frac(lo) = %g", tc.lo, tc.hi, f)
		}
	}
}

func TestShortExp(t *testing.T) {
	for in, want := range map[string]string{
		"1.20e-04": "1.2e-4", "1.0e-04": "1e-4", "2e-05": "2e-5", "3.5e+06": "3.5e6", "1e+00": "1e0", "-2.50e-07": "-2.5e-7",
	} {
		if got := shortExp(in); got != want {
			t.Errorf("shortExp(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestClipSegment(t *testing.T) {
	for _, tc := range []struct {
		in   [4]float64
		want [4]float64
		ok   bool
	}{
		{[4]float64{1, 1, 9, 9}, [4]float64{1, 1, 9, 9}, true},    // inside
		{[4]float64{-5, 5, 15, 5}, [4]float64{0, 5, 10, 5}, true}, // through, horizontal
		{[4]float64{5, -10, 5, 20}, [4]float64{5, 0, 5, 10}, true},
		{[4]float64{-10, -10, 20, 20}, [4]float64{0, 0, 10, 10}, true}, // diagonal
		{[4]float64{-5, 0, 5, 20}, [4]float64{0, 10, 0, 10}, true},     // touches a corner
		{[4]float64{11, 0, 20, 10}, [4]float64{}, false},               // right of it
		{[4]float64{-5, 8, 8, 25}, [4]float64{}, false},                // misses the corner
	} {
		x0, y0, x1, y1, ok := clipSegment(tc.in[0], tc.in[1], tc.in[2], tc.in[3], 0, 0, 10, 10)
		if ok != tc.ok || (ok && [4]float64{x0, y0, x1, y1} != tc.want) {
			t.Errorf("clipSegment(%v) = %v %v, want %v %v", tc.in, [4]float64{x0, y0, x1, y1}, ok, tc.want, tc.ok)
		}
	}
}
