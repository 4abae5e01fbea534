package safetensors

import (
	"bytes"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
)

// build assembles a file from a header string, padding it with the given
// number of spaces, and a data buffer given as hex.
func build(header string, pad int, dataHex string) []byte {
	h := header + strings.Repeat(" ", pad)
	out := binary.LittleEndian.AppendUint64(nil, uint64(len(h)))
	out = append(out, h...)
	data, err := hex.DecodeString(strings.ReplaceAll(dataHex, " ", ""))
	if err != nil {
		panic(err)
	}
	return append(out, data...)
}

func writeTemp(t *testing.T, data []byte) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "model.safetensors")
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestWriteGolden checks Write byte for byte against files assembled by
// hand from the format description: the package comment's example and the
// serialisation vectors of the reference implementation's own tests.
func TestWriteGolden(t *testing.T) {
	tests := []struct {
		name     string
		tensors  []Tensor
		metadata map[string]string
		want     []byte
	}{
		{
			name: "package example",
			tensors: []Tensor{
				{Name: "b", Shape: []int64{}, Data: []float32{0.5}},
				{Name: "a", Shape: []int64{2}, Data: []float32{1, -2}},
			},
			metadata: map[string]string{"format": "pt"},
			want: append([]byte{0x90, 0, 0, 0, 0, 0, 0, 0},
				`{"__metadata__":{"format":"pt"},"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[],"data_offsets":[8,12]}}      `+
					"\x00\x00\x80\x3f\x00\x00\x00\xc0\x00\x00\x00\x3f"...),
		},
		{
			name:    "no padding needed",
			tensors: []Tensor{{Name: "attn.0", Shape: []int64{1, 2, 3}, Data: []float32{0, 1, 2, 3, 4, 5}}},
			want: append([]byte{64, 0, 0, 0, 0, 0, 0, 0},
				`{"attn.0":{"dtype":"F32","shape":[1,2,3],"data_offsets":[0,24]}}`+
					"\x00\x00\x00\x00\x00\x00\x80\x3f\x00\x00\x00\x40\x00\x00\x40\x40\x00\x00\x80\x40\x00\x00\xa0\x40"...),
		},
		{
			name:    "seven spaces",
			tensors: []Tensor{{Name: "attn0", Shape: []int64{1, 1, 2, 3}, Data: []float32{0, 1, 2, 3, 4, 5}}},
			want: append([]byte{72, 0, 0, 0, 0, 0, 0, 0},
				`{"attn0":{"dtype":"F32","shape":[1,1,2,3],"data_offsets":[0,24]}}       `+
					"\x00\x00\x00\x00\x00\x00\x80\x3f\x00\x00\x00\x40\x00\x00\x40\x40\x00\x00\x80\x40\x00\x00\xa0\x40"...),
		},
		{
			name: "empty",
			want: append([]byte{8, 0, 0, 0, 0, 0, 0, 0}, "{}      "...),
		},
		{
			name:     "empty with metadata",
			metadata: map[string]string{"framework": "pt"},
			want:     append([]byte{40, 0, 0, 0, 0, 0, 0, 0}, `{"__metadata__":{"framework":"pt"}}     `...),
		},
		{
			name: "dtype order then name, escapes",
			tensors: []Tensor{
				{Name: "h", Shape: []int64{1}, Data: []float32{1}, DType: F16},
				{Name: "z", Shape: []int64{1}, Data: []float32{1}, DType: BF16},
				{Name: "y", Shape: []int64{1}, Data: []float32{-2}},
			},
			metadata: map[string]string{"k\"\n\x01<": "é", "a": ""},
			want: append([]byte{0xd0, 0, 0, 0, 0, 0, 0, 0},
				`{"__metadata__":{"a":"","k\"\n\u0001<":"é"},`+
					`"y":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},`+
					`"z":{"dtype":"BF16","shape":[1],"data_offsets":[4,6]},`+
					`"h":{"dtype":"F16","shape":[1],"data_offsets":[6,8]}}`+"   "+
					"\x00\x00\x00\xc0\x80\x3f\x00\x3c"...),
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "out.safetensors")
			if err := Write(path, tt.tensors, tt.metadata); err != nil {
				t.Fatal(err)
			}
			got, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, tt.want) {
				t.Errorf("got\n%q\nwant\n%q", got, tt.want)
			}
			f, err := Open(path)
			if err != nil {
				t.Fatalf("reopen: %v", err)
			}
			defer f.Close()
			if len(f.Tensors()) != len(tt.tensors) {
				t.Errorf("reopened %d tensors, want %d", len(f.Tensors()), len(tt.tensors))
			}
		})
	}
}

