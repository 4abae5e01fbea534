package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/spf13/pflag"

	"github.com/bertline/bertline/pkg/atomicfile"
	"github.com/bertline/bertline/pkg/cli"
	"github.com/bertline/bertline/pkg/download"
	"github.com/bertline/bertline/pkg/manifest"
	"github.com/bertline/bertline/pkg/version"
)

// A benchmark is the catalog of a fine-tuning benchmark that 'fetch squad'
// and 'fetch glue' download: units (a SQuAD release, a GLUE task), each a few
// published files turned into output files in OUT.
//
// Units accumulate in one output directory: fetching GLUE's RTE into a
// directory that holds CoLA keeps CoLA, and manifest.json records every unit
// present, its sources and its files. A unit whose recorded files are intact
// and whose sources have the same digests is not fetched again. Each unit is
// built in OUT/.work/NAME and moved into place whole; manifest.json is
// rewritten after each unit, so it never lists a file that is not complete.
type benchmark struct {
	stage string // manifest stage: "fetch squad"
	key   string // the params key listing the units: "versions", "tasks"
	units []unit // the whole catalog, in the order the manifest lists it
}

// A unit is one thing a command line can ask for.
type unit struct {
	name    string
	sources []source
	// owns reports whether an output path (slash-separated, relative to
	// OUT) belongs to the unit.
	owns func(rel string) bool
	// build writes the unit's files into stage, laid out as in OUT, from
	// its sources (published name → local path), and returns extra counts
	// for some of them (by relative path) for the manifest.
	build func(ctx context.Context, src map[string]string, stage string) (map[string]map[string]int64, error)
}

// A source is a published file as this run fetches it.
type source struct {
	name   string // published name (the last element of its URL), the key of --url and --sha256
	url    string // published URL, or its --mirror or --url replacement (a URL or a local path)
	sha256 string // expected hex digest: the published one unless --sha256 replaces it
}

func sourcesOf(files []download.DataFile) []source {
	var ss []source
	for _, f := range files {
		ss = append(ss, source{name: f.Name(), url: f.URL, sha256: f.SHA256})
	}
	return ss
}

// unitRecord is a unit in manifest.json's params.
type unitRecord struct {
	Name    string         `json:"name"`
	Sources []sourceRecord `json:"sources"`
}

// sourceRecord is a fetched source in manifest.json's params; the same
// values make its entry in inputs.
type sourceRecord struct {
	Name   string `json:"name"`
	URL    string `json:"url"`
	Bytes  int64  `json:"bytes"`
	SHA256 string `json:"sha256"`
}

// sameSources reports whether r was made from files with the digests u
// expects; where they were downloaded from does not matter.
func (r unitRecord) sameSources(u *unit) bool {
	if len(r.Sources) != len(u.sources) {
		return false
	}
	for i, s := range u.sources {
		if r.Sources[i].Name != s.name || r.Sources[i].SHA256 != s.sha256 {
			return false
		}
	}
	return true
}

// sourceFlags are the download flags shared by the benchmark commands.
type sourceFlags struct {
	cache  *string
	mirror *string
	urls   *[]string
	sums   *[]string
}

func addSourceFlags(flags *pflag.FlagSet, sub string) *sourceFlags {
	return &sourceFlags{
		cache:  flags.String("cache", defaultCache(), "directory for downloads (files go to CACHE/"+sub+")"),
		mirror: flags.String("mirror", "", "URL or directory holding the published files under their own names, used instead of their URLs"),
		urls:   flags.StringArray("url", nil, "NAME=URL: fetch the published file NAME from URL (or a local path) instead; repeatable"),
		sums:   flags.StringArray("sha256", nil, "NAME=HEX: expect this SHA-256 for file NAME instead of the published one; repeatable"),
	}
}

// apply rewrites the sources of every unit of b by --mirror, --url and
// --sha256. A NAME that no unit has is a usage error.
func (sf *sourceFlags) apply(b *benchmark) error {
	urls, err := nameValues("--url", *sf.urls)
	if err != nil {
		return err
	}
	sums, err := nameValues("--sha256", *sf.sums)
	if err != nil {
		return err
	}
	for name, hx := range sums {
		d, err := download.ParseDigest(hx)
		if err != nil || d.Algo != "sha256" {
			return cli.Usagef("--sha256 %s=%s: want 64 hex digits", name, hx)
		}
		sums[name] = d.Hex
	}
	known := map[string]bool{}
	for i := range b.units {
		for j := range b.units[i].sources {
			s := &b.units[i].sources[j]
			known[s.name] = true
			if *sf.mirror != "" {
				s.url = joinMirror(*sf.mirror, s.name)
			}
			if u, ok := urls[s.name]; ok {
				s.url = u
			}
			if h, ok := sums[s.name]; ok {
				s.sha256 = h
			}
		}
	}
	for _, m := range []map[string]string{urls, sums} {
		for name := range m {
			if !known[name] {
				var names []string
				for n := range known {
					names = append(names, n)
				}
				slices.Sort(names)
				return cli.Usagef("no published file is called %q (known: %s)", name, strings.Join(names, ", "))
			}
		}
	}
	return nil
}

