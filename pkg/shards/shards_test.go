package shards

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/klauspost/compress/zstd"
)

const testSHA = "9b0d5dbcd6d9e8e5d0a3a1f2b8a1a8c1e9c0a6b5f4e3d2c1b0a9f8e7d6c5b4a3"

func testMeta(vocabSize, maxSeqLen int, masking string) Meta {
	return Meta{
		VocabSHA256:    testSHA,
		VocabSize:      vocabSize,
		MaxSeqLen:      maxSeqLen,
		MaxPredictions: min(20, maxSeqLen),
		Masking:        masking,
		Seed:           12345,
		Compat:         CompatGoogle,
		ToolVersion:    "test",
		NumShards:      1,
	}
}

// randInstance returns a valid instance for m; lengths range over
// [0, MaxSeqLen] and ids include the vocabulary's last one.
func randInstance(rng *rand.Rand, m Meta) *Instance {
	n := rng.IntN(m.MaxSeqLen + 1)
	if rng.IntN(4) == 0 {
		n = m.MaxSeqLen
	}
	inst := &Instance{InputIDs: make([]int32, n), ALength: rng.IntN(n + 1), IsRandomNext: rng.IntN(2) == 1}
	for i := range inst.InputIDs {
		inst.InputIDs[i] = int32(rng.IntN(m.VocabSize))
		if rng.IntN(10) == 0 {
			inst.InputIDs[i] = int32(m.VocabSize - 1)
		}
	}
	if m.Masking == MaskingStatic {
		k := rng.IntN(min(n, m.MaxPredictions) + 1) // 0 gives an empty masked list
		pos := rng.Perm(n)[:k]
		slices.Sort(pos)
		for _, p := range pos {
			inst.MaskedPositions = append(inst.MaskedPositions, int32(p))
			inst.MaskedIDs = append(inst.MaskedIDs, int32(rng.IntN(m.VocabSize)))
		}
	}
	return inst
}

func randInstances(seed uint64, m Meta, count int) []*Instance {
	rng := rand.New(rand.NewPCG(seed, 1))
	out := make([]*Instance, count)
	for i := range out {
		out[i] = randInstance(rng, m)
	}
	return out
}

func sameInstance(a, b *Instance) bool {
	return slices.Equal(a.InputIDs, b.InputIDs) && a.ALength == b.ALength && a.IsRandomNext == b.IsRandomNext &&
		slices.Equal(a.MaskedPositions, b.MaskedPositions) && slices.Equal(a.MaskedIDs, b.MaskedIDs)
}

func writeShard(t testing.TB, path string, m Meta, insts []*Instance, opts ...Option) {
	t.Helper()
	w, err := Create(path, m, opts...)
	if err != nil {
		t.Fatal(err)
	}
	defer w.Abort()
	for _, inst := range insts {
		if err := w.Write(inst); err != nil {
			t.Fatal(err)
		}
	}
	if w.Count() != len(insts) {
		t.Fatalf("Count() = %d, want %d", w.Count(), len(insts))
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
}

// readAll reads every instance with Next, failing on error.
func readAll(t testing.TB, path string, opts ...Option) (Meta, []*Instance) {
	t.Helper()
	r, err := Open(path, opts...)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	var got []*Instance
	for {
		inst, err := r.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, inst)
	}
	if len(got) != r.Len() {
		t.Errorf("Next returned %d instances, Len() = %d", len(got), r.Len())
	}
	return r.Meta(), got
}

func compareInstances(t *testing.T, got, want []*Instance) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("got %d instances, want %d", len(got), len(want))
	}
	for i := range want {
		if !sameInstance(got[i], want[i]) {
			t.Fatalf("instance %d:\ngot  %+v\nwant %+v", i, got[i], want[i])
		}
	}
}

