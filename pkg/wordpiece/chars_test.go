package wordpiece

import (
	"bufio"
	"compress/gzip"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"
)

// hfRange is HuggingFace's treatment of a run of code points, as recorded
// in testdata/hf_chars.txt.gz.
type hfRange struct {
	lo, hi  rune
	cls     string // "drop", "space", "cjk", "punct" or "word"
	uncased string // the uncased normalizer's output; "-" for the code point itself
}

func readHFChars(t *testing.T) []hfRange {
	t.Helper()
	f, err := os.Open("testdata/hf_chars.txt.gz")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	var out []hfRange
	sc := bufio.NewScanner(zr)
	for sc.Scan() {
		f := strings.Split(sc.Text(), "\t")
		if len(f) != 3 {
			t.Fatalf("bad line %q", sc.Text())
		}
		a, b, isRange := strings.Cut(f[0], "-")
		lo, err1 := strconv.ParseUint(a, 16, 32)
		hi := lo
		var err2 error
		if isRange {
			hi, err2 = strconv.ParseUint(b, 16, 32)
		}
		if err1 != nil || err2 != nil {
			t.Fatalf("bad line %q", sc.Text())
		}
		c := hfRange{lo: rune(lo), hi: rune(hi), cls: f[1], uncased: f[2]}
		if f[2] != "-" && f[2] != "" {
			var sb strings.Builder
			for _, h := range strings.Fields(f[2]) {
				v, err := strconv.ParseUint(h, 16, 32)
				if err != nil {
					t.Fatalf("bad line %q", sc.Text())
				}
				sb.WriteRune(rune(v))
			}
			c.uncased = sb.String()
		}
		if len(out) > 0 && c.lo <= out[len(out)-1].hi {
			t.Fatalf("line %q out of order", sc.Text())
		}
		out = append(out, c)
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	if len(out) < 1000 {
		t.Fatalf("only %d lines in hf_chars.txt.gz", len(out))
	}
	return out
}

// TestHuggingFaceCodePoints checks code points against HuggingFace's
// normalizer and pre-tokenizer: every one that HuggingFace treats other
// than as an ordinary letter (within long uniform runs, such as the private
// use planes, a sample), and every ordinary one below U+30000 (a sample
// above). For "x"+c+"x" it derives the words that HuggingFace's recorded
// behaviour implies (c dropped, a space, a word of its own, or part of the
// word after normalization, which may itself yield punctuation) and expects
// their WordPiece ids.
func TestHuggingFaceCodePoints(t *testing.T) {
	uncased, cased := vocabs(t)
	ranges := readHFChars(t)
	find := func(r rune) (hfRange, bool) {
		i, ok := slices.BinarySearchFunc(ranges, r, func(c hfRange, r rune) int {
			switch {
			case c.hi < r:
				return -1
			case c.lo > r:
				return 1
			}
			return 0
		})
		if !ok {
			return hfRange{}, false
		}
		return ranges[i], true
	}
	class := func(r rune) string {
		if c, ok := find(r); ok {
			return c.cls
		}
		return "word"
	}
	for _, mode := range []struct {
		name string
		tok  *Tokenizer
	}{
		{"uncased", New(uncased, Options{Lowercase: true})},
		{"cased", New(cased, Options{})},
	} {
		t.Run(mode.name, func(t *testing.T) {
			bad, n := 0, 0
			var got, want []int32
			var in, w []byte
			var words [][]byte
			for r := rune(0); r <= unicode.MaxRune; r++ {
				if !utf8.ValidRune(r) {
					continue
				}
				c, listed := find(r)
				if listed && c.hi-c.lo > 64 && r-c.lo > 16 && c.hi-r > 16 && (r-c.lo)%61 != 0 {
					continue
				}
				if !listed && r >= 0x30000 && r%61 != 0 {
					continue
				}
				if !listed {
					c = hfRange{cls: "word", uncased: "-"}
				}
				norm := string(r)
				if mode.name == "uncased" && c.uncased != "-" {
					norm = c.uncased
				}
				words = words[:0]
				switch c.cls {
				case "drop":
					words = append(words, []byte("xx"))
				case "space":
					words = append(words, []byte("x"), []byte("x"))
				case "cjk":
					words = append(words, []byte("x"), []byte(norm), []byte("x"))
				default:
					// Split the normalized "x"+c+"x" as the pre-tokenizer does.
					w = append(w[:0], 'x')
					for _, x := range norm {
						switch class(x) {
						case "space":
							words, w = append(words, w), nil
						case "punct":
							words, w = append(words, w, []byte(string(x))), nil
						default:
							w = utf8.AppendRune(w, x)
						}
					}
					words = append(words, append(w, 'x'))
				}
				want = want[:0]
				for _, w := range words {
					if len(w) > 0 {
						want = mode.tok.v.appendPieces(want, w)
					}
				}
				in = append(utf8.AppendRune(append(in[:0], 'x'), r), 'x')
				got = mode.tok.AppendIDs(got[:0], in)
				n++
				if !slices.Equal(got, want) {
					bad++
					if bad <= 10 {
						t.Errorf("%U %s: got %q, want %q (words %q)", r, c.cls, ids2toks(mode.tok, got), ids2toks(mode.tok, want), words)
					}
				}
			}
			t.Logf("%d of %d code points agree", n-bad, n)
		})
	}
}

func ids2toks(t *Tokenizer, ids []int32) []string {
	var s []string
	for _, id := range ids {
		s = append(s, t.v.Token(id))
	}
	return s
}