// nameValues parses repeated NAME=VALUE flags.
func nameValues(flag string, args []string) (map[string]string, error) {
	m := map[string]string{}
	for _, a := range args {
		name, value, ok := strings.Cut(a, "=")
		if !ok || name == "" || value == "" {
			return nil, cli.Usagef("%s %q: want NAME=VALUE", flag, a)
		}
		m[name] = value
	}
	return m, nil
}

// joinMirror is the place of the file name in mirror, a URL or a directory.
func joinMirror(mirror, name string) string {
	if strings.Contains(mirror, "://") {
		return strings.TrimRight(mirror, "/") + "/" + name
	}
	return filepath.Join(mirror, name)
}

// previous is what an earlier run recorded in OUT.
type previous struct {
	records map[string]unitRecord
	outputs []manifest.File
}

// readPrevious loads OUT/manifest.json if there is one. A manifest that
// another command wrote is an error: OUT is not this command's directory.
func (b *benchmark) readPrevious(out string) (previous, error) {
	p := previous{records: map[string]unitRecord{}}
	m, err := manifest.Read(out)
	if errors.Is(err, fs.ErrNotExist) {
		return p, nil
	}
	if err != nil {
		return p, err
	}
	if m.Stage != b.stage {
		return p, fmt.Errorf("%s holds the output of %q, not of %q: choose another directory", out, m.Stage, b.stage)
	}
	raw, err := json.Marshal(m.Params)
	if err != nil {
		return p, fmt.Errorf("read %s: %w", filepath.Join(out, manifest.Name), err)
	}
	var params map[string][]unitRecord
	if err := json.Unmarshal(raw, &params); err != nil {
		return p, fmt.Errorf("read %s: params: %w", filepath.Join(out, manifest.Name), err)
	}
	for _, r := range params[b.key] {
		p.records[r.Name] = r
	}
	p.outputs = m.Outputs
	return p, nil
}

// fetch makes OUT hold the units called names, keeping the units an earlier
// run left there intact.
func (b *benchmark) fetch(ctx context.Context, out, cache string, names []string, command []string) error {
	prev, err := b.readPrevious(out)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(out, 0o755); err != nil {
		return fmt.Errorf("create %s: %w", out, err)
	}
	if err := atomicfile.RemoveTemps(out); err != nil {
		return err
	}
	st := &state{b: b, out: out, command: command, records: map[string]unitRecord{}, outputs: map[string][]manifest.File{}}

	// What an earlier run finished and is still intact.
	for i := range b.units {
		u := &b.units[i]
		r, ok := prev.records[u.name]
		if !ok {
			continue
		}
		var files []manifest.File
		for _, f := range prev.outputs {
			if u.owns(f.Path) {
				files = append(files, f)
			}
		}
		if len(files) == 0 {
			continue
		}
		if err := manifest.Verify(out, &manifest.Manifest{Outputs: files}); err != nil {
			slog.Warn("files changed since they were fetched; dropping them from the record", "unit", u.name, "err", err)
			continue
		}
		st.records[u.name], st.outputs[u.name] = r, files
	}
	dirty := len(st.records) != len(prev.records)

	var todo []*unit
	for i := range b.units {
		u := &b.units[i]
		if !slices.Contains(names, u.name) {
			continue
		}
		if r, ok := st.records[u.name]; ok {
			if r.sameSources(u) {
				slog.Info("already fetched, nothing to do", "unit", u.name, "out", out)
				continue
			}
			delete(st.records, u.name)
			delete(st.outputs, u.name)
			dirty = true
		}
		todo = append(todo, u)
	}
	if dirty {
		// Drop what is about to be replaced, or is no longer intact, from
		// the record before touching the files.
		if err := st.writeManifest(); err != nil {
			return err
		}
	}
	for _, u := range todo {
		if err := st.fetchUnit(ctx, u, cache); err != nil {
			return err
		}
		if err := st.writeManifest(); err != nil {
			return err
		}
	}
	return manifest.FinishWork(out)
}

// state is the progress of one fetch: the units recorded so far.
type state struct {
	b       *benchmark
	out     string
	command []string
	records map[string]unitRecord
	outputs map[string][]manifest.File
}

