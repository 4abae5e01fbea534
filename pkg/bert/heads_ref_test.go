package bert

import (
	"encoding/json"
	"math"
	"os"
	"testing"

	"github.com/bertline/bertline/pkg/safetensors"
)

// testdata/gen/heads_ref.py puts HuggingFace's question-answering and
// sequence-classification heads, written with torch.nn.functional, on the
// encoder of tiny_ref.py and records in float64 their logits, losses and
// the gradient of every parameter for the reference batch.

const headsRef = "testdata/heads_ref.safetensors"

// TestHeadsMatchPyTorch runs each head on the reference weights and batch
// and compares logits, loss and gradients with PyTorch's.
func TestHeadsMatchPyTorch(t *testing.T) {
	data, err := os.ReadFile("testdata/heads_ref.json")
	if err != nil {
		t.Fatal(err)
	}
	var ref struct {
		Targets struct {
			Start, End, Labels []int32
			Scores             []float32
		}
		Losses map[string]float64
	}
	if err := json.Unmarshal(data, &ref); err != nil {
		t.Fatal(err)
	}
	f, err := safetensors.Open(headsRef)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	for _, tc := range []struct {
		name   string
		head   Head
		labels int
	}{{"qa", QuestionAnswering, 0}, {"cls", SequenceClassification, 3}, {"reg", SequenceClassification, 1}} {
		t.Run(tc.name, func(t *testing.T) {
			m, b := tinyWithHead(t, tc.head, tc.labels)
			p := m.Params
			for _, tn := range p.Tensors[len(p.Tensors)-2:] {
				if err := f.ReadFloat32(tc.name+"."+tn.Name, p.Data[tn.Offset:][:tn.Size]); err != nil {
					t.Fatal(err)
				}
			}
			if tc.head == SequenceClassification {
				for _, name := range []string{"bert.pooler.dense.weight", "bert.pooler.dense.bias"} {
					if err := f.ReadFloat32(tc.name+"."+name, p.Tensor(name)); err != nil {
						t.Fatal(err)
					}
				}
			}
			switch tc.name {
			case "qa":
				b.StartPositions, b.EndPositions = ref.Targets.Start, ref.Targets.End
			case "cls":
				b.Labels = ref.Targets.Labels
			case "reg":
				b.Scores = ref.Targets.Scores
			}
			m.ZeroGrad()
			l, err := m.Forward(b)
			if err != nil {
				t.Fatal(err)
			}
			if e := relErr(float64(l.Total), ref.Losses[tc.name]); e > 1e-5 {
				t.Errorf("loss %.8g, PyTorch %.8g", l.Total, ref.Losses[tc.name])
			}
			var got []float32
			if tc.head == QuestionAnswering {
				start, end := m.SpanLogits()
				got = append(append(got, start[:b.B*b.T]...), end[:b.B*b.T]...)
			} else {
				got = m.ClassLogits()[:b.B*tc.labels]
			}
			want := readRef(t, f, "expect."+tc.name+".logits", len(got))
			for i := range want {
				if math.Abs(float64(got[i]-want[i])) > 1e-5 {
					t.Fatalf("logit %d: %g, PyTorch %g", i, got[i], want[i])
				}
			}
			m.Backward(b)
			for _, tn := range p.Tensors {
				inner := tn.Size / tn.Shape[0]
				want := readRef(t, f, "grad."+tc.name+"."+tn.Name, tn.Rows*inner)
				var diff, norm float64
				for i, w := range want {
					diff += math.Pow(float64(m.Grads[tn.Offset+i]-w), 2)
					norm += float64(w) * float64(w)
				}
				// Key biases have a zero gradient; compare them absolutely.
				if e := math.Sqrt(diff) / max(math.Sqrt(norm), 1e-2); e > 1e-4 {
					t.Errorf("%s: gradient differs from PyTorch by %.2g of its norm %.3g", tn.Name, e, math.Sqrt(norm))
				}
			}
		})
	}
}
