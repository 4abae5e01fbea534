package shards

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"sync"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/klauspost/compress/zstd"

	"github.com/bertline/bertline/pkg/atomicfile"
	"github.com/bertline/bertline/pkg/version"
)

// DefaultBatchRows is the number of rows per record batch: 4,096 instances
// of 128 tokens are about 2 MB before compression.
const DefaultBatchRows = 4096

// Option configures a Writer or Reader.
type Option func(*options)

type options struct {
	batchRows int
	mem       memory.Allocator
	zstdLevel zstd.EncoderLevel // 0: uncompressed
	reuse     bool
}

// WithBatchRows sets the rows per record batch a Writer writes (default
// DefaultBatchRows). Readers take it from the file and ignore this option.
func WithBatchRows(n int) Option { return func(o *options) { o.batchRows = n } }

// WithAllocator sets the allocator of Arrow buffers (default Go's heap), as
// memory.NewCheckedAllocator in tests.
func WithAllocator(mem memory.Allocator) Option { return func(o *options) { o.mem = mem } }

// Uncompressed makes a Writer store record batches without zstd: for
// intermediate files that are read once soon after, where compression costs
// more than the disk it saves. Readers handle both.
func Uncompressed() Option { return func(o *options) { o.zstdLevel = 0 } }

// WithZstdLevel sets the zstd level of a Writer's record batches (default
// DefaultZstdLevel): zstd.SpeedDefault and above make smaller files,
// slower. The bytes a Writer writes depend on the level. Readers ignore it.
func WithZstdLevel(level zstd.EncoderLevel) Option {
	return func(o *options) {
		if level >= zstd.SpeedFastest && level <= zstd.SpeedBestCompression {
			o.zstdLevel = level
		}
	}
}

// ReuseBuffers makes a Reader decode every record batch into the same
// buffers and return the same *Instance each time, so that reading a shard
// allocates next to nothing: an instance is then valid only until the next
// call of Next or ReadAt. For readers that copy each instance at once.
// Writers ignore it.
func ReuseBuffers() Option { return func(o *options) { o.reuse = true } }

func newOptions(opts []Option) options {
	o := options{batchRows: DefaultBatchRows, zstdLevel: DefaultZstdLevel}
	for _, f := range opts {
		f(&o)
	}
	if o.mem == nil {
		o.mem = memory.NewGoAllocator()
	}
	return o
}

// Writer writes one shard file: instances are buffered into record batches
// of batch_rows rows, zstd-compressed and appended to a temporary file that
// Close renames to the destination, so that a shard either exists whole or
// not at all. Equal metadata and instances give byte-identical files.
//
// A Writer is not safe for concurrent use; to write from several
// goroutines, give each shard its own Writer.
type Writer struct {
	path      string
	meta      Meta
	static    bool
	batchRows int
	mem       memory.Allocator
	schema    *arrow.Schema

	file *atomicfile.File
	buf  *bufio.Writer
	ipc  *ipcFile

	pending *batch // from batchPool; returned by Close and Abort
	count   int
	err     error // sticky write error
	done    bool
}

// Create starts a shard at path with the given metadata; an empty
// meta.ToolVersion is replaced by this build's version. The directory must
// exist.
func Create(path string, meta Meta, opts ...Option) (*Writer, error) {
	o := newOptions(opts)
	if meta.ToolVersion == "" {
		meta.ToolVersion = version.String()
	}
	if err := meta.validate(o.batchRows); err != nil {
		return nil, fmt.Errorf("shards: create %s: %w", path, err)
	}
	md := meta.metadata(o.batchRows)
	w := &Writer{
		path:      path,
		meta:      meta,
		static:    meta.Masking == MaskingStatic,
		batchRows: o.batchRows,
		mem:       o.mem,
		schema:    schemaFor(&meta, &md),
	}
	f, err := atomicfile.Create(path)
	if err != nil {
		return nil, fmt.Errorf("shards: %w", err)
	}
	w.file = f
	w.buf = getBufio(f)
	w.ipc, err = newIPCFile(w.buf, w.schema, o.zstdLevel)
	if err != nil {
		w.releaseFile()
		f.Abort()
		return nil, fmt.Errorf("shards: create %s: %w", path, err)
	}
	w.pending = getBatch()
	return w, nil
}

// batchPool keeps the buffers of closed Writers' batches, so that a process
// writing many files does not grow new ones for each.
var batchPool sync.Pool

