package wordpiece

import (
	"bufio"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"testing"
)

// Vocabularies shared by the tests, loaded once.
var (
	vocabOnce                sync.Once
	uncasedVocab, casedVocab *Vocab
	vocabErr                 error
)

func vocabs(t testing.TB) (uncased, cased *Vocab) {
	t.Helper()
	vocabOnce.Do(func() {
		dir := filepath.Join("..", "..", "data", "vocab")
		uncasedVocab, vocabErr = LoadVocab(filepath.Join(dir, "bert-base-uncased.txt"))
		if vocabErr == nil {
			casedVocab, vocabErr = LoadVocab(filepath.Join(dir, "bert-base-cased.txt"))
		}
	})
	if vocabErr != nil {
		t.Fatal(vocabErr)
	}
	return uncasedVocab, casedVocab
}

type golden struct {
	Text   string   `json:"text"`
	Tokens []string `json:"tokens"`
	IDs    []int32  `json:"ids"`
}

func readGolden(t *testing.T, name string) []golden {
	t.Helper()
	f, err := os.Open(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []golden
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		var g golden
		if err := json.Unmarshal(sc.Bytes(), &g); err != nil {
			t.Fatalf("%s:%d: %v", name, len(out)+1, err)
		}
		out = append(out, g)
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// TestHuggingFaceGolden checks every line of the golden files, which
// testdata/gen/hf.js wrote with HuggingFace's tokenizer: hand-written tricky
// lines, code points in context, long words, multilingual lines, seeded
// random lines and the sample corpus.
func TestHuggingFaceGolden(t *testing.T) {
	uncased, cased := vocabs(t)
	testGolden(t, []goldenFile{
		{"hf_uncased.jsonl", uncased, Options{Lowercase: true}},
		{"hf_cased.jsonl", cased, Options{}},
	})
}

// TestGoogleGolden checks the golden files that testdata/gen/google.py
// wrote with google-research/bert's tokenization.py: the tricky and
// multilingual lines and inputs chosen where the two references differ.
func TestGoogleGolden(t *testing.T) {
	uncased, cased := vocabs(t)
	testGolden(t, []goldenFile{
		{"google_uncased.jsonl", uncased, Options{Lowercase: true, Compat: Google}},
		{"google_cased.jsonl", cased, Options{Compat: Google}},
	})
}

type goldenFile struct {
	file string
	v    *Vocab
	opt  Options
}

func testGolden(t *testing.T, files []goldenFile) {
	for _, tc := range files {
		t.Run(tc.file, func(t *testing.T) {
			tok := New(tc.v, tc.opt)
			lines := readGolden(t, tc.file)
			if len(lines) < 1000 {
				t.Fatalf("only %d golden lines", len(lines))
			}
			bad := 0
			for i, g := range lines {
				ids := tok.AppendIDs(nil, []byte(g.Text))
				toks := tok.Tokenize(g.Text)
				if !slices.Equal(ids, g.IDs) || !slices.Equal(toks, g.Tokens) {
					bad++
					if bad <= 10 {
						t.Errorf("line %d %+q:\n got %q\nwant %q", i+1, g.Text, toks, g.Tokens)
					}
				}
			}
			t.Logf("%d of %d lines agree", len(lines)-bad, len(lines))
		})
	}
}
