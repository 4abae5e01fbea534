package shards

import (
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"slices"
	"unsafe"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
)

// Instance is one BERT pretraining example.
type Instance struct {
	// InputIDs is [CLS] A [SEP] B [SEP] as vocabulary ids, unpadded; with
	// static masking the masked positions hold [MASK], a random id or the
	// original id, as chosen by the masking step.
	InputIDs []int32
	// ALength is len([CLS] A [SEP]): segment id 0 for the first ALength
	// tokens, 1 after.
	ALength int
	// MaskedPositions are the indexes into InputIDs that the masked LM
	// predicts, strictly increasing; MaskedIDs are the original ids there.
	// Both are empty with dynamic masking.
	MaskedPositions []int32
	MaskedIDs       []int32
	// IsRandomNext reports that B is a random sentence rather than the one
	// following A (next_sentence_labels = 1), as Google's is_random_next.
	IsRandomNext bool
}

// Column names, as in google-research/bert's TFRecord features.
const (
	colInputIDs   = "input_ids"
	colALength    = "a_length"
	colNSP        = "next_sentence_labels"
	colPositions  = "masked_lm_positions"
	colMaskedIDs  = "masked_lm_ids"
	listItemField = "item"
)

// idType is the Arrow type of token ids for a vocabulary size.
func idType(vocabSize int) arrow.DataType {
	if vocabSize <= narrowVocabSize {
		return arrow.PrimitiveTypes.Uint16
	}
	return arrow.PrimitiveTypes.Int32
}

// posType is the Arrow type of a_length and masked positions.
func posType(maxSeqLen int) arrow.DataType {
	if maxSeqLen <= narrowSeqLen {
		return arrow.PrimitiveTypes.Int16
	}
	return arrow.PrimitiveTypes.Int32
}

func listOf(t arrow.DataType) arrow.DataType {
	return arrow.ListOfField(arrow.Field{Name: listItemField, Type: t})
}

// schemaFor returns the schema of a shard with meta m; md is its metadata,
// or nil to compare fields only.
func schemaFor(m *Meta, md *arrow.Metadata) *arrow.Schema {
	ids, pos := idType(m.VocabSize), posType(m.MaxSeqLen)
	fields := []arrow.Field{
		{Name: colInputIDs, Type: listOf(ids)},
		{Name: colALength, Type: pos},
		{Name: colNSP, Type: arrow.PrimitiveTypes.Int8},
	}
	if m.Masking == MaskingStatic {
		fields = append(fields,
			arrow.Field{Name: colPositions, Type: listOf(pos)},
			arrow.Field{Name: colMaskedIDs, Type: listOf(ids)})
	}
	return arrow.NewSchema(fields, md)
}

// batch holds the rows of one record batch as flat int32 columns: row r's
// input ids are ids[idOff[r]:idOff[r+1]], its masked positions and ids
// pos[posOff[r]:posOff[r+1]] and mids[posOff[r]:posOff[r+1]].
type batch struct {
	rows   int
	ids    []int32
	idOff  []int32
	aLen   []int32
	random []bool
	pos    []int32
	mids   []int32
	posOff []int32
	midOff []int32 // decode's scratch: offsets of masked_lm_ids

	// out holds the bytes of the Arrow buffers that layout builds (a
	// Writer's batches only).
	out [8][]byte
}

func (b *batch) reset() {
	b.rows = 0
	b.ids, b.aLen, b.random, b.pos, b.mids = b.ids[:0], b.aLen[:0], b.random[:0], b.pos[:0], b.mids[:0]
	b.idOff = append(b.idOff[:0], 0)
	b.posOff = append(b.posOff[:0], 0)
}

