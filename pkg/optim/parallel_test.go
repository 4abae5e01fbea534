package optim

import (
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"
	"slices"
	"testing"
)

// seqLAMB is LAMB.Step as one sequential loop per tensor, with the update
// kept in a float64 buffer and the norms summed element by element: an
// independent formulation for the tests, and the baseline of BenchmarkLAMB.
func seqLAMB(o LAMB, params, grads []float32, st *State, groups []Group, lr float64) float64 {
	var gsq float64
	for _, g := range grads {
		gsq += float64(g) * float64(g)
	}
	gnorm := math.Sqrt(gsq)
	clip := 1.0
	if o.MaxGradNorm > 0 && gnorm > o.MaxGradNorm {
		clip = gnorm / o.MaxGradNorm
	}
	st.Step++
	bc1 := 1 - math.Pow(o.Beta1, float64(st.Step))
	bc2 := 1 - math.Pow(o.Beta2, float64(st.Step))
	update := make([]float64, 0, 1024)
	for _, g := range groups {
		w := params[g.Offset : g.Offset+g.Size]
		m := st.M[g.Offset : g.Offset+g.Size]
		v := st.V[g.Offset : g.Offset+g.Size]
		gr := grads[g.Offset : g.Offset+g.Size]
		wd := 0.0
		if g.Decay {
			wd = o.WeightDecay
		}
		update = update[:0]
		var wsq, usq float64
		for i := range w {
			gi := float64(gr[i]) / clip
			mi := o.Beta1*float64(m[i]) + (1-o.Beta1)*gi
			vi := o.Beta2*float64(v[i]) + (1-o.Beta2)*gi*gi
			m[i], v[i] = float32(mi), float32(vi)
			u := (mi/bc1)/(math.Sqrt(vi/bc2)+o.Eps) + wd*float64(w[i])
			update = append(update, u)
			wsq += float64(w[i]) * float64(w[i])
			usq += u * u
		}
		ratio := 1.0
		if wd != 0 && wsq > 0 && usq > 0 {
			ratio = math.Sqrt(wsq) / math.Sqrt(usq)
		}
		for i := range w {
			w[i] = float32(float64(w[i]) - lr*ratio*update[i])
		}
	}
	return gnorm
}

// seqAdamW is AdamW.Step as one sequential loop, written as PyTorch's
// formula reads.
func seqAdamW(o AdamW, params, grads []float32, st *State, groups []Group, lr float64) {
	st.Step++
	bc1 := 1 - math.Pow(o.Beta1, float64(st.Step))
	bc2 := math.Sqrt(1 - math.Pow(o.Beta2, float64(st.Step)))
	for _, g := range groups {
		decay := 1.0
		if g.Decay {
			decay = 1 - lr*o.WeightDecay
		}
		for i := g.Offset; i < g.Offset+g.Size; i++ {
			gi := float64(grads[i])
			mi := o.Beta1*float64(st.M[i]) + (1-o.Beta1)*gi
			vi := o.Beta2*float64(st.V[i]) + (1-o.Beta2)*gi*gi
			st.M[i], st.V[i] = float32(mi), float32(vi)
			w := float64(params[i]) * decay
			params[i] = float32(w - (lr/bc1)*mi/(math.Sqrt(vi)/bc2+o.Eps))
		}
	}
}

// problem returns parameters and three steps of gradients for tensors of
// the given sizes, decay alternating; the second step's gradient norm is
// above LAMB's clipping threshold, the others below.
func problem(sizes []int, seed uint64) (params []float32, grads [][]float32, groups []Group) {
	rng := rand.New(rand.NewPCG(seed, 1))
	n := 0
	for i, s := range sizes {
		groups = append(groups, Group{Offset: n, Size: s, Decay: i%2 == 0})
		n += s
	}
	params = make([]float32, n)
	for i := range params {
		params[i] = float32(0.05 * rng.NormFloat64())
	}
	for step := range 3 {
		g := make([]float32, n)
		for i := range g {
			g[i] = float32(rng.NormFloat64())
		}
		scale := []float64{0.5, 4, 0.01}[step] / Norm(g)
		for i := range g {
			g[i] *= float32(scale)
		}
		grads = append(grads, g)
	}
	return params, grads, groups
}

// Sizes around and across chunk boundaries, an empty tensor among them.
var testSizes = []int{3*chunk + 5, 1, 7, chunk - 1, 0, chunk + 1, 2 * chunk, 1000, 3}

