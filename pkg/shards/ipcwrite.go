package shards

import (
	"encoding/binary"
	"fmt"
	"io"
	"sync"

	"github.com/apache/arrow-go/v18/arrow"
	flatbuffers "github.com/google/flatbuffers/go"
	"github.com/klauspost/compress/zstd"
)

// This file writes the Arrow IPC file format for the few schemas a shard
// has (Int and List<Int> columns, no nulls, no dictionaries). arrow-go's
// writer compresses every buffer with a zstd stream at zstd's default
// level, which it offers no way to change and which made it a third of the
// time of 'shard pretrain'; writing the messages here lets the buffers go
// through reused encoders at a level of our choice, and lets the batch's
// buffers be written as they are, without building Arrow arrays first.
// Files are read back with arrow-go (and, in the tests, with Apache Arrow's
// JavaScript implementation). Table and field numbers follow Schema.fbs,
// Message.fbs and File.fbs of the Arrow format; fbcheck.go reads the same
// tables.

// Arrow format constants used here.
const (
	metadataV5          = 4  // MetadataVersion.V5
	headerSchema        = 1  // MessageHeader.Schema
	headerRecordBatch   = 3  // MessageHeader.RecordBatch
	typeInt             = 2  // Type.Int
	typeList            = 12 // Type.List
	compressionZstd     = 1  // CompressionType.ZSTD
	continuationMarker  = 0xFFFFFFFF
	ipcAlignment        = 8
	maxMessageFlatbytes = 1 << 30
)

// DefaultZstdLevel is the zstd level of a Writer's record batches. On
// shards, whose token ids compress poorly, the fastest level takes a third
// of the time of zstd's default level for files about a fifth larger.
const DefaultZstdLevel = zstd.SpeedFastest

// zstdEncoders holds single-threaded encoders, one pool per level
// (zstd.SpeedFastest to zstd.SpeedBestCompression, as WithZstdLevel allows;
// index 0 is unused), shared by all Writers: an encoder costs megabytes to
// set up, a buffer's compression microseconds.
var zstdEncoders [zstd.SpeedBestCompression + 1]sync.Pool

func getEncoder(level zstd.EncoderLevel) *zstd.Encoder {
	if enc, ok := zstdEncoders[level].Get().(*zstd.Encoder); ok {
		return enc
	}
	enc, err := zstd.NewWriter(nil,
		zstd.WithEncoderLevel(level),
		zstd.WithEncoderConcurrency(1),
		zstd.WithLowerEncoderMem(true),
		zstd.WithWindowSize(1<<20),
		zstd.WithEncoderCRC(false)) // each batch carries its own CRC-32
	if err != nil {
		panic(err) // only for invalid options
	}
	return enc
}

// ipcFile writes one Arrow IPC file: the magic, the schema message, record
// batch messages, an end-of-stream marker and the footer listing the
// batches. Equal input gives equal bytes.
type ipcFile struct {
	w      io.Writer
	pos    int64
	schema *arrow.Schema
	level  zstd.EncoderLevel // 0: buffers stored uncompressed
	blocks []fileBlock
	fb     *flatbuffers.Builder
	head   [8]byte
	body   []byte // a batch's body, buffers compressed and padded
	spans  [][2]int64
}

// newIPCFile starts a file with schema on w, its buffers compressed at
// level (0 for none).
func newIPCFile(w io.Writer, schema *arrow.Schema, level zstd.EncoderLevel) (*ipcFile, error) {
	f := &ipcFile{w: w, schema: schema, level: level, fb: flatbuffers.NewBuilder(1024)}
	if err := f.write([]byte(arrowMagic), make([]byte, 2)); err != nil {
		return nil, err
	}
	f.fb.Reset()
	s := buildSchema(f.fb, schema)
	if _, err := f.writeMessage(f.message(headerSchema, s, 0, arrow.Metadata{}), nil); err != nil {
		return nil, err
	}
	return f, nil
}

