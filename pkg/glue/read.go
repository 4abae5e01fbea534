package glue

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Example is one row of a GLUE file.
type Example struct {
	// GUID names the example as HuggingFace's glue processors do: the file's
	// base name and the row's id column ("dev_matched-12"), or, for CoLA,
	// SST-2 and MRPC, whose rows have no id GUIDs use, the row number
	// ("train-1" is the first row of SST-2's train.tsv, the header being row 0;
	// "train-0" the first of CoLA's, which has no header).
	GUID string
	// TextA is the first (or only) sentence, TextB the second one of a
	// sentence-pair task, as written in the file.
	TextA, TextB string
	// Label is the class, an index into Task.Labels; -1 where there is none:
	// in test files and for STS-B.
	Label int
	// Score is STS-B's similarity, from 0 to 5; NaN where there is none: in
	// test files and for classification tasks.
	Score float64
}

// Labeled reports whether e has a gold label or score.
func (e Example) Labeled() bool { return e.Label >= 0 || !math.IsNaN(e.Score) }

// Errors about a file's contents wrap one of these, inside a *ParseError.
var (
	ErrHeader     = errors.New("glue: unexpected header")
	ErrFieldCount = errors.New("glue: wrong number of fields")
	ErrLabel      = errors.New("glue: bad label")
	ErrUTF8       = errors.New("glue: invalid UTF-8")
	ErrNoRows     = errors.New("glue: no examples")
)

// ParseError is a malformed line of a GLUE file.
type ParseError struct {
	Path string // the file, as given to Read or Parse
	Line int    // 1-based
	Err  error  // wraps one of the Err* sentinels
}

func (e *ParseError) Error() string { return fmt.Sprintf("%s:%d: %v", e.Path, e.Line, e.Err) }

func (e *ParseError) Unwrap() error { return e.Err }

// Options changes what Parse accepts.
type Options struct {
	// SkipBrokenRows skips a row that newlines inside a field have broken
	// across lines, instead of failing: a run of consecutive short lines
	// whose fields, joined at the line breaks, are exactly one row. The
	// QQP train.tsv that GLUE published first has such rows (a question
	// with a line break in it); HuggingFace's QqpProcessor skips their
	// lines as too short, and GLUE's later QQP-clean release has none.
	// Every other malformed line is still an error. File.Skipped lists the
	// lines skipped.
	SkipBrokenRows bool
}

// File is a GLUE TSV file read into memory.
type File struct {
	Task *Task
	// Labeled is false for test files, which have no gold labels.
	Labeled  bool
	Examples []Example
	// Skipped lists the 1-based lines skipped under Options.SkipBrokenRows.
	Skipped []int
}

// Read reads the GLUE file at path, a train, dev or test file of task t, as
// Parse does without options: strictly.
func Read(t *Task, path string) ([]Example, error) {
	f, err := ReadFile(t, path, Options{})
	if err != nil {
		return nil, err
	}
	return f.Examples, nil
}

// ReadFile reads the GLUE file at path; see Parse.
func ReadFile(t *Task, path string, opt Options) (*File, error) {
	r, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("glue: %w", err)
	}
	defer r.Close()
	return Parse(t, path, r, opt)
}

// Parse reads a GLUE file of task t from r; name is the file's path, for
// errors and GUIDs.
//
// Files are read as the references read them, with Python's csv module and
// QUOTE_NONE: rows end at "\n" (a "\r" before it is dropped), fields are
// separated by tabs, and quotes are ordinary characters. A UTF-8 byte order
// mark at the start is ignored. The header tells whether the file is a
// train or dev file, with labels, or a test file (CoLA's train and dev files
// have no header; its test file's is "index\tsentence"); the references read
// columns by position, and Parse checks that the header names the columns
// at those positions as the published files do.
//
// It is strict: a header that does not match, a row with more or fewer
// fields than the header, a label that is not one of the task's (a score
// that is not a number from 0 to 5 for STS-B), invalid UTF-8, an empty line
// or a file without rows is a *ParseError naming the line, and nothing is
// skipped unless opt says so.
func Parse(t *Task, name string, r io.Reader, opt Options) (*File, error) {
	p := parser{t: t, name: name, opt: opt, setType: strings.TrimSuffix(filepath.Base(name), ".tsv")}
	if err := p.run(r); err != nil {
		return nil, err
	}
	return &File{Task: t, Labeled: p.l.label.pos != -1, Examples: p.out, Skipped: p.skipped}, nil
}

