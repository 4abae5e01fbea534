package shards

import (
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/ipc"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// openAndRead opens path and reads every instance, returning the first
// error and the instances read.
func openAndRead(path string, mem memory.Allocator) ([]*Instance, error) {
	r, err := Open(path, WithAllocator(mem))
	if err != nil {
		return nil, err
	}
	defer r.Close()
	var out []*Instance
	for {
		inst, err := r.Next()
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			return out, err
		}
		out = append(out, inst)
	}
}

// readFS is openAndRead for a file of fsys.
func readFS(fsys fs.FS, name string) ([]*Instance, error) {
	r, err := OpenFS(fsys, name)
	if err != nil {
		return nil, err
	}
	defer r.Close()
	var out []*Instance
	for {
		inst, err := r.Next()
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			return out, err
		}
		out = append(out, inst)
	}
}

// checkDamageError fails unless err wraps want and is one line naming path.
func checkDamageError(t *testing.T, err error, path string, want error) {
	t.Helper()
	switch {
	case err == nil:
		t.Errorf("no error, want %v", want)
	case !errors.Is(err, want):
		t.Errorf("error %q does not wrap %q", err, want)
	case !strings.Contains(err.Error(), path):
		t.Errorf("error %q does not name %s", err, path)
	case strings.ContainsAny(err.Error(), "\r\n"):
		t.Errorf("error %q spans several lines", err)
	}
}

// writeArrow writes an Arrow IPC file with one batch of schema s whose
// columns the caller builds.
func writeArrow(t *testing.T, path string, s *arrow.Schema, cols func(memory.Allocator) []arrow.Array) {
	t.Helper()
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	mem := memory.NewGoAllocator()
	w, err := ipc.NewFileWriter(f, ipc.WithSchema(s), ipc.WithZstd())
	if err != nil {
		t.Fatal(err)
	}
	c := cols(mem)
	rec := array.NewRecordBatch(s, c, int64(c[0].Len()))
	if err := w.Write(rec); err != nil {
		t.Fatal(err)
	}
	rec.Release()
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
}

