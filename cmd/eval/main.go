// Command eval: masked-LM/NSP accuracy of pretrained checkpoints, and SQuAD/GLUE metrics.
//
// This stage is not built yet; it prints its help. See docs/ARCHITECTURE.md
// for where it sits in the chain.
package main

import "github.com/bertline/bertline/pkg/cli"

var program = &cli.Program{
	Name:    "eval",
	Summary: "masked-LM/NSP accuracy of pretrained checkpoints, and SQuAD/GLUE metrics (not built yet)",
}

func main() { cli.Main(program) }
