package glue

import (
	"fmt"
	"strings"
)

// Task describes one GLUE task: its files, how to read them, its labels and
// its official metrics.
type Task struct {
	// Name is GLUE's name for the task, which is also the name of its
	// directory in the published data: "CoLA", "SST-2", "MRPC", "STS-B",
	// "QQP", "MNLI", "QNLI", "RTE" or "WNLI".
	Name string
	// Train is the training file, "train.tsv".
	Train string
	// Dev lists the development files: "dev.tsv", or for MNLI
	// "dev_matched.tsv" and "dev_mismatched.tsv", each evaluated on its own.
	Dev []string
	// Test lists the unlabeled test files, in the order of Dev.
	Test []string
	// Labels lists the classes as the files write them, in the order of the
	// classifier's outputs (run_classifier.py's get_labels): an Example's
	// Label indexes it. It is nil for STS-B, a regression task.
	Labels []string
	// Pair is true for sentence-pair tasks (all but CoLA and SST-2).
	Pair bool
	// Metrics names the task's official metrics in the order
	// EvaluateClasses or EvaluateScores returns them, with the keys of
	// HuggingFace's glue_compute_metrics.
	Metrics []string

	// labeled and test are the column layouts of the train and dev files
	// and of the test files.
	labeled, test layout
}

// Regression reports whether the task scores pairs with a real number
// (STS-B) rather than classifying them.
func (t *Task) Regression() bool { return t.Labels == nil }

// NumLabels returns the number of outputs of the task's head: the number
// of classes, or 1 for a regression task.
func (t *Task) NumLabels() int {
	if t.Regression() {
		return 1
	}
	return len(t.Labels)
}

// String returns the task's name.
func (t *Task) String() string { return t.Name }

// lastColumn in a layout stands for the last column of the file, wherever it
// is: MNLI's train and dev files have 12 and 16 columns and keep the gold
// label last.
const lastColumn = -2

// column is a column that a layout reads, with the header field that names
// it in the published files.
type column struct {
	pos  int // 0-based; lastColumn for the last; -1 when the layout has none
	name string
}

// layout says which columns of a file hold what. The positions are those
// that google-research/bert's run_classifier.py and HuggingFace's glue
// processors read; the names are the published headers' fields at those
// positions, which Read checks.
type layout struct {
	// header is false only for CoLA's train and dev files; width is then
	// the exact number of fields of a row.
	header bool
	width  int
	// id holds the example's id (GUIDs use it); where pos is -1 GUIDs
	// number rows as HuggingFace does, from rowBase for the first data row.
	id      column
	rowBase int
	a, b    column // text_a and text_b; b.pos is -1 for single sentences
	label   column // label.pos is -1 in test files
	// index, when set, is a further column that the header must name: the
	// "index" of test files that GUIDs do not use.
	index column
}

// noColumn stands for a column that a layout does not have.
var noColumn = column{pos: -1}

