package main

import (
	"archive/zip"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"path"
	"path/filepath"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/bertline/bertline/pkg/books"
	"github.com/bertline/bertline/pkg/cli"
	"github.com/bertline/bertline/pkg/download"
)

const glueHelp = `Downloads the tasks of the GLUE benchmark and lays them out as GLUE's
download_glue_data.py does in its data directory. Every download is verified
against its published SHA-256; broken transfers resume from --cache.

  CoLA/ SST-2/ QQP/ STS-B/ MNLI/ QNLI/ RTE/ WNLI/   the task archives, extracted
                                                   as published (train.tsv,
                                                   dev.tsv, test.tsv, ...)
  MRPC/        msr_paraphrase_train.txt and msr_paraphrase_test.txt (Microsoft's
               corpus), dev_ids.tsv (GLUE's dev split), and train.tsv, dev.tsv,
               test.tsv made from them exactly as the script's format_mrpc does
  diagnostic/  diagnostic.tsv (GLUE's AX.tsv)

--task takes a comma-separated list of CoLA, SST, MRPC, QQP, STS, MNLI, QNLI,
RTE, WNLI, diagnostic (or their directory names, in any case), or 'all'. Fetching
more tasks into the same OUT adds them; a task already there and intact is
not fetched again. OUT/manifest.json records the tasks, their sources and
every file with its SHA-256 and line count.

Archives are checked before extraction: entries that would leave OUT, links
and device files are refused, and extraction stops at --max-extract bytes.

Examples:
  fetch glue --task all --out data/glue
  fetch glue --task CoLA,MRPC --out data/glue
  fetch glue --task RTE --mirror https://example.org/glue-files --out data/glue`

const glueStage = "fetch glue"

func runGLUE(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	flags := cli.NewFlagSet("glue", "fetch glue --task NAME[,NAME...]|all --out DIR [flags]", glueHelp, stdout)
	task := flags.String("task", "", "tasks: comma-separated names, or all (required)")
	out := flags.String("out", "", "output directory (required)")
	maxExtract := flags.Int64("max-extract", 8<<30, "refuse a task archive that decompresses to more than this many bytes")
	sf := addSourceFlags(flags, "glue")
	if err := cli.Parse(flags, args); err != nil {
		return err
	}
	switch {
	case *task == "" || *out == "":
		return cli.Usagef("--task and --out are required")
	case flags.NArg() > 0:
		return cli.Usagef("unexpected argument %q", flags.Arg(0))
	case *maxExtract <= 0:
		return cli.Usagef("--max-extract must be positive")
	}
	var names []string
	for _, n := range strings.Split(*task, ",") {
		n = strings.TrimSpace(n)
		if strings.EqualFold(n, "all") {
			for _, t := range download.GLUE {
				names = append(names, t.Name)
			}
			continue
		}
		t, ok := download.LookupGLUETask(n)
		if !ok {
			return cli.Usagef("unknown GLUE task %q (known: %s, all)", n, strings.Join(glueTaskNames(), ", "))
		}
		names = append(names, t.Name)
	}
	b := glueBenchmark(*maxExtract)
	if err := sf.apply(b); err != nil {
		return err
	}
	return b.fetch(ctx, *out, filepath.Join(*sf.cache, "glue"), names, append([]string{"fetch", "glue"}, args...))
}

// glueBenchmark has one unit per task, owning the task's directory.
func glueBenchmark(maxExtract int64) *benchmark {
	b := &benchmark{stage: glueStage, key: "tasks"}
	for _, t := range download.GLUE {
		u := unit{
			name:    t.Name,
			sources: sourcesOf(t.Files),
			owns:    func(rel string) bool { return strings.HasPrefix(rel, t.Dir+"/") },
		}
		switch {
		case t.Name == "MRPC":
			u.build = func(ctx context.Context, src map[string]string, stage string) (map[string]map[string]int64, error) {
				return nil, buildMRPC(src, filepath.Join(stage, t.Dir))
			}
		case t.Name == "diagnostic":
			u.build = func(ctx context.Context, src map[string]string, stage string) (map[string]map[string]int64, error) {
				return nil, copyFile(src[t.Files[0].Name()], filepath.Join(stage, t.Dir, "diagnostic.tsv"))
			}
		default:
			u.build = func(ctx context.Context, src map[string]string, stage string) (map[string]map[string]int64, error) {
				return nil, extractZip(ctx, src[t.Files[0].Name()], stage, t.Dir, maxExtract)
			}
		}
		b.units = append(b.units, u)
	}
	return b
}

// Reasons to refuse an archive.
var (
	errUnsafeEntry = errors.New("unsafe archive entry")
	errTooLarge    = errors.New("archive decompresses to more than --max-extract bytes")
)

