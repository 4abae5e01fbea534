// Package atomicfile writes files so that readers see either the old content or
// the complete new content, never a prefix.
//
// A File is a temporary file created in the destination's directory. Commit
// flushes it to stable storage, renames it over the destination and syncs the
// directory; Abort (or a Close without Commit) removes it. A process killed
// half-way therefore leaves at most a stray temporary file whose name starts
// with "." and ends in ".tmp", which the next run ignores or overwrites:
//
//	f, err := atomicfile.Create("out/manifest.json")
//	if err != nil { ... }
//	defer f.Abort() // no-op after a successful Commit
//	if _, err := f.Write(data); err != nil { ... }
//	return f.Commit()
package atomicfile

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// File is a pending replacement of a destination file. It is not safe for
// concurrent use.
type File struct {
	*os.File
	dest string
	done bool
}

// Create opens a temporary file beside dest. The parent directory must exist.
func Create(dest string) (*File, error) {
	dir, base := filepath.Split(dest)
	if dir == "" {
		dir = "."
	}
	f, err := os.CreateTemp(dir, "."+base+".*.tmp")
	if err != nil {
		return nil, fmt.Errorf("create %s: %w", dest, err)
	}
	return &File{File: f, dest: dest}, nil
}

// Commit syncs the data, closes the file, renames it to the destination and
// syncs the directory so that the rename itself survives a crash.
func (f *File) Commit() error {
	if f.done {
		return fmt.Errorf("commit %s: already committed or aborted", f.dest)
	}
	f.done = true
	tmp := f.File.Name()
	if err := f.File.Sync(); err != nil {
		f.File.Close()
		os.Remove(tmp)
		return fmt.Errorf("write %s: %w", f.dest, err)
	}
	if err := f.File.Close(); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("write %s: %w", f.dest, err)
	}
	if err := os.Chmod(tmp, 0o644); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("write %s: %w", f.dest, err)
	}
	if err := os.Rename(tmp, f.dest); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("write %s: %w", f.dest, err)
	}
	return SyncDir(filepath.Dir(f.dest))
}

// Abort discards the temporary file. It is a no-op after Commit, so it can be
// deferred unconditionally.
func (f *File) Abort() {
	if f.done {
		return
	}
	f.done = true
	f.File.Close()
	os.Remove(f.File.Name())
}

// Close is Abort: a File that is not committed is discarded.
func (f *File) Close() error {
	f.Abort()
	return nil
}

// WriteFile atomically replaces dest with data.
func WriteFile(dest string, data []byte) error {
	f, err := Create(dest)
	if err != nil {
		return err
	}
	defer f.Abort()
	if _, err := f.Write(data); err != nil {
		return fmt.Errorf("write %s: %w", dest, err)
	}
	return f.Commit()
}

// SyncDir flushes a directory's entries (a rename or a new file) to storage.
// File systems that cannot sync a directory are not an error.
func SyncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return fmt.Errorf("sync %s: %w", dir, err)
	}
	defer d.Close()
	if err := d.Sync(); err != nil && !errors.Is(err, fs.ErrInvalid) && !errors.Is(err, errors.ErrUnsupported) {
		return fmt.Errorf("sync %s: %w", dir, err)
	}
	return nil
}

// IsTemp reports whether name (a base name) is a temporary file left by
// Create, so that directory listings can ignore or clean such leftovers.
func IsTemp(name string) bool {
	return strings.HasPrefix(name, ".") && strings.HasSuffix(name, ".tmp")
}

// RemoveTemps deletes leftovers of interrupted writes in dir.
func RemoveTemps(dir string) error {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return fmt.Errorf("clean %s: %w", dir, err)
	}
	for _, e := range entries {
		if !e.IsDir() && IsTemp(e.Name()) {
			if err := os.Remove(filepath.Join(dir, e.Name())); err != nil {
				return fmt.Errorf("clean %s: %w", dir, err)
			}
		}
	}
	return nil
}