// TestOpenHandmade reads a file written byte by byte: one tensor of each
// float dtype, with known bit patterns.
func TestOpenHandmade(t *testing.T) {
	header := `{"f64":{"dtype":"F64","shape":[2],"data_offsets":[0,16]},` +
		`"bf":{"shape":[3],"dtype":"BF16","data_offsets":[16,22]},` +
		`"half":{"dtype":"F16","shape":[2,3],"data_offsets":[22,34]},` +
		`"ids":{"dtype":"I64","shape":[1],"data_offsets":[34,42]},` +
		`"__metadata__":{"format":"pt","note":"hand"}}`
	data := build(header, 0,
		"000000000000f03f 000000000000f0bf"+ // F64 1, -1
			"803f 807f c07f"+ // BF16 1, +inf, nan
			"003c 0080 0100 ff7b 00fc 0004"+ // F16 1, -0, 2^-24, 65504, -inf, 2^-14
			"0700000000000000") // I64 7
	f, err := Open(writeTemp(t, data))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()

	var names []string
	for _, ti := range f.Tensors() {
		names = append(names, ti.Name)
	}
	if want := []string{"f64", "bf", "half", "ids"}; !slices.Equal(names, want) {
		t.Errorf("Tensors order = %v, want %v", names, want)
	}
	if got, ok := f.Info("half"); !ok || got.DType != F16 || !slices.Equal(got.Shape, []int64{2, 3}) || got.Offset != 22 || got.Size != 12 {
		t.Errorf("Info(half) = %+v, %v", got, ok)
	}
	if m := f.Metadata(); len(m) != 2 || m["format"] != "pt" || m["note"] != "hand" {
		t.Errorf("Metadata = %v", m)
	}

	check := func(name string, want []float32) {
		t.Helper()
		got := make([]float32, len(want))
		if err := f.ReadFloat32(name, got); err != nil {
			t.Fatal(err)
		}
		for i := range want {
			if math.Float32bits(got[i]) != math.Float32bits(want[i]) && !(got[i] != got[i] && want[i] != want[i]) {
				t.Errorf("%s[%d] = %v (%#x), want %v", name, i, got[i], math.Float32bits(got[i]), want[i])
			}
		}
	}
	nan := float32(math.NaN())
	check("f64", []float32{1, -1})
	check("bf", []float32{1, float32(math.Inf(1)), nan})
	check("half", []float32{1, float32(math.Copysign(0, -1)), 0x1p-24, 65504, float32(math.Inf(-1)), 0x1p-14})

	if err := f.ReadFloat32("ids", make([]float32, 1)); err == nil || !strings.Contains(err.Error(), "I64") {
		t.Errorf("reading I64 as float32: err = %v", err)
	}
	if err := f.ReadFloat32("nope", nil); !errors.Is(err, ErrNotFound) {
		t.Errorf("missing tensor: err = %v, want ErrNotFound", err)
	}
	if err := f.ReadFloat32("half", make([]float32, 5)); err == nil || !strings.Contains(err.Error(), "6 elements") {
		t.Errorf("short destination: err = %v", err)
	}
}

func TestRoundTrip(t *testing.T) {
	big := make([]float32, 300_000) // spans several read chunks
	for i := range big {
		big[i] = float32(i)*0.25 - 1000
	}
	in := []Tensor{
		{Name: "bert.embeddings.word_embeddings.weight", Shape: []int64{1000, 300}, Data: big},
		{Name: "bert.pooler.dense.bias", Shape: []int64{3}, Data: []float32{1e-30, -7.5, float32(math.Inf(1))}},
		{Name: "empty", Shape: []int64{0, 4}, Data: nil},
		{Name: "half", Shape: []int64{4}, Data: []float32{1, 0.1, 70000, 1e-8}, DType: F16},
		{Name: "brain", Shape: []int64{2}, Data: []float32{1, 0.1}, DType: BF16},
	}
	path := filepath.Join(t.TempDir(), "rt.safetensors")
	if err := Write(path, in, map[string]string{"format": "pt"}); err != nil {
		t.Fatal(err)
	}
	f, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	want := map[string][]float32{
		in[0].Name: big,
		in[1].Name: in[1].Data,
		"empty":    {},
		// 0.1 rounds to 0x2e66 in binary16 and 0x3dcd in bfloat16.
		"half":  {1, HalfToFloat32(0x2e66), float32(math.Inf(1)), 0},
		"brain": {1, BFloat16ToFloat32(0x3dcd)},
	}
	for name, w := range want {
		got := make([]float32, len(w))
		if err := f.ReadFloat32(name, got); err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(got, w) {
			t.Errorf("%s: got %v..., want %v...", name, got[:min(len(got), 4)], w[:min(len(w), 4)])
		}
	}

	// Concurrent reads of the same file give the same values.
	var wg sync.WaitGroup
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			got := make([]float32, len(big))
			if err := f.ReadFloat32(in[0].Name, got); err != nil || !slices.Equal(got, big) {
				t.Errorf("concurrent read: err = %v, equal = %v", err, slices.Equal(got, big))
			}
		}()
	}
	wg.Wait()
}