// extractZip writes the entries of the zip archive at src that lie under
// dir/ into stage, keeping their paths; download_glue_data.py extracts GLUE's
// archives whole, and each holds one such directory. Other entries (a
// __MACOSX/ folder) are skipped. The archive is not trusted: an entry whose
// path is absolute or climbs out with "..", a link, a device or a FIFO, two
// entries with one name, or more than limit bytes decompressed in all end
// the extraction with an error.
func extractZip(ctx context.Context, src, stage, dir string, limit int64) error {
	zr, err := zip.OpenReader(src)
	if err != nil && !errors.Is(err, zip.ErrInsecurePath) {
		return fmt.Errorf("extract %s: %w", src, err)
	}
	defer zr.Close()
	var total int64
	files, skipped := 0, 0
	for _, zf := range zr.File {
		if err := ctx.Err(); err != nil {
			return err
		}
		if why := books.CheckEntryName(zf.Name); why != "" {
			return fmt.Errorf("extract %s: entry %q: %w: %s", src, zf.Name, errUnsafeEntry, why)
		}
		mode := zf.Mode()
		if !mode.IsDir() && !mode.IsRegular() {
			return fmt.Errorf("extract %s: entry %q: %w: %s", src, zf.Name, errUnsafeEntry, kind(mode))
		}
		name := path.Clean(zf.Name)
		if name != dir && !strings.HasPrefix(name, dir+"/") {
			skipped++
			continue
		}
		target := filepath.Join(stage, filepath.FromSlash(name))
		if mode.IsDir() {
			if err := os.MkdirAll(target, 0o755); err != nil {
				return fmt.Errorf("extract %s: %w", src, err)
			}
			continue
		}
		n, err := extractEntry(ctx, zf, target, limit-total)
		total += n
		if err != nil {
			return fmt.Errorf("extract %s: entry %q: %w", src, zf.Name, err)
		}
		files++
	}
	if files == 0 {
		return fmt.Errorf("extract %s: no files under %s/", src, dir)
	}
	if skipped > 0 {
		slog.Info("skipped archive entries outside the task directory", "archive", src, "dir", dir, "entries", skipped)
	}
	return nil
}

// extractEntry writes one file entry to the new file target and returns the
// bytes written; more than left is errTooLarge.
func extractEntry(ctx context.Context, zf *zip.File, target string, left int64) (int64, error) {
	rc, err := zf.Open()
	if err != nil {
		return 0, err
	}
	defer rc.Close()
	if err := os.MkdirAll(filepath.Dir(target), 0o755); err != nil {
		return 0, err
	}
	f, err := os.OpenFile(target, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if errors.Is(err, fs.ErrExist) {
		return 0, fmt.Errorf("%w: a second entry with this name", errUnsafeEntry)
	}
	if err != nil {
		return 0, err
	}
	n, err := io.Copy(f, io.LimitReader(ctxReader{ctx, rc}, left+1))
	if err == nil && n > left {
		err = errTooLarge
	}
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return n, err
}

// ctxReader stops reading when its context ends, so that a large entry does
// not delay an interrupt.
type ctxReader struct {
	ctx context.Context
	r   io.Reader
}

func (c ctxReader) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.r.Read(p)
}

// kind names a file mode that is neither a directory nor a regular file.
func kind(m fs.FileMode) string {
	switch {
	case m&fs.ModeSymlink != 0:
		return "symbolic link"
	case m&fs.ModeDevice != 0, m&fs.ModeCharDevice != 0:
		return "device file"
	case m&fs.ModeNamedPipe != 0:
		return "FIFO"
	case m&fs.ModeSocket != 0:
		return "socket"
	}
	return "not a regular file"
}

// MRPC file names: the sources as published, and what format_mrpc makes.
const (
	mrpcTrainSource = "msr_paraphrase_train.txt"
	mrpcTestSource  = "msr_paraphrase_test.txt"
	mrpcDevIDs      = "mrpc_dev_ids.tsv"
)

// buildMRPC writes GLUE's MRPC directory into dir: the two source files and
// the dev ids as download_glue_data.py leaves them (dev ids saved as
// dev_ids.tsv), and train.tsv, dev.tsv and test.tsv.
func buildMRPC(src map[string]string, dir string) error {
	train, err := os.ReadFile(src[mrpcTrainSource])
	if err != nil {
		return err
	}
	test, err := os.ReadFile(src[mrpcTestSource])
	if err != nil {
		return err
	}
	ids, err := os.ReadFile(src[mrpcDevIDs])
	if err != nil {
		return err
	}
	trainTSV, devTSV, testTSV, err := formatMRPC(train, test, ids)
	if err != nil {
		return err
	}
	for name, from := range map[string]string{mrpcTrainSource: mrpcTrainSource, mrpcTestSource: mrpcTestSource, "dev_ids.tsv": mrpcDevIDs} {
		if err := copyFile(src[from], filepath.Join(dir, name)); err != nil {
			return err
		}
	}
	for name, data := range map[string][]byte{"train.tsv": trainTSV, "dev.tsv": devTSV, "test.tsv": testTSV} {
		if err := writeNew(filepath.Join(dir, name), data); err != nil {
			return err
		}
	}
	return nil
}

