package squad

import (
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"
)

// wrap puts qas into a one-paragraph file.
func wrap(context, qas string) string {
	return `{"version": "1.1", "data": [{"title": "T", "paragraphs": [` + "\n" +
		`{"context": ` + fmt.Sprintf("%q", context) + `, "qas": [` + "\n" + qas + "\n]}]}]}"
}

// In the inputs, § marks where the error must be reported; it is removed
// before reading.
var readErrorTests = []struct {
	name     string
	in       string
	training bool
	want     string
}{
	{"empty", "§", false, "empty file"},
	{"truncated", `{"data": [{"paragraphs": [{"context": "x", "qas": [` + "\n\t{\"id\": \"q\"§", false, "truncated"},
	{"truncated string", `{"data": [{"title": "abc§`, false, "truncated"},
	{"syntax", "{\"data\": [\n  {\"paragraphs\": §x}]}", false, "bad JSON: invalid character 'x'"},
	{"trailing comma", "{\"data\": [1,§]}", false, "bad JSON"},
	{"after document", "{\"data\": []}\n§{}", false, "bad JSON"},
	{"not an object", "§[1, 2]", false, "want an object, found an array"},
	{"no data", `§{"version": "1.1"}`, false, `the file has no "data"`},
	{"data not array", `{"data": §{}}`, false, "want an array, found an object"},
	{"version not string", `{"version": §1.1, "data": []}`, false, "want a string, found a number"},
	{"no paragraphs", `{"data": [§{"title": "x"}]}`, false, `the article has no "paragraphs"`},
	{"no context", `{"data": [{"paragraphs": [§{"qas": []}]}]}`, false, `the paragraph has no "context"`},
	{"no qas", `{"data": [{"paragraphs": [§{"context": "c"}]}]}`, false, `the paragraph has no "qas"`},
	{"context not string", `{"data": [{"paragraphs": [{"context": §null, "qas": []}]}]}`, false, "want a string, found null"},
	{"no id", wrap("c", `§{"question": "q", "answers": []}`), false, `the question has no "id"`},
	{"id number", wrap("c", `{"id": §5, "question": "q", "answers": []}`), false, "want a string, found a number"},
	{"no answers", wrap("c", `§{"id": "a", "question": "q"}`), false, `the question has no "answers"`},
	{"answers object", wrap("c", `{"id": "a", "question": "q", "answers": §{}}`), false, "want an array"},
	{"no answer text", wrap("c", `{"id": "a", "question": "q", "answers": [§{"answer_start": 0}]}`), false, `the answer has no "text"`},
	{"answer_start string", wrap("c", `{"id": "a", "question": "q", "answers": [{"text": "c", "answer_start": §"0"}]}`), false, "want an integer, found a string"},
	{"answer_start fraction", wrap("c", `{"id": "a", "question": "q", "answers": [{"text": "c", "answer_start": §0.5}]}`), false, "want an integer, found 0.5"},
	{"answer_start negative", wrap("c", `{"id": "a", "question": "q", "answers": [{"text": "c", "answer_start": §-1}]}`), false, "negative answer_start"},
	{"is_impossible string", wrap("c", `{"id": "a", "question": "q", "answers": [], "is_impossible": §"true"}`), false, "want true or false, found a string"},
	{"repeated key", wrap("c", `{"id": "a", §"id": "b", "question": "q", "answers": []}`), false, `key "id" repeats`},
	{"repeated id", wrap("c", `{"id": "a", "question": "q", "answers": []},`+"\n"+`{"id": §"a", "question": "r", "answers": []}`), false, `question id "a" repeats the one on line 3`},
	{"impossible with answers", wrap("c", `{"id": "a", "question": "q", "is_impossible": true, §"answers": [{"text": "c", "answer_start": 0}]}`), false, "is_impossible but has 1 answers"},
	{"training two answers", wrap("c d", `{"id": "a", "question": "q", §"answers": [{"text": "c", "answer_start": 0}, {"text": "d", "answer_start": 2}]}`), true, "has 2 answers, want exactly 1"},
	{"training no answer", wrap("c d", `{"id": "a", "question": "q", §"answers": []}`), true, "has 0 answers, want exactly 1"},
	{"training past end", wrap("c d", `{"id": "a", "question": "q", "answers": [§{"text": "d e", "answer_start": 2}]}`), true, "goes past the end of the 3-character context"},
	{"training empty answer", wrap("c d", `{"id": "a", "question": "q", "answers": [§{"text": " ", "answer_start": 1}]}`), true, "empty answer"},
	{"invalid UTF-8", "{\"data\": [{\"title\": \"ab§\xff\"}]}", false, "invalid UTF-8"},
}

