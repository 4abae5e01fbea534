package plot

import (
	"bytes"
	"fmt"
	"image/png"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"
)

// sampleMetrics is a made-up but plausible metrics.jsonl: 2,000 steps of
// noisy decaying losses, warm-up then linear-decay learning rate, an eval
// record every 200 steps, and a killed run's partial last line.
func sampleMetrics() []byte {
	rng := rand.New(rand.NewPCG(1, 2))
	var b bytes.Buffer
	const steps = 2000
	for step := 10; step <= steps; step += 10 {
		t := float64(step) / steps
		mlm := 1.8 + 8.5*math.Exp(-6*t) + 0.15*rng.NormFloat64()
		nsp := 0.12 + 0.57*math.Exp(-4*t) + 0.03*rng.NormFloat64()
		lr := 1e-4 * math.Min(float64(step)/200, (steps-float64(step))/(steps-200))
		acc := 0.65 * (1 - math.Exp(-4*t))
		fmt.Fprintf(&b, `{"step":%d,"loss":%.4f,"mlm_loss":%.4f,"nsp_loss":%.4f,"mlm_accuracy":%.4f,"nsp_accuracy":%.4f,"lr":%.6g,"grad_norm":%.3f,"seq_per_s":%.1f,"phase":"phase1"}`+"\n",
			step, mlm+nsp, mlm, nsp, acc+0.02*rng.NormFloat64(), 0.95-0.45*math.Exp(-5*t), lr, 1+3*math.Exp(-3*t)+0.2*rng.Float64(), 190+15*rng.NormFloat64())
		if step%200 == 0 {
			fmt.Fprintf(&b, `{"step":%d,"eval_mlm_loss":%.4f,"eval_nsp_loss":%.4f,"eval_mlm_accuracy":%.4f,"eval_nsp_accuracy":%.4f}`+"\n",
				step, 1.9+8.5*math.Exp(-6*t), 0.14+0.55*math.Exp(-4*t), 0.63*(1-math.Exp(-4*t)), 0.94-0.44*math.Exp(-5*t))
		}
	}
	b.WriteString(`{"step":2010,"loss":2.0`)
	return b.Bytes()
}

// TestWriteSample renders the standard figure of sampleMetrics to a file and
// reads it back, as `train plot` does.
func TestWriteSample(t *testing.T) {
	m, err := ReadMetrics(bytes.NewReader(sampleMetrics()))
	if err != nil {
		t.Fatal(err)
	}
	name := filepath.Join(t.TempDir(), "plot-sample.png")
	f, err := os.Create(name)
	if err != nil {
		t.Fatal(err)
	}
	if err := Render(f, "bert-base phase 1", TrainingPanels(m), 0, 0); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	f, err = os.Open(name)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	cfg, err := png.DecodeConfig(f)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Width != DefaultWidth || cfg.Height != DefaultHeight {
		t.Errorf("%s is %d×%d, want %d×%d", name, cfg.Width, cfg.Height, DefaultWidth, DefaultHeight)
	}
}
