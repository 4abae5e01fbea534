package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"strings"

	"github.com/bertline/bertline/pkg/cli"
	"github.com/bertline/bertline/pkg/download"
	"github.com/bertline/bertline/pkg/manifest"
	"github.com/bertline/bertline/pkg/progress"
	"github.com/bertline/bertline/pkg/tasks"
	"github.com/bertline/bertline/pkg/version"
	"github.com/bertline/bertline/pkg/wikicorpus"
)

const wikipediaHelp = `Reads a MediaWiki XML export — .xml, .xml.bz2, or the -multistream.xml.bz2
layout with its -multistream-index.txt.bz2 — and writes the prose of every
article (namespace 0, no redirects, no disambiguation pages) to OUT as
part-NNNNN.txt.zst files: one sentence per line, a blank line between
articles. OUT/documents.jsonl traces each article to its page id and title,
and OUT/manifest.json, written last, records inputs, settings and counts.

A multistream dump is decoded in parallel on all cores and can be split
across Slurm array tasks (--task-index/--num-tasks); a single-stream dump is
read start to end by one task. An interrupted run resumes from its first
unfinished part when run again with the same arguments.

Without --dump, the dump is downloaded from Wikimedia (or --mirror):
  fetch wikipedia --lang en --date 20240601 --out wiki
downloads enwiki-20240601-pages-articles-multistream.xml.bz2 and its index
into --cache, resuming broken transfers and verifying the published SHA-1 sums.

Examples:
  fetch wikipedia --dump enwiki-latest-pages-articles-multistream.xml.bz2 --out wiki
  fetch wikipedia --dump data/sample/enwiki-sample-pages-articles.xml --out wiki
  sbatch --array=0-31 --wrap 'fetch wikipedia --dump enwiki-...-multistream.xml.bz2 --out wiki'`

func runWikipedia(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	flags := cli.NewFlagSet("wikipedia", "fetch wikipedia (--dump URL|PATH | --lang LANG --date DATE) --out DIR [flags]", wikipediaHelp, stdout)
	dump := flags.String("dump", "", "dump file or URL (.xml, .xml.bz2, -multistream.xml.bz2)")
	index := flags.String("index", "", "multistream index file or URL (default: found beside the dump)")
	out := flags.String("out", "", "output corpus directory (required)")
	lang := flags.String("lang", "en", "wiki language code, to form the Wikimedia URL when --dump is not given")
	date := flags.String("date", "", "dump date YYYYMMDD or 'latest', to form the Wikimedia URL when --dump is not given")
	mirror := flags.String("mirror", "https://dumps.wikimedia.org", "dump host to download from")
	sha := flags.String("sha256", "", "expected SHA-256 of the dump")
	sums := flags.String("checksums", "", "checksum list (URL or file) to verify downloads against (default: the dump's published sha1sums)")
	cache := flags.String("cache", defaultCache(), "directory for downloads")
	workers := flags.Int("workers", 0, "worker goroutines (default: all cores)")
	ppp := flags.Int("pages-per-part", wikicorpus.DefaultPagesPerPart, "dump pages per output part (fixes part boundaries)")
	keepDab := flags.Bool("keep-disambiguation", false, "keep disambiguation pages")
	keepLists := flags.Bool("keep-lists", false, "keep the text of list items")
	split := tasks.AddFlags(flags)
	if err := cli.Parse(flags, args); err != nil {
		return err
	}
	if *out == "" {
		return cli.Usagef("--out is required")
	}
	if flags.NArg() > 0 {
		return cli.Usagef("unexpected argument %q", flags.Arg(0))
	}
	if err := split.Validate(); err != nil {
		return &cli.UsageError{Err: err}
	}
	if *dump == "" && *date == "" {
		return cli.Usagef("give --dump URL|PATH, or --lang and --date to download from %s", *mirror)
	}
	if *dump != "" && *date != "" {
		return cli.Usagef("--dump and --date exclude each other")
	}
	if *ppp <= 0 {
		return cli.Usagef("--pages-per-part must be positive")
	}

	src := dumpSource{dump: *dump, index: *index, sha256: *sha, checksums: *sums}
	if *dump == "" {
		var err error
		if src, err = wikimediaSource(ctx, *mirror, *lang, *date, *cache); err != nil {
			return err
		}
		src.sha256 = *sha
		if *sums != "" {
			src.checksums = *sums
		}
	}
	dumpPath, indexPath, err := src.fetch(ctx, *cache)
	if err != nil {
		return err
	}
	m := manifest.Manifest{Version: version.String(), Command: append([]string{"fetch", "wikipedia"}, args...)}
	for _, p := range []string{dumpPath, indexPath} {
		if p == "" {
			continue
		}
		f, err := manifest.Describe(p, p)
		if err != nil {
			return err
		}
		m.Inputs = append(m.Inputs, f)
	}
	cfg := wikicorpus.Config{
		Dump: dumpPath, Index: indexPath, Out: *out, Split: *split, Workers: *workers, Manifest: m,
		Params:   wikicorpus.Params{PagesPerPart: *ppp, KeepDisambiguation: *keepDab, KeepLists: *keepLists, Language: *lang},
		Progress: progress.Config{},
	}
	mode := "single stream"
	if indexPath != "" {
		mode = "multistream"
	}
	slog.Info("fetch wikipedia", "dump", dumpPath, "mode", mode, "out", *out, "task", split.String())
	st, err := wikicorpus.Run(ctx, cfg)
	if err != nil || st.UpToDate {
		return err
	}
	slog.Info("done", "pages", st.Pages, "articles", st.Articles, "documents", st.Documents, "sentences", st.Sentences,
		"redirects", st.Redirects, "other_namespaces", st.OtherNamespaces, "disambiguation", st.Disambiguation,
		"empty", st.Empty, "parts_written", st.PartsWritten, "parts_kept", st.PartsSkipped, "complete", st.Finalized)
	return nil
}