func TestReadErrors(t *testing.T) {
	for _, tt := range readErrorTests {
		t.Run(tt.name, func(t *testing.T) {
			at := strings.Index(tt.in, "§")
			if at < 0 {
				t.Fatal("no § in the input")
			}
			in := strings.Replace(tt.in, "§", "", 1)
			line := 1 + strings.Count(in[:at], "\n")
			col := at - strings.LastIndex(in[:at], "\n")
			_, err := Read(strings.NewReader(in), "bad.json", tt.training)
			var pe *ParseError
			if !errors.As(err, &pe) {
				t.Fatalf("error %v, want a *ParseError", err)
			}
			if pe.File != "bad.json" || pe.Line != line || pe.Column != col {
				t.Errorf("error at %s:%d:%d, want bad.json:%d:%d (%v)", pe.File, pe.Line, pe.Column, line, col, err)
			}
			prefix := fmt.Sprintf("bad.json:%d:%d: ", line, col)
			if !strings.HasPrefix(err.Error(), prefix) || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %q, want %q... containing %q", err, prefix, tt.want)
			}
		})
	}
}

func TestReadErrorPath(t *testing.T) {
	in := wrap("c", `{"id": "a", "question": "q", "answers": []},`+"\n"+
		`{"id": "b", "question": "q", "answers": [{"text": "c", "answer_start": "0"}]}`)
	_, err := Read(strings.NewReader(in), "p.json", false)
	var pe *ParseError
	if !errors.As(err, &pe) || pe.Path != "data[0].paragraphs[0].qas[1].answers[0].answer_start" {
		t.Errorf("error %v, want path data[0].paragraphs[0].qas[1].answers[0].answer_start", err)
	}
}

func TestReadExamples(t *testing.T) {
	in := `{"version": "v2.0", "extra": {"ignored": [1, 2]}, "data": [
{"title": "First", "paragraphs": [
 {"qas": [
   {"id": "q1", "question": "Who?", "answers": [{"text": "John Smith", "answer_start": 4}], "is_impossible": false, "note": 1},
   {"id": "q2", "question": "Not here?", "answers": [], "is_impossible": true,
    "plausible_answers": [{"text": "Smith", "answer_start": 9}]}
  ],
  "context": "The John Smith\u00a0Jr. (1895-1943)\u202fled  \tit."}
]},
{"paragraphs": [{"context": "  two  words ", "qas": [{"id": "q3", "question": "?", "answers": [{"text": "words", "answer_start": 7}, {"text": "two", "answer_start": 2}]}]}]}
]}`
	ds, err := Read(strings.NewReader(in), "ok.json", false)
	if err != nil {
		t.Fatal(err)
	}
	if ds.Version != "v2.0" || len(ds.Examples) != 3 || len(ds.Skipped) != 0 {
		t.Fatalf("version %q, %d examples, %d skipped", ds.Version, len(ds.Examples), len(ds.Skipped))
	}
	e := ds.Examples[0]
	// U+00A0 stays inside a word; U+202F, tabs and runs of spaces split.
	words := []string{"The", "John", "Smith\u00a0Jr.", "(1895-1943)", "led", "it."}
	if !reflect.DeepEqual(e.DocTokens, words) {
		t.Errorf("DocTokens %q, want %q", e.DocTokens, words)
	}
	if len(e.CharToWord) != len([]rune(e.Context)) {
		t.Fatalf("%d CharToWord entries for %d characters", len(e.CharToWord), len([]rune(e.Context)))
	}
	// White space belongs to the word before it.
	want := "0000" + "11111" + strings.Repeat("2", 10) + strings.Repeat("3", 12) + "444444" + "555"
	got := ""
	for _, w := range e.CharToWord {
		got += fmt.Sprint(w)
	}
	if got != want {
		t.Errorf("CharToWord %s, want %s", got, want)
	}
	if e.ID != "q1" || e.Title != "First" || e.Question != "Who?" || e.Impossible || e.Line != 4 ||
		!reflect.DeepEqual(e.Answers, []Answer{{"John Smith", 4}}) || e.StartWord != -1 {
		t.Errorf("first example %+v", e)
	}
	e = ds.Examples[1]
	if !e.Impossible || len(e.Answers) != 0 || !reflect.DeepEqual(e.PlausibleAnswers, []Answer{{"Smith", 9}}) {
		t.Errorf("second example: impossible %v, answers %v, plausible %v", e.Impossible, e.Answers, e.PlausibleAnswers)
	}
	if &e.DocTokens[0] != &ds.Examples[0].DocTokens[0] {
		t.Error("questions of one paragraph do not share DocTokens")
	}
	e = ds.Examples[2]
	if e.Title != "" || !reflect.DeepEqual(e.DocTokens, []string{"two", "words"}) || len(e.Answers) != 2 {
		t.Errorf("third example %+v", e)
	}
	if fmt.Sprint(e.CharToWord) != "[-1 -1 0 0 0 0 0 1 1 1 1 1 1]" {
		t.Errorf("leading white space: CharToWord %v", e.CharToWord)
	}
}

