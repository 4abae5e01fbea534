// Package gemm multiplies single-precision matrices on the CPU without cgo.
//
// [Sgemm] follows the BLAS contract for row-major storage:
//
//	C = alpha·op(A)·op(B) + beta·C,   op(X) = X or Xᵀ
//
// where op(A) is m×k, op(B) is k×n and C is m×n, each stored row by row with
// a row stride (lda, ldb, ldc) that may exceed the row length, so submatrices
// can be passed without copying. For example, with alpha 1 and beta 0:
//
//	A (2×3)      B (3×2)      C = A·B (2×2)
//	1 2 3        1 0          4  5
//	4 5 6        0 1          10 11
//	             1 1
//
// The forward pass of a linear layer is C = A·Bᵀ (activations times the
// transposed weight), and its backward pass needs C = A·B for the input
// gradient and C += Aᵀ·B for the weight gradient; all four transposition
// patterns run through the same code.
//
// Variants serve a linear layer: [SgemmBias] adds a bias to every row of
// C inside the micro-kernel (the forward pass), and [SgemmBiasGrad] also
// sums the rows of op(A) while packing it (with op(A) = doutᵀ, the bias
// gradient next to the weight gradient); [SgemmGELU] and [SgemmGELUGrad]
// apply GELU, or multiply by its slope, on each tile of C as it is
// finished (gelu.go). [SgemmSerial] runs on the calling goroutine, for
// callers that parallelise many small products themselves.
//
// The implementation is the Goto/BLIS scheme. op(B) is packed in panels of
// kcBlock rows into column slivers nr wide, op(A) in blocks of
// mcBlock×kcBlock into row slivers mr tall (transposes and alpha are applied
// while packing), and a register-blocked micro-kernel multiplies one A sliver
// by one B sliver into an mr×nr tile of C. On amd64 with AVX2 and FMA the
// micro-kernel and the packing routines are written in assembly (6×16:
// twelve YMM accumulators), and an untransposed A with alpha 1 is read in
// place rather than packed; on other machines, or with the purego build
// tag, portable Go with the same blocking is used.
//
// Blocks of rows of C are spread over goroutines; when all of op(B) packed
// fits in wholeKFloats, it is packed once and each goroutine takes its rows
// through every k block without meeting the others in between. Each element
// of C is computed by exactly one goroutine and summed in a fixed order (k
// blocks in ascending order, and within a block p ascending), so results
// are bit-identical for any thread count.
package gemm
