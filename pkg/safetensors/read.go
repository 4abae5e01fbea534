package safetensors

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"math/bits"
	"os"
	"slices"
	"strings"
	"unicode/utf8"
)

// MaxHeaderSize is the largest JSON header Open accepts, the limit of the
// reference implementation.
const MaxHeaderSize = 100_000_000

// metadataKey is the reserved header key holding free-form string metadata.
const metadataKey = "__metadata__"

var (
	// ErrFormat is wrapped by every error about a malformed file.
	ErrFormat = errors.New("safetensors: malformed file")
	// ErrNotFound is wrapped when a tensor name is not in the file.
	ErrNotFound = errors.New("safetensors: no such tensor")
)

// DType is an element type as spelled in the header.
type DType string

// Element types. ReadFloat32 converts the floating-point ones; the others
// can be opened and listed but not read as float32.
const (
	F64  DType = "F64"
	F32  DType = "F32"
	F16  DType = "F16"
	BF16 DType = "BF16"
	I64  DType = "I64"
	I32  DType = "I32"
	I16  DType = "I16"
	I8   DType = "I8"
	U64  DType = "U64"
	U32  DType = "U32"
	U16  DType = "U16"
	U8   DType = "U8"
	BOOL DType = "BOOL"
	// F8E5M2 and F8E4M3 are the 8-bit floats of arXiv:2209.05433.
	F8E5M2 DType = "F8_E5M2"
	F8E4M3 DType = "F8_E4M3"
)

// dtypeSize maps each known dtype to its element size in bytes.
var dtypeSize = map[DType]int64{
	F64: 8, I64: 8, U64: 8,
	F32: 4, I32: 4, U32: 4,
	F16: 2, BF16: 2, I16: 2, U16: 2,
	I8: 1, U8: 1, BOOL: 1, F8E5M2: 1, F8E4M3: 1,
}

// Size returns the size of one element in bytes, or 0 for an unknown dtype.
func (d DType) Size() int64 { return dtypeSize[d] }

// TensorInfo describes one tensor of a file.
type TensorInfo struct {
	Name  string
	DType DType
	Shape []int64
	// Offset is the tensor's first byte, counted from the start of the
	// data buffer (data_offsets[0] in the header), and Size its length in
	// bytes (data_offsets[1] - data_offsets[0]).
	Offset, Size int64
}

// NumElements returns the product of the shape (1 for a scalar).
func (t TensorInfo) NumElements() int64 {
	n := int64(1)
	for _, d := range t.Shape {
		n *= d
	}
	return n
}

// File is an open safetensors file: the parsed header and the open file,
// from which tensors are read on demand. Its methods are safe for concurrent
// use, except Close, which must not run concurrently with a read.
type File struct {
	path     string
	r        io.ReaderAt
	closer   io.Closer
	base     int64 // file offset of the data buffer: 8 + N
	tensors  []TensorInfo
	index    map[string]int
	metadata map[string]string
}

// Open opens path and validates its header. Tensor data is not read until
// asked for; the caller must Close the file.
func Open(path string) (*File, error) {
	fd, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("open safetensors: %w", err)
	}
	st, err := fd.Stat()
	if err != nil {
		fd.Close()
		return nil, fmt.Errorf("open safetensors: %w", err)
	}
	f, err := newFile(path, fd, st.Size())
	if err != nil {
		fd.Close()
		return nil, err
	}
	f.closer = fd
	return f, nil
}

