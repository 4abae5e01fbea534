// Package tasks splits a stage's work across N independent processes, such as
// the members of a Slurm job array.
//
// Work is cut into numbered units (parts of a dump, input files …) whose
// boundaries do not depend on the number of tasks; task i of n then takes a
// contiguous range of units. Each task's output is valid on its own, and the
// union of all tasks' outputs equals a single task's output.
//
//	fetch wikipedia --dump d.xml.bz2 --out wiki --task-index 3 --num-tasks 8
//	sbatch --array=0-7 …   # --task-index/--num-tasks default to SLURM_ARRAY_TASK_ID and SLURM_ARRAY_TASK_COUNT
package tasks

import (
	"fmt"
	"os"
	"strconv"

	"github.com/spf13/pflag"
)

// Split is one task's identity: Index in [0, Count).
type Split struct {
	Index int
	Count int
}

// Single is the split of an unsplit run.
var Single = Split{Index: 0, Count: 1}

// AddFlags registers --task-index and --num-tasks on fs, defaulting to the
// Slurm array variables when they are set, and returns the Split they fill.
// Call Validate after parsing.
func AddFlags(fs *pflag.FlagSet) *Split {
	s := FromEnv(os.Getenv)
	fs.IntVar(&s.Index, "task-index", s.Index, "index of this task in [0, num-tasks) (default $SLURM_ARRAY_TASK_ID)")
	fs.IntVar(&s.Count, "num-tasks", s.Count, "number of independent tasks the work is split into (default $SLURM_ARRAY_TASK_COUNT)")
	return &s
}

// FromEnv reads SLURM_ARRAY_TASK_ID and SLURM_ARRAY_TASK_COUNT through
// getenv; without them it returns Single. A Slurm array that does not start
// at 0 (--array=1-8) is shifted by SLURM_ARRAY_TASK_MIN.
func FromEnv(getenv func(string) string) Split {
	id, err1 := strconv.Atoi(getenv("SLURM_ARRAY_TASK_ID"))
	n, err2 := strconv.Atoi(getenv("SLURM_ARRAY_TASK_COUNT"))
	if err1 != nil || err2 != nil {
		return Single
	}
	if lo, err := strconv.Atoi(getenv("SLURM_ARRAY_TASK_MIN")); err == nil {
		id -= lo
	}
	return Split{Index: id, Count: n}
}

// Validate reports a split whose index is out of range.
func (s Split) Validate() error {
	if s.Count < 1 {
		return fmt.Errorf("--num-tasks must be at least 1, got %d", s.Count)
	}
	if s.Index < 0 || s.Index >= s.Count {
		return fmt.Errorf("--task-index must be in [0, %d), got %d", s.Count, s.Index)
	}
	return nil
}

// Range returns the half-open range [lo, hi) of the n units this task owns.
// Ranges of consecutive tasks are contiguous, cover [0, n) and differ in size
// by at most one.
func (s Split) Range(n int) (lo, hi int) {
	return s.Index * n / s.Count, (s.Index + 1) * n / s.Count
}

// Owns reports whether unit i of n belongs to this task.
func (s Split) Owns(i, n int) bool {
	lo, hi := s.Range(n)
	return lo <= i && i < hi
}

// String formats the split as "task 3 of 8" (1-based for people).
func (s Split) String() string {
	return fmt.Sprintf("task %d of %d", s.Index+1, s.Count)
}
