package squad

import (
	"bufio"
	"fmt"
	"io"
	"math"
	"os"
	"strconv"
	"strings"
)

// The output files are written byte for byte as run_squad.py writes them:
// Python's json.dumps(..., indent=4) and a newline, which escapes every
// character outside printable ASCII (\u00e9, surrogate pairs beyond the
// BMP) and writes numbers as Python's repr does (1.0, 0.1, 1e-05).

// WritePredictions writes predictions.json: {"question id": "answer", ...}
// in the order of preds.
func WritePredictions(w io.Writer, preds []Prediction) error {
	bw := bufio.NewWriter(w)
	writeObject(bw, len(preds), func(i int) string { return preds[i].ID }, func(i int) {
		bw.WriteString(pyString(preds[i].Text))
	})
	return bw.Flush()
}

// WriteNBest writes nbest_predictions.json: for each question id, its
// n-best list of {"text", "probability", "start_logit", "end_logit"}.
func WriteNBest(w io.Writer, preds []Prediction) error {
	bw := bufio.NewWriter(w)
	writeObject(bw, len(preds), func(i int) string { return preds[i].ID }, func(i int) {
		nb := preds[i].NBest
		if len(nb) == 0 {
			bw.WriteString("[]")
			return
		}
		bw.WriteString("[\n")
		for j, c := range nb {
			fmt.Fprintf(bw, "        {\n            \"text\": %s,\n            \"probability\": %s,\n"+
				"            \"start_logit\": %s,\n            \"end_logit\": %s\n        }",
				pyString(c.Text), pyFloat(c.Probability), pyFloat(c.StartLogit), pyFloat(c.EndLogit))
			if j < len(nb)-1 {
				bw.WriteByte(',')
			}
			bw.WriteByte('\n')
		}
		bw.WriteString("    ]")
	})
	return bw.Flush()
}

// WriteNullOdds writes null_odds.json: {"question id": NullOdds, ...}, the
// file the SQuAD 2.0 evaluation takes as --na-prob-file.
func WriteNullOdds(w io.Writer, preds []Prediction) error {
	bw := bufio.NewWriter(w)
	writeObject(bw, len(preds), func(i int) string { return preds[i].ID }, func(i int) {
		bw.WriteString(pyFloat(preds[i].NullOdds))
	})
	return bw.Flush()
}

// writeObject writes a JSON object of n members indented by 4, and a
// newline.
func writeObject(w *bufio.Writer, n int, key func(int) string, value func(int)) {
	if n == 0 {
		w.WriteString("{}\n")
		return
	}
	w.WriteString("{\n")
	for i := 0; i < n; i++ {
		w.WriteString("    ")
		w.WriteString(pyString(key(i)))
		w.WriteString(": ")
		value(i)
		if i < n-1 {
			w.WriteByte(',')
		}
		w.WriteByte('\n')
	}
	w.WriteString("}\n")
}

// pyString quotes s as Python's json.dumps does with ensure_ascii.
func pyString(s string) string {
	var b strings.Builder
	b.Grow(len(s) + 2)
	b.WriteByte('"')
	for _, r := range s {
		switch {
		case r == '"':
			b.WriteString(`\"`)
		case r == '\\':
			b.WriteString(`\\`)
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\r':
			b.WriteString(`\r`)
		case r == '\t':
			b.WriteString(`\t`)
		case r == '\b':
			b.WriteString(`\b`)
		case r == '\f':
			b.WriteString(`\f`)
		case r >= ' ' && r <= '~':
			b.WriteRune(r)
		case r > 0xffff:
			r -= 0x10000
			fmt.Fprintf(&b, `\u%04x\u%04x`, 0xd800+(r>>10), 0xdc00+(r&0x3ff))
		default:
			fmt.Fprintf(&b, `\u%04x`, r)
		}
	}
	b.WriteByte('"')
	return b.String()
}

