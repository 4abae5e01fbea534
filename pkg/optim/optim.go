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

// LAMB holds the hyper-parameters of NVIDIA's FusedLAMB for BERT: betas
// (0.9, 0.999), eps 1e-6, weight decay 0.01 on decayed tensors, bias
// correction, and the gradients clipped to a global norm of 1 before the
// update. As in FusedLAMB with use_nvlamb=False, the trust ratio
// ‖w‖/‖u‖ applies to tensors with weight decay; the others take plain
// Adam steps.
type LAMB struct {
	Beta1, Beta2, Eps, WeightDecay, MaxGradNorm float64
}

// DefaultLAMB is NVIDIA's BERT pretraining setting.
var DefaultLAMB = LAMB{Beta1: 0.9, Beta2: 0.999, Eps: 1e-6, WeightDecay: 0.01, MaxGradNorm: 1.0}

// Norm returns the Euclidean norm of x, accumulated in float64.
func Norm(x []float32) float64 {
	var s float64
	for _, v := range x {
		s += float64(v) * float64(v)
	}
	return math.Sqrt(s)
}

// Step applies one LAMB update with learning rate lr to params from grads
// (which it leaves unchanged), and returns the global gradient norm before
// clipping. A non-finite gradient norm changes nothing and is returned, so
// that the caller can skip the step.
func (o LAMB) Step(params, grads []float32, st *State, groups []Group, lr float64) (float64, error) {
	if len(params) != len(grads) || len(params) != len(st.M) || len(params) != len(st.V) {
		return 0, fmt.Errorf("optim: %d parameters, %d gradients, %d/%d moments", len(params), len(grads), len(st.M), len(st.V))
	}
	gnorm := Norm(grads)
	if math.IsNaN(gnorm) || math.IsInf(gnorm, 0) {
		return gnorm, nil
	}
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
	return gnorm, nil
}

// AdamW holds the hyper-parameters of decoupled-weight-decay Adam as
// PyTorch's torch.optim.AdamW computes it (used for fine-tuning).
type AdamW struct {
	Beta1, Beta2, Eps, WeightDecay float64
}

// DefaultAdamW is the usual BERT fine-tuning setting.
var DefaultAdamW = AdamW{Beta1: 0.9, Beta2: 0.999, Eps: 1e-6, WeightDecay: 0.01}

// Step applies one AdamW update: w ← w·(1 − lr·wd) for decayed tensors,
// then w ← w − (lr/bc1)·m / (√v/√bc2 + eps).
func (o AdamW) Step(params, grads []float32, st *State, groups []Group, lr float64) error {
	if len(params) != len(grads) || len(params) != len(st.M) || len(params) != len(st.V) {
		return fmt.Errorf("optim: %d parameters, %d gradients, %d/%d moments", len(params), len(grads), len(st.M), len(st.V))
	}
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
