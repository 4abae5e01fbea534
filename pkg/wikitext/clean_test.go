package wikitext

import (
	"strings"
	"testing"
)

// cleanTests pairs wikitext with the prose expected from it, written by
// hand: one case per construct and per edge case. In want, paragraphs are
// separated by "\n"; every paragraph ends in "\n".
var cleanTests = []struct {
	name string
	in   string
	want string
	opt  Options
}{
	// Paragraphs and white space.
	{name: "plain", in: "Hello world.", want: "Hello world.\n"},
	{name: "empty", in: "", want: ""},
	{name: "only space", in: " \n\t\n\n", want: ""},
	{name: "lines join", in: "One line\nand the next.", want: "One line and the next.\n"},
	{name: "blank line splits", in: "First.\n\nSecond.", want: "First.\nSecond.\n"},
	{name: "blank line with spaces", in: "First.\n \t \nSecond.", want: "First.\nSecond.\n"},
	{name: "collapse space", in: "a  b\t\tc   d", want: "a b c d\n"},
	{name: "crlf", in: "a line\r\nnext\r\n\r\nnew", want: "a line next\nnew\n"},
	{name: "trim", in: "text   \n", want: "text\n"},
	{name: "no word char", in: "Text.\n\n. , ;\n\n—", want: "Text.\n"},
	{name: "controls are space", in: "a\x00b\x01c\x7fd", want: "a b c d\n"},
	{name: "nbsp byte is space", in: "a\u00a0\u00a0b", want: "a b\n"},

	// Headings and sections.
	{name: "heading dropped", in: "Intro.\n== History ==\nOld times.", want: "Intro.\nOld times.\n"},
	{name: "heading levels", in: "=== Deep ===\nText.\n====== Six ======\nMore.", want: "Text.\nMore.\n"},
	{name: "heading ends paragraph", in: "a\n==H==\nb", want: "a\nb\n"},
	{name: "equals inside text", in: "x = y is an equation", want: "x = y is an equation\n"},
	{name: "line starting with equals", in: "=x is not a heading", want: "=x is not a heading\n"},
	{name: "drop section", in: "Body.\n\n== References ==\n{{reflist}}\nMore text.", want: "Body.\n"},
	{name: "drop section case and space", in: "Body.\n==  see ALSO==\nx", want: "Body.\n"},
	{name: "drop section with emphasis", in: "Body.\n=='''Notes'''==\nx", want: "Body.\n"},
	{name: "drop section with comment", in: "Body.\n== External links <!-- x --> ==\nx", want: "Body.\n"},
	{name: "drop section with trailing space", in: "Body.\n== Further reading == \t\nx", want: "Body.\n"},
	{name: "drop only trailing", in: "== Notes on style ==\nKept.", want: "Kept.\n"},
	{name: "drop section custom", in: "A.\n== Plot ==\nB.\n== Cast ==\nC.", want: "A.\nB.\n",
		opt: Options{DropSections: []string{"Cast"}}},
	{name: "drop section none", in: "A.\n== References ==\nB.", want: "A.\nB.\n",
		opt: Options{DropSections: []string{}}},
	{name: "heading in template not a cut", in: "A.\n{{box|\n== References ==\n}}\nB.", want: "A.\nB.\n"},
	{name: "drop section at start", in: "== See also ==\nx", want: ""},

	// Emphasis.
	{name: "italic", in: "''Italic'' text", want: "Italic text\n"},
	{name: "bold", in: "'''Bold''' text", want: "Bold text\n"},
	{name: "bold italic", in: "'''''Both''''' text", want: "Both text\n"},
	{name: "apostrophe", in: "O'Brien's dog", want: "O'Brien's dog\n"},
	{name: "plural possessive", in: "the dogs' bowls", want: "the dogs' bowls\n"},
	{name: "italic then possessive", in: "''Nature'''s cover", want: "Nature's cover\n"},
	{name: "bold then possessive", in: "'''Smith''''s house", want: "Smith's house\n"},
	{name: "four quotes", in: "''''x''''", want: "'x'\n"},
	{name: "unbalanced", in: "'''Bold without end", want: "Bold without end\n"},
	{name: "apostrophe template", in: "''Titanic''{{'}}s crew", want: "Titanic's crew\n"},

	// Templates.
	{name: "template", in: "a {{cite|x}} b", want: "a b\n"},
	{name: "template nested", in: "a {{x|{{y|{{z}}}}|w}} b", want: "a b\n"},
	{name: "template multiline", in: "{{Infobox person\n| name = X\n| born = {{birth date|1950|1|1}}\n}}\n'''X''' was a poet.", want: "X was a poet.\n"},
	{name: "template spans paragraphs", in: "Before.\n\n{{box|\n\nhidden\n\n}}\n\nAfter.", want: "Before.\nAfter.\n"},
	{name: "template parameter", in: "a {{{1|default}}} b", want: "a b\n"},
	{name: "template parameter nested", in: "a {{x|{{{1|{{y}}}}}}} b", want: "a b\n"},
	{name: "unclosed template", in: "a {{b c", want: "a b c\n"},
	{name: "unclosed template meets debris", in: "a {{b c.\n\nNext text.\n\nEnd }} here.", want: "a b c.\nNext text.\nEnd here.\n"},
	{name: "unclosed link and template", in: "a [[b {{c\n\nd ]] e }} f", want: "a b c\nd e f\n"},
	{name: "parser function over lines", in: "a {{#if:\n\nx\n\n|y}} b", want: "a b\n"},
	{name: "template blank line before args", in: "a {{box\n\n|x=1}} b", want: "a b\n"},
	{name: "stray closing braces", in: "a }} b", want: "a b\n"},
	{name: "single braces kept", in: "the set {x} here", want: "the set {x} here\n"},
	{name: "template with link", in: "a {{x|[[b|c]]}} d", want: "a d\n"},
	{name: "link in template in link", in: "[[A|b {{c|[[d]]}} e]]", want: "b e\n"},
	{name: "template in link text", in: "[[Paris|the {{nowrap|French capital}}]]", want: "the French capital\n"},
	{name: "template inside template argument with pipe link", in: "{{lang|fr|[[Paris|la ville]]}}", want: "la ville\n"},
	{name: "template name prefix", in: "{{Template:Lang|de|Haus}}", want: "Haus\n"},
	{name: "template name case and underscore", in: "{{Not_a_typo|teh}} {{NOWRAP|x}}", want: "teh x\n"},
	{name: "lang dash", in: "{{lang-fr|le chat}}", want: "le chat\n"},
	{name: "langx", in: "{{langx|de|Hund}}", want: "Hund\n"},
	{name: "transl", in: "{{transl|ar|DIN|qalam}}", want: "qalam\n"},
	{name: "convert", in: "It is {{convert|5|km|mi}} long.", want: "It is 5 km long.\n"},
	{name: "convert range", in: "{{convert|5|to|10|km}} and {{cvt|3|-|4|m}}", want: "5 to 10 km and 3–4 m\n"},
	{name: "convert compound", in: "{{convert|6|ft|2|in|m|abbr=on}} tall", want: "6 ft 2 in tall\n"},
	{name: "math template", in: "time {{math|''O''(''n'')}} for {{mvar|n}} items", want: "time O(n) for n items\n"},
	{name: "frac", in: "{{frac|1|2}} and {{frac|3|1|4}}", want: "1/2 and 3 1/4\n"},
	{name: "circa", in: "built {{circa|1850}}", want: "built c. 1850\n"},
	{name: "birth date", in: "born {{birth date|1950|5|1}}", want: "born May 1, 1950\n"},
	{name: "birth date df", in: "born {{birth date and age|1950|5|1|df=y}}", want: "born 1 May 1950\n"},
	{name: "whitelist more", in: "{{sic|a|b}} {{c.|1850}} {{fl.|1200}} {{floruit|1300}} {{smallcaps|Sc}} {{abbr|UN|United Nations}} {{Strong|s}}{{'s}}", want: "ab c. 1850 fl. 1200 fl. 1300 Sc UN s's\n"},
	{name: "nihongo", in: "{{nihongo|Tokyo|東京|Tōkyō}} is", want: "Tokyo is\n"},
	{name: "blockquote template", in: "x\n{{blockquote|Quoted words.}}\ny", want: "x\nQuoted words.\ny\n"},
	{name: "nbsp template", in: "10{{nbsp}}km", want: "10 km\n"},
	{name: "empty whitelisted", in: "a {{lang|fr}} {{convert}} {{frac}} b", want: "a b\n"},
	{name: "template in link in template", in: "{{a|[[b|{{c}}]]}} {{nowrap|[[b|x {{lang|fr|y}}]]}}", want: "x y\n"},
	{name: "file caption exact", in: "[[File:x.jpg|thumb|A [[link]] caption]]", want: ""},
	{name: "dashes", in: "a{{ndash}}b{{snd}}c{{mdash}}d", want: "a–b – c—d\n"},
	{name: "named positional", in: "{{lang|2=Haus|1=de}}", want: "Haus\n"},
	{name: "quote template", in: "He wrote {{quote|text=To be.|sign=X}} later.", want: "He wrote\nTo be.\nlater.\n"},
	{name: "parser function", in: "a {{#if:x|y|z}} {{PAGENAME}} b", want: "a b\n"},
	{name: "template own line", in: "{{Use dmy dates}}\n{{Short description|x}}\nText.", want: "Text.\n"},
	{name: "magic word", in: "__NOTOC__Text __TOC__ here.__NOEDITSECTION__", want: "Text here.\n"},
	{name: "underscores kept", in: "a_b __init__ c", want: "a_b __init__ c\n"},

	// Tables.
	{name: "table", in: "{| class=wikitable\n|-\n| a || b\n|}\nText.", want: "Text.\n"},
	{name: "table nested", in: "{|\n| {|\n| inner\n|}\n| outer\n|}\nAfter.", want: "After.\n"},
	{name: "table mid paragraph", in: "Before\n{|\n| cell\n|}\nafter.", want: "Before\nafter.\n"},
	{name: "table indented", in: "A.\n:{|\n|x\n|}\nB.", want: "A.\nB.\n"},
	{name: "table with template", in: "{|\n|{{x|\n|}}\n|}\nB.", want: "B.\n"},
	{name: "table rows outside table", in: "A\n|-\n| cell\n|}\nB", want: "A\nB\n"},
	{name: "table unclosed", in: "A.\n\n{|\n| cell\n\nText after.", want: "A.\nText after.\n"},
	{name: "table unclosed attributes", in: "A:\n{| class=\"wikitable\"\n|-\n| x\nB.", want: "A:\nB.\n"},
	{name: "table debris mid line", in: "a {| b |} c |- d", want: "a b c d\n"},

	// References, comments and opaque tags.
	{name: "ref", in: "Fact.<ref>Source, p. 1.</ref> Next.", want: "Fact. Next.\n"},
	{name: "ref with attributes", in: "Fact.<ref name=\"a\" group=n>x</ref>", want: "Fact.\n"},
	{name: "ref self closing", in: "Fact.<ref name=a /> Next<ref name=\"b\"/>.", want: "Fact. Next.\n"},
	{name: "ref with template", in: "Fact<ref>{{cite web|url=http://x|title=}}</ref>.", want: "Fact.\n"},
	{name: "ref with braces inside", in: "a<ref>}} ]] {{</ref> b", want: "a b\n"},
	{name: "ref upper case", in: "a<REF>x</Ref > b", want: "a b\n"},
	{name: "ref unclosed", in: "a<ref>b c", want: "ab c\n"},
	{name: "references tag", in: "Text.\n<references/>\n<references>\n<ref name=a>x</ref>\n</references>", want: "Text.\n"},
	{name: "comment", in: "a<!-- hidden -->b", want: "ab\n"},
	{name: "comment multiline", in: "a <!-- x\n\ny --> b", want: "a b\n"},
	{name: "comment unterminated", in: "a <!-- the rest\n\nis gone", want: "a\n"},
	{name: "comment own line keeps paragraph", in: "one\n<!-- note -->\ntwo", want: "one two\n"},
	{name: "comment in link", in: "[[Paris<!-- city -->|Par<!-- x -->is]]", want: "Paris\n"},
	{name: "comment hides markup", in: "a <!-- {{ [[ --> b", want: "a b\n"},
	{name: "math", in: "Let <math>\\frac{{a}}{b}</math> be.", want: "Let be.\n"},
	{name: "chem code pre", in: "x <chem>H2O</chem> <code>f()</code> <pre>p</pre> y", want: "x y\n"},
	{name: "source tags", in: "a<syntaxhighlight lang=go>x := 1</syntaxhighlight><source>y</source>b", want: "ab\n"},
	{name: "media tags", in: "a<score>c d</score><timeline>t</timeline><imagemap>i</imagemap><hiero>h</hiero>b", want: "ab\n"},
	{name: "gallery", in: "A.\n<gallery>\nFile:a.jpg|x\n</gallery>\nB.", want: "A.\nB.\n"},

	// Formatting tags.
	{name: "inline tags", in: "<b>bold</b> <i>it</i> <u>u</u> <s>s</s> <small>sm</small> <big>b</big>", want: "bold it u s sm b\n"},
	{name: "span and abbr", in: "<span style=\"color:red\">red</span> <abbr title=\"x\">NATO</abbr>", want: "red NATO\n"},
	{name: "sub sup", in: "H<sub>2</sub>O and x<sup>2</sup>", want: "H2O and x2\n"},
	{name: "br", in: "one<br>two<br/>three<br />four", want: "one two three four\n"},
	{name: "div blockquote", in: "<div>a</div><blockquote>b</blockquote>", want: "a\nb\n"},
	{name: "blockquote after text", in: "He said:\n<blockquote>Go.</blockquote>\nThen left.", want: "He said:\nGo.\nThen left.\n"},
	{name: "paragraph tags", in: "One<p>Two</p>", want: "One\nTwo\n"},
	{name: "nowiki", in: "a<nowiki>b</nowiki>c <nowiki/>d", want: "abc d\n"},
	{name: "nowiki breaks link trail", in: "[[bus]]<nowiki/>es", want: "buses\n"},
	{name: "poem", in: "<poem>\nline one\nline two\n</poem>", want: "line one line two\n"},
	{name: "unknown tag kept", in: "List<String> and a < b > c", want: "List<String> and a < b > c\n"},
	{name: "unknown closing tag", in: "a</foo> b", want: "a b\n"},
	{name: "stray slash", in: "a </ b", want: "a b\n"},
	{name: "broken known tag", in: "a <b b", want: "a b\n"},

	// Links.
	{name: "link", in: "[[Paris]]", want: "Paris\n"},
	{name: "link piped", in: "[[Paris|the capital]]", want: "the capital\n"},
	{name: "link trail", in: "[[bus]]es and [[cat]]s.", want: "buses and cats.\n"},
	{name: "pipe trick", in: "[[Paris (Texas)|]] and [[Help:Contents|]]", want: "Paris and Contents\n"},
	{name: "pipe trick comma", in: "[[Seattle, Washington|]]", want: "Seattle\n"},
	{name: "link underscores", in: "[[New_York_City]]", want: "New York City\n"},
	{name: "link section", in: "[[Paris#History|history of Paris]]", want: "history of Paris\n"},
	{name: "link spaces", in: "[[ Paris | city ]]", want: "city\n"},
	{name: "link text with pipes", in: "[[a|b|c]]", want: "b|c\n"},
	{name: "link emphasis", in: "[[Hamlet|''Hamlet'']]", want: "Hamlet\n"},
	{name: "unclosed link", in: "a [[b c", want: "a b c\n"},
	{name: "unclosed link piped", in: "a [[b|c d\n\nNext.", want: "a c d\nNext.\n"},
	{name: "stray closing brackets", in: "a ]] b", want: "a b\n"},
	{name: "triple bracket", in: "[[[a]]]", want: "[a]\n"},
	{name: "file", in: "A [[File:x.jpg|thumb|A caption]] B", want: "A B\n"},
	{name: "file caption with links", in: "[[File:x.jpg|thumb|A [[link]] in a [[b|caption]]]]Text.", want: "Text.\n"},
	{name: "image lower case", in: "[[image:x.png]]Text.", want: "Text.\n"},
	{name: "file unclosed", in: "Text.\n[[File:x.jpg|thumb|caption\n\nNext.", want: "Text.\nNext.\n"},
	{name: "category", in: "Text.\n[[Category:Cats]]\n[[Category:Pets|Cat]]", want: "Text.\n"},
	{name: "visible category", in: "see [[:Category:Cats]]", want: "see Category:Cats\n"},
	{name: "interlanguage", in: "Text.\n[[fr:Chat]]\n[[zh-min-nan:Niau]]", want: "Text.\n"},
	{name: "interwiki kept", in: "[[wikt:cat|cat]] and [[w:Dog]]", want: "cat and w:Dog\n"},
	{name: "colon title", in: "[[Star Wars: Episode I]]", want: "Star Wars: Episode I\n"},

	// External links.
	{name: "external link", in: "[http://example.org the label]", want: "the label\n"},
	{name: "external link unlabelled", in: "see [https://example.org] here", want: "see here\n"},
	{name: "external link label markup", in: "[//example.org ''a'' [[b]]]", want: "a b\n"},
	{name: "external link unclosed", in: "[http://example.org label\nnext", want: "label next\n"},
	{name: "external link in double brackets", in: "[[http://example.org label]]", want: "label\n"},
	{name: "bracket not a link", in: "a [sic] b [1]", want: "a [sic] b [1]\n"},
	{name: "bare url kept", in: "at http://example.org today", want: "at http://example.org today\n"},

	// Entities.
	{name: "entities", in: "a &amp; b &lt; c &gt; d &quot;e&quot;", want: "a & b < c > d \"e\"\n"},
	{name: "entity nbsp", in: "10&nbsp;km", want: "10 km\n"},
	{name: "entity dashes", in: "a&mdash;b&ndash;c&#8212;d&#x2014;e", want: "a—b–c—d—e\n"},
	{name: "entity rare", in: "&alefsym; &CounterClockwiseContourIntegral; &frac12;", want: "ℵ ∳ ½\n"},
	{name: "entity unknown", in: "AT&T &foo; &notit; & x", want: "AT&T &foo; &notit; & x\n"},
	{name: "entity double escaped", in: "a &amp;amp; b &amp;nbsp; c", want: "a & b c\n"},
	{name: "entity escaped tag", in: "x &lt;b&gt;y&lt;/b&gt; z", want: "x y z\n"},
	{name: "entity invalid code point", in: "a&#0;b&#xD800;c&#x110000;d", want: "a\ufffdb\ufffdc\ufffdd\n"},
	{name: "entity cp1252", in: "&#147;q&#148;", want: "\u201cq\u201d\n"},
	{name: "entity newline", in: "a&#10;b", want: "a b\n"},
	{name: "entity no semicolon", in: "&amp x", want: "&amp x\n"},

	// Lists, rules, preformatted lines.
	{name: "list dropped", in: "Intro.\n* one\n* two\n# three\n: four\n; five\nOutro.", want: "Intro.\nOutro.\n"},
	{name: "list kept", in: "Intro.\n* one\n*# two [[x]]\n; term : def\nOutro.", want: "Intro.\none\ntwo x\nterm : def\nOutro.\n",
		opt: Options{KeepLists: true}},
	{name: "rule", in: "a\n----\nb\n-----c", want: "a\nb\nc\n"},
	{name: "dash line", in: "-- not a rule", want: "-- not a rule\n"},
	{name: "preformatted", in: "Text.\n code line\n  more code\nEnd.", want: "Text.\nEnd.\n"},
	{name: "space after removed template", in: "{{anchor|x}} Text here.", want: "Text here.\n"},
	{name: "redirect", in: "#REDIRECT [[Target]]", want: ""},

	// Debris.
	{name: "empty parens", in: "Paris ({{IPA|paʁi}}) is big.", want: "Paris is big.\n"},
	{name: "empty parens spaced", in: "Paris ( {{x}} ) is big", want: "Paris is big\n"},
	{name: "parens leading separator", in: "X ({{IPA|x}}; born 1950) was", want: "X (born 1950) was\n"},
	{name: "parens trailing separator", in: "X (born 1950; {{x}}) was", want: "X (born 1950) was\n"},
	{name: "space before comma", in: "Paris {{x}}, France", want: "Paris, France\n"},
	{name: "space before period", in: "The end {{citation needed}}.", want: "The end.\n"},
	{name: "space before semicolon", in: "a {{x}}; b", want: "a; b\n"},
	{name: "double comma", in: "the chemistry, <chem>H2O</chem>, is easy; {{x}}; yes", want: "the chemistry, is easy; yes\n"},
	{name: "separator at start", in: "{{x}}, and so", want: "and so\n"},
	{name: "decimal kept", in: "a value of .5 and .NET", want: "a value of .5 and .NET\n"},
	{name: "ellipsis kept", in: "wait . . . what", want: "wait. . . what\n"},
	{name: "empty parens in text", in: "call f() now", want: "call f now\n"},

	// Invalid UTF-8 and Unicode.
	{name: "invalid utf8", in: "a\xffb\xc3c", want: "a\ufffdb\ufffdc\n"},
	{name: "unicode kept", in: "Zürich – 東京 ½", want: "Zürich – 東京 ½\n"},
}

