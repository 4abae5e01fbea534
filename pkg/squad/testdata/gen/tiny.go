//go:build ignore

// Tiny writes testdata/tiny: small SQuAD 1.1 and 2.0 files that a tiny BERT
// learns in a few hundred steps, for tests of fine-tuning and prediction,
// and the vocabulary that covers them. Run it in the testdata directory:
//
//	go run gen/tiny.go
//
// A paragraph states two to four facts about two or three animals in
// templated sentences, each fact of a different relation, among sentences
// that state none; each question asks for one fact:
//
//	The swan is two years old, and the bear is afraid of deep water. The bear lives in Green Hill.
//	Where does the bear live?         Green Hill
//	How many years old is the swan?   two
//	What is the bear afraid of?       deep water
//
// As no relation is stated twice in a paragraph, the question's relation
// alone finds the answer: a model needs to know which words are places,
// foods, times, fears or ages, and where a value starts and ends, but not
// which animal a value belongs to. (With several animals to a relation,
// tiny_learn.py's encoder learned the training questions by heart and
// reached a dev F1 of only 42.) Some answers are several words
// ("sweet roots", "farmer's dog"), some capitalised ("Green Hill"; the
// vocabulary is lower case), and most end a clause or sentence, so that the
// context's word is "berries," or "lake." where the answer is "berries" or
// "big lake": features must narrow the answer to its own tokens. A leading
// "the" is left out of the answer, as SQuAD's answers mostly do.
//
// Every sixth paragraph (the first, the seventh, ...) is long: four facts in
// five sentences of 57 to 66 tokens, more than a window holds at a sequence
// length of 64 with the shortest question (6 tokens, leaving 55), so that
// it takes two windows at a document stride of 32, whatever the question.
// The others have two or three facts in two to four sentences of at most 53
// tokens, which fit one window with the longest question (8 tokens). All
// contexts have 20 to 60 words.
//
// The SQuAD 2.0 files add to each paragraph half as many unanswerable
// questions as it has facts, rounded up: about a third of all questions.
// Each asks about an animal the paragraph does not mention. Most ask for a
// relation the paragraph states of no animal; 15% ask for one it states,
// and have its value as their plausible answer. Only noticing that the
// animal is missing tells those from answerable questions, which the
// encoder does not learn (when every unanswerable question was of that
// kind, its dev F1 was 51), so they cost it some points: without them it
// reached 87 to 95 over three seeds of this program, with them 81 and 83.
//
// The training files hold 360 questions, the dev files 72. A dev question
// has three answers, as SQuAD's dev files do: the answer twice and once with
// the value's "the", where it has one ("the big lake").
//
// tiny_learn.py trains a two-layer encoder of width 64 from scratch on each
// training file for 600 steps of 32; on the dev files it reached exact match
// 100.0 and F1 100.0 for SQuAD 1.1, and 77.8 and 81.0 for SQuAD 2.0 (F1
// 81.1 on the answerable questions, 80.8% of the unanswerable ones left
// unanswered).
//
// The output depends only on the seed below (math/rand/v2's PCG).
package main

import (
	"encoding/json"
	"fmt"
	"log"
	"math/rand/v2"
	"os"
	"slices"
	"strings"

	"github.com/bertline/bertline/internal/fixturevocab"
)

var rng = rand.New(rand.NewPCG(2024, 1111))

var animals = strings.Fields("fox owl bear deer duck frog goat hare mole wolf crow swan")

// A relation is a kind of fact: the phrases that state it after the animal,
// the questions that ask for it, and its values.
type relation struct {
	clauses   []string // "lives in %s"
	questions []string // "Where does the %s live?"
	values    []string
}

var relations = []relation{
	{
		clauses:   []string{"lives in %s", "makes its home in %s"},
		questions: []string{"Where does the %s live?", "Where is the home of the %s?"},
		values:    []string{"the barn", "the river", "the big lake", "the tall tree", "Green Hill", "Stone Bridge"},
	},
	{
		clauses:   []string{"eats %s", "likes to eat %s"},
		questions: []string{"What does the %s eat?", "What food does the %s like?"},
		values:    []string{"fish", "berries", "honey", "corn", "small bugs", "sweet roots"},
	},
	{
		clauses:   []string{"sleeps %s", "likes to sleep %s"},
		questions: []string{"When does the %s sleep?", "At what time does the %s sleep?"},
		values:    []string{"at night", "at noon", "all day", "after lunch", "before dawn", "on Sundays"},
	},
	{
		clauses:   []string{"is afraid of %s", "runs from %s"},
		questions: []string{"What is the %s afraid of?", "What does the %s run from?"},
		values:    []string{"thunder", "bees", "the dark", "deep water", "loud noises", "the farmer's dog"},
	},
	{
		clauses:   []string{"is %s years old"},
		questions: []string{"How old is the %s?", "How many years old is the %s?"},
		values:    []string{"two", "three", "five", "seven", "10", "12"},
	},
}