// writeBatch writes a record batch of rows rows whose arrays (in pre-order
// of the schema's fields: a list, then its items) have the lengths nodes
// and the buffers bufs (two per array: validity, empty since shards have
// no nulls, then offsets or values; every non-empty buffer is compressed
// alike), with md as the message's custom metadata.
func (f *ipcFile) writeBatch(rows int64, nodes []int64, bufs [][]byte, md arrow.Metadata) error {
	f.body = f.body[:0]
	f.spans = f.spans[:0]
	var enc *zstd.Encoder
	if f.level != 0 {
		enc = getEncoder(f.level)
		defer zstdEncoders[f.level].Put(enc)
	}
	for _, buf := range bufs {
		start := int64(len(f.body))
		if len(buf) > 0 {
			if enc != nil {
				f.body = binary.LittleEndian.AppendUint64(f.body, uint64(len(buf)))
				f.body = enc.EncodeAll(buf, f.body)
			} else {
				f.body = append(f.body, buf...)
			}
		}
		f.spans = append(f.spans, [2]int64{start, int64(len(f.body)) - start})
		f.body = pad(f.body)
	}

	b := f.fb
	b.Reset()
	b.StartVector(16, len(nodes), 8)
	for i := len(nodes) - 1; i >= 0; i-- {
		b.Prep(8, 16)
		b.PrependInt64(0) // null_count
		b.PrependInt64(nodes[i])
	}
	nodeVec := b.EndVector(len(nodes))
	b.StartVector(16, len(f.spans), 8)
	for i := len(f.spans) - 1; i >= 0; i-- {
		b.Prep(8, 16)
		b.PrependInt64(f.spans[i][1]) // length
		b.PrependInt64(f.spans[i][0]) // offset
	}
	bufVec := b.EndVector(len(f.spans))
	var comp flatbuffers.UOffsetT
	if enc != nil {
		b.StartObject(2)
		b.PrependInt8Slot(0, compressionZstd, 0) // method BUFFER is the default
		comp = b.EndObject()
	}
	b.StartObject(5)
	b.PrependInt64Slot(0, rows, 0)
	b.PrependUOffsetTSlot(1, nodeVec, 0)
	b.PrependUOffsetTSlot(2, bufVec, 0)
	if comp != 0 {
		b.PrependUOffsetTSlot(3, comp, 0)
	}
	rb := b.EndObject()

	blk := fileBlock{offset: f.pos, body: int64(len(f.body))}
	n, err := f.writeMessage(f.message(headerRecordBatch, rb, int64(len(f.body)), md), f.body)
	if err != nil {
		return err
	}
	blk.meta = n
	f.blocks = append(f.blocks, blk)
	return nil
}

// close writes the end-of-stream marker, the footer, its length and the
// closing magic.
func (f *ipcFile) close() error {
	binary.LittleEndian.PutUint32(f.head[0:], continuationMarker)
	binary.LittleEndian.PutUint32(f.head[4:], 0)
	if err := f.write(f.head[:]); err != nil {
		return err
	}
	b := f.fb
	b.Reset()
	s := buildSchema(b, f.schema)
	b.StartVector(24, 0, 8)
	dicts := b.EndVector(0)
	b.StartVector(24, len(f.blocks), 8)
	for i := len(f.blocks) - 1; i >= 0; i-- {
		blk := f.blocks[i]
		b.Prep(8, 24)
		b.PrependInt64(blk.body)
		b.Pad(4)
		b.PrependInt32(blk.meta)
		b.PrependInt64(blk.offset)
	}
	recs := b.EndVector(len(f.blocks))
	b.StartObject(5)
	b.PrependInt16Slot(0, metadataV5, 0)
	b.PrependUOffsetTSlot(1, s, 0)
	b.PrependUOffsetTSlot(2, dicts, 0)
	b.PrependUOffsetTSlot(3, recs, 0)
	b.Finish(b.EndObject())
	footer := b.FinishedBytes()
	var size [4]byte
	binary.LittleEndian.PutUint32(size[:], uint32(len(footer)))
	return f.write(footer, size[:], []byte(arrowMagic))
}

// message finishes a Message table around header in f.fb and returns its
// bytes (valid until the builder's next use).
func (f *ipcFile) message(headerType byte, header flatbuffers.UOffsetT, bodyLen int64, md arrow.Metadata) []byte {
	b := f.fb
	kv := buildKeyValues(b, md)
	b.StartObject(5)
	b.PrependInt16Slot(0, metadataV5, 0)
	b.PrependByteSlot(1, headerType, 0)
	b.PrependUOffsetTSlot(2, header, 0)
	b.PrependInt64Slot(3, bodyLen, 0)
	if kv != 0 {
		b.PrependUOffsetTSlot(4, kv, 0)
	}
	b.Finish(b.EndObject())
	return b.FinishedBytes()
}

