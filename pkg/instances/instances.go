package instances

import (
	"errors"
	"fmt"
	"strings"
)

// RNG is the source of every random choice. pyrandom.Random implements it
// with CPython's streams, which makes the output match Google's script.
// Random returns a float64 in [0, 1), RandInt an int in [a, b] with both ends
// included (the functions here never call it with b < a), and Shuffle
// permutes n elements through swap as random.shuffle does. The functions
// here call it from the calling goroutine only, so it need not be safe for
// concurrent use; concurrent workers each need their own.
type RNG interface {
	Random() float64
	RandInt(a, b int) int
	Shuffle(n int, swap func(i, j int))
}

// A Document is a list of sentences, each a list of token ids. The
// functions here only read documents, so several goroutines may share them.
type Document [][]int32

// Instance is one pretraining example: a sentence pair in Google's layout,
// [CLS] A [SEP] B [SEP], with its masked-LM targets. It is a plain value:
// safe to read from several goroutines, not to modify while read.
type Instance struct {
	// Tokens are the ids of [CLS] A [SEP] B [SEP], with masks applied when
	// the instance was made by the Google path; the pair path leaves them
	// as in the text.
	Tokens []int32
	// SegmentALen is len([CLS] A [SEP]): segment ids are 0 for the first
	// SegmentALen tokens and 1 for the rest.
	SegmentALen int
	// IsRandomNext reports that B was taken from another document (the
	// next-sentence label 1).
	IsRandomNext bool
	// MaskedPositions are the masked indexes into Tokens, ascending, and
	// MaskedLabels the original ids there. Both are empty for unmasked pairs.
	MaskedPositions []int32
	MaskedLabels    []int32
}

// SegmentIDs returns the segment id of every token: 0 for [CLS] A [SEP],
// 1 for B [SEP].
func (in *Instance) SegmentIDs() []int32 {
	ids := make([]int32, len(in.Tokens))
	for i := in.SegmentALen; i < len(ids); i++ {
		ids[i] = 1
	}
	return ids
}

// Vocab is what the algorithm needs to know about a WordPiece vocabulary: its
// size, the ids of the special tokens, and which pieces continue a word
// ("##ing"), for whole-word masking. A Vocab is read-only once made and safe
// for concurrent use.
type Vocab struct {
	CLS, SEP, Mask int32
	cont           []bool // cont[id]: the piece starts with "##"
}

// NewVocab describes the vocabulary whose token with id i is words[i] (the
// lines of vocab.txt). It fails if [CLS], [SEP] or [MASK] is missing or a
// word repeats: Google's vocab_words holds each word once, so a repeat would
// shift the ids it draws random replacements from.
func NewVocab(words []string) (Vocab, error) {
	v := Vocab{CLS: -1, SEP: -1, Mask: -1, cont: make([]bool, len(words))}
	seen := make(map[string]int, len(words))
	for i, w := range words {
		if j, dup := seen[w]; dup {
			return Vocab{}, fmt.Errorf("instances: vocabulary word %q at ids %d and %d", w, j, i)
		}
		seen[w] = i
		v.cont[i] = strings.HasPrefix(w, "##")
		switch w {
		case "[CLS]":
			v.CLS = int32(i)
		case "[SEP]":
			v.SEP = int32(i)
		case "[MASK]":
			v.Mask = int32(i)
		}
	}
	var missing []string
	for _, s := range []struct {
		id   int32
		name string
	}{{v.CLS, "[CLS]"}, {v.SEP, "[SEP]"}, {v.Mask, "[MASK]"}} {
		if s.id < 0 {
			missing = append(missing, s.name)
		}
	}
	if missing != nil {
		return Vocab{}, fmt.Errorf("instances: vocabulary lacks %s", strings.Join(missing, ", "))
	}
	return v, nil
}

// Len returns the number of words, len(vocab_words) in Google's script.
func (v Vocab) Len() int { return len(v.cont) }

// IsContinuation reports whether id is a "##" piece that continues a word.
// Ids outside the vocabulary are not.
func (v Vocab) IsContinuation(id int32) bool {
	return id >= 0 && int(id) < len(v.cont) && v.cont[id]
}

// Options are the flags of create_pretraining_data.py that shape instances.
// They are passed by value and never modified.
type Options struct {
	MaxSeqLen      int     // max_seq_length: tokens per instance, [CLS] and [SEP]s included
	MaxPredictions int     // max_predictions_per_seq: masked positions per instance at most
	MaskedLMProb   float64 // masked_lm_prob: share of tokens to mask (0.15)
	ShortSeqProb   float64 // short_seq_prob: share of instances with a shorter target length (0.1)
	DupeFactor     int     // dupe_factor: passes over the documents, each with fresh masks
	WholeWordMask  bool    // do_whole_word_mask: mask all pieces of a word together
	Vocab          Vocab
}

