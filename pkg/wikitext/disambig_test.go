package wikitext

import "testing"

func TestIsDisambiguation(t *testing.T) {
	tests := []struct {
		title, text string
		want        bool
	}{
		{"Mercury (disambiguation)", "Mercury may refer to:", true},
		{"Mercury (Disambiguation) ", "", true},
		{"Mercury", "'''Mercury''' may refer to:\n* [[Mercury (planet)]]\n{{disambiguation}}", true},
		{"Mercury", "{{Disambiguation|geo}}", true},
		{"Mercury", "{{disambig}}", true},
		{"Mercury", "{{Dab}}", true},
		{"Mercury", "{{disamb}}", true},
		{"Mercury", "{{hndis|Smith, John}}", true},
		{"Mercury", "{{Geodis}}", true},
		{"Mercury", "{{Template:Disambiguation}}", true},
		{"Mercury", "{{template : disambiguation|surname}}", true},
		{"Mercury", "{{ disambiguation\n| geo }}", true},
		{"Mercury", "{{DISAMBIGUATION}}", true},
		{"Mercury", "{{Human name disambiguation}}", true},
		{"Mercury", "{{place_name_disambiguation}}", true},
		{"Mercury", "{{Disambiguation cleanup|date=May 2020}}", true},
		{"Mercury", "Text __DISAMBIG__", true},
		{"Mercury", "{{Infobox planet}}{{Short description|Planet}} text {{dab}}", true},
		{"Mercury", "'''Mercury''' is a planet.{{Infobox planet|name=Mercury}}", false},
		{"Mercury", "See [[Mercury (disambiguation)]] for other uses.", false},
		{"Mercury", "{{About|the planet|other uses|Mercury (disambiguation)}}", false},
		{"Mercury", "{{Disambiguation needed|date=May 2020}}", false},
		{"Mercury", "{{dablink|x}} {{distinguish|Mars}}", false},
		{"Mercury", "{{", false},
		{"Mercury", "", false},
		{"Disambiguation", "The word disambiguation means ...", false},
	}
	for _, tc := range tests {
		if got := IsDisambiguation(tc.title, []byte(tc.text)); got != tc.want {
			t.Errorf("IsDisambiguation(%q, %q) = %v, want %v", tc.title, tc.text, got, tc.want)
		}
	}
}
