// Command train: BERT pretraining and fine-tuning from Arrow shards, on CPU or CUDA GPUs.
//
// This stage is not built yet; it prints its help. See docs/ARCHITECTURE.md
// for where it sits in the chain.
package main

import "github.com/bertline/bertline/pkg/cli"

var program = &cli.Program{
	Name:    "train",
	Summary: "BERT pretraining and fine-tuning from Arrow shards, on CPU or CUDA GPUs (not built yet)",
}

func main() { cli.Main(program) }
