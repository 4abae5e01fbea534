package shards

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/ipc"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/bertline/bertline/pkg/atomicfile"
)

// arrowMagic opens and closes every Arrow IPC file.
const arrowMagic = "ARROW1"

// Reader reads a shard. Next returns the instances in file order and ReadAt
// any one by index; both decode one record batch at a time and keep the
// last one decoded, so sequential access decompresses each batch once.
// Returned instances stay valid after later calls and after Close, unless
// the Reader was opened with ReuseBuffers.
//
// A Reader is not safe for concurrent use; open one per goroutine.
type Reader struct {
	name      string
	meta      Meta
	batchRows int
	len       int

	file   io.Closer
	ra     ipc.ReadAtSeeker
	size   int64
	blocks []fileBlock
	ipc    *ipc.FileReader
	mem    *limitAllocator
	nbatch int

	cur     *batch // last batch decoded, index curIdx
	curIdx  int
	reuse   bool     // ReuseBuffers: decode into cur, return &inst
	inst    Instance // the instance returned with reuse
	next    int
	nextErr error
}

// Open opens the shard at path and checks its footer, schema and metadata
// and its last record batch. Damage is reported as a one-line error that
// names the file and wraps ErrNotShard, ErrCorrupt or ErrVersion.
func Open(path string, opts ...Option) (*Reader, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("shards: %w", err)
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("shards: %w", err)
	}
	r, err := newReader(path, f, st.Size(), f, newOptions(opts))
	if err != nil {
		f.Close()
		return nil, err
	}
	return r, nil
}

// OpenFS is Open for a file of fsys. Files that do not implement io.ReaderAt
// and io.Seeker are read into memory.
func OpenFS(fsys fs.FS, name string, opts ...Option) (*Reader, error) {
	f, err := fsys.Open(name)
	if err != nil {
		return nil, fmt.Errorf("shards: %w", err)
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("shards: %w", err)
	}
	ra, ok := f.(ipc.ReadAtSeeker)
	if !ok {
		data, err := io.ReadAll(f)
		f.Close()
		if err != nil {
			return nil, fmt.Errorf("shards: read %s: %w", name, err)
		}
		ra, f = bytes.NewReader(data), nil
	}
	var closer io.Closer
	if f != nil {
		closer = f
	}
	r, err := newReader(name, ra, st.Size(), closer, newOptions(opts))
	if err != nil {
		if closer != nil {
			closer.Close()
		}
		return nil, err
	}
	return r, nil
}

func newReader(name string, ra ipc.ReadAtSeeker, size int64, closer io.Closer, o options) (*Reader, error) {
	fail := func(err error) error { return &fileError{op: "open", name: name, err: err} }
	head := make([]byte, min(size, int64(len(arrowMagic))))
	if _, err := ra.ReadAt(head, 0); err != nil && err != io.EOF {
		return nil, fmt.Errorf("shards: read %s: %w", name, err)
	}
	switch {
	case size == 0:
		return nil, fail(fmt.Errorf("%w: empty file", ErrNotShard))
	case !strings.HasPrefix(arrowMagic, string(head)):
		return nil, fail(fmt.Errorf("%w: no Arrow file signature", ErrNotShard))
	case len(head) < len(arrowMagic):
		return nil, fail(fmt.Errorf("%w: truncated to %d bytes", ErrCorrupt, size))
	}
	r := &Reader{name: name, file: closer, ra: ra, size: size, mem: &limitAllocator{Allocator: o.mem}, curIdx: -1, reuse: o.reuse}
	if err := r.readFooter(); err != nil {
		return nil, fail(err)
	}
	err := guard(func() error {
		var err error
		r.ipc, err = ipc.NewFileReader(ra, ipc.WithAllocator(r.mem))
		return err
	})
	if err != nil {
		return nil, fail(fmt.Errorf("%w: %v", ErrCorrupt, err))
	}
	if err := guard(r.init); err != nil {
		if !errors.Is(err, ErrNotShard) && !errors.Is(err, ErrVersion) && !errors.Is(err, ErrCorrupt) {
			err = fmt.Errorf("%w: %v", ErrCorrupt, err)
		}
		r.ipc.Close()
		return nil, fail(err)
	}
	return r, nil
}

