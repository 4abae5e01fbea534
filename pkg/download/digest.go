package download

import (
	"bufio"
	"crypto/md5"
	"crypto/sha1"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"hash"
	"io"
	"os"
	"path"
	"strings"
)

// A Digest is an expected hash of a file's content. It is a plain value.
type Digest struct {
	Algo string // "md5", "sha1" or "sha256"
	Hex  string // lower-case hex: 32, 40 or 64 digits
}

// String returns the digest as "algo:hex".
func (d Digest) String() string { return d.Algo + ":" + d.Hex }

// hexLen gives the digest length in hex digits of each supported algorithm.
var hexLen = map[string]int{"md5": 32, "sha1": 40, "sha256": 64}

// ParseDigest parses "sha256:<hex>", "sha1:<hex>", "md5:<hex>", or bare hex
// whose length names the algorithm (32 md5, 40 sha1, 64 sha256). Hex may be
// upper or lower case; the result is lower case.
func ParseDigest(s string) (Digest, error) {
	s = strings.TrimSpace(s)
	algo, hx, ok := strings.Cut(s, ":")
	if !ok {
		hx = s
		switch len(hx) {
		case 32:
			algo = "md5"
		case 40:
			algo = "sha1"
		case 64:
			algo = "sha256"
		default:
			return Digest{}, fmt.Errorf("%w %q: %d hex digits is none of md5 (32), sha1 (40), sha256 (64)", ErrBadDigest, s, len(hx))
		}
	}
	algo = strings.ToLower(algo)
	n, known := hexLen[algo]
	if !known {
		return Digest{}, fmt.Errorf("%w %q: unknown algorithm %q", ErrBadDigest, s, algo)
	}
	if len(hx) != n {
		return Digest{}, fmt.Errorf("%w %q: %s needs %d hex digits, not %d", ErrBadDigest, s, algo, n, len(hx))
	}
	if _, err := hex.DecodeString(hx); err != nil {
		return Digest{}, fmt.Errorf("%w %q: not hex", ErrBadDigest, s)
	}
	return Digest{Algo: algo, Hex: strings.ToLower(hx)}, nil
}

// Verify checks the file at path against digest ("sha256:<hex>",
// "sha1:<hex>", "md5:<hex>", or bare hex by length). A mismatch is a
// *ChecksumError; the file is left in place.
func Verify(path, digest string) error {
	d, err := ParseDigest(digest)
	if err != nil {
		return fmt.Errorf("verify %s: %w", path, err)
	}
	return verifyFile(path, []Digest{d})
}

// verifyFile hashes path once with every algorithm in want and compares.
func verifyFile(path string, want []Digest) error {
	if len(want) == 0 {
		return nil
	}
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	hs := newHashers(want)
	if _, err := io.Copy(hs, f); err != nil {
		return fmt.Errorf("read %s: %w", path, err)
	}
	return hs.check(path, want)
}

// hashers computes several digests of one stream in a single pass.
type hashers map[string]hash.Hash

func newHashers(want []Digest) hashers {
	hs := hashers{}
	for _, d := range want {
		if _, ok := hs[d.Algo]; ok {
			continue
		}
		switch d.Algo {
		case "md5":
			hs[d.Algo] = md5.New()
		case "sha1":
			hs[d.Algo] = sha1.New()
		case "sha256":
			hs[d.Algo] = sha256.New()
		}
	}
	return hs
}

// Write feeds p to every hash. It never fails.
func (hs hashers) Write(p []byte) (int, error) {
	for _, h := range hs {
		h.Write(p)
	}
	return len(p), nil
}

// check compares the sums with want and returns a *ChecksumError for the
// first that differs.
func (hs hashers) check(path string, want []Digest) error {
	for _, d := range want {
		got := hex.EncodeToString(hs[d.Algo].Sum(nil))
		if got != d.Hex {
			return &ChecksumError{Path: path, Algo: d.Algo, Want: d.Hex, Got: got}
		}
	}
	return nil
}

// parseChecksums reads a checksum list and returns the digests listed for
// each base file name. Two line forms are accepted, blank lines and lines
// starting with '#' are skipped:
//
//	3b2c…e1  enwiki-20240601-pages-articles.xml.bz2   (md5sum, sha1sum, sha256sum; " *name" too)
//	SHA256 (enwiki-…-pages-articles.xml.bz2) = 9f01…   (BSD style, "shasum --tag")
func parseChecksums(r io.Reader) (map[string][]Digest, error) {
	sums := map[string][]Digest{}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for lineNo := 1; sc.Scan(); lineNo++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		name, d, err := parseChecksumLine(line)
		if err != nil {
			return nil, fmt.Errorf("line %d: %w", lineNo, err)
		}
		base := path.Base(strings.ReplaceAll(name, `\`, "/"))
		sums[base] = append(sums[base], d)
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	return sums, nil
}

// parseChecksumLine parses one non-blank line of a checksum list.
func parseChecksumLine(line string) (name string, d Digest, err error) {
	// BSD style: ALGO (name) = hex
	if open := strings.Index(line, " ("); open > 0 {
		if close := strings.LastIndex(line, ") = "); close > open {
			algo := strings.ReplaceAll(strings.ToLower(line[:open]), "-", "")
			d, err = ParseDigest(algo + ":" + line[close+len(") = "):])
			return line[open+2 : close], d, err
		}
	}
	// GNU style: hex, one space, then ' ' (text mode) or '*' (binary mode), then the name.
	hx, rest, ok := strings.Cut(line, " ")
	if !ok || rest == "" {
		return "", Digest{}, fmt.Errorf("%w: %q is not \"<hex>  <file name>\"", ErrBadDigest, line)
	}
	if rest[0] == ' ' || rest[0] == '*' {
		rest = rest[1:]
	}
	d, err = ParseDigest(hx)
	if err != nil {
		return "", Digest{}, err
	}
	if rest == "" {
		return "", Digest{}, fmt.Errorf("%w: %q has no file name", ErrBadDigest, line)
	}
	return rest, d, nil
}
