package wikitext_test

import (
	"fmt"

	"github.com/bertline/bertline/pkg/wikitext"
)

func ExampleCleaner_Clean() {
	src := []byte(`{{Infobox river|name=Wye|length={{convert|250|km}}}}
The '''Wye''' ({{lang-cy|Afon Gwy}}) is a [[river]] in [[Wales]] and
[[England|England]]<ref>{{cite web|url=http://x.org}}</ref>, about
{{convert|250|km|mi}} long.<!-- check -->

It rises on [[Plynlimon]] &ndash; the source of the [[River Severn|Severn]] too.
[[File:Wye.jpg|thumb|The Wye at [[Hay-on-Wye]]]]

== See also ==
* [[Rivers of Wales]]`)
	c := wikitext.NewCleaner(wikitext.Options{})
	fmt.Printf("%s", c.Clean(nil, src))
	// Output:
	// The Wye (Afon Gwy) is a river in Wales and England, about 250 km long.
	// It rises on Plynlimon – the source of the Severn too.
}

func ExampleIsDisambiguation() {
	fmt.Println(wikitext.IsDisambiguation("Mercury", []byte("'''Mercury''' may refer to:\n{{disambig|geo}}")))
	fmt.Println(wikitext.IsDisambiguation("Mercury (planet)", []byte("'''Mercury''' is a planet.")))
	// Output:
	// true
	// false
}