// init checks metadata and schema and reads the last batch to learn the
// number of rows.
func (r *Reader) init() error {
	s := r.ipc.Schema()
	m, batchRows, err := parseMeta(s.Metadata())
	if err != nil {
		return err
	}
	if want := schemaFor(&m, nil); !sameFields(s, want) {
		return fmt.Errorf("%w: schema %s, want %s", ErrCorrupt, fieldList(s), fieldList(want))
	}
	r.meta, r.batchRows = m, batchRows
	r.nbatch = r.ipc.NumRecords()
	if r.nbatch != len(r.blocks) {
		return fmt.Errorf("%w: footer lists %d record batches, Arrow reads %d", ErrCorrupt, len(r.blocks), r.nbatch)
	}
	if r.nbatch == 0 {
		return nil
	}
	if int64(r.nbatch-1)*int64(batchRows) > maxBatchTokens {
		return fmt.Errorf("%w: %d record batches", ErrCorrupt, r.nbatch)
	}
	b, err := r.load(r.nbatch - 1)
	if err != nil {
		return err
	}
	r.len = (r.nbatch-1)*batchRows + b.rows
	return nil
}

// load returns batch k, decoding it unless it is the cached one.
func (r *Reader) load(k int) (*batch, error) {
	if k == r.curIdx {
		return r.cur, nil
	}
	if err := r.checkBlock(k); err != nil {
		return nil, fmt.Errorf("%w: batch %d: %v", ErrCorrupt, k, err)
	}
	var rec arrow.RecordBatch
	err := guard(func() error {
		var err error
		rec, err = r.ipc.RecordBatchAt(k)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("%w: batch %d: %v", ErrCorrupt, k, err)
	}
	defer rec.Release()
	b := new(batch)
	if r.reuse && r.cur != nil {
		b, r.cur, r.curIdx = r.cur, nil, -1 // overwritten, valid again only if decoded
	}
	if err := guard(func() error { return b.decode(rec, &r.meta) }); err != nil {
		return nil, fmt.Errorf("%w: batch %d: %v", ErrCorrupt, k, err)
	}
	if b.rows > r.batchRows || b.rows == 0 || (k < r.nbatch-1 && b.rows != r.batchRows) {
		return nil, fmt.Errorf("%w: batch %d: %d rows with batch_rows %d", ErrCorrupt, k, b.rows, r.batchRows)
	}
	r.cur, r.curIdx = b, k
	return b, nil
}

// readFooter checks the file's trailer and footer flatbuffer before Arrow
// parses them (see fbcheck.go).
func (r *Reader) readFooter() error {
	const trailer = 4 + len(arrowMagic) // footer length, magic
	if r.size < int64(8+trailer) {
		return fmt.Errorf("%w: truncated to %d bytes", ErrCorrupt, r.size)
	}
	tail := make([]byte, trailer)
	if _, err := r.ra.ReadAt(tail, r.size-int64(trailer)); err != nil {
		return fmt.Errorf("%w: %v", ErrCorrupt, err)
	}
	if string(tail[4:]) != arrowMagic {
		return fmt.Errorf("%w: no Arrow signature at the end (truncated?)", ErrCorrupt)
	}
	n := int64(binary.LittleEndian.Uint32(tail))
	if n <= 0 || n > r.size-int64(8+trailer) {
		return fmt.Errorf("%w: footer length %d in a file of %d bytes", ErrCorrupt, n, r.size)
	}
	footer := make([]byte, n)
	if _, err := r.ra.ReadAt(footer, r.size-int64(trailer)-n); err != nil {
		return fmt.Errorf("%w: %v", ErrCorrupt, err)
	}
	var err error
	if r.blocks, err = checkFooter(footer); err != nil {
		return err
	}
	return r.checkLayout(r.size - int64(trailer) - n)
}

// checkLayout requires the footer's blocks to tile the file between the
// leading schema message and the end-of-stream marker before the footer,
// so that a damaged footer cannot silently drop record batches.
func (r *Reader) checkLayout(footerAt int64) error {
	var head [16]byte
	if _, err := r.ra.ReadAt(head[:], 0); err != nil {
		return fmt.Errorf("%w: %v", ErrCorrupt, err)
	}
	if binary.LittleEndian.Uint32(head[8:]) != 0xFFFFFFFF {
		return fmt.Errorf("%w: no schema message after the signature", ErrCorrupt)
	}
	at := 16 + int64(binary.LittleEndian.Uint32(head[12:]))
	for i, b := range r.blocks {
		if b.offset != at || b.meta < 0 || b.body < 0 {
			return fmt.Errorf("%w: footer block %d at %d, want %d", ErrCorrupt, i, b.offset, at)
		}
		at += int64(b.meta) + b.body
		if at > footerAt {
			return fmt.Errorf("%w: footer block %d ends past the footer", ErrCorrupt, i)
		}
	}
	var eos [8]byte
	if at+8 != footerAt {
		return fmt.Errorf("%w: %d bytes between the last block and the footer, want 8", ErrCorrupt, footerAt-at)
	}
	if _, err := r.ra.ReadAt(eos[:], at); err != nil {
		return fmt.Errorf("%w: %v", ErrCorrupt, err)
	}
	if binary.LittleEndian.Uint64(eos[:]) != 0xFFFFFFFF {
		return fmt.Errorf("%w: no end-of-stream marker before the footer", ErrCorrupt)
	}
	return nil
}

// checkBlock checks the metadata of batch k's message before Arrow reads it
// and sets the allocation limit for its rows.
func (r *Reader) checkBlock(k int) error {
	b := r.blocks[k]
	if b.offset < 8 || b.meta < 8 || int64(b.meta) > r.size || b.offset > r.size-int64(b.meta) {
		return fmt.Errorf("block at %d with %d bytes of metadata outside %d bytes", b.offset, b.meta, r.size)
	}
	meta := make([]byte, b.meta)
	if _, err := r.ra.ReadAt(meta, b.offset); err != nil {
		return err
	}
	rows, err := checkMessage(meta)
	if err != nil {
		return err
	}
	if rows < 1 || rows > int64(r.batchRows) {
		return fmt.Errorf("%d rows with batch_rows %d", rows, r.batchRows)
	}
	// The batch's body and each decompressed buffer are smaller than this;
	// a damaged length asking for more fails the batch instead of
	// exhausting memory.
	r.mem.limit = 16*(rows+1)*int64(r.meta.MaxSeqLen+1) + 1<<16
	return nil
}

// Meta returns the shard's metadata.
func (r *Reader) Meta() Meta { return r.meta }

// Len returns the number of instances in the shard.
func (r *Reader) Len() int { return r.len }

// Next returns the next instance in file order, or io.EOF after the last.
// After an error Next keeps returning it.
func (r *Reader) Next() (*Instance, error) {
	if r.nextErr != nil {
		return nil, r.nextErr
	}
	if r.next >= r.len {
		return nil, io.EOF
	}
	inst, err := r.ReadAt(r.next)
	if err != nil {
		r.nextErr = err
		return nil, err
	}
	r.next++
	return inst, nil
}

// ReadAt returns instance i (0-based), decoding its record batch unless it
// is the one last decoded. It does not move Next's position.
func (r *Reader) ReadAt(i int) (*Instance, error) {
	if r.ipc == nil {
		return nil, fmt.Errorf("shards: read %s: reader is closed", r.name)
	}
	if i < 0 || i >= r.len {
		return nil, fmt.Errorf("shards: read %s: index %d out of range [0, %d)", r.name, i, r.len)
	}
	b, err := r.load(i / r.batchRows)
	if err != nil {
		return nil, &fileError{op: "read", name: r.name, err: err}
	}
	if r.reuse {
		b.instanceInto(&r.inst, i%r.batchRows)
		return &r.inst, nil
	}
	return b.instance(i % r.batchRows), nil
}

// Close releases the file. Instances already returned stay valid.
func (r *Reader) Close() error {
	if r.ipc == nil {
		return nil
	}
	r.ipc.Close()
	r.ipc, r.cur, r.curIdx = nil, nil, -1
	if r.file != nil {
		if err := r.file.Close(); err != nil {
			return fmt.Errorf("shards: close %s: %w", r.name, err)
		}
	}
	return nil
}

// Verify opens every *.arrow file at the top of fsys and reads all its
// rows. It returns nil when all are sound (or there are none), otherwise
// the errors.Join of one error per bad file.
func Verify(fsys fs.FS) error {
	entries, err := fs.ReadDir(fsys, ".")
	if err != nil {
		return fmt.Errorf("shards: verify: %w", err)
	}
	var errs []error
	for _, e := range entries {
		if !e.Type().IsRegular() || !strings.HasSuffix(e.Name(), ".arrow") || atomicfile.IsTemp(e.Name()) {
			continue
		}
		if err := verifyFile(fsys, e.Name()); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

func verifyFile(fsys fs.FS, name string) error {
	r, err := OpenFS(fsys, name)
	if err != nil {
		return err
	}
	defer r.Close()
	for {
		if _, err := r.Next(); err == io.EOF {
			return nil
		} else if err != nil {
			return err
		}
	}
}

// fileError is a damaged-file error on one line: "op name: sentinel: detail".
type fileError struct {
	op, name string
	err      error
}

func (e *fileError) Error() string {
	msg := e.op + " " + e.name + ": " + e.err.Error()
	return strings.Join(strings.Fields(msg), " ")
}

func (e *fileError) Unwrap() error { return e.err }

// guard runs f and turns a panic inside Arrow's decoding of damaged bytes
// into an error.
func guard(f func() error) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("%v", p)
		}
	}()
	return f()
}