type parser struct {
	t       *Task
	name    string
	opt     Options
	setType string

	l        *layout
	width    int // fields of every row
	first    int // line of the first data row
	label    int // resolved label column, or -1
	out      []Example
	skipped  []int
	fields   [][]byte
	broken   []int // lines of a broken row being joined
	brokenNF int   // its fields so far
	brokenN0 int   // the fields of its first line
}

func (p *parser) errorf(line int, sentinel error, format string, args ...any) error {
	return &ParseError{Path: p.name, Line: line, Err: fmt.Errorf("%w: "+format, append([]any{sentinel}, args...)...)}
}

func (p *parser) run(r io.Reader) error {
	br := bufio.NewReaderSize(r, 64<<10)
	var long []byte
	for n := 1; ; n++ {
		line, err := br.ReadSlice('\n')
		if err == bufio.ErrBufferFull {
			long = append(long[:0], line...)
			for err == bufio.ErrBufferFull {
				line, err = br.ReadSlice('\n')
				long = append(long, line...)
			}
			line = long
		}
		if err != nil && err != io.EOF {
			return fmt.Errorf("glue: %s: %w", p.name, err)
		}
		if len(line) == 0 && err == io.EOF {
			if p.l == nil {
				return p.errorf(n, ErrNoRows, "empty file")
			}
			break
		}
		line = bytes.TrimSuffix(line, []byte("\n"))
		line = bytes.TrimSuffix(line, []byte("\r"))
		if n == 1 {
			line = bytes.TrimPrefix(line, []byte("\xef\xbb\xbf"))
		}
		if e := p.line(n, line); e != nil {
			return e
		}
		if err == io.EOF {
			break
		}
	}
	if len(p.broken) > 0 {
		return p.errorf(p.broken[0], ErrFieldCount, "row has %d fields, want %d, and the file ends before the lines after it complete it", p.brokenN0, p.width)
	}
	if len(p.out) == 0 {
		return p.errorf(p.first, ErrNoRows, "no rows after the header")
	}
	return nil
}

// line handles line n (1-based), without its line break.
func (p *parser) line(n int, line []byte) error {
	if !utf8.Valid(line) {
		off := 0
		for off < len(line) {
			r, size := utf8.DecodeRune(line[off:])
			if r == utf8.RuneError && size <= 1 {
				break
			}
			off += size
		}
		return p.errorf(n, ErrUTF8, "byte %d (0x%02x)", off+1, line[off])
	}
	p.fields = splitTabs(p.fields[:0], line)
	if p.l == nil {
		return p.start(n, line)
	}
	if len(p.broken) > 0 {
		// Joining at a line break merges the last field so far with the
		// first of this line.
		p.broken = append(p.broken, n)
		p.brokenNF += len(p.fields) - 1
		switch {
		case p.brokenNF == p.width:
			p.skipped = append(p.skipped, p.broken...)
			p.broken = p.broken[:0]
		case p.brokenNF > p.width:
			return p.errorf(p.broken[0], ErrFieldCount, "row has %d fields, want %d, and the lines after it do not complete it", p.brokenN0, p.width)
		}
		return nil
	}
	if len(line) == 0 {
		return p.errorf(n, ErrFieldCount, "empty line")
	}
	if len(p.fields) != p.width {
		if p.opt.SkipBrokenRows && len(p.fields) < p.width {
			p.broken = append(p.broken, n)
			p.brokenNF, p.brokenN0 = len(p.fields), len(p.fields)
			return nil
		}
		what := ", as the header has"
		if !p.l.header {
			what = ", as every " + p.t.Name + " train and dev row"
		}
		if len(p.fields) < p.width {
			what += " (a line break inside a field?)"
		}
		return p.errorf(n, ErrFieldCount, "row has %d fields, want %d%s", len(p.fields), p.width, what)
	}
	return p.row(n)
}

// start picks the layout from the first line and reads it as a header or,
// for CoLA's train and dev files, as the first row.
func (p *parser) start(n int, line []byte) error {
	t := p.t
	if t.test.matches(p.fields) {
		p.l = &t.test
	} else if t.labeled.matches(p.fields) {
		p.l = &t.labeled
	} else if !t.labeled.header {
		p.l, p.width, p.first, p.label = &t.labeled, t.labeled.width, n, t.labeled.label.pos
		if len(line) == 0 {
			return p.errorf(n, ErrFieldCount, "empty line")
		}
		if len(p.fields) != p.width {
			return p.errorf(n, ErrFieldCount, "row has %d fields, want %d, as every %s train and dev row (or the test header %q)",
				len(p.fields), p.width, t.Name, "index\tsentence")
		}
		return p.row(n)
	} else {
		return p.errorf(n, ErrHeader, "%q is not a %s header: want %s (train, dev) or %s (test)",
			line, t.Name, t.labeled.describe(), t.test.describe())
	}
	p.width, p.first = len(p.fields), n+1
	p.label = p.l.label.pos
	if p.label == lastColumn {
		p.label = p.width - 1
	}
	return nil
}