// fillers are sentences that state no fact.
var fillers = []string{
	"It is a quiet place far from the town.", "Many animals live there together.",
	"The weather on the farm is often warm and dry.", "Children like to visit the farm in summer.",
	"A narrow path leads from the road to the gate.", "Someone counts the animals there each week.",
	"Visitors often stop by the fence to watch them.",
}

func pick[T any](xs []T) T { return xs[rng.IntN(len(xs))] }

// fact is one value of one relation of one animal, and where the context
// states it.
type fact struct {
	animal string
	rel    *relation
	value  string // as the context states it: "the big lake"
	answer string // the value without a leading "the": "big lake"
	start  int    // character offset of answer in the context
}

// context builds a paragraph's text and records where values start.
type context struct{ b strings.Builder }

func (c *context) text(s string) { c.b.WriteString(s) }

func (c *context) value(f *fact) {
	// The text is ASCII: bytes are characters.
	f.start = c.b.Len() + len(f.value) - len(f.answer)
	c.b.WriteString(f.value)
}

func (c *context) clause(f *fact) {
	cl := pick(f.rel.clauses)
	i := strings.Index(cl, "%s")
	c.text(cl[:i])
	c.value(f)
	c.text(cl[i+2:])
}

// sentence writes one sentence stating one or two facts: of one animal
// ("The fox lives in the barn and eats corn.") or of two ("The fox eats
// corn, and the owl sleeps at night.").
func (c *context) sentence(fs []*fact) {
	if c.b.Len() > 0 {
		c.text(" ")
	}
	c.text("The " + fs[0].animal + " ")
	c.clause(fs[0])
	if len(fs) == 2 {
		if fs[1].animal == fs[0].animal {
			c.text(" and ")
		} else {
			c.text(", and the " + fs[1].animal + " ")
		}
		c.clause(fs[1])
	}
	c.text(".")
}

// paragraph is a context with its facts.
type paragraph struct {
	context string
	facts   []*fact
	animals []string
}

// tokens counts what BERT's basic tokenizer makes of s: words, with each
// punctuation mark a token of its own.
func tokens(s string) int {
	n := 0
	for _, w := range strings.Fields(s) {
		n += len(fixturevocab.SplitPunct(w))
	}
	return n
}

// newParagraph draws paragraphs until one has the size asked for: long
// ones need two windows, short ones fit one.
func newParagraph(long bool) paragraph {
	for try := 0; ; try++ {
		if try == 100000 {
			log.Fatalf("no paragraph of the size asked for (long %v)", long)
		}
		p := drawParagraph(long)
		words, toks := len(strings.Fields(p.context)), tokens(p.context)
		if words < 20 || words > 60 {
			continue
		}
		if long && toks >= 57 && toks <= 66 || !long && toks <= 53 {
			return p
		}
	}
}

func drawParagraph(long bool) paragraph {
	nFacts, nAnimals, nSentences := 2+rng.IntN(2), 2, 2+rng.IntN(3)
	if long {
		nFacts, nAnimals, nSentences = 4, 2+rng.IntN(2), 5
	}
	nAnimals = min(nAnimals, nFacts)
	var p paragraph
	for _, i := range rng.Perm(len(animals))[:nAnimals] {
		p.animals = append(p.animals, animals[i])
	}
	// Each relation is stated at most once, each animal at least once.
	for k, ri := range rng.Perm(len(relations))[:nFacts] {
		r := &relations[ri]
		a := p.animals[k%nAnimals]
		if k >= nAnimals {
			a = pick(p.animals)
		}
		v := pick(r.values)
		p.facts = append(p.facts, &fact{animal: a, rel: r, value: v, answer: strings.TrimPrefix(v, "the ")})
	}
	rng.Shuffle(len(p.facts), func(a, b int) { p.facts[a], p.facts[b] = p.facts[b], p.facts[a] })
	// Sentences of one or two facts; fillers make up the rest.
	var sentences [][]*fact
	for i := 0; i < len(p.facts); i++ {
		s := []*fact{p.facts[i]}
		if i+1 < len(p.facts) && rng.IntN(2) == 0 {
			s = append(s, p.facts[i+1])
			i++
		}
		sentences = append(sentences, s)
	}
	if len(sentences) > nSentences {
		nSentences = len(sentences)
	}
	fillAt := rng.Perm(nSentences)[:nSentences-len(sentences)]
	fs := slices.Clone(fillers)
	rng.Shuffle(len(fs), func(a, b int) { fs[a], fs[b] = fs[b], fs[a] })
	var c context
	for k := 0; k < nSentences; k++ {
		if slices.Contains(fillAt, k) {
			if c.b.Len() > 0 {
				c.text(" ")
			}
			c.text(fs[0])
			fs = fs[1:]
			continue
		}
		c.sentence(sentences[0])
		sentences = sentences[1:]
	}
	p.context = c.b.String()
	return p
}