// ErrOptions is wrapped by the errors of Options.Validate.
var ErrOptions = errors.New("instances: invalid options")

// Validate reports options that the algorithm cannot run with, where
// Google's script would fail an assertion or draw from an empty range. The
// functions of this package make no instances from invalid options.
func (o Options) Validate() error {
	var errs []error
	if o.MaxSeqLen < 5 {
		errs = append(errs, fmt.Errorf("%w: MaxSeqLen %d < 5 leaves no room for A and B", ErrOptions, o.MaxSeqLen))
	}
	if o.MaxPredictions < 0 {
		errs = append(errs, fmt.Errorf("%w: MaxPredictions %d < 0", ErrOptions, o.MaxPredictions))
	}
	if !(o.MaskedLMProb >= 0 && o.MaskedLMProb <= 1) {
		errs = append(errs, fmt.Errorf("%w: MaskedLMProb %v outside [0, 1]", ErrOptions, o.MaskedLMProb))
	}
	if !(o.ShortSeqProb >= 0 && o.ShortSeqProb <= 1) {
		errs = append(errs, fmt.Errorf("%w: ShortSeqProb %v outside [0, 1]", ErrOptions, o.ShortSeqProb))
	}
	if o.DupeFactor < 1 {
		errs = append(errs, fmt.Errorf("%w: DupeFactor %d < 1", ErrOptions, o.DupeFactor))
	}
	if o.Vocab.Len() == 0 {
		errs = append(errs, fmt.Errorf("%w: empty vocabulary (use NewVocab)", ErrOptions))
	}
	return errors.Join(errs...)
}

// CreateTrainingInstances makes the instances of all documents, as
// create_training_instances does once its documents are read: it drops the
// empty documents, shuffles the rest, makes instances from every document
// DupeFactor times over, and shuffles the instances. docs itself is left
// in its order. It returns nil if opt is invalid.
func CreateTrainingInstances(docs []Document, opt Options, rng RNG) []Instance {
	if opt.Validate() != nil {
		return nil
	}
	return create(docs, opt, rng, &builder{m: &maskScratch{}})
}

// create is CreateTrainingInstances, or CreatePairs with bld.m nil.
func create(docs []Document, opt Options, rng RNG, bld *builder) []Instance {
	allDocuments := nonEmpty(docs)
	rng.Shuffle(len(allDocuments), func(i, j int) {
		allDocuments[i], allDocuments[j] = allDocuments[j], allDocuments[i]
	})
	var instances []Instance
	for range opt.DupeFactor {
		for documentIndex := range allDocuments {
			instances = fromDocument(instances, allDocuments, documentIndex, opt, rng, bld)
		}
	}
	rng.Shuffle(len(instances), func(i, j int) {
		instances[i], instances[j] = instances[j], instances[i]
	})
	return instances
}

// nonEmpty returns the documents with at least one sentence, in order, in a
// new slice.
func nonEmpty(docs []Document) []Document {
	out := make([]Document, 0, len(docs))
	for _, d := range docs {
		if len(d) > 0 {
			out = append(out, d)
		}
	}
	return out
}

// FromDocument makes the masked instances of docs[docIndex], as
// create_instances_from_document does. The other documents supply the B
// sides of random-next pairs. Documents should be non-empty and sentences
// too, as CreateTrainingInstances ensures; a pair that would have an empty
// side is skipped where Python would fail an assertion. It returns nil if
// opt is invalid or docIndex is out of range.
func FromDocument(docs []Document, docIndex int, opt Options, rng RNG) []Instance {
	if opt.Validate() != nil || docIndex < 0 || docIndex >= len(docs) {
		return nil
	}
	return fromDocument(nil, docs, docIndex, opt, rng, &builder{m: &maskScratch{}})
}

// builder holds what making instances reuses from one document to the
// next: the masking buffers (nil on the pair path, which does not mask),
// the chunk and segment buffers, and the slab that instances are cut from.
type builder struct {
	m     *maskScratch
	chunk [][]int32
	a, b  []int32
	slab  []int32
}

// slabSize is the number of ids allocated at once for instances: one
// allocation serves hundreds of them.
const slabSize = 1 << 16

// alloc returns a zeroed slice of n ids with capacity n, cut from the slab.
func (bld *builder) alloc(n int) []int32 {
	if len(bld.slab) < n {
		bld.slab = make([]int32, max(n, slabSize))
	}
	s := bld.slab[:n:n]
	bld.slab = bld.slab[n:]
	return s
}