// One to seven goroutines, and the default, give the same bits: parameters,
// moments and gradient norms.
func TestThreadIndependence(t *testing.T) {
	p0, grads, groups := problem(testSizes, 1)
	type result struct {
		params, m, v []float32
		gnorms       []float64
	}
	run := func(threads int, adamw bool) result {
		params := slices.Clone(p0)
		st := NewState(len(params))
		var gnorms []float64
		for step, g := range grads {
			lr := 0.01 * float64(step+1)
			if adamw {
				o := DefaultAdamW
				o.Threads = threads
				if err := o.Step(params, g, st, groups, lr); err != nil {
					t.Fatal(err)
				}
				continue
			}
			o := DefaultLAMB
			o.Threads = threads
			gnorm, err := o.Step(params, g, st, groups, lr)
			if err != nil {
				t.Fatal(err)
			}
			gnorms = append(gnorms, gnorm)
		}
		return result{params, st.M, st.V, gnorms}
	}
	same := func(a, b []float32) bool {
		for i := range a {
			if math.Float32bits(a[i]) != math.Float32bits(b[i]) {
				return false
			}
		}
		return len(a) == len(b)
	}
	for _, adamw := range []bool{false, true} {
		want := run(1, adamw)
		if same(want.params, p0) {
			t.Fatalf("adamw=%v: parameters did not change", adamw)
		}
		for _, threads := range []int{2, 7, 0} {
			got := run(threads, adamw)
			if !same(got.params, want.params) || !same(got.m, want.m) || !same(got.v, want.v) || !slices.Equal(got.gnorms, want.gnorms) {
				t.Errorf("adamw=%v: %d threads differ from 1", adamw, threads)
			}
		}
	}
}

// Each step of the chunked passes agrees with the sequential formulation
// from the same state to float32 rounding, over chunks and tensors of every
// kind, clipping included.
func TestAgainstSequential(t *testing.T) {
	p0, grads, groups := problem(testSizes, 2)
	// close32 allows a few float32 roundings of the value and of its change
	// from before: the update is taken from moments rounded to float32.
	close32 := func(what string, got, want, before []float32) {
		t.Helper()
		for i := range want {
			w := float64(want[i])
			if d := math.Abs(float64(got[i]) - w); d > 4e-7*(math.Abs(w)+math.Abs(w-float64(before[i]))) {
				t.Fatalf("%s[%d] = %v, sequential %v", what, i, got[i], want[i])
			}
		}
	}

	params, ref := slices.Clone(p0), slices.Clone(p0)
	st, refSt := NewState(len(params)), NewState(len(params))
	for step, g := range grads {
		lr := 0.01 * float64(step+1)
		before := [][]float32{slices.Clone(ref), slices.Clone(refSt.M), slices.Clone(refSt.V)}
		copy(params, ref)
		st = refSt.Clone()
		gnorm, err := DefaultLAMB.Step(params, g, st, groups, lr)
		if err != nil {
			t.Fatal(err)
		}
		want := seqLAMB(DefaultLAMB, ref, g, refSt, groups, lr)
		if math.Abs(gnorm-want) > 1e-13*want || gnorm != Norm(g) {
			t.Fatalf("LAMB step %d: grad norm %v, sequential %v, Norm %v", step+1, gnorm, want, Norm(g))
		}
		what := fmt.Sprintf("LAMB step %d ", step+1)
		close32(what+"params", params, ref, before[0])
		close32(what+"m", st.M, refSt.M, before[1])
		close32(what+"v", st.V, refSt.V, before[2])
	}

	params, ref = slices.Clone(p0), slices.Clone(p0)
	st, refSt = NewState(len(params)), NewState(len(params))
	for step, g := range grads {
		lr := 1e-3 * float64(step+1)
		before := [][]float32{slices.Clone(ref), slices.Clone(refSt.M), slices.Clone(refSt.V)}
		copy(params, ref)
		st = refSt.Clone()
		if err := DefaultAdamW.Step(params, g, st, groups, lr); err != nil {
			t.Fatal(err)
		}
		seqAdamW(DefaultAdamW, ref, g, refSt, groups, lr)
		what := fmt.Sprintf("AdamW step %d ", step+1)
		close32(what+"params", params, ref, before[0])
		close32(what+"m", st.M, refSt.M, before[1])
		close32(what+"v", st.V, refSt.V, before[2])
	}
}

