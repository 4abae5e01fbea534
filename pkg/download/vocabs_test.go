package download

import (
	"bytes"
	"context"
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
			// An uncased vocabulary has no upper-case letters outside the
			// bracketed special tokens; a cased one has "The".
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
	if _, err := Fetch(context.Background(), srv2.URL+"/vocab.txt", quickWith(t, v.SHA256)); err == nil {
		t.Error("a vocabulary with one token changed passed verification")
	}
}

func quickWith(t *testing.T, sha string) Options {
	o := quick(t)
	o.SHA256 = sha
	return o
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
	base, _ := LookupVocab("bert-base-uncased")
	large, ok := LookupVocab("bert-large-uncased")
	if !ok || large.SHA256 != base.SHA256 || large.Size != base.Size || large.Lines != base.Lines {
		t.Errorf("bert-large-uncased %+v does not share bert-base-uncased's file %+v", large, base)
	}
}