// fromDocument appends the instances of allDocuments[documentIndex] to dst.
// With bld.m nil the instances are left unmasked (the pair path).
func fromDocument(dst []Instance, allDocuments []Document, documentIndex int, opt Options, rng RNG, bld *builder) []Instance {
	document := allDocuments[documentIndex]

	// Account for [CLS], [SEP], [SEP].
	maxNumTokens := opt.MaxSeqLen - 3

	// Mostly fill the sequence, but with probability ShortSeqProb aim for a
	// shorter one, to narrow the gap to fine-tuning inputs. The target is
	// soft; MaxSeqLen is the hard limit.
	targetSeqLength := maxNumTokens
	if rng.Random() < opt.ShortSeqProb {
		targetSeqLength = rng.RandInt(2, maxNumTokens)
	}

	// A and B are made of whole sentences from a chunk of the document, so
	// that next-sentence prediction is not trivial.
	currentChunk := bld.chunk[:0]
	currentLength := 0
	tokensA, tokensB := bld.a, bld.b
	for i := 0; i < len(document); i++ {
		segment := document[i]
		currentChunk = append(currentChunk, segment)
		currentLength += len(segment)
		if i != len(document)-1 && currentLength < targetSeqLength {
			continue
		}
		// aEnd is how many sentences of the chunk go into A.
		aEnd := 1
		if len(currentChunk) >= 2 {
			aEnd = rng.RandInt(1, len(currentChunk)-1)
		}
		tokensA = tokensA[:0]
		for _, s := range currentChunk[:aEnd] {
			tokensA = append(tokensA, s...)
		}

		tokensB = tokensB[:0]
		isRandomNext := false
		if len(currentChunk) == 1 || rng.Random() < 0.5 {
			isRandomNext = true
			targetBLength := targetSeqLength - len(tokensA)

			// Try ten times for a document other than this one; with
			// one document, the last draw stands.
			randomDocumentIndex := 0
			for range 10 {
				randomDocumentIndex = rng.RandInt(0, len(allDocuments)-1)
				if randomDocumentIndex != documentIndex {
					break
				}
			}
			randomDocument := allDocuments[randomDocumentIndex]
			if len(randomDocument) > 0 { // Python would fail on randint(0, -1)
				randomStart := rng.RandInt(0, len(randomDocument)-1)
				for _, s := range randomDocument[randomStart:] {
					tokensB = append(tokensB, s...)
					if len(tokensB) >= targetBLength {
						break
					}
				}
			}
			// The chunk's sentences after A went unused: put them back.
			numUnusedSegments := len(currentChunk) - aEnd
			i -= numUnusedSegments
		} else {
			for _, s := range currentChunk[aEnd:] {
				tokensB = append(tokensB, s...)
			}
		}
		a, b := TruncatePair(tokensA, tokensB, maxNumTokens, rng)
		currentChunk = currentChunk[:0]
		currentLength = 0
		if len(a) == 0 || len(b) == 0 {
			continue // only with empty sentences or documents in the input
		}
		dst = append(dst, newInstance(a, b, isRandomNext, opt, rng, bld))
	}
	bld.chunk, bld.a, bld.b = currentChunk[:0], tokensA[:0], tokensB[:0]
	return dst
}

// newInstance lays out [CLS] a [SEP] b [SEP] and, unless bld.m is nil,
// masks it. Tokens, positions and labels are cut from the builder's slab.
func newInstance(a, b []int32, isRandomNext bool, opt Options, rng RNG, bld *builder) Instance {
	n := len(a) + len(b) + 3
	tokens := bld.alloc(n)
	tokens[0] = opt.Vocab.CLS
	copy(tokens[1:], a)
	tokens[1+len(a)] = opt.Vocab.SEP
	copy(tokens[2+len(a):], b)
	tokens[n-1] = opt.Vocab.SEP
	in := Instance{Tokens: tokens, SegmentALen: len(a) + 2, IsRandomNext: isRandomNext}
	if m := bld.m; m != nil {
		k := m.mask(tokens, opt, rng)
		buf := bld.alloc(2 * k)
		in.MaskedPositions = buf[:k:k]
		in.MaskedLabels = buf[k:]
		copy(in.MaskedPositions, m.positions)
		copy(in.MaskedLabels, m.labels)
	}
	return in
}

// TruncatePair shortens a and b until they hold maxNumTokens tokens together,
// as truncate_seq_pair does: each step removes one token from the longer of
// the two (b when they are equal), from its front or its back with equal
// probability. The results are subslices of a and b; nothing is copied.
func TruncatePair(a, b []int32, maxNumTokens int, rng RNG) ([]int32, []int32) {
	maxNumTokens = max(maxNumTokens, 0)
	for len(a)+len(b) > maxNumTokens {
		trunc := &b
		if len(a) > len(b) {
			trunc = &a
		}
		// Cutting from either end avoids a bias towards sentence starts
		// or ends.
		if rng.Random() < 0.5 {
			*trunc = (*trunc)[1:]
		} else {
			*trunc = (*trunc)[:len(*trunc)-1]
		}
	}
	return a, b
}
