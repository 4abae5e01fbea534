// Package manifest describes what a stage made and from what: every output
// directory of bertline holds a manifest.json written last, so its presence
// means the directory is complete.
//
//	{
//	  "stage": "fetch wikipedia",
//	  "version": "v0.1.0",
//	  "command": ["fetch", "wikipedia", "--dump", "enwiki.xml.bz2", "--out", "wiki"],
//	  "inputs":  [{"path": "enwiki.xml.bz2", "bytes": 123, "sha256": "…"}],
//	  "params":  {"lang": "en", …},
//	  "outputs": [{"path": "part-00000.txt.zst", "bytes": 45, "sha256": "…", "counts": {"documents": 3}}],
//	  "counts":  {"documents": 3, "sentences": 42}
//	}
//
// Paths are relative to the manifest's directory for outputs and as given on
// the command line for inputs. The manifest holds no timestamps or host
// names, so the same inputs and parameters give a byte-identical manifest.
package manifest

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/bertline/bertline/pkg/atomicfile"
)

// Name is the file name of a manifest inside a stage's output directory.
const Name = "manifest.json"

// Manifest is the record of one stage's run.
type Manifest struct {
	Stage   string           `json:"stage"`
	Version string           `json:"version"`
	Command []string         `json:"command"`
	Inputs  []File           `json:"inputs"`
	Params  any              `json:"params,omitempty"`
	Outputs []File           `json:"outputs"`
	Counts  map[string]int64 `json:"counts,omitempty"`
}

// File is one input or output with its size and content hash. Counts holds
// what the file contains (documents, sentences, instances …).
type File struct {
	Path   string           `json:"path"`
	Bytes  int64            `json:"bytes"`
	SHA256 string           `json:"sha256"`
	Counts map[string]int64 `json:"counts,omitempty"`
}

// Describe hashes the file at path and returns its entry, recorded under name.
func Describe(path, name string) (File, error) {
	f, err := os.Open(path)
	if err != nil {
		return File{}, fmt.Errorf("hash %s: %w", path, err)
	}
	defer f.Close()
	h := sha256.New()
	n, err := io.Copy(h, f)
	if err != nil {
		return File{}, fmt.Errorf("hash %s: %w", path, err)
	}
	return File{Path: name, Bytes: n, SHA256: hex.EncodeToString(h.Sum(nil))}, nil
}

// Write stores m as dir/manifest.json atomically.
func Write(dir string, m *Manifest) error {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(m); err != nil {
		return fmt.Errorf("encode manifest for %s: %w", dir, err)
	}
	return atomicfile.WriteFile(filepath.Join(dir, Name), buf.Bytes())
}

// Read loads dir/manifest.json. A missing manifest is reported with an error
// wrapping fs.ErrNotExist: the directory is incomplete.
func Read(dir string) (*Manifest, error) {
	path := filepath.Join(dir, Name)
	b, err := os.ReadFile(path)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("%s: no %s, the stage that writes it has not finished: %w", dir, Name, fs.ErrNotExist)
		}
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	m := new(Manifest)
	if err := json.Unmarshal(b, m); err != nil {
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	return m, nil
}

// Verify checks every output of m against the files in dir and returns one
// error per missing, resized or altered file, joined.
func Verify(dir string, m *Manifest) error {
	var errs []error
	for _, o := range m.Outputs {
		got, err := Describe(filepath.Join(dir, o.Path), o.Path)
		switch {
		case err != nil:
			errs = append(errs, err)
		case got.Bytes != o.Bytes:
			errs = append(errs, fmt.Errorf("%s: %d bytes, manifest says %d", filepath.Join(dir, o.Path), got.Bytes, o.Bytes))
		case got.SHA256 != o.SHA256:
			errs = append(errs, fmt.Errorf("%s: sha256 %s, manifest says %s", filepath.Join(dir, o.Path), got.SHA256, o.SHA256))
		}
	}
	return errors.Join(errs...)
}

// WorkDir is the subdirectory of a stage's output that holds unfinished
// work: parts or blocks already done, and the parameters they were made
// with. The stage removes it once manifest.json is written.
const WorkDir = ".work"

// PrepareWork creates out/.work, removes temporary files left there by a
// killed run, and records params in it; if a earlier run recorded other
// parameters, it refuses, so that a resumed run never mixes the finished
// work of two configurations.
func PrepareWork(out string, params any) error {
	work := filepath.Join(out, WorkDir)
	if err := os.MkdirAll(work, 0o755); err != nil {
		return fmt.Errorf("create %s: %w", out, err)
	}
	for _, dir := range []string{out, work} {
		if err := atomicfile.RemoveTemps(dir); err != nil {
			return err
		}
	}
	want, err := json.Marshal(params)
	if err != nil {
		return fmt.Errorf("record parameters in %s: %w", work, err)
	}
	path := filepath.Join(work, "params.json")
	have, err := os.ReadFile(path)
	switch {
	case err == nil && !bytes.Equal(have, want):
		return fmt.Errorf("%s holds unfinished work made with other settings (%s, now %s): choose another output directory or delete it", out, have, want)
	case err == nil:
		return nil
	case errors.Is(err, fs.ErrNotExist):
		return atomicfile.WriteFile(path, want)
	default:
		return fmt.Errorf("read %s: %w", path, err)
	}
}

// FinishWork removes out/.work once manifest.json is written. A stage that
// finds its output complete calls it too: a run killed between writing the
// manifest and removing the work directory leaves one behind.
func FinishWork(out string) error {
	if err := os.RemoveAll(filepath.Join(out, WorkDir)); err != nil {
		return fmt.Errorf("clean %s: %w", filepath.Join(out, WorkDir), err)
	}
	return nil
}

// Complete reports whether dir holds a finished, intact output whose
// manifest was made by the given stage with the same parameters, so that a
// rerun can skip the work.
func Complete(dir, stage string, params any) bool {
	m, err := Read(dir)
	if err != nil || m.Stage != stage {
		return false
	}
	have, err1 := canonicalJSON(m.Params)
	want, err2 := canonicalJSON(params)
	return err1 == nil && err2 == nil && bytes.Equal(have, want) && Verify(dir, m) == nil
}

// canonicalJSON encodes v as a generic JSON value, so that a struct and the
// map decoded from its encoding compare equal.
func canonicalJSON(v any) ([]byte, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	var generic any
	if err := json.Unmarshal(b, &generic); err != nil {
		return nil, err
	}
	return json.Marshal(generic)
}