func TestWriteErrors(t *testing.T) {
	tests := []struct {
		name    string
		tensors []Tensor
		want    string
	}{
		{"length mismatch", []Tensor{{Name: "a", Shape: []int64{2, 2}, Data: make([]float32, 3)}}, "needs 4 values"},
		{"duplicate", []Tensor{{Name: "a", Data: []float32{1}}, {Name: "a", Data: []float32{1}}}, "duplicate"},
		{"empty name", []Tensor{{Data: []float32{1}}}, "invalid tensor name"},
		{"reserved name", []Tensor{{Name: "__metadata__", Data: []float32{1}}}, "invalid tensor name"},
		{"negative dim", []Tensor{{Name: "a", Shape: []int64{-1}}}, "invalid shape"},
		{"dtype", []Tensor{{Name: "a", Data: []float32{1}, DType: I32}}, "cannot write dtype"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			path := filepath.Join(dir, "x.safetensors")
			err := Write(path, tt.tensors, nil)
			if err == nil || !strings.Contains(err.Error(), tt.want) || !strings.Contains(err.Error(), path) {
				t.Errorf("err = %v, want one naming %s and containing %q", err, path, tt.want)
			}
			if entries, _ := os.ReadDir(dir); len(entries) != 0 {
				t.Errorf("failed write left %d files behind", len(entries))
			}
		})
	}
}

