package books

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"
)

// A typical Project Gutenberg header and footer around body.
func gutenberg(header, body, footer string) string {
	return "The Project Gutenberg EBook of Emma, by Jane Austen\n\n" +
		"This eBook is for the use of anyone anywhere at no cost.\n\n" +
		"Title: Emma\n\nAuthor: Jane Austen\n\n" + header + "\n\n" +
		body + "\n\n" + footer + "\n\n" +
		"***** This file should be named 158.txt or 158.zip *****\n" +
		"Updated editions will replace the previous one.\n"
}

const emmaBody = "CHAPTER I\n\n" +
	"Emma Woodhouse, handsome, clever, and rich, with a comfortable home\n" +
	"and happy disposition, seemed to unite some of the best blessings\n" +
	"of existence.\n\n" +
	"She was the youngest of the two daughters of a most affectionate,\n" +
	"indulgent father."

var emmaWant = []string{
	"CHAPTER I",
	"Emma Woodhouse, handsome, clever, and rich, with a comfortable home and happy disposition, seemed to unite some of the best blessings of existence.",
	"She was the youngest of the two daughters of a most affectionate, indulgent father.",
}

var cleanTests = []struct {
	name     string
	in       string
	want     []string
	repaired int
}{
	{"empty", "", nil, 0},
	{"blank", " \n\t\r\n \u00a0\n", nil, 0},
	{"one line", "Hello, world.", []string{"Hello, world."}, 0},
	{
		"wrapped lines join",
		"It was a bright cold day in April,\nand the clocks were striking\nthirteen.\n\n\n\nWinston Smith, his chin nuzzled\ninto his breast.\n",
		[]string{
			"It was a bright cold day in April, and the clocks were striking thirteen.",
			"Winston Smith, his chin nuzzled into his breast.",
		}, 0,
	},
	{
		"CRLF", "First line\r\nof one.\r\n\r\nSecond.\r\n",
		[]string{"First line of one.", "Second."}, 0,
	},
	{
		"CR", "First line\rof one.\r\rSecond.\r",
		[]string{"First line of one.", "Second."}, 0,
	},
	{
		"BOM", "\uFEFFCall me Ishmael.\n",
		[]string{"Call me Ishmael."}, 0,
	},
	{
		"UTF-16LE with BOM", "\xFF\xFEC\x00a\x00f\x00\xE9\x00\n\x00\n\x00\x35\xD8\x38\xDD",
		[]string{"Café", "𝔸"}, 0,
	},
	{
		"UTF-16BE with BOM and a lone surrogate", "\xFE\xFF\x00H\x00i\xD8\x00\x00!",
		[]string{"Hi\uFFFD!"}, 1,
	},
	{
		"tabs and Unicode spaces collapse",
		"a\tb\u00a0\u00a0c\u2003d\u3000e   f \u202F g\v\fh",
		[]string{"a b c d e f g h"}, 0,
	},
	{
		"control and format characters dropped",
		"soft\u00ADhyphen zero\u200Bwidth\x00nul\x1b[0m bell\a del\x7f c1\u0091.",
		[]string{"softhyphen zerowidthnul[0m bell del c1."}, 0,
	},
	{
		"invalid UTF-8, one replacement per run",
		"caf\xE9 cr\xE8me \xFF\xFE\xFD br\xC3\xBBl\xC3e \xE2\x80 \xED\xA0\x80.",
		[]string{"caf\uFFFD cr\uFFFDme \uFFFD brûl\uFFFDe \uFFFD \uFFFD."}, 6,
	},
	{
		"line and paragraph separators",
		"one\u2028line\u2029two\u0085lines",
		[]string{"one line", "two lines"}, 0,
	},
	{
		"Gutenberg, modern", gutenberg("*** START OF THE PROJECT GUTENBERG EBOOK EMMA ***", emmaBody, "*** END OF THE PROJECT GUTENBERG EBOOK EMMA ***"),
		emmaWant, 0,
	},
	{
		"Gutenberg, THIS and End of the Project Gutenberg EBook",
		gutenberg("*** START OF THIS PROJECT GUTENBERG EBOOK EMMA ***", emmaBody,
			"End of the Project Gutenberg EBook of Emma, by Jane Austen\n\n*** END OF THIS PROJECT GUTENBERG EBOOK EMMA ***"),
		emmaWant, 0,
	},
	{
		"Gutenberg, no spaces, mixed case, CRLF",
		strings.ReplaceAll(gutenberg("***START OF THE PROJECT GUTENBERG EBOOK EMMA***", emmaBody, "***End of the Project Gutenberg Ebook Emma***"), "\n", "\r\n"),
		emmaWant, 0,
	},
	{
		"Gutenberg, End of Project Gutenberg's",
		gutenberg("*** START OF THE PROJECT GUTENBERG EBOOK EMMA ***", emmaBody, "End of Project Gutenberg's Emma, by Jane Austen"),
		emmaWant, 0,
	},
	{
		"Gutenberg, 1990s small print",
		"**The Project Gutenberg Etext of Emma**\n\n" +
			"**Welcome To The World of Free Plain Vanilla Electronic Texts**\n\n" +
			"*****These eBooks Were Prepared By Thousands of Volunteers!*****\n\n" +
			"*END*THE SMALL PRINT! FOR PUBLIC DOMAIN ETEXTS*Ver.04.29.93*END*\n\n" +
			emmaBody + "\n\nEnd of the Project Gutenberg Etext of Emma\n",
		emmaWant, 0,
	},
	{
		"Gutenberg, marker wrapped over two lines",
		gutenberg("*** START OF THE PROJECT GUTENBERG EBOOK EMMA, OR THE VERY\nLONG TITLE ***", emmaBody, "*** END OF THE PROJECT GUTENBERG EBOOK EMMA ***"),
		emmaWant, 0,
	},
	{
		"Gutenberg, credits after the header go",
		gutenberg("*** START OF THE PROJECT GUTENBERG EBOOK EMMA ***",
			"Produced by An Anonymous Volunteer, and David Widger\n\n\n\n\n"+emmaBody,
			"*** END OF THE PROJECT GUTENBERG EBOOK EMMA ***"),
		emmaWant, 0,
	},
	{
		"credits without a header stay",
		"Produced by An Anonymous Volunteer\n\nThe text.",
		[]string{"Produced by An Anonymous Volunteer", "The text."}, 0,
	},
	{
		"footer only",
		"The text.\n\nEnd of Project Gutenberg's Emma\nlicense",
		[]string{"The text."}, 0,
	},
	{
		"indented first lines start paragraphs",
		"    It was a dark and stormy night; the rain\nfell in torrents.\n    Except at occasional\nintervals.\n\t\"Quiet,\" she said.\n",
		[]string{
			"It was a dark and stormy night; the rain fell in torrents.",
			"Except at occasional intervals.",
			"\"Quiet,\" she said.",
		}, 0,
	},
	{
		"block quote indented throughout stays one paragraph",
		"  To be, or not to be, that is the question:\n  Whether 'tis nobler in the mind to suffer\n",
		[]string{"To be, or not to be, that is the question: Whether 'tis nobler in the mind to suffer"}, 0,
	},
	{
		"chapter headings stay their own paragraph",
		"CHAPTER IV.\nThe storm broke at\nmidnight.\n\nChapter 5: The Calm\nMorning came.\nChapter the Sixth\nIt rained.\n\nBOOK TWO\nTHE RETURN\nThey came\nhome.\n\nXII.\nThe end came.\n\nPREFACE\nWords.",
		[]string{
			"CHAPTER IV.", "The storm broke at midnight.",
			"Chapter 5: The Calm", "Morning came.",
			"Chapter the Sixth", "It rained.",
			"BOOK TWO", "THE RETURN", "They came home.",
			"XII.", "The end came.",
			"PREFACE", "Words.",
		}, 0,
	},
	{
		"heading-like words inside a paragraph do not split it",
		"He took the larger\nPart I think of the\nbooks, and said\nOK.\n",
		[]string{"He took the larger Part I think of the books, and said OK."}, 0,
	},
	{
		"dashes at line ends join without a space",
		"a well-\nknown fact--\nthat is—\nall; a pause -\nthen more.",
		[]string{"a well-known fact--that is—all; a pause - then more."}, 0,
	},
	{
		"one paragraph per line",
		strings.Repeat("x", 170) + "\nShort reply.\n" + strings.Repeat("y ", 100) + "\nAnother.",
		[]string{strings.Repeat("x", 170), "Short reply.", strings.TrimSpace(strings.Repeat("y ", 100)), "Another."}, 0,
	},
	{
		"a long line in a wrapped book is a paragraph of its own",
		"It was the first\nwrapped line.\n" + strings.Repeat("z", 170) + "\nAnd here more\nwrapped text\nfollows on\nseveral lines\nof the same\nparagraph so\nthat long ones\nare rare.",
		[]string{
			"It was the first wrapped line.",
			strings.Repeat("z", 170),
			"And here more wrapped text follows on several lines of the same paragraph so that long ones are rare.",
		}, 0,
	},
	{
		"paragraphs without letters or digits go",
		"Before.\n\n* * * * *\n\n-----\n\nAfter 1.\n\n…",
		[]string{"Before.", "After 1."}, 0,
	},
	{
		"markers formed by joining lines are cut too",
		"junk\n\n***\nSTART\nOF THE PROJECT GUTENBERG EBOOK X ***\n\nProduced by Y.\n\nBody text.\n\nEnd\nof the Project Gutenberg EBook of X\n",
		[]string{"Body text."}, 0,
	},
}

