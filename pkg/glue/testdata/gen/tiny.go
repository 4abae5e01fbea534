//go:build ignore

// Tiny writes testdata/tiny: small GLUE-format datasets that a tiny BERT
// learns in a few hundred steps, for tests of fine-tuning and evaluation,
// and the vocabulary that covers them. Run it in the testdata directory:
//
//	go run gen/tiny.go
//
// Each task's label follows from which words occur, so that a model with
// two layers can learn it:
//
//	CoLA   acceptable: "the N V the N ." in that order; unacceptable: the
//	       same words out of order
//	SST-2  positive or negative by the one sentiment word among fillers
//	MRPC   paraphrase: B has A's four content words in another order; not:
//	       B shares at most one of them
//	STS-B  score k: B keeps k of A's five animals (0 to 5) in their places,
//	       things taking the places of the others
//	MNLI   entailment: the hypothesis restates a clause of the premise;
//	       contradiction: it negates one ("does not"); neutral: it is about
//	       things, not the premise's animals, negated or not
//
// In STS-B and MNLI the second sentence alone also tells the label (by its
// things and "not"), which makes them quick to learn; MRPC's label needs
// both sentences.
//
// tiny_learn.py trains a two-layer encoder of width 64 from scratch on each
// (AdamW, learning rate 1e-3, batches of 16, 300 steps); it reached, on the
// dev files: CoLA accuracy 0.950, SST-2 1.000, MRPC 0.950, STS-B Pearson
// 0.984, MNLI 1.000 matched and mismatched.
//
// The output depends only on the seed below (math/rand/v2's PCG).
package main

import (
	"fmt"
	"log"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"

	"github.com/bertline/bertline/internal/fixturevocab"
)

var (
	nouns = strings.Fields("cat dog bird horse fish cow lion bear wolf fox mouse duck frog goat sheep owl " +
		"ant bee crab deer eagle hare seal swan")
	// pairNouns is the smaller pool of the pair tasks, so that each word is
	// seen often enough for a small model to learn to match it.
	pairNouns = strings.Fields("cat dog bird horse fish cow lion bear wolf fox")
	// things replace animals in STS-B and MNLI, so that what changed shows
	// in the second sentence alone too.
	things    = strings.Fields("box cup hat car ball book lamp door key bag")
	verbs     = strings.Fields("sees likes chases finds helps follows watches meets")
	baseVerbs = map[string]string{"sees": "see", "likes": "like", "chases": "chase", "finds": "find",
		"helps": "help", "follows": "follow", "watches": "watch", "meets": "meet"}
	positive = strings.Fields("good great fine nice lovely superb")
	negative = strings.Fields("bad awful poor dull boring terrible")
	subjects = strings.Fields("movie film story plot acting music ending cast")
	adverbs  = strings.Fields("very quite really rather truly")
	fillers  = strings.Fields("today again overall mostly also")
)

var rng = rand.New(rand.NewPCG(2024, 611))

func pick(words []string) string { return words[rng.IntN(len(words))] }

// distinct returns n different words of pool, none of them in avoid.
func distinct(pool []string, n int, avoid ...string) []string {
	var out []string
	for len(out) < n {
		w := pick(pool)
		if !contains(out, w) && !contains(avoid, w) {
			out = append(out, w)
		}
	}
	return out
}

func contains(ws []string, w string) bool {
	for _, x := range ws {
		if x == w {
			return true
		}
	}
	return false
}

func shuffled(ws []string) []string {
	out := append([]string(nil), ws...)
	for {
		rng.Shuffle(len(out), func(i, j int) { out[i], out[j] = out[j], out[i] })
		if len(out) < 2 || strings.Join(out, " ") != strings.Join(ws, " ") {
			return out
		}
	}
}

// cola returns a row of CoLA's train and dev layout: source, label, the
// original judgement ("*" when unacceptable) and the sentence.
func cola(i int) string {
	ns := distinct(nouns, 2)
	words := []string{"the", ns[0], pick(verbs), "the", ns[1]}
	label, mark := 1, ""
	if i%2 == 1 {
		words, label, mark = shuffled(words), 0, "*"
	}
	return fmt.Sprintf("tiny%02d\t%d\t%s\t%s .", i%7, label, mark, strings.Join(words, " "))
}

// sst2 returns a row of SST-2's layout: sentence, label.
func sst2(i int) string {
	label := i % 2
	word := pick(negative)
	if label == 1 {
		word = pick(positive)
	}
	words := []string{"the", pick(subjects), "was", pick(adverbs), word}
	if rng.IntN(2) == 0 {
		words = append(words, pick(fillers))
	}
	if rng.IntN(3) == 0 {
		words = append([]string{pick(fillers), ","}, words...)
	}
	return fmt.Sprintf("%s . \t%d", strings.Join(words, " "), label)
}

// clause writes three content words as a sentence.
func clause(w []string) string {
	return fmt.Sprintf("the %s and the %s meet the %s .", w[0], w[1], w[2])
}

// mrpc returns a row of MRPC's train and dev layout: Quality, #1 ID, #2 ID,
// #1 String, #2 String.
func mrpc(i int) string {
	a := distinct(pairNouns, 3)
	label := i % 2
	b := distinct(pairNouns, 3, a...)
	if label == 1 {
		b = shuffled(a)
	}
	return fmt.Sprintf("%d\t%d\t%d\t%s\t%s", label, 100000+2*i, 100001+2*i, clause(a), clause(b))
}

