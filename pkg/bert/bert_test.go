package bert

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/bertline/bertline/pkg/safetensors"
)

// Parameter counts of the published models: HuggingFace reports
// 109,482,240 for bert-base-uncased's BertModel and 335,141,888 for
// bert-large-uncased's; BertForPreTraining adds the MLM transform and
// output bias and the NSP classifier.
func TestParameterCounts(t *testing.T) {
	for _, c := range []struct {
		preset         string
		model, withCLS int
	}{
		{"base", 109_482_240, 109_482_240 + 768*768 + 768 + 2*768 + 30522 + 2*768 + 2},
		{"large", 335_141_888, 335_141_888 + 1024*1024 + 1024 + 2*1024 + 30522 + 2*1024 + 2},
	} {
		cfg, err := Preset(c.preset, 30522)
		if err != nil {
			t.Fatal(err)
		}
		ts := Layout(cfg)
		model, all := 0, 0
		for _, tn := range ts {
			n := tn.Rows * (tn.Size / tn.Shape[0])
			all += n
			if strings.HasPrefix(tn.Name, "bert.") {
				model += n
			}
		}
		if model != c.model || all != c.withCLS {
			t.Errorf("%s: %d BertModel parameters and %d in all, want %d and %d", c.preset, model, all, c.model, c.withCLS)
		}
		if ts[0].Shape[0] != 30528 || ts[0].Rows != 30522 {
			t.Errorf("%s: word embeddings %v rows %d, want padding to 30528", c.preset, ts[0].Shape, ts[0].Rows)
		}
	}
}

func TestInit(t *testing.T) {
	cfg, _ := Preset("tiny", 1001)
	p, err := NewParams(cfg, 1)
	if err != nil {
		t.Fatal(err)
	}
	emb := p.Tensor("bert.embeddings.word_embeddings.weight")
	if len(emb) != 1008*128 {
		t.Fatalf("embeddings hold %d values", len(emb))
	}
	for _, x := range emb[1001*128:] {
		if x != 0 {
			t.Fatal("padded vocabulary rows are not zero")
		}
	}
	var sum, sq float64
	for _, x := range emb[:1001*128] {
		sum += float64(x)
		sq += float64(x) * float64(x)
	}
	n := float64(1001 * 128)
	if mean, std := sum/n, (sq/n - (sum/n)*(sum/n)); mean > 0.001 || mean < -0.001 || std < 0.0004*0.9 || std > 0.0004*1.1 {
		t.Errorf("embeddings mean %g variance %g, want ~0 and 0.02²", mean, std)
	}
	for _, name := range []string{"bert.embeddings.LayerNorm.weight", "cls.predictions.transform.LayerNorm.weight"} {
		for _, x := range p.Tensor(name) {
			if x != 1 {
				t.Fatalf("%s not initialised to 1", name)
			}
		}
	}
	for _, tn := range p.Tensors {
		// Google's _do_use_weight_decay excludes names with "LayerNorm" or "bias".
		if excluded := strings.Contains(tn.Name, "LayerNorm") || strings.Contains(tn.Name, "bias"); excluded == tn.Decay {
			t.Errorf("%s: decay %v", tn.Name, tn.Decay)
		}
	}
	q, _ := NewParams(cfg, 1)
	if !slices.Equal(p.Data, q.Data) {
		t.Error("same seed, different parameters")
	}
}

