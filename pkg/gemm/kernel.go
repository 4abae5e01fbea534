package gemm

import "unsafe"

// Register tile of the micro-kernel: mr rows of C by nr columns.
const (
	mr = 6
	nr = 16
)

// kernelFunc multiplies the packed A sliver a (kc×mr, mr values per p) by
// the packed B sliver b (kc×nr, nr values per p) and writes the mr×nr result
// to c with row stride ldc. If accumulate is nonzero the result is added to
// c, otherwise c is overwritten without being read (so garbage, NaN included,
// in c is ignored), after bias [nr], when not nil, is added to each row of
// the result (bias is ignored when accumulating). kc must be at least 1.
type kernelFunc func(kc int, a, b, c *float32, ldc int, accumulate int, bias *float32)

// microKernel is the micro-kernel Sgemm uses; it is set by the platform file.
var microKernel kernelFunc = kernelGeneric

// directKernelFunc is kernelFunc with A read in place rather than packed:
// a points at op(A)[i][p0] of a row-major, untransposed A with row stride
// lda, and the sliver's mr rows follow at a+lda, a+2·lda, .... It must
// give the bits kernelFunc gives on the same sliver packed with alpha 1.
type directKernelFunc func(kc int, a *float32, lda int, b, c *float32, ldc int, accumulate int, bias *float32)

// directKernel, when set by the platform file, lets Sgemm skip packing A
// (alpha 1, A not transposed): the A block is read in place, where packing
// would read it from memory and write it to L2 first. With n = 256, as in
// BERT-mini's dense layers, that copy is made for every 256 columns of C.
var directKernel directKernelFunc

// kernelDirectGeneric is the portable direct kernel, for the tests: it
// packs the sliver and calls kernelGeneric. kc must not exceed kcBlock.
func kernelDirectGeneric(kc int, a *float32, lda int, b, c *float32, ldc int, accumulate int, bias *float32) {
	var packed [mr * kcBlock]float32
	packA6NGeneric(packed[:], unsafe.Slice(a, (mr-1)*lda+kc), lda, kc, 1)
	kernelGeneric(kc, &packed[0], b, c, ldc, accumulate, bias)
}

// kernelGeneric is the portable micro-kernel. Each output element is summed
// over p in ascending order, as the assembly kernel does, although the
// rounding may differ where the assembly kernel fuses multiply and add.
func kernelGeneric(kc int, a, b, c *float32, ldc int, accumulate int, bias *float32) {
	as := unsafe.Slice(a, kc*mr)
	bs := unsafe.Slice(b, kc*nr)
	cs := unsafe.Slice(c, (mr-1)*ldc+nr)
	var bv [nr]float32
	if bias != nil && accumulate == 0 {
		bv = *(*[nr]float32)(unsafe.Pointer(bias))
	}
	// Two columns at a time keep twelve accumulators in registers.
	for j := 0; j < nr; j += 2 {
		var c00, c01, c10, c11, c20, c21, c30, c31, c40, c41, c50, c51 float32
		for p := range kc {
			ap := (*[mr]float32)(as[p*mr:])
			bp := (*[2]float32)(bs[p*nr+j:])
			b0, b1 := bp[0], bp[1]
			c00 += ap[0] * b0
			c01 += ap[0] * b1
			c10 += ap[1] * b0
			c11 += ap[1] * b1
			c20 += ap[2] * b0
			c21 += ap[2] * b1
			c30 += ap[3] * b0
			c31 += ap[3] * b1
			c40 += ap[4] * b0
			c41 += ap[4] * b1
			c50 += ap[5] * b0
			c51 += ap[5] * b1
		}
		t := [mr][2]float32{{c00, c01}, {c10, c11}, {c20, c21}, {c30, c31}, {c40, c41}, {c50, c51}}
		for i := range mr {
			ci := (*[2]float32)(cs[i*ldc+j:])
			if accumulate != 0 {
				ci[0] += t[i][0]
				ci[1] += t[i][1]
			} else {
				ci[0] = t[i][0] + bv[j]
				ci[1] = t[i][1] + bv[j+1]
			}
		}
	}
}
