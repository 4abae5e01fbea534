package plot

import (
	"math"
	"strconv"
	"strings"
)

// axis maps data values to one dimension of the plot area and says where its
// ticks go. For a linear axis every tick is k·m·10^e with m ∈ {1, 2, 5};
// a log axis has its ticks at decades (and at 2 and 5 × 10^k when it spans
// two decades or less).
type axis struct {
	lo, hi float64 // data range shown, lo < hi (both > 0 on a log axis)
	log    bool
	ticks  []float64
	labels []string
}

// niceStep returns the smallest step m·10^e ≥ raw with m ∈ {1, 2, 5}, as m
// and e, so that tick values can be formed without accumulated rounding.
func niceStep(raw float64) (m, e int) {
	e = int(math.Floor(math.Log10(raw)))
	for _, m := range []int{1, 2, 5, 10} {
		if float64(m)*math.Pow10(e) >= raw*(1-1e-9) {
			if m == 10 {
				return 1, e + 1
			}
			return m, e
		}
	}
	return 1, e + 1
}

// scaled returns k·10^e correctly rounded: 2·10^-5 is the literal 2e-05, not
// 2 × 0.00001.
func scaled(k int, e int) float64 {
	if e < 0 {
		return float64(k) / math.Pow10(-e)
	}
	return float64(k) * math.Pow10(e)
}

// linearAxis chooses ticks for data in [lo, hi] with about target intervals.
// With fixed false the range grows to the ticks around the data; with fixed
// true it stays [lo, hi] and only the ticks inside it are kept.
func linearAxis(lo, hi float64, target int, fixed bool) axis {
	if target < 1 {
		target = 1
	}
	raw := (hi - lo) / float64(target)
	if !(raw > 0) || math.IsInf(raw, 0) || raw < 1e-300 || raw > 1e300 {
		// Beyond what ticks of m·10^e can show: only the ends, labelled.
		return axis{lo: lo, hi: hi, ticks: []float64{lo, hi},
			labels: []string{strconv.FormatFloat(lo, 'g', 3, 64), strconv.FormatFloat(hi, 'g', 3, 64)}}
	}
	m, e := niceStep(raw)
	step := float64(m) * math.Pow10(e)
	var kLo, kHi int
	if fixed {
		kLo = int(math.Ceil(lo/step - 1e-9))
		kHi = int(math.Floor(hi/step + 1e-9))
	} else {
		kLo = int(math.Floor(lo/step + 1e-9))
		kHi = int(math.Ceil(hi/step - 1e-9))
	}
	a := axis{lo: lo, hi: hi}
	for k := kLo; k <= kHi; k++ {
		a.ticks = append(a.ticks, scaled(k*m, e))
	}
	if !fixed {
		a.lo, a.hi = a.ticks[0], a.ticks[len(a.ticks)-1]
	}
	a.labels = linearLabels(a.ticks, e)
	return a
}

// linearLabels formats ticks whose step is m·10^e, all with the same number
// of decimals: 20k, 40k for large values, 2e-5, 1.2e-4 for tiny ones.
func linearLabels(ticks []float64, e int) []string {
	maxAbs := 0.0
	for _, t := range ticks {
		maxAbs = math.Max(maxAbs, math.Abs(t))
	}
	labels := make([]string, len(ticks))
	for i, t := range ticks {
		switch {
		case t == 0:
			labels[i] = "0"
		case maxAbs >= 1e4:
			unit, suffix := 3, "k"
			if maxAbs >= 1e6 {
				unit, suffix = 6, "M"
			}
			labels[i] = strconv.FormatFloat(t/math.Pow10(unit), 'f', max(0, unit-e), 64) + suffix
		case maxAbs < 1e-3:
			p := max(0, int(math.Floor(math.Log10(math.Abs(t))+1e-9))-e)
			labels[i] = shortExp(strconv.FormatFloat(t, 'e', p, 64))
		default:
			labels[i] = strconv.FormatFloat(t, 'f', max(0, -e), 64)
		}
	}
	return labels
}

// shortExp turns 1.20e-04 into 1.2e-4: trailing zeros of the mantissa and
// leading zeros of the exponent go.
func shortExp(s string) string {
	mant, exp, ok := strings.Cut(s, "e")
	if !ok {
		return s
	}
	if strings.Contains(mant, ".") {
		mant = strings.TrimRight(strings.TrimRight(mant, "0"), ".")
	}
	sign := ""
	if exp[0] == '-' || exp[0] == '+' {
		if exp[0] == '-' {
			sign = "-"
		}
		exp = exp[1:]
	}
	exp = strings.TrimLeft(exp, "0")
	if exp == "" {
		exp = "0"
	}
	return mant + "e" + sign + exp
}

// logAxis chooses ticks for positive data in [lo, hi] on a log scale. With
// fixed false the range grows to whole decades.
func logAxis(lo, hi float64, target int, fixed bool) axis {
	dlo := int(math.Floor(math.Log10(lo) + 1e-9))
	dhi := int(math.Ceil(math.Log10(hi) - 1e-9))
	if dhi <= dlo {
		dhi = dlo + 1
	}
	a := axis{lo: lo, hi: hi, log: true}
	if !fixed {
		a.lo, a.hi = math.Pow10(dlo), math.Pow10(dhi)
	}
	mults := []int{1}
	stride := 1
	if dhi-dlo <= 2 {
		mults = []int{1, 2, 5}
	} else if target > 0 && dhi-dlo > target {
		stride = (dhi - dlo + target - 1) / target
	}
	for d := dlo; d <= dhi; d++ {
		if (d-dlo)%stride != 0 {
			continue
		}
		for _, m := range mults {
			v := scaled(m, d)
			if v >= a.lo*(1-1e-9) && v <= a.hi*(1+1e-9) {
				a.ticks = append(a.ticks, v)
			}
		}
	}
	for _, t := range a.ticks {
		a.labels = append(a.labels, logLabel(t))
	}
	return a
}

// logLabel formats a tick of a log axis: plain from 0.001 to 1000, 1e-5 and
// 2e6 beyond.
func logLabel(v float64) string {
	if v >= 1e-3 && v < 1e4 {
		return strconv.FormatFloat(v, 'f', -1, 64)
	}
	return shortExp(strconv.FormatFloat(v, 'e', -1, 64))
}

// frac returns where v lies on the axis, 0 at lo and 1 at hi; values outside
// the range give fractions outside [0, 1].
func (a *axis) frac(v float64) float64 {
	if a.log {
		return (math.Log10(v) - math.Log10(a.lo)) / (math.Log10(a.hi) - math.Log10(a.lo))
	}
	// Halves first, so that a range wider than the largest float64 (such
	// as -1e308 to 1e308) does not overflow.
	return (v/2 - a.lo/2) / (a.hi/2 - a.lo/2)
}
