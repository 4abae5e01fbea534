package sentences

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"
)

// FuzzSplit checks the invariants of Bounds and Split on any input: no
// panic; offsets strictly increasing, the last at the end of the trimmed
// text; sentences non-empty, without surrounding white space, separated
// only by white space; and, for a text with its white space collapsed, the
// sentences joined by single spaces give back the text.
func FuzzSplit(f *testing.F) {
	for _, tc := range splitCases {
		f.Add(strings.ReplaceAll(tc.text, " ¶ ", " "))
	}
	data, err := os.ReadFile(filepath.Join("testdata", "paragraphs.txt"))
	if err != nil {
		f.Fatal(err)
	}
	for line := range strings.Lines(string(data)) {
		f.Add(line)
	}
	for _, s := range []string{"", " ", ". . .", "…", "\u00a0.\u00a0", "a.\xff B", "\xe2\x80", "x.\xe2\x80 Y", "?! ?!", `." "`} {
		f.Add(s)
	}
	seg := NewEnglish()
	f.Fuzz(func(t *testing.T, text string) {
		checkInvariants(t, seg, text)
		collapsed := strings.Join(strings.Fields(text), " ")
		if got := strings.Join(seg.Split(collapsed), " "); got != collapsed {
			t.Errorf("Split(%q) joined = %q", collapsed, got)
		}
	})
}

func checkInvariants(t *testing.T, seg *Segmenter, text string) {
	t.Helper()
	ends := seg.Bounds(nil, []byte(text))
	trimmed := strings.TrimRightFunc(text, unicode.IsSpace)
	if strings.TrimSpace(text) == "" {
		if len(ends) != 0 {
			t.Fatalf("Bounds(%q) = %v, want none for a blank text", text, ends)
		}
		return
	}
	if len(ends) == 0 || ends[len(ends)-1] != len(trimmed) {
		t.Fatalf("Bounds(%q) = %v, want the last at %d", text, ends, len(trimmed))
	}
	sents := seg.Split(text)
	if len(sents) != len(ends) {
		t.Fatalf("Split(%q) has %d sentences, Bounds %d", text, len(sents), len(ends))
	}
	prev := 0
	for i, e := range ends {
		if e <= prev && i > 0 {
			t.Fatalf("Bounds(%q) = %v: not increasing", text, ends)
		}
		gap, sent := splitLeadingSpace(text[prev:e])
		if strings.TrimFunc(gap, unicode.IsSpace) != "" {
			t.Fatalf("Bounds(%q) = %v: non-space %q between sentences", text, ends, gap)
		}
		if i > 0 && gap == "" {
			t.Fatalf("Bounds(%q) = %v: sentence %d starts without white space before it", text, ends, i)
		}
		if sent == "" || strings.TrimFunc(sent, unicode.IsSpace) != sent {
			t.Fatalf("Bounds(%q) = %v: sentence %d is %q", text, ends, i, sent)
		}
		if sents[i] != sent {
			t.Fatalf("Split(%q)[%d] = %q, Bounds gives %q", text, i, sents[i], sent)
		}
		prev = e
	}
	if !utf8.ValidString(text) {
		return
	}
	for i, s := range sents {
		if !utf8.ValidString(s) {
			t.Fatalf("Split(%q)[%d] = %q: cuts a rune", text, i, s)
		}
	}
}

// splitLeadingSpace splits s into its leading white space and the rest.
func splitLeadingSpace(s string) (space, rest string) {
	rest = strings.TrimLeftFunc(s, unicode.IsSpace)
	return s[:len(s)-len(rest)], rest
}