// row turns the fields of line n into an Example.
func (p *parser) row(n int) error {
	f, l, t := p.fields, p.l, p.t
	ex := Example{TextA: string(f[l.a.pos]), Label: -1, Score: math.NaN()}
	if l.b.pos >= 0 {
		ex.TextB = string(f[l.b.pos])
	}
	if l.id.pos >= 0 {
		ex.GUID = p.setType + "-" + string(f[l.id.pos])
	} else {
		ex.GUID = p.setType + "-" + strconv.Itoa(l.rowBase+n-p.first)
	}
	if p.label >= 0 {
		v := f[p.label]
		if t.Regression() {
			s, err := strconv.ParseFloat(string(v), 64)
			if err != nil || !decimal(v) || !(s >= 0 && s <= 5) {
				return p.errorf(n, ErrLabel, "score %q is not a number from 0 to 5", v)
			}
			ex.Score = s
		} else {
			for i, name := range t.Labels {
				if string(v) == name {
					ex.Label = i
				}
			}
			if ex.Label < 0 {
				return p.errorf(n, ErrLabel, "label %q is not one of %s", v, strings.Join(t.Labels, ", "))
			}
		}
	}
	p.out = append(p.out, ex)
	return nil
}

// decimal reports whether s is a plain decimal number, digits with an
// optional fraction and exponent ("3.800", "4", "2.5e0"): ParseFloat also
// takes "inf", "0x1p1" and "1_0", which Python's float does not all take
// and a published score never is.
func decimal(s []byte) bool {
	digits := 0
	i := 0
	for ; i < len(s) && s[i] >= '0' && s[i] <= '9'; i++ {
		digits++
	}
	if i < len(s) && s[i] == '.' {
		for i++; i < len(s) && s[i] >= '0' && s[i] <= '9'; i++ {
			digits++
		}
	}
	if digits == 0 {
		return false
	}
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		i++
		if i < len(s) && (s[i] == '+' || s[i] == '-') {
			i++
		}
		j := i
		for ; i < len(s) && s[i] >= '0' && s[i] <= '9'; i++ {
		}
		if i == j {
			return false
		}
	}
	return i == len(s)
}

// splitTabs appends the tab-separated fields of line to dst.
func splitTabs(dst [][]byte, line []byte) [][]byte {
	for {
		i := bytes.IndexByte(line, '\t')
		if i < 0 {
			return append(dst, line)
		}
		dst = append(dst, line[:i])
		line = line[i+1:]
	}
}

// columns returns the columns l names.
func (l *layout) columns() []column {
	var cs []column
	for _, c := range []column{l.index, l.id, l.a, l.b, l.label} {
		if c.pos != -1 && c.name != "" {
			cs = append(cs, c)
		}
	}
	return cs
}

// matches reports whether header is a header of layout l: it names l's
// columns at their positions and has no other columns but, where the label
// is the last column, those before it.
func (l *layout) matches(header [][]byte) bool {
	if !l.header {
		return false
	}
	maxPos := 0
	for _, c := range l.columns() {
		pos := c.pos
		if pos == lastColumn {
			continue
		}
		if pos >= len(header) || string(header[pos]) != c.name {
			return false
		}
		maxPos = max(maxPos, pos)
	}
	if l.label.pos == lastColumn {
		return len(header) > maxPos+1 && string(header[len(header)-1]) == l.label.name
	}
	return len(header) == maxPos+1
}

// describe says what a header of l looks like, for errors.
func (l *layout) describe() string {
	if !l.header {
		return fmt.Sprintf("no header and %d columns", l.width)
	}
	var parts []string
	maxPos := 0
	for _, c := range l.columns() {
		if c.pos == lastColumn {
			parts = append(parts, fmt.Sprintf("%q last", c.name))
			continue
		}
		parts = append(parts, fmt.Sprintf("%q in column %d", c.name, c.pos+1))
		maxPos = max(maxPos, c.pos)
	}
	if l.label.pos != lastColumn {
		parts = append(parts, fmt.Sprintf("%d columns", maxPos+1))
	}
	return strings.Join(parts, ", ")
}
