package books

import (
	"bytes"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/arrow-go/v18/parquet"
	"github.com/apache/arrow-go/v18/parquet/pqarrow"
)

// parquetRows are the rows of parquetBytes that hold the fixture's books;
// row 2 has a null text.
var parquetRows = []int{0, 1, 3, 4, 5}

// parquetBytes writes the fixture as a Parquet file with columns id
// (int64), title and text (string, or large_string if large), rowGroup
// rows to a row group.
func parquetBytes(t *testing.T, large bool, rowGroup int64) []byte {
	t.Helper()
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)

	textType := arrow.DataType(arrow.BinaryTypes.String)
	if large {
		textType = arrow.BinaryTypes.LargeString
	}
	schema := arrow.NewSchema([]arrow.Field{
		{Name: "id", Type: arrow.PrimitiveTypes.Int64},
		{Name: "title", Type: arrow.BinaryTypes.String, Nullable: true},
		{Name: "text", Type: textType, Nullable: true},
	}, nil)
	b := array.NewRecordBuilder(mem, schema)
	defer b.Release()
	type appender interface {
		Append(string)
		AppendNull()
	}
	ids := b.Field(0).(*array.Int64Builder)
	titles := b.Field(1).(*array.StringBuilder)
	texts := b.Field(2).(appender)
	for i, book := range fixture {
		if i == 2 {
			ids.Append(-1)
			titles.Append("null book")
			texts.AppendNull()
		}
		ids.Append(int64(i))
		titles.Append(book.name)
		texts.Append(book.text)
	}
	rec := b.NewRecordBatch()
	defer rec.Release()

	var buf bytes.Buffer
	props := parquet.NewWriterProperties(parquet.WithMaxRowGroupLength(rowGroup), parquet.WithAllocator(mem))
	w, err := pqarrow.NewFileWriter(schema, &buf, props, pqarrow.NewArrowWriterProperties(pqarrow.WithStoreSchema(), pqarrow.WithAllocator(mem)))
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Write(rec); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}