// tasks is the table of GLUE tasks, in the order of GLUE's leaderboard.
var tasks = []*Task{
	{
		Name: "CoLA", Labels: []string{"0", "1"}, Metrics: []string{"mcc"},
		// source, label, original judgement ("*" or empty), sentence.
		labeled: layout{width: 4, id: noColumn, a: column{3, ""}, b: noColumn, label: column{1, ""}, index: noColumn},
		test:    layout{header: true, id: noColumn, a: column{1, "sentence"}, b: noColumn, label: noColumn, index: column{0, "index"}},
	},
	{
		Name: "SST-2", Labels: []string{"0", "1"}, Metrics: []string{"acc"},
		labeled: layout{header: true, id: noColumn, rowBase: 1, a: column{0, "sentence"}, b: noColumn, label: column{1, "label"}, index: noColumn},
		test:    layout{header: true, id: noColumn, rowBase: 1, a: column{1, "sentence"}, b: noColumn, label: noColumn, index: column{0, "index"}},
	},
	{
		Name: "MRPC", Labels: []string{"0", "1"}, Pair: true, Metrics: []string{"acc", "f1", "acc_and_f1"},
		labeled: layout{header: true, id: noColumn, rowBase: 1, a: column{3, "#1 String"}, b: column{4, "#2 String"}, label: column{0, "Quality"}, index: noColumn},
		test:    layout{header: true, id: noColumn, rowBase: 1, a: column{3, "#1 String"}, b: column{4, "#2 String"}, label: noColumn, index: column{0, "index"}},
	},
	{
		Name: "STS-B", Pair: true, Metrics: []string{"pearson", "spearmanr", "corr"},
		labeled: layout{header: true, id: column{0, "index"}, a: column{7, "sentence1"}, b: column{8, "sentence2"}, label: column{lastColumn, "score"}, index: noColumn},
		test:    layout{header: true, id: column{0, "index"}, a: column{7, "sentence1"}, b: column{8, "sentence2"}, label: noColumn, index: noColumn},
	},
	{
		Name: "QQP", Labels: []string{"0", "1"}, Pair: true, Metrics: []string{"acc", "f1", "acc_and_f1"},
		labeled: layout{header: true, id: column{0, "id"}, a: column{3, "question1"}, b: column{4, "question2"}, label: column{5, "is_duplicate"}, index: noColumn},
		test:    layout{header: true, id: column{0, "id"}, a: column{1, "question1"}, b: column{2, "question2"}, label: noColumn, index: noColumn},
	},
	{
		Name: "MNLI", Labels: []string{"contradiction", "entailment", "neutral"}, Pair: true, Metrics: []string{"acc"},
		labeled: layout{header: true, id: column{0, "index"}, a: column{8, "sentence1"}, b: column{9, "sentence2"}, label: column{lastColumn, "gold_label"}, index: noColumn},
		test:    layout{header: true, id: column{0, "index"}, a: column{8, "sentence1"}, b: column{9, "sentence2"}, label: noColumn, index: noColumn},
	},
	{
		Name: "QNLI", Labels: []string{"entailment", "not_entailment"}, Pair: true, Metrics: []string{"acc"},
		labeled: layout{header: true, id: column{0, "index"}, a: column{1, "question"}, b: column{2, "sentence"}, label: column{lastColumn, "label"}, index: noColumn},
		test:    layout{header: true, id: column{0, "index"}, a: column{1, "question"}, b: column{2, "sentence"}, label: noColumn, index: noColumn},
	},
	{
		Name: "RTE", Labels: []string{"entailment", "not_entailment"}, Pair: true, Metrics: []string{"acc"},
		labeled: layout{header: true, id: column{0, "index"}, a: column{1, "sentence1"}, b: column{2, "sentence2"}, label: column{lastColumn, "label"}, index: noColumn},
		test:    layout{header: true, id: column{0, "index"}, a: column{1, "sentence1"}, b: column{2, "sentence2"}, label: noColumn, index: noColumn},
	},
	{
		Name: "WNLI", Labels: []string{"0", "1"}, Pair: true, Metrics: []string{"acc"},
		labeled: layout{header: true, id: column{0, "index"}, a: column{1, "sentence1"}, b: column{2, "sentence2"}, label: column{lastColumn, "label"}, index: noColumn},
		test:    layout{header: true, id: column{0, "index"}, a: column{1, "sentence1"}, b: column{2, "sentence2"}, label: noColumn, index: noColumn},
	},
}

func init() {
	for _, t := range tasks {
		t.Train = "train.tsv"
		if t.Name == "MNLI" {
			t.Dev = []string{"dev_matched.tsv", "dev_mismatched.tsv"}
			t.Test = []string{"test_matched.tsv", "test_mismatched.tsv"}
		} else {
			t.Dev = []string{"dev.tsv"}
			t.Test = []string{"test.tsv"}
		}
	}
}

// Tasks returns the nine GLUE tasks in the order of GLUE's leaderboard:
// CoLA, SST-2, MRPC, STS-B, QQP, MNLI, QNLI, RTE, WNLI. The Tasks are shared
// and must not be modified.
func Tasks() []*Task { return append([]*Task(nil), tasks...) }

// Lookup returns the task with the given name. Case and hyphens do not
// matter: "sst-2", "SST2" and "sst2" name SST-2, as "stsb" names STS-B.
func Lookup(name string) (*Task, error) {
	key := func(s string) string { return strings.ToLower(strings.ReplaceAll(s, "-", "")) }
	var names []string
	for _, t := range tasks {
		if key(t.Name) == key(name) {
			return t, nil
		}
		names = append(names, t.Name)
	}
	return nil, fmt.Errorf("glue: unknown task %q (want one of %s)", name, strings.Join(names, ", "))
}