func TestRoundTrip(t *testing.T) {
	u16, i16, i32 := arrow.PrimitiveTypes.Uint16, arrow.PrimitiveTypes.Int16, arrow.PrimitiveTypes.Int32
	tests := []struct {
		name             string
		vocab, seqLen    int
		masking          string
		count, batchRows int
		wantIDs, wantPos arrow.DataType
	}{
		{"bert-base static", 30522, 128, MaskingStatic, 50, 16, u16, i16},
		{"bert-base dynamic", 30522, 128, MaskingDynamic, 50, 16, u16, i16},
		{"largest uint16 vocabulary", 65536, 64, MaskingStatic, 40, 7, u16, i16},
		{"smallest int32 vocabulary", 65537, 64, MaskingStatic, 40, 7, i32, i16},
		{"multilingual int32 ids", 250002, 512, MaskingDynamic, 20, 8, i32, i16},
		{"long sequences int32 positions", 30522, 40000, MaskingStatic, 3, 2, u16, i32},
		{"exact multiple of batch rows", 30522, 32, MaskingStatic, 64, 32, u16, i16},
		{"one row per batch", 30522, 32, MaskingStatic, 5, 1, u16, i16},
		{"default batch rows", 30522, 32, MaskingStatic, 100, 0, u16, i16},
		{"no instances", 30522, 128, MaskingStatic, 0, 16, u16, i16},
		{"tiny vocabulary", 1, 8, MaskingStatic, 30, 4, u16, i16},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
			defer mem.AssertSize(t, 0)
			m := testMeta(tc.vocab, tc.seqLen, tc.masking)
			want := randInstances(uint64(tc.count), m, tc.count)
			opts := []Option{WithAllocator(mem)}
			if tc.batchRows > 0 {
				opts = append(opts, WithBatchRows(tc.batchRows))
			}
			path := filepath.Join(t.TempDir(), "s.arrow")
			writeShard(t, path, m, want, opts...)
			gotMeta, got := readAll(t, path, WithAllocator(mem))
			compareInstances(t, got, want)
			if gotMeta.MaxSeqLen != tc.seqLen || gotMeta.VocabSize != tc.vocab || gotMeta.Masking != tc.masking {
				t.Errorf("meta %+v", gotMeta)
			}

			r, err := Open(path, WithAllocator(mem))
			if err != nil {
				t.Fatal(err)
			}
			defer r.Close()
			s := r.ipc.Schema()
			fields := []string{}
			for _, f := range s.Fields() {
				fields = append(fields, f.Name)
			}
			wantFields := []string{"input_ids", "a_length", "next_sentence_labels"}
			if tc.masking == MaskingStatic {
				wantFields = append(wantFields, "masked_lm_positions", "masked_lm_ids")
			}
			if !slices.Equal(fields, wantFields) {
				t.Fatalf("columns %v, want %v", fields, wantFields)
			}
			checkType := func(i int, want arrow.DataType) {
				if got := s.Field(i).Type; !arrow.TypeEqual(got, want) {
					t.Errorf("column %s has type %s, want %s", s.Field(i).Name, got, want)
				}
			}
			checkType(0, arrow.ListOfField(arrow.Field{Name: "item", Type: tc.wantIDs}))
			checkType(1, tc.wantPos)
			checkType(2, arrow.PrimitiveTypes.Int8)
			if tc.masking == MaskingStatic {
				checkType(3, arrow.ListOfField(arrow.Field{Name: "item", Type: tc.wantPos}))
				checkType(4, arrow.ListOfField(arrow.Field{Name: "item", Type: tc.wantIDs}))
			}

			// Random access in a shuffled order, crossing batches.
			order := rand.New(rand.NewPCG(7, 7)).Perm(len(want))
			for _, i := range order {
				inst, err := r.ReadAt(i)
				if err != nil {
					t.Fatal(err)
				}
				if !sameInstance(inst, want[i]) {
					t.Fatalf("ReadAt(%d) = %+v, want %+v", i, inst, want[i])
				}
			}
			for _, i := range []int{-1, len(want)} {
				if _, err := r.ReadAt(i); err == nil {
					t.Errorf("ReadAt(%d) succeeded on %d instances", i, len(want))
				}
			}
		})
	}
}

