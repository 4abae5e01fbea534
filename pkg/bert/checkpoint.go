package bert

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/bertline/bertline/pkg/atomicfile"
	"github.com/bertline/bertline/pkg/safetensors"
)

// Checkpoint file names inside a checkpoint directory; the directory loads
// in HuggingFace transformers (BertForPreTraining.from_pretrained, or the
// class of the model's head).
const (
	WeightsName = "model.safetensors"
	ConfigName  = "config.json"
	VocabName   = "vocab.txt"
)

// SaveWeights writes p to dir/model.safetensors with HuggingFace names and
// [out, in] layouts, vocabulary padding removed, the decoder weight left to
// its tie with the word embeddings, and the metadata transformers requires.
func SaveWeights(dir string, p *Params) error {
	tensors := make([]safetensors.Tensor, 0, len(p.Tensors))
	for _, t := range p.Tensors {
		inner := t.Size / t.Shape[0]
		shape := make([]int64, len(t.Shape))
		for i, d := range t.Shape {
			shape[i] = int64(d)
		}
		shape[0] = int64(t.Rows)
		tensors = append(tensors, safetensors.Tensor{Name: t.Name, Shape: shape,
			Data: p.Data[t.Offset : t.Offset+t.Rows*inner]})
	}
	return safetensors.Write(filepath.Join(dir, WeightsName), tensors, map[string]string{"format": "pt"})
}

// Save writes a checkpoint directory: weights, config.json and a copy of
// the vocabulary. dir must exist.
func Save(dir string, p *Params, vocabPath string) error {
	if err := SaveWeights(dir, p); err != nil {
		return err
	}
	if err := atomicfile.WriteFile(filepath.Join(dir, ConfigName), p.Config.JSON()); err != nil {
		return err
	}
	vocab, err := os.ReadFile(vocabPath)
	if err != nil {
		return fmt.Errorf("bert: %w", err)
	}
	return atomicfile.WriteFile(filepath.Join(dir, VocabName), vocab)
}

// LoadReport lists the tensors a checkpoint lacked (left as initialised)
// and those it had that the model does not use.
type LoadReport struct {
	Missing    []string
	Unexpected []string
}

// LoadWeights reads the tensors of a safetensors file into p, mapping the
// names of Google and HuggingFace exports. Heads need not match: a
// pretraining checkpoint loads into a question-answering model, its
// cls.* tensors reported as unexpected and qa_outputs as missing. A tensor whose shape differs from
// the model's is an error naming both shapes.
func LoadWeights(path string, p *Params) (*LoadReport, error) {
	f, err := safetensors.Open(path)
	if err != nil {
		return nil, fmt.Errorf("bert: %w", err)
	}
	defer f.Close()
	seen := map[string]bool{}
	rep := &LoadReport{}
	for _, info := range f.Tensors() {
		name := info.Name
		switch {
		case strings.HasSuffix(name, ".gamma"):
			name = strings.TrimSuffix(name, ".gamma") + ".weight"
		case strings.HasSuffix(name, ".beta"):
			name = strings.TrimSuffix(name, ".beta") + ".bias"
		}
		if !strings.HasPrefix(name, "bert.") && !strings.HasPrefix(name, "cls.") &&
			!strings.HasPrefix(name, "qa_outputs.") && !strings.HasPrefix(name, "classifier.") {
			name = "bert." + name
		}
		switch name {
		case "cls.predictions.decoder.weight":
			continue // tied to the word embeddings
		case "cls.predictions.decoder.bias":
			name = "cls.predictions.bias"
		case "bert.embeddings.position_ids":
			continue // a buffer some exports include
		}
		t, ok := p.Lookup(name)
		if !ok {
			rep.Unexpected = append(rep.Unexpected, info.Name)
			continue
		}
		if seen[name] {
			continue
		}
		want := slices.Clone(t.Shape)
		want[0] = t.Rows
		if !sameShape(info.Shape, want) {
			return nil, fmt.Errorf("bert: %s: tensor %s has shape %v, the model needs %v", path, info.Name, info.Shape, want)
		}
		inner := t.Size / t.Shape[0]
		if err := f.ReadFloat32(info.Name, p.Data[t.Offset:t.Offset+t.Rows*inner]); err != nil {
			return nil, fmt.Errorf("bert: %w", err)
		}
		seen[name] = true
	}
	for _, t := range p.Tensors {
		if !seen[t.Name] {
			rep.Missing = append(rep.Missing, t.Name)
		}
	}
	return rep, nil
}

func sameShape(a []int64, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != int64(b[i]) {
			return false
		}
	}
	return true
}
