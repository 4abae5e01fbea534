//go:build amd64 && !purego

package gemm

import "golang.org/x/sys/cpu"

func init() {
	if cpu.X86.HasAVX2 && cpu.X86.HasFMA {
		microKernel = kernelAVX2
	}
}

// kernelAVX2 is the 6×16 AVX2+FMA micro-kernel; see kernelFunc.
//
//go:noescape
func kernelAVX2(kc int, a, b, c *float32, ldc int, accumulate int)

// hasAVX2 reports whether kernelAVX2 can run on this machine.
func hasAVX2() bool { return cpu.X86.HasAVX2 && cpu.X86.HasFMA }
