package glue

import (
	"bytes"
	"errors"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"
)

func mustTask(t *testing.T, name string) *Task {
	t.Helper()
	task, err := Lookup(name)
	if err != nil {
		t.Fatal(err)
	}
	return task
}

// cls and score build expected examples.
func cls(guid, a, b string, label int) Example {
	return Example{GUID: guid, TextA: a, TextB: b, Label: label, Score: math.NaN()}
}

func score(guid, a, b string, s float64) Example {
	return Example{GUID: guid, TextA: a, TextB: b, Label: -1, Score: s}
}

func unlabeled(guid, a, b string) Example { return cls(guid, a, b, -1) }

func sameExamples(t *testing.T, what string, got, want []Example) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s: %d examples, want %d:\n%+v", what, len(got), len(want), got)
	}
	for i := range got {
		g, w := got[i], want[i]
		scoreOK := g.Score == w.Score || math.IsNaN(g.Score) && math.IsNaN(w.Score)
		if g.GUID != w.GUID || g.TextA != w.TextA || g.TextB != w.TextB || g.Label != w.Label || !scoreOK {
			t.Errorf("%s: example %d\n got %+v\nwant %+v", what, i, g, w)
		}
	}
}

// TestReadLayouts reads a hand-made file of every layout of every task:
// the published headers with rows of made-up text.
func TestReadLayouts(t *testing.T) {
	tests := []struct {
		task, file string
		labeled    bool
		want       []Example
	}{
		{"CoLA", "train.tsv", true, []Example{
			cls("train-0", "The cat slept on the mat.", "", 1),
			cls("train-1", "Slept the on cat mat the.", "", 0),
			cls("train-2", `"Quotes" stay, as do 'single' ones.`, "", 1),
		}},
		{"CoLA", "test.tsv", false, []Example{
			unlabeled("test-0", "The dog barked.", ""),
			unlabeled("test-1", "Barked dog the.", ""),
		}},
		{"SST-2", "train.tsv", true, []Example{
			cls("train-1", "a warm , funny film ", "", 1),
			cls("train-2", `" dull " is too kind `, "", 0),
		}},
		{"SST-2", "test.tsv", false, []Example{unlabeled("test-1", "a film of quiet charm .", "")}},
		{"MRPC", "train.tsv", true, []Example{ // the header starts with a byte order mark
			cls("train-1", "The board met on Monday .", "On Monday , the board met .", 1),
			cls("train-2", "Sales rose 5 % in May .", `The shop closed in " May " .`, 0),
		}},
		{"MRPC", "test.tsv", false, []Example{unlabeled("test-1", "Rain fell all day .", "It rained all day .")}},
		{"STS-B", "train.tsv", true, []Example{
			score("train-0", "A cat is sleeping.", "A cat sleeps.", 4.8),
			score("train-1", "Markets fall.", "A man plays a flute.", 0),
			score("train-2", "Is it safe?", "Is it safe to go?", 5),
		}},
		{"STS-B", "test.tsv", false, []Example{unlabeled("test-0", "A girl is singing.", "A girl sings.")}},
		{"QQP", "train.tsv", true, []Example{
			cls("train-17", "How do I learn Go?", "What is the best way to learn Go?", 1),
			cls("train-18", "Why is the sky blue?", "How tall is Everest?", 0),
		}},
		{"QQP", "test.tsv", false, []Example{unlabeled("test-0", "Is tea healthy?", "Is green tea good for you?")}},
		{"MNLI", "train.tsv", true, []Example{
			cls("train-0", "The rules apply.", "They apply.", 1),
			cls("train-1", "yes", "no", 0),
		}},
		{"MNLI", "dev_matched.tsv", true, []Example{cls("dev_matched-0", "The new rules are fine.", "Everyone likes the rules. ", 2)}},
		{"MNLI", "dev_mismatched.tsv", true, []Example{cls("dev_mismatched-0", "Your gift helped.", "Your gift did nothing.", 0)}},
		{"MNLI", "test_matched.tsv", false, []Example{unlabeled("test_matched-0", "Hours vary.", "Hours are fixed.")}},
		{"MNLI", "test_mismatched.tsv", false, []Example{unlabeled("test_mismatched-0", "Spell it out.", "Write it in full.")}},
		{"QNLI", "train.tsv", true, []Example{
			cls("train-0", "When did the bridge open?", "The bridge opened in 1932.", 0),
			cls("train-1", "Who built it?", "It is painted grey.", 1),
		}},
		{"QNLI", "test.tsv", false, []Example{unlabeled("test-0", "How long is it?", "It is 1,149 metres long.")}},
		{"RTE", "train.tsv", true, []Example{ // the example of the package documentation
			cls("train-0", `"No Rain Fell in Lisbon Yesterday."`, "Rain fell in Lisbon.", 1),
			cls("train-1", "The museum, which opened in 1990, is free.", "The museum is free.", 0),
		}},
		{"RTE", "test.tsv", false, []Example{unlabeled("test-0", "Ships dock at the pier.", "There is a pier.")}},
		{"WNLI", "train.tsv", true, []Example{
			cls("train-0", "The trophy did not fit in the case because it was too big.", "The trophy was too big.", 1),
			cls("train-1", "The trophy did not fit in the case because it was too big.", "The case was too big.", 0),
		}},
		{"WNLI", "test.tsv", false, []Example{unlabeled("test-0", "Anna thanked Lucy because she had helped.", "Lucy had helped.")}},
	}
	seen := map[string]bool{}
	for _, tt := range tests {
		task := mustTask(t, tt.task)
		path := filepath.Join("testdata", "layouts", task.Name, tt.file)
		f, err := ReadFile(task, path, Options{})
		if err != nil {
			t.Errorf("%v", err)
			continue
		}
		if f.Labeled != tt.labeled {
			t.Errorf("%s: Labeled = %v, want %v", path, f.Labeled, tt.labeled)
		}
		sameExamples(t, path, f.Examples, tt.want)
		for _, ex := range f.Examples {
			if ex.Labeled() != tt.labeled {
				t.Errorf("%s: %s: Labeled() = %v", path, ex.GUID, ex.Labeled())
			}
		}
		seen[task.Name+"/"+tt.file] = true
	}
	// Every file of every task has a case.
	for _, task := range Tasks() {
		for _, file := range append(append([]string{task.Train}, task.Dev...), task.Test...) {
			if file == "dev.tsv" && !seen[task.Name+"/"+file] {
				file = "train.tsv" // dev files have the train files' layout
			}
			if !seen[task.Name+"/"+file] {
				t.Errorf("no test reads %s/%s", task.Name, file)
			}
		}
	}
}