func TestOpenMalformed(t *testing.T) {
	valid := build(`{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}`, 0, "0000803f 000000c0")
	huge := binary.LittleEndian.AppendUint64(nil, MaxHeaderSize+1)
	beyond := binary.LittleEndian.AppendUint64(nil, 1000)
	tests := []struct {
		name string
		data []byte
		want string
	}{
		{"empty file", nil, "shorter than"},
		{"truncated length", []byte{8, 0, 0}, "shorter than"},
		{"truncated data", valid[:len(valid)-1], "outside the 7-byte buffer"},
		{"trailing bytes", append(slices.Clone(valid), 0), "cover 8 bytes of the 9-byte buffer"},
		{"header beyond file", append(beyond, "{}"...), "runs past the end"},
		{"huge header", append(huge, "{}"...), "exceeds the limit"},
		{"max uint64 header", binary.LittleEndian.AppendUint64(nil, math.MaxUint64), "exceeds the limit"},
		{"bad JSON", build(`{"a":{"dtype":"F32",`, 0, ""), "not valid JSON"},
		{"not an object", build(`[1,2]`, 0, ""), "not a JSON object"},
		{"bad UTF-8", build("{\"\xff\":1}", 0, ""), "UTF-8"},
		{"trailing JSON", build(`{} {}`, 0, ""), "not valid JSON"},
		{"duplicate tensor", build(`{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}`, 0, "00000000"), "duplicate key"},
		{"duplicate field", build(`{"a":{"dtype":"F32","shape":[1],"shape":[1],"data_offsets":[0,4]}}`, 0, "00000000"), "duplicate key"},
		{"overlap", build(`{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}`, 0, "0000000000000000"), "overlaps"},
		{"hole", build(`{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"b":{"dtype":"F32","shape":[1],"data_offsets":[8,12]}}`, 0, "000000000000000000000000"), "hole"},
		{"leading hole", build(`{"a":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}`, 0, "0000000000000000"), "hole"},
		{"wrong size", build(`{"a":{"dtype":"F32","shape":[3],"data_offsets":[0,8]}}`, 0, "0000000000000000"), "needs 12"},
		{"reversed offsets", build(`{"a":{"dtype":"F32","shape":[0],"data_offsets":[4,0]}}`, 0, "00000000"), "outside"},
		{"three offsets", build(`{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4,4]}}`, 0, "00000000"), "want 2"},
		{"missing dtype", build(`{"a":{"shape":[1],"data_offsets":[0,4]}}`, 0, "00000000"), "need dtype"},
		{"unknown dtype", build(`{"a":{"dtype":"F128","shape":[1],"data_offsets":[0,4]}}`, 0, "00000000"), "unknown dtype"},
		{"negative dim", build(`{"a":{"dtype":"F32","shape":[-1],"data_offsets":[0,4]}}`, 0, "00000000"), `tensor "a"`},
		{"fractional dim", build(`{"a":{"dtype":"F32","shape":[1.5],"data_offsets":[0,4]}}`, 0, "00000000"), `tensor "a"`},
		{"shape overflow", build(`{"a":{"dtype":"F32","shape":[4294967296,4294967296],"data_offsets":[0,0]}}`, 0, ""), "overflows"},
		{"metadata not strings", build(`{"__metadata__":{"format":1}}`, 0, ""), "map of strings"},
		{"entry not object", build(`{"a":3}`, 0, ""), `tensor "a"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := writeTemp(t, tt.data)
			f, err := Open(path)
			if err == nil {
				f.Close()
				t.Fatal("Open succeeded")
			}
			msg := err.Error()
			if !errors.Is(err, ErrFormat) || !strings.Contains(msg, path) || !strings.Contains(msg, tt.want) || strings.Contains(msg, "\n") {
				t.Errorf("err = %v\nwant one line wrapping ErrFormat, naming the file and containing %q", err, tt.want)
			}
		})
	}
	if _, err := Open(filepath.Join(t.TempDir(), "missing.safetensors")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("missing file: err = %v", err)
	}
}

func TestHalf(t *testing.T) {
	tests := []struct {
		f float32
		h uint16
	}{
		{1, 0x3c00},
		{-2, 0xc000},
		{0.5, 0x3800},
		{65504, 0x7bff},                 // largest finite
		{65519, 0x7bff},                 // just below the rounding boundary
		{65520, 0x7c00},                 // ties away from 0x7bff (odd) to inf
		{1e10, 0x7c00},                  // overflow
		{float32(math.Inf(-1)), 0xfc00}, //
		{0x1p-14, 0x0400},               // smallest normal
		{0x1p-24, 0x0001},               // smallest subnormal
		{0x1p-25, 0x0000},               // tie between 0 and 2^-24 goes to even 0
		{0x1.8p-25, 0x0001},             // above the tie
		{0x3p-25, 0x0002},               // 1.5 units: tie goes to even 2
		{0x1ffcp-27, 0x0400},            // 1023.5 units round up into the normals
		{1 + 0x1p-11, 0x3c00},           // tie to even
		{1 + 0x3p-11, 0x3c02},           // tie to even, upwards
		{1 + 0x1p-10, 0x3c01},           // exact
		{float32(math.Copysign(0, -1)), 0x8000},
		{0x1p-149, 0x0000}, // float32 subnormal
		{-0x1p-30, 0x8000},
	}
	for _, tt := range tests {
		if got := Float32ToHalf(tt.f); got != tt.h {
			t.Errorf("Float32ToHalf(%g) = %#04x, want %#04x", tt.f, got, tt.h)
		}
	}
	if h := Float32ToHalf(float32(math.NaN())); h&0x7c00 != 0x7c00 || h&0x3ff == 0 {
		t.Errorf("Float32ToHalf(nan) = %#04x, not a nan", h)
	}
	// Every binary16 value survives a trip through float32.
	for h := range 1 << 16 {
		f := HalfToFloat32(uint16(h))
		isNaN := h&0x7c00 == 0x7c00 && h&0x3ff != 0
		if isNaN {
			if f == f {
				t.Errorf("HalfToFloat32(%#04x) = %v, want nan", h, f)
			}
			continue
		}
		if back := Float32ToHalf(f); back != uint16(h) {
			t.Errorf("%#04x -> %g -> %#04x", h, f, back)
		}
	}
}

func TestBFloat16(t *testing.T) {
	tests := []struct {
		f float32
		b uint16
	}{
		{1, 0x3f80},
		{-2, 0xc000},
		{1 + 0x1p-8, 0x3f80}, // tie to even
		{1 + 0x3p-8, 0x3f82}, // tie to even, upwards
		{1 + 0x1p-7, 0x3f81},
		{float32(math.Inf(1)), 0x7f80},
		{math.MaxFloat32, 0x7f80}, // rounds up to inf
		{0x1p-133, 0x0001},        // subnormal, exact
		{float32(math.NaN()), 0x7fc0},
	}
	for _, tt := range tests {
		if got := Float32ToBFloat16(tt.f); got != tt.b {
			t.Errorf("Float32ToBFloat16(%g) = %#04x, want %#04x", tt.f, got, tt.b)
		}
	}
	if f := BFloat16ToFloat32(0x3f80); f != 1 {
		t.Errorf("BFloat16ToFloat32(0x3f80) = %v", f)
	}
	if f := BFloat16ToFloat32(0xff80); !math.IsInf(float64(f), -1) {
		t.Errorf("BFloat16ToFloat32(0xff80) = %v", f)
	}
}
