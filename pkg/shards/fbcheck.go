package shards

import (
	"encoding/binary"
	"errors"
	"fmt"
)

// Arrow's Go reader sizes slices by the vector lengths in a file's
// flatbuffers before reading them, so one damaged length can ask for
// terabytes and kill the process (not a panic, which guard recovers). The
// checks below walk the parts of the footer and of each record batch
// message that the reader will use, before it does, and require every
// offset and vector to lie inside its buffer. Field numbers follow
// format/File.fbs, Schema.fbs and Message.fbs of the Arrow specification.

// errForeign marks a structurally sound file that uses Arrow features a
// shard never does (dictionaries, column types other than Int and List).
var errForeign = errors.New("Arrow features a shard does not use")

// fileBlock is a footer entry: where a record batch's message starts, the
// length of its metadata (prefixes included) and of its body.
type fileBlock struct {
	offset int64
	meta   int32
	body   int64
}

type fbChecker struct {
	buf     []byte
	tables  int  // tables visited, bounded so that shared offsets cannot loop
	isShard bool // a key/value with key keyFormatVersion was seen
}

// fbTable is a table's position and its vtable.
type fbTable struct {
	pos, vtable, vtableLen int
}

func (c *fbChecker) u32(p int) (uint32, error) {
	if p < 0 || p > len(c.buf)-4 {
		return 0, fmt.Errorf("flatbuffer offset %d outside %d bytes", p, len(c.buf))
	}
	return binary.LittleEndian.Uint32(c.buf[p:]), nil
}

// deref follows the uoffset stored at p.
func (c *fbChecker) deref(p int) (int, error) {
	off, err := c.u32(p)
	if err != nil {
		return 0, err
	}
	t := int64(p) + int64(off)
	if t > int64(len(c.buf)-4) {
		return 0, fmt.Errorf("flatbuffer offset %d points past %d bytes", t, len(c.buf))
	}
	return int(t), nil
}

func (c *fbChecker) table(p int) (fbTable, error) {
	if c.tables++; c.tables > len(c.buf)/4+1 {
		return fbTable{}, errors.New("flatbuffer tables loop")
	}
	so, err := c.u32(p)
	if err != nil {
		return fbTable{}, err
	}
	vt := int64(p) - int64(int32(so))
	if vt < 0 || vt > int64(len(c.buf)-4) {
		return fbTable{}, fmt.Errorf("flatbuffer vtable at %d outside %d bytes", vt, len(c.buf))
	}
	n := int(binary.LittleEndian.Uint16(c.buf[vt:]))
	size := int(binary.LittleEndian.Uint16(c.buf[vt+2:]))
	if n < 4 || n%2 != 0 || int(vt)+n > len(c.buf) || p+size > len(c.buf) {
		return fbTable{}, fmt.Errorf("flatbuffer vtable at %d malformed", vt)
	}
	return fbTable{pos: p, vtable: int(vt), vtableLen: n}, nil
}

// field returns the position of field i of t, or -1 when absent.
func (c *fbChecker) field(t fbTable, i int) int {
	at := 4 + 2*i
	if at+2 > t.vtableLen {
		return -1
	}
	off := int(binary.LittleEndian.Uint16(c.buf[t.vtable+at:]))
	if off == 0 {
		return -1
	}
	return t.pos + off
}

// child returns the table that field i of t points to, if present.
func (c *fbChecker) child(t fbTable, i int) (fbTable, bool, error) {
	p := c.field(t, i)
	if p < 0 {
		return fbTable{}, false, nil
	}
	q, err := c.deref(p)
	if err != nil {
		return fbTable{}, false, err
	}
	ct, err := c.table(q)
	return ct, err == nil, err
}

// vector checks the vector that field i of t points to and returns the
// position of its first element and its length (0, 0 when absent).
func (c *fbChecker) vector(t fbTable, i, elemSize int) (start, n int, err error) {
	p := c.field(t, i)
	if p < 0 {
		return 0, 0, nil
	}
	v, err := c.deref(p)
	if err != nil {
		return 0, 0, err
	}
	l, _ := c.u32(v)
	if int64(v)+4+int64(l)*int64(elemSize) > int64(len(c.buf)) {
		return 0, 0, fmt.Errorf("flatbuffer vector of %d items at %d overruns %d bytes", l, v, len(c.buf))
	}
	return v + 4, int(l), nil
}

// tables checks a vector of tables, calling each for every element.
func (c *fbChecker) eachTable(t fbTable, i int, each func(fbTable) error) error {
	start, n, err := c.vector(t, i, 4)
	if err != nil {
		return err
	}
	for j := range n {
		q, err := c.deref(start + 4*j)
		if err != nil {
			return err
		}
		e, err := c.table(q)
		if err != nil {
			return err
		}
		if err := each(e); err != nil {
			return err
		}
	}
	return nil
}

func (c *fbChecker) keyValues(t fbTable, i int) error {
	return c.eachTable(t, i, func(kv fbTable) error {
		start, n, err := c.vector(kv, 0, 1)
		if err != nil {
			return err
		}
		if string(c.buf[start:start+n]) == keyFormatVersion {
			c.isShard = true
		}
		_, _, err = c.vector(kv, 1, 1)
		return err
	})
}