func TestReadMissingFile(t *testing.T) {
	_, err := Read(mustTask(t, "RTE"), filepath.Join(t.TempDir(), "nope.tsv"))
	if err == nil || !strings.Contains(err.Error(), "nope.tsv") {
		t.Errorf("err = %v, want one naming the file", err)
	}
}

// TestParseMalformed checks that every kind of malformed input is an error
// that names the file and the line, and wraps the right sentinel.
func TestParseMalformed(t *testing.T) {
	const (
		sst2  = "sentence\tlabel\n"
		rte   = "index\tsentence1\tsentence2\tlabel\n"
		stsb  = "index\tgenre\tfilename\tyear\told_index\tsource1\tsource2\tsentence1\tsentence2\tscore\n"
		stsbR = "0\tg\tf\ty\t0\tn\tn\tA cat.\tA dog.\t"
		qqp   = "id\tqid1\tqid2\tquestion1\tquestion2\tis_duplicate\n"
		mnli  = "index\tpromptID\tpairID\tgenre\tsentence1_binary_parse\tsentence2_binary_parse\tsentence1_parse\tsentence2_parse\tsentence1\tsentence2\tlabel1\tgold_label\n"
	)
	tests := []struct {
		name, task, in string
		line           int
		want           error
	}{
		{"empty file", "SST-2", "", 1, ErrNoRows},
		{"empty CoLA file", "CoLA", "", 1, ErrNoRows},
		{"header only", "SST-2", sst2, 2, ErrNoRows},
		{"test header only", "CoLA", "index\tsentence\n", 2, ErrNoRows},
		{"header misspelt", "SST-2", "sentence\tlabels\nok\t1\n", 1, ErrHeader},
		{"header of another task", "RTE", "index\tquestion\tsentence\tlabel\n0\ta\tb\tentailment\n", 1, ErrHeader},
		{"header with an extra column", "QQP", "id\tqid1\tqid2\tquestion1\tquestion2\tis_duplicate\tx\n", 1, ErrHeader},
		{"test header with an extra column", "RTE", "index\tsentence1\tsentence2\tnote\n", 1, ErrHeader},
		{"MNLI header without gold_label", "MNLI", strings.Replace(mnli, "gold_label", "label2", 1), 1, ErrHeader},
		{"row too short", "RTE", rte + "0\ta\tb\tentailment\n1\ta\tentailment\n", 3, ErrFieldCount},
		{"row too long", "RTE", rte + "0\ta\tb\tc\tentailment\n", 2, ErrFieldCount},
		{"quotes do not protect tabs", "SST-2", sst2 + "\"a\tb\"\t1\n", 2, ErrFieldCount},
		{"empty line", "SST-2", sst2 + "ok\t1\n\nfine\t0\n", 3, ErrFieldCount},
		{"trailing empty line", "SST-2", sst2 + "ok\t1\n\n", 3, ErrFieldCount},
		{"CoLA row of 3 fields", "CoLA", "s\t1\t\tok\ns\t0\tbad\n", 2, ErrFieldCount},
		{"CoLA first row of 3 fields", "CoLA", "s\t0\tbad\n", 1, ErrFieldCount},
		{"CoLA empty first line", "CoLA", "\ns\t1\t\tok\n", 1, ErrFieldCount},
		{"MNLI dev row short of a column", "MNLI", mnli + "0\t1\t1e\tg\t(a)\t(b)\t(a)\t(b)\ta\tb\tentailment\n", 2, ErrFieldCount},
		{"unknown label", "SST-2", sst2 + "ok\t1\nbad\t2\n", 3, ErrLabel},
		{"label case", "RTE", rte + "0\ta\tb\tEntailment\n", 2, ErrLabel},
		{"label with space", "QQP", qqp + "1\t2\t3\ta\tb\t1 \n", 2, ErrLabel},
		{"empty label", "WNLI", rte + "0\ta\tb\t\n", 2, ErrLabel},
		{"MNLI label of another task", "MNLI", mnli + "0\t1\t1e\tg\t(a)\t(b)\t(a)\t(b)\ta\tb\tx\tnot_entailment\n", 2, ErrLabel},
		{"score above 5", "STS-B", stsb + stsbR + "5.001\n", 2, ErrLabel},
		{"negative score", "STS-B", stsb + stsbR + "-0.1\n", 2, ErrLabel},
		{"score not a number", "STS-B", stsb + stsbR + "high\n", 2, ErrLabel},
		{"score NaN", "STS-B", stsb + stsbR + "nan\n", 2, ErrLabel},
		{"score inf", "STS-B", stsb + stsbR + "inf\n", 2, ErrLabel},
		{"score hexadecimal", "STS-B", stsb + stsbR + "0x1p1\n", 2, ErrLabel},
		{"score with underscore", "STS-B", stsb + stsbR + "1_0\n", 2, ErrLabel},
		{"score empty", "STS-B", stsb + stsbR + "\n", 2, ErrLabel},
		{"score with space", "STS-B", stsb + stsbR + " 3.0\n", 2, ErrLabel},
		{"invalid UTF-8", "SST-2", sst2 + "ok\t1\nbad \xff byte\t0\n", 3, ErrUTF8},
		{"invalid UTF-8 in header", "SST-2", "sentence\xc3\tlabel\n", 1, ErrUTF8},
		{"truncated UTF-8 at the end", "SST-2", sst2 + "ok\t1\ncaf\xc3", 3, ErrUTF8},
		{"broken row, strict", "QQP", qqp + "1\t2\t3\tWhy\n\"\tHow?\t0\n", 2, ErrFieldCount},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse(mustTask(t, tt.task), "dir/x.tsv", strings.NewReader(tt.in), Options{})
			checkParseError(t, err, tt.line, tt.want)
		})
	}
}

