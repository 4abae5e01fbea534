// Package fixturevocab writes the whole-word vocabularies of the tiny
// fine-tuning fixtures (pkg/squad/testdata, pkg/glue/testdata): with every
// word of a made-up dataset in the vocabulary, a test model never sees
// [UNK] and WordPiece never splits a word.
package fixturevocab

import (
	"os"
	"sort"
	"strings"
)

// Write writes to path BERT's five special tokens, then every piece of
// words (each word split around ASCII punctuation and lower-cased, as BERT's
// pre-tokenizer does) in the order of the sorted words, each piece once.
func Write(path string, words map[string]bool) error {
	vocab := []string{"[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"}
	ws := make([]string, 0, len(words))
	for w := range words {
		ws = append(ws, w)
	}
	sort.Strings(ws)
	seen := map[string]bool{}
	for _, w := range ws {
		for _, piece := range SplitPunct(w) {
			if !seen[piece] {
				seen[piece] = true
				vocab = append(vocab, piece)
			}
		}
	}
	return os.WriteFile(path, []byte(strings.Join(vocab, "\n")+"\n"), 0o644)
}

// SplitPunct splits w around ASCII punctuation, lower-cased, as the
// vocabulary holds it.
func SplitPunct(w string) []string {
	var out []string
	cur := ""
	for _, r := range strings.ToLower(w) {
		if r < 128 && !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9') {
			if cur != "" {
				out = append(out, cur)
			}
			out = append(out, string(r))
			cur = ""
			continue
		}
		cur += string(r)
	}
	if cur != "" {
		out = append(out, cur)
	}
	return out
}