// writeNew writes data to the new file name and syncs it.
func writeNew(name string, data []byte) error {
	f, err := os.OpenFile(name, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return err
	}
	_, err = f.Write(data)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("write %s: %w", name, err)
	}
	return nil
}

// formatMRPC turns Microsoft's MRPC files into GLUE's train.tsv, dev.tsv and
// test.tsv byte for byte as format_mrpc in download_glue_data.py does in
// Python 3, which reads them as UTF-8 text with universal newlines:
//
//   - train.tsv and dev.tsv start with the header line of
//     msr_paraphrase_train.txt as it is (its byte order mark included, its
//     line end made "\n"); each following line, stripped of Python
//     whitespace at both ends and split at tabs into label, id1, id2,
//     sentence1, sentence2, goes to dev.tsv if [id1, id2] is a line of the
//     dev ids and to train.tsv otherwise, its fields joined by tabs;
//   - test.tsv has the header "index\t#1 ID\t#2 ID\t#1 String\t#2 String"
//     and each line of msr_paraphrase_test.txt after the first as
//     "n\tid1\tid2\tsentence1\tsentence2", n counting from 0, the label
//     dropped.
//
// A line that is not five fields is an error, as it is for the script.
func formatMRPC(train, test, devIDs []byte) (trainTSV, devTSV, testTSV []byte, err error) {
	for i, b := range [][]byte{train, test, devIDs} {
		if !utf8.Valid(b) {
			return nil, nil, nil, fmt.Errorf("MRPC %s: not UTF-8", []string{mrpcTrainSource, mrpcTestSource, mrpcDevIDs}[i])
		}
	}
	dev := map[[2]string]bool{}
	for _, line := range pyLines(string(devIDs)) {
		if f := strings.Split(pyStrip(line), "\t"); len(f) == 2 {
			dev[[2]string{f[0], f[1]}] = true
		}
	}
	fields := func(name string, n int, line string) ([]string, error) {
		f := strings.Split(pyStrip(line), "\t")
		if len(f) != 5 {
			return nil, fmt.Errorf("MRPC %s: line %d has %d tab-separated fields, want 5", name, n, len(f))
		}
		return f, nil
	}

	lines := pyLines(string(train))
	if len(lines) == 0 {
		return nil, nil, nil, fmt.Errorf("MRPC %s: empty", mrpcTrainSource)
	}
	var tr, dv strings.Builder
	tr.WriteString(lines[0])
	dv.WriteString(lines[0])
	for i, line := range lines[1:] {
		f, err := fields(mrpcTrainSource, i+2, line)
		if err != nil {
			return nil, nil, nil, err
		}
		w := &tr
		if dev[[2]string{f[1], f[2]}] {
			w = &dv
		}
		w.WriteString(strings.Join(f, "\t"))
		w.WriteByte('\n')
	}

	lines = pyLines(string(test))
	if len(lines) == 0 {
		return nil, nil, nil, fmt.Errorf("MRPC %s: empty", mrpcTestSource)
	}
	var te strings.Builder
	te.WriteString("index\t#1 ID\t#2 ID\t#1 String\t#2 String\n")
	for i, line := range lines[1:] {
		f, err := fields(mrpcTestSource, i+2, line)
		if err != nil {
			return nil, nil, nil, err
		}
		te.WriteString(strconv.Itoa(i))
		te.WriteByte('\t')
		te.WriteString(strings.Join(f[1:], "\t"))
		te.WriteByte('\n')
	}
	return []byte(tr.String()), []byte(dv.String()), []byte(te.String()), nil
}

// pyLines splits s as iterating over a Python text file opened with
// universal newlines does: a line ends at "\r\n", "\r" or "\n", which
// becomes "\n"; the last line may have no end.
func pyLines(s string) []string {
	var lines []string
	for len(s) > 0 {
		i := strings.IndexAny(s, "\r\n")
		if i < 0 {
			lines = append(lines, s)
			break
		}
		lines = append(lines, s[:i]+"\n")
		if s[i] == '\r' && i+1 < len(s) && s[i+1] == '\n' {
			i++
		}
		s = s[i+1:]
	}
	return lines
}

// pyStrip is Python's str.strip() without arguments: it removes the
// characters for which str.isspace() is true from both ends. These are
// Unicode's White_Space characters and also U+001C..U+001F, which Python
// counts as whitespace (bidirectional class B or S) and Go's unicode.IsSpace
// does not.
func pyStrip(s string) string {
	return strings.TrimFunc(s, pyIsSpace)
}

func pyIsSpace(r rune) bool {
	switch {
	case r >= '\t' && r <= '\r', r >= 0x1c && r <= 0x20, r == 0x85, r == 0xa0, r == 0x1680,
		r >= 0x2000 && r <= 0x200a, r == 0x2028, r == 0x2029, r == 0x202f, r == 0x205f, r == 0x3000:
		return true
	}
	return false
}

// glueTaskNames lists the task names, for messages.
func glueTaskNames() []string {
	var names []string
	for _, t := range download.GLUE {
		names = append(names, t.Name)
	}
	return names
}
