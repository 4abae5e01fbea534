package download

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// Known answers for the three-byte input "abc" (FIPS 180 and RFC 1321 test vectors).
const (
	abcMD5    = "900150983cd24fb0d6963f7d28e17f72"
	abcSHA1   = "a9993e364706816aba3e25717850c26c9cd0d89d"
	abcSHA256 = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
)

func writeTemp(t *testing.T, name, content string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestVerify(t *testing.T) {
	p := writeTemp(t, "abc.txt", "abc")
	for _, digest := range []string{
		"sha256:" + abcSHA256,
		"sha1:" + abcSHA1,
		"md5:" + abcMD5,
		abcSHA256,
		abcSHA1,
		abcMD5,
		strings.ToUpper(abcSHA1),
		"SHA256:" + abcSHA256,
		"  " + abcMD5 + "\n",
	} {
		if err := Verify(p, digest); err != nil {
			t.Errorf("Verify(%q): %v", digest, err)
		}
	}
}

func TestVerifyMismatch(t *testing.T) {
	p := writeTemp(t, "abd.txt", "abd")
	err := Verify(p, "sha1:"+abcSHA1)
	if !errors.Is(err, ErrChecksum) {
		t.Fatalf("Verify = %v, want ErrChecksum", err)
	}
	var ce *ChecksumError
	if !errors.As(err, &ce) || ce.Want != abcSHA1 || ce.Algo != "sha1" || ce.Got == abcSHA1 || len(ce.Got) != 40 {
		t.Fatalf("ChecksumError = %+v", ce)
	}
	for _, want := range []string{p, abcSHA1, ce.Got, "sha1"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not mention %q", err, want)
		}
	}
	if _, err := os.Stat(p); err != nil {
		t.Errorf("Verify removed the file: %v", err)
	}
}

func TestVerifyBadDigest(t *testing.T) {
	p := writeTemp(t, "abc.txt", "abc")
	for _, digest := range []string{
		"",
		"abc",
		"sha256:" + abcSHA1,             // wrong length for the algorithm
		"sha512:" + abcSHA256,           // unknown algorithm
		strings.Repeat("z", 40),         // not hex
		abcSHA256 + "0",                 // 65 digits
		"md5:" + abcMD5[:31] + "g",      // one non-hex digit
		"sha1:" + abcSHA1 + " trailing", // extra text
	} {
		if err := Verify(p, digest); !errors.Is(err, ErrBadDigest) {
			t.Errorf("Verify(%q) = %v, want ErrBadDigest", digest, err)
		}
	}
}

func TestVerifyMissingFile(t *testing.T) {
	err := Verify(filepath.Join(t.TempDir(), "nope"), abcMD5)
	if !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("Verify = %v, want fs.ErrNotExist", err)
	}
}

func TestParseChecksums(t *testing.T) {
	in := `# enwiki 20240601
` + abcSHA1 + `  enwiki-20240601-pages-articles.xml.bz2
` + strings.ToUpper(abcMD5) + ` *binary-mode.bin

` + abcSHA256 + `  ./sub/dir/nested.txt
SHA256 (bsd style.txt) = ` + abcSHA256 + `
MD5 (bsd style.txt) = ` + abcMD5 + `
` + abcSHA1 + `  name with  spaces.txt
`
	got, err := parseChecksums(strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	want := map[string][]Digest{
		"enwiki-20240601-pages-articles.xml.bz2": {{"sha1", abcSHA1}},
		"binary-mode.bin":                        {{"md5", abcMD5}},
		"nested.txt":                             {{"sha256", abcSHA256}},
		"bsd style.txt":                          {{"sha256", abcSHA256}, {"md5", abcMD5}},
		"name with  spaces.txt":                  {{"sha1", abcSHA1}},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("parseChecksums =\n%v\nwant\n%v", got, want)
	}
}

func TestParseChecksumsMalformed(t *testing.T) {
	for _, in := range []string{
		abcSHA1 + "  ok.txt\n<html>Not Found</html>\n",
		abcSHA1 + "\n",
		"123  short.txt\n",
		abcSHA1 + "  \n",
	} {
		_, err := parseChecksums(strings.NewReader(in))
		if !errors.Is(err, ErrBadDigest) || !strings.Contains(err.Error(), "line ") {
			t.Errorf("parseChecksums(%q) = %v, want ErrBadDigest naming the line", in, err)
		}
	}
}
