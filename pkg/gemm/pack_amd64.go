//go:build amd64 && !purego

package gemm

func init() {
	if hasAVX2() {
		packA6N, packA6T, packB16N, packB16T = packA6NFast, packA6TFast, packB16NFast, packB16TFast
		packA6TSum = packA6TSumFast
	}
}

//go:noescape
func packA6NAVX(dst, src *float32, lda, kc int, alpha float32)

//go:noescape
func packA6TAVX(dst, src *float32, lda, kc int, alpha float32)

//go:noescape
func packA6TSumAVX(dst, src *float32, lda, kc int, alpha float32, sums *float64)

//go:noescape
func packB16NAVX(dst, src *float32, ldb, kc int)

//go:noescape
func packB16TAVX(dst, src *float32, ldb, kc int)

// The fast packers check the slices as the generic ones index them, run
// the assembly on the steps it handles and the generic code on the rest.

func packA6NFast(dst, src []float32, lda, kc int, alpha float32) {
	_, _ = dst[:kc*mr], src[:(mr-1)*lda+kc]
	kv := kc &^ 7
	if kv > 0 {
		packA6NAVX(&dst[0], &src[0], lda, kv, alpha)
	}
	if kv < kc {
		packA6NGeneric(dst[kv*mr:], src[kv:], lda, kc-kv, alpha)
	}
}

func packA6TFast(dst, src []float32, lda, kc int, alpha float32) {
	_, _ = dst[:kc*mr], src[:(kc-1)*lda+mr]
	packA6TAVX(&dst[0], &src[0], lda, kc, alpha)
}

func packA6TSumFast(dst, src []float32, lda, kc int, alpha float32, sums []float64) {
	_, _, _ = dst[:kc*mr], src[:(kc-1)*lda+mr], sums[:mr]
	packA6TSumAVX(&dst[0], &src[0], lda, kc, alpha, &sums[0])
}

func packB16NFast(dst, src []float32, ldb, kc int) {
	_, _ = dst[:kc*nr], src[:(kc-1)*ldb+nr]
	packB16NAVX(&dst[0], &src[0], ldb, kc)
}

func packB16TFast(dst, src []float32, ldb, kc int) {
	_, _ = dst[:kc*nr], src[:(nr-1)*ldb+kc]
	kv := kc &^ 7
	if kv > 0 {
		packB16TAVX(&dst[0], &src[0], ldb, kv)
	}
	if kv < kc {
		packB16TGeneric(dst[kv*nr:], src[kv:], ldb, kc-kv)
	}
}
