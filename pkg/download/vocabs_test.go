package download

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"
)

// vocabFile is the repository's copy of v: large models share their base
// model's file.
func vocabFile(v Vocab) string {
	return filepath.Join("..", "..", "data", "vocab", strings.Replace(v.Name, "-large-", "-base-", 1)+".txt")
}

func TestVocabFilesMatchTable(t *testing.T) {
	if len(Vocabs) == 0 {
		t.Fatal("Vocabs is empty")
	}
	for _, v := range Vocabs {
		t.Run(v.Name, func(t *testing.T) {
			data, err := os.ReadFile(vocabFile(v))
			if err != nil {
				t.Fatal(err)
			}
			if int64(len(data)) != v.Size {
				t.Errorf("%d bytes, table says %d", len(data), v.Size)
			}
			if got := sum256(data); got != v.SHA256 {
				t.Errorf("sha256 %s, table says %s", got, v.SHA256)
			}
			if err := Verify(vocabFile(v), "sha256:"+v.SHA256); err != nil {
				t.Error(err)
			}
			if !utf8.Valid(data) || !bytes.HasSuffix(data, []byte("\n")) || bytes.Contains(data, []byte("\r")) {
				t.Fatal("not UTF-8 lines each ending in \\n")
			}
			tokens := strings.Split(strings.TrimSuffix(string(data), "\n"), "\n")
			if len(tokens) != v.Lines {
				t.Errorf("%d lines, table says %d", len(tokens), v.Lines)
			}
			seen := map[string]int{}
			for id, tok := range tokens {
				if tok == "" || strings.ContainsAny(tok, " \t") {
					t.Errorf("token %d is %q", id, tok)
				}
				if prev, dup := seen[tok]; dup {
					t.Errorf("token %q at ids %d and %d", tok, prev, id)
				}
				seen[tok] = id
			}
			// Ids that google-research/bert and every BERT checkpoint rely on.
			for tok, id := range map[string]int{"[PAD]": 0, "[UNK]": 100, "[CLS]": 101, "[SEP]": 102, "[MASK]": 103} {
				if seen[tok] != id {
					t.Errorf("%s has id %d, want %d", tok, seen[tok], id)
				}
			}
			// The single characters follow [unused…] in code point order,
			// and each has exactly one "##" continuation piece.
			first := seen["!"]
			var chars []string
			for _, tok := range tokens[first:] {
				if utf8.RuneCountInString(tok) != 1 {
					break
				}
				chars = append(chars, tok)
			}
			pieces := map[string]bool{}
			for _, tok := range tokens[first+len(chars):] {
				if rest, ok := strings.CutPrefix(tok, "##"); ok && utf8.RuneCountInString(rest) == 1 {
					pieces[rest] = true
				}
			}
			for k, c := range chars {
				if k > 0 && c <= chars[k-1] {
					t.Errorf("character %q (id %d) out of order after %q", c, first+k, chars[k-1])
				}
				if !pieces[c] {
					t.Errorf("character %q has no ##%s piece", c, c)
				}
			}
			if len(pieces) != len(chars) {
				t.Errorf("%d ## single-character pieces for %d characters", len(pieces), len(chars))
			}
			// A cased vocabulary keeps "The" apart from "the"; an uncased one
			// lower-cases its training text and so has no "The".
			_, hasThe := seen["The"]
			if hasThe != v.Cased {
				t.Errorf("\"The\" in vocabulary: %v, but Cased is %v", hasThe, v.Cased)
			}
			if want := "https://huggingface.co/" + v.Name + "/resolve/main/vocab.txt"; v.URL != want {
				t.Errorf("URL %q, want %q", v.URL, want)
			}
		})
	}
}

func TestFetchVocab(t *testing.T) {
	v, ok := LookupVocab("bert-base-uncased")
	if !ok {
		t.Fatal("bert-base-uncased not in Vocabs")
	}
	data, err := os.ReadFile(vocabFile(v))
	if err != nil {
		t.Fatal(err)
	}
	srv := newServer(t, func(w http.ResponseWriter, r *http.Request, n int) { serve(w, r, data, `"vocab"`) })
	opt := quick(t)
	opt.SHA256 = v.SHA256
	p, err := Fetch(context.Background(), srv.URL+"/bert-base-uncased/resolve/main/vocab.txt", opt)
	if err != nil {
		t.Fatal(err)
	}
	checkFile(t, p, data)

	// One changed token must be caught.
	bad := bytes.Replace(data, []byte("\nthe\n"), []byte("\nThe\n"), 1)
	srv2 := newServer(t, func(w http.ResponseWriter, r *http.Request, n int) { serve(w, r, bad, `"vocab"`) })
	opt2 := quick(t)
	opt2.SHA256 = v.SHA256
	if _, err := Fetch(context.Background(), srv2.URL+"/vocab.txt", opt2); !errors.Is(err, ErrChecksum) {
		t.Errorf("a vocabulary with one token changed: %v, want ErrChecksum", err)
	}
}

func TestLookupVocab(t *testing.T) {
	for _, v := range Vocabs {
		got, ok := LookupVocab(v.Name)
		if !ok || got != v {
			t.Errorf("LookupVocab(%q) = %+v, %v", v.Name, got, ok)
		}
	}
	if _, ok := LookupVocab("bert-huge-uncased"); ok {
		t.Error("LookupVocab found an unknown name")
	}
	for _, kind := range []string{"uncased", "cased"} {
		base, _ := LookupVocab("bert-base-" + kind)
		large, ok := LookupVocab("bert-large-" + kind)
		if !ok || large.SHA256 != base.SHA256 || large.Size != base.Size || large.Lines != base.Lines || large.Cased != base.Cased {
			t.Errorf("bert-large-%s %+v does not share bert-base-%s's file %+v", kind, large, kind, base)
		}
	}
	if len(Vocabs) != 4 {
		t.Errorf("%d vocabularies, want the 4 BERT base/large cased/uncased", len(Vocabs))
	}
}