// writeMessage writes an encapsulated message — continuation marker,
// metadata length, the flatbuffer padded to 8 bytes — and its body; it
// returns the length of everything before the body, as the footer records
// it.
func (f *ipcFile) writeMessage(meta, body []byte) (int32, error) {
	if len(meta) > maxMessageFlatbytes {
		return 0, fmt.Errorf("arrow message metadata of %d bytes", len(meta))
	}
	padded := (len(meta)+8+ipcAlignment-1)/ipcAlignment*ipcAlignment - 8
	binary.LittleEndian.PutUint32(f.head[0:], continuationMarker)
	binary.LittleEndian.PutUint32(f.head[4:], uint32(padded))
	var zeros [ipcAlignment]byte
	if err := f.write(f.head[:], meta, zeros[:padded-len(meta)], body); err != nil {
		return 0, err
	}
	return int32(8 + padded), nil
}

func (f *ipcFile) write(parts ...[]byte) error {
	for _, p := range parts {
		n, err := f.w.Write(p)
		f.pos += int64(n)
		if err != nil {
			return err
		}
	}
	return nil
}

// pad appends zeros up to a multiple of 8 bytes.
func pad(b []byte) []byte {
	for len(b)%ipcAlignment != 0 {
		b = append(b, 0)
	}
	return b
}

// buildSchema adds a Schema table for s to b.
func buildSchema(b *flatbuffers.Builder, s *arrow.Schema) flatbuffers.UOffsetT {
	fields := make([]flatbuffers.UOffsetT, s.NumFields())
	for i, fld := range s.Fields() {
		fields[i] = buildField(b, fld)
	}
	vec := offsetVector(b, fields)
	md := s.Metadata()
	kv := buildKeyValues(b, md)
	b.StartObject(4)
	b.PrependUOffsetTSlot(1, vec, 0) // endianness Little is the default
	if kv != 0 {
		b.PrependUOffsetTSlot(2, kv, 0)
	}
	return b.EndObject()
}

// buildField adds a Field table; shard columns are integers or lists of
// integers (schemaFor), anything else is a programming error.
func buildField(b *flatbuffers.Builder, fld arrow.Field) flatbuffers.UOffsetT {
	var (
		typ      flatbuffers.UOffsetT
		typeType byte
		children []flatbuffers.UOffsetT
	)
	switch t := fld.Type.(type) {
	case *arrow.ListType:
		children = append(children, buildField(b, t.ElemField()))
		b.StartObject(0)
		typ, typeType = b.EndObject(), typeList
	default:
		var signed bool
		switch t.ID() {
		case arrow.INT8, arrow.INT16, arrow.INT32, arrow.INT64:
			signed = true
		case arrow.UINT8, arrow.UINT16, arrow.UINT32, arrow.UINT64:
		default:
			panic("shards: no Arrow encoding for column type " + t.String())
		}
		b.StartObject(2)
		b.PrependInt32Slot(0, int32(t.(arrow.FixedWidthDataType).BitWidth()), 0)
		b.PrependBoolSlot(1, signed, false)
		typ, typeType = b.EndObject(), typeInt
	}
	name := b.CreateString(fld.Name)
	kids := offsetVector(b, children)
	b.StartObject(7)
	b.PrependUOffsetTSlot(0, name, 0)
	b.PrependBoolSlot(1, fld.Nullable, false)
	b.PrependByteSlot(2, typeType, 0)
	b.PrependUOffsetTSlot(3, typ, 0)
	b.PrependUOffsetTSlot(5, kids, 0)
	return b.EndObject()
}

// buildKeyValues adds a vector of KeyValue tables, or nothing (0) for
// empty metadata.
func buildKeyValues(b *flatbuffers.Builder, md arrow.Metadata) flatbuffers.UOffsetT {
	if md.Len() == 0 {
		return 0
	}
	kvs := make([]flatbuffers.UOffsetT, md.Len())
	for i, k := range md.Keys() {
		key, val := b.CreateString(k), b.CreateString(md.Values()[i])
		b.StartObject(2)
		b.PrependUOffsetTSlot(0, key, 0)
		b.PrependUOffsetTSlot(1, val, 0)
		kvs[i] = b.EndObject()
	}
	return offsetVector(b, kvs)
}

func offsetVector(b *flatbuffers.Builder, offs []flatbuffers.UOffsetT) flatbuffers.UOffsetT {
	b.StartVector(4, len(offs), 4)
	for i := len(offs) - 1; i >= 0; i-- {
		b.PrependUOffsetT(offs[i])
	}
	return b.EndVector(len(offs))
}