// add appends inst as the last row; truncate(b.rows-1) takes it back. The
// caller ensures len(inst.MaskedIDs) == len(inst.MaskedPositions).
func (b *batch) add(inst *Instance) {
	b.ids = append(b.ids, inst.InputIDs...)
	b.idOff = append(b.idOff, int32(len(b.ids)))
	b.aLen = append(b.aLen, int32(inst.ALength))
	b.random = append(b.random, inst.IsRandomNext)
	b.pos = append(b.pos, inst.MaskedPositions...)
	b.posOff = append(b.posOff, int32(len(b.pos)))
	b.mids = append(b.mids, inst.MaskedIDs...)
	b.rows++
}

func (b *batch) truncate(rows int) {
	b.rows = rows
	b.ids = b.ids[:b.idOff[rows]]
	b.idOff = b.idOff[:rows+1]
	b.aLen, b.random = b.aLen[:rows], b.random[:rows]
	b.pos = b.pos[:b.posOff[rows]]
	b.mids = b.mids[:b.posOff[rows]]
	b.posOff = b.posOff[:rows+1]
}

// instance returns row r; its slices alias the batch (capacity-limited, so
// appending to them never overwrites a neighbour).
func (b *batch) instance(r int) *Instance {
	inst := new(Instance)
	b.instanceInto(inst, r)
	return inst
}

// instanceInto sets *inst to row r, as instance returns it.
func (b *batch) instanceInto(inst *Instance, r int) {
	i0, i1 := b.idOff[r], b.idOff[r+1]
	p0, p1 := b.posOff[r], b.posOff[r+1]
	*inst = Instance{
		InputIDs:     b.ids[i0:i1:i1],
		ALength:      int(b.aLen[r]),
		IsRandomNext: b.random[r],
	}
	if p1 > p0 {
		inst.MaskedPositions = b.pos[p0:p1:p1]
		inst.MaskedIDs = b.mids[p0:p1:p1]
	}
}

// checkRow validates row r against m. It relies on the offsets being
// monotonic and in range, which add and decode guarantee.
func (b *batch) checkRow(r int, m *Meta) error {
	ids := b.ids[b.idOff[r]:b.idOff[r+1]]
	n := len(ids)
	if n > m.MaxSeqLen {
		return fmt.Errorf("%d input ids exceed max_seq_len %d", n, m.MaxSeqLen)
	}
	if a := int(b.aLen[r]); a < 0 || a > n {
		return fmt.Errorf("a_length %d out of range [0, %d]", a, n)
	}
	for _, id := range ids {
		if id < 0 || int(id) >= m.VocabSize {
			return fmt.Errorf("input id %d out of range [0, vocab_size %d)", id, m.VocabSize)
		}
	}
	p0, p1 := b.posOff[r], b.posOff[r+1]
	if m.Masking == MaskingDynamic && p1 > p0 {
		return fmt.Errorf("%d masked positions with dynamic masking", p1-p0)
	}
	if int(p1-p0) > m.MaxPredictions {
		return fmt.Errorf("%d masked positions exceed max_predictions %d", p1-p0, m.MaxPredictions)
	}
	prev := int32(-1)
	for i := p0; i < p1; i++ {
		p, id := b.pos[i], b.mids[i]
		if p <= prev || int(p) >= n {
			return fmt.Errorf("masked position %d not increasing or out of range [0, %d)", p, n)
		}
		if id < 0 || int(id) >= m.VocabSize {
			return fmt.Errorf("masked id %d out of range [0, vocab_size %d)", id, m.VocabSize)
		}
		prev = p
	}
	return nil
}

// checksum is the CRC-32 (IEEE, as zlib.crc32) of the batch's content:
// for each column in schema order, as little-endian uint32 values, a list
// column contributes the length of every row and then all its items, a
// scalar column its values (next_sentence_labels as 0 or 1).
func (b *batch) checksum(static bool) uint32 {
	var h crcWriter
	h.lengths(b.idOff[:b.rows+1])
	h.values(b.ids)
	h.values(b.aLen)
	h.bools(b.random)
	if static {
		h.lengths(b.posOff[:b.rows+1])
		h.values(b.pos)
		h.lengths(b.posOff[:b.rows+1])
		h.values(b.mids)
	}
	return h.sum()
}

