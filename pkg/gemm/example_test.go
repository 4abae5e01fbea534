package gemm_test

import (
	"fmt"

	"github.com/bertline/bertline/pkg/gemm"
)

func ExampleSgemm() {
	a := []float32{ // 2×3
		1, 2, 3,
		4, 5, 6,
	}
	b := []float32{ // 3×2
		1, 0,
		0, 1,
		1, 1,
	}
	c := make([]float32, 2*2)
	gemm.Sgemm(false, false, 2, 2, 3, 1, a, 3, b, 2, 0, c, 2)
	fmt.Println(c)

	// The same product with B stored transposed (2×3), accumulated: C += A·(Bᵀ)ᵀ.
	bt := []float32{
		1, 0, 1,
		0, 1, 1,
	}
	gemm.Sgemm(false, true, 2, 2, 3, 1, a, 3, bt, 3, 1, c, 2)
	fmt.Println(c)
	// Output:
	// [4 5 10 11]
	// [8 10 20 22]
}
