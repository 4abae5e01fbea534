// Package bert holds the BERT model of bertline: its configuration, the
// table of its parameters in one buffer, and checkpoints in HuggingFace's
// layout; and Model, the forward and backward passes on the CPU of BERT
// with one of three heads (Config.Head, HuggingFace's class names):
//
//	BertForPreTraining        Batch{..., MaskedPos, MaskedIDs, NSPLabels} → Losses{MLM, NSP, Total}
//	BertForQuestionAnswering  Batch{..., StartPositions, EndPositions}    → Losses{Total}, SpanLogits
//	BertForSequenceClassification Batch{..., Labels or Scores}           → Losses{Total}, ClassLogits
//
//	Batch{InputIDs, TokenTypes, Mask, targets}
//	  → Forward → Losses
//	  → Backward → Model.Grads += ∂Total/∂Params.Data
//
// The encoder is shared; the heads differ in the tensors after it (Layout),
// so a pretraining checkpoint loads into a fine-tuning model, the new
// head initialised as BERT initialises it.
//
// Model.Dropout switches on BERT's dropout for training (its zero value,
// none, is evaluation). Its masks are not drawn from a random stream but
// computed by Philox4x32-10 from (seed, step, site, element index), so
// they do not depend on the thread count, a repeated Forward of the same
// step sees the same masks (which is what the gradient checks rely on),
// and a GPU kernel can reproduce them bit for bit. Backward takes back the
// masks of the last Forward.
//
// Dimension legend, used by every doc comment of the package:
//
//	B  batch size            T  sequence length       C  hidden size
//	NH attention heads       HS head size (C/NH)      I  intermediate size
//	V  vocabulary size, padded to a multiple of 8 inside the model
//	L  layers                P  masked positions of a batch
//
// All parameters live in one []float32 (Params.Data); Params.Tensors names
// every slice of it with its HuggingFace BertForPreTraining name and shape,
// so that checkpoints, gradients and optimizer state share one layout, as
// llm.c does. Linear weights are stored [out, in], as PyTorch stores them,
// so a checkpoint is copied, not transposed.
//
// Dense layers and attention run on pkg/gemm (a linear layer's bias and
// bias gradient inside its GEMMs); the other kernels split their rows over
// GOMAXPROCS goroutines so that each output is computed by one goroutine
// in a fixed order: results do not depend on the thread count. exp and
// GELU are float32-accurate approximations (fastmath.go), not package
// math's float64 functions.
//
// BenchmarkTrainStep (pretraining) and BenchmarkSquadStep (SQuAD
// fine-tuning) with testdata/gen/bench_torch.py time a training step here
// and in PyTorch (pipelines/bench-train.sh runs both).
package bert