func TestCheckpointRoundTrip(t *testing.T) {
	dir := t.TempDir()
	vocab := filepath.Join(dir, "v.txt")
	os.WriteFile(vocab, []byte("[PAD]\n[UNK]\n[CLS]\n[SEP]\n[MASK]\na\nb\n"), 0o644)
	cfg, _ := Preset("tiny", 7)
	cfg.NumHiddenLayers = 1
	p, _ := NewParams(cfg, 3)
	if err := Save(dir, p, vocab); err != nil {
		t.Fatal(err)
	}
	loadedCfg, err := LoadConfig(filepath.Join(dir, ConfigName))
	if err != nil || loadedCfg != cfg {
		t.Fatalf("config round trip: %+v, %v", loadedCfg, err)
	}
	q, _ := NewParams(cfg, 99)
	rep, err := LoadWeights(filepath.Join(dir, WeightsName), q)
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Missing)+len(rep.Unexpected) != 0 {
		t.Fatalf("report %+v", rep)
	}
	if !slices.Equal(p.Data, q.Data) {
		t.Fatal("weights differ after a round trip")
	}
	f, err := safetensors.Open(filepath.Join(dir, WeightsName))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if f.Metadata()["format"] != "pt" {
		t.Error("no format=pt metadata: transformers would refuse the file")
	}
	if info, _ := f.Info("bert.embeddings.word_embeddings.weight"); info.Shape[0] != 7 {
		t.Errorf("saved embeddings shape %v, want 7 rows", info.Shape)
	}
}

// A Google-converted BertModel (no "bert." prefix, gamma/beta) loads, and the
// pretraining heads it lacks are reported missing.
func TestLoadOtherNames(t *testing.T) {
	cfg, _ := Preset("tiny", 7)
	cfg.NumHiddenLayers = 1
	src, _ := NewParams(cfg, 5)
	var tensors []safetensors.Tensor
	for _, tn := range src.Tensors {
		if !strings.HasPrefix(tn.Name, "bert.") {
			continue
		}
		name := strings.TrimPrefix(tn.Name, "bert.")
		if strings.Contains(name, "LayerNorm") {
			name = strings.Replace(strings.Replace(name, "LayerNorm.weight", "LayerNorm.gamma", 1), "LayerNorm.bias", "LayerNorm.beta", 1)
		}
		shape := []int64{int64(tn.Rows)}
		for _, d := range tn.Shape[1:] {
			shape = append(shape, int64(d))
		}
		inner := tn.Size / tn.Shape[0]
		tensors = append(tensors, safetensors.Tensor{Name: name, Shape: shape, Data: src.Data[tn.Offset : tn.Offset+tn.Rows*inner]})
	}
	tensors = append(tensors, safetensors.Tensor{Name: "extra.thing", Shape: []int64{1}, Data: []float32{1}})
	path := filepath.Join(t.TempDir(), "m.safetensors")
	if err := safetensors.Write(path, tensors, map[string]string{"format": "pt"}); err != nil {
		t.Fatal(err)
	}
	dst, _ := NewParams(cfg, 6)
	rep, err := LoadWeights(path, dst)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(rep.Unexpected, []string{"extra.thing"}) {
		t.Errorf("unexpected %q", rep.Unexpected)
	}
	for _, m := range rep.Missing {
		if strings.HasPrefix(m, "bert.") {
			t.Errorf("%s reported missing", m)
		}
	}
	if len(rep.Missing) == 0 {
		t.Error("the pretraining heads should be reported missing")
	}
	for _, tn := range src.Tensors {
		if strings.HasPrefix(tn.Name, "bert.") && !slices.Equal(src.Tensor(tn.Name), dst.Tensor(tn.Name)) {
			t.Errorf("%s not loaded", tn.Name)
		}
	}
	// A wrong shape is an error naming the tensor.
	bad := filepath.Join(t.TempDir(), "bad.safetensors")
	safetensors.Write(bad, []safetensors.Tensor{{Name: "bert.pooler.dense.bias", Shape: []int64{3}, Data: []float32{1, 2, 3}}}, nil)
	if _, err := LoadWeights(bad, dst); err == nil || !strings.Contains(err.Error(), "bert.pooler.dense.bias") {
		t.Errorf("wrong shape: %v", err)
	}
}

func TestPresetsAndValidate(t *testing.T) {
	for _, name := range PresetNames() {
		cfg, err := Preset(name, 30522)
		if err != nil || cfg.Validate() != nil {
			t.Errorf("%s: %v %v", name, err, cfg.Validate())
		}
	}
	if _, err := Preset("huge", 10); err == nil {
		t.Error("unknown preset accepted")
	}
	cfg, _ := Preset("tiny", 100)
	cfg.NumAttentionHeads = 3
	if cfg.Validate() == nil {
		t.Error("128 hidden with 3 heads accepted")
	}
}
