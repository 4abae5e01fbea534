package bz2

import (
	"bufio"
	"bytes"
	"compress/bzip2"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"testing/iotest"
)

// A fixture is a .bz2 file in testdata made by the bzip2 command, with the
// length and SHA-256 of the data it was made from (testdata/fixtures.txt).
type fixture struct {
	name   string
	comp   []byte
	length int
	sum    string
}

func readFixtures(t testing.TB) []fixture {
	t.Helper()
	f, err := os.Open("testdata/fixtures.txt")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var fs []fixture
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		if len(fields) != 3 || strings.HasPrefix(fields[0], "#") {
			continue
		}
		comp, err := os.ReadFile(filepath.Join("testdata", fields[0]))
		if err != nil {
			t.Fatal(err)
		}
		n, err := strconv.Atoi(fields[1])
		if err != nil {
			t.Fatal(err)
		}
		fs = append(fs, fixture{fields[0], comp, n, fields[2]})
	}
	if len(fs) < 8 {
		t.Fatalf("testdata/fixtures.txt lists %d fixtures", len(fs))
	}
	return fs
}

func fixtureNamed(t testing.TB, name string) fixture {
	for _, f := range readFixtures(t) {
		if f.name == name {
			return f
		}
	}
	t.Fatalf("no fixture %s", name)
	return fixture{}
}

// decodeAll decompresses comp with a new Reader.
func decodeAll(comp []byte) ([]byte, error) {
	return io.ReadAll(NewReader(bytes.NewReader(comp)))
}

func TestFixtures(t *testing.T) {
	for _, f := range readFixtures(t) {
		t.Run(f.name, func(t *testing.T) {
			got, err := decodeAll(f.comp)
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != f.length || fmt.Sprintf("%x", sha256.Sum256(got)) != f.sum {
				t.Fatalf("decoded %d bytes with SHA-256 %x, want %d bytes with %s", len(got), sha256.Sum256(got), f.length, f.sum)
			}
			want, err := io.ReadAll(bzip2.NewReader(bytes.NewReader(f.comp)))
			if err != nil || !bytes.Equal(got, want) {
				t.Fatalf("compress/bzip2 decodes %d bytes, %v; this package %d", len(want), err, len(got))
			}
		})
	}
}

func TestFixtureContents(t *testing.T) {
	for name, want := range map[string]string{
		"empty.bz2":  "",
		"byte.bz2":   "x",
		"concat.bz2": "hello, world\n",
	} {
		got, err := decodeAll(fixtureNamed(t, name).comp)
		if err != nil || string(got) != want {
			t.Errorf("%s: got %q, %v; want %q", name, got, err, want)
		}
	}
}

// cliInputs returns inputs for the tests against the bzip2 command: each
// shape the decoder treats specially, and block boundaries.
func cliInputs() map[string][]byte {
	rng := rand.New(rand.NewPCG(7, 7))
	random := func(n int) []byte {
		b := make([]byte, n)
		for i := range b {
			b[i] = byte(rng.Uint32())
		}
		return b
	}
	in := map[string][]byte{
		"empty":       {},
		"one-byte":    {0xff},
		"a-x3":        []byte("aaa"),
		"a-x4":        []byte("aaaa"),
		"a-x5":        []byte("aaaaa"),
		"a-x255":      bytes.Repeat([]byte("a"), 255),
		"a-x256":      bytes.Repeat([]byte("a"), 256),
		"a-x259":      bytes.Repeat([]byte("a"), 259),
		"a-x1M":       bytes.Repeat([]byte("a"), 1<<20),
		"ab-x50k":     bytes.Repeat([]byte("ab"), 50000),
		"random-200k": random(200 << 10),
		"words-300k":  randomWords(300<<10, 3),
		"xml-1M":      wikiLike(1<<20, 4),
		"all-bytes": func() []byte {
			var b []byte
			for i := range 4096 {
				b = append(b, byte(i), byte(i*7))
			}
			return b
		}(),
	}
	// Random runs of every length up to 300: RLE1 counts and RUNA/RUNB
	// digits of all sizes.
	var runs []byte
	for len(runs) < 400<<10 {
		runs = append(runs, bytes.Repeat([]byte{byte(rng.IntN(4))}, 1+rng.IntN(300))...)
	}
	in["random-runs"] = runs
	// Blocks end after 100000*level-19 bytes of run-length coded data, the
	// same as the input when it has no runs of 4.
	for _, size := range []int{99980, 99981, 99982, 100000, 100001} {
		in[fmt.Sprintf("random-%d", size)] = random(size)
	}
	for _, size := range []int{899980, 899981, 899982, 900001} {
		in[fmt.Sprintf("random-%d", size)] = random(size)
	}
	return in
}