// limitAllocator refuses allocations above limit (when set) by panicking,
// which guard turns into an error: a flipped bit in a length field then
// fails one batch instead of exhausting memory.
type limitAllocator struct {
	memory.Allocator
	limit int64
}

func (a *limitAllocator) Allocate(size int) []byte {
	a.check(size)
	return a.Allocator.Allocate(size)
}

func (a *limitAllocator) Reallocate(size int, b []byte) []byte {
	a.check(size)
	return a.Allocator.Reallocate(size, b)
}

func (a *limitAllocator) check(size int) {
	if a.limit > 0 && int64(size) > a.limit {
		panic(fmt.Sprintf("buffer of %d bytes exceeds the %d bytes a batch can need", size, a.limit))
	}
}

// sameFields compares names, types and nullability, ignoring metadata.
func sameFields(got, want *arrow.Schema) bool {
	if got.NumFields() != want.NumFields() {
		return false
	}
	for i := range got.NumFields() {
		g, w := got.Field(i), want.Field(i)
		if g.Name != w.Name || g.Nullable != w.Nullable || !arrow.TypeEqual(g.Type, w.Type) {
			return false
		}
	}
	return true
}

func fieldList(s *arrow.Schema) string {
	parts := make([]string, s.NumFields())
	for i, f := range s.Fields() {
		parts[i] = f.Name + ":" + f.Type.String()
		if f.Nullable {
			parts[i] += "?"
		}
	}
	return "(" + strings.Join(parts, ", ") + ")"
}
