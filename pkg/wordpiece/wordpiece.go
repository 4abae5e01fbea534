package wordpiece

import "unicode/utf8"

// appendPieces appends the WordPiece ids of one normalized word w: greedy
// longest-match-first, each piece after the first looked up with "##". A
// word that no sequence of pieces covers becomes a single [UNK].
//
// For example, with un, ##aff and ##able in the vocabulary, "unaffable"
// becomes un ##aff ##able: "unaffable", "unaffabl", ..., "un" are tried for
// the first piece, then "affable", ..., "aff" after "##", then "able".
func (v *Vocab) appendPieces(dst []int32, w []byte) []int32 {
	if id, ok := v.wholeT.get(w); ok {
		return append(dst, id)
	}
	mark := len(dst)
	m, maxLen := v.wholeT, v.maxWhole
	for start := 0; start < len(w); {
		end := len(w)
		if end-start > maxLen {
			end = start + maxLen
			for end > start && !utf8.RuneStart(w[end]) {
				end--
			}
		}
		found := false
		for end > start {
			if id, ok := m.get(w[start:end]); ok {
				dst = append(dst, id)
				found = true
				break
			}
			end--
			for end > start && !utf8.RuneStart(w[end]) {
				end--
			}
		}
		if !found {
			return append(dst[:mark], v.special.UNK)
		}
		start = end
		m, maxLen = v.contT, v.maxCont
	}
	return dst
}
