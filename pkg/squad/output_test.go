package squad

import (
	"bytes"
	"errors"
	"reflect"
	"strings"
	"testing"
)

// The expectations are Python's repr and json.dumps output.
func TestPyFloat(t *testing.T) {
	for _, tt := range []struct {
		f    float64
		want string
	}{
		{0, "0.0"}, {1, "1.0"}, {-1 / posInf(), "-0.0"}, {0.1, "0.1"}, {1e-05, "1e-05"}, {0.0001, "0.0001"},
		{1e16, "1e+16"}, {1e15, "1000000000000000.0"}, {123.456, "123.456"},
		{float64(float32(0.1)), "0.10000000149011612"}, {1.5e-07, "1.5e-07"}, {-2.5e+20, "-2.5e+20"},
		{1e100, "1e+100"}, {5e-324, "5e-324"}, {1.7976931348623157e308, "1.7976931348623157e+308"},
		{12345678901234567890.0, "1.2345678901234567e+19"}, {9999999999999998.0, "9999999999999998.0"},
		{0.00012345, "0.00012345"}, {100, "100.0"}, {-3.25, "-3.25"},
	} {
		if got := pyFloat(tt.f); got != tt.want {
			t.Errorf("pyFloat(%v) = %s, want %s", tt.f, got, tt.want)
		}
	}
}

func posInf() float64 { var z float64; return 1 / z }

func TestPyString(t *testing.T) {
	in := "a\"b\\c\n\t\r\b\f\x01\x7f é€😀 <>&/"
	want := `"a\"b\\c\n\t\r\b\f\u0001\u007f \u00e9\u20ac\ud83d\ude00 <>&/"`
	if got := pyString(in); got != want {
		t.Errorf("pyString = %s, want %s", got, want)
	}
}

var testPreds = []Prediction{
	{ID: "q1", Text: "1895", NullOdds: -1.5, NBest: []Candidate{{"1895", 0.75, 5, -1.25}, {"", 0.25, 1e-05, 0}}},
	{ID: "qé2", Text: "", NullOdds: 2, NBest: []Candidate{{"", 1, 0.5, 0.5}}},
}

// The files are byte for byte what run_squad.py's json.dumps(..., indent=4)
// writes.
func TestWriteFormats(t *testing.T) {
	var b bytes.Buffer
	if err := WritePredictions(&b, testPreds); err != nil {
		t.Fatal(err)
	}
	if want := "{\n    \"q1\": \"1895\",\n    \"q\\u00e92\": \"\"\n}\n"; b.String() != want {
		t.Errorf("predictions.json:\n%s\nwant\n%s", b.String(), want)
	}
	b.Reset()
	if err := WriteNBest(&b, testPreds[:1]); err != nil {
		t.Fatal(err)
	}
	want := "{\n    \"q1\": [\n        {\n            \"text\": \"1895\",\n            \"probability\": 0.75,\n" +
		"            \"start_logit\": 5.0,\n            \"end_logit\": -1.25\n        },\n        {\n" +
		"            \"text\": \"\",\n            \"probability\": 0.25,\n            \"start_logit\": 1e-05,\n" +
		"            \"end_logit\": 0.0\n        }\n    ]\n}\n"
	if b.String() != want {
		t.Errorf("nbest_predictions.json:\n%s\nwant\n%s", b.String(), want)
	}
	b.Reset()
	if err := WriteNullOdds(&b, nil); err != nil || b.String() != "{}\n" {
		t.Errorf("empty null_odds.json %q, %v", b.String(), err)
	}
}

func TestOutputRoundTrip(t *testing.T) {
	var p, n, o bytes.Buffer
	if err := errors.Join(WritePredictions(&p, testPreds), WriteNBest(&n, testPreds), WriteNullOdds(&o, testPreds)); err != nil {
		t.Fatal(err)
	}
	preds, err := ReadPredictions(&p, "predictions.json")
	if err != nil || !reflect.DeepEqual(preds, map[string]string{"q1": "1895", "qé2": ""}) {
		t.Errorf("predictions %v, %v", preds, err)
	}
	nbest, err := ReadNBest(&n, "nbest_predictions.json")
	if err != nil {
		t.Fatal(err)
	}
	want := []Prediction{{ID: "q1", Text: "1895", NBest: testPreds[0].NBest}, {ID: "qé2", Text: "", NBest: testPreds[1].NBest}}
	if !reflect.DeepEqual(nbest, want) {
		t.Errorf("n-best %+v, want %+v", nbest, want)
	}
	odds, err := ReadNullOdds(&o, "null_odds.json")
	if err != nil || !reflect.DeepEqual(odds, []Odds{{"q1", -1.5}, {"qé2", 2}}) {
		t.Errorf("null odds %v, %v", odds, err)
	}
}

func TestReadOutputErrors(t *testing.T) {
	for _, tt := range []struct {
		read func(string) error
		in   string
		want string
	}{
		{readPreds, `{"a": "x", "a": "y"}`, `1:12: key "a" repeats`},
		{readPreds, `{"a": 1}`, "1:7: a: want a string, found a number"},
		{readPreds, `["a"]`, "1:1: want an object"},
		{readOdds, "{\"a\": 1,\n \"b\": \"1\"}", `2:7: b: want a number, found a string`},
		{readOdds, `{"a": 1`, "1:8: unexpected end of file"},
		{readNBest, `{"a": []}`, `1:2: a: question "a" has an empty n-best list`},
		{readNBest, `{"a": [{"text": "x"}]}`, `1:8: a[0]: the candidate has no "probability"`},
	} {
		err := tt.read(tt.in)
		var pe *ParseError
		if !errors.As(err, &pe) || !strings.HasPrefix(err.Error(), "f.json:"+tt.want) {
			t.Errorf("%s: error %v, want f.json:%s", tt.in, err, tt.want)
		}
	}
}

func readPreds(s string) error {
	_, err := ReadPredictions(strings.NewReader(s), "f.json")
	return err
}

func readOdds(s string) error {
	_, err := ReadNullOdds(strings.NewReader(s), "f.json")
	return err
}

func readNBest(s string) error {
	_, err := ReadNBest(strings.NewReader(s), "f.json")
	return err
}
