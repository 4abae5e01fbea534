//go:build !amd64 || purego

package gemm

// kernelAVX2 is absent on this platform; hasAVX2 reports false so it is
// never called.
func kernelAVX2(kc int, a, b, c *float32, ldc int, accumulate int, bias *float32) {
	kernelGeneric(kc, a, b, c, ldc, accumulate, bias)
}

// kernelAVX2Direct is absent on this platform, like kernelAVX2.
func kernelAVX2Direct(kc int, a *float32, lda int, b, c *float32, ldc int, accumulate int, bias *float32) {
	kernelDirectGeneric(kc, a, lda, b, c, ldc, accumulate, bias)
}

func hasAVX2() bool { return false }