// pyFloat formats f as Python's repr (and json.dumps) does: the shortest
// digits that read back as f, in positional notation with at least one
// digit after the point when 1e-4 <= |f| < 1e16, else as d.ddde±XX.
func pyFloat(f float64) string {
	switch {
	case math.IsNaN(f):
		return "NaN"
	case math.IsInf(f, 1):
		return "Infinity"
	case math.IsInf(f, -1):
		return "-Infinity"
	}
	s := strconv.FormatFloat(f, 'e', -1, 64) // -d.ddde±XX
	mant, exps, _ := strings.Cut(s, "e")
	exp, _ := strconv.Atoi(exps)
	sign := ""
	if mant[0] == '-' {
		sign, mant = "-", mant[1:]
	}
	digits := strings.Replace(mant, ".", "", 1)
	if exp < -4 || exp >= 16 {
		m := digits[:1]
		if len(digits) > 1 {
			m += "." + digits[1:]
		}
		es := "+"
		if exp < 0 {
			es, exp = "-", -exp
		}
		return fmt.Sprintf("%s%se%s%02d", sign, m, es, exp)
	}
	if exp < 0 {
		return sign + "0." + strings.Repeat("0", -exp-1) + digits
	}
	if len(digits) <= exp+1 {
		return sign + digits + strings.Repeat("0", exp+1-len(digits)) + ".0"
	}
	return sign + digits[:exp+1] + "." + digits[exp+1:]
}

// Odds is one entry of null_odds.json (the --na-prob-file of the SQuAD 2.0
// evaluation): a question id and how strongly it is predicted to have no
// answer.
type Odds struct {
	ID    string
	Value float64
}

// ReadPredictions reads predictions.json ({"question id": "answer"}), as
// the official evaluation scripts take it. A repeated id or an answer that
// is not a string is a *ParseError.
func ReadPredictions(r io.Reader, name string) (map[string]string, error) {
	d, err := readAll(r, name)
	if err != nil {
		return nil, err
	}
	out := map[string]string{}
	if _, err := d.object(func(key string, _ int) error {
		s, _, err := d.str()
		out[key] = s
		return err
	}); err != nil {
		return nil, err
	}
	return out, d.end()
}

// ReadNullOdds reads null_odds.json ({"question id": number}) in file
// order, which decides ties when the evaluation searches thresholds.
func ReadNullOdds(r io.Reader, name string) ([]Odds, error) {
	d, err := readAll(r, name)
	if err != nil {
		return nil, err
	}
	out := []Odds{} // not nil: a file was read, even if empty
	if _, err := d.object(func(key string, _ int) error {
		v, _, err := d.number()
		out = append(out, Odds{key, v})
		return err
	}); err != nil {
		return nil, err
	}
	return out, d.end()
}

// ReadNBest reads nbest_predictions.json in file order; each Prediction
// has its ID and NBest, and Text set to the first candidate's text.
func ReadNBest(r io.Reader, name string) ([]Prediction, error) {
	d, err := readAll(r, name)
	if err != nil {
		return nil, err
	}
	var out []Prediction
	if _, err := d.object(func(key string, koff int) error {
		p := Prediction{ID: key}
		if _, err := d.array(func(int) error {
			var c Candidate
			have := map[string]bool{}
			off, err := d.object(func(k string, _ int) error {
				have[k] = true
				var err error
				switch k {
				case "text":
					c.Text, _, err = d.str()
				case "probability":
					c.Probability, _, err = d.number()
				case "start_logit":
					c.StartLogit, _, err = d.number()
				case "end_logit":
					c.EndLogit, _, err = d.number()
				default:
					err = d.skip()
				}
				return err
			})
			if err != nil {
				return err
			}
			p.NBest = append(p.NBest, c)
			return d.required(off, "the candidate", have, "text", "probability", "start_logit", "end_logit")
		}); err != nil {
			return err
		}
		if len(p.NBest) == 0 {
			return d.errAt(koff, "question %q has an empty n-best list", key)
		}
		p.Text = p.NBest[0].Text
		out = append(out, p)
		return nil
	}); err != nil {
		return nil, err
	}
	return out, d.end()
}

// LoadPredictions reads the predictions.json at path; see ReadPredictions.
func LoadPredictions(path string) (map[string]string, error) {
	return loadFile(path, ReadPredictions)
}

// LoadNullOdds reads the null_odds.json at path; see ReadNullOdds.
func LoadNullOdds(path string) ([]Odds, error) { return loadFile(path, ReadNullOdds) }

// LoadNBest reads the nbest_predictions.json at path; see ReadNBest.
func LoadNBest(path string) ([]Prediction, error) { return loadFile(path, ReadNBest) }

func loadFile[T any](path string, read func(io.Reader, string) (T, error)) (T, error) {
	f, err := os.Open(path)
	if err != nil {
		var zero T
		return zero, fmt.Errorf("squad: %w", err)
	}
	defer f.Close()
	return read(f, path)
}

func readAll(r io.Reader, name string) (*decoder, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("squad: reading %s: %w", name, err)
	}
	return newDecoder(name, data)
}