// crcWriter feeds uint32 values to a CRC-32 through a fixed buffer, a
// chunk at a time.
type crcWriter struct {
	crc uint32
	n   int // bytes in buf
	buf [16 << 10]byte
}

// room flushes a full buffer and returns the free part of the buffer as
// uint32 slots, at most want of them.
func (h *crcWriter) room(want int) []byte {
	if h.n == len(h.buf) {
		h.crc = crc32.Update(h.crc, crc32.IEEETable, h.buf[:])
		h.n = 0
	}
	k := min(want, (len(h.buf)-h.n)/4)
	return h.buf[h.n : h.n+4*k]
}

// littleEndian reports whether an []int32 is laid out in memory as the
// checksum reads it, little-endian uint32 values, so that values can hash
// the slice itself.
var littleEndian = binary.NativeEndian.Uint16([]byte{1, 0}) == 1

// values adds v as little-endian uint32 values.
func (h *crcWriter) values(v []int32) {
	if littleEndian && len(v) > 0 {
		h.crc = crc32.Update(h.crc, crc32.IEEETable, h.buf[:h.n])
		h.n = 0
		h.crc = crc32.Update(h.crc, crc32.IEEETable, unsafe.Slice((*byte)(unsafe.Pointer(unsafe.SliceData(v))), 4*len(v)))
		return
	}
	for len(v) > 0 {
		dst := h.room(len(v))
		k := len(dst) / 4
		for i, x := range v[:k] {
			binary.LittleEndian.PutUint32(dst[4*i:], uint32(x))
		}
		h.n += len(dst)
		v = v[k:]
	}
}

// lengths adds off[r+1]-off[r] for every r.
func (h *crcWriter) lengths(off []int32) {
	for len(off) > 1 {
		dst := h.room(len(off) - 1)
		k := len(dst) / 4
		for i := range k {
			binary.LittleEndian.PutUint32(dst[4*i:], uint32(off[i+1]-off[i]))
		}
		h.n += len(dst)
		off = off[k:]
	}
}

// bools adds v as 0 or 1.
func (h *crcWriter) bools(v []bool) {
	for len(v) > 0 {
		dst := h.room(len(v))
		k := len(dst) / 4
		for i, x := range v[:k] {
			var u uint32
			if x {
				u = 1
			}
			binary.LittleEndian.PutUint32(dst[4*i:], u)
		}
		h.n += len(dst)
		v = v[k:]
	}
}

func (h *crcWriter) sum() uint32 {
	return crc32.Update(h.crc, crc32.IEEETable, h.buf[:h.n])
}

func formatCRC(c uint32) string { return fmt.Sprintf("%08x", c) }

// layout returns the batch as the arrays of schema s: their lengths in
// pre-order of the fields (a list, then its items) and their buffers, two
// per array (validity, always empty, then offsets or values), over the
// batch's own scratch bytes, valid until the batch changes.
func (b *batch) layout(s *arrow.Schema, static bool) (nodes []int64, bufs [][]byte) {
	elem := func(i int) arrow.DataType { return s.Field(i).Type.(*arrow.ListType).Elem() }
	o := &b.out
	list := func(t arrow.DataType, off, values []int32, offsets, items *[]byte) {
		nodes = append(nodes, int64(len(off)-1), int64(len(values)))
		bufs = append(bufs, nil, valueBytes(arrow.PrimitiveTypes.Int32, off, offsets), nil, valueBytes(t, values, items))
	}
	list(elem(0), b.idOff, b.ids, &o[0], &o[1])
	nodes = append(nodes, int64(b.rows), int64(b.rows))
	bufs = append(bufs, nil, valueBytes(s.Field(1).Type, b.aLen, &o[2]), nil, boolBytes(b.random, &o[3]))
	if static {
		list(elem(3), b.posOff, b.pos, &o[4], &o[5])
		list(elem(4), b.posOff, b.mids, &o[6], &o[7])
	}
	return nodes, bufs
}