func TestClean(t *testing.T) {
	for _, tt := range cleanTests {
		t.Run(tt.name, func(t *testing.T) {
			got, repaired := Clean(nil, []byte(tt.in))
			if !equal(got, tt.want) {
				t.Errorf("Clean(%q) =\n%s\nwant\n%s", tt.in, show(got), show(tt.want))
			}
			if repaired != tt.repaired {
				t.Errorf("Clean(%q) repaired %d, want %d", tt.in, repaired, tt.repaired)
			}
		})
	}
}

// TestCleanAppends checks that Clean appends to dst and that paragraphs do
// not share capacity, so appending to one cannot overwrite the next.
func TestCleanAppends(t *testing.T) {
	dst := [][]byte{[]byte("kept")}
	got, _ := Clean(dst, []byte("one\n\ntwo\n\nthree"))
	if !equal(got, []string{"kept", "one", "two", "three"}) {
		t.Fatalf("got %s", show(got))
	}
	_ = append(got[1], "XXXX"...)
	if string(got[2]) != "two" {
		t.Errorf("appending to a paragraph changed the next one: %q", got[2])
	}
}

// TestCleanIdempotent checks the property FuzzClean relies on against every
// table input.
func TestCleanIdempotent(t *testing.T) {
	for _, tt := range cleanTests {
		checkClean(t, []byte(tt.in))
	}
}