func checkParseError(t *testing.T, err error, line int, want error) {
	t.Helper()
	var pe *ParseError
	if !errors.As(err, &pe) {
		t.Fatalf("err = %v, want a *ParseError", err)
	}
	if pe.Path != "dir/x.tsv" || pe.Line != line || !errors.Is(err, want) {
		t.Errorf("err = %v (line %d), want %v at line %d", err, pe.Line, want, line)
	}
	if prefix := "dir/x.tsv:" + strconv.Itoa(line) + ": "; !strings.HasPrefix(err.Error(), prefix) {
		t.Errorf("err = %q, want prefix %q", err, prefix)
	}
}

// TestParseLineEndings checks CRLF endings, a missing final newline, a byte
// order mark on any task and characters that Python's csv would keep.
func TestParseLineEndings(t *testing.T) {
	task := mustTask(t, "SST-2")
	want := []Example{cls("x-1", "a \"b\" 'c' \\ d", "", 1), cls("x-2", "tab-free\rcarriage", "", 0)}
	for name, in := range map[string]string{
		"LF":               "sentence\tlabel\na \"b\" 'c' \\ d\t1\ntab-free\rcarriage\t0\n",
		"CRLF":             "sentence\tlabel\r\na \"b\" 'c' \\ d\t1\r\ntab-free\rcarriage\t0\r\n",
		"no final newline": "sentence\tlabel\na \"b\" 'c' \\ d\t1\ntab-free\rcarriage\t0",
		"BOM":              "\ufeffsentence\tlabel\na \"b\" 'c' \\ d\t1\ntab-free\rcarriage\t0\n",
	} {
		f, err := Parse(task, "some/dir/x.tsv", strings.NewReader(in), Options{})
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		sameExamples(t, name, f.Examples, want)
	}
}

