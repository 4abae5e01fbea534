package wordpiece

import (
	"strings"
	"testing"
)

// Words yields exactly the words whose pieces AppendIDs produces: joining the
// pieces of Tokenize per word (dropping "##") gives the words back, wherever
// no word became [UNK].
func TestWordsMatchTokenize(t *testing.T) {
	v, err := LoadVocab("../../data/vocab/bert-base-uncased.txt")
	if err != nil {
		t.Fatal(err)
	}
	tok := New(v, Options{Lowercase: true})
	for _, text := range []string{
		"Hello, World! Ça va? naïve café — 東京 isn't it",
		"  spaces\tand\nnewlines  ",
		"",
	} {
		var words []string
		tok.Words([]byte(text), func(w []byte) { words = append(words, string(w)) })
		var rebuilt []string
		for _, piece := range tok.Tokenize(text) {
			if rest, ok := strings.CutPrefix(piece, "##"); ok {
				rebuilt[len(rebuilt)-1] += rest
			} else {
				rebuilt = append(rebuilt, piece)
			}
		}
		if strings.Join(words, " ") != strings.Join(rebuilt, " ") {
			t.Errorf("%q: Words %q, pieces rejoined %q", text, words, rebuilt)
		}
	}
}
