package sentences

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
)

// splitCases are paragraphs with " ¶ " where a sentence must end. The input
// is the paragraph with each " ¶ " replaced by one space.
var splitCases = []struct {
	name, text string
}{
	// Plain stops.
	{"one", "A single sentence."},
	{"two", "The first. ¶ The second."},
	{"no-final-stop", "The first. ¶ The second has none"},
	{"question", "Who built it? ¶ Nobody knows."},
	{"exclaim", "It burned! ¶ The whole street watched."},
	{"question-exclaim-run", "Really?! ¶ That is odd."},
	{"exclaim-run", "Stop!!! ¶ Come back."},
	{"short", "He ran. ¶ She followed. ¶ They hid."},
	{"before-digit", "It opened in 1904. ¶ 1905 was quieter."},
	{"before-quote", `It was a hit. ¶ "Blue River" followed.`},
	{"before-paren", "It opened in 1932. ¶ (It was widened later.) ¶ Traffic grew."},
	{"before-bracket", "It ended. ¶ [A note follows.]"},
	{"before-curly-quote", "It was a hit. ¶ “Blue River” followed."},
	{"before-currency", "Prices rose. ¶ $5 bought less."},
	{"before-non-ascii-upper", "It lies in a rift. ¶ Þingvellir is nearby. ¶ Émile came in 1876."},
	{"before-uncased-letter", "The name is Japanese. ¶ 東京 is written with two characters."},
	{"before-name", "It was quiet. ¶ John left early."},
	{"stop-only", "."},
	{"leading-stop", ". ¶ This starts with a dot."},

	// No break before a lower-case word, whatever the stop.
	{"lower-after-period", "The cat sat. and then it slept."},
	{"lower-after-question", `"Why?" he asked.`},
	{"lower-after-exclaim", `"Stop!" she cried.`},
	{"lower-after-quote-exclaim", `He shouted "Goodbye!" as it turned.`},
	{"lower-after-brand", "Released by Yahoo! in 2005."},
	{"lower-non-ascii", "It is spelled œuvre. éclair is another."},
	{"lower-after-paren", "See the list (above.) and below."},

	// No break before other punctuation.
	{"dash-after-stop", "It ended. — Or so they said."},
	{"comma-after-abbrev", "Clocks, watches, etc., were mended."},
	{"semicolon-after-stop", "Three doors: front., side, and back."},
	{"ampersand", "Carrow & Sons Co. & Partners merged."},

	// Inside tokens: no white space after the stop.
	{"decimal", "Pi is about 3.14 and e about 2.72."},
	{"decimal-million", "It sold 1.5 million copies."},
	{"thousands", "It cost 1,204.50 pounds."},
	{"version", "Version 2.0.1 fixed it."},
	{"host", "See www.example.org for details."},
	{"email", "Write to info@example.org today."},
	{"file", "It reads config.yaml first."},
	{"file-end", "It reads config.yaml. ¶ Then it starts."},
	{"host-end", "Visit example.com. ¶ It is free."},
	{"dotted-hyphen", "The U.S.-led force arrived."},
	{"exclaim-apostrophe", "Yahoo!'s shares fell."},
	{"stop-comma", "He said no., then yes."},
	{"ellipsis-joined", "He waited...Then left."},
	{"period-in-quote-then-comma", `"It ended.", he said.`},

	// Closing quotes and brackets stay with the sentence they end.
	{"close-double", `He said "Stop." ¶ Then he left.`},
	{"close-single", "He said 'Stop.' ¶ Then he left."},
	{"close-curly-double", "He said “Stop.” ¶ Then he left."},
	{"close-curly-single", "He called it ‘the cathedral.’ ¶ It is large."},
	{"close-paren", "(See below.) ¶ Next comes the list."},
	{"close-many", `The sign read "No entry (by order.)" ¶ Nobody cared.`},
	{"close-question", `"Where is it?" ¶ Nobody answered.`},
	{"close-quote-after-period", `It was "the worst evening." ¶ He left.`},
	{"quote-then-period", `They called it "home". ¶ It was not.`},
	{"paren-then-period", "It was rebuilt (in 1932). ¶ It still stands."},
	{"guillemet", "Il dit «Non.» ¶ Then he left."},

	// Titles and other abbreviations before a name or number.
	{"mr", "Mr. Darcy entered. ¶ Mrs. Bennet smiled."},
	{"dr-prof", "Dr. Evans met Prof. Hale and Rev. Smith."},
	{"st-church", "St. Mary's Church still stands."},
	{"gen-sen", "Gen. Marcus Hale met Sen. John Kerry."},
	{"capt-lt-sgt-col", "Capt. Reed, Lt. Hale, Sgt. Bell and Col. Ware met."},
	{"hon-messrs", "The Hon. Mrs. Lee wrote to Messrs. Brown and Hart."},
	{"jr-mid", "Robert Hayes Jr. was a lawyer."},
	{"inc-name", "Meridian Inc. Class B stock fell."},
	{"ltd-lower", "Halden Mills Ltd. was founded in 1887."},
	{"corp-co", "Carrow Co. and Hale Corp. merged."},
	{"hyphen-abbrev", "The award went to ex-Gen. Marcus Hale."},
	{"vs", "The case Rowe vs. Hanley was heard."},
	{"v", "In Harper v. Lowell the court disagreed."},
	{"no-number", "The locomotive No. 5 was built in 1899."},
	{"no-number-lower", "It was replaced by no. 12 later."},
	{"nos", "Nos. 4 and 5 were scrapped."},
	{"art", "It is protected by Art. 8 of the convention."},
	{"vol-pp", "See vol. 3, pp. 112–140, and Vol. 4."},
	{"p", "See p. 12 for a map."},
	{"fig-ch", "See Fig. 2 and Ch. 7 of the report."},
	{"sec-para-eq", "Sec. 3, para. 2 and eq. 5 apply."},
	{"months", "It was signed on Sept. 12, 1919, and ratified on Jan. 10, 1920."},
	{"month-year", "Fighting ended in Nov. 1918."},
	{"circa", "Built c. 1150 and enlarged ca. 1320."},
	{"approx", "The wall is approx. 3 metres high."},
	{"approx-lower", "It encloses approx. half of the town."},
	{"et-al-year", "The study (Holm et al. 2009) was long."},
	{"et-al-lower", "Described by Lund et al. in a paper."},
	{"etc-lower", "Candles, soap, etc. were sold."},
	{"eg-ie", "Some birds, e.g. the swift, fly; others, i.e. the rest, walk."},
	{"cf-viz", "Compare cf. Smith, viz. the second edition."},
	{"state-abbrev", "They formed in Athens, Ga. in 1979."},
	{"state-comma", "They moved to Austin, Tex., where they recorded."},
	{"mt", "The summit of Mt. Kenya was reached in 1899."},
	{"ft-lower", "They climbed the last 200 ft. in fog."},
	{"old-names", "Witnessed by Jno. Carter and Thos. Wells."},
	{"abbrev-before-quote", `They moved to Washington, D.C. "It helps," he said.`},
	{"abbrev-then-name-in-paren", "Scotswood Rd.) and the river met."},
	{"abbrev-closer-lower", "It stood near the present Scotswood Rd.) and was driven by water."},
	{"abbrev-case", "MR. SMITH and mr. smith came."},

	// Abbreviations at the end of a sentence: break before a sentence
	// starter only.
	{"us-end", "The family emigrated to the U.S. ¶ The eldest son stayed."},
	{"us-mid", "The U.S. Senate passed it."},
	{"us-before-name", "It reached No. 3 in the U.S. Billboard chart."},
	{"uk-in", "It rained in the U.K. ¶ In London the rivers rose."},
	{"etc-end", "Coins, seals, weights, etc. ¶ The ring is the finest."},
	{"etc-however", "Coins, seals, etc. ¶ However, the ring is lost."},
	{"inc-end", "It was sold to Meridian Inc. ¶ The company never used it."},
	{"jr-end", "It was designed by Frederick Olmsted Jr. ¶ He later worked on parks."},
	{"sr-in", "The firm was run by Henry Ford Sr. ¶ In 1945 his grandson took over."},
	{"st-end", "It ends on Market St. ¶ The route is closed."},
	{"month-end", "The station opened in Dec. ¶ The old one was demolished."},
	{"pm-end", "On Sundays it starts at 8 a.m. ¶ The last train leaves at 10 p.m."},
	{"pm-name", "At 10 p.m. Tickets are sold on board."},
	{"pm-lower", "From 6 a.m. to 11 p.m. on weekdays."},
	{"bc-lower", "Founded around 600 B.C. by settlers."},
	{"ad-when", "Abandoned in the 5th century A.D. when the harbour silted up."},
	{"phd-end", "She received her Ph.D. ¶ Her thesis dealt with grasses."},
	{"phd-mid", "She received her Ph.D. from Chicago."},
	{"phd-name", "It was given by Ph.D. candidate Marta Lind."},
	{"et-al-end", "It was refined by Harris et al. ¶ The refined version is used."},
	{"starter-comma", "It was sold to Hale Co. ¶ However, it failed."},
	{"starter-apostrophe", "It moved to the U.S. ¶ It's still there."},
	{"starter-all-caps", "It moved to the U.S. ¶ THE END."},
	{"not-starter-then-initial", "It was sent to the U.S. A. Smith received it."},
	{"no-word", "He said no. ¶ Then he changed his mind."},
	{"no-word-name", "He said no. ¶ John agreed."},
	{"art-word", "He studied art. ¶ Later he painted."},

	// Initials.
	{"tolkien", "J. R. R. Tolkien taught at Oxford."},
	{"lewis", "His friend C. S. Lewis read drafts."},
	{"bush", "President George W. Bush spoke."},
	{"initial-initial", "J. A. Smith came."},
	{"initial-end-starter", "They rejected Plan A. ¶ The cheaper plan won."},
	{"initial-end-each", "It sailed on the Lady M. ¶ Each crossing was slow."},
	{"initial-digit", "It was Plan B. ¶ 5 people came."},
	{"initial-quote", `It was Plan B. ¶ "Yes," he said.`},
	{"vitamin", "The diet lacked vitamin C. ¶ Many fell ill."},
	{"initial-name", "Johann S. Bach wrote it."},
	{"initial-hyphen", "Jean-P. Sartre wrote it."},
	{"initial-i", "It was read by Tom and I. ¶ The rest slept."},
	{"initial-lower", "Choose option a. or option b. now."},
	{"initial-non-ascii", "Written by Ł. Nowak in 1921."},
	{"acronym-digit", "It was built in 300 B.C. 50 years passed."},
	{"acronym-paren", "It moved to D.C. (the capital) in 1800."},

	// Numbers.
	{"number-end", "It sold out in 1851. ¶ A second printing followed."},
	{"number-end-digit", "It opened in 1863. ¶ 20 years later it was rebuilt."},
	{"number-lower", "It is 5. or so."},
	{"ordinal-end", "It finished 5. ¶ The winner was Hale."},
	{"roman-end", "The crown passed to Henry VIII. ¶ His first act was a marriage."},
	{"ww2", "It was built during World War II. ¶ It closed in 1946."},
	{"chapter", "CHAPTER I. ¶ It was a cold evening."},

	// Ellipses.
	{"ellipsis-lower", "If the weather... and nothing more."},
	{"ellipsis-starter", "He stopped... ¶ The handwriting was his brother's."},
	{"ellipsis-name", "Meet me at the bridge... Anna."},
	{"ellipsis-digit", "It went on... 5 more days."},
	{"ellipsis-unicode-starter", "A long silence… ¶ Then a door closes."},
	{"ellipsis-unicode-lower", "A long silence… and a door closes."},
	{"ellipsis-unicode-name", "A long silence… Anna spoke."},
	{"ellipsis-spaced-lower", "She paused . . . and went on."},
	{"ellipsis-spaced-starter", "The letter ended . . . ¶ The rest was torn."},
	{"ellipsis-question", "Was it...? ¶ Nobody knew."},
	{"ellipsis-four", "It faded away.... ¶ Then silence."},
	{"two-dots", "It faded.. ¶ Then silence."},
	{"ellipsis-quote", `"If only..." ¶ The sentence was never finished.`},

	// Questions and exclamations before capitals.
	{"question-name", "Was it an accident? ¶ John thought not."},
	{"exclaim-oh", "Oh! ¶ What a night. ¶ Ah! she thought."},
	{"question-quote-upper", `"Who signed it?" ¶ Martin asked again.`},
}