func TestReadTraining(t *testing.T) {
	in := wrap("The Japanese leader John Smith's rule (1895-1943).  Fin\u00a0al a b",
		`{"id": "sub", "question": "Who?", "answers": [{"text": "Japan", "answer_start": 4}]},
{"id": "two", "question": "Who?", "answers": [{"text": "John Smith", "answer_start": 20}]},
{"id": "ws", "question": "When?", "answers": [{"text": " (1895-1943)", "answer_start": 37}]},
{"id": "wrong", "question": "Who?", "answers": [{"text": "Jones", "answer_start": 20}]},
{"id": "nbsp", "question": "?", "answers": [{"text": "Fin al", "answer_start": 52}]},
{"id": "no", "question": "?", "is_impossible": true, "answers": []}`)
	ds, err := Read(strings.NewReader(in), "train.json", true)
	if err != nil {
		t.Fatal(err)
	}
	type span struct {
		id         string
		start, end int
	}
	var got []span
	for _, e := range ds.Examples {
		got = append(got, span{e.ID, e.StartWord, e.EndWord})
	}
	// "Japan" is inside the word "Japanese"; an answer that starts at a
	// space starts at the word before it.
	want := []span{{"sub", 1, 1}, {"two", 3, 4}, {"ws", 5, 6}, {"no", -1, -1}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("spans %v, want %v", got, want)
	}
	skipped := []Skipped{
		{ID: "wrong", Line: 6, Found: "John", Want: "Jones"},
		{ID: "nbsp", Line: 7, Found: "Fin\u00a0al", Want: "Fin al"},
	}
	if !reflect.DeepEqual(ds.Skipped, skipped) {
		t.Errorf("skipped %+v, want %+v", ds.Skipped, skipped)
	}
}

// FuzzRead: any input either fails with a *ParseError or gives examples
// whose word tables are consistent with their contexts.
func FuzzRead(f *testing.F) {
	f.Add([]byte(wrap("The cat sat.", `{"id": "a", "question": "q", "answers": [{"text": "cat", "answer_start": 4}]}`)), true)
	f.Add([]byte(wrap(" a\u202fb  ", `{"id": "a", "question": "q", "answers": [], "is_impossible": true}`)), false)
	f.Add([]byte(`{"data": [{"paragraphs": [{"context": "x", "qas": [{"id": "1", "question": "", "answers": [{"text": "x", "answer_start": 9}]}]}]}]}`), true)
	f.Fuzz(func(t *testing.T, data []byte, training bool) {
		ds, err := Read(strings.NewReader(string(data)), "fuzz.json", training)
		if err != nil {
			var pe *ParseError
			if !errors.As(err, &pe) || pe.Line < 1 || pe.Column < 1 {
				t.Fatalf("error %v", err)
			}
			return
		}
		for _, e := range ds.Examples {
			if len(e.CharToWord) != len([]rune(e.Context)) {
				t.Fatalf("%d CharToWord entries for %q", len(e.CharToWord), e.Context)
			}
			for _, w := range e.CharToWord {
				if int(w) < -1 || int(w) >= len(e.DocTokens) {
					t.Fatalf("CharToWord %d of %d words", w, len(e.DocTokens))
				}
			}
			if training && !e.Impossible && (e.StartWord < 0 || e.EndWord < e.StartWord || e.EndWord >= len(e.DocTokens)) {
				t.Fatalf("training span %d..%d of %d words", e.StartWord, e.EndWord, len(e.DocTokens))
			}
		}
	})
}
