package safetensors

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/bertline/bertline/pkg/atomicfile"
)

// Tensor is one tensor to write: float32 values in row-major order, stored
// as DType (F32 when empty; F16 and BF16 round to nearest even).
type Tensor struct {
	Name  string
	Shape []int64
	Data  []float32
	DType DType
}

// alignRank orders dtypes by the reference writer's sort key: larger
// alignment first.
var alignRank = map[DType]int{F32: 0, BF16: 1, F16: 2}

// Write atomically replaces path with a safetensors file holding tensors
// and metadata (nil for no "__metadata__"). Tensors are stored in the order
// of the reference writer, whatever their order in the slice, so the same
// tensors always give the same bytes. Names must be unique, non-empty valid
// UTF-8 and not "__metadata__"; len(Data) must equal the product of Shape.
func Write(path string, tensors []Tensor, metadata map[string]string) error {
	header, order, err := encodeHeader(tensors, metadata)
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	af, err := atomicfile.Create(path)
	if err != nil {
		return err
	}
	defer af.Abort()
	w := bufio.NewWriterSize(af, 1<<20)
	var lenBuf [8]byte
	binary.LittleEndian.PutUint64(lenBuf[:], uint64(len(header)))
	w.Write(lenBuf[:])
	w.Write(header)
	for _, i := range order {
		if err := encodeData(w, tensors[i]); err != nil {
			return fmt.Errorf("write %s: %w", path, err)
		}
	}
	if err := w.Flush(); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return af.Commit()
}

// encodeHeader validates tensors and returns the padded JSON header and the
// order in which their data follows it.
func encodeHeader(tensors []Tensor, metadata map[string]string) ([]byte, []int, error) {
	seen := make(map[string]bool, len(tensors))
	for _, t := range tensors {
		switch {
		case t.Name == "" || t.Name == metadataKey || !utf8.ValidString(t.Name):
			return nil, nil, fmt.Errorf("invalid tensor name %q", t.Name)
		case seen[t.Name]:
			return nil, nil, fmt.Errorf("duplicate tensor name %q", t.Name)
		}
		seen[t.Name] = true
		if _, ok := alignRank[t.dtype()]; !ok {
			return nil, nil, fmt.Errorf("tensor %q: cannot write dtype %q", t.Name, t.DType)
		}
		n := int64(1)
		for _, d := range t.Shape {
			if d < 0 || d > 0 && n > math.MaxInt64/d {
				return nil, nil, fmt.Errorf("tensor %q: invalid shape %v", t.Name, t.Shape)
			}
			n *= d
		}
		if n != int64(len(t.Data)) {
			return nil, nil, fmt.Errorf("tensor %q: shape %v needs %d values, have %d", t.Name, t.Shape, n, len(t.Data))
		}
	}
	for k, v := range metadata {
		if !utf8.ValidString(k) || !utf8.ValidString(v) {
			return nil, nil, fmt.Errorf("metadata %q is not valid UTF-8", k)
		}
	}
	order := make([]int, len(tensors))
	for i := range order {
		order[i] = i
	}
	slices.SortFunc(order, func(a, b int) int {
		ra, rb := alignRank[tensors[a].dtype()], alignRank[tensors[b].dtype()]
		if ra != rb {
			return ra - rb
		}
		return strings.Compare(tensors[a].Name, tensors[b].Name)
	})

	var h []byte
	h = append(h, '{')
	if metadata != nil {
		h = appendString(h, metadataKey)
		h = append(h, ":{"...)
		keys := make([]string, 0, len(metadata))
		for k := range metadata {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		for i, k := range keys {
			if i > 0 {
				h = append(h, ',')
			}
			h = appendString(h, k)
			h = append(h, ':')
			h = appendString(h, metadata[k])
		}
		h = append(h, '}')
	}
	var offset int64
	for j, i := range order {
		t := tensors[i]
		if j > 0 || metadata != nil {
			h = append(h, ',')
		}
		h = appendString(h, t.Name)
		h = append(h, `:{"dtype":`...)
		h = appendString(h, string(t.dtype()))
		h = append(h, `,"shape":[`...)
		for k, d := range t.Shape {
			if k > 0 {
				h = append(h, ',')
			}
			h = strconv.AppendInt(h, d, 10)
		}
		size := int64(len(t.Data)) * t.dtype().Size()
		h = append(h, `],"data_offsets":[`...)
		h = strconv.AppendInt(h, offset, 10)
		h = append(h, ',')
		h = strconv.AppendInt(h, offset+size, 10)
		h = append(h, "]}"...)
		offset += size
	}
	h = append(h, '}')
	for len(h)%8 != 0 {
		h = append(h, ' ')
	}
	if len(h) > MaxHeaderSize {
		return nil, nil, errors.New("header exceeds the size limit")
	}
	return h, order, nil
}

func (t Tensor) dtype() DType {
	if t.DType == "" {
		return F32
	}
	return t.DType
}

// appendString appends s as a JSON string the way serde_json writes it:
// only '"', '\\' and control characters are escaped, with lowercase hex.
func appendString(b []byte, s string) []byte {
	const hex = "0123456789abcdef"
	b = append(b, '"')
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '"' || c == '\\':
			b = append(b, '\\', c)
		case c == '\b':
			b = append(b, '\\', 'b')
		case c == '\f':
			b = append(b, '\\', 'f')
		case c == '\n':
			b = append(b, '\\', 'n')
		case c == '\r':
			b = append(b, '\\', 'r')
		case c == '\t':
			b = append(b, '\\', 't')
		case c < 0x20:
			b = append(b, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xf])
		default:
			b = append(b, c)
		}
	}
	return append(b, '"')
}

// encodeData writes t's values little-endian in its dtype.
func encodeData(w io.Writer, t Tensor) error {
	const chunk = 1 << 16
	elem := int(t.dtype().Size())
	buf := make([]byte, min(len(t.Data), chunk)*elem)
	for start := 0; start < len(t.Data); start += chunk {
		src := t.Data[start:min(start+chunk, len(t.Data))]
		out := buf[:len(src)*elem]
		switch t.dtype() {
		case F32:
			for i, v := range src {
				binary.LittleEndian.PutUint32(out[4*i:], math.Float32bits(v))
			}
		case F16:
			for i, v := range src {
				binary.LittleEndian.PutUint16(out[2*i:], Float32ToHalf(v))
			}
		case BF16:
			for i, v := range src {
				binary.LittleEndian.PutUint16(out[2*i:], Float32ToBFloat16(v))
			}
		}
		if _, err := w.Write(out); err != nil {
			return err
		}
	}
	return nil
}