// metadata is the record batch's custom metadata: its checksum.
func (b *batch) metadata(static bool) arrow.Metadata {
	return arrow.NewMetadata([]string{keyCRC}, []string{formatCRC(b.checksum(static))})
}

// scratch returns *dst resized to n bytes, reallocated only to grow.
func scratch(dst *[]byte, n int) []byte {
	if cap(*dst) < n {
		*dst = make([]byte, n, n+n/4)
	}
	*dst = (*dst)[:n]
	return *dst
}

// valueBytes writes v into *dst as little-endian values of type t (Int16,
// Uint16 or Int32) and returns those bytes. The schema declares
// little-endian buffers whatever the host.
func valueBytes(t arrow.DataType, v []int32, dst *[]byte) []byte {
	buf := scratch(dst, len(v)*t.(arrow.FixedWidthDataType).Bytes())
	switch t.ID() {
	case arrow.UINT16, arrow.INT16:
		for i, x := range v {
			binary.LittleEndian.PutUint16(buf[2*i:], uint16(x))
		}
	default:
		if littleEndian {
			copy(arrow.Int32Traits.CastFromBytes(buf), v)
			break
		}
		for i, x := range v {
			binary.LittleEndian.PutUint32(buf[4*i:], uint32(x))
		}
	}
	return buf
}

// boolBytes writes v into *dst as int8 zeros and ones.
func boolBytes(v []bool, dst *[]byte) []byte {
	buf := scratch(dst, len(v))
	for i, x := range v {
		buf[i] = 0
		if x {
			buf[i] = 1
		}
	}
	return buf
}

// decode reads an Arrow record batch of a shard with meta m into b,
// checking structure, checksum and every row. Errors are plain messages
// for the caller to wrap with ErrCorrupt.
func (b *batch) decode(rec arrow.RecordBatch, m *Meta) error {
	static := m.Masking == MaskingStatic
	rows := int(rec.NumRows())
	if rows < 0 {
		return fmt.Errorf("negative row count %d", rows)
	}
	want := 3
	if static {
		want = 5
	}
	if int(rec.NumCols()) != want {
		return fmt.Errorf("%d columns, want %d", rec.NumCols(), want)
	}
	// The columns are decoded into b's slices, reusing their storage:
	// a Reader passes a fresh batch unless it reuses buffers.
	b.rows = rows
	var err error
	if b.idOff, b.ids, err = decodeList(rec.Column(0), rows, b.idOff, b.ids); err != nil {
		return fmt.Errorf("%s: %v", colInputIDs, err)
	}
	if b.aLen, err = decodeFlat(rec.Column(1), rows, b.aLen); err != nil {
		return fmt.Errorf("%s: %v", colALength, err)
	}
	nsp, ok := rec.Column(2).(*array.Int8)
	if !ok || nsp.Len() != rows || nsp.NullN() != 0 || len(nsp.Int8Values()) != rows {
		return fmt.Errorf("%s: malformed column", colNSP)
	}
	b.random = slices.Grow(b.random[:0], rows)[:rows]
	for i, v := range nsp.Int8Values() {
		if v != 0 && v != 1 {
			return fmt.Errorf("row %d: %s %d is neither 0 nor 1", i, colNSP, v)
		}
		b.random[i] = v == 1
	}
	if !static {
		b.pos, b.mids = b.pos[:0], b.mids[:0]
		b.posOff = slices.Grow(b.posOff[:0], rows+1)[:rows+1]
		clear(b.posOff)
	} else {
		if b.posOff, b.pos, err = decodeList(rec.Column(3), rows, b.posOff, b.pos); err != nil {
			return fmt.Errorf("%s: %v", colPositions, err)
		}
		var midOff []int32
		if midOff, b.mids, err = decodeList(rec.Column(4), rows, b.midOff, b.mids); err != nil {
			return fmt.Errorf("%s: %v", colMaskedIDs, err)
		}
		b.midOff = midOff
		for r := range midOff {
			if midOff[r] != b.posOff[r] {
				return fmt.Errorf("row %d: %s and %s differ in length", max(r-1, 0), colPositions, colMaskedIDs)
			}
		}
	}
	got, ok := rec.(arrow.RecordBatchWithMetadata)
	if !ok {
		return fmt.Errorf("no %s in batch metadata", keyCRC)
	}
	md := got.Metadata()
	sum, ok := lookup(md, keyCRC)
	if !ok {
		return fmt.Errorf("no %s in batch metadata", keyCRC)
	}
	if c := formatCRC(b.checksum(static)); c != sum {
		return fmt.Errorf("checksum %s, batch metadata says %s", c, sum)
	}
	for r := 0; r < rows; r++ {
		if err := b.checkRow(r, m); err != nil {
			return fmt.Errorf("row %d: %v", r, err)
		}
	}
	return nil
}

