package loader

import (
	"fmt"
	"strconv"

	"github.com/bertline/bertline/pkg/instances"
	"github.com/bertline/bertline/pkg/shards"
)

// MaskConfig describes the vocabulary for dynamic masking: the ids that
// are never masked ([CLS], [SEP]), the id that replaces 80% of the chosen
// tokens ([MASK]) and the size of the vocabulary that random replacements
// are drawn from. The number of predictions and whole-word masking come
// from the shards' metadata. Shards with static masking ignore it.
type MaskConfig struct {
	CLS, SEP, MASK int32
	// VocabSize is the number of tokens in the vocabulary; it must equal the
	// shards' vocab_size.
	VocabSize int
	// Words are the lines of vocab.txt, in id order. Only whole-word
	// masking needs them (to know the "##" pieces); when given they must
	// agree with the ids and size above.
	Words []string
	// MaskedLMProb is the share of tokens to mask when the shards do not
	// record masked_lm_prob; 0 means DefaultMaskedLMProb. When the shards
	// record it, MaskedLMProb must be 0 or equal.
	MaskedLMProb float64
}

// newMasker returns the Masker for dynamic shards described by meta (the
// first file, at path) and mc.
func newMasker(meta shards.Meta, path string, mc *MaskConfig) (*instances.Masker, error) {
	if mc.VocabSize != meta.VocabSize {
		return nil, fmt.Errorf("loader: %s: dynamic masking with vocab_size %d, but the mask configuration has VocabSize %d",
			path, meta.VocabSize, mc.VocabSize)
	}
	if meta.WholeWordMask && mc.Words == nil {
		return nil, fmt.Errorf("loader: %s: whole-word masking needs the vocabulary's words (MaskConfig.Words)", path)
	}
	for _, s := range []struct {
		name string
		id   int32
	}{{"[CLS]", mc.CLS}, {"[SEP]", mc.SEP}, {"[MASK]", mc.MASK}} {
		if s.id < 0 || int(s.id) >= mc.VocabSize {
			return nil, fmt.Errorf("loader: mask configuration: %s id %d outside the vocabulary of %d", s.name, s.id, mc.VocabSize)
		}
	}
	if mc.CLS == mc.SEP || mc.CLS == mc.MASK || mc.SEP == mc.MASK {
		return nil, fmt.Errorf("loader: mask configuration: [CLS] %d, [SEP] %d and [MASK] %d are not distinct", mc.CLS, mc.SEP, mc.MASK)
	}
	words := mc.Words
	if words == nil {
		// Without words, only the special ids and the size matter: name the
		// others by their id, none of them a "##" piece.
		words = make([]string, mc.VocabSize)
		for i := range words {
			words[i] = strconv.Itoa(i)
		}
		words[mc.CLS], words[mc.SEP], words[mc.MASK] = "[CLS]", "[SEP]", "[MASK]"
	} else if len(words) != mc.VocabSize {
		return nil, fmt.Errorf("loader: mask configuration: %d words for VocabSize %d", len(words), mc.VocabSize)
	}
	v, err := instances.NewVocab(words)
	if err != nil {
		return nil, fmt.Errorf("loader: mask configuration: %w", err)
	}
	if v.CLS != mc.CLS || v.SEP != mc.SEP || v.Mask != mc.MASK {
		return nil, fmt.Errorf("loader: mask configuration: the words put [CLS], [SEP], [MASK] at %d, %d, %d, not %d, %d, %d",
			v.CLS, v.SEP, v.Mask, mc.CLS, mc.SEP, mc.MASK)
	}
	prob, err := maskedLMProb(meta, path, mc)
	if err != nil {
		return nil, err
	}
	m, err := instances.NewMasker(instances.Options{
		MaxSeqLen:      meta.MaxSeqLen,
		MaxPredictions: meta.MaxPredictions,
		MaskedLMProb:   prob,
		DupeFactor:     1,
		WholeWordMask:  meta.WholeWordMask,
		Vocab:          v,
	})
	if err != nil {
		return nil, fmt.Errorf("loader: %s: %w", path, err)
	}
	return m, nil
}
