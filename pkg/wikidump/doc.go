// Package wikidump reads MediaWiki XML exports, such as Wikipedia's
// enwiki-YYYYMMDD-pages-articles.xml[.bz2], as a stream of pages, and the
// index of multistream dumps, whose bzip2 streams can be read on their own.
//
// An export like
//
//	<mediawiki xmlns="http://www.mediawiki.org/xml/export-0.11/" version="0.11">
//	  <siteinfo>
//	    <sitename>Wikipedia</sitename>
//	    <namespaces>
//	      <namespace key="0" case="first-letter" />
//	      <namespace key="1" case="first-letter">Talk</namespace>
//	    </namespaces>
//	  </siteinfo>
//	  <page>
//	    <title>AT&amp;T</title>
//	    <ns>0</ns>
//	    <id>12</id>
//	    <revision>
//	      <id>345</id>
//	      <contributor><username>Example</username><id>7</id></contributor>
//	      <text bytes="38" xml:space="preserve">'''AT&amp;T''' &lt;ref&gt;Bell&lt;/ref&gt;</text>
//	    </revision>
//	  </page>
//	  <page>
//	    <title>ATT</title>
//	    <ns>0</ns>
//	    <id>13</id>
//	    <redirect title="AT&amp;T" />
//	    <revision><id>346</id><text bytes="19" xml:space="preserve">#REDIRECT [[AT&amp;T]]</text></revision>
//	  </page>
//	</mediawiki>
//
// reads as SiteInfo{SiteName: "Wikipedia", Namespaces: {0: "", 1: "Talk"}}
// and two pages:
//
//	Page{ID: 12, Title: "AT&T", NS: 0, RevisionID: 345, Text: "'''AT&T''' <ref>Bell</ref>"}
//	Page{ID: 13, Title: "ATT", NS: 0, Redirect: "AT&T", RevisionID: 346, Text: "#REDIRECT [[AT&T]]"}
//
// Export schema versions 0.3 to 0.11 are read alike. A page keeps its last
// <revision>; <contributor>, <comment>, <upload>, <discussionthreadinginfo>,
// top-level <logitem> and elements the reader does not know are skipped,
// checking only that their tags nest. Pages of exports without <ns> (before
// 0.6) get their namespace from the title's prefix and <siteinfo>; a bare
// <redirect/> (0.4, 0.5) gets its target from the text's "#REDIRECT [[...]]".
// Entities (&lt; &gt; &amp; &quot; &apos; &#NNN; &#xHH;) and CDATA sections
// are decoded, and CRLF becomes LF, as XML requires.
//
// The Reader is a hand-written scanner over a buffer, not encoding/xml: it
// streams pages of any size in constant memory apart from the largest page's
// text, at several hundred MB/s on one core (see BenchmarkReader). It checks
// the structure it relies on and reports broken input as a *SyntaxError with
// the byte offset and page title: a truncated file (io.ErrUnexpectedEOF), a
// file that is not an export (ErrNotExport, ErrEmpty), unterminated or
// mismatched tags (ErrMalformed), a page without a title (ErrNoTitle), a bad
// <ns> or <id> (ErrBadNumber) or entity (ErrBadEntity). It does not check
// everything XML forbids: names are not matched against the schema, nor is
// UTF-8 validated.
//
// A multistream dump (...-pages-articles-multistream.xml.bz2) is a header
// stream holding <mediawiki> and <siteinfo>, streams of 100 pages each and
// a final stream holding </mediawiki>; its index lists "offset:pageid:title"
// for each page. ReadIndex turns the index into Streams,
// ReadMultistreamHeader reads the SiteInfo from the header stream, and
// OpenStream (or NewFragmentReader over any bzip2 decoder) reads one stream's
// pages, so streams can be decoded in parallel.
package wikidump
