package wikidump_test

import (
	"fmt"
	"io"
	"log"
	"strings"

	"github.com/bertline/bertline/pkg/wikidump"
)

func ExampleReader() {
	const export = `<mediawiki xmlns="http://www.mediawiki.org/xml/export-0.11/" version="0.11">
  <siteinfo>
    <sitename>Wikipedia</sitename>
    <namespaces>
      <namespace key="0" case="first-letter" />
      <namespace key="1" case="first-letter">Talk</namespace>
    </namespaces>
  </siteinfo>
  <page>
    <title>AT&amp;T</title>
    <ns>0</ns>
    <id>12</id>
    <revision>
      <id>345</id>
      <contributor><username>Example</username><id>7</id></contributor>
      <text bytes="38" xml:space="preserve">'''AT&amp;T''' &lt;ref&gt;Bell&lt;/ref&gt;</text>
    </revision>
  </page>
  <page>
    <title>ATT</title>
    <ns>0</ns>
    <id>13</id>
    <redirect title="AT&amp;T" />
    <revision><id>346</id><text bytes="19" xml:space="preserve">#REDIRECT [[AT&amp;T]]</text></revision>
  </page>
</mediawiki>
`
	r := wikidump.NewReader(strings.NewReader(export))
	for {
		p, err := r.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			log.Fatal(err)
		}
		fmt.Printf("%d %q ns=%d redirect=%q rev=%d text=%q\n", p.ID, p.Title, p.NS, p.Redirect, p.RevisionID, p.Text)
	}
	fmt.Println(r.SiteInfo().SiteName, r.SiteInfo().Namespaces)
	// Output:
	// 12 "AT&T" ns=0 redirect="" rev=345 text="'''AT&T''' <ref>Bell</ref>"
	// 13 "ATT" ns=0 redirect="AT&T" rev=346 text="#REDIRECT [[AT&T]]"
	// Wikipedia map[0: 1:Talk]
}

func ExampleReader_truncated() {
	const export = `<mediawiki><page><title>A</title><revision><text>cut off`
	_, err := wikidump.NewReader(strings.NewReader(export)).Next()
	fmt.Println(err)
	// Output:
	// wikidump: offset 56, page "A": unexpected EOF inside <text>
}
