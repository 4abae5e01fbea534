package shards

import (
	"bytes"
	"encoding/json"
	"flag"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"testing"
)

var update = flag.Bool("update", false, "rewrite testdata/tiny.arrow and testdata/tiny.json")

// tinyMeta and tinyInstances are the fixture testdata/tiny.arrow: ids of
// bert-base-uncased, two record batches, one instance of max_seq_len and
// one without masked positions.
func tinyMeta() Meta {
	return Meta{
		VocabSHA256:    "07eced375cec144d27c900241f3e339478dec958f92fddbc551f295c992038a3",
		VocabSize:      30522,
		MaxSeqLen:      16,
		MaxPredictions: 3,
		Masking:        MaskingStatic,
		Seed:           12345,
		Compat:         CompatGoogle,
		ToolVersion:    "fixture",
		ShardIndex:     0,
		NumShards:      1,
		Extra:          map[string]string{"dupe_factor": "10"},
	}
}

func tinyInstances() []*Instance {
	return []*Instance{
		{ // [CLS] the man went to [MASK] store [SEP] he bought a gallon [MASK] milk [SEP]
			InputIDs:        []int32{101, 1996, 2158, 2253, 2000, 103, 3573, 102, 2002, 4149, 1037, 25234, 103, 6501, 102},
			ALength:         8,
			MaskedPositions: []int32{5, 12},
			MaskedIDs:       []int32{1996, 1997},
		},
		{ // [CLS] penguins are flightless [SEP] the sky is blue [SEP], nothing masked
			InputIDs:     []int32{101, 18365, 2015, 2024, 3462, 3238, 102, 1996, 3712, 2003, 2630, 102},
			ALength:      7,
			IsRandomNext: true,
		},
		{ // 16 tokens, the longest allowed
			InputIDs:        []int32{101, 1037, 1038, 1039, 1040, 1041, 1042, 102, 1043, 1044, 1045, 1046, 103, 1048, 30521, 102},
			ALength:         8,
			MaskedPositions: []int32{1, 12, 14},
			MaskedIDs:       []int32{1037, 1047, 30521},
		},
	}
}

// dumpJSON renders a shard as the JSON that testdata/pyarrow_check.py
// prints: the schema metadata and every row, columns by name.
func dumpJSON(t *testing.T, path string) []byte {
	t.Helper()
	r, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	md := r.ipc.Schema().Metadata()
	meta := map[string]string{}
	for i, k := range md.Keys() {
		meta[k] = md.Values()[i]
	}
	type row struct {
		InputIDs  []int32 `json:"input_ids"`
		ALength   int     `json:"a_length"`
		NSP       int     `json:"next_sentence_labels"`
		Positions []int32 `json:"masked_lm_positions"`
		MaskedIDs []int32 `json:"masked_lm_ids"`
	}
	rows := []row{}
	for {
		inst, err := r.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		x := row{InputIDs: inst.InputIDs, ALength: inst.ALength, Positions: inst.MaskedPositions, MaskedIDs: inst.MaskedIDs}
		if inst.IsRandomNext {
			x.NSP = 1
		}
		if x.Positions == nil {
			x.Positions, x.MaskedIDs = []int32{}, []int32{}
		}
		rows = append(rows, x)
	}
	out, err := json.MarshalIndent(map[string]any{"meta": meta, "rows": rows}, "", " ")
	if err != nil {
		t.Fatal(err)
	}
	return append(out, '\n')
}

