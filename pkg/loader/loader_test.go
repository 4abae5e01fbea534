package loader

import (
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/bertline/bertline/pkg/bert"
	"github.com/bertline/bertline/pkg/shards"
)

// trainSplits are the layouts the training tests run on.
var trainSplits = []struct {
	name string
	spec splitSpec
}{
	{"static", splitSpec{n: 97, shards: 4}},
	{"dynamic", splitSpec{n: 97, shards: 4, dynamic: true}},
	{"static-bins", splitSpec{n: 150, shards: 3, binSize: 16}},
	{"dynamic-bins", splitSpec{n: 150, shards: 3, binSize: 16, dynamic: true}},
}

// wantBatches is the number of global batches of size g in an epoch of s,
// counted from the sources: whole batches per bin.
func (s *split) wantBatches(g int) int64 {
	perBin := map[int]int{}
	for _, x := range s.src {
		perBin[x.bin]++
	}
	var n int64
	for _, c := range perBin {
		n += int64(c / g)
	}
	return n
}

func TestTrainEpochs(t *testing.T) {
	for _, c := range trainSplits {
		t.Run(c.name, func(t *testing.T) {
			s := makeSplit(t, t.TempDir(), c.spec)
			const bs, epochs = 6, 3
			cfg := Config{Dir: s.dir, BatchSize: bs, Seed: 7, Shuffle: true, Mask: testMask}
			l := open(t, cfg, Cursor{})
			bpe := l.BatchesPerEpoch()
			if want := s.wantBatches(bs); bpe != want {
				t.Fatalf("BatchesPerEpoch = %d, want %d", bpe, want)
			}
			if l.Instances() != c.spec.n {
				t.Errorf("Instances = %d, want %d", l.Instances(), c.spec.n)
			}
			batches, cursors := read(t, l, int(epochs*bpe))
			var epochTags [][]int
			for e := range int64(epochs) {
				seen := map[int]bool{}
				var order []int
				var binOrder []int
				for k := range bpe {
					i := e*bpe + k
					want := Cursor{Epoch: e, Batch: k + 1}
					if k+1 == bpe {
						want = Cursor{Epoch: e + 1}
					}
					if cursors[i] != want {
						t.Fatalf("cursor after batch %d of epoch %d = %+v, want %+v", k, e, cursors[i], want)
					}
					tags := s.tags(t, l, batches[i:i+1])
					if len(tags) != bs {
						t.Fatalf("batch of %d rows, want %d", len(tags), bs)
					}
					bin := s.src[tags[0]].bin
					for _, g := range tags {
						if seen[g] {
							t.Fatalf("epoch %d: instance %d twice", e, g)
						}
						seen[g] = true
						if s.src[g].bin != bin {
							t.Fatalf("epoch %d, batch %d mixes bins %d and %d", e, k, bin, s.src[g].bin)
						}
					}
					order = append(order, tags...)
					binOrder = append(binOrder, bin)
				}
				if len(seen) != int(bpe)*bs {
					t.Fatalf("epoch %d: %d instances, want %d", e, len(seen), int(bpe)*bs)
				}
				// NVIDIA's reading: file after file, rows shuffled within a
				// file; so within a bin each file's rows are contiguous.
				for b := range 8 {
					var files []int
					for _, g := range order {
						if s.src[g].bin == b {
							files = append(files, s.src[g].file)
						}
					}
					runs := slices.Compact(slices.Clone(files))
					slices.Sort(runs)
					if len(slices.Compact(runs)) != len(slices.Compact(slices.Clone(files))) {
						t.Errorf("epoch %d, bin %d: files %v are not read one after the other", e, b, files)
					}
				}
				if c.spec.binSize > 0 && slices.IsSorted(binOrder) {
					t.Errorf("epoch %d: bins read in order %v, not interleaved", e, binOrder)
				}
				epochTags = append(epochTags, order)
			}
			for e := 1; e < epochs; e++ {
				if slices.Equal(epochTags[e], epochTags[0]) {
					t.Errorf("epoch %d has the order of epoch 0", e)
				}
			}

			// Three ranks of batch 2 cover the same global batches, rows
			// (masks included) identical.
			var ranks [][]*bert.Batch
			for r := range 3 {
				lr := open(t, Config{Dir: s.dir, BatchSize: bs / 3, Rank: r, World: 3, Seed: 7, Shuffle: true, Mask: testMask}, Cursor{})
				if lr.BatchesPerEpoch() != bpe {
					t.Fatalf("rank %d: BatchesPerEpoch = %d, want %d", r, lr.BatchesPerEpoch(), bpe)
				}
				rb, _ := read(t, lr, len(batches))
				ranks = append(ranks, rb)
			}
			for i, b := range batches {
				want := rowsOf(t, b, l)
				var got []row
				for r := range ranks {
					got = append(got, rowsOf(t, ranks[r][i], l)...)
				}
				if !sameRows(got, want) {
					t.Fatalf("batch %d: ranks hold %v, world 1 holds %v", i, rowTags(got), rowTags(want))
				}
			}

			// Prefetch depth does not change anything.
			cfg.Prefetch = 1
			again, _ := read(t, open(t, cfg, Cursor{}), len(batches))
			if !reflect.DeepEqual(again, batches) {
				t.Error("Prefetch 1 gives other batches than the default")
			}
		})
	}
}

