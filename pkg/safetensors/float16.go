package safetensors

import "math"

// HalfToFloat32 converts an IEEE 754 binary16 value to float32, exactly.
func HalfToFloat32(h uint16) float32 {
	sign := uint32(h&0x8000) << 16
	exp := uint32(h>>10) & 0x1f
	mant := uint32(h & 0x3ff)
	switch {
	case exp == 0x1f: // inf or nan; the payload moves to the top of the mantissa
		return math.Float32frombits(sign | 0x7f800000 | mant<<13)
	case exp == 0: // zero or subnormal: mant · 2⁻²⁴, exact in float32
		return math.Float32frombits(sign | math.Float32bits(float32(mant)*0x1p-24))
	}
	return math.Float32frombits(sign | (exp+127-15)<<23 | mant<<13)
}

// Float32ToHalf converts f to IEEE 754 binary16, rounding to nearest even.
// Values too large become ±inf, values too small ±0 or a subnormal; a nan
// stays a (quiet) nan.
func Float32ToHalf(f float32) uint16 {
	b := math.Float32bits(f)
	sign := uint16(b>>16) & 0x8000
	exp := int(b>>23) & 0xff
	mant := b & 0x7fffff
	if exp == 0xff {
		if mant != 0 {
			return sign | 0x7e00 | uint16(mant>>13)
		}
		return sign | 0x7c00
	}
	e := exp - 127 + 15 // biased half exponent
	if e >= 0x1f {
		return sign | 0x7c00
	}
	var h, rem, half uint32
	if e <= 0 {
		// Subnormal half: the value is full · 2^(e-14-10) and the half
		// mantissa counts units of 2⁻²⁴, so shift right by 14-e.
		shift := uint(14 - e)
		if exp == 0 || shift > 24 {
			return sign // below half the smallest subnormal (float32 subnormals too)
		}
		full := mant | 0x800000
		h = full >> shift
		rem = full & (1<<shift - 1)
		half = 1 << (shift - 1)
	} else {
		h = uint32(e)<<10 | mant>>13
		rem = mant & 0x1fff
		half = 0x1000
	}
	if rem > half || rem == half && h&1 == 1 {
		h++ // a carry into the exponent is correct, up to and including inf
	}
	return sign | uint16(h)
}

// BFloat16ToFloat32 converts a bfloat16 value to float32, exactly.
func BFloat16ToFloat32(b uint16) float32 {
	return math.Float32frombits(uint32(b) << 16)
}

// Float32ToBFloat16 converts f to bfloat16, rounding to nearest even as
// PyTorch does; every nan becomes the quiet nan 0x7fc0.
func Float32ToBFloat16(f float32) uint16 {
	if f != f {
		return 0x7fc0
	}
	u := math.Float32bits(f)
	u += 0x7fff + (u>>16)&1
	return uint16(u >> 16)
}
