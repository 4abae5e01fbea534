package squad

import (
	"fmt"
	"io"
	"os"
	"strings"
	"unicode/utf8"
)

// Dataset is a SQuAD file read by Read.
type Dataset struct {
	Version  string    // the file's "version" ("1.1", "v2.0"); "" if absent
	Examples []Example // one per question, in file order
	// Skipped lists the training questions left out because their answer
	// text is not found in the context words at its offset (run_squad.py's
	// "Could not find answer").
	Skipped []Skipped
}

// Example is one question about one context: run_squad.py's SquadExample.
type Example struct {
	ID       string
	Title    string // the article's title
	Question string
	Context  string
	// DocTokens is the context split at run_squad.py's white space (space,
	// tab, CR, LF, U+202F): "(1895-1943)." is one word. The questions of a
	// paragraph share it.
	DocTokens []string
	// CharToWord gives, for each character (code point) of Context, the
	// index of the word it belongs to; white space belongs to the word
	// before it, and leading white space to word -1. Shared like DocTokens.
	CharToWord []int32
	// Answers are the gold answers; Start counts characters of Context.
	// SQuAD 2.0's unanswerable questions have none.
	Answers []Answer
	// PlausibleAnswers are SQuAD 2.0's answers to an unanswerable question
	// that a reader might give; they are not gold answers.
	PlausibleAnswers []Answer
	Impossible       bool // SQuAD 2.0's is_impossible
	// StartWord and EndWord are the first and last word of the first
	// answer (DocTokens indices), set when read for training to an
	// answerable question; -1 otherwise.
	StartWord, EndWord int
	Line               int // line of the question in the file
}

// Answer is a gold answer: its text and the character offset of its start
// in the context.
type Answer struct {
	Text  string
	Start int
}

// Skipped is a training question whose answer text is not within the words
// its offset points at, after white space is normalized: Found is those
// words joined with spaces, Want the answer's words.
type Skipped struct {
	ID    string
	Line  int
	Found string
	Want  string
}

// Load reads the SQuAD file at path; see Read.
func Load(path string, training bool) (*Dataset, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("squad: %w", err)
	}
	return parse(path, data, training)
}

// Read reads a SQuAD v1.1 or v2.0 file, naming it name in errors.
//
// Every field the format defines is checked: data, paragraphs, context,
// qas, id, question and answers (with text and answer_start) must be
// present and of their type; title, version, is_impossible and
// plausible_answers may be absent. Other keys are ignored. Question ids
// must be unique, and an unanswerable question must have no answers. Any
// violation, and any JSON error, is a *ParseError naming the file, line
// and JSON path.
//
// With training set, Read follows run_squad.py's read_squad_examples for
// training: an answerable question must have exactly one answer, whose
// offset and length must lie in the context, and StartWord and EndWord
// are set from it; a question whose answer text is not found in those
// words is left out and listed in Dataset.Skipped.
func Read(r io.Reader, name string, training bool) (*Dataset, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("squad: reading %s: %w", name, err)
	}
	return parse(name, data, training)
}

// raw forms of a question and an answer, with offsets for errors.
type rawAnswer struct {
	Answer
	off int
}

type rawQA struct {
	id, question       string
	answers            []rawAnswer
	plausible          []rawAnswer
	impossible         bool
	off, idOff, ansOff int
}

func parse(name string, data []byte, training bool) (*Dataset, error) {
	d, err := newDecoder(name, data)
	if err != nil {
		return nil, err
	}
	ds := &Dataset{}
	ids := map[string]int{} // question id → line
	have := map[string]bool{}
	off, err := d.object(func(key string, _ int) error {
		have[key] = true
		switch key {
		case "version":
			v, _, err := d.str()
			ds.Version = v
			return err
		case "data":
			_, err := d.array(func(int) error { return d.article(ds, ids, training) })
			return err
		}
		return d.skip()
	})
	if err != nil {
		return nil, err
	}
	if err := d.required(off, "the file", have, "data"); err != nil {
		return nil, err
	}
	if err := d.end(); err != nil {
		return nil, err
	}
	return ds, nil
}

// article reads {"title", "paragraphs"}.
func (d *decoder) article(ds *Dataset, ids map[string]int, training bool) error {
	have := map[string]bool{}
	var title string
	var paras []func() error // run once the title is known
	off, err := d.object(func(key string, _ int) error {
		have[key] = true
		switch key {
		case "title":
			var err error
			title, _, err = d.str()
			return err
		case "paragraphs":
			_, err := d.array(func(int) error {
				build, err := d.paragraph(ds, ids, training)
				if err != nil {
					return err
				}
				paras = append(paras, build)
				return nil
			})
			return err
		}
		return d.skip()
	})
	if err != nil {
		return err
	}
	if err := d.required(off, "the article", have, "paragraphs"); err != nil {
		return err
	}
	n := len(ds.Examples)
	for _, build := range paras {
		if err := build(); err != nil {
			return err
		}
	}
	for i := n; i < len(ds.Examples); i++ {
		ds.Examples[i].Title = title
	}
	return nil
}

