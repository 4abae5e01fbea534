package books

import (
	"archive/tar"
	"archive/zip"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/klauspost/compress/gzip"
	"github.com/klauspost/compress/zstd"
)

// The books every source form of the fixture holds, in walk order. "b.txt"
// sorts before "b/c.txt" as a path, although a directory listing puts the
// directory "b" first.
var fixture = []struct{ name, text string }{
	{"a.txt", "*** START OF THE PROJECT GUTENBERG EBOOK A ***\r\n\r\nBook A, line one,\r\nline two.\r\n"},
	{"b.txt", "Book B: caf\u00e9, \u00fcber, \u65e5\u672c.\n\n\tIndented.\n"},
	{"b/c.txt", "Book C.\n" + strings.Repeat("More of book C. ", 40) + "\n"},
	{"z/y/x.txt", ""},
	{"zz.TXT", "Book ZZ, upper-case extension.\n"},
}

// Files that are not books; Walk skips and counts them.
var notBooks = []struct{ name, text string }{
	{"README.md", "# corpus\n"},
	{"b/cover.jpg", "\xFF\xD8\xFF\xE0 not really a JPEG"},
}

// want is the fixture as Walk should deliver it, named by name(i).
func want(name func(i int) string) []Book {
	var out []Book
	for i, b := range fixture {
		out = append(out, Book{Name: name(i), Text: []byte(b.text)})
	}
	return out
}

func fixtureNames(i int) string { return fixture[i].name }

// all collects what Walk delivers.
func all(t *testing.T, src string, opt Options) ([]Book, Stats, error) {
	t.Helper()
	var got []Book
	var st Stats
	err := Walk(context.Background(), src, opt, &st, func(b Book) error {
		got = append(got, b)
		return nil
	})
	return got, st, err
}

func sameBooks(t *testing.T, src string, got, want []Book) {
	t.Helper()
	if len(got) != len(want) {
		t.Errorf("%s: got %d books, want %d:\n%s", src, len(got), len(want), names(got))
		return
	}
	for i := range got {
		if got[i].Name != want[i].Name || !bytes.Equal(got[i].Text, want[i].Text) {
			t.Errorf("%s: book %d = %q %q, want %q %q", src, i, got[i].Name, got[i].Text, want[i].Name, want[i].Text)
		}
	}
}

func names(bs []Book) string {
	var s []string
	for _, b := range bs {
		s = append(s, b.Name)
	}
	return strings.Join(s, "\n")
}

type entry struct {
	name, text string
}

// archiveFiles lists fixture books and non-books in archive order: the
// i-th non-book before the i-th book.
func archiveFiles() []entry {
	var out []entry
	for i, b := range fixture {
		if i < len(notBooks) {
			out = append(out, entry(notBooks[i]))
		}
		out = append(out, entry(b))
	}
	return out
}

