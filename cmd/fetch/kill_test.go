package main

import (
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/bertline/bertline/internal/killtest"
	"github.com/bertline/bertline/pkg/corpus"
	"github.com/bertline/bertline/pkg/manifest"
)

// A fetch killed with SIGKILL at a random moment, then rerun, gives the
// same bytes as an uninterrupted run, and never leaves a directory that
// looks complete before it is.
func TestKillAndResume(t *testing.T) {
	if testing.Short() {
		t.Skip("runs fetch in subprocesses")
	}
	dump := sample + "enwiki-sample-pages-articles-multistream.xml.bz2"
	ref := t.TempDir()
	if _, err := run(t, "wikipedia", "--dump", dump, "--out", ref, "--pages-per-part", "2"); err != nil {
		t.Fatal(err)
	}
	want := dirFiles(t, ref)

	rng := rand.New(rand.NewPCG(7, 7))
	killedEarly, midway := 0, 0
	for trial := range 8 {
		out := filepath.Join(t.TempDir(), "wiki")
		args := []string{"wikipedia", "--dump", dump, "--out", out, "--pages-per-part", "2", "--workers", "2"}
		if !killtest.KillAfter(t, args, time.Duration(20+rng.IntN(200))*time.Millisecond) {
			continue // finished before the kill
		}
		killedEarly++
		if parts, _ := corpus.Parts(out); len(parts) > 0 {
			midway++
		}
		if _, err := os.Stat(filepath.Join(out, manifest.Name)); err == nil {
			// Only complete outputs may carry a manifest.
			m, err := manifest.Read(out)
			if err != nil || manifest.Verify(out, m) != nil {
				t.Fatalf("trial %d: killed run left a manifest over incomplete output", trial)
			}
		}
		if _, err := run(t, args...); err != nil {
			t.Fatalf("trial %d: resume: %v", trial, err)
		}
		got := dirFiles(t, out)
		if len(got) != len(want) {
			t.Fatalf("trial %d: %d files after resume, want %d", trial, len(got), len(want))
		}
		for name, w := range want {
			if got[name] != w {
				t.Errorf("trial %d: %s differs after kill and resume", trial, name)
			}
		}
	}
	t.Logf("%d of 8 runs were killed before finishing, %d of them after writing parts", killedEarly, midway)
}

// dirFiles maps the data files of a corpus directory to their contents.
func dirFiles(t *testing.T, dir string) map[string]string {
	t.Helper()
	names, err := corpus.Parts(dir)
	if err != nil {
		t.Fatal(err)
	}
	names = append(names, corpus.DocumentsName)
	out := map[string]string{}
	for _, n := range names {
		b, err := os.ReadFile(filepath.Join(dir, n))
		if err != nil {
			t.Fatal(err)
		}
		out[n] = string(b)
	}
	return out
}
