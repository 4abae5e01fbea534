package loader

import (
	"errors"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/bertline/bertline/pkg/bert"
	"github.com/bertline/bertline/pkg/shards"
)

// The test vocabulary: [PAD]=0, [UNK]=1, [CLS]=2, [SEP]=3, [MASK]=4; ids
// from tagBase tag instances (token 1 of instance g is tagBase+g, so every
// row of a batch names its source, for up to wordBase-tagBase instances);
// ids from contBase on are "##" pieces.
const (
	idCLS     = 2
	idSEP     = 3
	idMASK    = 4
	tagBase   = 10
	wordBase  = 1000
	contBase  = 2500
	testVocab = 3000
)

var testSHA = strings.Repeat("0123456789abcdef", 4)

// testMask is the MaskConfig of the test vocabulary.
var testMask = MaskConfig{CLS: idCLS, SEP: idSEP, MASK: idMASK, VocabSize: testVocab}

// testWords are the words of the test vocabulary.
func testWords() []string {
	w := make([]string, testVocab)
	for i := range w {
		switch {
		case i == idCLS:
			w[i] = "[CLS]"
		case i == idSEP:
			w[i] = "[SEP]"
		case i == idMASK:
			w[i] = "[MASK]"
		case i >= contBase:
			w[i] = fmt.Sprintf("##p%d", i)
		default:
			w[i] = fmt.Sprintf("w%d", i)
		}
	}
	return w
}

// splitSpec describes a split directory to make.
type splitSpec struct {
	n            int  // instances
	shards       int  // shards (per bin)
	binSize      int  // > 0: bin-NNN directories by length
	maxSeqLen    int  // default 64
	maxPred      int  // default 5
	dynamic      bool // dynamic masking
	wwm          bool // whole_word_mask, with "##" pieces among the tokens
	batchRows    int  // rows per record batch, default 8
	uncompressed bool
	extra        map[string]string
	seed         uint64
}

// source is an instance as written.
type source struct {
	tag  int
	file int // global file index in name order
	row  int
	bin  int
	inst shards.Instance // as stored (masked with static masking)
	orig []int32         // the unmasked tokens
}

// split is a split directory and what it holds.
type split struct {
	dir   string
	spec  splitSpec
	src   []*source // by tag
	files []string  // paths in name order
	order []int     // tags in file order: bins, files, rows
}

// makeSplit writes a split as the shard stage does: instances dealt
// round-robin to the shards of their length bin.
func makeSplit(t testing.TB, dir string, spec splitSpec) *split {
	t.Helper()
	if spec.maxSeqLen == 0 {
		spec.maxSeqLen = 64
	}
	if spec.maxPred == 0 {
		spec.maxPred = 5
	}
	if spec.batchRows == 0 {
		spec.batchRows = 8
	}
	rng := rand.New(rand.NewPCG(spec.seed, 99))
	s := &split{dir: dir, spec: spec}
	for g := range spec.n {
		s.src = append(s.src, makeInstance(rng, g, &spec))
	}
	nbins := 1
	if spec.binSize > 0 {
		nbins = (spec.maxSeqLen + spec.binSize - 1) / spec.binSize
	}
	byBin := make([][]*source, nbins)
	for _, x := range s.src {
		if spec.binSize > 0 {
			x.bin = (len(x.orig) - 1) / spec.binSize
		}
		byBin[x.bin] = append(byBin[x.bin], x)
	}
	masking := shards.MaskingStatic
	if spec.dynamic {
		masking = shards.MaskingDynamic
	}
	opts := []shards.Option{shards.WithBatchRows(spec.batchRows)}
	if spec.uncompressed {
		opts = append(opts, shards.Uncompressed())
	}
	for b, in := range byBin {
		if len(in) == 0 {
			continue
		}
		d := dir
		if spec.binSize > 0 {
			d = filepath.Join(dir, fmt.Sprintf("bin-%03d", b))
		}
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
		ns := min(spec.shards, len(in))
		for k := range ns {
			extra := map[string]string{}
			for key, v := range spec.extra {
				extra[key] = v
			}
			path := filepath.Join(d, fmt.Sprintf("shard-%05d.arrow", k))
			w, err := shards.Create(path, shards.Meta{
				VocabSHA256: testSHA, VocabSize: testVocab, MaxSeqLen: spec.maxSeqLen,
				MaxPredictions: spec.maxPred, Masking: masking, Seed: 1, Compat: shards.CompatBertline,
				WholeWordMask: spec.wwm, ShardIndex: k, NumShards: ns, Extra: extra,
			}, opts...)
			if err != nil {
				t.Fatal(err)
			}
			file := len(s.files)
			for i := k; i < len(in); i += ns {
				x := in[i]
				x.file, x.row = file, (i-k)/ns
				if err := w.Write(&x.inst); err != nil {
					t.Fatal(err)
				}
				s.order = append(s.order, x.tag)
			}
			if err := w.Close(); err != nil {
				t.Fatal(err)
			}
			s.files = append(s.files, path)
		}
	}
	return s
}

