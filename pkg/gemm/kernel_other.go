//go:build !amd64 || purego

package gemm

// kernelAVX2 is absent on this platform; hasAVX2 reports false so it is
// never called.
func kernelAVX2(kc int, a, b, c *float32, ldc int, accumulate int) {
	kernelGeneric(kc, a, b, c, ldc, accumulate)
}

func hasAVX2() bool { return false }
