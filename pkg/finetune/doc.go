// Package finetune connects the task packages to the model: it turns
// SQuAD and GLUE features into the batches that pkg/trainer's FineTune and
// Predict take, and model outputs back into the tasks' predictions.
//
//	squad.Features ─SQuAD→ trainer.Dataset ─FineTune→ checkpoint
//	checkpoint ─PredictSQuAD→ []squad.Prediction ─squad.EvaluateV1/V2→ EM, F1
//	glue.Features ─GLUE→ trainer.Dataset ─FineTune→ checkpoint
//	checkpoint ─PredictGLUE→ classes or scores ─Task.Evaluate*→ metrics
//
// SQuAD batches are padded to the full sequence length, as run_squad.py
// pads them: the span loss and the n-best search run over every position,
// padding included, so padding changes the numbers. GLUE batches are
// padded only to their longest feature: the classifier reads [CLS], which
// attends to no padding, so the result is that of padding to the full
// length, and shorter batches are faster.
package finetune
