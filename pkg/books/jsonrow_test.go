package books

import (
	"bytes"
	"encoding/json"
	"errors"
	"strings"
	"testing"
)

// rowReference decodes a JSONL row with encoding/json, the behaviour
// parseRow must match.
func rowReference(line []byte, text, title string) (name string, value []byte, err error) {
	var obj map[string]json.RawMessage
	if err := json.Unmarshal(line, &obj); err != nil {
		return "", nil, err
	}
	raw, ok := obj[text]
	if !ok {
		return "", nil, ErrNoColumn
	}
	if string(raw) == "null" {
		return "", nil, nil
	}
	var s string
	if err := json.Unmarshal(raw, &s); err != nil {
		return "", nil, ErrNoColumn
	}
	if title != "" {
		_ = json.Unmarshal(obj[title], &name)
	}
	return name, []byte(s), nil
}

var rowTests = []string{
	`{"text":"a"}`,
	` {"text" : "a\nb" , "title":"T"} ` + "\r\n",
	`{}`,
	`{"text":null}`,
	`{"text":""}`,
	`{"text":1.5e-3}`, `{"text":-0}`, `{"text":01}`, `{"text":1.}`, `{"text":.5}`, `{"text":-}`, `{"text":1e}`, `{"text":+1}`,
	`{"text":true}`, `{"text":fals}`, `{"text":nul}`, `{"text":nulll}`,
	`{"text":[1,{"a":[]},"x"]}`, `{"text":[1,]}`, `{"text":{"a":1,}}`, `{"x":{"a" 1}}`,
	`{"text":"a","text":"b"}`, `{"text":"a","text":2}`,
	`{"t\u0065xt":"escaped key"}`,
	`{"text":"\"\\\/\b\f\n\r\t\u00e9\u65E5\ud83d\ude00"}`,
	`{"text":"lone \ud800 high, lone \udc00 low, \ud800\u0041 bad pair, \ud800\ud800\udc00"}`,
	`{"text":"bad \x"}`, `{"text":"bad \u12"}`, `{"text":"bad \u12G4"}`, `{"text":"unterminated`, `{"text":"ctl ` + "\x01" + `"}`,
	`{"text":"raw invalid \xff\xfe UTF-8","title":"\xffT"}`,
	`[1,2]`, `"text"`, `null`, `1`, ``, `   `, `{"text":"a"} x`, `{"text":"a"}{}`, `{"text" "a"}`, `{"text":}`, `{,}`, `{"a":1 "b":2}`,
	`{"title":"only title"}`, `{"text":"a","title":3}`, `{"text":"a","title":null}`,
	`{"text":"` + strings.Repeat("long plain run of text ", 50) + `\"quoted\" and more"}`,
	`{"x":` + strings.Repeat("[", 10001) + strings.Repeat("]", 10001) + `,"text":"deep"}`,
	`{"x":` + strings.Repeat("[", 9999) + strings.Repeat("]", 9999) + `,"text":"deep"}`,
}

func TestParseRow(t *testing.T) {
	for _, line := range rowTests {
		checkRow(t, []byte(line))
	}
}

func FuzzParseRow(f *testing.F) {
	for _, line := range rowTests {
		f.Add([]byte(line))
	}
	f.Fuzz(func(t *testing.T, line []byte) {
		checkRow(t, line)
	})
}

// checkRow checks that walker.row and rowReference agree on line: both
// fail, or both give the same name and the same text once invalid UTF-8 is
// replaced as encoding/json replaces it.
func checkRow(t *testing.T, line []byte) {
	t.Helper()
	w := &walker{opt: Options{TitleColumn: "title"}.withDefaults()}
	name, text, err := w.row(line)
	rname, rtext, rerr := rowReference(line, "text", "title")
	short := string(line)
	if len(short) > 80 {
		short = short[:80] + "..."
	}
	switch {
	case (err == nil) != (rerr == nil):
		t.Fatalf("row(%q): err = %v, encoding/json: %v", short, err, rerr)
	case errors.Is(rerr, ErrNoColumn) != errors.Is(err, ErrNoColumn):
		t.Fatalf("row(%q): err = %v, encoding/json: %v", short, err, rerr)
	case err != nil:
	case name != rname || (text == nil) != (rtext == nil) || !bytes.Equal([]byte(validUTF8(text)), rtext):
		t.Fatalf("row(%q) = %q, %q; encoding/json: %q, %q", short, name, text, rname, rtext)
	}
}

func TestParseRowKeepsInvalidUTF8(t *testing.T) {
	w := &walker{opt: Options{}.withDefaults()}
	_, text, err := w.row([]byte(`{"text":"caf` + "\xe9" + `"}`))
	if err != nil || string(text) != "caf\xe9" {
		t.Errorf("got %q, %v; want the raw bytes", text, err)
	}
}