func TestDamagedFiles(t *testing.T) {
	dir := t.TempDir()
	m := testMeta(30522, 32, MaskingStatic)
	insts := randInstances(5, m, 40)
	good := filepath.Join(dir, "good.arrow")
	writeShard(t, good, m, insts, WithBatchRows(16))
	data, err := os.ReadFile(good)
	if err != nil {
		t.Fatal(err)
	}

	// Compressed buffers start with the zstd frame magic.
	var zstdFrames []int
	for i := 0; i+4 <= len(data); i++ {
		if string(data[i:i+4]) == "\x28\xb5\x2f\xfd" {
			zstdFrames = append(zstdFrames, i)
		}
	}
	if len(zstdFrames) < 2 {
		t.Fatalf("found %d zstd frames", len(zstdFrames))
	}

	type damaged struct {
		name string
		make func(path string)
		want error
	}
	put := func(b []byte) func(string) {
		return func(path string) {
			if err := os.WriteFile(path, b, 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	flip := func(off int) func(string) {
		b := append([]byte(nil), data...)
		if off < 0 {
			off += len(b)
		}
		b[off] ^= 0x5a
		return put(b)
	}
	// shardLike writes a file with the shard schema but the given metadata.
	shardLike := func(md map[string]string, s *arrow.Schema) func(string) {
		return func(path string) {
			var keys, vals []string
			for k, v := range md {
				keys, vals = append(keys, k), append(vals, v)
			}
			meta := arrow.NewMetadata(keys, vals)
			s = arrow.NewSchema(s.Fields(), &meta)
			writeArrow(t, path, s, func(mem memory.Allocator) []arrow.Array {
				var cols []arrow.Array
				for _, f := range s.Fields() {
					b := array.NewBuilder(mem, f.Type)
					b.AppendEmptyValue()
					cols = append(cols, b.NewArray())
				}
				return cols
			})
		}
	}
	goodMD := m.metadata(16)
	mdMap := func(edit map[string]string) map[string]string {
		out := map[string]string{}
		for i, k := range goodMD.Keys() {
			out[k] = goodMD.Values()[i]
		}
		for k, v := range edit {
			if v == "" {
				delete(out, k)
			} else {
				out[k] = v
			}
		}
		return out
	}
	shardSchema := schemaFor(&m, nil)
	tests := []damaged{
		{"empty file", put(nil), ErrNotShard},
		{"text file", put([]byte("[CLS] hello [SEP]\n")), ErrNotShard},
		{"parquet magic", put([]byte("PAR1\x00\x00\x00\x00PAR1")), ErrNotShard},
		{"arrow file of another schema", func(path string) {
			s := arrow.NewSchema([]arrow.Field{{Name: "x", Type: arrow.PrimitiveTypes.Int64}}, nil)
			writeArrow(t, path, s, func(mem memory.Allocator) []arrow.Array {
				b := array.NewInt64Builder(mem)
				b.AppendValues([]int64{1, 2, 3}, nil)
				return []arrow.Array{b.NewArray()}
			})
		}, ErrNotShard},
		{"future format version", shardLike(mdMap(map[string]string{keyFormatVersion: "2"}), shardSchema), ErrVersion},
		{"missing metadata value", shardLike(mdMap(map[string]string{keyMaxSeqLen: ""}), shardSchema), ErrCorrupt},
		{"malformed metadata value", shardLike(mdMap(map[string]string{keyWholeWordMask: "yes"}), shardSchema), ErrCorrupt},
		{"schema disagrees with vocab_size", shardLike(mdMap(map[string]string{keyVocabSize: "70000"}), shardSchema), ErrCorrupt},
		{"dynamic schema with static metadata", shardLike(mdMap(nil), schemaFor(&Meta{VocabSize: 30522, MaxSeqLen: 32, Masking: MaskingDynamic}, nil)), ErrCorrupt},
		{"batch without checksum", shardLike(mdMap(nil), shardSchema), ErrCorrupt},
		{"truncated to 3 bytes", put(data[:3]), ErrCorrupt},
		{"truncated after the signature", put(data[:8]), ErrCorrupt},
		{"truncated to a quarter", put(data[:len(data)/4]), ErrCorrupt},
		{"truncated to half", put(data[:len(data)/2]), ErrCorrupt},
		{"truncated by 1 byte", put(data[:len(data)-1]), ErrCorrupt},
		{"truncated by 10 bytes", put(data[:len(data)-10]), ErrCorrupt},
		{"flipped trailing magic", flip(-1), ErrCorrupt},
		{"flipped footer length", flip(-8), ErrCorrupt},
		{"flipped footer", flip(-20), ErrCorrupt},
		{"flipped first compressed buffer", flip(zstdFrames[0] + 12), ErrCorrupt},
		{"flipped last compressed buffer", flip(zstdFrames[len(zstdFrames)-1] + 12), ErrCorrupt},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
			defer mem.AssertSize(t, 0)
			path := filepath.Join(t.TempDir(), "bad.arrow")
			tc.make(path)
			_, err := openAndRead(path, mem)
			checkDamageError(t, err, path, tc.want)
		})
	}
}

// Every single-byte change of a shard is either reported as damage or
// harmless (padding, unused flatbuffer bytes): it never panics and never
// yields different instances.
func TestEveryFlippedByte(t *testing.T) {
	dir := t.TempDir()
	m := testMeta(1000, 8, MaskingStatic)
	m.MaxPredictions = 3
	insts := randInstances(11, m, 3)
	good := filepath.Join(dir, "good.arrow")
	writeShard(t, good, m, insts, WithBatchRows(2))
	data, err := os.ReadFile(good)
	if err != nil {
		t.Fatal(err)
	}
	const name = "bad.arrow"
	fsys := fstest.MapFS{}
	detected := 0
	for off := range data {
		b := append([]byte(nil), data...)
		b[off] ^= 0x10
		fsys[name] = &fstest.MapFile{Data: b}
		got, err := readFS(fsys, name)
		if err != nil {
			detected++
			if !errors.Is(err, ErrCorrupt) && !errors.Is(err, ErrNotShard) && !errors.Is(err, ErrVersion) {
				t.Errorf("byte %d: error %q wraps no sentinel", off, err)
			}
			if !strings.Contains(err.Error(), name) || strings.Contains(err.Error(), "\n") {
				t.Errorf("byte %d: error %q is not one line naming the file", off, err)
			}
			continue
		}
		if len(got) != len(insts) {
			t.Errorf("byte %d: read %d instances, want %d", off, len(got), len(insts))
			continue
		}
		for i := range insts {
			if !sameInstance(got[i], insts[i]) {
				t.Errorf("byte %d: instance %d read as %+v, want %+v", off, i, got[i], insts[i])
			}
		}
	}
	t.Logf("%d of %d flipped bytes detected", detected, len(data))
	if detected < len(data)/2 {
		t.Errorf("only %d of %d flipped bytes detected", detected, len(data))
	}
}
