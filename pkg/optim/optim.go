// Package optim updates the model's parameters: LAMB as NVIDIA's FusedLAMB
// runs it for BERT pretraining, AdamW for fine-tuning, and the learning-rate
// schedules of NVIDIA's and HuggingFace's scripts.
//
// Parameters, gradients and the two moments are flat []float32 buffers that
// share one layout; a []Group says which ranges form a tensor (for LAMB's
// per-tensor trust ratio) and whether weight decay applies, as the model's
// parameter table does (bert.Tensor.Decay replaces the name regex of
// google-research/bert's _do_use_weight_decay).
package optim

import (
	"fmt"
	"math"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"
)

// Group is one tensor of the flat buffers.
type Group struct {
	Offset, Size int
	Decay        bool
}

// State is the optimizer state: first and second moments and the step.
type State struct {
	M, V []float32
	Step int64 // updates done
}

// NewState returns zero moments for n parameters.
func NewState(n int) *State { return &State{M: make([]float32, n), V: make([]float32, n)} }

// Clone returns a deep copy of s, so that a checkpoint can be written from
// it while training goes on.
func (s *State) Clone() *State {
	return &State{M: slices.Clone(s.M), V: slices.Clone(s.V), Step: s.Step}
}

// chunk is the unit of work of a step and of every float64 partial sum.
// Chunks start at the start of the buffer (for the gradient norm) or of each
// tensor, never where a goroutine's share would, and norms add the chunk sums
// in index order: results do not depend on the number of goroutines.
const chunk = 1 << 14

// LAMB holds the hyper-parameters of NVIDIA's FusedLAMB for BERT: betas
// (0.9, 0.999), eps 1e-6, weight decay 0.01 on decayed tensors, bias
// correction, and the gradients clipped to a global norm of 1 before the
// update. As in FusedLAMB with use_nvlamb=False, the trust ratio
// ‖w‖/‖u‖ applies to tensors with weight decay; the others take plain
// Adam steps.
type LAMB struct {
	Beta1, Beta2, Eps, WeightDecay, MaxGradNorm float64

	// Threads is how many goroutines a step uses, counting the caller;
	// 0 means runtime.GOMAXPROCS(0). Results do not depend on it.
	Threads int
}

// DefaultLAMB is NVIDIA's BERT pretraining setting.
var DefaultLAMB = LAMB{Beta1: 0.9, Beta2: 0.999, Eps: 1e-6, WeightDecay: 0.01, MaxGradNorm: 1.0}

// Norm returns the Euclidean norm of x, accumulated in float64 over fixed
// chunks summed in order: the global gradient norm that LAMB.Step returns
// is Norm(grads), bit for bit.
func Norm(x []float32) float64 { return math.Sqrt(sumSquares(x, 0)) }

// sumSquares returns Σx² in float64 on up to threads goroutines.
func sumSquares(x []float32, threads int) float64 {
	part := make([]float64, (len(x)+chunk-1)/chunk)
	parallel(threads, len(part), func(c int) {
		part[c] = chunkSquares(x[c*chunk : min(len(x), (c+1)*chunk)])
	})
	var s float64
	for _, p := range part {
		s += p
	}
	return s
}

// chunkSquares returns Σx² in float64 with four interleaved accumulators,
// which hide the latency of the additions.
func chunkSquares(x []float32) float64 {
	var s0, s1, s2, s3 float64
	i := 0
	for ; i+4 <= len(x); i += 4 {
		a, b, c, d := float64(x[i]), float64(x[i+1]), float64(x[i+2]), float64(x[i+3])
		s0 += a * a
		s1 += b * b
		s2 += c * c
		s3 += d * d
	}
	for ; i < len(x); i++ {
		s0 += float64(x[i]) * float64(x[i])
	}
	return (s0 + s1) + (s2 + s3)
}

// parallel calls f(0), …, f(n-1) on up to threads goroutines (counting the
// caller; threads <= 0 means runtime.GOMAXPROCS(0)), each taking the next
// index when it is done with one.
func parallel(threads, n int, f func(i int)) {
	if threads <= 0 {
		threads = runtime.GOMAXPROCS(0)
	}
	threads = min(threads, n)
	if threads <= 1 {
		for i := range n {
			f(i)
		}
		return
	}
	var next atomic.Int64
	work := func() {
		for i := int(next.Add(1) - 1); i < n; i = int(next.Add(1) - 1) {
			f(i)
		}
	}
	var wg sync.WaitGroup
	for range threads - 1 {
		wg.Go(work)
	}
	work()
	wg.Wait()
}