// Instances returned earlier survive later reads, appends and Close.
func TestInstancesOutliveReader(t *testing.T) {
	m := testMeta(30522, 16, MaskingStatic)
	want := randInstances(3, m, 10)
	path := filepath.Join(t.TempDir(), "s.arrow")
	writeShard(t, path, m, want, WithBatchRows(3))
	r, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	var got []*Instance
	for i := 0; i < len(want); i++ {
		inst, err := r.Next()
		if err != nil {
			t.Fatal(err)
		}
		inst.InputIDs = append(inst.InputIDs, 1, 2, 3) // must not clobber the next row
		inst.InputIDs = inst.InputIDs[:len(inst.InputIDs)-3]
		got = append(got, inst)
	}
	if _, err := r.Next(); err != io.EOF {
		t.Fatalf("Next after the last instance: %v, want io.EOF", err)
	}
	r.Close()
	compareInstances(t, got, want)
}

func TestMetaRoundTrip(t *testing.T) {
	m := Meta{
		VocabSHA256:    testSHA,
		VocabSize:      30522,
		MaxSeqLen:      512,
		MaxPredictions: 80,
		Masking:        MaskingStatic,
		Seed:           -9007199254740993,
		Compat:         CompatBertline,
		WholeWordMask:  true,
		ToolVersion:    "v1.2.3",
		ShardIndex:     6,
		NumShards:      7,
		Extra:          map[string]string{"corpus_sha256": "abc", "dupe_factor": "5", "empty": ""},
	}
	path := filepath.Join(t.TempDir(), "s.arrow")
	writeShard(t, path, m, nil, WithBatchRows(100))
	got, _ := readAll(t, path)
	if fmt.Sprint(got) != fmt.Sprint(m) {
		t.Errorf("meta\ngot  %+v\nwant %+v", got, m)
	}

	// The stored key/values, exactly.
	r, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	md := r.ipc.Schema().Metadata()
	var kv []string
	for i, k := range md.Keys() {
		kv = append(kv, k+"="+md.Values()[i])
	}
	want := []string{
		"batch_rows=100",
		"bertline.format_version=1",
		"compat=bertline",
		"corpus_sha256=abc",
		"dupe_factor=5",
		"empty=",
		"masking=static",
		"max_predictions=80",
		"max_seq_len=512",
		"num_shards=7",
		"seed=-9007199254740993",
		"shard_index=6",
		"tool_version=v1.2.3",
		"vocab_sha256=" + testSHA,
		"vocab_size=30522",
		"whole_word_mask=true",
	}
	if !slices.Equal(kv, want) {
		t.Errorf("schema metadata\ngot  %q\nwant %q", kv, want)
	}

	// An empty ToolVersion records the build's version.
	m.ToolVersion, m.Extra = "", nil
	writeShard(t, path, m, nil)
	got, _ = readAll(t, path)
	if got.ToolVersion == "" || got.Extra != nil {
		t.Errorf("tool_version %q, extra %v", got.ToolVersion, got.Extra)
	}
}

