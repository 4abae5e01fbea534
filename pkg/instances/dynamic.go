package instances

// This file holds what dynamic masking needs: sentence pairs made without
// masks, and a masker to apply at training time. Neither is part of Google's
// script, and neither reproduces its random stream.

// CreatePairs makes sentence pairs as CreateTrainingInstances does (empty
// documents dropped, documents shuffled, DupeFactor passes, pairs
// shuffled) but leaves them unmasked: MaskedPositions and MaskedLabels are
// empty and Tokens hold the text's ids. Masks are drawn later, by a Masker,
// each time a pair is used. Because no masking draws are made, the random
// stream, and so the pairing, differs from CreateTrainingInstances with the
// same seed. It returns nil if opt is invalid; the masking fields of opt are
// checked but not used.
func CreatePairs(docs []Document, opt Options, rng RNG) []Instance {
	if opt.Validate() != nil {
		return nil
	}
	return create(docs, opt, rng, &builder{})
}

// PairsFromDocument is FromDocument without masking: the pairs of
// docs[docIndex], unmasked. It returns nil if opt is invalid or docIndex is
// out of range.
func PairsFromDocument(docs []Document, docIndex int, opt Options, rng RNG) []Instance {
	if opt.Validate() != nil || docIndex < 0 || docIndex >= len(docs) {
		return nil
	}
	return fromDocument(nil, docs, docIndex, opt, rng, &builder{})
}

// Masker masks token sequences at training time (dynamic masking) with
// Google's rule: the same candidates, num_to_predict, whole-word grouping
// and 80/10/10 draws as MaskTokens, so that for the same RNG state both
// produce the same result. It masks in place and reuses its buffers, so a
// warm Masker does not allocate. A Masker is not safe for concurrent use;
// give each goroutine its own.
type Masker struct {
	opt Options
	m   maskScratch
}

// NewMasker returns a Masker for the masking fields of opt (MaxPredictions,
// MaskedLMProb, WholeWordMask, Vocab); the others are ignored. It fails if
// those are invalid.
func NewMasker(opt Options) (*Masker, error) {
	if err := validateMask(opt); err != nil {
		return nil, err
	}
	return &Masker{opt: opt}, nil
}

// Mask masks tokens in place, an unpadded [CLS] A [SEP] B [SEP] sequence,
// and returns the masked positions, ascending, and the original ids there.
// The returned slices belong to the Masker and are overwritten by the next
// call.
func (k *Masker) Mask(tokens []int32, rng RNG) (positions, labels []int32) {
	n := k.m.mask(tokens, k.opt, rng)
	return k.m.positions[:n], k.m.labels[:n]
}
