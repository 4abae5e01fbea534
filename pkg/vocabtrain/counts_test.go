package vocabtrain

import (
	"cmp"
	"context"
	"errors"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
)

// zipfStream returns n word occurrences drawn from distinct words with
// Zipf-like frequencies, so that a few words are common and most are rare.
func zipfStream(n, distinct int, seed uint64) []string {
	rng := rand.New(rand.NewPCG(seed, seed+1))
	words := make([]string, distinct)
	for i := range words {
		words[i] = "w" + strconv.Itoa(i) + strings.Repeat("é", i%3)
	}
	z := rand.NewZipf(rng, 1.1, 1, uint64(distinct-1))
	out := make([]string, n)
	for i := range out {
		out[i] = words[z.Uint64()]
	}
	return out
}

// exactCounts is the reference: one map, sorted by word.
func exactCounts(stream []string) []WordCount {
	m := make(map[string]int64)
	for _, w := range stream {
		m[w]++
	}
	var out []WordCount
	for w, n := range m {
		out = append(out, WordCount{w, n})
	}
	slices.SortFunc(out, func(a, b WordCount) int { return cmp.Compare(a.Word, b.Word) })
	return out
}

// countWith feeds stream to a Counter with the given tallies, each on its
// own goroutine, handing out chunks of the stream in a seeded random order
// as the command hands out documents. Each tally spills at spill distinct
// words, far sooner than a Counter would, to make many runs, and merges
// read at most 3 runs at once, to merge them in several rounds.
func countWith(t *testing.T, stream []string, dir string, maxWords, tallies, spill int, seed uint64) ([]WordCount, CountStats) {
	t.Helper()
	c := NewCounter(dir, maxWords, tallies)
	c.maxOpen = 3
	for _, tally := range c.tallies {
		tally.limit = spill
	}
	defer func() {
		if err := c.Close(); err != nil {
			t.Error(err)
		}
	}()
	const chunk = 100
	var chunks [][]string
	for i := 0; i < len(stream); i += chunk {
		chunks = append(chunks, stream[i:min(i+chunk, len(stream))])
	}
	rng := rand.New(rand.NewPCG(seed, 99))
	rng.Shuffle(len(chunks), func(i, j int) { chunks[i], chunks[j] = chunks[j], chunks[i] })
	work := make(chan []string)
	var wg sync.WaitGroup
	for i := range tallies {
		tally := c.Tally(i)
		wg.Go(func() {
			for ch := range work {
				for _, w := range ch {
					tally.Add([]byte(w))
				}
			}
		})
	}
	for _, ch := range chunks {
		work <- ch
	}
	close(work)
	wg.Wait()
	words, st, err := c.Words(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return words, st
}

// TestCounterExact counts with spills but room for every word and expects
// the exact counts, however many tallies share the work.
func TestCounterExact(t *testing.T) {
	stream := zipfStream(30_000, 2000, 1)
	want := exactCounts(stream)
	for _, tallies := range []int{1, 2, 3, 8} {
		dir := t.TempDir()
		got, st := countWith(t, stream, dir, len(want), tallies, max(len(want)/tallies, 100), uint64(tallies))
		if !slices.Equal(got, want) {
			t.Errorf("%d tallies: counts differ from a single map", tallies)
		}
		if st.Distinct != int64(len(want)) || st.Tokens != int64(len(stream)) || st.Kept != len(want) ||
			st.KeptTokens != st.Tokens || st.MinCount != 1 {
			t.Errorf("%d tallies: stats %+v", tallies, st)
		}
		if tallies > 1 && st.Runs <= 3 {
			t.Errorf("%d tallies: %d runs, want more than 3 to merge in rounds", tallies, st.Runs)
		}
		if left, _ := os.ReadDir(dir); len(left) != 0 {
			t.Errorf("%d tallies: %d files left after Close", tallies, len(left))
		}
	}
	// No spill: the maps are added up in memory.
	got, st := countWith(t, stream, t.TempDir(), 10*len(want), 2, 10*len(want), 5)
	if !slices.Equal(got, want) || st.Runs != 0 {
		t.Errorf("in memory: counts differ or %d runs", st.Runs)
	}
}

// TestCounterBound gives room for fewer words than the stream has and
// expects exactly the words at or above the lowest count that fits, for
// any number of tallies.
func TestCounterBound(t *testing.T) {
	stream := zipfStream(20_000, 2000, 2)
	all := exactCounts(stream)
	for _, maxWords := range []int{1, 50, 400, 900} {
		// The smallest threshold that keeps at most maxWords, by trying
		// each in turn.
		var threshold int64 = 1
		for ; ; threshold++ {
			n := 0
			for _, w := range all {
				if w.Count >= threshold {
					n++
				}
			}
			if n <= maxWords {
				break
			}
		}
		var want []WordCount
		for _, w := range all {
			if w.Count >= threshold {
				want = append(want, w)
			}
		}
		for _, tallies := range []int{1, 3, 7} {
			got, st := countWith(t, stream, t.TempDir(), maxWords, tallies, max(maxWords/tallies, 400), uint64(maxWords+tallies))
			if !slices.Equal(got, want) {
				t.Errorf("max %d, %d tallies: kept %d words, want %d (count >= %d)", maxWords, tallies, len(got), len(want), threshold)
			}
			if st.MinCount != threshold || st.Kept != len(want) || st.Distinct != int64(len(all)) || len(got) > maxWords {
				t.Errorf("max %d, %d tallies: stats %+v, want min count %d", maxWords, tallies, st, threshold)
			}
		}
	}
}

func TestMinCount(t *testing.T) {
	tests := []struct {
		hist     map[int64]int64
		maxWords int
		want     int64
	}{
		{map[int64]int64{}, 10, 1},
		{map[int64]int64{1: 5, 2: 3, 9: 1}, 9, 1},
		{map[int64]int64{1: 5, 2: 3, 9: 1}, 8, 2},
		{map[int64]int64{1: 5, 2: 3, 9: 1}, 4, 2},
		{map[int64]int64{1: 5, 2: 3, 9: 1}, 3, 3},
		{map[int64]int64{1: 5, 2: 3, 9: 1}, 1, 3},
		{map[int64]int64{1: 5, 2: 3, 9: 1}, 0, 10},
		{map[int64]int64{1: 5, 2: 3, 9: 2}, 1, 10},
	}
	for _, tt := range tests {
		if got := minCount(tt.hist, tt.maxWords); got != tt.want {
			t.Errorf("minCount(%v, %d) = %d, want %d", tt.hist, tt.maxWords, got, tt.want)
		}
	}
}

// TestCounterErrors checks that failures name the file and the problem.
func TestCounterErrors(t *testing.T) {
	// Spilling into a directory that does not exist.
	missing := filepath.Join(t.TempDir(), "missing")
	c := NewCounter(missing, 2, 1)
	c.tallies[0].limit = 2
	for _, w := range []string{"a", "b", "c"} {
		c.Tally(0).Add([]byte(w))
	}
	if _, _, err := c.Words(context.Background()); err == nil || !strings.Contains(err.Error(), "missing") {
		t.Errorf("spill into a missing directory: got %v", err)
	}

	// A damaged run: words out of order.
	dir := t.TempDir()
	c = NewCounter(dir, 4, 2)
	c.tallies[0].limit = 5
	defer c.Close()
	for _, w := range []string{"a", "b", "c", "d", "e"} {
		c.Tally(0).Add([]byte(w))
	}
	if len(c.runs) != 1 {
		t.Fatalf("%d runs, want 1", len(c.runs))
	}
	if err := os.WriteFile(c.runs[0], []byte("\x01b\x01\x01a\x01"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, _, err := c.Words(context.Background())
	if err == nil || !strings.Contains(err.Error(), c.runs[0]) || !strings.Contains(err.Error(), "damaged") {
		t.Errorf("damaged run: got %v", err)
	}

	// A truncated run.
	c2 := NewCounter(dir, 2, 1)
	c2.tallies[0].limit = 2
	defer c2.Close()
	for _, w := range []string{"a", "b"} {
		c2.Tally(0).Add([]byte(w))
	}
	if err := os.WriteFile(c2.runs[0], []byte("\x01a\x01\x05bc"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, _, err := c2.Words(context.Background()); err == nil || !strings.Contains(err.Error(), c2.runs[0]) {
		t.Errorf("truncated run: got %v", err)
	}
}

func TestCounterCanceled(t *testing.T) {
	stream := zipfStream(5000, 500, 3)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	for _, maxWords := range []int{100, 1 << 20} { // with and without runs
		c := NewCounter(t.TempDir(), maxWords, 2)
		for _, tally := range c.tallies {
			tally.limit = min(maxWords, tally.limit)
		}
		for i, w := range stream {
			c.Tally(i % 2).Add([]byte(w))
		}
		if _, _, err := c.Words(ctx); !errors.Is(err, context.Canceled) {
			t.Errorf("max %d: got %v, want context.Canceled", maxWords, err)
		}
		c.Close()
	}
}

// TestCounterTrain checks the point of the bound: training on a Counter's
// words gives one vocabulary for any number of tallies, and with room for
// every word the vocabulary of the exact counts.
func TestCounterTrain(t *testing.T) {
	var stream []string
	for _, w := range zipfWords(3000, 4) {
		for range min(w.Count/1e6, 50) + 1 {
			stream = append(stream, w.Word)
		}
	}
	exact, err := Train(context.Background(), exactCounts(stream), Options{Size: 400})
	if err != nil {
		t.Fatal(err)
	}
	distinct := len(exactCounts(stream))
	var bounded []string
	for _, tallies := range []int{1, 2, 5} {
		words, _ := countWith(t, stream, t.TempDir(), distinct, tallies, 50, 7)
		got, err := Train(context.Background(), words, Options{Size: 400})
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(got, exact) {
			t.Errorf("%d tallies, room for all: vocabulary differs from exact counts", tallies)
		}
		words, _ = countWith(t, stream, t.TempDir(), distinct/3, tallies, 50, 8)
		got, err = Train(context.Background(), words, Options{Size: 400})
		if err != nil {
			t.Fatal(err)
		}
		if bounded == nil {
			bounded = got
		} else if !slices.Equal(got, bounded) {
			t.Errorf("%d tallies, bounded: vocabulary differs from 1 tally", tallies)
		}
	}
}