// newFile parses the header of the size-byte file r; path is only used in
// error messages.
func newFile(path string, r io.ReaderAt, size int64) (*File, error) {
	bad := func(format string, args ...any) error {
		return fmt.Errorf("open %s: %w: %s", path, ErrFormat, fmt.Sprintf(format, args...))
	}
	var lenBuf [8]byte
	if size < 8 {
		return nil, bad("file is %d bytes, shorter than the 8-byte header length", size)
	}
	if err := readAt(r, lenBuf[:], 0); err != nil {
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	n := binary.LittleEndian.Uint64(lenBuf[:])
	if n > MaxHeaderSize {
		return nil, bad("header length %d exceeds the limit of %d bytes", n, MaxHeaderSize)
	}
	if n > uint64(size-8) {
		return nil, bad("header length %d runs past the end of the %d-byte file", n, size)
	}
	header := make([]byte, n)
	if err := readAt(r, header, 8); err != nil {
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	f := &File{path: path, r: r, base: 8 + int64(n)}
	if err := f.parseHeader(header, size-f.base); err != nil {
		return nil, bad("%v", err)
	}
	return f, nil
}

// readAt fills b from offset off. Unlike a bare ReadAt, a full read that
// ends at the end of the input is not an error, whatever r reports.
func readAt(r io.ReaderAt, b []byte, off int64) error {
	if len(b) == 0 {
		return nil
	}
	n, err := r.ReadAt(b, off)
	if n == len(b) {
		return nil
	}
	if err == io.EOF {
		err = io.ErrUnexpectedEOF // the file shrank after Open measured it
	}
	return err
}

// headerEntry is one tensor's header entry. Pointers tell a missing field
// from a zero one.
type headerEntry struct {
	DType       *DType   `json:"dtype"`
	Shape       []uint64 `json:"shape"`
	DataOffsets []uint64 `json:"data_offsets"`
}

// parseHeader validates the JSON header against a data buffer of dataSize
// bytes and fills f's tensor table and metadata.
func (f *File) parseHeader(header []byte, dataSize int64) error {
	if !utf8.Valid(header) {
		return errors.New("header is not valid UTF-8")
	}
	trimmed := bytes.TrimLeft(header, " \t\r\n")
	if len(trimmed) == 0 || trimmed[0] != '{' {
		return errors.New("header is not a JSON object")
	}
	if err := checkDuplicateKeys(header); err != nil {
		return err
	}
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(header, &raw); err != nil {
		return fmt.Errorf("header is not valid JSON: %v", err)
	}
	if m, ok := raw[metadataKey]; ok {
		if err := json.Unmarshal(m, &f.metadata); err != nil {
			return fmt.Errorf("%s is not a map of strings: %v", metadataKey, err)
		}
		delete(raw, metadataKey)
	}
	type span struct{ begin, end uint64 }
	spans := make(map[string]span, len(raw))
	f.tensors = make([]TensorInfo, 0, len(raw))
	for name, msg := range raw {
		var e headerEntry
		if err := json.Unmarshal(msg, &e); err != nil {
			return fmt.Errorf("tensor %q: %v", name, err)
		}
		if e.DType == nil || e.Shape == nil || e.DataOffsets == nil {
			return fmt.Errorf("tensor %q: need dtype, shape and data_offsets", name)
		}
		elem := e.DType.Size()
		if elem == 0 {
			return fmt.Errorf("tensor %q: unknown dtype %q", name, *e.DType)
		}
		if len(e.DataOffsets) != 2 {
			return fmt.Errorf("tensor %q: data_offsets has %d numbers, want 2", name, len(e.DataOffsets))
		}
		begin, end := e.DataOffsets[0], e.DataOffsets[1]
		if end < begin || end > uint64(dataSize) {
			return fmt.Errorf("tensor %q: data_offsets [%d, %d] outside the %d-byte buffer", name, begin, end, dataSize)
		}
		want := uint64(elem)
		shape := make([]int64, len(e.Shape))
		for i, d := range e.Shape {
			hi, lo := bits.Mul64(want, d)
			if hi != 0 || lo > math.MaxInt64 || d > math.MaxInt64 {
				return fmt.Errorf("tensor %q: shape %v overflows", name, e.Shape)
			}
			want = lo
			shape[i] = int64(d)
		}
		if end-begin != want {
			return fmt.Errorf("tensor %q: data_offsets [%d, %d] hold %d bytes, but %s %v needs %d",
				name, begin, end, end-begin, *e.DType, e.Shape, want)
		}
		spans[name] = span{begin, end}
		f.tensors = append(f.tensors, TensorInfo{Name: name, DType: *e.DType, Shape: shape, Offset: int64(begin), Size: int64(want)})
	}
	slices.SortFunc(f.tensors, func(a, b TensorInfo) int {
		if a.Offset != b.Offset {
			return cmpInt(a.Offset, b.Offset)
		}
		if a.Size != b.Size {
			return cmpInt(a.Size, b.Size)
		}
		return strings.Compare(a.Name, b.Name)
	})
	var next int64
	f.index = make(map[string]int, len(f.tensors))
	for i, t := range f.tensors {
		if t.Offset != next {
			if t.Offset < next {
				return fmt.Errorf("tensor %q at bytes [%d, %d] overlaps the tensor before it, which ends at %d",
					t.Name, t.Offset, t.Offset+t.Size, next)
			}
			return fmt.Errorf("hole in the buffer at bytes [%d, %d] before tensor %q", next, t.Offset, t.Name)
		}
		next = t.Offset + t.Size
		f.index[t.Name] = i
	}
	if next != dataSize {
		return fmt.Errorf("tensors cover %d bytes of the %d-byte buffer", next, dataSize)
	}
	return nil
}

func cmpInt(a, b int64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// checkDuplicateKeys reports a key repeated within one JSON object anywhere
// in data, which encoding/json would silently resolve to the last value.
func checkDuplicateKeys(data []byte) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	var walk func(depth int) error
	walk = func(depth int) error {
		if depth > 64 {
			return errors.New("header nests too deeply")
		}
		tok, err := dec.Token()
		if err != nil {
			return fmt.Errorf("header is not valid JSON: %v", err)
		}
		switch tok {
		case json.Delim('{'):
			seen := make(map[string]bool)
			for dec.More() {
				k, err := dec.Token()
				if err != nil {
					return fmt.Errorf("header is not valid JSON: %v", err)
				}
				key, _ := k.(string)
				if seen[key] {
					return fmt.Errorf("duplicate key %q in header", key)
				}
				seen[key] = true
				if err := walk(depth + 1); err != nil {
					return err
				}
			}
			_, err = dec.Token() // '}'
		case json.Delim('['):
			for dec.More() {
				if err := walk(depth + 1); err != nil {
					return err
				}
			}
			_, err = dec.Token() // ']'
		}
		if err != nil {
			return fmt.Errorf("header is not valid JSON: %v", err)
		}
		return nil
	}
	return walk(0)
}

// Path returns the path the file was opened with.
func (f *File) Path() string { return f.path }

// Tensors returns every tensor, sorted by offset. The caller may modify the
// returned slice.
func (f *File) Tensors() []TensorInfo {
	out := make([]TensorInfo, len(f.tensors))
	for i, t := range f.tensors {
		t.Shape = slices.Clone(t.Shape)
		out[i] = t
	}
	return out
}

// Info returns the named tensor's description.
func (f *File) Info(name string) (TensorInfo, bool) {
	i, ok := f.index[name]
	if !ok {
		return TensorInfo{}, false
	}
	t := f.tensors[i]
	t.Shape = slices.Clone(t.Shape)
	return t, true
}

// Metadata returns a copy of the header's "__metadata__" map, or nil if the
// header has none.
func (f *File) Metadata() map[string]string {
	if f.metadata == nil {
		return nil
	}
	out := make(map[string]string, len(f.metadata))
	for k, v := range f.metadata {
		out[k] = v
	}
	return out
}

// readChunk is how many bytes ReadFloat32 reads and converts at a time.
const readChunk = 1 << 20

// ReadFloat32 reads the named tensor into dst, converting F32, F16, BF16 or
// F64 elements to float32 (F64 rounds to nearest). len(dst) must equal the
// tensor's element count.
func (f *File) ReadFloat32(name string, dst []float32) error {
	i, ok := f.index[name]
	if !ok {
		return fmt.Errorf("read %s from %s: %w", name, f.path, ErrNotFound)
	}
	t := f.tensors[i]
	if n := t.NumElements(); int64(len(dst)) != n {
		return fmt.Errorf("read %s from %s: tensor %s %v has %d elements, destination has %d",
			name, f.path, t.DType, t.Shape, n, len(dst))
	}
	switch t.DType {
	case F32, F16, BF16, F64:
	default:
		return fmt.Errorf("read %s from %s: cannot convert %s to float32", name, f.path, t.DType)
	}
	elem := t.DType.Size()
	buf := make([]byte, min(t.Size, readChunk))
	for done := int64(0); done < t.Size; {
		chunk := buf[:min(t.Size-done, int64(len(buf)))]
		if err := readAt(f.r, chunk, f.base+t.Offset+done); err != nil {
			return fmt.Errorf("read %s from %s: %w", name, f.path, err)
		}
		out := dst[done/elem : (done+int64(len(chunk)))/elem]
		decode(t.DType, out, chunk)
		done += int64(len(chunk))
	}
	return nil
}

// decode converts little-endian elements of dtype d from src into dst;
// len(src) is len(dst) times the element size.
func decode(d DType, dst []float32, src []byte) {
	switch d {
	case F32:
		for i := range dst {
			dst[i] = math.Float32frombits(binary.LittleEndian.Uint32(src[4*i:]))
		}
	case F16:
		for i := range dst {
			dst[i] = HalfToFloat32(binary.LittleEndian.Uint16(src[2*i:]))
		}
	case BF16:
		for i := range dst {
			dst[i] = BFloat16ToFloat32(binary.LittleEndian.Uint16(src[2*i:]))
		}
	case F64:
		for i := range dst {
			dst[i] = float32(math.Float64frombits(binary.LittleEndian.Uint64(src[8*i:])))
		}
	}
}

// Close closes the underlying file.
func (f *File) Close() error {
	if f.closer == nil {
		return nil
	}
	if err := f.closer.Close(); err != nil {
		return fmt.Errorf("close %s: %w", f.path, err)
	}
	return nil
}
