package wikitext

import (
	"bytes"
	"math/rand/v2"
	"testing"
	"unicode/utf8"
)

// forbidden lists what must never appear in cleaned text.
var forbidden = []string{
	"{{", "}}", "[[", "]]", "<ref", "<REF", "<Ref", "</", "|-", "{|", "|}", "''",
	"<!--", "__NOTOC__", "&amp;", "&lt;", "&gt;", "&nbsp;", "&quot;",
}

// checkOutput verifies the invariants of Clean's output for input in.
func checkOutput(t *testing.T, c *Cleaner, in, out []byte) {
	t.Helper()
	if !utf8.Valid(out) {
		t.Fatalf("invalid UTF-8 in output %q", out)
	}
	for _, f := range forbidden {
		if bytes.Contains(out, []byte(f)) {
			t.Fatalf("output contains %q\ninput:  %q\noutput: %q", f, in, out)
		}
	}
	if len(out) > 0 && out[len(out)-1] != '\n' {
		t.Fatalf("output does not end in a line break: %q", out)
	}
	for _, line := range bytes.SplitAfter(out, []byte("\n")) {
		if len(line) == 0 {
			continue
		}
		p := line[:len(line)-1]
		if len(p) == 0 || p[0] == ' ' || p[len(p)-1] == ' ' || bytes.Contains(p, []byte("  ")) {
			t.Fatalf("badly spaced paragraph %q\ninput: %q", line, in)
		}
	}
	// Idempotent: the paragraphs, separated by blank lines, clean to
	// themselves; a single paragraph cleans to itself as it is.
	again := c.Clean(nil, bytes.ReplaceAll(out, []byte("\n"), []byte("\n\n")))
	if !bytes.Equal(again, out) {
		t.Fatalf("not idempotent\ninput:  %q\nonce:   %q\ntwice:  %q", in, out, again)
	}
	if bytes.Count(out, []byte("\n")) <= 1 {
		if again := c.Clean(nil, out); !bytes.Equal(again, out) {
			t.Fatalf("not idempotent\ninput:  %q\nonce:   %q\ntwice:  %q", in, out, again)
		}
	}
}

func FuzzClean(f *testing.F) {
	for _, tc := range cleanTests {
		f.Add(tc.in)
	}
	for _, s := range []string{
		"&amp;lt;ref&amp;gt;x&amp;lt;/ref&amp;gt;", "[<!-- -->[a]]", "'{{x}}'",
		"&#91;&#91;a&#93;&#93;", "{{{{{", "}}}}}", "[[[[", "]]]]", "<ref<ref<ref",
		"a\n\n{{b\n\nc}}\n\nd", "''a'''b''''c'''''d''''''e", "\xff\xfe{{\xc0}}",
	} {
		f.Add(s)
	}
	c := NewCleaner(Options{})
	cl := NewCleaner(Options{KeepLists: true, DropSections: []string{}})
	f.Fuzz(func(t *testing.T, in string) {
		for _, c := range []*Cleaner{c, cl} {
			out := c.Clean(nil, []byte(in))
			checkOutput(t, c, []byte(in), out)
			// Appending to dst leaves dst alone and adds the same text.
			pre := []byte("kept\n")
			if got := c.Clean(pre, []byte(in)); !bytes.Equal(got, append(pre, out...)) {
				t.Fatalf("Clean(dst, in) = %q, want %q + %q", got, pre, out)
			}
		}
	})
}

// markupTokens are the pieces TestCleanRandomMarkup assembles: wikitext
// syntax, its debris and a little prose.
var markupTokens = []string{
	"{{", "}}", "{{{", "}}}", "[[", "]]", "[", "]", "|", "{|", "|}", "|-", "\n", "\n\n",
	" ", "  ", "''", "'''", "'", "<ref>", "</ref>", "<ref name=a/>", "<!--", "-->",
	"&amp;", "&lt;", "&gt;", "&#91;", "&#93;", "&#123;", "&#124;", "&nbsp;", "&#39;",
	"<b>", "</b>", "<br>", "<div>", "</div>", "<math>", "</math>", "<nowiki/>",
	"File:", "Category:", "fr:", ":", "http://x.org ", "//x ", "==", "=", "*", "#",
	";", "(", ")", ",", ".", " .", "word", "Foo", "_", "__NOTOC__", "lang|fr|",
	"convert|5|km", "quote|", "<", ">", "/", "&", "x", "\xff", "é", "\u00a0", "\t",
	"----", "References", "== See also ==\n", "\n ", "(;", "; )", "()", "-", "!",
}

// TestCleanRandomMarkup checks the invariants of FuzzClean on random
// sequences of markup tokens, which reach deeper into nesting than byte
// mutations do. It is deterministic.
func TestCleanRandomMarkup(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	c := NewCleaner(Options{})
	cl := NewCleaner(Options{KeepLists: true})
	var b []byte
	for range 20000 {
		b = b[:0]
		for range 1 + rng.IntN(40) {
			b = append(b, markupTokens[rng.IntN(len(markupTokens))]...)
		}
		checkOutput(t, c, b, c.Clean(nil, b))
		checkOutput(t, cl, b, cl.Clean(nil, b))
	}
}