func needBzip2(t testing.TB) {
	if _, err := exec.LookPath("bzip2"); err != nil {
		t.Skip("no bzip2 command:", err)
	}
}

// TestCLI checks this package against the bzip2 command and compress/bzip2.
func TestCLI(t *testing.T) {
	needBzip2(t)
	z := NewReader(nil)
	for name, raw := range cliInputs() {
		for _, level := range []string{"-1", "-9"} {
			if strings.HasPrefix(name, "random-89998") || name == "random-900001" {
				if level == "-1" {
					continue
				}
			}
			comp, err := compressCLI(raw, level)
			if err != nil {
				t.Fatal(err)
			}
			z.Reset(bytes.NewReader(comp))
			got, err := io.ReadAll(z)
			if err != nil {
				t.Errorf("%s %s: %v", name, level, err)
				continue
			}
			if !bytes.Equal(got, raw) {
				t.Errorf("%s %s: decoded %d bytes, want %d, first difference at %d", name, level, len(got), len(raw), firstDiff(got, raw))
				continue
			}
			if len(raw) <= 300<<10 {
				want, err := io.ReadAll(bzip2.NewReader(bytes.NewReader(comp)))
				if err != nil || !bytes.Equal(want, raw) {
					t.Errorf("%s %s: compress/bzip2 disagrees: %v", name, level, err)
				}
			}
		}
	}
}

// TestCLIMultistream decodes concatenated streams of mixed levels, as
// pbzip2, lbzip2 and Wikipedia's multistream dumps write them.
func TestCLIMultistream(t *testing.T) {
	needBzip2(t)
	var comp, want []byte
	for i, part := range [][]byte{wikiLike(300<<10, 5), nil, []byte("x"), randomWords(150<<10, 6), wikiLike(1<<20, 7)} {
		c, err := compressCLI(part, []string{"-1", "-9", "-5", "-2", "-9"}[i])
		if err != nil {
			t.Fatal(err)
		}
		comp = append(comp, c...)
		want = append(want, part...)
	}
	got, err := decodeAll(comp)
	if err != nil || !bytes.Equal(got, want) {
		t.Fatalf("decoded %d bytes, %v; want %d", len(got), err, len(want))
	}
}

// TestCLILarge decodes more than 10 MB of Wikipedia-like XML.
func TestCLILarge(t *testing.T) {
	if testing.Short() {
		t.Skip("slow")
	}
	needBzip2(t)
	raw := wikiLike(11<<20, 8)
	comp, err := compressCLI(raw, "-9")
	if err != nil {
		t.Fatal(err)
	}
	var got bytes.Buffer
	n, err := io.Copy(&got, NewReader(bytes.NewReader(comp)))
	if err != nil || !bytes.Equal(got.Bytes(), raw) {
		t.Fatalf("decoded %d bytes, %v; want %d, first difference at %d", n, err, len(raw), firstDiff(got.Bytes(), raw))
	}
}

func firstDiff(a, b []byte) int {
	for i := range min(len(a), len(b)) {
		if a[i] != b[i] {
			return i
		}
	}
	return min(len(a), len(b))
}

// TestReadSizes reads with buffers of many sizes, from inputs that hand
// over one byte or half a buffer at a time: the decoder must keep its place
// in runs, blocks and streams between calls.
func TestReadSizes(t *testing.T) {
	for _, name := range []string{"runs.bz2", "xml-blocks.bz2", "concat.bz2", "zeros.bz2"} {
		f := fixtureNamed(t, name)
		want, err := decodeAll(f.comp)
		if err != nil {
			t.Fatal(err)
		}
		for _, size := range []int{1, 2, 3, 7, 251, 4096} {
			for wrap, r := range map[string]io.Reader{
				"one-byte": iotest.OneByteReader(bytes.NewReader(f.comp)),
				"half":     iotest.HalfReader(bytes.NewReader(f.comp)),
			} {
				z := NewReader(r)
				var got []byte
				buf := make([]byte, size)
				for {
					n, err := z.Read(buf)
					got = append(got, buf[:n]...)
					if err == io.EOF {
						break
					}
					if err != nil {
						t.Fatalf("%s, %s reader, %d-byte reads: %v", name, wrap, size, err)
					}
				}
				if !bytes.Equal(got, want) {
					t.Fatalf("%s, %s reader, %d-byte reads: got %d bytes, want %d", name, wrap, size, len(got), len(want))
				}
			}
		}
	}
}