func FuzzClean(f *testing.F) {
	for _, tt := range cleanTests {
		f.Add([]byte(tt.in))
	}
	f.Fuzz(func(t *testing.T, text []byte) {
		checkClean(t, text)
	})
}

// checkClean checks Clean's invariants on text: valid UTF-8, no empty
// paragraph, no newline or doubled, leading or trailing space, and a
// fixed point when the paragraphs are joined with blank lines.
func checkClean(t *testing.T, text []byte) {
	t.Helper()
	paras, _ := Clean(nil, text)
	for _, p := range paras {
		switch {
		case len(p) == 0:
			t.Fatalf("Clean(%q): empty paragraph", text)
		case !utf8.Valid(p):
			t.Fatalf("Clean(%q): invalid UTF-8 in %q", text, p)
		case bytes.ContainsAny(p, "\n\r\t"):
			t.Fatalf("Clean(%q): line break or tab in %q", text, p)
		case bytes.Contains(p, []byte("  ")) || p[0] == ' ' || p[len(p)-1] == ' ':
			t.Fatalf("Clean(%q): uncollapsed space in %q", text, p)
		}
	}
	joined := bytes.Join(paras, []byte("\n\n"))
	again, repaired := Clean(nil, joined)
	if !equal(again, strs(paras)) || repaired != 0 {
		t.Fatalf("Clean not idempotent on %q:\nfirst\n%s\nsecond (repaired %d)\n%s", text, show(paras), repaired, show(again))
	}
}

func TestIsHeading(t *testing.T) {
	for p, want := range map[string]bool{
		"CHAPTER IV.":              true,
		"THE HERON AND THE MILLER": true,
		"12 MARCH 1887":            true,
		"XII.":                     true,
		"ÉTÉ":                      true,
		"Chapter 4: The Storm":     false,
		"A heron lived.":           false,
		"ÉTÉ à Paris":              false,
	} {
		if got := IsHeading([]byte(p)); got != want {
			t.Errorf("IsHeading(%q) = %v, want %v", p, got, want)
		}
	}
}