// sameRows compares rows by content, ignoring padding.
func sameRows(a, b []row) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		x, y := a[i], b[i]
		if !slices.Equal(x.input, y.input) || !slices.Equal(x.types, y.types) || !slices.Equal(x.pos, y.pos) ||
			!slices.Equal(x.labels, y.labels) || x.nsp != y.nsp {
			return false
		}
	}
	return true
}

func rowTags(rs []row) []int {
	var t []int
	for _, r := range rs {
		t = append(t, r.tag)
	}
	return t
}

func TestSeeds(t *testing.T) {
	s := makeSplit(t, t.TempDir(), splitSpec{n: 60, shards: 3, dynamic: true})
	cfg := Config{Dir: s.dir, BatchSize: 4, Seed: 1, Shuffle: true, Mask: testMask}
	l := open(t, cfg, Cursor{})
	n := int(2 * l.BatchesPerEpoch())
	a, _ := read(t, l, n)
	b, _ := read(t, open(t, cfg, Cursor{}), n)
	if !reflect.DeepEqual(a, b) {
		t.Error("two loaders with the same config differ")
	}
	cfg.Seed = 2
	c, _ := read(t, open(t, cfg, Cursor{}), n)
	if slices.Equal(s.tags(t, l, a), s.tags(t, l, c)) {
		t.Error("seeds 1 and 2 give the same order")
	}
}

func TestResume(t *testing.T) {
	for _, c := range []struct {
		name        string
		spec        splitSpec
		bs, w, rank int
	}{
		{"static", splitSpec{n: 97, shards: 4}, 5, 1, 0},
		{"dynamic-bins-rank2", splitSpec{n: 150, shards: 3, binSize: 16, dynamic: true}, 2, 3, 2},
	} {
		t.Run(c.name, func(t *testing.T) {
			s := makeSplit(t, t.TempDir(), c.spec)
			cfg := Config{Dir: s.dir, BatchSize: c.bs, Rank: c.rank, World: c.w, Seed: 3, Shuffle: true, Mask: testMask, Prefetch: 2}
			l := open(t, cfg, Cursor{})
			bpe := int(l.BatchesPerEpoch())
			all, cursors := read(t, l, 2*bpe+bpe/2)
			for _, i := range []int{0, 1, bpe / 2, bpe - 1, bpe, bpe + 3, 2*bpe - 1, 2 * bpe} {
				at := Cursor{}
				if i > 0 {
					at = cursors[i-1]
				}
				n := min(6, len(all)-i)
				got, gotCursors := read(t, open(t, cfg, at), n)
				if !reflect.DeepEqual(got, all[i:i+n]) || !slices.Equal(gotCursors, cursors[i:i+n]) {
					t.Errorf("resumed at %+v (batch %d): batches differ from the uninterrupted run", at, i)
				}
			}
		})
	}
}