func TestReadEmptyBuffer(t *testing.T) {
	z := NewReader(bytes.NewReader(fixtureNamed(t, "byte.bz2").comp))
	if n, err := z.Read(nil); n != 0 || err != nil {
		t.Fatalf("Read(nil) = %d, %v; want 0, nil", n, err)
	}
	got, err := io.ReadAll(z)
	if err != nil || string(got) != "x" {
		t.Fatalf("got %q, %v", got, err)
	}
	if n, err := z.Read(make([]byte, 10)); n != 0 || err != io.EOF {
		t.Fatalf("Read after EOF = %d, %v; want 0, EOF", n, err)
	}
}

func TestReset(t *testing.T) {
	fs := readFixtures(t)
	z := NewReader(nil)
	for range 2 {
		for _, f := range fs {
			z.Reset(bytes.NewReader(f.comp))
			got, err := io.ReadAll(z)
			if err != nil || len(got) != f.length || fmt.Sprintf("%x", sha256.Sum256(got)) != f.sum {
				t.Fatalf("%s after Reset: %d bytes, %v", f.name, len(got), err)
			}
		}
	}
	// A reset after an error starts afresh.
	z.Reset(strings.NewReader("BZh9garbage"))
	if _, err := io.ReadAll(z); err == nil {
		t.Fatal("no error for garbage")
	}
	z.Reset(bytes.NewReader(fs[1].comp))
	if got, err := io.ReadAll(z); err != nil || len(got) != fs[1].length {
		t.Fatalf("after an error and Reset: %d bytes, %v", len(got), err)
	}
}

func TestWriteTo(t *testing.T) {
	f := fixtureNamed(t, "xml-blocks.bz2")
	var buf bytes.Buffer
	n, err := NewReader(bytes.NewReader(f.comp)).WriteTo(&buf)
	if err != nil || n != int64(f.length) || fmt.Sprintf("%x", sha256.Sum256(buf.Bytes())) != f.sum {
		t.Fatalf("WriteTo wrote %d bytes, %v; want %d", n, err, f.length)
	}
	// Errors of the writer and of the input come back.
	werr := errors.New("disk full")
	if _, err := NewReader(bytes.NewReader(f.comp)).WriteTo(errWriter{werr}); !errors.Is(err, werr) {
		t.Fatalf("WriteTo to a failing writer: %v", err)
	}
	if _, err := NewReader(bytes.NewReader(f.comp[:1000])).WriteTo(io.Discard); !errors.Is(err, io.ErrUnexpectedEOF) {
		t.Fatalf("WriteTo from a truncated input: %v", err)
	}
}

type errWriter struct{ err error }

func (w errWriter) Write([]byte) (int, error) { return 0, w.err }

// TestReadError checks that an error from the underlying reader is
// returned, wrapped, once its data has been decoded.
func TestReadError(t *testing.T) {
	f := fixtureNamed(t, "xml-blocks.bz2")
	ioErr := errors.New("connection reset")
	r := io.MultiReader(bytes.NewReader(f.comp[:20000]), iotest.ErrReader(ioErr))
	got, err := io.ReadAll(NewReader(r))
	if !errors.Is(err, ioErr) {
		t.Fatalf("got %v, want an error wrapping %v", err, ioErr)
	}
	if len(got) > f.length {
		t.Fatalf("decoded %d bytes of %d", len(got), f.length)
	}
	// io.EOF that arrives with the last bytes.
	r = iotest.DataErrReader(bytes.NewReader(f.comp))
	if got, err := io.ReadAll(NewReader(r)); err != nil || len(got) != f.length {
		t.Fatalf("data with io.EOF: %d bytes, %v", len(got), err)
	}
	r = io.MultiReader(bytes.NewReader(f.comp), iotest.ErrReader(ioErr))
	if _, err := io.ReadAll(NewReader(r)); !errors.Is(err, ioErr) {
		t.Fatalf("error after a complete stream: %v, want %v", err, ioErr)
	}
}
