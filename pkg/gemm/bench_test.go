package gemm

import (
	"fmt"
	"math/rand/v2"
	"testing"
)

// BenchmarkSgemm times the BERT-base shapes (B·T = 4096 tokens, C = 768,
// 4C = 3072) in the patterns a linear layer needs: forward C = X·Wᵀ,
// input gradient dX = dY·W, weight gradient dW += dYᵀ·X. It reports
// GFLOP/s (2·m·n·k per call).
func BenchmarkSgemm(b *testing.B) {
	shapes := [][3]int{{4096, 768, 768}, {4096, 3072, 768}, {4096, 768, 3072}}
	patterns := []struct {
		name           string
		transA, transB bool
		beta           float32
	}{
		{"NN", false, false, 0},
		{"NT", false, true, 0},
		{"TN", true, false, 1},
	}
	r := rand.New(rand.NewPCG(1, 1))
	for _, pt := range patterns {
		for _, s := range shapes {
			m, n, k := s[0], s[1], s[2]
			if pt.transA {
				// Weight gradient: op(A) = dYᵀ is out×tokens, op(B) = X is tokens×in.
				m, n, k = s[1], s[2], s[0]
			}
			b.Run(fmt.Sprintf("%s/%dx%dx%d", pt.name, m, n, k), func(b *testing.B) {
				p := newProblem(r, pt.transA, pt.transB, m, n, k, 1, pt.beta, 0)
				for b.Loop() {
					Sgemm(p.transA, p.transB, m, n, k, 1, p.a, p.lda, p.b, p.ldb, p.beta, p.c, p.ldc)
				}
				b.ReportMetric(2*float64(m)*float64(n)*float64(k)*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
			})
		}
	}
}

// BenchmarkSgemmThreads times the forward shape on 1 and 2 goroutines.
func BenchmarkSgemmThreads(b *testing.B) {
	defer SetThreads(0)
	r := rand.New(rand.NewPCG(3, 3))
	m, n, k := 4096, 768, 768
	p := newProblem(r, false, true, m, n, k, 1, 0, 0)
	for _, nt := range []int{1, 2} {
		b.Run(fmt.Sprint(nt), func(b *testing.B) {
			SetThreads(nt)
			for b.Loop() {
				Sgemm(p.transA, p.transB, m, n, k, 1, p.a, p.lda, p.b, p.ldb, p.beta, p.c, p.ldc)
			}
			b.ReportMetric(2*float64(m)*float64(n)*float64(k)*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
		})
	}
}

// BenchmarkKernel times the micro-kernel alone on one core: its ceiling.
func BenchmarkKernel(b *testing.B) {
	r := rand.New(rand.NewPCG(2, 2))
	a := randSlice(r, kcBlock*mr)
	bb := randSlice(r, kcBlock*nr)
	c := make([]float32, mr*nr)
	for _, k := range []struct {
		name string
		f    kernelFunc
	}{{"generic", kernelGeneric}, {"avx2", kernelAVX2}} {
		if k.name == "avx2" && !hasAVX2() {
			continue
		}
		b.Run(k.name, func(b *testing.B) {
			for b.Loop() {
				k.f(kcBlock, &a[0], &bb[0], &c[0], nr, 1, nil)
			}
			b.ReportMetric(2*mr*nr*kcBlock*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
		})
	}
}