// TestParseLongLine reads a row longer than the reader's buffer.
func TestParseLongLine(t *testing.T) {
	long := strings.Repeat("word ", 40000)
	f, err := Parse(mustTask(t, "RTE"), "dev.tsv", strings.NewReader("index\tsentence1\tsentence2\tlabel\n7\t"+long+"\tshort\tentailment\n"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	sameExamples(t, "long", f.Examples, []Example{cls("dev-7", long, "short", 0)})
}

// TestSkipBrokenRows checks the opt-in skipping of rows that line breaks
// inside a field split across lines, as in QQP's first train.tsv.
func TestSkipBrokenRows(t *testing.T) {
	const header = "id\tqid1\tqid2\tquestion1\tquestion2\tis_duplicate\n"
	task := mustTask(t, "QQP")
	in := header +
		"1\t11\t12\tIs it?\tIs it so?\t1\n" +
		"2\t13\t14\t\"Was it\n" + // question1 broken by a newline: 4 fields,
		"\"\tWhen was it?\t0\n" + // then 3: 4+3-1 = 6
		"3\t15\t16\tA\tB\t0\n" +
		"4\t17\t18\tone\n" + // broken twice: 4, 1, 3 fields
		"two\n" +
		"three\tq2\t1\n" +
		"5\t19\t20\tC\tD\t1\n"
	f, err := Parse(task, "train.tsv", strings.NewReader(in), Options{SkipBrokenRows: true})
	if err != nil {
		t.Fatal(err)
	}
	sameExamples(t, "skipped", f.Examples, []Example{
		cls("train-1", "Is it?", "Is it so?", 1),
		cls("train-3", "A", "B", 0),
		cls("train-5", "C", "D", 1),
	})
	if want := []int{3, 4, 6, 7, 8}; !reflect.DeepEqual(f.Skipped, want) {
		t.Errorf("Skipped = %v, want %v", f.Skipped, want)
	}
	// Strict reading fails at the first broken line.
	_, err = Parse(task, "dir/x.tsv", strings.NewReader(in), Options{})
	checkParseError(t, err, 3, ErrFieldCount)

	// Lines that do not join into one row are still errors.
	for name, tc := range map[string]struct {
		in   string
		line int
	}{
		"short row before a whole one": {header + "1\t11\t12\tq1\n2\t13\t14\tA\tB\t0\n", 2},
		"too many joined":              {header + "1\t11\t12\tq1\nx\tq2\t1\textra\n", 2},
		"file ends inside":             {header + "1\t11\t12\tq1\nx\n", 2},
		"long row":                     {header + "1\t11\t12\tA\tB\t0\textra\n", 2},
	} {
		_, err := Parse(task, "dir/x.tsv", strings.NewReader(tc.in), Options{SkipBrokenRows: true})
		t.Run(name, func(t *testing.T) { checkParseError(t, err, tc.line, ErrFieldCount) })
	}
}

func TestLookup(t *testing.T) {
	for _, name := range []string{"CoLA", "cola", "SST-2", "sst2", "SST2", "mrpc", "sts-b", "stsb", "STSB", "qqp", "mnli", "QNLI", "rte", "wnli"} {
		if _, err := Lookup(name); err != nil {
			t.Errorf("Lookup(%q): %v", name, err)
		}
	}
	for _, name := range []string{"", "mnli-mm", "sst", "ax", "squad"} {
		if _, err := Lookup(name); err == nil || !strings.Contains(err.Error(), "CoLA, SST-2") {
			t.Errorf("Lookup(%q) = %v, want an error listing the tasks", name, err)
		}
	}
	var names []string
	for _, task := range Tasks() {
		names = append(names, task.Name)
		if task.Regression() != (task.Name == "STS-B") || task.NumLabels() != map[bool]int{true: 1, false: len(task.Labels)}[task.Regression()] {
			t.Errorf("%s: Regression %v, NumLabels %d", task, task.Regression(), task.NumLabels())
		}
		if task.Pair == (task.Name == "CoLA" || task.Name == "SST-2") {
			t.Errorf("%s: Pair = %v", task, task.Pair)
		}
	}
	if got := strings.Join(names, " "); got != "CoLA SST-2 MRPC STS-B QQP MNLI QNLI RTE WNLI" {
		t.Errorf("Tasks() = %s", got)
	}
}

// FuzzParse checks that no input makes Parse panic, and that what it
// accepts is consistent: valid UTF-8 without tabs or newlines, labels in
// range, scores from 0 to 5.
func FuzzParse(f *testing.F) {
	files, _ := filepath.Glob("testdata/layouts/*/*.tsv")
	for _, path := range files {
		data, err := os.ReadFile(path)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(filepath.Base(filepath.Dir(path)), data, false)
	}
	f.Add("QQP", []byte("id\tqid1\tqid2\tquestion1\tquestion2\tis_duplicate\n2\t13\t14\t\"Was it\n\"\tWhen?\t0\n"), true)
	f.Fuzz(func(t *testing.T, name string, data []byte, skip bool) {
		task, err := Lookup(name)
		if err != nil {
			return
		}
		file, err := Parse(task, "x.tsv", bytes.NewReader(data), Options{SkipBrokenRows: skip})
		if err != nil {
			var pe *ParseError
			if !errors.As(err, &pe) || pe.Line < 1 {
				t.Fatalf("err = %v, want a *ParseError with a line", err)
			}
			return
		}
		for _, ex := range file.Examples {
			for _, s := range []string{ex.TextA, ex.TextB} {
				if !utf8.ValidString(s) || strings.ContainsAny(s, "\t\n") {
					t.Fatalf("text %q", s)
				}
			}
			if ex.Labeled() != file.Labeled {
				t.Fatalf("%+v in a file with Labeled %v", ex, file.Labeled)
			}
			if ex.Label >= task.NumLabels() || task.Regression() && ex.Label != -1 ||
				!math.IsNaN(ex.Score) && (ex.Score < 0 || ex.Score > 5 || !task.Regression()) {
				t.Fatalf("%+v", ex)
			}
		}
	})
}
