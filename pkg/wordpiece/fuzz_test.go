package wordpiece

import (
	"bufio"
	"encoding/json"
	"os"
	"slices"
	"strings"
	"testing"
)

// asciiWords is an independent statement of the tokenizer for ASCII input:
// controls dropped, lower-cased, split at white space and around
// punctuation. Words over limit characters are "[UNK]".
func asciiWords(s string, limit int) []string {
	var words []string
	var w strings.Builder
	n := 0
	end := func() {
		if n > limit {
			words = append(words, "[UNK]")
		} else if n > 0 {
			words = append(words, w.String())
		}
		w.Reset()
		n = 0
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			end()
		case c < 0x20 || c == 0x7f:
		case c >= 'A' && c <= 'Z':
			w.WriteByte(c + 'a' - 'A')
			n++
		case c >= 'a' && c <= 'z', c >= '0' && c <= '9':
			w.WriteByte(c)
			n++
		default:
			end()
			words = append(words, string(c))
		}
	}
	end()
	return words
}

// joinPieces undoes WordPiece: each "##" piece joins the token before it.
func joinPieces(toks []string) []string {
	var words []string
	for _, t := range toks {
		if rest, ok := strings.CutPrefix(t, "##"); ok && len(words) > 0 {
			words[len(words)-1] += rest
		} else {
			words = append(words, t)
		}
	}
	return words
}

func FuzzTokenize(f *testing.F) {
	uncased, cased := vocabs(f)
	for _, s := range []string{"", "unaffable", "Hello, World!", "ΟΔΟΣ ΑΣ.Β", "e\u0301\u0323", "東京タワー", "\xff\xfe",
		"a\u200bb\x00c", strings.Repeat("ab", 60), "İstanbul 한국어 👨‍👩‍👧", "x\ue000y \U0002b820"} {
		f.Add(s)
	}
	if file, err := os.Open("testdata/inputs/tricky.txt"); err == nil {
		sc := bufio.NewScanner(file)
		for sc.Scan() {
			var s string
			if json.Unmarshal(sc.Bytes(), &s) == nil {
				f.Add(s)
			}
		}
		file.Close()
	}
	toks := []*Tokenizer{
		New(uncased, Options{Lowercase: true}),
		New(cased, Options{}),
		New(uncased, Options{Lowercase: true, Compat: Google}),
		New(cased, Options{Compat: Google}),
	}
	f.Fuzz(func(t *testing.T, s string) {
		ascii := true
		for i := 0; i < len(s); i++ {
			ascii = ascii && s[i] < 0x80
		}
		for _, tok := range toks {
			prefix := []int32{7, 8, 9}
			ids := tok.AppendIDs(slices.Clone(prefix), []byte(s))
			if !slices.Equal(ids[:3], prefix) {
				t.Fatalf("%v: AppendIDs changed dst's prefix: %v", tok.Options(), ids[:3])
			}
			for _, id := range ids {
				if id < 0 || int(id) >= tok.v.Len() {
					t.Fatalf("%v: id %d out of range", tok.Options(), id)
				}
			}
			// An ASCII space is a hard boundary.
			if i := strings.IndexByte(s, ' '); i >= 0 {
				whole := tok.Tokenize(s)
				parts := append(tok.Tokenize(s[:i]), tok.Tokenize(s[i+1:])...)
				if !slices.Equal(whole, parts) {
					t.Fatalf("%v: %q: %q != %q + %q", tok.Options(), s, whole, tok.Tokenize(s[:i]), tok.Tokenize(s[i+1:]))
				}
			}
			// Every ASCII letter and digit is a piece, with and without
			// "##", so ASCII text comes back word for word.
			if ascii && tok.Options().Lowercase {
				got := joinPieces(tok.Tokenize(s))
				want := asciiWords(s, tok.limit)
				if !slices.Equal(got, want) {
					t.Fatalf("%v: %q: words %q, want %q", tok.Options(), s, got, want)
				}
			}
		}
	})
}