func TestCreateRejectsMeta(t *testing.T) {
	good := testMeta(30522, 128, MaskingStatic)
	tests := []struct {
		name   string
		edit   func(*Meta)
		opts   []Option
		substr string
	}{
		{"short hash", func(m *Meta) { m.VocabSHA256 = "abc" }, nil, "vocab_sha256"},
		{"upper-case hash", func(m *Meta) { m.VocabSHA256 = strings.ToUpper(testSHA) }, nil, "vocab_sha256"},
		{"no vocabulary", func(m *Meta) { m.VocabSize = 0 }, nil, "vocab_size"},
		{"no length", func(m *Meta) { m.MaxSeqLen = 0 }, nil, "max_seq_len"},
		{"predictions over length", func(m *Meta) { m.MaxPredictions = 129 }, nil, "max_predictions"},
		{"unknown masking", func(m *Meta) { m.Masking = "random" }, nil, "masking"},
		{"unknown compat", func(m *Meta) { m.Compat = "" }, nil, "compat"},
		{"no shards", func(m *Meta) { m.NumShards = 0 }, nil, "num_shards"},
		{"shard index past count", func(m *Meta) { m.ShardIndex, m.NumShards = 3, 3 }, nil, "shard_index"},
		{"reserved extra key", func(m *Meta) { m.Extra = map[string]string{"seed": "1"} }, nil, "reserved"},
		{"namespaced extra key", func(m *Meta) { m.Extra = map[string]string{"bertline.x": "1"} }, nil, "reserved"},
		{"zero batch rows", func(m *Meta) {}, []Option{WithBatchRows(0)}, "batch_rows"},
		{"batch over int32 offsets", func(m *Meta) { m.MaxSeqLen = 1 << 20 }, []Option{WithBatchRows(1 << 12)}, "tokens per batch"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m := good
			tc.edit(&m)
			dir := t.TempDir()
			path := filepath.Join(dir, "s.arrow")
			w, err := Create(path, m, tc.opts...)
			if err == nil {
				w.Abort()
				t.Fatal("Create succeeded")
			}
			if !strings.Contains(err.Error(), tc.substr) || !strings.Contains(err.Error(), path) {
				t.Errorf("error %q lacks %q or the path", err, tc.substr)
			}
			if entries, _ := os.ReadDir(dir); len(entries) != 0 {
				t.Errorf("Create left %v", entries)
			}
		})
	}
}

