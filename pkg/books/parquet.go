package books

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strconv"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/arrow-go/v18/parquet"
	"github.com/apache/arrow-go/v18/parquet/file"
	"github.com/apache/arrow-go/v18/parquet/pqarrow"
)

// parquetBatch is the number of rows decoded at a time. Books run to about
// a megabyte, so a batch holds tens of megabytes.
const parquetBatch = 32

// parquet walks a Parquet file row group by row group, decoding only the
// text and title columns, parquetBatch rows at a time, with buffers from
// mem.
func (w *walker) parquet(mem memory.Allocator) error {
	f, err := os.Open(w.src)
	if err != nil {
		return fmt.Errorf("books: %w", err)
	}
	props := parquet.NewReaderProperties(mem)
	props.BufferedStreamEnabled = true // read pages as needed, not whole column chunks
	pf, err := file.NewParquetReader(f, file.WithReadProps(props))
	if err != nil {
		f.Close()
		return fmt.Errorf("books: %s: %w", w.src, err)
	}
	defer pf.Close() // closes f
	fr, err := pqarrow.NewFileReader(pf, pqarrow.ArrowReadProperties{BatchSize: parquetBatch}, mem)
	if err != nil {
		return fmt.Errorf("books: %s: %w", w.src, err)
	}
	sc, err := fr.Schema()
	if err != nil {
		return fmt.Errorf("books: %s: %w", w.src, err)
	}
	text, err := textLeaf(fr, sc, w.opt.TextColumn)
	if err != nil {
		return fmt.Errorf("books: %s: %w", w.src, err)
	}
	cols := []int{text}
	titleCol := -1 // index of the title in a record batch
	if w.opt.TitleColumn != "" {
		title, err := textLeaf(fr, sc, w.opt.TitleColumn)
		if err != nil {
			return fmt.Errorf("books: %s: title: %w", w.src, err)
		}
		titleCol = 0
		if title != text {
			cols, titleCol = append(cols, title), 1
		}
	}

	w.st.Files++
	base := filepath.Base(w.src)
	row := 0
	for rg := range pf.NumRowGroups() {
		if err := w.rowGroup(fr, rg, cols, titleCol, base, &row); err != nil {
			return err
		}
	}
	return nil
}

// rowGroup passes the books of row group rg to fn: text from the first of
// cols, Name from record column titleCol if it is not -1. *row counts rows
// across row groups.
func (w *walker) rowGroup(fr *pqarrow.FileReader, rg int, cols []int, titleCol int, base string, row *int) error {
	rr, err := fr.GetRecordReader(w.ctx, cols, []int{rg})
	if err != nil {
		return fmt.Errorf("books: %s: row group %d: %w", w.src, rg, err)
	}
	defer rr.Release()
	for rr.Next() {
		rec := rr.RecordBatch()
		texts := values(rec.Column(0))
		var titles func(int) []byte
		if titleCol >= 0 {
			titles = values(rec.Column(titleCol))
		}
		for i := range int(rec.NumRows()) {
			n := *row
			*row++
			if rec.Column(0).IsNull(i) {
				continue
			}
			name := base + ":" + strconv.Itoa(n)
			if titles != nil && rec.Column(titleCol).IsValid(i) {
				name = string(titles(i))
			}
			if err := w.emit(name, texts(i)); err != nil {
				return err
			}
		}
	}
	if err := rr.Err(); err != nil {
		return fmt.Errorf("books: %s: row group %d: %w", w.src, rg, err)
	}
	return nil
}

// textLeaf returns the leaf column index of the top-level text field name.
func textLeaf(fr *pqarrow.FileReader, sc *arrow.Schema, name string) (int, error) {
	idx := sc.FieldIndices(name)
	if len(idx) == 0 {
		return 0, fmt.Errorf("%w: no column %q (have %v)", ErrNoColumn, name, fieldNames(sc))
	}
	field := sc.Field(idx[0])
	switch field.Type.ID() {
	case arrow.STRING, arrow.LARGE_STRING, arrow.STRING_VIEW, arrow.BINARY, arrow.LARGE_BINARY, arrow.BINARY_VIEW:
	default:
		return 0, fmt.Errorf("%w: column %q is %s, not string", ErrNoColumn, name, field.Type)
	}
	leaf := fr.Manifest.Fields[idx[0]].ColIndex
	if leaf < 0 {
		return 0, fmt.Errorf("%w: column %q is not a leaf column", ErrNoColumn, name)
	}
	return leaf, nil
}

func fieldNames(sc *arrow.Schema) []string {
	var names []string
	for _, f := range sc.Fields() {
		names = append(names, f.Name)
	}
	return names
}

// values returns a function that copies element i of a string or binary
// array out of its Arrow buffers.
func values(a arrow.Array) func(int) []byte {
	switch a := a.(type) {
	case *array.String:
		return func(i int) []byte { return []byte(a.Value(i)) }
	case *array.LargeString:
		return func(i int) []byte { return []byte(a.Value(i)) }
	case *array.StringView:
		return func(i int) []byte { return []byte(a.Value(i)) }
	case *array.Binary:
		return func(i int) []byte { return bytes.Clone(a.Value(i)) }
	case *array.LargeBinary:
		return func(i int) []byte { return bytes.Clone(a.Value(i)) }
	case *array.BinaryView:
		return func(i int) []byte { return bytes.Clone(a.Value(i)) }
	}
	// textLeaf admits only the types above.
	return func(int) []byte { return nil }
}