func writeFile(t testing.TB, path string, data []byte) string {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// tarBytes writes headers and bodies as a tar archive.
func tarBytes(t testing.TB, entries ...tarEntry) []byte {
	t.Helper()
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	for _, e := range entries {
		h := e.hdr
		if h.Typeflag == 0 {
			h.Typeflag = tar.TypeReg
		}
		if h.Typeflag == tar.TypeReg {
			h.Size = int64(len(e.body))
		}
		if h.Mode == 0 {
			h.Mode = 0o644
		}
		if err := tw.WriteHeader(&h); err != nil {
			t.Fatal(err)
		}
		if _, err := io.WriteString(tw, e.body); err != nil {
			t.Fatal(err)
		}
	}
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

type tarEntry struct {
	hdr  tar.Header
	body string
}

func reg(name, body string) tarEntry {
	return tarEntry{tar.Header{Name: name}, body}
}

func fixtureTar(t *testing.T) []byte {
	entries := []tarEntry{{tar.Header{Name: "b/", Typeflag: tar.TypeDir, Mode: 0o755}, ""}}
	for _, f := range archiveFiles() {
		entries = append(entries, reg(f.name, f.text))
	}
	return tarBytes(t, entries...)
}

func gzipBytes(t testing.TB, data []byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw, err := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	if err != nil {
		t.Fatal(err)
	}
	zw.Write(data)
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func zstdBytes(t testing.TB, data []byte) []byte {
	t.Helper()
	zw, err := zstd.NewWriter(nil, zstd.WithEncoderConcurrency(1))
	if err != nil {
		t.Fatal(err)
	}
	defer zw.Close()
	return zw.EncodeAll(data, nil)
}

type zipEntry struct {
	name, body string
	mode       fs.FileMode
	method     uint16
}

func zipBytes(t testing.TB, entries ...zipEntry) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, e := range entries {
		h := &zip.FileHeader{Name: e.name, Method: e.method}
		if e.method == 0 {
			h.Method = zip.Deflate
		}
		if e.method == 0xFFFF {
			h.Method = zip.Store
		}
		if e.mode != 0 {
			h.SetMode(e.mode)
		}
		w, err := zw.CreateHeader(h)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := io.WriteString(w, e.body); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func fixtureZip(t *testing.T) []byte {
	entries := []zipEntry{{name: "b/", mode: fs.ModeDir | 0o755}}
	for _, f := range archiveFiles() {
		entries = append(entries, zipEntry{name: f.name, body: f.text})
	}
	return zipBytes(t, entries...)
}

// fixtureJSONL holds the fixture one book a line, with a null text, a
// blank line and an extra field in between: books are on lines 1, 2, 5, 6
// and 7.
func fixtureJSONL(t *testing.T) []byte {
	t.Helper()
	var buf bytes.Buffer
	enc := func(v any) {
		b, err := json.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		buf.Write(b)
		buf.WriteByte('\n')
	}
	for i, b := range fixture {
		if i == 2 {
			enc(map[string]any{"text": nil, "title": "null book"})
			buf.WriteString("  \n")
		}
		enc(map[string]any{"title": b.name, "text": b.text, "id": i})
	}
	return buf.Bytes()
}

var jsonlLines = []int{1, 2, 5, 6, 7}

// TestWalkForms checks that every source form yields the fixture's books in
// the fixture's order.
func TestWalkForms(t *testing.T) {
	dir := t.TempDir()
	tree := filepath.Join(dir, "tree")
	for _, f := range archiveFiles() {
		writeFile(t, filepath.Join(tree, filepath.FromSlash(f.name)), []byte(f.text))
	}
	tarData := fixtureTar(t)
	jsonl := fixtureJSONL(t)
	byName := want(fixtureNames)
	byLine := func(file string) []Book {
		return want(func(i int) string { return fmt.Sprintf("%s:%d", file, jsonlLines[i]) })
	}
	for _, tt := range []struct {
		file string
		data []byte
		opt  Options
		want []Book
	}{
		{"tree", nil, Options{}, byName},
		{"books.tar", tarData, Options{}, byName},
		{"books.tar.gz", gzipBytes(t, tarData), Options{}, byName},
		{"books.tgz", gzipBytes(t, tarData), Options{}, byName},
		{"books.tar.bz2", bzip2Compress(tarData), Options{}, byName},
		{"books.tar.zst", zstdBytes(t, tarData), Options{}, byName},
		{"books.zip", fixtureZip(t), Options{}, byName},
		{"books.jsonl", jsonl, Options{}, byLine("books.jsonl")},
		{"books.jsonl.gz", gzipBytes(t, jsonl), Options{}, byLine("books.jsonl.gz")},
		{"books.jsonl.zst", zstdBytes(t, jsonl), Options{}, byLine("books.jsonl.zst")},
		{"books.jsonl", jsonl, Options{TitleColumn: "title"}, byName},
		{"books.parquet", parquetBytes(t, false, 2), Options{}, want(func(i int) string { return fmt.Sprintf("books.parquet:%d", parquetRows[i]) })},
		{"books.parquet", parquetBytes(t, true, 3), Options{TitleColumn: "title"}, byName},
	} {
		src := filepath.Join(dir, tt.file)
		if tt.data != nil {
			writeFile(t, src, tt.data)
		}
		got, st, err := all(t, src, tt.opt)
		if err != nil {
			t.Errorf("Walk(%s): %v", tt.file, err)
			continue
		}
		sameBooks(t, tt.file, got, tt.want)
		if st.Books != len(fixture) || st.Bytes != fixtureBytes() {
			t.Errorf("%s: stats %+v, want %d books of %d bytes", tt.file, st, len(fixture), fixtureBytes())
		}
	}
}

func fixtureBytes() int64 {
	var n int64
	for _, b := range fixture {
		n += int64(len(b.text))
	}
	return n
}

func TestWalkStats(t *testing.T) {
	dir := t.TempDir()
	tree := filepath.Join(dir, "tree")
	for _, f := range archiveFiles() {
		writeFile(t, filepath.Join(tree, filepath.FromSlash(f.name)), []byte(f.text))
	}
	forms := map[string][]byte{
		"tree":         nil,
		"books.tar.gz": gzipBytes(t, fixtureTar(t)),
		"books.zip":    fixtureZip(t),
	}
	for file, data := range forms {
		src := filepath.Join(dir, file)
		if data != nil {
			writeFile(t, src, data)
		}
		_, st, err := all(t, src, Options{})
		want := Stats{Files: len(fixture), Books: len(fixture), SkippedFiles: len(notBooks), Bytes: fixtureBytes()}
		if err != nil || st != want {
			t.Errorf("%s: stats %+v, %v; want %+v", file, st, err, want)
		}
	}
	one := writeFile(t, filepath.Join(dir, "one.txt"), []byte("text"))
	got, st, err := all(t, one, Options{})
	if err != nil || len(got) != 1 || got[0].Name != "one.txt" || string(got[0].Text) != "text" ||
		st != (Stats{Files: 1, Books: 1, Bytes: 4}) {
		t.Errorf("one.txt: %v %+v %v", got, st, err)
	}
}

// TestArchiveRefused checks that entries which could escape an extraction
// directory or are not plain files stop the walk, naming archive and entry,
// after the books before them and before the ones after.
func TestArchiveRefused(t *testing.T) {
	dir := t.TempDir()
	tarCases := []tarEntry{
		reg("../evil.txt", "x"),
		reg("books/../../evil.txt", "x"),
		reg("/etc/evil.txt", "x"),
		reg(`..\evil.txt`, "x"),
		reg(`C:/evil.txt`, "x"),
		{tar.Header{Name: "link.txt", Typeflag: tar.TypeSymlink, Linkname: "/etc/passwd"}, ""},
		{tar.Header{Name: "hard.txt", Typeflag: tar.TypeLink, Linkname: "first.txt"}, ""},
		{tar.Header{Name: "null.txt", Typeflag: tar.TypeChar, Devmajor: 1, Devminor: 3}, ""},
		{tar.Header{Name: "sda.txt", Typeflag: tar.TypeBlock, Devmajor: 8}, ""},
		{tar.Header{Name: "fifo.txt", Typeflag: tar.TypeFifo}, ""},
		{tar.Header{Name: "link.md", Typeflag: tar.TypeSymlink, Linkname: "../../x"}, ""},
	}
	for i, bad := range tarCases {
		for _, ext := range []string{".tar", ".tar.zst"} {
			data := tarBytes(t, reg("first.txt", "first"), bad, reg("last.txt", "last"))
			if ext == ".tar.zst" {
				data = zstdBytes(t, data)
			}
			src := writeFile(t, filepath.Join(dir, fmt.Sprintf("bad%d%s", i, ext)), data)
			checkRefused(t, src, bad.hdr.Name)
		}
	}
	zipCases := []zipEntry{
		{name: "../evil.txt"},
		{name: "/evil.txt"},
		{name: `a\..\..\evil.txt`},
		{name: "link.txt", body: "/etc/passwd", mode: fs.ModeSymlink | 0o777},
		{name: "dev.txt", mode: fs.ModeDevice | fs.ModeCharDevice | 0o666},
		{name: "blk.txt", mode: fs.ModeDevice | 0o666},
		{name: "fifo.txt", mode: fs.ModeNamedPipe | 0o666},
	}
	for i, bad := range zipCases {
		data := zipBytes(t, zipEntry{name: "first.txt", body: "first"}, bad, zipEntry{name: "last.txt", body: "last"})
		src := writeFile(t, filepath.Join(dir, fmt.Sprintf("bad%d.zip", i)), data)
		checkRefused(t, src, bad.name)
	}
}

func checkRefused(t *testing.T, src, entry string) {
	t.Helper()
	got, _, err := all(t, src, Options{})
	if !errors.Is(err, ErrUnsafeEntry) {
		t.Errorf("%s with entry %q: err = %v, want ErrUnsafeEntry", filepath.Base(src), entry, err)
		return
	}
	if msg := err.Error(); !strings.Contains(msg, src) || !strings.Contains(msg, fmt.Sprintf("%q", entry)) || strings.Contains(msg, "\n") {
		t.Errorf("error %q does not name %s and %q on one line", msg, src, entry)
	}
	if len(got) != 1 || got[0].Name != "first.txt" {
		t.Errorf("%s: delivered %q, want only first.txt", filepath.Base(src), names(got))
	}
}

// TestBomb checks that decompression stops at MaxBytes, whatever the
// compression ratio.
func TestBomb(t *testing.T) {
	dir := t.TempDir()
	const size, limit = 4 << 20, 64 << 10
	zeros := string(make([]byte, size))

	zipData := zipBytes(t, zipEntry{name: "ok.txt", body: "fine"}, zipEntry{name: "zeros.txt", body: zeros})
	if ratio := size / len(zipData); ratio < 900 {
		t.Fatalf("zip bomb compresses only %d:1", ratio)
	}
	tgzData := gzipBytes(t, tarBytes(t, reg("ok.txt", "fine"), reg("zeros.txt", zeros)))
	jsonlData := zstdBytes(t, []byte(`{"text":"fine"}`+"\n"+`{"text":"`+strings.Repeat("0", size)+`"}`+"\n"))
	for file, data := range map[string][]byte{"bomb.zip": zipData, "bomb.tar.gz": tgzData, "bomb.jsonl.zst": jsonlData} {
		src := writeFile(t, filepath.Join(dir, file), data)
		got, st, err := all(t, src, Options{MaxBytes: limit})
		if !errors.Is(err, ErrTooLarge) || !strings.Contains(err.Error(), src) {
			t.Errorf("%s: err = %v, want ErrTooLarge naming the file", file, err)
		}
		if len(got) != 1 || string(got[0].Text) != "fine" || st.Books != 1 {
			t.Errorf("%s: delivered %d books (%+v), want only the first", file, len(got), st)
		}
		// The default limit lets the same archive through.
		if _, _, err := all(t, src, Options{}); err != nil {
			t.Errorf("%s with the default MaxBytes: %v", file, err)
		}
	}
}

// endless is an infinite stream of zeros that counts what was read.
type endless struct{ n int64 }

func (e *endless) Read(p []byte) (int, error) {
	clear(p)
	e.n += int64(len(p))
	return len(p), nil
}

// TestBudgetStopsEarly checks that a budget reader pulls at most one byte
// past the cap from its source, so an endless stream ends at once.
func TestBudgetStopsEarly(t *testing.T) {
	for _, limit := range []int64{0, 1, 1000, 1 << 20} {
		src := &endless{}
		b := &budget{max: limit}
		data, err := readAll(b.reader(src), 1<<40)
		if !errors.Is(err, ErrTooLarge) {
			t.Fatalf("limit %d: err = %v", limit, err)
		}
		if src.n != limit+1 || int64(len(data)) != limit+1 {
			t.Errorf("limit %d: pulled %d bytes, returned %d, want %d", limit, src.n, len(data), limit+1)
		}
	}
	// Exactly at the cap is fine.
	b := &budget{max: 5}
	data, err := readAll(b.reader(strings.NewReader("12345")), 0)
	if err != nil || string(data) != "12345" {
		t.Errorf("at the cap: %q, %v", data, err)
	}
}

func TestCorruptArchives(t *testing.T) {
	dir := t.TempDir()
	tarData := fixtureTar(t)
	tgz := gzipBytes(t, tarData)
	stored := zipBytes(t, zipEntry{name: "a.txt", body: "some text that will be damaged", method: 0xFFFF})
	damaged := bytes.Clone(stored)
	damaged[bytes.Index(damaged, []byte("damaged"))] ^= 0x20
	garbage := make([]byte, 4096)
	rand.NewChaCha8([32]byte{1}).Read(garbage)
	for _, tt := range []struct {
		file, detail string
		data         []byte
	}{
		{"half.tar.gz", "", tgz[:len(tgz)/2]},
		{"trailer.tar.gz", "", tgz[:len(tgz)-3]},
		{"header.tar.gz", "", tgz[:5]},
		{"half.tar", `entry "b/c.txt"`, tarData[:bytes.Index(tarData, []byte("More of book C"))+100]},
		{"half.tar.bz2", "", bzip2Compress(tarData)[:300]},
		{"half.tar.zst", "", zstdBytes(t, tarData)[:200]},
		{"garbage.zip", "", garbage},
		{"half.zip", "", stored[:len(stored)/2]},
		{"damaged.zip", `"a.txt"`, damaged},
		{"empty.tar.gz", "", nil},
	} {
		src := writeFile(t, filepath.Join(dir, tt.file), tt.data)
		_, _, err := all(t, src, Options{})
		if err == nil {
			t.Errorf("%s: no error", tt.file)
			continue
		}
		if msg := err.Error(); !strings.Contains(msg, src) || !strings.Contains(msg, tt.detail) {
			t.Errorf("%s: error %q does not name the file and %s", tt.file, msg, tt.detail)
		}
	}
}

func TestJSONLErrors(t *testing.T) {
	dir := t.TempDir()
	for _, tt := range []struct {
		in, want string
		is       error
	}{
		{`{"text":"a"}` + "\n" + `{"text":"b"}` + "\n" + `{"text": "unterminated` + "\n", "bad.jsonl:3: ", nil},
		{`{"text":"a"}` + "\n\n" + `[1, 2]` + "\n", "bad.jsonl:3: ", nil},
		{`{"text":"a"}` + "\n" + `{"text":"a"} trailing`, "bad.jsonl:2: ", nil},
		{`{"body":"a"}`, `bad.jsonl:1: no usable text column: no "text" field`, ErrNoColumn},
		{`{"text":42}`, `bad.jsonl:1: no usable text column: field "text" is a JSON number`, ErrNoColumn},
	} {
		src := writeFile(t, filepath.Join(dir, "bad.jsonl"), []byte(tt.in))
		_, _, err := all(t, src, Options{})
		if err == nil || !strings.Contains(err.Error(), tt.want) || tt.is != nil && !errors.Is(err, tt.is) {
			t.Errorf("%q: err = %v, want %q", tt.in, err, tt.want)
		}
	}
}

// TestJSONLColumns checks other column names and lines longer than the
// read buffer.
func TestJSONLColumns(t *testing.T) {
	long := strings.Repeat("Long book. ", 300000) // 3.3 MB, over the 1 MiB buffer
	in := `{"body": "first", "name": "One"}` + "\n" +
		`{"body": "` + long + `", "name": null}` + "\r\n" +
		`{"body": "last"}`
	src := writeFile(t, filepath.Join(t.TempDir(), "c.ndjson"), []byte(in))
	got, _, err := all(t, src, Options{TextColumn: "body", TitleColumn: "name"})
	if err != nil {
		t.Fatal(err)
	}
	sameBooks(t, src, got, []Book{{"One", []byte("first")}, {"c.ndjson:2", []byte(long)}, {"c.ndjson:3", []byte("last")}})
}

func TestWalkStops(t *testing.T) {
	dir := t.TempDir()
	src := writeFile(t, filepath.Join(dir, "b.tar"), fixtureTar(t))
	stop := errors.New("stop")
	var st Stats
	err := Walk(context.Background(), src, Options{}, &st, func(Book) error { return stop })
	if err != stop || st.Books != 1 {
		t.Errorf("fn error: got %v after %d books, want the error itself after 1", err, st.Books)
	}

	ctx, cancel := context.WithCancel(context.Background())
	n := 0
	err = Walk(ctx, src, Options{}, nil, func(Book) error {
		n++
		cancel()
		return nil
	})
	if !errors.Is(err, context.Canceled) || n != 1 {
		t.Errorf("cancelled: got %v after %d books", err, n)
	}
}

func TestWalkUnsupported(t *testing.T) {
	dir := t.TempDir()
	src := writeFile(t, filepath.Join(dir, "books.rar"), []byte("Rar!"))
	if _, _, err := all(t, src, Options{}); !errors.Is(err, ErrUnsupported) || !strings.Contains(err.Error(), src) {
		t.Errorf("books.rar: %v", err)
	}
	missing := filepath.Join(dir, "missing.tar")
	if _, _, err := all(t, missing, Options{}); !errors.Is(err, fs.ErrNotExist) || !strings.Contains(err.Error(), missing) {
		t.Errorf("missing: %v", err)
	}
}

// TestWalkParquetMemory checks that every Arrow buffer is released, on
// success and on each way out with an error.
func TestWalkParquetMemory(t *testing.T) {
	dir := t.TempDir()
	src := writeFile(t, filepath.Join(dir, "books.parquet"), parquetBytes(t, true, 2))
	stop := errors.New("stop")
	for _, tt := range []struct {
		name string
		opt  Options
		fn   func(Book) error
		is   error
	}{
		{"all", Options{TitleColumn: "title"}, func(Book) error { return nil }, nil},
		{"fn error", Options{}, func(Book) error { return stop }, stop},
		{"no column", Options{TextColumn: "body"}, func(Book) error { return nil }, ErrNoColumn},
		{"not text", Options{TextColumn: "id"}, func(Book) error { return nil }, ErrNoColumn},
		{"no title", Options{TitleColumn: "name"}, func(Book) error { return nil }, ErrNoColumn},
	} {
		t.Run(tt.name, func(t *testing.T) {
			mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
			defer mem.AssertSize(t, 0)
			w := &walker{ctx: context.Background(), src: src, opt: tt.opt.withDefaults(), st: new(Stats), fn: tt.fn}
			err := w.parquet(mem)
			if !errors.Is(err, tt.is) || err != nil && !strings.Contains(err.Error(), src) && err != stop {
				t.Errorf("err = %v, want %v", err, tt.is)
			}
		})
	}
	// Title column equal to the text column.
	got, _, err := all(t, src, Options{TitleColumn: "text"})
	if err != nil || len(got) != len(fixture) || got[0].Name != fixture[0].text {
		t.Errorf("title = text: %v, %v", names(got), err)
	}
	trunc := writeFile(t, filepath.Join(dir, "trunc.parquet"), parquetBytes(t, false, 2)[:100])
	if _, _, err := all(t, trunc, Options{}); err == nil || !strings.Contains(err.Error(), trunc) {
		t.Errorf("truncated parquet: %v", err)
	}
}

// BenchmarkWalk reads 40 books of 245 kB in each source form.
func BenchmarkWalk(b *testing.B) {
	dir := b.TempDir()
	book := gutenberg("*** START OF THE PROJECT GUTENBERG EBOOK EMMA ***", strings.Repeat(emmaBody+"\n\n", 1000), "*** END OF THE PROJECT GUTENBERG EBOOK EMMA ***")
	var entries []tarEntry
	var jsonl bytes.Buffer
	for i := range 40 {
		entries = append(entries, reg(fmt.Sprintf("b%02d.txt", i), book))
		line, _ := json.Marshal(map[string]string{"text": book})
		jsonl.Write(append(line, '\n'))
	}
	tarData := tarBytes(b, entries...)
	for _, form := range []struct {
		file string
		data []byte
	}{
		{"books.tar.gz", gzipBytes(b, tarData)},
		{"books.tar.zst", zstdBytes(b, tarData)},
		{"books.zip", zipBytes(b, zipEntry{name: "a.txt", body: strings.Repeat(book, 40)})},
		{"books.jsonl", jsonl.Bytes()},
		{"books.jsonl.zst", zstdBytes(b, jsonl.Bytes())},
	} {
		src := writeFile(b, filepath.Join(dir, form.file), form.data)
		b.Run(form.file, func(b *testing.B) {
			b.SetBytes(int64(40 * len(book)))
			for b.Loop() {
				if err := Walk(context.Background(), src, Options{}, nil, func(Book) error { return nil }); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