// The committed fixtures still read as the instances they were written
// from, and as the committed JSON: shards written by earlier builds stay
// readable.
func TestGoldenFixture(t *testing.T) {
	arrowPath, jsonPath := filepath.Join("testdata", "tiny.arrow"), filepath.Join("testdata", "tiny.json")
	if *update {
		writeShard(t, arrowPath, tinyMeta(), tinyInstances(), WithBatchRows(2))
		if err := os.WriteFile(jsonPath, dumpJSON(t, arrowPath), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(jsonPath)
	if err != nil {
		t.Fatal(err)
	}
	// tiny-v1-arrowgo.arrow is the same shard as written by arrow-go's IPC
	// writer, which earlier builds used.
	for _, path := range []string{arrowPath, filepath.Join("testdata", "tiny-v1-arrowgo.arrow")} {
		meta, got := readAll(t, path)
		compareInstances(t, got, tinyInstances())
		if !reflect.DeepEqual(meta, tinyMeta()) {
			t.Errorf("%s: meta\ngot  %+v\nwant %+v", path, meta, tinyMeta())
		}
		if got := dumpJSON(t, path); !bytes.Equal(got, want) {
			t.Errorf("%s reads as\n%s\nwant (%s)\n%s", path, got, jsonPath, want)
		}
	}
}

// pyarrow reads the Go-written fixture as testdata/tiny.json, checksums
// included, and a shard written by pyarrow from tiny.json reads back in Go.
func TestPyarrow(t *testing.T) {
	if err := exec.Command("python3", "-c", "import pyarrow").Run(); err != nil {
		t.Skip("pyarrow not installed (python3 -c 'import pyarrow' failed)")
	}
	script := filepath.Join("testdata", "pyarrow_check.py")
	out, err := exec.Command("python3", script, "dump", filepath.Join("testdata", "tiny.arrow")).Output()
	if err != nil {
		t.Fatalf("%s dump: %v", script, err)
	}
	want, err := os.ReadFile(filepath.Join("testdata", "tiny.json"))
	if err != nil {
		t.Fatal(err)
	}
	var gotV, wantV any
	if err := json.Unmarshal(out, &gotV); err != nil {
		t.Fatalf("%s dump printed %q: %v", script, out, err)
	}
	if err := json.Unmarshal(want, &wantV); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(gotV, wantV) {
		t.Errorf("pyarrow reads tiny.arrow as\n%s\nwant\n%s", out, want)
	}

	path := filepath.Join(t.TempDir(), "py.arrow")
	if out, err := exec.Command("python3", script, "write", filepath.Join("testdata", "tiny.json"), path).CombinedOutput(); err != nil {
		t.Fatalf("%s write: %v\n%s", script, err, out)
	}
	meta, got := readAll(t, path)
	compareInstances(t, got, tinyInstances())
	if !reflect.DeepEqual(meta, tinyMeta()) {
		t.Errorf("meta of the pyarrow shard\ngot  %+v\nwant %+v", meta, tinyMeta())
	}
}

// Apache Arrow's JavaScript implementation reads the Go-written fixture as
// testdata/tiny.json, zstd buffers and checksums included. It runs when
// node and the modules of testdata/arrowjs are installed
// (cd testdata/arrowjs && npm ci).
func TestArrowJS(t *testing.T) {
	dir := filepath.Join("testdata", "arrowjs")
	if _, err := exec.LookPath("node"); err != nil {
		t.Skip("node not installed")
	}
	if _, err := os.Stat(filepath.Join(dir, "node_modules", "apache-arrow")); err != nil {
		t.Skip("apache-arrow not installed (cd pkg/shards/testdata/arrowjs && npm ci)")
	}
	cmd := exec.Command("node", "check.mjs", filepath.Join("..", "tiny.arrow"))
	cmd.Dir = dir
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("node check.mjs: %v", err)
	}
	want, err := os.ReadFile(filepath.Join("testdata", "tiny.json"))
	if err != nil {
		t.Fatal(err)
	}
	var gotV, wantV any
	if err := json.Unmarshal(out, &gotV); err != nil {
		t.Fatalf("check.mjs printed %q: %v", out, err)
	}
	if err := json.Unmarshal(want, &wantV); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(gotV, wantV) {
		t.Errorf("Arrow JS reads tiny.arrow as\n%s\nwant\n%s", out, want)
	}
}

// The writer still writes the committed fixture byte for byte: the shards
// of a run are the same bytes from one build to the next. (The bytes also
// depend on klauspost/compress's zstd encoder; if an upgrade changes them
// on purpose, -update rewrites the fixture.)
//
// The byte-by-byte encoding that big-endian hosts use gives the same file.
func TestWriterReproducesFixture(t *testing.T) {
	want, err := os.ReadFile(filepath.Join("testdata", "tiny.arrow"))
	if err != nil {
		t.Fatal(err)
	}
	defer func(le bool) { littleEndian = le }(littleEndian)
	for _, le := range []bool{littleEndian, false} {
		littleEndian = le
		path := filepath.Join(t.TempDir(), "tiny.arrow")
		writeShard(t, path, tinyMeta(), tinyInstances(), WithBatchRows(2))
		got, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("in-place encoding %v: the writer wrote %d bytes that differ from testdata/tiny.arrow (%d bytes)", le, len(got), len(want))
		}
	}
}