// stsb returns a row of STS-B's train and dev layout: index, genre,
// filename, year, old_index, source1, source2, sentence1, sentence2, score.
func stsb(i int) string {
	a := distinct(pairNouns, 5)
	k := i % 6
	b := append([]string(nil), a...)
	other := distinct(things, 5-k)
	for j, pos := range rng.Perm(5)[:5-k] {
		b[pos] = other[j]
	}
	s := func(w []string) string {
		return fmt.Sprintf("a %s , a %s and a %s watch a %s and a %s .", w[0], w[1], w[2], w[3], w[4])
	}
	return fmt.Sprintf("%d\tmain-tiny\tTINY\t2024\t%04d\tnone\tnone\t%s\t%s\t%d.000", i, i, s(a), s(b), k)
}

// mnli returns the text columns and gold label of an MNLI row.
func mnli(i int) (premise, hypothesis, label string) {
	ns := distinct(pairNouns, 4)
	v1, v2 := pick(verbs), pick(verbs)
	premise = fmt.Sprintf("the %s %s the %s and the %s %s the %s .", ns[0], v1, ns[1], ns[2], v2, ns[3])
	// Restate or negate one of the two clauses.
	s, v, o := ns[0], v1, ns[1]
	if rng.IntN(2) == 0 {
		s, v, o = ns[2], v2, ns[3]
	}
	switch i % 3 {
	case 0:
		label = "contradiction"
		hypothesis = fmt.Sprintf("the %s does not %s the %s .", s, baseVerbs[v], o)
	case 1:
		label = "entailment"
		hypothesis = fmt.Sprintf("the %s %s the %s .", s, v, o)
	default:
		label = "neutral"
		other := distinct(things, 2)
		v = pick(verbs)
		if rng.IntN(2) == 0 {
			hypothesis = fmt.Sprintf("the %s does not %s the %s .", other[0], baseVerbs[v], other[1])
		} else {
			hypothesis = fmt.Sprintf("the %s %s the %s .", other[0], v, other[1])
		}
	}
	return premise, hypothesis, label
}

// parse writes a sentence as a flat binary parse, as MNLI's parse columns
// hold one.
func parse(s string) string { return "( " + strings.Join(strings.Fields(s), " ") + " )" }

func mnliTrain(i int) string {
	p, h, label := mnli(i)
	return fmt.Sprintf("%d\t%d\t%dx\tfiction\t%s\t%s\t(ROOT %s)\t(ROOT %s)\t%s\t%s\t%s\t%s",
		i, 50000+i, 50000+i, parse(p), parse(h), parse(p), parse(h), p, h, label, label)
}

func mnliDev(genre string) func(int) string {
	return func(i int) string {
		p, h, label := mnli(i)
		return fmt.Sprintf("%d\t%d\t%dx\t%s\t%s\t%s\t(ROOT %s)\t(ROOT %s)\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s",
			i, 70000+i, 70000+i, genre, parse(p), parse(h), parse(p), parse(h), p, h,
			label, label, label, label, label, label)
	}
}

const (
	mnliTrainHeader = "index\tpromptID\tpairID\tgenre\tsentence1_binary_parse\tsentence2_binary_parse\tsentence1_parse\tsentence2_parse\tsentence1\tsentence2\tlabel1\tgold_label"
	mnliDevHeader   = "index\tpromptID\tpairID\tgenre\tsentence1_binary_parse\tsentence2_binary_parse\tsentence1_parse\tsentence2_parse\tsentence1\tsentence2\tlabel1\tlabel2\tlabel3\tlabel4\tlabel5\tgold_label"
)

var words = map[string]bool{}

// write writes n rows and a header (if any) to path, and adds the words of
// the text columns to the vocabulary.
func write(path, header string, text []int, n int, row func(int) string) {
	var b strings.Builder
	if header != "" {
		b.WriteString(header + "\n")
	}
	for i := 0; i < n; i++ {
		line := row(i)
		b.WriteString(line + "\n")
		fields := strings.Split(line, "\t")
		for _, c := range text {
			for _, w := range strings.Fields(fields[c]) {
				words[w] = true
			}
		}
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		log.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		log.Fatal(err)
	}
}

func main() {
	write("tiny/CoLA/train.tsv", "", []int{3}, 200, cola)
	write("tiny/CoLA/dev.tsv", "", []int{3}, 60, cola)
	write("tiny/SST-2/train.tsv", "sentence\tlabel", []int{0}, 200, sst2)
	write("tiny/SST-2/dev.tsv", "sentence\tlabel", []int{0}, 60, sst2)
	// MRPC's published header starts with a byte order mark.
	mrpcHeader := "\ufeffQuality\t#1 ID\t#2 ID\t#1 String\t#2 String"
	write("tiny/MRPC/train.tsv", mrpcHeader, []int{3, 4}, 200, mrpc)
	write("tiny/MRPC/dev.tsv", mrpcHeader, []int{3, 4}, 60, mrpc)
	stsbHeader := "index\tgenre\tfilename\tyear\told_index\tsource1\tsource2\tsentence1\tsentence2\tscore"
	write("tiny/STS-B/train.tsv", stsbHeader, []int{7, 8}, 240, stsb)
	write("tiny/STS-B/dev.tsv", stsbHeader, []int{7, 8}, 60, stsb)
	write("tiny/MNLI/train.tsv", mnliTrainHeader, []int{8, 9}, 300, mnliTrain)
	write("tiny/MNLI/dev_matched.tsv", mnliDevHeader, []int{8, 9}, 60, mnliDev("fiction"))
	write("tiny/MNLI/dev_mismatched.tsv", mnliDevHeader, []int{8, 9}, 60, mnliDev("letters"))

	// The vocabulary: special tokens, then every word and punctuation
	// mark of the text columns, sorted.
	if err := fixturevocab.Write("tiny/vocab.txt", words); err != nil {
		log.Fatal(err)
	}
}
