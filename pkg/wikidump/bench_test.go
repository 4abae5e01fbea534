package wikidump

import (
	"bytes"
	"fmt"
	"io"
	"math/rand/v2"
	"strings"
	"testing"
)

// syntheticDump returns an export of about size bytes whose pages look like
// Wikipedia's: half are redirects, the rest articles of 1-16 KB of
// wikitext with links, templates and references, so that the exporter's
// &lt; &gt; &quot; &amp; are about as dense as in a real dump.
func syntheticDump(size int) []byte {
	rng := rand.New(rand.NewPCG(1, 2))
	words := strings.Fields("the of and in a to was is for on as by with he at from his an were are which " +
		"this also be has or had first one their its new after who they two her she been other when time " +
		"during there into school more years over only city university national between world state century")
	site := &SiteInfo{SiteName: "Wikipedia", DBName: "enwiki", Base: "https://en.wikipedia.org/wiki/Main_Page",
		Namespaces: map[int]string{0: "", 1: "Talk", 10: "Template", 14: "Category"}}
	var pages []page
	var text strings.Builder
	for n, id := 0, int64(1); n < size; id++ {
		p := page{ID: id, Title: fmt.Sprintf("Article %d", id), RevisionID: 1000 + id}
		if rng.IntN(2) == 0 {
			p.Redirect = fmt.Sprintf("Article %d", rng.IntN(int(id)+1))
			p.Text = "#REDIRECT [[" + p.Redirect + "]]\n\n{{Redirect category shell|\n{{R from move}}\n}}"
		} else {
			text.Reset()
			text.WriteString("{{Short description|A thing}}\n{{Infobox thing\n| name = \"Thing\"\n| size = 5&nbsp;km\n}}\n")
			for target := 1000 + rng.IntN(15000); text.Len() < target; {
				for range 5 + rng.IntN(20) {
					switch w := words[rng.IntN(len(words))]; rng.IntN(20) {
					case 0:
						fmt.Fprintf(&text, "[[%s|%s]] ", w, w)
					case 1:
						fmt.Fprintf(&text, "'''%s''' ", w)
					default:
						text.WriteString(w + " ")
					}
				}
				switch rng.IntN(4) {
				case 0:
					fmt.Fprintf(&text, "<ref name=\"r%d\">{{cite web |url=https://example.org/%d |title=\"%s\" |date=2020}}</ref>\n",
						rng.IntN(50), rng.IntN(1000), words[rng.IntN(len(words))])
				case 1:
					text.WriteString(".\n\n== Section ==\n")
				default:
					text.WriteString(". ")
				}
			}
			text.WriteString("\n== References ==\n{{Reflist}}\n\n[[Category:Things]]\n")
			p.Text = text.String()
		}
		pages = append(pages, p)
		n += len(p.Text) + 600 // about the markup around each page's text
	}
	var b bytes.Buffer
	writeExport(&b, site, pages)
	return b.Bytes()
}

// BenchmarkReader measures the reader alone, on a 32 MB export in memory;
// its MB/s are of XML.
func BenchmarkReader(b *testing.B) {
	dump := syntheticDump(32 << 20)
	b.SetBytes(int64(len(dump)))
	b.ResetTimer()
	pages := 0
	for b.Loop() {
		r := NewReader(bytes.NewReader(dump))
		for {
			_, err := r.Next()
			if err == io.EOF {
				break
			}
			if err != nil {
				b.Fatal(err)
			}
			pages++
		}
	}
	b.ReportMetric(float64(pages)/b.Elapsed().Seconds(), "pages/s")
}

func TestSyntheticDump(t *testing.T) {
	dump := syntheticDump(1 << 20)
	pages, err := readAll(NewReader(bytes.NewReader(dump)), 10000)
	if err != nil {
		t.Fatal(err)
	}
	redirects := 0
	for _, p := range pages {
		if p.Redirect != "" {
			redirects++
		}
		if strings.Contains(p.Text, "&lt;") || !strings.Contains(p.Title, "Article") {
			t.Fatalf("page %v not decoded", p)
		}
	}
	if len(pages) < 50 || redirects < len(pages)/3 || redirects > len(pages)*2/3 {
		t.Errorf("%d pages, %d redirects: not a dump-like mix", len(pages), redirects)
	}
	if n := bytes.Count(dump, []byte("&")); n < len(dump)/200 {
		t.Errorf("%d entities in %d bytes: fewer than in real dumps", n, len(dump))
	}
}
