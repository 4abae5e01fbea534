package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/bertline/bertline/pkg/cli"
	"github.com/bertline/bertline/pkg/download"
)

const squadHelp = `Downloads the Stanford Question Answering Dataset as published
(https://rajpurkar.github.io/SQuAD-explorer/): train-v1.1.json and
dev-v1.1.json, or train-v2.0.json and dev-v2.0.json, verified against their
published SHA-256 and copied to OUT unchanged. Broken transfers resume from
the partial file in --cache.

OUT/manifest.json records each release fetched, its sources and the files
with their SHA-256 and counts (articles, paragraphs, questions; unanswerable
ones for 2.0). Fetching another release into the same OUT adds it; a release
already there and intact is not fetched again.

Examples:
  fetch squad --version 1.1 --out data/squad
  fetch squad --version all --out data/squad
  fetch squad --version 2.0 --mirror /data/mirror/squad --out data/squad`

const squadStage = "fetch squad"

func runSQuAD(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	flags := cli.NewFlagSet("squad", "fetch squad --version 1.1|2.0|all --out DIR [flags]", squadHelp, stdout)
	ver := flags.String("version", "", "release: 1.1, 2.0 or all (required)")
	out := flags.String("out", "", "output directory (required)")
	sf := addSourceFlags(flags, "squad")
	if err := cli.Parse(flags, args); err != nil {
		return err
	}
	switch {
	case *ver == "" || *out == "":
		return cli.Usagef("--version and --out are required")
	case flags.NArg() > 0:
		return cli.Usagef("unexpected argument %q", flags.Arg(0))
	}
	b := squadBenchmark()
	var names []string
	if *ver == "all" {
		for _, r := range download.SQuAD {
			names = append(names, r.Version)
		}
	} else if r, ok := download.LookupSQuAD(*ver); ok {
		names = []string{r.Version}
	} else {
		return cli.Usagef("unknown SQuAD version %q (known: %s, all)", *ver, squadVersions())
	}
	if err := sf.apply(b); err != nil {
		return err
	}
	return b.fetch(ctx, *out, filepath.Join(*sf.cache, "squad"), names, append([]string{"fetch", "squad"}, args...))
}

// squadBenchmark has one unit per release; its files go to OUT under their
// published names.
func squadBenchmark() *benchmark {
	b := &benchmark{stage: squadStage, key: "versions"}
	for _, r := range download.SQuAD {
		var names []string
		for _, f := range r.Files {
			names = append(names, f.Name())
		}
		b.units = append(b.units, unit{
			name:    r.Version,
			sources: sourcesOf(r.Files),
			owns:    func(rel string) bool { return slices.Contains(names, rel) },
			build: func(ctx context.Context, src map[string]string, stage string) (map[string]map[string]int64, error) {
				counts := map[string]map[string]int64{}
				for _, name := range names {
					c, err := squadCounts(src[name], r.Version == "2.0")
					if err != nil {
						return nil, err
					}
					if err := copyFile(src[name], filepath.Join(stage, name)); err != nil {
						return nil, err
					}
					counts[name] = c
				}
				return counts, nil
			},
		})
	}
	return b
}

// squadFile is what squadCounts reads of a SQuAD JSON file.
type squadFile struct {
	Data *[]struct {
		Paragraphs []struct {
			QAs []struct {
				IsImpossible bool `json:"is_impossible"`
			} `json:"qas"`
		} `json:"paragraphs"`
	} `json:"data"`
}

// squadCounts checks that the file at path is SQuAD JSON and counts its
// articles, paragraphs and questions, and for 2.0 its unanswerable ones.
func squadCounts(path string, v2 bool) (map[string]int64, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var sq squadFile
	if err := json.NewDecoder(f).Decode(&sq); err != nil {
		return nil, fmt.Errorf("%s: not SQuAD JSON: %w", path, err)
	}
	if sq.Data == nil {
		return nil, fmt.Errorf("%s: not SQuAD JSON: no \"data\" array", path)
	}
	c := map[string]int64{"articles": int64(len(*sq.Data))}
	var paragraphs, questions, impossible int64
	for _, a := range *sq.Data {
		paragraphs += int64(len(a.Paragraphs))
		for _, p := range a.Paragraphs {
			questions += int64(len(p.QAs))
			for _, q := range p.QAs {
				if q.IsImpossible {
					impossible++
				}
			}
		}
	}
	c["paragraphs"], c["questions"] = paragraphs, questions
	if v2 {
		c["unanswerable"] = impossible
	}
	if questions == 0 {
		return nil, fmt.Errorf("%s: not SQuAD JSON: no questions", path)
	}
	return c, nil
}

// squadVersions lists the known releases, for messages.
func squadVersions() string {
	var vs []string
	for _, r := range download.SQuAD {
		vs = append(vs, r.Version)
	}
	return strings.Join(vs, ", ")
}
