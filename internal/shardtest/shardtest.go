// Package shardtest writes small pretraining data for the tests of the
// train and eval stages: a vocabulary and a 'shard pretrain'-like directory
// of random but learnable instances, without running the shard stage.
package shardtest

import (
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/bertline/bertline/pkg/manifest"
	"github.com/bertline/bertline/pkg/shards"
	"github.com/bertline/bertline/pkg/wordpiece"
)

// Vocab writes a vocabulary of the five specials and 91 words.
func Vocab(t testing.TB, dir string) string {
	t.Helper()
	var b strings.Builder
	b.WriteString("[PAD]\n[UNK]\n[CLS]\n[SEP]\n[MASK]\n")
	for i := range 91 {
		fmt.Fprintf(&b, "w%d\n", i)
	}
	path := filepath.Join(dir, "vocab.txt")
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// Data writes a 'shard pretrain'-like directory: train/ with nShards
// shards of n instances each, holdout/ with one, and a manifest. The data
// is random but learnable: each segment draws its words from one of nine
// topics of ten words (w(10k) … w(10k+9)), skewed towards the first, and
// segment B has A's topic unless it is a random next sentence. A model
// that uses the context beats the most frequent word by far, and can tell
// random next sentences apart.
func Data(t testing.TB, dir, vocabPath, masking string, nShards, n, seqLen int) string {
	t.Helper()
	v, err := wordpiece.LoadVocab(vocabPath)
	if err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "data-"+masking)
	rng := rand.New(rand.NewPCG(uint64(nShards), uint64(n)))
	word := func(topic int) int32 {
		return 5 + int32(10*topic) + int32(10*math.Pow(rng.Float64(), 3))
	}
	maxPred := max(1, seqLen/7)
	for _, split := range []struct {
		name   string
		shards int
	}{{"train", nShards}, {"holdout", 1}} {
		if err := os.MkdirAll(filepath.Join(out, split.name), 0o755); err != nil {
			t.Fatal(err)
		}
		for k := range split.shards {
			meta := shards.Meta{VocabSHA256: v.SHA256(), VocabSize: v.Len(), MaxSeqLen: seqLen, MaxPredictions: maxPred,
				Masking: masking, Seed: 1, Compat: "bertline", ShardIndex: k, NumShards: split.shards}
			w, err := shards.Create(filepath.Join(out, split.name, fmt.Sprintf("shard-%05d.arrow", k)), meta)
			if err != nil {
				t.Fatal(err)
			}
			for range n {
				total := 8 + rng.IntN(seqLen-7)
				a := 1 + rng.IntN(total-4)
				ids := []int32{2}
				topicA, topicB := rng.IntN(9), 0
				random := rng.IntN(2) == 0
				if topicB = topicA; random {
					topicB = (topicA + 1 + rng.IntN(8)) % 9
				}
				for range a {
					ids = append(ids, word(topicA))
				}
				ids = append(ids, 3)
				for len(ids) < total-1 {
					ids = append(ids, word(topicB))
				}
				ids = append(ids, 3)
				inst := &shards.Instance{InputIDs: ids, ALength: a + 2, IsRandomNext: random}
				if masking == shards.MaskingStatic {
					for p := 1; p < len(ids)-1 && len(inst.MaskedPositions) < maxPred; p++ {
						if ids[p] != 3 && rng.Float64() < 0.15 {
							inst.MaskedPositions = append(inst.MaskedPositions, int32(p))
							inst.MaskedIDs = append(inst.MaskedIDs, ids[p])
							ids[p] = 4
						}
					}
				}
				if err := w.Write(inst); err != nil {
					t.Fatal(err)
				}
			}
			if err := w.Close(); err != nil {
				t.Fatal(err)
			}
		}
	}
	if err := manifest.Write(out, &manifest.Manifest{Stage: "shard pretrain"}); err != nil {
		t.Fatal(err)
	}
	return out
}
