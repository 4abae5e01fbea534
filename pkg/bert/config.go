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

	// Head is the task head on the encoder, config.json's "architectures";
	// the zero value is Pretraining.
	Head Head `json:"-"`
	// NumLabels is the number of classes of a SequenceClassification head,
	// 1 for regression (STS-B); config.json's id2label and problem_type.
	NumLabels int `json:"-"`
}

// Head names a model's task head as HuggingFace's model classes do; it is
// what config.json lists under "architectures", and it decides which
// tensors Layout holds besides the encoder.
type Head string

const (
	// Pretraining is BertForPreTraining: pooler, masked-LM head (its
	// decoder tied to the word embeddings) and next-sentence classifier.
	Pretraining Head = "BertForPreTraining"
	// QuestionAnswering is BertForQuestionAnswering: a start and an end
	// logit per token from qa_outputs, a dense layer on the final hidden
	// states; no pooler.
	QuestionAnswering Head = "BertForQuestionAnswering"
	// SequenceClassification is BertForSequenceClassification: the pooler,
	// dropout and classifier, a dense layer to NumLabels logits
	// (cross-entropy), or to one score for regression (mean squared error).
	SequenceClassification Head = "BertForSequenceClassification"
)

// head returns c.Head with the zero value read as Pretraining.
func (c Config) head() Head {
	if c.Head == "" {
		return Pretraining
	}
	return c.Head
}

// WithHead returns c with another head; numLabels counts the classes of a
// SequenceClassification head (1: regression) and is ignored otherwise.
func (c Config) WithHead(h Head, numLabels int) Config {
	c.Head, c.NumLabels = h, 0
	if h == SequenceClassification {
		c.NumLabels = numLabels
	}
	return c
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
				MaxPositionEmbeddings: 512, TypeVocabSize: 2, InitializerRange: 0.02, LayerNormEps: 1e-12,
				Head: Pretraining}, nil
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
	var c Config
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
	case c.head() != Pretraining && c.head() != QuestionAnswering && c.head() != SequenceClassification:
		return fmt.Errorf("unknown head %q", c.Head)
	case c.head() == SequenceClassification && c.NumLabels < 1:
		return fmt.Errorf("a classification head needs at least one label, has %d", c.NumLabels)
	}
	return nil
}

// PaddedVocab is V: the vocabulary rounded up to a multiple of 8, so that
// the decoder GEMM has aligned rows. Padded rows are zero, never predicted,
// and absent from checkpoints.
func (c Config) PaddedVocab() int { return (c.VocabSize + 7) &^ 7 }

// JSON returns config.json as HuggingFace writes it for the model's head.
func (c Config) JSON() []byte {
	out, _ := json.MarshalIndent(c, "", "  ")
	return append(out, '\n')
}

// configFields is Config without its methods, for encoding/json.
type configFields Config

// MarshalJSON writes the BertConfig fields and what HuggingFace adds for
// the head: "architectures", and for classification "id2label",
// "label2id" and "problem_type" (regression with one label).
func (c Config) MarshalJSON() ([]byte, error) {
	b, err := json.Marshal(configFields(c))
	if err != nil {
		return nil, err
	}
	m := map[string]any{}
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, err
	}
	m["architectures"] = []string{string(c.head())}
	m["model_type"] = "bert"
	m["pad_token_id"] = 0
	m["position_embedding_type"] = "absolute"
	if c.head() == SequenceClassification {
		id2label, label2id := map[string]string{}, map[string]int{}
		for i := range c.NumLabels {
			name := fmt.Sprintf("LABEL_%d", i)
			id2label[fmt.Sprint(i)], label2id[name] = name, i
		}
		m["id2label"], m["label2id"] = id2label, label2id
		m["problem_type"] = "single_label_classification"
		if c.NumLabels == 1 {
			m["problem_type"] = "regression"
		}
	}
	return json.Marshal(m)
}

// UnmarshalJSON reads a HuggingFace or Google configuration. A missing
// layer_norm_eps, as in Google's files, is 1e-12, and a missing hidden_act
// gelu. The head is the first of "architectures" this package knows;
// anything else (BertModel, BertForMaskedLM, none) reads as Pretraining.
// The number of labels is that of id2label, or num_labels.
func (c *Config) UnmarshalJSON(data []byte) error {
	f := configFields{LayerNormEps: 1e-12, HiddenAct: "gelu"}
	if err := json.Unmarshal(data, &f); err != nil {
		return err
	}
	var extra struct {
		Architectures []string          `json:"architectures"`
		ID2Label      map[string]string `json:"id2label"`
		NumLabels     int               `json:"num_labels"`
	}
	if err := json.Unmarshal(data, &extra); err != nil {
		return err
	}
	*c = Config(f)
	c.Head, c.NumLabels = Pretraining, 0
	for _, a := range extra.Architectures {
		if h := Head(a); h == QuestionAnswering || h == SequenceClassification {
			c.Head = h
			break
		}
	}
	if c.Head == SequenceClassification {
		c.NumLabels = len(extra.ID2Label)
		if c.NumLabels == 0 {
			c.NumLabels = extra.NumLabels
		}
	}
	return nil
}