func TestSplit(t *testing.T) {
	seg := NewEnglish()
	seen := map[string]bool{}
	for _, tc := range splitCases {
		if seen[tc.name] {
			t.Errorf("duplicate case name %q", tc.name)
		}
		seen[tc.name] = true
		t.Run(tc.name, func(t *testing.T) {
			in := strings.ReplaceAll(tc.text, " ¶ ", " ")
			want := strings.Split(tc.text, " ¶ ")
			got := seg.Split(in)
			if !slices.Equal(got, want) {
				t.Errorf("Split(%q)\n got %s\nwant %s", in, strings.Join(got, " ¶ "), strings.Join(want, " ¶ "))
			}
		})
	}
}

func TestSplitWhiteSpace(t *testing.T) {
	seg := NewEnglish()
	for _, tc := range []struct {
		name, in string
		want     []string
	}{
		{"empty", "", nil},
		{"blank", " \t\n ", nil},
		{"nbsp-only", "\u00a0 \u2003", nil},
		{"surrounding", "  One. Two.\n", []string{"One.", "Two."}},
		{"wide-gap", "One.  \t\n Two.", []string{"One.", "Two."}},
		{"newline-gap", "One.\nTwo.", []string{"One.", "Two."}},
		{"em-space-gap", "One.\u2003Two.", []string{"One.", "Two."}},
		{"nbsp-joins", "See p.\u00a0Two. Three.", []string{"See p.\u00a0Two.", "Three."}},
		{"nbsp-joins-period", "It ended.\u00a0Then more.", []string{"It ended.\u00a0Then more."}},
		{"nbsp-and-space", "It ended.\u00a0 Then more.", []string{"It ended.", "Then more."}},
		{"trailing-nbsp", "It ended.\u00a0", []string{"It ended."}},
		{"stop-at-end-with-closer", `He said "Stop."`, []string{`He said "Stop."`}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := seg.Split(tc.in); !slices.Equal(got, tc.want) {
				t.Errorf("Split(%q) = %q, want %q", tc.in, got, tc.want)
			}
		})
	}
}