// paragraph reads {"context", "qas"} and returns a function that appends
// its examples; the checks that need the context run there.
func (d *decoder) paragraph(ds *Dataset, ids map[string]int, training bool) (func() error, error) {
	have := map[string]bool{}
	var context string
	var qas []rawQA
	path := append([]string(nil), d.path...)
	off, err := d.object(func(key string, _ int) error {
		have[key] = true
		switch key {
		case "context":
			var err error
			context, _, err = d.str()
			return err
		case "qas":
			_, err := d.array(func(int) error {
				qa, err := d.qa()
				qas = append(qas, qa)
				return err
			})
			return err
		}
		return d.skip()
	})
	if err != nil {
		return nil, err
	}
	if err := d.required(off, "the paragraph", have, "context", "qas"); err != nil {
		return nil, err
	}
	words, charToWord := splitContext(context)
	build := func() error {
		saved := d.path
		defer func() { d.path = saved }()
		for i, qa := range qas {
			d.path = append(append(path[:len(path):len(path)], ".qas"), fmt.Sprintf("[%d]", i))
			if prev, dup := ids[qa.id]; dup {
				return d.errAt(qa.idOff, "question id %q repeats the one on line %d", qa.id, prev)
			}
			ids[qa.id] = d.line(qa.off)
			if err := d.example(ds, qa, context, words, charToWord, training); err != nil {
				return err
			}
		}
		return nil
	}
	return build, nil
}

// qa reads one question.
func (d *decoder) qa() (rawQA, error) {
	var qa rawQA
	have := map[string]bool{}
	off, err := d.object(func(key string, koff int) error {
		have[key] = true
		var err error
		switch key {
		case "id":
			qa.id, qa.idOff, err = d.str()
		case "question":
			qa.question, _, err = d.str()
		case "answers":
			qa.ansOff = koff
			qa.answers, err = d.answers()
		case "plausible_answers":
			qa.plausible, err = d.answers()
		case "is_impossible":
			qa.impossible, _, err = d.boolean()
		default:
			err = d.skip()
		}
		return err
	})
	qa.off = off
	if err != nil {
		return qa, err
	}
	return qa, d.required(off, "the question", have, "id", "question", "answers")
}

// answers reads a list of {"text", "answer_start"}.
func (d *decoder) answers() ([]rawAnswer, error) {
	out := []rawAnswer{}
	_, err := d.array(func(int) error {
		var a rawAnswer
		have := map[string]bool{}
		off, err := d.object(func(key string, _ int) error {
			have[key] = true
			var err error
			var soff int
			switch key {
			case "text":
				a.Text, _, err = d.str()
			case "answer_start":
				a.Start, soff, err = d.integer()
				if err == nil && a.Start < 0 {
					err = d.errAt(soff, "negative answer_start %d", a.Start)
				}
			default:
				err = d.skip()
			}
			return err
		})
		a.off = off
		if err != nil {
			return err
		}
		out = append(out, a)
		return d.required(off, "the answer", have, "text", "answer_start")
	})
	return out, err
}

// example checks a question against its context and appends its example.
func (d *decoder) example(ds *Dataset, qa rawQA, context string, words []string, charToWord []int32, training bool) error {
	if qa.impossible && len(qa.answers) > 0 {
		return d.errAt(qa.ansOff, "question %q is marked is_impossible but has %d answers", qa.id, len(qa.answers))
	}
	ex := Example{
		ID: qa.id, Question: qa.question, Context: context,
		DocTokens: words, CharToWord: charToWord,
		Impossible: qa.impossible, StartWord: -1, EndWord: -1, Line: d.line(qa.off),
	}
	for _, a := range qa.answers {
		ex.Answers = append(ex.Answers, a.Answer)
	}
	for _, a := range qa.plausible {
		ex.PlausibleAnswers = append(ex.PlausibleAnswers, a.Answer)
	}
	if training && !qa.impossible {
		if len(qa.answers) != 1 {
			return d.errAt(qa.ansOff, "training question %q has %d answers, want exactly 1", qa.id, len(qa.answers))
		}
		a := qa.answers[0]
		n := utf8.RuneCountInString(a.Text)
		if n == 0 || strings.IndexFunc(a.Text, func(r rune) bool { return !isPySpace(r) }) < 0 {
			return d.errAt(a.off, "training question %q has an empty answer", qa.id)
		}
		if a.Start+n > len(charToWord) {
			return d.errAt(a.off, "answer of %d characters at %d goes past the end of the %d-character context",
				n, a.Start, len(charToWord))
		}
		start, end := int(charToWord[a.Start]), int(charToWord[a.Start+n-1])
		want := strings.Join(pyFields(a.Text), " ")
		found := ""
		if start >= 0 {
			found = strings.Join(words[start:end+1], " ")
		}
		if start < 0 || !strings.Contains(found, want) {
			ds.Skipped = append(ds.Skipped, Skipped{ID: qa.id, Line: ex.Line, Found: found, Want: want})
			return nil
		}
		ex.StartWord, ex.EndWord = start, end
	}
	ds.Examples = append(ds.Examples, ex)
	return nil
}

// splitContext splits a context into run_squad.py's words and maps each
// character to its word.
func splitContext(context string) ([]string, []int32) {
	var words []string
	charToWord := make([]int32, 0, len(context))
	prevSpace := true
	wordStart := 0
	for i, r := range context {
		if isDocSpace(r) {
			if !prevSpace {
				words = append(words, context[wordStart:i])
			}
			prevSpace = true
		} else if prevSpace {
			wordStart = i
			prevSpace = false
		}
		if !prevSpace {
			charToWord = append(charToWord, int32(len(words)))
		} else {
			charToWord = append(charToWord, int32(len(words)-1))
		}
	}
	if !prevSpace {
		words = append(words, context[wordStart:])
	}
	return words, charToWord
}

// NewExample returns a question about context to answer, not from a file:
// the context split into words as Read splits it, no gold answers.
func NewExample(id, question, context string) Example {
	words, charToWord := splitContext(context)
	return Example{ID: id, Question: question, Context: context, DocTokens: words, CharToWord: charToWord,
		StartWord: -1, EndWord: -1}
}