// dumpSource names a dump and its index, each a URL or a local path.
type dumpSource struct {
	dump, index       string
	sha256, checksums string
}

// fetch makes the dump and its index local. Without an explicit index, a
// multistream dump's index is looked for beside it; its absence means the
// dump is read as a single stream.
func (s dumpSource) fetch(ctx context.Context, cache string) (dumpPath, indexPath string, err error) {
	opt := download.Options{CacheDir: cache, SHA256: s.sha256, Checksums: s.checksums, Progress: transferMeter()}
	dumpPath, err = download.Fetch(ctx, s.dump, opt)
	if err != nil {
		return "", "", err
	}
	index := s.index
	explicit := index != ""
	if !explicit && strings.Contains(s.dump, "-multistream.xml") {
		index = strings.Replace(s.dump, "-multistream.xml.bz2", "-multistream-index.txt.bz2", 1)
		index = strings.Replace(index, "-multistream.xml", "-multistream-index.txt", 1)
	}
	if index == "" {
		return dumpPath, "", nil
	}
	indexOpt := opt
	indexOpt.SHA256 = ""
	indexPath, err = download.Fetch(ctx, index, indexOpt)
	if err != nil {
		if !explicit && (errors.Is(err, fs.ErrNotExist) || errors.Is(err, download.ErrNotFound)) {
			slog.Warn("no multistream index beside the dump; reading it as a single stream", "looked_for", index)
			return dumpPath, "", nil
		}
		return "", "", err
	}
	return dumpPath, indexPath, nil
}

// wikimediaSource forms the URLs of a Wikimedia multistream dump. A 'latest'
// date is resolved to the dated directory through the published checksum
// list, so that a resumed download cannot mix two months' dumps.
func wikimediaSource(ctx context.Context, mirror, lang, date, cache string) (dumpSource, error) {
	mirror = strings.TrimRight(mirror, "/")
	wiki := lang + "wiki"
	if date == "latest" {
		listURL := fmt.Sprintf("%s/%s/latest/%s-latest-sha1sums.txt", mirror, wiki, wiki)
		resolved, err := resolveLatest(ctx, listURL, wiki, cache)
		if err != nil {
			return dumpSource{}, fmt.Errorf("resolve --date latest: %w (give --date YYYYMMDD instead)", err)
		}
		date = resolved
	}
	if len(date) != 8 || strings.Trim(date, "0123456789") != "" {
		return dumpSource{}, cli.Usagef("--date must be YYYYMMDD or 'latest', got %q", date)
	}
	base := fmt.Sprintf("%s/%s/%s/%s-%s-", mirror, wiki, date, wiki, date)
	return dumpSource{
		dump:      base + "pages-articles-multistream.xml.bz2",
		index:     base + "pages-articles-multistream-index.txt.bz2",
		checksums: base + "sha1sums.txt",
	}, nil
}

// resolveLatest reads a 'latest' checksum list, whose entries carry dated
// file names, and returns the date of its multistream dump.
func resolveLatest(ctx context.Context, listURL, wiki, cache string) (string, error) {
	path, err := download.Fetch(ctx, listURL, download.Options{CacheDir: cache})
	if err != nil {
		return "", err
	}
	b, err := os.ReadFile(path)
	os.Remove(path) // 'latest' changes; never reuse a cached copy
	if err != nil {
		return "", err
	}
	for line := range strings.Lines(string(b)) {
		fields := strings.Fields(line)
		if len(fields) != 2 {
			continue
		}
		name := fields[1]
		if rest, ok := strings.CutPrefix(name, wiki+"-"); ok && strings.HasSuffix(rest, "-pages-articles-multistream.xml.bz2") && len(rest) > 8 {
			return rest[:8], nil
		}
	}
	return "", fmt.Errorf("%s lists no %s multistream dump", listURL, wiki)
}

// transferMeter reports download progress on stderr.
func transferMeter() func(done, total int64) {
	var m *progress.Meter
	return func(done, total int64) {
		if m == nil {
			m = progress.Start("download", total, progress.Bytes, progress.Config{})
		}
		m.SetTotal(total)
		m.Set(done)
		if total > 0 && done >= total {
			m.Finish()
			m = nil
		}
	}
}

// defaultCache is $BERTLINE_CACHE, else $XDG_CACHE_HOME/bertline, else
// ~/.cache/bertline.
func defaultCache() string {
	if d := os.Getenv("BERTLINE_CACHE"); d != "" {
		return d
	}
	if d, err := os.UserCacheDir(); err == nil {
		return d + "/bertline"
	}
	return ".cache/bertline"
}
