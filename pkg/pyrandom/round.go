package pyrandom

import "math"

// Round returns Python 3's round(x) for a float: the nearest integer to the
// exact binary value of x, ties to even, so Round(0.5) = 0, Round(1.5) = 2,
// Round(2.5) = 2 and Round(2.675) = 3. It lives here because code that
// replays Python's random streams also replays its arithmetic, as in
// create_pretraining_data.py's round(len(tokens) * masked_lm_prob), where
// rounding half away from zero would mask a different number of tokens.
//
// Python raises on NaN and infinities; Round returns 0 for NaN and saturates
// at math.MinInt and math.MaxInt for values outside the int range.
func Round(x float64) int {
	y := math.RoundToEven(x)
	switch {
	case math.IsNaN(y):
		return 0
	case y >= -float64(math.MinInt): // 2**63 (2**31 where int has 32 bits)
		return math.MaxInt
	case y < float64(math.MinInt):
		return math.MinInt
	}
	return int(y)
}
