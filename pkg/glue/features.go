package glue

import (
	"fmt"

	"github.com/bertline/bertline/pkg/wordpiece"
)

// Feature is an Example as the model takes it, made by run_classifier.py's
// convert_single_example:
//
//	tokens      [CLS] is this jack ##son ##ville ? [SEP] no it is not . [SEP]
//	TokenTypes  0     0  0    0    0     0       0 0     1  1  1  1   1 1
//
//	tokens      [CLS] the dog is hairy . [SEP]
//	TokenTypes  0     0   0   0  0     0 0
//
// Features are not padded: len(InputIDs) is at most the sequence length, and
// a batch pads each row to its length with [PAD] and an attention mask of 0,
// as run_classifier.py pads with id 0 and input_mask 0.
type Feature struct {
	InputIDs   []int32
	TokenTypes []int32 // segment ids: 0 for [CLS] A [SEP], 1 for B [SEP]
	Label      int32   // the Example's Label: a class index, or -1
	Score      float32 // the Example's Score: STS-B's similarity, or NaN
}

// Features tokenizes examples with tok into features of at most seqLen
// tokens, as run_classifier.py's convert_single_example does. A sentence
// pair is cut to seqLen-3 tokens by dropping the last token of the longer
// sentence, of B when they are as long, until it fits (_truncate_seq_pair);
// a single sentence keeps its first seqLen-2 tokens. As in the reference,
// a TextB with no tokens (empty, or only spaces and dropped characters)
// makes a single-sentence feature, [CLS] A [SEP].
//
// seqLen must be at least 3. Features of unlabeled examples carry Label -1
// and Score NaN; the caller decides whether that is an error.
func Features(examples []Example, tok *wordpiece.Tokenizer, seqLen int) ([]Feature, error) {
	if seqLen < 3 {
		return nil, fmt.Errorf("glue: sequence length %d is too short for [CLS] A [SEP] B [SEP]", seqLen)
	}
	sp := tok.Vocab().Special()
	out := make([]Feature, len(examples))
	var a, b []int32
	for i := range examples {
		ex := &examples[i]
		a = tok.AppendIDs(a[:0], []byte(ex.TextA))
		b = b[:0]
		if ex.TextB != "" {
			b = tok.AppendIDs(b, []byte(ex.TextB))
		}
		if len(b) > 0 {
			a, b = truncatePair(a, b, seqLen-3)
		} else if len(a) > seqLen-2 {
			a = a[:seqLen-2]
		}
		n := len(a) + 2
		if len(b) > 0 {
			n += len(b) + 1
		}
		// One allocation per feature holds both slices.
		buf := make([]int32, 2*n)
		ids, types := buf[:0:n], buf[n:]
		ids = append(ids, sp.CLS)
		ids = append(ids, a...)
		ids = append(ids, sp.SEP)
		if len(b) > 0 {
			ids = append(ids, b...)
			ids = append(ids, sp.SEP)
			for j := len(a) + 2; j < n; j++ {
				types[j] = 1
			}
		}
		score := float32(ex.Score)
		out[i] = Feature{InputIDs: ids, TokenTypes: types, Label: int32(ex.Label), Score: score}
	}
	return out, nil
}

// truncatePair is run_classifier.py's _truncate_seq_pair: it drops the last
// token of the longer of a and b (of b when they are as long) until both
// together have at most maxLen tokens.
func truncatePair(a, b []int32, maxLen int) ([]int32, []int32) {
	for len(a)+len(b) > maxLen {
		if len(a) > len(b) {
			a = a[:len(a)-1]
		} else {
			b = b[:len(b)-1]
		}
	}
	return a, b
}
