package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"

	"github.com/bertline/bertline/pkg/atomicfile"
	"github.com/bertline/bertline/pkg/cli"
	"github.com/bertline/bertline/pkg/download"
)

const vocabHelp = `Downloads a published BERT WordPiece vocabulary and verifies it against the
SHA-256 this program ships, or downloads any vocabulary URL (with --sha256 to
verify it). Known names: bert-base-uncased, bert-base-cased,
bert-large-uncased, bert-large-cased.

Examples:
  fetch vocab --name bert-base-uncased --out vocab.txt
  fetch vocab --name https://example.org/my-vocab.txt --sha256 HEX --out vocab.txt`

func runVocab(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	flags := cli.NewFlagSet("vocab", "fetch vocab --name NAME|URL --out FILE [flags]", vocabHelp, stdout)
	name := flags.String("name", "", "vocabulary name or URL (required)")
	out := flags.String("out", "", "output file (required)")
	sha := flags.String("sha256", "", "expected SHA-256 (required for a URL not in the known list to be verified)")
	cache := flags.String("cache", defaultCache(), "directory for downloads")
	if err := cli.Parse(flags, args); err != nil {
		return err
	}
	if *name == "" || *out == "" {
		return cli.Usagef("--name and --out are required")
	}
	src, digest := *name, *sha
	if v, ok := download.LookupVocab(*name); ok {
		src = v.URL
		if digest == "" {
			digest = v.SHA256
		}
	} else if !strings.Contains(*name, "://") {
		var known []string
		for _, v := range download.Vocabs {
			known = append(known, v.Name)
		}
		return cli.Usagef("unknown vocabulary %q (known: %s; or give a URL)", *name, strings.Join(known, ", "))
	}
	if digest == "" {
		slog.Warn("no checksum to verify against", "url", src)
	}
	path, err := download.Fetch(ctx, src, download.Options{CacheDir: filepath.Join(*cache, "vocab", sanitize(*name)), SHA256: digest})
	if err != nil {
		return err
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	if err := atomicfile.WriteFile(*out, data); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "%s: %d entries\n", *out, strings.Count(string(data), "\n"))
	return nil
}

// sanitize turns a name or URL into one path element.
func sanitize(s string) string {
	return strings.Map(func(r rune) rune {
		if r == '/' || r == ':' || r == '?' || r == '&' {
			return '_'
		}
		return r
	}, s)
}