func TestClean(t *testing.T) {
	for _, tc := range cleanTests {
		t.Run(strings.ReplaceAll(tc.name, " ", "_"), func(t *testing.T) {
			c := NewCleaner(tc.opt)
			got := string(c.Clean(nil, []byte(tc.in)))
			if got != tc.want {
				t.Errorf("Clean(%q)\n got: %q\nwant: %q", tc.in, got, tc.want)
			}
			// A second call on the same Cleaner gives the same answer.
			if again := string(c.Clean(nil, []byte(tc.in))); again != got {
				t.Errorf("second call = %q, first %q", again, got)
			}
		})
	}
}

// TestCleanAppends checks that Clean appends to dst.
func TestCleanAppends(t *testing.T) {
	c := NewCleaner(Options{})
	got := string(c.Clean([]byte("before\n"), []byte("''after''")))
	if want := "before\nafter\n"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

func TestTagTable(t *testing.T) {
	opaque := 0
	for name, info := range tags {
		if name != strings.ToLower(name) || len(name) > maxTagName {
			t.Errorf("tag %q: names must be lower case and at most %d bytes", name, maxTagName)
		}
		if info.kind == tagOpaque {
			opaque++
		}
	}
	if opaque > 64 {
		t.Errorf("%d opaque tags; Cleaner.unclosed has 64 bits", opaque)
	}
}
