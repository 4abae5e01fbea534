package main

import (
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/bertline/bertline/internal/killtest"
	"github.com/bertline/bertline/pkg/manifest"
)

// shard pretrain killed with SIGKILL at random moments, then rerun, gives
// the same shards as an uninterrupted run.
func TestKillAndResume(t *testing.T) {
	if testing.Short() {
		t.Skip("runs shard in subprocesses")
	}
	args := func(out string) []string {
		return []string{"pretrain", "--corpus", sample, "--vocab", vocab, "--out", out, "--block-docs", "1",
			"--dupe-factor", "3", "--holdout", "0.1", "--num-shards", "3", "--workers", "2"}
	}
	ref := filepath.Join(t.TempDir(), "ref")
	if _, err := run(t, args(ref)...); err != nil {
		t.Fatal(err)
	}
	want := arrowFiles(t, ref)
	rng := rand.New(rand.NewPCG(3, 3))
	killed, midway := 0, 0
	for trial := range 6 {
		out := filepath.Join(t.TempDir(), "shards")
		if !killtest.KillAfter(t, args(out), time.Duration(20+rng.IntN(400))*time.Millisecond) {
			continue // finished before the kill
		}
		killed++
		if recs, _ := filepath.Glob(filepath.Join(out, manifest.WorkDir, "block-*.json")); len(recs) > 0 {
			midway++
		}
		if m, err := manifest.Read(out); err == nil && manifest.Verify(out, m) != nil {
			t.Fatalf("trial %d: a manifest over incomplete shards", trial)
		}
		if _, err := run(t, args(out)...); err != nil {
			t.Fatalf("trial %d: resume: %v", trial, err)
		}
		got := arrowFiles(t, out)
		if len(got) != len(want) {
			t.Fatalf("trial %d: %d shard files, want %d", trial, len(got), len(want))
		}
		for name, w := range want {
			if got[name] != w {
				t.Errorf("trial %d: %s differs after kill and resume", trial, name)
			}
		}
	}
	t.Logf("%d of 6 runs were killed before finishing, %d of them after finishing blocks", killed, midway)
}

func arrowFiles(t *testing.T, dir string) map[string]string {
	t.Helper()
	names, _ := filepath.Glob(filepath.Join(dir, "*", "*.arrow"))
	out := map[string]string{}
	for _, n := range names {
		b, err := os.ReadFile(n)
		if err != nil {
			t.Fatal(err)
		}
		rel, _ := filepath.Rel(dir, n)
		out[rel] = string(b)
	}
	return out
}
