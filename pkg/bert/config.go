package bert

import (
	"encoding/json"
	"fmt"
	"os"
	"slices"
	"strings"
)

// Config is a BERT configuration, read from and written to config.json with
// the field names of HuggingFace's BertConfig and Google's bert_config.json.
type Config struct {
	VocabSize                 int     `json:"vocab_size"`                   // tokens in vocab.txt
	HiddenSize                int     `json:"hidden_size"`                  // C
	NumHiddenLayers           int     `json:"num_hidden_layers"`            // L
	NumAttentionHeads         int     `json:"num_attention_heads"`          // NH; must divide C
	IntermediateSize          int     `json:"intermediate_size"`            // I, the feed-forward width (4C)
	HiddenAct                 string  `json:"hidden_act"`                   // "gelu" (the erf form)
	HiddenDropoutProb         float64 `json:"hidden_dropout_prob"`          // dropout after embeddings, attention output, FFN
	AttentionProbsDropoutProb float64 `json:"attention_probs_dropout_prob"` // dropout on attention probabilities
	MaxPositionEmbeddings     int     `json:"max_position_embeddings"`      // longest T
	TypeVocabSize             int     `json:"type_vocab_size"`              // segment ids (2)
	InitializerRange          float64 `json:"initializer_range"`            // std of the N(0, σ) initialisation
	LayerNormEps              float64 `json:"layer_norm_eps"`               // ε of every LayerNorm (1e-12)
}

// presets are the sizes of the BERT family: layers, hidden size, heads.
var presets = []struct {
	name     string
	l, c, nh int
}{
	{"tiny", 2, 128, 2},
	{"mini", 4, 256, 4},
	{"small", 4, 512, 8},
	{"medium", 8, 512, 8},
	{"base", 12, 768, 12},
	{"large", 24, 1024, 16},
}

// PresetNames lists the preset names in size order.
func PresetNames() []string {
	var names []string
	for _, p := range presets {
		names = append(names, p.name)
	}
	return names
}

// Preset returns the configuration of a named size (tiny, mini, small,
// medium, base, large) for a vocabulary of vocabSize tokens, with Google's
// defaults for everything else.
func Preset(name string, vocabSize int) (Config, error) {
	for _, p := range presets {
		if p.name == name {
			return Config{VocabSize: vocabSize, HiddenSize: p.c, NumHiddenLayers: p.l, NumAttentionHeads: p.nh,
				IntermediateSize: 4 * p.c, HiddenAct: "gelu", HiddenDropoutProb: 0.1, AttentionProbsDropoutProb: 0.1,
				MaxPositionEmbeddings: 512, TypeVocabSize: 2, InitializerRange: 0.02, LayerNormEps: 1e-12}, nil
		}
	}
	return Config{}, fmt.Errorf("bert: unknown model size %q (known: %s)", name, strings.Join(PresetNames(), ", "))
}

// LoadConfig reads a config.json (HuggingFace or Google). A missing
// layer_norm_eps, as in Google's files, is 1e-12.
func LoadConfig(path string) (Config, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return Config{}, fmt.Errorf("bert: %w", err)
	}
	c := Config{LayerNormEps: 1e-12, HiddenAct: "gelu"}
	if err := json.Unmarshal(data, &c); err != nil {
		return Config{}, fmt.Errorf("bert: %s: %w", path, err)
	}
	if err := c.Validate(); err != nil {
		return Config{}, fmt.Errorf("bert: %s: %w", path, err)
	}
	return c, nil
}

// Validate reports a configuration the model cannot run.
func (c Config) Validate() error {
	switch {
	case c.VocabSize < 5:
		return fmt.Errorf("vocab_size %d: too small for the special tokens", c.VocabSize)
	case c.HiddenSize < 1 || c.NumHiddenLayers < 1 || c.NumAttentionHeads < 1 || c.IntermediateSize < 1:
		return fmt.Errorf("hidden_size, num_hidden_layers, num_attention_heads and intermediate_size must be positive")
	case c.HiddenSize%c.NumAttentionHeads != 0:
		return fmt.Errorf("hidden_size %d is not a multiple of num_attention_heads %d", c.HiddenSize, c.NumAttentionHeads)
	case !slices.Contains([]string{"gelu", "gelu_new", "gelu_python"}, c.HiddenAct):
		return fmt.Errorf("hidden_act %q: only gelu (the erf form) is supported", c.HiddenAct)
	case c.MaxPositionEmbeddings < 1 || c.TypeVocabSize < 1:
		return fmt.Errorf("max_position_embeddings and type_vocab_size must be positive")
	case c.HiddenDropoutProb < 0 || c.HiddenDropoutProb >= 1 || c.AttentionProbsDropoutProb < 0 || c.AttentionProbsDropoutProb >= 1:
		return fmt.Errorf("dropout probabilities must be in [0, 1)")
	case c.LayerNormEps <= 0 || c.InitializerRange <= 0:
		return fmt.Errorf("layer_norm_eps and initializer_range must be positive")
	}
	return nil
}

// PaddedVocab is V: the vocabulary rounded up to a multiple of 8, so that
// the decoder GEMM has aligned rows. Padded rows are zero, never predicted,
// and absent from checkpoints.
func (c Config) PaddedVocab() int { return (c.VocabSize + 7) &^ 7 }

// JSON returns config.json as HuggingFace writes it for BertForPreTraining.
func (c Config) JSON() []byte {
	m := map[string]any{}
	b, _ := json.Marshal(c)
	json.Unmarshal(b, &m)
	m["architectures"] = []string{"BertForPreTraining"}
	m["model_type"] = "bert"
	m["pad_token_id"] = 0
	m["position_embedding_type"] = "absolute"
	out, _ := json.MarshalIndent(m, "", "  ")
	return append(out, '\n')
}