func TestWriteRejectsInstance(t *testing.T) {
	m := testMeta(100, 8, MaskingStatic)
	m.MaxPredictions = 2
	bad := []*Instance{
		nil,
		{InputIDs: make([]int32, 9)},
		{InputIDs: []int32{1, 2}, ALength: 3},
		{InputIDs: []int32{1, 2}, ALength: -1},
		{InputIDs: []int32{1, 100}},
		{InputIDs: []int32{1, -1}},
		{InputIDs: []int32{1, 2, 3}, MaskedPositions: []int32{1}, MaskedIDs: []int32{}},
		{InputIDs: []int32{1, 2, 3}, MaskedPositions: []int32{0, 1, 2}, MaskedIDs: []int32{1, 2, 3}},
		{InputIDs: []int32{1, 2, 3}, MaskedPositions: []int32{2, 1}, MaskedIDs: []int32{1, 2}},
		{InputIDs: []int32{1, 2, 3}, MaskedPositions: []int32{1, 1}, MaskedIDs: []int32{1, 2}},
		{InputIDs: []int32{1, 2, 3}, MaskedPositions: []int32{3}, MaskedIDs: []int32{1}},
		{InputIDs: []int32{1, 2, 3}, MaskedPositions: []int32{-1}, MaskedIDs: []int32{1}},
		{InputIDs: []int32{1, 2, 3}, MaskedPositions: []int32{1}, MaskedIDs: []int32{100}},
	}
	good := []*Instance{
		{InputIDs: []int32{1, 2, 3}, ALength: 2, MaskedPositions: []int32{0, 2}, MaskedIDs: []int32{99, 0}},
		{InputIDs: []int32{}, ALength: 0},
		{InputIDs: make([]int32, 8), ALength: 8, IsRandomNext: true},
	}
	path := filepath.Join(t.TempDir(), "s.arrow")
	w, err := Create(path, m, WithBatchRows(2))
	if err != nil {
		t.Fatal(err)
	}
	defer w.Abort()
	for i, g := range good {
		for j, b := range bad {
			if err := w.Write(b); err == nil {
				t.Errorf("bad instance %d accepted: %+v", j, b)
			} else if !strings.Contains(err.Error(), path) || strings.Contains(err.Error(), "\n") {
				t.Errorf("error %q does not name the file on one line", err)
			}
		}
		if err := w.Write(g); err != nil {
			t.Fatal(err)
		}
		if w.Count() != i+1 {
			t.Fatalf("Count() = %d, want %d", w.Count(), i+1)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	_, got := readAll(t, path)
	compareInstances(t, got, good)

	// Dynamic masking takes no masked positions.
	d := testMeta(100, 8, MaskingDynamic)
	w, err = Create(path, d)
	if err != nil {
		t.Fatal(err)
	}
	defer w.Abort()
	if err := w.Write(&Instance{InputIDs: []int32{1, 2}, MaskedPositions: []int32{0}, MaskedIDs: []int32{1}}); err == nil {
		t.Error("dynamic shard accepted masked positions")
	}
}

func TestAbortAndClose(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	dir := t.TempDir()
	path := filepath.Join(dir, "s.arrow")
	m := testMeta(30522, 32, MaskingStatic)
	insts := randInstances(1, m, 10)

	// An aborted writer leaves nothing, not even a temporary file.
	w, err := Create(path, m, WithAllocator(mem), WithBatchRows(4))
	if err != nil {
		t.Fatal(err)
	}
	for _, inst := range insts {
		if err := w.Write(inst); err != nil {
			t.Fatal(err)
		}
	}
	w.Abort()
	w.Abort()
	if err := w.Close(); err == nil {
		t.Error("Close after Abort succeeded")
	}
	if err := w.Write(insts[0]); err == nil {
		t.Error("Write after Abort succeeded")
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Fatalf("Abort left %v", entries)
	}

	// Until Close, an older file at the destination is untouched.
	writeShard(t, path, m, insts[:2], WithAllocator(mem))
	w, err = Create(path, m, WithAllocator(mem))
	if err != nil {
		t.Fatal(err)
	}
	for _, inst := range insts {
		w.Write(inst)
	}
	_, got := readAll(t, path)
	compareInstances(t, got, insts[:2])
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err == nil {
		t.Error("second Close succeeded")
	}
	w.Abort() // no-op after Close
	_, got = readAll(t, path)
	compareInstances(t, got, insts)
	if entries, _ := os.ReadDir(dir); len(entries) != 1 {
		t.Errorf("directory holds %v", entries)
	}
}

func TestDeterministic(t *testing.T) {
	dir := t.TempDir()
	m := testMeta(30522, 128, MaskingStatic)
	insts := randInstances(9, m, 300)
	var files [][]byte
	for i := range 2 {
		path := filepath.Join(dir, fmt.Sprintf("s%d.arrow", i))
		writeShard(t, path, m, insts, WithBatchRows(64))
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, data)
	}
	if !bytes.Equal(files[0], files[1]) {
		t.Fatal("equal instances gave different files")
	}
	// And the content matters: one changed id changes the file.
	insts[150].InputIDs[0] ^= 1
	path := filepath.Join(dir, "s2.arrow")
	writeShard(t, path, m, insts, WithBatchRows(64))
	data, _ := os.ReadFile(path)
	if bytes.Equal(files[0], data) {
		t.Fatal("different instances gave equal files")
	}
}

func TestCheckMeta(t *testing.T) {
	m := testMeta(30522, 128, MaskingStatic)
	if err := CheckMeta(m, testSHA, 128); err != nil {
		t.Errorf("CheckMeta of matching meta: %v", err)
	}
	other := strings.Repeat("0", 64)
	if err := CheckMeta(m, other, 128); !errors.Is(err, ErrVocabMismatch) || !strings.Contains(err.Error(), other) {
		t.Errorf("CheckMeta with another vocabulary: %v", err)
	}
	if err := CheckMeta(m, testSHA, 512); !errors.Is(err, ErrSeqLenMismatch) || !strings.Contains(err.Error(), "512") {
		t.Errorf("CheckMeta with another max_seq_len: %v", err)
	}
}

func TestUncompressedRoundTrip(t *testing.T) {
	path := filepath.Join(t.TempDir(), "u.arrow")
	meta := Meta{VocabSHA256: strings.Repeat("ab", 32), VocabSize: 30522, MaxSeqLen: 16, MaxPredictions: 3,
		Masking: MaskingStatic, Compat: CompatBertline, NumShards: 1}
	in := []Instance{
		{InputIDs: []int32{101, 7, 8, 102, 9, 102}, ALength: 4, MaskedPositions: []int32{1, 4}, MaskedIDs: []int32{5, 6}, IsRandomNext: true},
		{InputIDs: []int32{101, 1, 102, 2, 102}, ALength: 3},
	}
	w, err := Create(path, meta, Uncompressed())
	if err != nil {
		t.Fatal(err)
	}
	for i := range in {
		if err := w.Write(&in[i]); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	r, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	for i := range in {
		got, err := r.Next()
		if err != nil {
			t.Fatal(err)
		}
		want := in[i]
		if want.MaskedPositions == nil {
			want.MaskedPositions, want.MaskedIDs = []int32{}, []int32{}
		}
		if fmt.Sprint(*got) != fmt.Sprint(want) {
			t.Errorf("instance %d: got %+v, want %+v", i, *got, want)
		}
	}
}

// ReuseBuffers reads the same instances, in order and by index, for both
// maskings; and after a damaged batch fails, the batch read before it is not
// returned for it.
func TestReuseBuffers(t *testing.T) {
	for _, masking := range []string{MaskingStatic, MaskingDynamic} {
		m := testMeta(30522, 32, masking)
		want := randInstances(5, m, 50)
		path := filepath.Join(t.TempDir(), "s.arrow")
		writeShard(t, path, m, want, WithBatchRows(7))
		r, err := Open(path, ReuseBuffers())
		if err != nil {
			t.Fatal(err)
		}
		for i := range want {
			got, err := r.Next()
			if err != nil {
				t.Fatal(err)
			}
			if !sameInstance(got, want[i]) {
				t.Fatalf("%s: Next #%d = %+v, want %+v", masking, i, got, want[i])
			}
		}
		if _, err := r.Next(); err != io.EOF {
			t.Fatalf("Next after the last instance: %v, want io.EOF", err)
		}
		for _, i := range []int{49, 0, 48, 7, 6, 13, 14, 0} {
			got, err := r.ReadAt(i)
			if err != nil {
				t.Fatal(err)
			}
			if !sameInstance(got, want[i]) {
				t.Fatalf("%s: ReadAt(%d) = %+v, want %+v", masking, i, got, want[i])
			}
		}
		r.Close()
	}

	// Damage an input id of the middle batch (uncompressed, so that its
	// bytes can be found): reading that batch fails its checksum after
	// decoding into the buffers of the first batch, which must then be
	// decoded again, not served from them.
	m := testMeta(30522, 32, MaskingStatic)
	want := randInstances(6, m, 25)
	path := filepath.Join(t.TempDir(), "s.arrow")
	writeShard(t, path, m, want, WithBatchRows(10), Uncompressed())
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var ids []byte
	for _, id := range want[13].InputIDs {
		ids = binary.LittleEndian.AppendUint16(ids, uint16(id))
	}
	j := bytes.Index(data, ids)
	if j < 0 || bytes.Count(data, ids) != 1 {
		t.Fatal("the ids of instance 13 are not found once in the file")
	}
	data[j+2] ^= 1
	bad := filepath.Join(t.TempDir(), "bad.arrow")
	if err := os.WriteFile(bad, data, 0o644); err != nil {
		t.Fatal(err)
	}
	r, err := Open(bad, ReuseBuffers())
	if err != nil {
		t.Fatalf("open (the last batch is whole): %v", err)
	}
	defer r.Close()
	if got, err := r.ReadAt(3); err != nil || !sameInstance(got, want[3]) {
		t.Fatalf("ReadAt(3) = %+v, %v; want %+v", got, err, want[3])
	}
	if _, err := r.ReadAt(13); !errors.Is(err, ErrCorrupt) {
		t.Fatalf("ReadAt(13) of the damaged batch: %v, want ErrCorrupt", err)
	}
	if got, err := r.ReadAt(4); err != nil || !sameInstance(got, want[4]) {
		t.Fatalf("ReadAt(4) after the damaged batch = %+v, %v; want %+v", got, err, want[4])
	}
}

// The checksum is the same whether int32 columns are hashed in place (on
// little-endian machines) or converted value by value, and it is the CRC of
// the layout docs/FORMATS.md gives.
func TestChecksumPaths(t *testing.T) {
	m := testMeta(30522, 600, MaskingStatic) // > 16 KiB of ids: several buffer fills
	var b batch
	b.reset()
	for _, inst := range randInstances(9, m, 300) {
		b.add(inst)
	}
	var want []byte
	put := func(v uint32) { want = binary.LittleEndian.AppendUint32(want, v) }
	lengths := func(off []int32) {
		for r := 0; r < b.rows; r++ {
			put(uint32(off[r+1] - off[r]))
		}
	}
	values := func(v []int32) {
		for _, x := range v {
			put(uint32(x))
		}
	}
	lengths(b.idOff)
	values(b.ids)
	values(b.aLen)
	for _, x := range b.random {
		if x {
			put(1)
		} else {
			put(0)
		}
	}
	lengths(b.posOff)
	values(b.pos)
	lengths(b.posOff)
	values(b.mids)
	wantCRC := crc32.ChecksumIEEE(want)

	defer func(le bool) { littleEndian = le }(littleEndian)
	for _, le := range []bool{false, littleEndian} {
		littleEndian = le
		if got := b.checksum(true); got != wantCRC {
			t.Errorf("in-place hashing %v: checksum %08x, want %08x", le, got, wantCRC)
		}
	}
}

// Every zstd level, and no compression, stores the same instances; higher
// levels make smaller files of text-like ids (skewed towards small ids, as
// word frequencies are), and a level's bytes are the same every time.
func TestZstdLevels(t *testing.T) {
	m := testMeta(30522, 128, MaskingStatic)
	rng := rand.New(rand.NewPCG(3, 4))
	want := randInstances(5, m, 3000)
	for _, in := range want {
		for i := range in.InputIDs {
			in.InputIDs[i] = int32(rng.IntN(rng.IntN(m.VocabSize) + 1))
		}
	}
	dir := t.TempDir()
	size := map[string]int64{}
	for _, c := range []struct {
		name string
		opt  Option
	}{
		{"none", Uncompressed()},
		{"fastest", WithZstdLevel(zstd.SpeedFastest)},
		{"default", WithZstdLevel(zstd.SpeedDefault)},
		{"best", WithZstdLevel(zstd.SpeedBestCompression)},
	} {
		path := filepath.Join(dir, c.name+".arrow")
		writeShard(t, path, m, want, c.opt)
		_, got := readAll(t, path)
		compareInstances(t, got, want)
		first, _ := os.ReadFile(path)
		writeShard(t, path, m, want, c.opt)
		again, _ := os.ReadFile(path)
		if !bytes.Equal(first, again) {
			t.Errorf("%s: two writes of the same instances differ", c.name)
		}
		size[c.name] = int64(len(first))
	}
	if !(size["none"] > size["fastest"] && size["fastest"] > size["default"] && size["default"] > size["best"]) {
		t.Errorf("sizes %v: want none > fastest > default > best", size)
	}
	t.Logf("bytes by level: %v", size)
}
