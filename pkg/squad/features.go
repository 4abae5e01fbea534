package squad

import (
	"fmt"
	"slices"

	"github.com/bertline/bertline/pkg/wordpiece"
)

// FeatureConfig sizes the model inputs: run_squad.py's --max_seq_length,
// --doc_stride and --max_query_length.
type FeatureConfig struct {
	SeqLen      int // tokens per input, [CLS] and [SEP]s included (384)
	DocStride   int // tokens between the starts of successive windows (128)
	MaxQueryLen int // question tokens kept; the rest are cut (64)
}

// DefaultFeatureConfig returns the settings of BERT's SQuAD results:
// SeqLen 384, DocStride 128, MaxQueryLen 64.
func DefaultFeatureConfig() FeatureConfig {
	return FeatureConfig{SeqLen: 384, DocStride: 128, MaxQueryLen: 64}
}

// Feature is one model input: a question with one window of its context,
//
//	[CLS] question [SEP] window [SEP]
//
// run_squad.py's InputFeatures. Segment (token type) 0 covers [CLS], the
// question and the first [SEP]; 1 covers the window and the last [SEP].
type Feature struct {
	ExampleIndex int // index of the example in the slice given to Features
	SpanIndex    int // which window of the example, from 0
	// InputIDs are the real tokens, without padding: len(InputIDs) is the
	// number of positions the attention mask lets through.
	InputIDs []int32
	// DocOffset is the position of the window's first token:
	// question tokens + 2. Positions from DocOffset on have segment 1.
	DocOffset int
	// Words[i] is the context word (Example.DocTokens index) that the token
	// at position DocOffset+i comes from.
	Words []int32
	// MaxContext[i] reports whether this window is the one that sees the
	// token at position DocOffset+i with the most context on both sides;
	// prediction only takes answers that start at such tokens.
	MaxContext []bool
	// StartPos and EndPos are the training targets: the positions of the
	// answer's first and last token, or 0 and 0 ([CLS]) when the question
	// is unanswerable or the answer is not wholly inside the window. They
	// are 0 for features made for prediction.
	StartPos, EndPos int
}

// Word returns the context word of the token at position pos, and whether
// that position holds a context token at all.
func (f *Feature) Word(pos int) (int, bool) {
	i := pos - f.DocOffset
	if i < 0 || i >= len(f.Words) {
		return 0, false
	}
	return int(f.Words[i]), true
}

// Pad writes the feature as a padded row of len(ids) positions: the ids
// (0 after the real tokens, as run_squad.py pads), the segment ids and the
// attention mask (1 for real tokens). The three slices must have the same
// length, at least len(f.InputIDs).
func (f *Feature) Pad(ids, types, mask []int32) {
	n := len(f.InputIDs)
	copy(ids, f.InputIDs)
	for i := range ids {
		if i >= n {
			ids[i], types[i], mask[i] = 0, 0, 0
			continue
		}
		mask[i] = 1
		types[i] = 0
		if i >= f.DocOffset {
			types[i] = 1
		}
	}
}

// docSpan is a window of a tokenized context: tokens [start, start+length).
type docSpan struct{ start, length int }

