package instances

import (
	"bufio"
	"compress/gzip"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/bertline/bertline/pkg/pyrandom"
)

// The golden files under testdata/google are written by testdata/gen/google.py,
// which runs Google's create_pretraining_data.py on the sample corpus.

const vocabPath = "../../data/vocab/bert-base-uncased.txt"

// googleConfig is one entry of testdata/google/configs.json.
type googleConfig struct {
	Name           string  `json:"name"`
	MaxSeqLength   int     `json:"max_seq_length"`
	MaxPredictions int     `json:"max_predictions_per_seq"`
	DupeFactor     int     `json:"dupe_factor"`
	RandomSeed     int64   `json:"random_seed"`
	ShortSeqProb   float64 `json:"short_seq_prob"`
	MaskedLMProb   float64 `json:"masked_lm_prob"`
	WholeWordMask  bool    `json:"do_whole_word_mask"`
	Instances      int     `json:"instances"`
}

// googleInstance is one line of a testdata/google/<config>.jsonl.gz file.
type googleInstance struct {
	Tokens            []int32 `json:"tokens"`
	SegmentIDs        []int32 `json:"segment_ids"`
	IsRandomNext      bool    `json:"is_random_next"`
	MaskedLMPositions []int32 `json:"masked_lm_positions"`
	MaskedLMLabels    []int32 `json:"masked_lm_labels"`
}

var (
	vocabOnce  sync.Once
	vocabWords []string
	vocab      Vocab
	vocabErr   error
)

// testVocab returns the bert-base-uncased vocabulary the golden files use.
func testVocab(t testing.TB) ([]string, Vocab) {
	t.Helper()
	vocabOnce.Do(func() {
		var data []byte
		data, vocabErr = os.ReadFile(vocabPath)
		if vocabErr != nil {
			return
		}
		vocabWords = strings.Split(strings.TrimSuffix(string(data), "\n"), "\n")
		vocab, vocabErr = NewVocab(vocabWords)
	})
	if vocabErr != nil {
		t.Fatal(vocabErr)
	}
	return vocabWords, vocab
}

// readJSONLines decodes every line of a gzipped JSON-lines file into a T.
func readJSONLines[T any](t testing.TB, path string) []T {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	sc := bufio.NewScanner(zr)
	sc.Buffer(nil, 64<<20)
	var out []T
	for sc.Scan() {
		var v T
		if err := json.Unmarshal(sc.Bytes(), &v); err != nil {
			t.Fatalf("%s line %d: %v", path, len(out)+1, err)
		}
		out = append(out, v)
	}
	if err := sc.Err(); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return out
}

// googleDocs returns the sample corpus as Google's script tokenized it,
// empty documents included.
func googleDocs(t testing.TB) []Document {
	t.Helper()
	return readJSONLines[Document](t, filepath.Join("testdata", "google", "docs.ids.jsonl.gz"))
}

func googleConfigs(t testing.TB) []googleConfig {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", "google", "configs.json"))
	if err != nil {
		t.Fatal(err)
	}
	var cs []googleConfig
	if err := json.Unmarshal(data, &cs); err != nil {
		t.Fatal(err)
	}
	return cs
}

// TestGoogleDocs checks that the id form of the golden input is the token
// form looked up in the vocabulary, so the two cannot drift apart.
func TestGoogleDocs(t *testing.T) {
	words, _ := testVocab(t)
	ids := googleDocs(t)
	toks := readJSONLines[[][]string](t, filepath.Join("testdata", "google", "docs.tokens.jsonl.gz"))
	if len(ids) != len(toks) {
		t.Fatalf("%d id documents, %d token documents", len(ids), len(toks))
	}
	empty := 0
	for d := range ids {
		if len(ids[d]) == 0 {
			empty++
		}
		if len(ids[d]) != len(toks[d]) {
			t.Fatalf("document %d: %d vs %d sentences", d, len(ids[d]), len(toks[d]))
		}
		for s := range ids[d] {
			got := make([]string, len(ids[d][s]))
			for i, id := range ids[d][s] {
				got[i] = words[id]
			}
			if !slices.Equal(got, toks[d][s]) {
				t.Fatalf("document %d sentence %d: ids spell %q, want %q", d, s, got, toks[d][s])
			}
		}
	}
	if empty == 0 {
		t.Error("no empty document in the golden input; dropping them goes untested")
	}
}

// TestGoogleCompat replays every golden configuration with CPython's random
// stream and requires Google's instances, in Google's order.
func TestGoogleCompat(t *testing.T) {
	_, v := testVocab(t)
	docs := googleDocs(t)
	for _, c := range googleConfigs(t) {
		t.Run(c.Name, func(t *testing.T) {
			want := readJSONLines[googleInstance](t, filepath.Join("testdata", "google", c.Name+".jsonl.gz"))
			if len(want) != c.Instances {
				t.Fatalf("golden file has %d instances, configs.json says %d", len(want), c.Instances)
			}
			opt := Options{
				MaxSeqLen: c.MaxSeqLength, MaxPredictions: c.MaxPredictions,
				MaskedLMProb: c.MaskedLMProb, ShortSeqProb: c.ShortSeqProb,
				DupeFactor: c.DupeFactor, WholeWordMask: c.WholeWordMask, Vocab: v,
			}
			got := CreateTrainingInstances(docs, opt, pyrandom.New(c.RandomSeed))
			if len(got) != len(want) {
				t.Errorf("%d instances, want %d", len(got), len(want))
			}
			bad := 0
			for i := range min(len(got), len(want)) {
				if d := diffInstance(&got[i], &want[i]); d != "" {
					t.Errorf("instance %d: %s", i, d)
					if bad++; bad == 5 {
						t.Fatal("too many differences")
					}
				}
			}
		})
	}
}

// diffInstance describes the first difference between g and Google's w.
func diffInstance(g *Instance, w *googleInstance) string {
	switch {
	case !slices.Equal(g.Tokens, w.Tokens):
		return "tokens differ"
	case !slices.Equal(g.SegmentIDs(), w.SegmentIDs):
		return "segment ids differ"
	case g.IsRandomNext != w.IsRandomNext:
		return "is_random_next differs"
	case !slices.Equal(g.MaskedPositions, w.MaskedLMPositions):
		return "masked positions differ"
	case !slices.Equal(g.MaskedLabels, w.MaskedLMLabels):
		return "masked labels differ"
	}
	return ""
}

// TestGoogleFromDocument checks FromDocument alone against the first
// document's instances of the seq128 run: after the document shuffle, the
// first document's instances are the first ones made, so replaying the
// stream up to them and calling FromDocument must give a subset of the
// golden instances.
func TestGoogleFromDocument(t *testing.T) {
	_, v := testVocab(t)
	docs := nonEmpty(googleDocs(t))
	opt := Options{MaxSeqLen: 128, MaxPredictions: 20, MaskedLMProb: 0.15, ShortSeqProb: 0.1, DupeFactor: 1, Vocab: v}
	rng := pyrandom.New(12345)
	rng.Shuffle(len(docs), func(i, j int) { docs[i], docs[j] = docs[j], docs[i] })
	first := FromDocument(docs, 0, opt, rng)
	if len(first) == 0 {
		t.Fatal("no instances from the first document")
	}
	want := readJSONLines[googleInstance](t, filepath.Join("testdata", "google", "seq128-pred20-dupe1-seed12345.jsonl.gz"))
	for i := range first {
		found := false
		for j := range want {
			if diffInstance(&first[i], &want[j]) == "" {
				found = true
				break
			}
		}
		if !found {
			t.Errorf("instance %d of the first document is not among Google's", i)
		}
	}
}