// Steps leave the gradients as they were.
func TestGradientsUnchanged(t *testing.T) {
	params, grads, groups := problem(testSizes, 3)
	g := slices.Clone(grads[1])
	if _, err := DefaultLAMB.Step(params, g, NewState(len(params)), groups, 0.01); err != nil {
		t.Fatal(err)
	}
	if err := DefaultAdamW.Step(params, g, NewState(len(params)), groups, 0.01); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(g, grads[1]) {
		t.Error("gradients changed")
	}
}

// A group outside the buffers is an error, not a panic on some goroutine.
func TestGroupOutside(t *testing.T) {
	params, grads := make([]float32, 10), make([]float32, 10)
	for _, g := range []Group{{Offset: 5, Size: 6}, {Offset: -1, Size: 2}, {Offset: 11}, {Offset: 2, Size: -1}} {
		if _, err := DefaultLAMB.Step(params, grads, NewState(10), []Group{g}, 0.1); err == nil {
			t.Errorf("LAMB accepted %+v over 10 parameters", g)
		}
		if err := DefaultAdamW.Step(params, grads, NewState(10), []Group{g}, 0.1); err == nil {
			t.Errorf("AdamW accepted %+v over 10 parameters", g)
		}
	}
}

func TestClone(t *testing.T) {
	st := &State{M: []float32{1, 2}, V: []float32{3, 4}, Step: 7}
	c := st.Clone()
	c.M[0], c.V[1], c.Step = 10, 40, 8
	if st.M[0] != 1 || st.V[1] != 4 || st.Step != 7 {
		t.Errorf("clone shares memory with the original: %+v", st)
	}
	if c.M[1] != 2 || c.V[0] != 3 {
		t.Errorf("clone %+v", c)
	}
}

// benchProblem is about 11M parameters shaped like BERT-base: one encoder
// layer's tensors and a 5120×768 embedding, decay on the matrices only.
func benchProblem() (params, grads []float32, groups []Group) {
	const C = 768
	add := func(size int, decay bool) {
		groups = append(groups, Group{Offset: len(params), Size: size, Decay: decay})
		params = append(params, make([]float32, size)...)
	}
	add(5120*C, true)
	add(C, false)
	add(C, false)
	for range 4 {
		add(C*C, true)
		add(C, false)
	}
	add(C, false)
	add(C, false)
	add(C*4*C, true)
	add(4*C, false)
	add(4*C*C, true)
	add(C, false)
	add(C, false)
	add(C, false)
	rng := rand.New(rand.NewPCG(4, 1))
	grads = make([]float32, len(params))
	for i := range params {
		params[i] = float32(0.02 * rng.NormFloat64())
		grads[i] = float32(1e-4 * rng.NormFloat64())
	}
	return params, grads, groups
}

// BenchmarkLAMB times one step in ns per parameter: the sequential
// formulation, then the chunked passes on one goroutine and on all.
func BenchmarkLAMB(b *testing.B) {
	params, grads, groups := benchProblem()
	st := NewState(len(params))
	per := func(b *testing.B) {
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(len(params)), "ns/param")
	}
	b.Run("sequential", func(b *testing.B) {
		for b.Loop() {
			seqLAMB(DefaultLAMB, params, grads, st, groups, 1e-4)
		}
		per(b)
	})
	for _, threads := range []int{1, runtime.GOMAXPROCS(0)} {
		b.Run(fmt.Sprintf("threads=%d", threads), func(b *testing.B) {
			o := DefaultLAMB
			o.Threads = threads
			for b.Loop() {
				if _, err := o.Step(params, grads, st, groups, 1e-4); err != nil {
					b.Fatal(err)
				}
			}
			per(b)
		})
	}
}

// BenchmarkAdamW is BenchmarkLAMB for AdamW.
func BenchmarkAdamW(b *testing.B) {
	params, grads, groups := benchProblem()
	st := NewState(len(params))
	per := func(b *testing.B) {
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(len(params)), "ns/param")
	}
	b.Run("sequential", func(b *testing.B) {
		for b.Loop() {
			seqAdamW(DefaultAdamW, params, grads, st, groups, 1e-4)
		}
		per(b)
	})
	for _, threads := range []int{1, runtime.GOMAXPROCS(0)} {
		b.Run(fmt.Sprintf("threads=%d", threads), func(b *testing.B) {
			o := DefaultAdamW
			o.Threads = threads
			for b.Loop() {
				if err := o.Step(params, grads, st, groups, 1e-4); err != nil {
					b.Fatal(err)
				}
			}
			per(b)
		})
	}
}
