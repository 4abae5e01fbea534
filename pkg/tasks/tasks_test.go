package tasks

import (
	"testing"

	"github.com/spf13/pflag"
)

func TestRangeCoversExactlyOnce(t *testing.T) {
	for n := 0; n <= 50; n++ {
		for count := 1; count <= 12; count++ {
			owner := make([]int, n)
			for i := range owner {
				owner[i] = -1
			}
			prevHi := 0
			for idx := 0; idx < count; idx++ {
				s := Split{Index: idx, Count: count}
				lo, hi := s.Range(n)
				if lo != prevHi {
					t.Fatalf("n=%d count=%d task %d starts at %d, previous ended at %d", n, count, idx, lo, prevHi)
				}
				if size := hi - lo; size < n/count || size > n/count+1 {
					t.Fatalf("n=%d count=%d task %d has %d units", n, count, idx, size)
				}
				for i := lo; i < hi; i++ {
					if owner[i] != -1 {
						t.Fatalf("unit %d owned twice", i)
					}
					owner[i] = idx
					if !s.Owns(i, n) {
						t.Fatalf("Owns(%d) false inside range", i)
					}
				}
				prevHi = hi
			}
			if prevHi != n {
				t.Fatalf("n=%d count=%d: tasks end at %d", n, count, prevHi)
			}
		}
	}
}

func TestFromEnv(t *testing.T) {
	env := func(m map[string]string) func(string) string { return func(k string) string { return m[k] } }
	cases := []struct {
		name string
		env  map[string]string
		want Split
	}{
		{"unset", nil, Single},
		{"array", map[string]string{"SLURM_ARRAY_TASK_ID": "3", "SLURM_ARRAY_TASK_COUNT": "8"}, Split{3, 8}},
		{"one-based", map[string]string{"SLURM_ARRAY_TASK_ID": "1", "SLURM_ARRAY_TASK_COUNT": "4", "SLURM_ARRAY_TASK_MIN": "1"}, Split{0, 4}},
		{"garbage", map[string]string{"SLURM_ARRAY_TASK_ID": "x", "SLURM_ARRAY_TASK_COUNT": "8"}, Single},
	}
	for _, c := range cases {
		if got := FromEnv(env(c.env)); got != c.want {
			t.Errorf("%s: FromEnv = %+v, want %+v", c.name, got, c.want)
		}
	}
}

func TestFlagsAndValidate(t *testing.T) {
	t.Setenv("SLURM_ARRAY_TASK_ID", "")
	fs := pflag.NewFlagSet("x", pflag.ContinueOnError)
	s := AddFlags(fs)
	if err := fs.Parse([]string{"--task-index", "2", "--num-tasks", "3"}); err != nil {
		t.Fatal(err)
	}
	if *s != (Split{2, 3}) || s.Validate() != nil {
		t.Fatalf("parsed %+v", *s)
	}
	for _, bad := range []Split{{3, 3}, {-1, 3}, {0, 0}} {
		if bad.Validate() == nil {
			t.Errorf("Validate(%+v) = nil", bad)
		}
	}
}