// fetchUnit downloads u's sources, builds its files in OUT/.work/NAME and
// moves them into OUT.
func (st *state) fetchUnit(ctx context.Context, u *unit, cache string) error {
	rec := unitRecord{Name: u.name}
	paths := map[string]string{}
	for _, s := range u.sources {
		slog.Info("fetch", "file", s.name, "from", s.url)
		p, err := download.Fetch(ctx, s.url, download.Options{CacheDir: cache, Name: s.name, SHA256: s.sha256, Progress: transferMeter()})
		if err != nil {
			return err
		}
		fi, err := os.Stat(p)
		if err != nil {
			return err
		}
		paths[s.name] = p
		rec.Sources = append(rec.Sources, sourceRecord{Name: s.name, URL: s.url, Bytes: fi.Size(), SHA256: s.sha256})
	}
	stage := filepath.Join(st.out, manifest.WorkDir, u.name)
	if err := os.RemoveAll(stage); err != nil {
		return fmt.Errorf("clean %s: %w", stage, err)
	}
	if err := os.MkdirAll(stage, 0o755); err != nil {
		return fmt.Errorf("create %s: %w", stage, err)
	}
	counts, err := u.build(ctx, paths, stage)
	if err != nil {
		os.RemoveAll(stage)
		os.Remove(filepath.Dir(stage)) // .work, if nothing else is there
		return err
	}
	files, err := install(stage, st.out, counts)
	if err != nil {
		return err
	}
	if err := os.Remove(stage); err != nil {
		return fmt.Errorf("clean %s: %w", stage, err)
	}
	st.records[u.name], st.outputs[u.name] = rec, files
	slog.Info("fetched", "unit", u.name, "files", len(files), "out", st.out)
	return nil
}

// writeManifest records the units done so far, in catalog order, or removes
// manifest.json when there are none.
func (st *state) writeManifest() error {
	m := manifest.Manifest{Stage: st.b.stage, Version: version.String(), Command: st.command}
	records := []unitRecord{}
	for _, u := range st.b.units {
		r, ok := st.records[u.name]
		if !ok {
			continue
		}
		records = append(records, r)
		for _, s := range r.Sources {
			m.Inputs = append(m.Inputs, manifest.File{Path: s.URL, Bytes: s.Bytes, SHA256: s.SHA256})
		}
		m.Outputs = append(m.Outputs, st.outputs[u.name]...)
	}
	if len(records) == 0 {
		err := os.Remove(filepath.Join(st.out, manifest.Name))
		if err != nil && !errors.Is(err, fs.ErrNotExist) {
			return err
		}
		return nil
	}
	slices.SortFunc(m.Outputs, func(a, b manifest.File) int { return strings.Compare(a.Path, b.Path) })
	m.Params = map[string][]unitRecord{st.b.key: records}
	m.Counts = map[string]int64{st.b.key: int64(len(records)), "files": int64(len(m.Outputs))}
	return manifest.Write(st.out, &m)
}

// install moves every entry of stage into out, replacing what is there, and
// describes the files moved.
func install(stage, out string, counts map[string]map[string]int64) ([]manifest.File, error) {
	entries, err := os.ReadDir(stage)
	if err != nil {
		return nil, err
	}
	var files []manifest.File
	for _, e := range entries {
		dst := filepath.Join(out, e.Name())
		if err := os.RemoveAll(dst); err != nil {
			return nil, fmt.Errorf("replace %s: %w", dst, err)
		}
		if err := os.Rename(filepath.Join(stage, e.Name()), dst); err != nil {
			return nil, fmt.Errorf("install %s: %w", dst, err)
		}
		err := filepath.WalkDir(dst, func(p string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return err
			}
			rel, err := filepath.Rel(out, p)
			if err != nil {
				return err
			}
			rel = filepath.ToSlash(rel)
			f, err := describe(p, rel)
			if err != nil {
				return err
			}
			for k, v := range counts[rel] {
				if f.Counts == nil {
					f.Counts = map[string]int64{}
				}
				f.Counts[k] = v
			}
			files = append(files, f)
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	if err := atomicfile.SyncDir(out); err != nil {
		return nil, err
	}
	return files, nil
}

// describe is manifest.Describe that also counts the lines of text files
// (.tsv, .txt), in the same pass.
func describe(path, rel string) (manifest.File, error) {
	ext := strings.ToLower(filepath.Ext(path))
	if ext != ".tsv" && ext != ".txt" {
		return manifest.Describe(path, rel)
	}
	f, err := os.Open(path)
	if err != nil {
		return manifest.File{}, fmt.Errorf("hash %s: %w", path, err)
	}
	defer f.Close()
	h, lc := sha256.New(), &lineCounter{}
	n, err := io.Copy(io.MultiWriter(h, lc), f)
	if err != nil {
		return manifest.File{}, fmt.Errorf("hash %s: %w", path, err)
	}
	return manifest.File{Path: rel, Bytes: n, SHA256: hex.EncodeToString(h.Sum(nil)), Counts: map[string]int64{"lines": lc.n}}, nil
}

// lineCounter counts '\n' bytes written to it.
type lineCounter struct{ n int64 }

func (c *lineCounter) Write(p []byte) (int, error) {
	for _, b := range p {
		if b == '\n' {
			c.n++
		}
	}
	return len(p), nil
}

// copyFile copies src to the new file dst and syncs it.
func copyFile(src, dst string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
		return err
	}
	out, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return fmt.Errorf("copy %s to %s: %w", src, dst, err)
	}
	if err := out.Sync(); err != nil {
		out.Close()
		return fmt.Errorf("write %s: %w", dst, err)
	}
	if err := out.Close(); err != nil {
		return fmt.Errorf("write %s: %w", dst, err)
	}
	return nil
}
