package vocabtrain

import (
	"context"
	"flag"
	"math"
	"math/rand/v2"
	"strings"
	"testing"
)

var benchWords = flag.Int("zipf-words", 200_000, "distinct words for BenchmarkTrain")

// zipfWords makes n distinct words of 1 to 4 syllables over a small
// syllable set, so that merges find real structure, with counts following
// Zipf's law (the i-th word occurs about 10⁹ / i^1.1 times, at least once).
func zipfWords(n int, seed uint64) []WordCount {
	rng := rand.New(rand.NewPCG(seed, seed+1))
	onsets := strings.Fields("b c d f g h j k l m n p r s t v w y z br ch cl cr dr fl gr pl pr sh st str th tr")
	vowels := strings.Fields("a e i o u y ai ea ee ie oa ou")
	codas := strings.Fields("- - - - b d g k l m n p r s t x ck ng nt rd rs st")
	var syll []string
	for _, o := range onsets {
		for _, v := range vowels {
			syll = append(syll, o+v+strings.Trim(codas[rng.IntN(len(codas))], "-"))
		}
	}
	seen := make(map[string]bool, n)
	out := make([]WordCount, 0, n)
	var b strings.Builder
	for len(out) < n {
		b.Reset()
		for k := 1 + rng.IntN(4); k > 0; k-- {
			// Favour early syllables, as languages do.
			b.WriteString(syll[int(float64(len(syll))*math.Pow(rng.Float64(), 2))])
		}
		w := b.String()
		if seen[w] {
			continue
		}
		seen[w] = true
		count := int64(1e9 / math.Pow(float64(len(out)+1), 1.1))
		out = append(out, WordCount{w, max(count, 1)})
	}
	return out
}

// BenchmarkTrain trains a BERT-sized vocabulary (30522 tokens, Google's 994
// unused slots) on Zipfian word counts. -zipf-words sets how many.
func BenchmarkTrain(b *testing.B) {
	words := zipfWords(*benchWords, 1)
	b.ResetTimer()
	for b.Loop() {
		vocab, err := Train(context.Background(), words, Options{Size: 30522, Unused: 994})
		if err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(float64(len(vocab)), "tokens")
	}
}