// makeInstance returns instance g: [CLS] tag words [SEP] words [SEP] of a
// random length, masked at random positions with static masking.
func makeInstance(rng *rand.Rand, g int, spec *splitSpec) *source {
	n := 6 + rng.IntN(spec.maxSeqLen-5)
	aLen := 3 + rng.IntN(n-4)
	orig := make([]int32, n)
	for i := range orig {
		orig[i] = int32(wordBase + rng.IntN(contBase-wordBase))
		if spec.wwm && i > 2 && rng.IntN(3) == 0 {
			orig[i] = int32(contBase + rng.IntN(testVocab-contBase))
		}
	}
	orig[0], orig[1], orig[aLen-1], orig[n-1] = idCLS, int32(tagBase+g%(wordBase-tagBase)), idSEP, idSEP
	x := &source{tag: g, orig: orig, inst: shards.Instance{InputIDs: slices.Clone(orig), ALength: aLen, IsRandomNext: rng.IntN(2) == 1}}
	if !spec.dynamic {
		for i := 2; i < n-1 && len(x.inst.MaskedPositions) < spec.maxPred; i++ {
			if i != aLen-1 && rng.IntN(6) == 0 {
				x.inst.MaskedPositions = append(x.inst.MaskedPositions, int32(i))
				x.inst.MaskedIDs = append(x.inst.MaskedIDs, orig[i])
				x.inst.InputIDs[i] = idMASK
			}
		}
	}
	return x
}

// row is one row of a batch, taken apart.
type row struct {
	tag    int
	input  []int32 // unpadded, as in the batch
	orig   []int32 // input with the masked positions restored
	types  []int32
	pos    []int32 // masked positions within the row
	labels []int32
	nsp    int32
}

// rowsOf takes a batch apart and checks its layout: shapes, T a multiple
// of 8 and 8-rounded longest row, real tokens then padding (id 0, type 0,
// mask 0), token types 0 then 1, masked positions ascending inside real
// tokens, within the loader's limits.
func rowsOf(t testing.TB, b *bert.Batch, l *Loader) []row {
	t.Helper()
	B, T := b.B, b.T
	if B < 1 || T%8 != 0 || T > l.MaxT() || len(b.InputIDs) != B*T || len(b.TokenTypes) != B*T || len(b.Mask) != B*T ||
		len(b.NSPLabels) != B || len(b.MaskedPos) != len(b.MaskedIDs) || len(b.MaskedPos) > l.MaxMasked() {
		t.Fatalf("batch B=%d T=%d with %d ids, %d types, %d mask, %d labels, %d/%d masked (MaxT %d, MaxMasked %d)",
			B, T, len(b.InputIDs), len(b.TokenTypes), len(b.Mask), len(b.NSPLabels), len(b.MaskedPos), len(b.MaskedIDs), l.MaxT(), l.MaxMasked())
	}
	rows := make([]row, B)
	longest, mp := 0, 0
	for i := range rows {
		m := b.Mask[i*T : (i+1)*T]
		n := slices.Index(m, 0)
		if n < 0 {
			n = T
		}
		longest = max(longest, n)
		for t2 := range T {
			want := int32(0)
			if t2 < n {
				want = 1
			}
			if m[t2] != want {
				t.Fatalf("row %d: mask %v is not ones then zeros", i, m)
			}
			if t2 >= n && (b.InputIDs[i*T+t2] != 0 || b.TokenTypes[i*T+t2] != 0) {
				t.Fatalf("row %d: padding at %d holds id %d type %d", i, t2, b.InputIDs[i*T+t2], b.TokenTypes[i*T+t2])
			}
		}
		r := row{input: b.InputIDs[i*T : i*T+n], types: b.TokenTypes[i*T : i*T+n], nsp: b.NSPLabels[i]}
		for ; mp < len(b.MaskedPos) && int(b.MaskedPos[mp]) < (i+1)*T; mp++ {
			p := int(b.MaskedPos[mp]) - i*T
			if p < 0 || p >= n || (len(r.pos) > 0 && int32(p) <= r.pos[len(r.pos)-1]) {
				t.Fatalf("row %d: masked position %d (flat %d) out of order or outside %d tokens", i, p, b.MaskedPos[mp], n)
			}
			r.pos = append(r.pos, int32(p))
			r.labels = append(r.labels, b.MaskedIDs[mp])
		}
		r.orig = slices.Clone(r.input)
		for k, p := range r.pos {
			r.orig[p] = r.labels[k]
		}
		r.tag = int(r.orig[1]) - tagBase
		rows[i] = r
	}
	if mp != len(b.MaskedPos) {
		t.Fatalf("masked position %d (flat) outside the batch", b.MaskedPos[mp])
	}
	if T != (longest+7)/8*8 {
		t.Fatalf("T = %d for a longest row of %d", T, longest)
	}
	return rows
}