// decodeList copies a list column of rows rows into offsets starting at 0
// and flat items, after checking the offsets. The results reuse the storage
// of off and items.
func decodeList(col arrow.Array, rows int, off, items []int32) ([]int32, []int32, error) {
	l, ok := col.(*array.List)
	if !ok || l.Len() != rows || l.NullN() != 0 {
		return nil, nil, fmt.Errorf("malformed column")
	}
	start := l.Data().Offset()
	all := l.Offsets()
	if start < 0 || len(all) < start+rows+1 {
		return nil, nil, fmt.Errorf("%d offsets for %d rows", len(all), rows)
	}
	src := all[start : start+rows+1]
	child := l.ListValues()
	if child.NullN() != 0 {
		return nil, nil, fmt.Errorf("null items")
	}
	if src[0] < 0 || int(src[rows]) > child.Len() {
		return nil, nil, fmt.Errorf("offsets [%d, %d] outside %d items", src[0], src[rows], child.Len())
	}
	off = slices.Grow(off[:0], rows+1)[:rows+1]
	off[0] = 0
	for r := 1; r <= rows; r++ {
		if src[r] < src[r-1] {
			return nil, nil, fmt.Errorf("row %d: offsets decrease", r-1)
		}
		off[r] = src[r] - src[0]
	}
	items, err := int32Values(child, int(src[0]), int(src[rows]), items)
	return off, items, err
}

// decodeFlat copies a non-null integer column of rows rows, reusing the
// storage of dst.
func decodeFlat(col arrow.Array, rows int, dst []int32) ([]int32, error) {
	if col.Len() != rows || col.NullN() != 0 {
		return nil, fmt.Errorf("malformed column")
	}
	return int32Values(col, 0, rows, dst)
}

// int32Values copies items [lo, hi) of an Int16, Uint16 or Int32 array,
// reusing the storage of dst.
func int32Values(a arrow.Array, lo, hi int, dst []int32) ([]int32, error) {
	out := slices.Grow(dst[:0], hi-lo)[:hi-lo]
	switch a := a.(type) {
	case *array.Uint16:
		v := a.Uint16Values()
		if len(v) < hi {
			return nil, fmt.Errorf("%d items, want %d", len(v), hi)
		}
		for i, x := range v[lo:hi] {
			out[i] = int32(x)
		}
	case *array.Int16:
		v := a.Int16Values()
		if len(v) < hi {
			return nil, fmt.Errorf("%d items, want %d", len(v), hi)
		}
		for i, x := range v[lo:hi] {
			out[i] = int32(x)
		}
	case *array.Int32:
		v := a.Int32Values()
		if len(v) < hi {
			return nil, fmt.Errorf("%d items, want %d", len(v), hi)
		}
		copy(out, v[lo:hi])
	default:
		return nil, fmt.Errorf("unexpected type %s", a.DataType())
	}
	return out, nil
}