func TestBounds(t *testing.T) {
	seg := NewEnglish()
	text := []byte("  It rained. (All day.) Then it stopped!  ")
	//              0123456789012345678901234567890123456789
	got := seg.Bounds([]int{-1}, text)
	want := []int{-1, 12, 23, 40}
	if !slices.Equal(got, want) {
		t.Errorf("Bounds = %v, want %v", got, want)
	}
	if got := seg.Bounds(nil, []byte("   ")); len(got) != 0 {
		t.Errorf("Bounds of blank text = %v, want none", got)
	}
}

func TestBoundsAllocs(t *testing.T) {
	seg := NewEnglish()
	text := []byte(strings.Repeat("Mr. Smith went to the U.S. in 1990. He stayed... Then? Yes! Þingvellir… The end. ", 20))
	dst := make([]int, 0, 256)
	allocs := testing.AllocsPerRun(100, func() {
		dst = seg.Bounds(dst[:0], text)
	})
	if allocs != 0 {
		t.Errorf("Bounds allocated %v times per run, want 0", allocs)
	}
	if len(dst) != 20*6 {
		t.Errorf("Bounds found %d sentences, want %d", len(dst), 20*6)
	}
}

// TestConcurrent splits from many goroutines with one Segmenter; run with
// -race to check the concurrency contract.
func TestConcurrent(t *testing.T) {
	seg := NewEnglish()
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 50 {
				tc := splitCases[(g*50+i)%len(splitCases)]
				in := strings.ReplaceAll(tc.text, " ¶ ", " ")
				if got := seg.Split(in); len(got) != strings.Count(tc.text, " ¶ ")+1 {
					errs <- fmt.Errorf("%s: %d sentences", tc.name, len(got))
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

func ExampleSegmenter_Split() {
	seg := NewEnglish()
	for _, s := range seg.Split(`Mr. Hale moved to the U.S. in 1990. He said "Stop." Then he left... and never came back.`) {
		fmt.Println(s)
	}
	// Output:
	// Mr. Hale moved to the U.S. in 1990.
	// He said "Stop."
	// Then he left... and never came back.
}

// benchText is the paragraphs of testdata, one paragraph per element.
func benchText(b *testing.B) [][]byte {
	data, err := os.ReadFile(filepath.Join("testdata", "paragraphs.txt"))
	if err != nil {
		b.Fatal(err)
	}
	var paras [][]byte
	for line := range strings.Lines(string(data)) {
		line = strings.TrimSuffix(line, "\n")
		if line != "" && !strings.HasPrefix(line, "# ") {
			paras = append(paras, []byte(line))
		}
	}
	return paras
}

func BenchmarkSplit(b *testing.B) {
	paras := benchText(b)
	strs := make([]string, len(paras))
	n := 0
	for i, p := range paras {
		strs[i] = string(p)
		n += len(p)
	}
	seg := NewEnglish()
	b.SetBytes(int64(n))
	b.ResetTimer()
	for b.Loop() {
		for _, p := range strs {
			seg.Split(p)
		}
	}
}

func BenchmarkBounds(b *testing.B) {
	paras := benchText(b)
	n := 0
	for _, p := range paras {
		n += len(p)
	}
	seg := NewEnglish()
	dst := make([]int, 0, 64)
	b.SetBytes(int64(n))
	b.ResetTimer()
	for b.Loop() {
		for _, p := range paras {
			dst = seg.Bounds(dst[:0], p)
		}
	}
}

// TestWordLists checks the shape of the tables in english.go.
func TestWordLists(t *testing.T) {
	seen := map[string]bool{}
	for _, w := range slices.Concat(englishAbbrevs, englishNumberAbbrevs) {
		if seen[w] {
			t.Errorf("abbreviation %q listed twice", w)
		}
		seen[w] = true
		if len(w) > maxAbbrevLen || w != strings.ToLower(w) || strings.ContainsAny(w, ". -") {
			t.Errorf("abbreviation %q: want lower case, no period, at most %d bytes", w, maxAbbrevLen)
		}
	}
	seen = map[string]bool{}
	for _, w := range englishStarters {
		if seen[w] {
			t.Errorf("starter %q listed twice", w)
		}
		seen[w] = true
		if len(w) > 16 || strings.Trim(w, "abcdefghijklmnopqrstuvwxyz") != "" {
			t.Errorf("starter %q: want at most 16 lower-case ASCII letters", w)
		}
	}
}

func TestAppendSentencesMatchesSplit(t *testing.T) {
	s := NewEnglish()
	for _, text := range []string{
		"", "   ", "One.", "  Dr. Smith arrived.  He sat down.\u00a0It rained. ",
		"He said \"Stop.\" Then he left... And so on! Was it? Yes.",
	} {
		got, _ := s.AppendSentences(nil, nil, []byte(text))
		want := s.Split(text)
		if len(got) != len(want) {
			t.Fatalf("%q: AppendSentences gave %q, Split %q", text, got, want)
		}
		for i := range got {
			if string(got[i]) != want[i] {
				t.Fatalf("%q: AppendSentences gave %q, Split %q", text, got, want)
			}
		}
	}
}
