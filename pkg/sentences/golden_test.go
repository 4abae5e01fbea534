package sentences

import (
	"bufio"
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite testdata/paragraphs.want.txt from the current segmenter")

// A paragraphCase is one named paragraph of testdata/paragraphs.txt, or its
// sentences in a .want.txt or .punkt.txt file.
type paragraphCase struct {
	name  string
	lines []string
}

// readCases parses the "# name", lines, blank-line format of testdata.
func readCases(t *testing.T, path string) []paragraphCase {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var cases []paragraphCase
	sc := bufio.NewScanner(bytes.NewReader(data))
	for sc.Scan() {
		line := sc.Text()
		switch {
		case strings.HasPrefix(line, "# "):
			cases = append(cases, paragraphCase{name: line[2:]})
		case line == "":
		case len(cases) == 0:
			t.Fatalf("%s: text before the first case name: %q", path, line)
		default:
			c := &cases[len(cases)-1]
			c.lines = append(c.lines, line)
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return cases
}

func formatCases(cases []paragraphCase) []byte {
	var b bytes.Buffer
	for _, c := range cases {
		b.WriteString("# " + c.name + "\n")
		for _, l := range c.lines {
			b.WriteString(l + "\n")
		}
		b.WriteString("\n")
	}
	return b.Bytes()
}

// splitParagraphs splits each paragraph of testdata/paragraphs.txt.
func splitParagraphs(t *testing.T) []paragraphCase {
	t.Helper()
	seg := NewEnglish()
	var out []paragraphCase
	for _, c := range readCases(t, filepath.Join("testdata", "paragraphs.txt")) {
		if len(c.lines) != 1 {
			t.Fatalf("case %s: want one paragraph line, have %d", c.name, len(c.lines))
		}
		out = append(out, paragraphCase{c.name, seg.Split(c.lines[0])})
	}
	return out
}

// TestGolden compares the splits of testdata/paragraphs.txt with the
// reviewed testdata/paragraphs.want.txt. Run with -update to rewrite it,
// then review the diff.
func TestGolden(t *testing.T) {
	got := splitParagraphs(t)
	path := filepath.Join("testdata", "paragraphs.want.txt")
	if *update {
		if err := os.WriteFile(path, formatCases(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want := readCases(t, path)
	if len(want) != len(got) {
		t.Fatalf("%s has %d cases, paragraphs.txt %d; run go test -update", path, len(want), len(got))
	}
	for i := range got {
		if got[i].name != want[i].name {
			t.Fatalf("case %d: name %q, want %q; run go test -update", i, got[i].name, want[i].name)
		}
		g, w := strings.Join(got[i].lines, " ¶ "), strings.Join(want[i].lines, " ¶ ")
		if g != w {
			t.Errorf("%s:\n got %s\nwant %s", got[i].name, g, w)
		}
	}
}

// punktDepartures lists the paragraphs where the segmenter deliberately
// splits differently from NLTK's punkt with its English model, and why.
var punktDepartures = map[string]string{
	// Breaks punkt makes before a lower-case word.
	"wiki-quote-question":     `punkt breaks after "?" before "the inspector asked"`,
	"wiki-question-exclaim":   `punkt breaks after "Arson!" before "ran the headline"`,
	"wiki-exclaim-lowercase":  `punkt breaks after "Stop!" before "she cried"`,
	"wiki-exclaim-brand":      `punkt breaks after "Yahoo!" before "in 2005"`,
	"book-exclaim-oh":         `punkt breaks after "Ah!" before "she thought"`,
	"book-question-lower":     `punkt breaks after "you?" before "asked the gardener"`,
	"plain-novel-dialogue":    `punkt breaks after "road?" before "asked Martin"`,
	"wiki-non-ascii-lower":    `we keep "éclair" in the sentence before; punkt breaks`,
	"wiki-bc-ad":              `punkt's model lacks "b.c" and breaks before "by settlers"`,
	"wiki-etc-lowercase":      `punkt's model lacks "etc" and breaks before "and was open"`,
	"plain-list-abbrev":       `punkt's model lacks "etc" and breaks before "for a party"`,
	"wiki-eg-ie":              `punkt's model lacks "e.g" and "i.e" and breaks after them`,
	"wiki-parenthesis-abbrev": `punkt's model lacks "rd" and breaks before "and was driven"`,
	"wiki-et-al":              `punkt's model lacks "al" and breaks before "in a short paper"`,
	// Breaks punkt makes before a number after an abbreviation.
	"wiki-no-ordinal":     `punkt's model lacks "no" and breaks in "No. 5"`,
	"wiki-titles":         `punkt's model lacks "no" and breaks in "No. 14"`,
	"wiki-us-before-name": `punkt breaks in "No. 3" and, from its casing statistics, before "Billboard"`,
	"wiki-vol-pp":         `punkt's model lacks "vol" and "pp" and breaks before the page numbers`,
	"wiki-fig-ch":         `punkt's model lacks "fig" and "ch" and breaks before the numbers`,
	"wiki-art":            `punkt's model lacks "art" and breaks in "Art. 8"`,
	"wiki-approx":         `punkt's model lacks "approx" and breaks after it`,
	"wiki-circa":          `punkt's model lacks "ca" and breaks in "ca. 1320"`,
	"plain-academic":      `punkt's model lacks "al" and breaks in "et al. 2009"`,
	// Abbreviations punkt's model lacks, before a name.
	"wiki-company-history": `punkt's model lacks "wm" and breaks in "Wm. Halden"`,
	"book-old-names":       `punkt's model lacks "jno", "thos" and "geo" and breaks before the surnames`,
	"wiki-mt-ft":           `punkt's model lacks "mt" and breaks in "Mt. Kenya"`,
	// Single letters before a sentence starter.
	"wiki-initial-ends-sentence": `we break in "Lady M. Each"; punkt has no casing evidence for "each"`,
	"wiki-vitamin":               `punkt never ends a sentence at "C.", an abbreviation in its model`,
	"plain-measurements":         `punkt never ends a sentence at "m.", an abbreviation in its model`,
	// Punctuation punkt does not know.
	"wiki-ellipsis-unicode": `punkt never breaks after "…"`,
	"wiki-curly-single":     `punkt does not see "’" as a closing quote, so never breaks after ".’"`,
	"book-spaced-ellipsis":  `punkt splits ". . ." into three one-dot sentences`,
}

// TestPunktAgreement compares the splits with those of NLTK's punkt in
// testdata/paragraphs.punkt.txt (written by testdata/gen/punkt.py). Every
// paragraph must agree unless punktDepartures lists it, and every listed
// paragraph must still differ, so the list stays honest.
func TestPunktAgreement(t *testing.T) {
	got := splitParagraphs(t)
	ref := readCases(t, filepath.Join("testdata", "paragraphs.punkt.txt"))
	if len(ref) != len(got) {
		t.Fatalf("paragraphs.punkt.txt has %d cases, paragraphs.txt %d; run testdata/gen/punkt.py", len(ref), len(got))
	}
	agree, plain, plainAgree := 0, 0, 0
	bothBreaks, gotBreaks, refBreaks := 0, 0, 0
	for i := range got {
		if got[i].name != ref[i].name {
			t.Fatalf("case %d: name %q, punkt has %q; run testdata/gen/punkt.py", i, got[i].name, ref[i].name)
		}
		g, r := breakOffsets(got[i].lines), breakOffsets(ref[i].lines)
		gotBreaks += len(g)
		refBreaks += len(r)
		for off := range g {
			if r[off] {
				bothBreaks++
			}
		}
		same := strings.Join(got[i].lines, "\n") == strings.Join(ref[i].lines, "\n")
		if same {
			agree++
		}
		if strings.HasPrefix(got[i].name, "plain-") {
			plain++
			if same {
				plainAgree++
			}
		}
		why, listed := punktDepartures[got[i].name]
		switch {
		case !same && !listed:
			t.Errorf("%s differs from punkt:\n  got %s\npunkt %s", got[i].name,
				strings.Join(got[i].lines, " ¶ "), strings.Join(ref[i].lines, " ¶ "))
		case same && listed:
			t.Errorf("%s agrees with punkt but is listed as a departure (%s)", got[i].name, why)
		}
	}
	t.Logf("paragraphs agreeing with punkt: %d of %d (ordinary prose, plain-*: %d of %d); "+
		"sentence breaks: %d shared, %d only ours, %d only punkt",
		agree, len(got), plainAgree, plain, bothBreaks, gotBreaks-bothBreaks, refBreaks-bothBreaks)
}

// breakOffsets returns the set of rune offsets, in the paragraph with
// single spaces between sentences, at which the sentences break.
func breakOffsets(sents []string) map[int]bool {
	m := make(map[int]bool, len(sents))
	off := 0
	for i, s := range sents {
		off += len([]rune(s))
		if i < len(sents)-1 {
			m[off] = true
		}
		off++
	}
	return m
}