// Arrow type union members a shard uses.
const (
	fbTypeInt  = 2
	fbTypeList = 12
)

func (c *fbChecker) arrowField(f fbTable, depth int) error {
	if depth > 8 {
		return fmt.Errorf("%w: columns nested %d deep", errForeign, depth)
	}
	if _, _, err := c.vector(f, 0, 1); err != nil { // name
		return err
	}
	if p := c.field(f, 2); p >= 0 && p < len(c.buf) { // type_type
		if typ := c.buf[p]; typ != fbTypeInt && typ != fbTypeList {
			return fmt.Errorf("%w: column type %d", errForeign, typ)
		}
	}
	if _, _, err := c.child(f, 3); err != nil { // type
		return err
	}
	if c.field(f, 4) >= 0 {
		return fmt.Errorf("%w: dictionary-encoded column", errForeign)
	}
	if err := c.eachTable(f, 5, func(ch fbTable) error { return c.arrowField(ch, depth+1) }); err != nil {
		return err
	}
	return c.keyValues(f, 6)
}

// checkFooter checks a file footer flatbuffer and returns its record batch
// blocks. Damage is wrapped in ErrCorrupt; a sound footer using features a
// shard does not use, in ErrNotShard unless its schema metadata has the
// shard format key.
func checkFooter(buf []byte) ([]fileBlock, error) {
	c := &fbChecker{buf: buf}
	blocks, err := c.footer()
	switch {
	case err == nil:
		return blocks, nil
	case errors.Is(err, errForeign) && !c.isShard:
		return nil, fmt.Errorf("%w: %v", ErrNotShard, err)
	default:
		return nil, fmt.Errorf("%w: footer: %v", ErrCorrupt, err)
	}
}

func (c *fbChecker) footer() ([]fileBlock, error) {
	buf := c.buf
	root, err := c.deref(0)
	if err != nil {
		return nil, err
	}
	footer, err := c.table(root)
	if err != nil {
		return nil, err
	}
	schema, ok, err := c.child(footer, 1)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, errors.New("footer has no schema")
	}
	if err := c.keyValues(schema, 2); err != nil {
		return nil, err
	}
	if err := c.eachTable(schema, 1, func(f fbTable) error { return c.arrowField(f, 0) }); err != nil {
		return nil, err
	}
	if _, _, err := c.vector(schema, 3, 8); err != nil { // features
		return nil, err
	}
	if _, n, err := c.vector(footer, 2, 24); err != nil {
		return nil, err
	} else if n > 0 {
		return nil, fmt.Errorf("%w: %d dictionaries", errForeign, n)
	}
	start, n, err := c.vector(footer, 3, 24)
	if err != nil {
		return nil, err
	}
	blocks := make([]fileBlock, n)
	for i := range blocks {
		b := buf[start+24*i:]
		blocks[i] = fileBlock{
			offset: int64(binary.LittleEndian.Uint64(b)),
			meta:   int32(binary.LittleEndian.Uint32(b[8:])),
			body:   int64(binary.LittleEndian.Uint64(b[16:])),
		}
	}
	return blocks, c.keyValues(footer, 4)
}

// checkMessage checks the metadata of a record batch message and returns
// its row count: meta is the block's metadata bytes, length prefixes
// included.
func checkMessage(meta []byte) (int64, error) {
	prefix := 4
	if len(meta) >= 8 && binary.LittleEndian.Uint32(meta) == 0xFFFFFFFF {
		prefix = 8
	}
	if len(meta) < prefix+4 {
		return 0, fmt.Errorf("message metadata of %d bytes", len(meta))
	}
	c := &fbChecker{buf: meta[prefix:]}
	root, err := c.deref(0)
	if err != nil {
		return 0, err
	}
	msg, err := c.table(root)
	if err != nil {
		return 0, err
	}
	if p := c.field(msg, 1); p < 0 || p >= len(c.buf) || c.buf[p] != 3 { // header_type RecordBatch
		return 0, errors.New("message is not a record batch")
	}
	rb, ok, err := c.child(msg, 2)
	if err != nil {
		return 0, err
	}
	if !ok {
		return 0, errors.New("record batch message has no header")
	}
	for _, f := range []struct{ i, size int }{{1, 16}, {2, 16}, {4, 8}} { // nodes, buffers, variadic counts
		if _, _, err := c.vector(rb, f.i, f.size); err != nil {
			return 0, err
		}
	}
	if _, _, err := c.child(rb, 3); err != nil { // compression
		return 0, err
	}
	if err := c.keyValues(msg, 4); err != nil {
		return 0, err
	}
	p := c.field(rb, 0) // length
	if p < 0 {
		return 0, nil
	}
	if p > len(c.buf)-8 {
		return 0, errors.New("record batch length outside its message")
	}
	return int64(binary.LittleEndian.Uint64(c.buf[p:])), nil
}