func getBatch() *batch {
	b, ok := batchPool.Get().(*batch)
	if !ok {
		b = new(batch)
	}
	b.reset()
	return b
}

// bufioPool keeps the 1 MiB file buffers of closed Writers.
var bufioPool sync.Pool

func getBufio(f io.Writer) *bufio.Writer {
	if b, ok := bufioPool.Get().(*bufio.Writer); ok {
		b.Reset(f)
		return b
	}
	return bufio.NewWriterSize(f, 1<<20)
}

// release returns the pending batch's buffers to the pool.
func (w *Writer) release() {
	if w.pending != nil {
		batchPool.Put(w.pending)
		w.pending = nil
	}
}

// releaseFile returns the file buffer to the pool, unflushed bytes dropped.
func (w *Writer) releaseFile() {
	if w.buf != nil {
		w.buf.Reset(nil)
		bufioPool.Put(w.buf)
		w.buf = nil
	}
}

// Write appends inst. An instance that breaks the metadata's limits (length
// over max_seq_len, id outside the vocabulary, masked positions not
// increasing or more than max_predictions, masked ids with dynamic masking)
// is rejected with an error and the Writer stays usable; an I/O error is
// returned again by every later call.
func (w *Writer) Write(inst *Instance) error {
	if w.err != nil {
		return w.err
	}
	if w.done {
		return fmt.Errorf("shards: write %s: writer is closed", w.path)
	}
	if err := w.add(inst); err != nil {
		return fmt.Errorf("shards: write %s: instance %d: %w", w.path, w.count, err)
	}
	w.count++
	if w.pending.rows == w.batchRows {
		if err := w.flush(); err != nil {
			w.err = fmt.Errorf("shards: write %s: %w", w.path, err)
			return w.err
		}
	}
	return nil
}

func (w *Writer) add(inst *Instance) error {
	switch {
	case inst == nil:
		return errors.New("nil instance")
	case len(inst.InputIDs) > w.meta.MaxSeqLen:
		return fmt.Errorf("%d input ids exceed max_seq_len %d", len(inst.InputIDs), w.meta.MaxSeqLen)
	case inst.ALength < 0 || inst.ALength > len(inst.InputIDs):
		return fmt.Errorf("a_length %d out of range [0, %d]", inst.ALength, len(inst.InputIDs))
	case len(inst.MaskedIDs) != len(inst.MaskedPositions):
		return fmt.Errorf("%d masked ids for %d masked positions", len(inst.MaskedIDs), len(inst.MaskedPositions))
	case len(inst.MaskedPositions) > w.meta.MaxPredictions:
		return fmt.Errorf("%d masked positions exceed max_predictions %d", len(inst.MaskedPositions), w.meta.MaxPredictions)
	}
	r := w.pending.rows
	w.pending.add(inst)
	if err := w.pending.checkRow(r, &w.meta); err != nil {
		w.pending.truncate(r)
		return err
	}
	return nil
}

func (w *Writer) flush() error {
	if w.pending.rows == 0 {
		return nil
	}
	nodes, bufs := w.pending.layout(w.schema, w.static)
	err := w.ipc.writeBatch(int64(w.pending.rows), nodes, bufs, w.pending.metadata(w.static))
	w.pending.reset()
	return err
}

// Count returns the number of instances written so far.
func (w *Writer) Count() int { return w.count }

// Close writes the remaining rows and the file footer, then renames the
// temporary file to the destination. On error nothing is left at the
// destination (an older file there is kept).
func (w *Writer) Close() error {
	if w.done {
		return fmt.Errorf("shards: close %s: writer is closed", w.path)
	}
	w.done = true
	if w.err != nil {
		w.discard()
		return w.err
	}
	err := w.flush()
	w.release()
	if err == nil {
		err = w.ipc.close()
	}
	if err == nil {
		err = w.buf.Flush()
	}
	w.releaseFile()
	if err != nil {
		w.file.Abort()
		return fmt.Errorf("shards: write %s: %w", w.path, err)
	}
	if err := w.file.Commit(); err != nil {
		return fmt.Errorf("shards: %w", err)
	}
	return nil
}

// Abort discards the shard. It is a no-op after Close, so it can be
// deferred unconditionally.
func (w *Writer) Abort() {
	if w.done {
		return
	}
	w.done = true
	w.discard()
}

func (w *Writer) discard() {
	w.release()
	w.releaseFile()
	w.file.Abort()
}