// span is one chunk of one group: elements [lo, hi) of the flat buffers,
// with the partial sums LAMB takes of it.
type span struct {
	group, lo, hi int
	wsq, usq      float64 // Σw² and Σu² over the chunk
}

// spans checks that groups lie inside n parameters and cuts them into chunks.
func spans(groups []Group, n int) ([]span, error) {
	count := 0
	for i, g := range groups {
		if g.Offset < 0 || g.Size < 0 || g.Offset > n || g.Size > n-g.Offset {
			return nil, fmt.Errorf("optim: group %d (offset %d, size %d) outside %d parameters", i, g.Offset, g.Size, n)
		}
		count += (g.Size + chunk - 1) / chunk
	}
	sp := make([]span, 0, count)
	for i, g := range groups {
		for lo := g.Offset; lo < g.Offset+g.Size; lo += chunk {
			sp = append(sp, span{group: i, lo: lo, hi: min(g.Offset+g.Size, lo+chunk)})
		}
	}
	return sp, nil
}

func checkLengths(params, grads []float32, st *State) error {
	if len(params) != len(grads) || len(params) != len(st.M) || len(params) != len(st.V) {
		return fmt.Errorf("optim: %d parameters, %d gradients, %d/%d moments", len(params), len(grads), len(st.M), len(st.V))
	}
	return nil
}

// lambUpdate is the direction u = m̂/(√v̂ + eps) + wd·w, taken from the
// moments as stored in float32 (as FusedLAMB, which computes in float32), so
// that the pass that applies it recomputes the very values whose norm gave
// the trust ratio; rbc1 and rbc2 are the reciprocal bias corrections.
func lambUpdate(m, v, w float32, rbc1, rbc2, eps, wd float64) float64 {
	return float64(m)*rbc1/(math.Sqrt(float64(v)*rbc2)+eps) + wd*float64(w)
}

// Step applies one LAMB update with learning rate lr to params from grads
// (which it leaves unchanged), and returns the global gradient norm before
// clipping. A non-finite gradient norm changes nothing and is returned, so
// that the caller can skip the step.
//
// It makes three passes, each over chunks on o.Threads goroutines: the
// gradient norm; the moments, with per-chunk Σw² and Σu²; and, for tensors
// with a trust ratio, the update, recomputed rather than kept, so that a
// step needs no buffer the size of a tensor. Tensors without one are updated
// in the second pass.
func (o LAMB) Step(params, grads []float32, st *State, groups []Group, lr float64) (float64, error) {
	if err := checkLengths(params, grads, st); err != nil {
		return 0, err
	}
	sp, err := spans(groups, len(params))
	if err != nil {
		return 0, err
	}
	gnorm := math.Sqrt(sumSquares(grads, o.Threads))
	if math.IsNaN(gnorm) || math.IsInf(gnorm, 0) {
		return gnorm, nil
	}
	rclip := 1.0
	if o.MaxGradNorm > 0 && gnorm > o.MaxGradNorm {
		rclip = o.MaxGradNorm / gnorm
	}
	st.Step++
	rbc1 := 1 / (1 - math.Pow(o.Beta1, float64(st.Step)))
	rbc2 := 1 / (1 - math.Pow(o.Beta2, float64(st.Step)))
	b1, b2, eps, wd := o.Beta1, o.Beta2, o.Eps, o.WeightDecay
	trust := func(g Group) bool { return g.Decay && wd != 0 }

	parallel(o.Threads, len(sp), func(k int) {
		s := &sp[k]
		g := groups[s.group]
		w, gr := params[s.lo:s.hi], grads[s.lo:s.hi]
		m, v := st.M[s.lo:s.hi], st.V[s.lo:s.hi]
		m, v, gr = m[:len(w)], v[:len(w)], gr[:len(w)] // no bounds checks below
		if !trust(g) {
			for i := range w {
				gi := float64(gr[i]) * rclip
				mi := float32(b1*float64(m[i]) + (1-b1)*gi)
				vi := float32(b2*float64(v[i]) + (1-b2)*gi*gi)
				m[i], v[i] = mi, vi
				w[i] = float32(float64(w[i]) - lr*lambUpdate(mi, vi, 0, rbc1, rbc2, eps, 0))
			}
			return
		}
		var wsq, usq float64
		for i := range w {
			gi, wi := float64(gr[i])*rclip, w[i]
			mi := float32(b1*float64(m[i]) + (1-b1)*gi)
			vi := float32(b2*float64(v[i]) + (1-b2)*gi*gi)
			m[i], v[i] = mi, vi
			u := lambUpdate(mi, vi, wi, rbc1, rbc2, eps, wd)
			wsq += float64(wi) * float64(wi)
			usq += u * u
		}
		s.wsq, s.usq = wsq, usq
	})

	// Trust ratios from the chunk sums in index order.
	ratio := make([]float64, len(groups))
	for k := 0; k < len(sp); {
		gi := sp[k].group
		var wsq, usq float64
		for ; k < len(sp) && sp[k].group == gi; k++ {
			wsq += sp[k].wsq
			usq += sp[k].usq
		}
		if trust(groups[gi]) {
			ratio[gi] = 1
			if wsq > 0 && usq > 0 {
				ratio[gi] = math.Sqrt(wsq) / math.Sqrt(usq)
			}
		}
	}

	parallel(o.Threads, len(sp), func(k int) {
		s := &sp[k]
		if !trust(groups[s.group]) {
			return
		}
		w := params[s.lo:s.hi]
		m, v := st.M[s.lo:s.hi], st.V[s.lo:s.hi]
		m, v = m[:len(w)], v[:len(w)]
		step := lr * ratio[s.group]
		for i := range w {
			wi := w[i]
			w[i] = float32(float64(wi) - step*lambUpdate(m[i], v[i], wi, rbc1, rbc2, eps, wd))
		}
	})
	return gnorm, nil
}

