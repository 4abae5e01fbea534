// Package trainer runs BERT pretraining: the loop of NVIDIA's
// run_pretraining.py (micro-batches with gradient accumulation, LAMB or
// AdamW at a poly or linear warm-up schedule, a skipped update on a
// non-finite loss or gradient) over the batches of package loader, with
// checkpoints that make a run resumable exactly, and the held-out
// evaluation that cmd/eval prints.
//
// A training output directory holds
//
//	checkpoints/step-NNNNNNNN/   model.safetensors, config.json, vocab.txt (a HuggingFace
//	                             BertForPreTraining directory), optimizer.safetensors,
//	                             trainer_state.json, manifest.json
//	metrics.jsonl                one JSON object per update, and one per evaluation
//	manifest.json                written when the run reached its last step
//
// Exact resume: a checkpoint holds the weights and both optimizer moments
// in float32 (lossless), the optimizer's step, the schedule's step, the
// data loader's cursor (epoch and batch; the loader recomputes the epoch's
// order and the dynamic masks from the seed) and the micro-batch counter
// that keys dropout. With nothing else carrying state between updates,
// training N updates, stopping and resuming for M gives the same bytes as
// N+M updates in one go; TestResumeIsExact checks it.
//
// Checkpoints are directories written under a temporary name and renamed
// into place with their manifest inside, so a directory named step-N is
// always complete, whatever moment the process was killed at.
package trainer
