package wordpiece

import "unicode"

// Character classes. Both compat modes agree on every ASCII character; they
// differ only above U+007F.
const (
	cWord  uint8 = iota // part of a word
	cSpace              // ends a word: white space
	cPunct              // a word of its own: punctuation
	cDrop               // removed by text cleaning: NUL and control characters
	cCJK                // a CJK ideograph: a word of its own
)

// asciiClass classifies the bytes below 0x80. \t, \n and \r are white space
// although they are control characters; every other control character is
// dropped, so "a\x0bb" is one word. All non-alphanumeric printable ASCII is
// punctuation, including "$", "+", "^" and "`", which are symbols in
// Unicode.
var asciiClass = func() (t [128]uint8) {
	for b := range t {
		switch {
		case b == '\t' || b == '\n' || b == '\r' || b == ' ':
			t[b] = cSpace
		case b < 0x20 || b == 0x7f:
			t[b] = cDrop
		case b >= '0' && b <= '9', b >= 'A' && b <= 'Z', b >= 'a' && b <= 'z':
			t[b] = cWord
		default:
			t[b] = cPunct
		}
	}
	return t
}()

// asciiLower and asciiSame map a word byte to itself lower-cased or unchanged.
var asciiLower, asciiSame = func() (lo, same [128]byte) {
	for b := range lo {
		lo[b], same[b] = byte(b), byte(b)
		if b >= 'A' && b <= 'Z' {
			lo[b] += 'a' - 'A'
		}
	}
	return lo, same
}()

// isCJK reports whether r is in one of the CJK ideograph blocks that both
// tokenizers surround with spaces. HuggingFace starts CJK Extension E at
// U+2B920 where google-research/bert starts it at U+2B820, so U+2B820 to
// U+2B91F are ideographs only in Google mode.
func isCJK(r rune, c Compat) bool {
	switch {
	case r < 0x3400:
		return false
	case r <= 0x4DBF, r >= 0x4E00 && r <= 0x9FFF, r >= 0xF900 && r <= 0xFAFF:
		return true
	case r >= 0x20000 && r <= 0x2A6DF, r >= 0x2A700 && r <= 0x2B81F:
		return true
	case r >= 0x2B820 && r <= 0x2B91F:
		return c == Google
	case r >= 0x2B920 && r <= 0x2CEAF, r >= 0x2F800 && r <= 0x2FA1F:
		return true
	}
	return false
}

// rawClassHF classifies a code point r ≥ 0x80 of the input the way
// HuggingFace's clean_text and handle_chinese_chars see it: Cc, Cf and Co of
// its (older) Unicode tables and U+FFFD are dropped, White_Space (U+00A0,
// U+2028, U+3000, ...) is a space. Everything else is normalized, then split
// by postClassHF.
func rawClassHF(r rune) uint8 {
	switch {
	case unicode.Is(hfControl, r):
		return cDrop
	case unicode.Is(unicode.White_Space, r):
		return cSpace
	case isCJK(r, HuggingFace):
		return cCJK
	}
	return cWord
}

// postClassHF classifies a normalized code point as BertPreTokenizer does:
// White_Space splits, and punctuation of HuggingFace's tables is a word of
// its own.
func postClassHF(r rune) uint8 {
	if r < 0x80 {
		return asciiClass[r]
	}
	switch {
	case unicode.Is(unicode.White_Space, r):
		return cSpace
	case unicode.Is(hfPunct, r):
		return cPunct
	}
	return cWord
}

// rawClassGoogle classifies a code point r ≥ 0x80 as google-research/bert's
// _clean_text and _tokenize_chinese_chars do, under Go's Unicode tables:
// only Cc and Cf (and U+FFFD) are dropped, so private-use characters stay;
// Zs is white space, and so are U+2028 and U+2029 (Zl, Zp), which the
// Python str.split in whitespace_tokenize splits on.
func rawClassGoogle(r rune) uint8 {
	switch {
	case r == 0xFFFD || unicode.In(r, unicode.Cc, unicode.Cf):
		return cDrop
	case unicode.In(r, unicode.Zs, unicode.Zl, unicode.Zp):
		return cSpace
	case isCJK(r, Google):
		return cCJK
	}
	return cWord
}

// postClassGoogle classifies a normalized code point as _run_split_on_punc
// does: the ASCII punctuation and Unicode P*.
func postClassGoogle(r rune) uint8 {
	if r < 0x80 {
		return asciiClass[r]
	}
	switch {
	case unicode.In(r, unicode.Zs, unicode.Zl, unicode.Zp):
		return cSpace
	case unicode.Is(unicode.P, r):
		return cPunct
	}
	return cWord
}

// isCased and isCaseIgnorable are Unicode's Cased and Case_Ignorable
// properties, which Python's str.lower uses to choose the final form of
// capital sigma. Case_Ignorable's Word_Break part is listed by hand.
func isCased(r rune) bool {
	return unicode.In(r, unicode.Lu, unicode.Ll, unicode.Lt, unicode.Other_Lowercase, unicode.Other_Uppercase)
}

func isCaseIgnorable(r rune) bool {
	switch r {
	case '\'', '.', ':', 0x00B7, 0x0387, 0x055F, 0x05F4, 0x2018, 0x2019, 0x2024, 0x2027,
		0xFE13, 0xFE52, 0xFE55, 0xFF07, 0xFF0E, 0xFF1A:
		return true
	}
	return unicode.In(r, unicode.Mn, unicode.Me, unicode.Cf, unicode.Lm, unicode.Sk)
}