// AdamW holds the hyper-parameters of decoupled-weight-decay Adam as
// PyTorch's torch.optim.AdamW computes it (used for fine-tuning).
type AdamW struct {
	Beta1, Beta2, Eps, WeightDecay float64

	// Threads is how many goroutines a step uses, counting the caller;
	// 0 means runtime.GOMAXPROCS(0). Results do not depend on it.
	Threads int
}

// DefaultAdamW is the usual BERT fine-tuning setting.
var DefaultAdamW = AdamW{Beta1: 0.9, Beta2: 0.999, Eps: 1e-6, WeightDecay: 0.01}

// Step applies one AdamW update: w ← w·(1 − lr·wd) for decayed tensors,
// then w ← w − (lr/bc1)·m / (√v/√bc2 + eps). Every element is independent,
// so the chunks run on o.Threads goroutines in any order.
func (o AdamW) Step(params, grads []float32, st *State, groups []Group, lr float64) error {
	if err := checkLengths(params, grads, st); err != nil {
		return err
	}
	sp, err := spans(groups, len(params))
	if err != nil {
		return err
	}
	st.Step++
	stepSize := lr / (1 - math.Pow(o.Beta1, float64(st.Step)))
	rbc2 := 1 / math.Sqrt(1-math.Pow(o.Beta2, float64(st.Step)))
	b1, b2, eps := o.Beta1, o.Beta2, o.Eps
	parallel(o.Threads, len(sp), func(k int) {
		s := &sp[k]
		decay := 1.0
		if groups[s.group].Decay {
			decay = 1 - lr*o.WeightDecay
		}
		w, gr := params[s.lo:s.hi], grads[s.lo:s.hi]
		m, v := st.M[s.lo:s.hi], st.V[s.lo:s.hi]
		m, v, gr = m[:len(w)], v[:len(w)], gr[:len(w)]
		for i := range w {
			gi := float64(gr[i])
			mi := b1*float64(m[i]) + (1-b1)*gi
			vi := b2*float64(v[i]) + (1-b2)*gi*gi
			m[i], v[i] = float32(mi), float32(vi)
			w[i] = float32(float64(w[i])*decay - stepSize*mi/(math.Sqrt(vi)*rbc2+eps))
		}
	})
	return nil
}

// PolyWarmup is NVIDIA's BERT schedule: the rate rises linearly over the
// first warmup fraction of totalSteps, then falls as (1 − progress)^degree
// (degree 0.5). step counts updates done.
func PolyWarmup(base float64, step, totalSteps int64, warmup, degree float64) float64 {
	progress := float64(step) / float64(totalSteps)
	if progress < warmup {
		return base * progress / warmup
	}
	return base * math.Pow(math.Max(0, 1-progress), degree)
}

// LinearWarmup is HuggingFace's linear warm-up over warmupSteps, then a
// linear decay to zero at totalSteps.
func LinearWarmup(base float64, step, warmupSteps, totalSteps int64) float64 {
	if step < warmupSteps {
		return base * float64(step) / float64(max(1, warmupSteps))
	}
	return base * math.Max(0, float64(totalSteps-step)/float64(max(1, totalSteps-warmupSteps)))
}