// The file format: SQuAD's JSON.
type (
	file struct {
		Version string    `json:"version"`
		Data    []article `json:"data"`
	}
	article struct {
		Title      string `json:"title"`
		Paragraphs []para `json:"paragraphs"`
	}
	para struct {
		Context string `json:"context"`
		QAs     []qa   `json:"qas"`
	}
	qa struct {
		ID               string   `json:"id"`
		Question         string   `json:"question"`
		Answers          []answer `json:"answers"`
		Impossible       *bool    `json:"is_impossible,omitempty"`
		PlausibleAnswers []answer `json:"plausible_answers,omitempty"`
	}
	answer struct {
		Text  string `json:"text"`
		Start int    `json:"answer_start"`
	}
)

var ids = map[string]bool{}

// newID returns a question id in SQuAD's form, 24 hex digits.
func newID() string {
	for {
		id := fmt.Sprintf("%016x%08x", rng.Uint64(), rng.Uint32())
		if !ids[id] {
			ids[id] = true
			return id
		}
	}
}

// answers returns a fact's gold answers: one for training; for dev, three,
// the second with the value's "the" where it has one.
func answers(f *fact, dev bool) []answer {
	a := answer{f.answer, f.start}
	if !dev {
		return []answer{a}
	}
	long := answer{f.value, f.start + len(f.answer) - len(f.value)}
	return []answer{a, long, a}
}

// question asks for a fact.
func question(f *fact, v2, dev bool) qa {
	q := qa{ID: newID(), Question: fmt.Sprintf(pick(f.rel.questions), f.animal), Answers: answers(f, dev)}
	if v2 {
		q.Impossible = new(bool)
	}
	return q
}

// plausibleShare is the share of unanswerable questions that ask for a
// relation the paragraph states, of another animal.
const plausibleShare = 0.15

// unanswerable asks about an animal the paragraph does not mention: for a
// relation it states of no animal or, a plausibleShare of the time, for
// one it states, whose value is then the plausible answer.
func unanswerable(p paragraph) qa {
	q := qa{ID: newID(), Answers: []answer{}, Impossible: new(bool)}
	*q.Impossible = true
	other := pick(animals)
	for slices.Contains(p.animals, other) {
		other = pick(animals)
	}
	if rng.Float64() < plausibleShare {
		f := pick(p.facts)
		q.Question = fmt.Sprintf(pick(f.rel.questions), other)
		q.PlausibleAnswers = []answer{{f.answer, f.start}}
		return q
	}
	var absent []*relation
	for i := range relations {
		r := &relations[i]
		if !slices.ContainsFunc(p.facts, func(f *fact) bool { return f.rel == r }) {
			absent = append(absent, r)
		}
	}
	q.Question = fmt.Sprintf(pick(pick(absent).questions), other)
	return q
}

var words = map[string]bool{}

// dataset writes a file of n questions.
func dataset(path string, n int, v2, dev bool) {
	f := file{Version: "1.1", Data: []article{}}
	if v2 {
		f.Version = "v2.0"
	}
	total := 0
	for k := 0; total < n; k++ {
		if k%6 == 0 {
			f.Data = append(f.Data, article{Title: fmt.Sprintf("Animals_%d", len(f.Data)+1)})
		}
		p := newParagraph(k%6 == 0)
		var qs []qa
		for _, ft := range p.facts {
			qs = append(qs, question(ft, v2, dev))
		}
		if v2 {
			asked := map[string]bool{}
			for len(asked) < (len(p.facts)+1)/2 {
				if q := unanswerable(p); !asked[q.Question] {
					asked[q.Question] = true
					qs = append(qs, q)
				}
			}
		}
		rng.Shuffle(len(qs), func(a, b int) { qs[a], qs[b] = qs[b], qs[a] })
		if total+len(qs) > n {
			qs = qs[:n-total]
		}
		total += len(qs)
		for _, w := range strings.Fields(p.context) {
			words[w] = true
		}
		for _, q := range qs {
			for _, w := range strings.Fields(q.Question) {
				words[w] = true
			}
		}
		a := &f.Data[len(f.Data)-1]
		a.Paragraphs = append(a.Paragraphs, para{Context: p.context, QAs: qs})
	}
	out, err := json.MarshalIndent(f, "", " ")
	if err != nil {
		log.Fatal(err)
	}
	if err := os.WriteFile(path, append(out, '\n'), 0o644); err != nil {
		log.Fatal(err)
	}
}

func main() {
	if err := os.MkdirAll("tiny", 0o755); err != nil {
		log.Fatal(err)
	}
	dataset("tiny/train-v1.1.json", 360, false, false)
	dataset("tiny/dev-v1.1.json", 72, false, true)
	dataset("tiny/train-v2.0.json", 360, true, false)
	dataset("tiny/dev-v2.0.json", 72, true, true)

	// The vocabulary: special tokens, then every word and punctuation
	// mark, lower-cased and sorted.
	if err := fixturevocab.Write("tiny/vocab.txt", words); err != nil {
		log.Fatal(err)
	}
}