// Features turns examples into model inputs as run_squad.py's
// convert_examples_to_features does:
//
//   - the question is tokenized and cut to cfg.MaxQueryLen tokens;
//   - each context word (Example.DocTokens) is tokenized on its own, so
//     every token knows its word;
//   - windows of at most cfg.SeqLen − question − 3 tokens slide over the
//     context, each starting cfg.DocStride tokens after the one before
//     (less if the window was shorter), the last ending at the context's
//     end;
//   - a token seen by several windows counts, for prediction, in the one
//     where min(tokens left of it, tokens right of it) + 0.01 × window
//     length is largest (the first such window on a tie).
//
// With training set, each feature gets the answer's token positions. The
// answer's words are narrowed to the tokens of the answer text when a
// sub-span of them tokenizes exactly as the answer does (run_squad.py's
// _improve_answer_span: "1895" inside "(1895-1943)."). Features of an
// example come in window order, examples in order; an example with an
// empty context has none. Training needs examples read with training set.
func Features(examples []Example, tok *wordpiece.Tokenizer, cfg FeatureConfig, training bool) ([]Feature, error) {
	if cfg.MaxQueryLen < 0 || cfg.SeqLen <= cfg.MaxQueryLen+3 {
		return nil, fmt.Errorf("squad: sequence length %d must exceed the query length %d + 3", cfg.SeqLen, cfg.MaxQueryLen)
	}
	if cfg.DocStride <= 0 {
		return nil, fmt.Errorf("squad: doc stride %d must be positive", cfg.DocStride)
	}
	special := tok.Vocab().Special()
	var out []Feature
	var query []int32
	for ei := range examples {
		ex := &examples[ei]
		query = tok.AppendIDs(query[:0], []byte(ex.Question))
		if len(query) > cfg.MaxQueryLen {
			query = query[:cfg.MaxQueryLen]
		}

		// Tokens of the context, word by word.
		var docIDs []int32
		tokToWord := make([]int32, 0, 2*len(ex.DocTokens))
		wordToTok := make([]int, len(ex.DocTokens))
		for w, word := range ex.DocTokens {
			wordToTok[w] = len(docIDs)
			docIDs = tok.AppendIDs(docIDs, []byte(word))
			for len(tokToWord) < len(docIDs) {
				tokToWord = append(tokToWord, int32(w))
			}
		}

		tokStart, tokEnd := -1, -1
		if training && !ex.Impossible {
			if ex.StartWord < 0 || ex.EndWord < ex.StartWord || ex.EndWord >= len(ex.DocTokens) || len(ex.Answers) == 0 {
				return nil, fmt.Errorf("squad: example %d (%q) has no training answer; read it with training set", ei, ex.ID)
			}
			tokStart = wordToTok[ex.StartWord]
			if ex.EndWord < len(ex.DocTokens)-1 {
				tokEnd = wordToTok[ex.EndWord+1] - 1
			} else {
				tokEnd = len(docIDs) - 1
			}
			tokStart, tokEnd = improveAnswerSpan(docIDs, tokStart, tokEnd, tok.AppendIDs(nil, []byte(ex.Answers[0].Text)))
		}

		spans := docSpans(len(docIDs), cfg.SeqLen-len(query)-3, cfg.DocStride)
		for si, sp := range spans {
			f := Feature{ExampleIndex: ei, SpanIndex: si, DocOffset: len(query) + 2}
			f.InputIDs = make([]int32, 0, len(query)+sp.length+3)
			f.InputIDs = append(f.InputIDs, special.CLS)
			f.InputIDs = append(f.InputIDs, query...)
			f.InputIDs = append(f.InputIDs, special.SEP)
			f.InputIDs = append(f.InputIDs, docIDs[sp.start:sp.start+sp.length]...)
			f.InputIDs = append(f.InputIDs, special.SEP)
			f.Words = tokToWord[sp.start : sp.start+sp.length : sp.start+sp.length]
			f.MaxContext = make([]bool, sp.length)
			for i := range f.MaxContext {
				f.MaxContext[i] = isMaxContext(spans, si, sp.start+i)
			}
			if training && !ex.Impossible {
				docEnd := sp.start + sp.length - 1
				if tokStart >= sp.start && tokEnd <= docEnd {
					f.StartPos = tokStart - sp.start + f.DocOffset
					f.EndPos = tokEnd - sp.start + f.DocOffset
				}
			}
			out = append(out, f)
		}
	}
	return out, nil
}

// docSpans cuts n tokens into windows of at most maxLen tokens, starting
// each min(stride, previous length) tokens after the one before, until a
// window reaches the end.
func docSpans(n, maxLen, stride int) []docSpan {
	var spans []docSpan
	for start := 0; start < n; {
		length := min(n-start, maxLen)
		spans = append(spans, docSpan{start, length})
		if start+length == n {
			break
		}
		start += min(length, stride)
	}
	return spans
}

// improveAnswerSpan returns the sub-span of doc[start..end] (inclusive)
// whose tokens equal answer, trying starts from the left and, for each,
// ends from the right; [start, end] itself when none does.
func improveAnswerSpan(doc []int32, start, end int, answer []int32) (int, int) {
	for s := start; s <= end; s++ {
		for e := end; e >= s; e-- {
			if slices.Equal(doc[s:e+1], answer) {
				return s, e
			}
		}
	}
	return start, end
}

// isMaxContext reports whether window cur gives token pos its most
// context: the largest min(left, right) + 0.01 × length over the windows
// holding pos, the first one on a tie.
func isMaxContext(spans []docSpan, cur, pos int) bool {
	best, bestScore := -1, 0.0
	for i, sp := range spans {
		end := sp.start + sp.length - 1
		if pos < sp.start || pos > end {
			continue
		}
		score := float64(min(pos-sp.start, end-pos)) + 0.01*float64(sp.length)
		if best < 0 || score > bestScore {
			best, bestScore = i, score
		}
	}
	return best == cur
}