// TestSampleBooks checks Clean against the hand-written expected text of
// the sample corpus: its paragraphs that are not headings, joined with
// spaces, must equal the expected sentences joined with spaces (splitting
// sentences only turns spaces into line breaks).
func TestSampleBooks(t *testing.T) {
	const dir = "../../data/sample"
	books, err := filepath.Glob(filepath.Join(dir, "books", "*.txt"))
	if err != nil || len(books) == 0 {
		t.Fatalf("no sample books in %s: %v", dir, err)
	}
	for _, path := range books {
		in, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		expected, err := os.ReadFile(filepath.Join(dir, "expected", "books", filepath.Base(path)))
		if err != nil {
			t.Fatal(err)
		}
		paras, repaired := Clean(nil, in)
		var prose [][]byte
		for _, p := range paras {
			if !IsHeading(p) {
				prose = append(prose, p)
			}
		}
		got := string(bytes.Join(prose, []byte(" ")))
		want := strings.ReplaceAll(strings.TrimSuffix(string(expected), "\n"), "\n", " ")
		if got != want || repaired != 0 {
			i := 0
			for i < len(got) && i < len(want) && got[i] == want[i] {
				i++
			}
			t.Errorf("%s (repaired %d): differs at byte %d:\n got %q\nwant %q", filepath.Base(path), repaired, i,
				got[max(0, i-80):min(len(got), i+80)], want[max(0, i-80):min(len(want), i+80)])
		}
	}
}

func ExampleClean() {
	text := "*** START OF THE PROJECT GUTENBERG EBOOK EMMA ***\r\n\r\n" +
		"CHAPTER I\r\n" +
		"Emma Woodhouse, handsome, clever, and rich, with a\r\n" +
		"comfortable home and happy disposition.\r\n" +
		"    She was the youngest of the two daughters of a most\r\n" +
		"affectionate, indulgent father; caf\xE9.\r\n\r\n" +
		"*** END OF THE PROJECT GUTENBERG EBOOK EMMA ***\r\n"
	paras, repaired := Clean(nil, []byte(text))
	for _, p := range paras {
		fmt.Printf("%s\n", p)
	}
	fmt.Println("repaired:", repaired)
	// Output:
	// CHAPTER I
	// Emma Woodhouse, handsome, clever, and rich, with a comfortable home and happy disposition.
	// She was the youngest of the two daughters of a most affectionate, indulgent father; caf�.
	// repaired: 1
}

func BenchmarkClean(b *testing.B) {
	text := []byte(gutenberg("*** START OF THE PROJECT GUTENBERG EBOOK EMMA ***",
		strings.Repeat(emmaBody+"\n\n", 2000), "*** END OF THE PROJECT GUTENBERG EBOOK EMMA ***"))
	b.SetBytes(int64(len(text)))
	var dst [][]byte
	for b.Loop() {
		dst, _ = Clean(dst[:0], text)
	}
}

func strs(ps [][]byte) []string {
	out := make([]string, len(ps))
	for i, p := range ps {
		out[i] = string(p)
	}
	return out
}

func equal(got [][]byte, want []string) bool {
	if len(got) != len(want) {
		return false
	}
	for i := range got {
		if string(got[i]) != want[i] {
			return false
		}
	}
	return true
}

func show[T string | []byte](ps []T) string {
	var b strings.Builder
	for _, p := range ps {
		fmt.Fprintf(&b, "\t%q\n", p)
	}
	return b.String()
}

// TestWordTests checks the 8-bytes-at-a-time tests against byte loops.
func TestWordTests(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	alphabet := []byte{' ', ' ', 'a', '!', 0x1F, 0x20, 0x7E, 0x7F, 0x80, 0xFF, 0x00, 0x21}
	for range 20000 {
		b := make([]byte, rng.IntN(40))
		for i := range b {
			b[i] = alphabet[rng.IntN(len(alphabet))]
		}
		if got, want := doubleSpace(b), bytes.Index(b, []byte("  ")); got != want {
			t.Fatalf("doubleSpace(%q) = %d, want %d", b, got, want)
		}
		if len(b) >= 8 {
			want := true
			for _, c := range b[:8] {
				want = want && c >= 0x20 && c < 0x7F
			}
			if got := printable8(binary.LittleEndian.Uint64(b)); got != want {
				t.Fatalf("printable8(%q) = %v, want %v", b[:8], got, want)
			}
		}
	}
}