// TestBatchLayout checks a batch against values written out by hand.
func TestBatchLayout(t *testing.T) {
	dir := t.TempDir()
	w, err := shards.Create(filepath.Join(dir, "shard-00000.arrow"), shards.Meta{
		VocabSHA256: testSHA, VocabSize: testVocab, MaxSeqLen: 20, MaxPredictions: 3,
		Masking: shards.MaskingStatic, Compat: shards.CompatBertline, NumShards: 1,
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, in := range []shards.Instance{
		{InputIDs: []int32{2, 1001, 4, 3, 1003, 3}, ALength: 4, MaskedPositions: []int32{2}, MaskedIDs: []int32{1002}},
		{InputIDs: []int32{2, 1011, 1012, 3, 4, 1014, 1015, 1016, 4, 3}, ALength: 4, IsRandomNext: true,
			MaskedPositions: []int32{4, 8}, MaskedIDs: []int32{1013, 1017}},
	} {
		if err := w.Write(&in); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	l := open(t, Config{Dir: dir, BatchSize: 2}, Cursor{})
	if l.MaxT() != 24 || l.MaxMasked() != 6 {
		t.Errorf("MaxT %d, MaxMasked %d; want 24, 6", l.MaxT(), l.MaxMasked())
	}
	b, at, err := l.Next()
	if err != nil {
		t.Fatal(err)
	}
	want := &bert.Batch{
		B: 2, T: 16,
		InputIDs: []int32{
			2, 1001, 4, 3, 1003, 3, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
			2, 1011, 1012, 3, 4, 1014, 1015, 1016, 4, 3, 0, 0, 0, 0, 0, 0},
		TokenTypes: []int32{
			0, 0, 0, 0, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
			0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0},
		Mask: []int32{
			1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
			1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0},
		MaskedPos: []int32{2, 16 + 4, 16 + 8},
		MaskedIDs: []int32{1002, 1013, 1017},
		NSPLabels: []int32{0, 1},
	}
	if !reflect.DeepEqual(b, want) {
		t.Errorf("batch\n%+v\nwant\n%+v", b, want)
	}
	if at != (Cursor{Batch: 1}) {
		t.Errorf("cursor %+v, want {0 1}", at)
	}
	if _, _, err := l.Next(); err != io.EOF {
		t.Errorf("after the only batch: %v, want io.EOF", err)
	}
}

func TestDynamicMasks(t *testing.T) {
	s := makeSplit(t, t.TempDir(), splitSpec{n: 120, shards: 3, dynamic: true, maxPred: 8})
	cfg := Config{Dir: s.dir, BatchSize: 4, Seed: 11, Shuffle: true, Mask: testMask}
	l := open(t, cfg, Cursor{})
	bpe := int(l.BatchesPerEpoch())
	const epochs = 4
	bs, _ := read(t, l, epochs*bpe)
	masks := make([]map[int]row, epochs) // per epoch, by tag
	var masked, asMask, kept int
	for e := range epochs {
		masks[e] = map[int]row{}
		for _, b := range bs[e*bpe : (e+1)*bpe] {
			for _, r := range rowsOf(t, b, l) {
				s.check(t, r)
				masks[e][r.tag] = r
				for k, p := range r.pos {
					masked++
					switch r.input[p] {
					case idMASK:
						asMask++
					case r.labels[k]:
						kept++
					}
				}
			}
		}
	}
	for e := 1; e < epochs; e++ {
		same := 0
		for g, r := range masks[e] {
			if p, ok := masks[0][g]; ok && slices.Equal(p.input, r.input) && slices.Equal(p.pos, r.pos) {
				same++
			}
		}
		if same > len(masks[e])/10 {
			t.Errorf("epoch %d: %d of %d instances masked as in epoch 0", e, same, len(masks[e]))
		}
	}
	// Google's 80/10/10 (a random id equals the original 1 time in ~1500).
	fm, fk := float64(asMask)/float64(masked), float64(kept)/float64(masked)
	if fm < 0.75 || fm > 0.85 || fk < 0.06 || fk > 0.14 {
		t.Errorf("of %d masked tokens %.3f are [MASK] and %.3f kept; want 0.8 and 0.1", masked, fm, fk)
	}

	// Evaluation masks as training epoch 0 does, and reproducibly.
	ev := Config{Dir: s.dir, BatchSize: 7, Seed: 11, Mask: testMask}
	le := open(t, ev, Cursor{})
	e1, e2 := readAll(t, le), readAll(t, open(t, ev, Cursor{}))
	if !reflect.DeepEqual(e1, e2) {
		t.Error("two evaluation passes differ")
	}
	for _, b := range e1 {
		for _, r := range rowsOf(t, b, le) {
			if p, ok := masks[0][r.tag]; ok && (!slices.Equal(p.input, r.input) || !slices.Equal(p.pos, r.pos)) {
				t.Fatalf("instance %d: evaluation mask %v, training epoch 0 %v", r.tag, r.pos, p.pos)
			}
		}
	}
}

func TestMaskedLMProb(t *testing.T) {
	s := makeSplit(t, t.TempDir(), splitSpec{n: 40, shards: 2, dynamic: true, maxPred: 20, extra: map[string]string{"masked_lm_prob": "0.3"}})
	l := open(t, Config{Dir: s.dir, BatchSize: 40, Mask: testMask}, Cursor{})
	for _, b := range readAll(t, l) {
		for _, r := range rowsOf(t, b, l) {
			want := min(20, max(1, int(float64(len(r.input))*0.3+0.5)))
			if d := len(r.pos) - want; d < -1 || d > 1 { // ±1: round half to even
				t.Fatalf("instance %d of %d tokens: %d masked at masked_lm_prob 0.3, want %d", r.tag, len(r.input), len(r.pos), want)
			}
		}
	}
	mc := testMask
	mc.MaskedLMProb = 0.2
	if _, err := Open(Config{Dir: s.dir, BatchSize: 4, Mask: mc}, Cursor{}); err == nil || !strings.Contains(err.Error(), "masked_lm_prob") {
		t.Errorf("masked_lm_prob 0.3 in the shards, 0.2 asked: %v", err)
	}
}

func TestWholeWordMask(t *testing.T) {
	s := makeSplit(t, t.TempDir(), splitSpec{n: 60, shards: 2, dynamic: true, wwm: true, maxPred: 8})
	if _, err := Open(Config{Dir: s.dir, BatchSize: 4, Mask: testMask}, Cursor{}); err == nil || !strings.Contains(err.Error(), "Words") {
		t.Fatalf("whole-word masking without words: %v", err)
	}
	mc := testMask
	mc.Words = testWords()
	l := open(t, Config{Dir: s.dir, BatchSize: 4, Mask: mc}, Cursor{})
	groups := 0
	for _, b := range readAll(t, l) {
		for _, r := range rowsOf(t, b, l) {
			s.check(t, r)
			isMasked := make([]bool, len(r.orig))
			for _, p := range r.pos {
				isMasked[p] = true
			}
			// A word is a piece and the "##" pieces after it; a word is
			// masked whole or not at all.
			start := -1
			for i, id := range r.orig {
				if id == idCLS || id == idSEP {
					continue
				}
				if id >= contBase && start >= 0 {
					if isMasked[i] != isMasked[start] {
						t.Fatalf("instance %d: piece %d masked %v, its word's start %d masked %v", r.tag, i, isMasked[i], start, isMasked[start])
					}
					if isMasked[i] {
						groups++
					}
					continue
				}
				start = i
			}
		}
	}
	if groups == 0 {
		t.Error("no masked word had a \"##\" piece; the test proves nothing")
	}
}

func TestEval(t *testing.T) {
	for _, c := range []struct {
		name string
		spec splitSpec
	}{
		{"static", splitSpec{n: 23, shards: 3}},
		{"dynamic-bins", splitSpec{n: 41, shards: 2, binSize: 16, dynamic: true}},
	} {
		t.Run(c.name, func(t *testing.T) {
			s := makeSplit(t, t.TempDir(), c.spec)
			const bs = 5
			cfg := Config{Dir: s.dir, BatchSize: bs, Mask: testMask}
			l := open(t, cfg, Cursor{})
			all := readAll(t, l)
			nb := (c.spec.n + bs - 1) / bs
			if len(all) != nb || l.BatchesPerEpoch() != int64(nb) {
				t.Fatalf("%d batches, BatchesPerEpoch %d, want %d", len(all), l.BatchesPerEpoch(), nb)
			}
			if last := all[len(all)-1].B; last != c.spec.n-(nb-1)*bs {
				t.Errorf("last batch of %d rows, want %d", last, c.spec.n-(nb-1)*bs)
			}
			if got := s.tags(t, l, all); !slices.Equal(got, s.order) {
				t.Errorf("evaluation order %v, want file order %v", got, s.order)
			}
			for range 2 {
				if _, _, err := l.Next(); err != io.EOF {
					t.Errorf("after the pass: %v, want io.EOF", err)
				}
			}

			// Two ranks take alternate batches.
			r0 := readAll(t, open(t, Config{Dir: s.dir, BatchSize: bs, World: 2, Mask: testMask}, Cursor{}))
			r1 := readAll(t, open(t, Config{Dir: s.dir, BatchSize: bs, World: 2, Rank: 1, Mask: testMask}, Cursor{}))
			if len(r0) != (nb+1)/2 || len(r1) != nb/2 {
				t.Fatalf("ranks read %d and %d batches of %d", len(r0), len(r1), nb)
			}
			for i, b := range all {
				got := r0
				if i%2 == 1 {
					got = r1
				}
				if !reflect.DeepEqual(got[i/2], b) {
					t.Errorf("batch %d differs on rank %d", i, i%2)
				}
			}

			// Resume in the middle of the pass.
			if rest := readAll(t, open(t, cfg, Cursor{Batch: 2})); !reflect.DeepEqual(rest, all[2:]) {
				t.Error("evaluation resumed at batch 2 differs")
			}
			if _, err := Open(cfg, Cursor{Epoch: 1}); err == nil {
				t.Error("evaluation opened at epoch 1")
			}
		})
	}
}

func TestMetaMismatch(t *testing.T) {
	s := makeSplit(t, t.TempDir(), splitSpec{n: 20, shards: 3})
	for _, c := range []struct {
		name string
		cfg  Config
		want error
	}{
		{"vocab", Config{VocabSHA256: strings.Repeat("ab", 32)}, shards.ErrVocabMismatch},
		{"seq-len", Config{MaxSeqLen: 128}, shards.ErrSeqLenMismatch},
		{"both-seq-len", Config{VocabSHA256: testSHA, MaxSeqLen: 32}, shards.ErrSeqLenMismatch},
	} {
		c.cfg.Dir, c.cfg.BatchSize, c.cfg.Shuffle = s.dir, 2, true
		_, err := Open(c.cfg, Cursor{})
		if !errors.Is(err, c.want) || !strings.Contains(err.Error(), s.files[0]) {
			t.Errorf("%s: %v, want %v naming %s", c.name, err, c.want, s.files[0])
		}
	}
	open(t, Config{Dir: s.dir, BatchSize: 2, VocabSHA256: testSHA, MaxSeqLen: 64}, Cursor{})

	// A shard from another split (other masking) among the files.
	d := makeSplit(t, t.TempDir(), splitSpec{n: 20, shards: 3, dynamic: true})
	copyFile(t, d.files[1], s.files[1])
	if _, err := Open(Config{Dir: s.dir, BatchSize: 2, Mask: testMask}, Cursor{}); err == nil ||
		!strings.Contains(err.Error(), s.files[1]) || !strings.Contains(err.Error(), "masking") {
		t.Errorf("mixed masking: %v", err)
	}

	// A missing shard.
	m := makeSplit(t, t.TempDir(), splitSpec{n: 20, shards: 3})
	if err := os.Remove(m.files[2]); err != nil {
		t.Fatal(err)
	}
	if _, err := Open(Config{Dir: m.dir, BatchSize: 2}, Cursor{}); err == nil || !strings.Contains(err.Error(), "num_shards 3") {
		t.Errorf("missing shard: %v", err)
	}
}

func copyFile(t *testing.T, from, to string) {
	t.Helper()
	data, err := os.ReadFile(from)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(to, data, 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestDamagedShard changes one token of the first record batch of a shard:
// Open reads only the last batch, so Next meets the damage.
func TestDamagedShard(t *testing.T) {
	for _, shuffle := range []bool{false, true} {
		s := makeSplit(t, t.TempDir(), splitSpec{n: 12, shards: 1, batchRows: 4, uncompressed: true})
		path := s.files[0]
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		// Instance 0 starts [CLS] tag, stored as uint16: 02 00 0a 00.
		x := s.src[0].orig
		pat := []byte{byte(x[0]), 0, byte(x[1]), 0, byte(x[2]), byte(x[2] >> 8)}
		i := bytes.Index(data, pat)
		if i < 0 || bytes.Count(data, pat) != 1 {
			t.Fatalf("instance 0's tokens found %d times", bytes.Count(data, pat))
		}
		data[i+2]++ // the tag of instance 1: a valid id, a wrong checksum
		if err := os.WriteFile(path, data, 0o644); err != nil {
			t.Fatal(err)
		}
		l := open(t, Config{Dir: s.dir, BatchSize: 2, Shuffle: shuffle}, Cursor{})
		var first error
		for range 20 {
			if _, _, err = l.Next(); err != nil {
				break
			}
		}
		if !errors.Is(err, shards.ErrCorrupt) || !strings.Contains(err.Error(), path) {
			t.Fatalf("shuffle %v: %v, want shards.ErrCorrupt naming %s", shuffle, err, path)
		}
		first = err
		if _, _, err = l.Next(); err != first {
			t.Errorf("Next after an error: %v, want %v again", err, first)
		}
	}
}

func TestCloseLeaksNothing(t *testing.T) {
	s := makeSplit(t, t.TempDir(), splitSpec{n: 200, shards: 4, dynamic: true})
	base := runtime.NumGoroutine()
	for _, c := range []struct {
		prefetch, reads int
	}{{1, 0}, {1, 1}, {4, 3}, {2, 50}} {
		l, err := Open(Config{Dir: s.dir, BatchSize: 3, Shuffle: true, Prefetch: c.prefetch, Mask: testMask}, Cursor{})
		if err != nil {
			t.Fatal(err)
		}
		read(t, l, c.reads)
		if err := l.Close(); err != nil {
			t.Fatal(err)
		}
		// Close has waited for the loader's goroutine, which may still be
		// returning, and the shard reader's zstd decoders end theirs
		// asynchronously: allow them a moment to go.
		n := runtime.NumGoroutine()
		for deadline := time.Now().Add(2 * time.Second); n > base && time.Now().Before(deadline); n = runtime.NumGoroutine() {
			time.Sleep(5 * time.Millisecond)
		}
		if n > base {
			buf := make([]byte, 1<<20)
			t.Fatalf("prefetch %d after %d reads: %d goroutines after Close, %d before Open:\n%s", c.prefetch, c.reads, n, base, buf[:runtime.Stack(buf, true)])
		}
		if _, _, err := l.Next(); err == nil {
			t.Error("Next after Close returned a batch")
		}
		if err := l.Close(); err != nil {
			t.Errorf("second Close: %v", err)
		}
	}
}

func TestOpenErrors(t *testing.T) {
	s := makeSplit(t, t.TempDir(), splitSpec{n: 20, shards: 2})
	dyn := makeSplit(t, t.TempDir(), splitSpec{n: 20, shards: 2, dynamic: true})
	both := makeSplit(t, t.TempDir(), splitSpec{n: 20, shards: 2})
	if err := os.Mkdir(filepath.Join(both.dir, "bin-000"), 0o755); err != nil {
		t.Fatal(err)
	}
	copyFile(t, both.files[0], filepath.Join(both.dir, "bin-000", "shard-00000.arrow"))
	badMask := testMask
	badMask.VocabSize = 30522
	for _, c := range []struct {
		name string
		cfg  Config
		at   Cursor
		want string
	}{
		{"no-dir", Config{Dir: filepath.Join(s.dir, "nope"), BatchSize: 2}, Cursor{}, "no such file"},
		{"empty", Config{Dir: t.TempDir(), BatchSize: 2}, Cursor{}, "no shard-*.arrow"},
		{"flat-and-bins", Config{Dir: both.dir, BatchSize: 2}, Cursor{}, "both"},
		{"batch-size", Config{Dir: s.dir}, Cursor{}, "batch size"},
		{"rank", Config{Dir: s.dir, BatchSize: 2, Rank: 2, World: 2}, Cursor{}, "rank 2"},
		{"too-few", Config{Dir: s.dir, BatchSize: 7, World: 3, Shuffle: true}, Cursor{}, "global batch"},
		{"cursor-past-epoch", Config{Dir: s.dir, BatchSize: 2, Shuffle: true}, Cursor{Batch: 10}, "past"},
		{"negative-cursor", Config{Dir: s.dir, BatchSize: 2, Shuffle: true}, Cursor{Epoch: -1}, "negative"},
		{"no-mask-config", Config{Dir: dyn.dir, BatchSize: 2}, Cursor{}, "VocabSize 0"},
		{"vocab-size", Config{Dir: dyn.dir, BatchSize: 2, Mask: badMask}, Cursor{}, "VocabSize 30522"},
	} {
		_, err := Open(c.cfg, c.at)
		if err == nil || !strings.Contains(err.Error(), c.want) || !strings.HasPrefix(err.Error(), "loader: ") {
			t.Errorf("%s: %v, want an error with %q", c.name, err, c.want)
		}
	}
}
