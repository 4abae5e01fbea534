//go:build ignore

// Mkfixtures writes the .bz2 test fixtures of package bz2 and their
// manifest, fixtures.txt, which lists for each fixture the length and
// SHA-256 of the data it was made from. Run it in the testdata directory:
//
//	go run gen/mkfixtures.go
//
// It compresses with the bzip2 command (Go's standard library has no bzip2
// writer), so the fixtures test the package against the reference encoder
// even where the command is missing. The inputs are made here, from a fixed
// seed or from the repository's sample Wikipedia export.
package main

import (
	"bytes"
	"crypto/sha256"
	"fmt"
	"log"
	"math/rand/v2"
	"os"
	"os/exec"
	"strings"
)

func main() {
	sample, err := os.ReadFile("../../../data/sample/enwiki-sample-pages-articles.xml")
	if err != nil {
		log.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(1, 2))
	random := make([]byte, 30000)
	for i := range random {
		random[i] = byte(rng.Uint32())
	}
	var runs bytes.Buffer
	for i, n := range []int{1, 2, 3, 4, 5, 6, 7, 8, 250, 254, 255, 256, 257, 258, 259, 260, 263, 509, 510, 511, 1000, 5000, 70000} {
		runs.Write(bytes.Repeat([]byte{byte('a' + i%26)}, n))
		runs.WriteByte(byte('A' + i%26))
	}

	var manifest strings.Builder
	manifest.WriteString("# name length sha256: the data each fixture decodes to (written by gen/mkfixtures.go)\n")
	write := func(name string, data []byte, streams ...[]byte) {
		var all []byte
		for _, s := range streams {
			all = append(all, s...)
		}
		if err := os.WriteFile(name, all, 0o644); err != nil {
			log.Fatal(err)
		}
		fmt.Fprintf(&manifest, "%s %d %x\n", name, len(data), sha256.Sum256(data))
	}
	one := func(name, level string, data []byte) {
		write(name, data, compress(level, data))
	}
	one("empty.bz2", "-9", nil)
	one("byte.bz2", "-9", []byte("x"))
	one("runs.bz2", "-9", runs.Bytes())
	one("zeros.bz2", "-1", make([]byte, 1_000_000))
	one("random.bz2", "-1", random)
	one("xml.bz2", "-9", sample[:40000])
	one("xml-blocks.bz2", "-1", sample[:150000]) // two blocks
	hello, world := []byte("hello, "), []byte("world\n")
	write("concat.bz2", append(append([]byte{}, hello...), world...),
		compress("-1", hello), compress("-9", nil), compress("-9", world))
	if err := os.WriteFile("fixtures.txt", []byte(manifest.String()), 0o644); err != nil {
		log.Fatal(err)
	}
}

func compress(level string, data []byte) []byte {
	cmd := exec.Command("bzip2", level, "-c")
	cmd.Stdin = bytes.NewReader(data)
	cmd.Stderr = os.Stderr
	out, err := cmd.Output()
	if err != nil {
		log.Fatal(err)
	}
	return out
}