// check compares a row with its source: tokens, token types, NSP label,
// and masks (as stored, or by the dynamic rule).
func (s *split) check(t testing.TB, r row) {
	t.Helper()
	if r.tag < 0 || r.tag >= len(s.src) {
		t.Fatalf("row with tag %d, not an instance", r.tag)
	}
	x := s.src[r.tag]
	if !slices.Equal(r.orig, x.orig) {
		t.Fatalf("instance %d: tokens %v, want %v", r.tag, r.orig, x.orig)
	}
	for i, ty := range r.types {
		if want := int32(min(1, i/x.inst.ALength)); ty != want {
			t.Fatalf("instance %d: token type %d at %d with a_length %d", r.tag, ty, i, x.inst.ALength)
		}
	}
	wantNSP := int32(0)
	if x.inst.IsRandomNext {
		wantNSP = 1
	}
	if r.nsp != wantNSP {
		t.Fatalf("instance %d: NSP label %d, is_random_next %v", r.tag, r.nsp, x.inst.IsRandomNext)
	}
	if !s.spec.dynamic {
		if !slices.Equal(r.input, x.inst.InputIDs) || !slices.Equal(r.pos, x.inst.MaskedPositions) || !slices.Equal(r.labels, x.inst.MaskedIDs) {
			t.Fatalf("instance %d: input %v masked %v=%v, want %v masked %v=%v", r.tag, r.input, r.pos, r.labels,
				x.inst.InputIDs, x.inst.MaskedPositions, x.inst.MaskedIDs)
		}
		return
	}
	// Dynamic: Google's num_to_predict, never [CLS] or [SEP], unmasked
	// positions unchanged (checked through orig above).
	want := min(s.spec.maxPred, max(1, int(math.RoundToEven(float64(len(x.orig))*DefaultMaskedLMProb))))
	if !s.spec.wwm && len(r.pos) != want {
		t.Fatalf("instance %d of %d tokens: %d masked, want %d", r.tag, len(x.orig), len(r.pos), want)
	}
	for _, p := range r.pos {
		if x.orig[p] == idCLS || x.orig[p] == idSEP {
			t.Fatalf("instance %d: special token at %d masked", r.tag, p)
		}
	}
}

// read returns the next n batches of l with the cursors after them.
func read(t testing.TB, l *Loader, n int) ([]*bert.Batch, []Cursor) {
	t.Helper()
	var bs []*bert.Batch
	var cs []Cursor
	for range n {
		b, c, err := l.Next()
		if err != nil {
			t.Fatalf("batch %d: %v", len(bs), err)
		}
		bs, cs = append(bs, b), append(cs, c)
	}
	return bs, cs
}

// readAll reads an evaluation loader to io.EOF.
func readAll(t testing.TB, l *Loader) []*bert.Batch {
	t.Helper()
	var bs []*bert.Batch
	for {
		b, _, err := l.Next()
		if errors.Is(err, io.EOF) {
			return bs
		}
		if err != nil {
			t.Fatal(err)
		}
		bs = append(bs, b)
	}
}

// open opens a Loader and closes it at the end of the test.
func open(t testing.TB, cfg Config, at Cursor) *Loader {
	t.Helper()
	l, err := Open(cfg, at)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	return l
}

// tags returns the tags of the rows of bs, checking each row against s.
func (s *split) tags(t testing.TB, l *Loader, bs []*bert.Batch) []int {
	t.Helper()
	var out []int
	for _, b := range bs {
		for _, r := range rowsOf(t, b, l) {
			s.check(t, r)
			out = append(out, r.tag)
		}
	}
	return out
}
