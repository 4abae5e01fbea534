package instances

import (
	"slices"

	"github.com/bertline/bertline/pkg/pyrandom"
)

// MaskTokens chooses the masked-LM targets of tokens and masks a copy, as
// create_masked_lm_predictions does. Every token but [CLS] and [SEP] is a
// candidate (with WholeWordMask, a word's "##" pieces form one candidate with
// it); the candidates are shuffled and taken in turn until num_to_predict =
// min(MaxPredictions, max(1, round(len(tokens) * MaskedLMProb))) positions
// are chosen, skipping a word that would overshoot. Each chosen position
// becomes [MASK] with probability 0.8, else keeps its token with probability
// 0.5, else becomes a uniformly drawn vocabulary id. positions are ascending
// and labels[i] is the original token at positions[i]. tokens is not
// modified. With invalid options it returns a copy of tokens and no targets.
func MaskTokens(tokens []int32, opt Options, rng RNG) (masked []int32, positions, labels []int32) {
	masked = slices.Clone(tokens)
	if validateMask(opt) != nil {
		return masked, nil, nil
	}
	var m maskScratch
	k := m.mask(masked, opt, rng)
	return masked, slices.Clone(m.positions[:k]), slices.Clone(m.labels[:k])
}

// numToPredict is create_masked_lm_predictions' num_to_predict for n tokens.
// Python's round() rounds half to even on the exact double, as
// pyrandom.Round does: 30 tokens at 0.15 give round(4.5) = 4, 50 give
// round(7.5) = 8.
func numToPredict(n int, opt Options) int {
	return min(opt.MaxPredictions, max(1, pyrandom.Round(float64(n)*opt.MaskedLMProb)))
}

// validateMask checks the options that masking uses.
func validateMask(opt Options) error {
	o := opt
	o.MaxSeqLen, o.ShortSeqProb, o.DupeFactor = 5, 0, 1 // not used by masking
	return o.Validate()
}

// int32Shuffler is an RNG that shuffles an []int32 directly, with the same
// draws and result as Shuffle, as pyrandom.Random does; masking uses it to
// save a call per candidate.
type int32Shuffler interface {
	ShuffleInt32(x []int32)
}

// maskScratch holds the buffers of one masking, reused from call to call.
type maskScratch struct {
	idx       []int32 // candidate positions, word by word
	start     []int32 // with whole-word masking: start of each word in idx, then len(idx)
	order     []int32 // word numbers in shuffled order
	swap      func(i, j int)
	covered   []bool  // covered_indexes, by position
	label     []int32 // label[i]: the original token at a covered position i
	positions []int32
	labels    []int32
}

// mask masks tokens in place and leaves the sorted positions and original
// labels in m.positions and m.labels; it returns their number. The random
// draws are those of create_masked_lm_predictions, in its order.
func (m *maskScratch) mask(tokens []int32, opt Options, rng RNG) int {
	v := opt.Vocab

	// cand_indexes: one word per entry; with whole-word masking a "##"
	// piece joins the word before it, even across a [SEP], as in Python.
	// Word w is idx[start[w]:start[w+1]]; without whole-word masking it
	// is idx[w] alone and start is not kept.
	wwm := opt.WholeWordMask
	m.idx = slices.Grow(m.idx[:0], len(tokens))[:len(tokens)]
	m.start = m.start[:0]
	n := 0
	for i, t := range tokens {
		if t == v.CLS || t == v.SEP {
			continue
		}
		if wwm {
			if len(m.start) >= 1 && v.IsContinuation(t) {
				m.idx[n] = int32(i) // extends the last word
				n++
				continue
			}
			m.start = append(m.start, int32(n))
		}
		m.idx[n] = int32(i)
		n++
	}
	m.idx = m.idx[:n]
	words := n
	if wwm {
		words = len(m.start)
		m.start = append(m.start, int32(n))
	}

	m.order = slices.Grow(m.order[:0], words)[:words]
	for w := range m.order {
		m.order[w] = int32(w)
	}
	if s, ok := rng.(int32Shuffler); ok {
		s.ShuffleInt32(m.order)
	} else {
		if m.swap == nil { // made once: a closure per call would allocate
			m.swap = func(i, j int) { m.order[i], m.order[j] = m.order[j], m.order[i] }
		}
		rng.Shuffle(words, m.swap)
	}

	num := numToPredict(len(tokens), opt)

	if cap(m.covered) < len(tokens) {
		m.covered = make([]bool, len(tokens))
		m.label = make([]int32, len(tokens))
	}
	m.covered = m.covered[:len(tokens)]
	clear(m.covered)
	chosen := 0 // len(masked_lms)
	for _, w := range m.order {
		if chosen >= num {
			break
		}
		word := m.idx[w : w+1]
		if wwm {
			word = m.idx[m.start[w]:m.start[w+1]]
		}
		// A whole word that would overshoot num_to_predict is skipped.
		if chosen+len(word) > num {
			continue
		}
		// Words never share a position, so this check of Google's never
		// fires; it is kept so the two read alike.
		anyCovered := false
		for _, index := range word {
			if m.covered[index] {
				anyCovered = true
				break
			}
		}
		if anyCovered {
			continue
		}
		for _, index := range word {
			m.covered[index] = true
			label := tokens[index]
			var masked int32
			switch {
			case rng.Random() < 0.8: // 80%: [MASK]
				masked = v.Mask
			case rng.Random() < 0.5: // 10%: keep the original
				masked = label
			default: // 10%: a random word
				masked = int32(rng.RandInt(0, v.Len()-1))
			}
			tokens[index] = masked
			m.label[index] = label
			chosen++
		}
	}

	// By position, as Google sorts masked_lms by index: the covered
	// positions in order.
	m.positions, m.labels = m.positions[:0], m.labels[:0]
	for i, c := range m.covered {
		if c {
			m.positions = append(m.positions, int32(i))
			m.labels = append(m.labels, m.label[i])
		}
	}
	return chosen
}
