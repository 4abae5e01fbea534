//go:build amd64 && !purego

package gemm

import "golang.org/x/sys/cpu"

func init() {
	if cpu.X86.HasAVX2 && cpu.X86.HasFMA {
		microKernel = kernelAVX2
		directKernel = kernelAVX2Direct
	}
}

// kernelAVX2 is the 6×16 AVX2+FMA micro-kernel; see kernelFunc.
//
//go:noescape
func kernelAVX2(kc int, a, b, c *float32, ldc int, accumulate int, bias *float32)

// kernelAVX2Direct is kernelAVX2 reading A in place; see directKernelFunc.
//
//go:noescape
func kernelAVX2Direct(kc int, a *float32, lda int, b, c *float32, ldc int, accumulate int, bias *float32)

// hasAVX2 reports whether kernelAVX2 can run on this machine.
func hasAVX2() bool { return cpu.X86.HasAVX2 && cpu.X86.HasFMA }
