package loader

import (
	"fmt"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"

	"github.com/bertline/bertline/pkg/shards"
)

// file is one shard of a split, as found by Open.
type file struct {
	path string
	bin  int // index of its bin among the split's bins (0 without bins)
	n    int // instances
	meta shards.Meta
}

// keyMaskedLMProb is the shard metadata key that records masked_lm_prob,
// when the shard stage writes it (Meta.Extra).
const keyMaskedLMProb = "masked_lm_prob"

// listSplit returns the shard files of dir in reading order, with the bin
// of each, and the number of bins. dir holds either shard-NNNNN.arrow
// files or bin-NNN/ directories of them, not both.
func listSplit(dir string) (paths []string, bins []int, nbins int, err error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, nil, 0, fmt.Errorf("loader: %w", err)
	}
	flat := shardNames(entries)
	var binDirs []string
	for _, e := range entries {
		if e.IsDir() && isBinName(e.Name()) {
			binDirs = append(binDirs, e.Name())
		}
	}
	switch {
	case len(flat) > 0 && len(binDirs) > 0:
		return nil, nil, 0, fmt.Errorf("loader: %s holds both shard files and bin directories", dir)
	case len(binDirs) == 0:
		for _, name := range flat {
			paths = append(paths, filepath.Join(dir, name))
		}
		bins = make([]int, len(paths))
		nbins = 1
	default:
		for _, bd := range binDirs {
			sub, err := os.ReadDir(filepath.Join(dir, bd))
			if err != nil {
				return nil, nil, 0, fmt.Errorf("loader: %w", err)
			}
			names := shardNames(sub)
			if len(names) == 0 {
				continue // an empty bin adds nothing
			}
			for _, name := range names {
				paths = append(paths, filepath.Join(dir, bd, name))
				bins = append(bins, nbins)
			}
			nbins++
		}
	}
	if len(paths) == 0 {
		return nil, nil, 0, fmt.Errorf("loader: no shard-*.arrow files in %s or its bin-* directories", dir)
	}
	return paths, bins, nbins, nil
}

// shardNames returns the names of the regular files shard-*.arrow among
// entries, in name order (os.ReadDir sorts). Temporary files start with a
// dot and are not matched.
func shardNames(entries []os.DirEntry) []string {
	var names []string
	for _, e := range entries {
		n := e.Name()
		if e.Type().IsRegular() && strings.HasPrefix(n, "shard-") && strings.HasSuffix(n, ".arrow") {
			names = append(names, n)
		}
	}
	return names
}

// isBinName reports whether name is bin-NNN (digits, at least one).
func isBinName(name string) bool {
	d, ok := strings.CutPrefix(name, "bin-")
	if !ok || d == "" {
		return false
	}
	for _, c := range d {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// openFiles opens every shard of paths, a few at a time, and returns its
// metadata and instance count; the readers are closed again (files are
// reopened when read). The error is that of the first bad file in order.
func openFiles(paths []string, bins []int) ([]file, error) {
	files := make([]file, len(paths))
	errs := make([]error, len(paths))
	work := make(chan int)
	var wg sync.WaitGroup
	for range min(len(paths), runtime.GOMAXPROCS(0), 8) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range work {
				r, err := shards.Open(paths[i])
				if err != nil {
					errs[i] = err
					continue
				}
				files[i] = file{path: paths[i], bin: bins[i], n: r.Len(), meta: r.Meta()}
				errs[i] = r.Close()
			}
		}()
	}
	for i := range paths {
		work <- i
	}
	close(work)
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return nil, fmt.Errorf("loader: %w", err)
		}
	}
	return files, nil
}

// checkFiles checks every file against the caller's vocabulary and
// sequence length (when given) and against the first file: a split is one
// vocabulary, one max_seq_len and one masking scheme. Within each
// directory the files must be a whole set: num_shards files with distinct
// shard_index, so that a partly copied split is not trained on unnoticed.
func checkFiles(files []file, cfg *Config) error {
	first := files[0].meta
	for _, f := range files {
		m := f.meta
		if cfg.VocabSHA256 != "" || cfg.MaxSeqLen > 0 {
			sha, seqLen := cfg.VocabSHA256, cfg.MaxSeqLen
			if sha == "" {
				sha = m.VocabSHA256
			}
			if seqLen <= 0 {
				seqLen = m.MaxSeqLen
			}
			if err := shards.CheckMeta(m, sha, seqLen); err != nil {
				return fmt.Errorf("loader: %s: %w", f.path, err)
			}
		}
		for _, d := range []struct {
			key       string
			got, want any
		}{
			{"vocab_sha256", m.VocabSHA256, first.VocabSHA256},
			{"vocab_size", m.VocabSize, first.VocabSize},
			{"max_seq_len", m.MaxSeqLen, first.MaxSeqLen},
			{"max_predictions", m.MaxPredictions, first.MaxPredictions},
			{"masking", m.Masking, first.Masking},
			{"whole_word_mask", m.WholeWordMask, first.WholeWordMask},
			{keyMaskedLMProb, m.Extra[keyMaskedLMProb], first.Extra[keyMaskedLMProb]},
		} {
			if d.got != d.want {
				return fmt.Errorf("loader: %s: %s %v differs from %v in %s", f.path, d.key, d.got, d.want, files[0].path)
			}
		}
	}
	// Whole sets, directory by directory.
	for lo := 0; lo < len(files); {
		dir := filepath.Dir(files[lo].path)
		hi := lo
		for hi < len(files) && filepath.Dir(files[hi].path) == dir {
			hi++
		}
		seen := make(map[int]string, hi-lo)
		for _, f := range files[lo:hi] {
			if f.meta.NumShards != hi-lo {
				return fmt.Errorf("loader: %s: num_shards %d, but %s holds %d shard files", f.path, f.meta.NumShards, dir, hi-lo)
			}
			if other, dup := seen[f.meta.ShardIndex]; dup {
				return fmt.Errorf("loader: %s: shard_index %d repeats that of %s", f.path, f.meta.ShardIndex, other)
			}
			seen[f.meta.ShardIndex] = f.path
		}
		lo = hi
	}
	return nil
}

// DefaultMaskedLMProb is the share of tokens masked dynamically when
// neither the shards' metadata nor MaskConfig.MaskedLMProb says otherwise:
// Google's and NVIDIA's masked_lm_prob.
const DefaultMaskedLMProb = 0.15

// maskedLMProb returns the masking probability for dynamic shards: the one
// the shards record, else the caller's, else DefaultMaskedLMProb. Both
// given and different is an error.
func maskedLMProb(m shards.Meta, path string, mc *MaskConfig) (float64, error) {
	s, ok := m.Extra[keyMaskedLMProb]
	if !ok {
		if mc.MaskedLMProb != 0 {
			return mc.MaskedLMProb, nil
		}
		return DefaultMaskedLMProb, nil
	}
	p, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(p) || p < 0 || p > 1 {
		return 0, fmt.Errorf("loader: %s: %s=%q is not a probability", path, keyMaskedLMProb, s)
	}
	if mc.MaskedLMProb != 0 && mc.MaskedLMProb != p {
		return 0, fmt.Errorf("loader: %s: %s %v, but the mask configuration asks for %v", path, keyMaskedLMProb, p, mc.MaskedLMProb)
	}
	return p, nil
}
