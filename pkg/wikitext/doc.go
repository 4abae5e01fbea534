// Package wikitext turns the MediaWiki markup of one article into plain
// prose for language-model corpora: one paragraph per line, without titles,
// headings, lists, tables, references or markup of any kind.
//
// The input is the text of a page as it sits inside <text> in a dump, after
// XML unescaping, so "<ref>" appears literally. For example
//
//	{{Infobox river|name=Wye|length={{convert|250|km}}}}
//	The '''Wye''' ({{lang-cy|Afon Gwy}}) is a [[river]] in [[Wales]] and
//	[[England|England]]<ref>{{cite web|url=http://x.org}}</ref>, about
//	{{convert|250|km|mi}} long.<!-- check -->
//
//	It rises on [[Plynlimon]] &ndash; the source of the [[River Severn|Severn]] too.
//	[[File:Wye.jpg|thumb|The Wye at [[Hay-on-Wye]]]]
//
//	== See also ==
//	* [[Rivers of Wales]]
//
// becomes
//
//	The Wye (Afon Gwy) is a river in Wales and England, about 250 km long.
//	It rises on Plynlimon – the source of the Severn too.
//
// # What goes
//
// Templates {{...}}, nested, across lines and paragraphs, template
// parameters {{{x}}} too, except the few listed below; tables {| ... |},
// nested; comments (an unterminated one hides the rest of the page);
// <ref>, <references>, <math>, <chem>, <code>, <pre>, <syntaxhighlight>,
// <source>, <score>, <timeline>, <imagemap>, <hiero>, <gallery> and other
// tags whose content is not prose; file, image, media and category links,
// captions and all; interlanguage links ([[fr:Paris]]); behaviour switches
// (__NOTOC__); headings; list items (unless Options.KeepLists); table rows;
// horizontal rules; preformatted lines (starting with a space); and, from
// the first heading named in Options.DropSections, the rest of the page.
//
// # What stays
//
//	[[Paris]]                     → Paris
//	[[Paris|the capital]]         → the capital
//	[[bus]]es                     → buses
//	[[Paris (Texas)|]]            → Paris
//	[http://example.org a label]  → a label          ([http://example.org] goes)
//	<b>x</b> <span>y</span> a<br>b → x y a b          (also <i>, <sub>, <sup>, <small>, <nowiki>, ...)
//	<blockquote>q</blockquote>    → q, as a paragraph (also <div>, <p>, <poem>)
//	'''bold''' and ''italic''     → bold and italic   (O'Brien and the dogs' bowls keep theirs)
//	&amp; &nbsp; &mdash; &#x2014; → & — —             (all HTML5 names; &nbsp; is a space)
//
// A few templates render prose; names compare case-insensitively, with
// underscores as spaces and an optional "Template:" prefix:
//
//	{{lang|fr|texte}}, {{langx|fr|texte}}, {{lang-fr|texte}}  → texte
//	{{transl|ar|DIN|qalam}}                                   → qalam
//	{{nihongo|Tokyo|東京|Tōkyō}}                               → Tokyo
//	{{nowrap|x}}, {{nobr|x}}, {{small|x}}, {{smaller|x}},
//	{{big|x}}, {{larger|x}}, {{sc|x}}, {{smallcaps|x}},
//	{{small caps|x}}, {{em|x}}, {{strong|x}}, {{abbr|x|...}},
//	{{visible anchor|x}}, {{not a typo|x}}, {{proper name|x}},
//	{{as written|x}}, {{mvar|x}}, {{math|x}}                  → x
//	{{sic|a|b}}                                               → ab
//	{{quote|text=q}}, {{blockquote|q}}                        → q, as a paragraph
//	{{convert|5|km|mi}}, {{cvt|5|km}}                         → 5 km
//	{{convert|5|to|10|km}}, {{convert|5|-|10|km}}             → 5 to 10 km, 5–10 km
//	{{convert|6|ft|2|in}}                                     → 6 ft 2 in
//	{{frac|1|2}}, {{frac|3|1|2}}                              → 1/2, 3 1/2
//	{{circa|1850}}, {{c.|1850}}, {{floruit|1200}}, {{fl.|1200}} → c. 1850, fl. 1200
//	{{birth date|1950|5|1}}, {{birth date|1950|5|1|df=y}}     → May 1, 1950; 1 May 1950
//	{{'}}, {{'s}}, {{ndash}}, {{mdash}}, {{snd}}, {{nbsp}}    → ' 's – — " – " " "
//
// The date form also serves birth date and age, death date, death date and
// age, start date, start date and age and end date (ages are left out);
// birth year and age and death year and age give the year.
//
// # Paragraphs
//
// The lines of a paragraph are joined with a space and runs of white space
// become one space. The debris that removals leave is tidied: "()" and
// "( )" go, "(; born 1950)" becomes "(born 1950)", and no space is left
// before ",", ";" or a "." that ends a word. Paragraphs without a letter or
// digit are dropped.
//
// # Guarantees
//
// The output is valid UTF-8 (each invalid input byte becomes U+FFFD) and,
// whatever the input, never contains any of
//
//	{{  }}  [[  ]]  {|  |}  |-  ''  <!--  </  <ref  __NOTOC__  &amp;  &lt;
//
// nor any other behaviour switch or decodable character reference. Cleaning
// the output again, with its paragraphs separated by blank lines, returns
// it unchanged. Cleaning is linear in the size of the page, and allocates
// nothing once a Cleaner's buffers have grown, except for the rare named
// character reference outside a table of common ones.
package wikitext
