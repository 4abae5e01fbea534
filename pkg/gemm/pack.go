package gemm

// Full slivers (mr rows of A, nr columns of B) go through these packers,
// which the platform file may replace with vector code; partial slivers at
// the edges are packed by packA and packB themselves. Each takes kc ≥ 1.
var (
	// packA6N: dst[p·mr+r] = alpha·src[r·lda+p] (rows of A, contiguous in p).
	packA6N = packA6NGeneric
	// packA6T: dst[p·mr+r] = alpha·src[p·lda+r] (Aᵀ stored: rows side by side).
	packA6T = packA6TGeneric
	// packA6TSum: packA6T, also adding Σ_p src[p·lda+r] (a float64 sum
	// from zero in p order) to sums[r].
	packA6TSum = packA6TSumGeneric
	// packB16N: dst[p·nr+j] = src[p·ldb+j] (B stored: columns side by side).
	packB16N = packB16NGeneric
	// packB16T: dst[p·nr+j] = src[j·ldb+p] (Bᵀ stored: columns contiguous in p).
	packB16T = packB16TGeneric
)

func packA6NGeneric(dst, src []float32, lda, kc int, alpha float32) {
	d := dst[:kc*mr]
	for r := range mr {
		for p, v := range src[r*lda:][:kc] {
			d[p*mr+r] = alpha * v
		}
	}
}

func packA6TGeneric(dst, src []float32, lda, kc int, alpha float32) {
	for p := range kc {
		s := (*[mr]float32)(src[p*lda:])
		d := (*[mr]float32)(dst[p*mr:])
		for r, v := range s {
			d[r] = alpha * v
		}
	}
}

func packA6TSumGeneric(dst, src []float32, lda, kc int, alpha float32, sums []float64) {
	var s [mr]float64
	for p := range kc {
		v := (*[mr]float32)(src[p*lda:])
		d := (*[mr]float32)(dst[p*mr:])
		for r, x := range v {
			s[r] += float64(x)
			d[r] = alpha * x
		}
	}
	for r := range s {
		sums[r] += s[r]
	}
}

func packB16NGeneric(dst, src []float32, ldb, kc int) {
	for p := range kc {
		copy(dst[p*nr:][:nr], src[p*ldb:][:nr])
	}
}

func packB16TGeneric(dst, src []float32, ldb, kc int) {
	d := dst[:kc*nr]
	for j := range nr {
		for p, v := range src[j*ldb:][:kc] {
			d[p*nr+j] = v
		}
	}
}

// packA copies rows [i0, i0+mc) and columns [p0, p0+kc) of op(A), scaled by
// alpha, into dst as slivers of mr rows: sliver s holds, for p = 0..kc-1, the
// mr values op(A)[i0+s·mr+r][p0+p], and starts at dst[s·mr·kc]. Rows past
// i0+mc are zero, so the micro-kernel can always work on full slivers.
// When sums [mc] is not nil, the rows' sums over the kc columns (before
// alpha; float64 from zero in p order) are added to it.
func packA(dst []float32, transA bool, a []float32, lda, i0, mc, p0, kc int, alpha float32, sums []float64) {
	for ir := 0; ir < mc; ir += mr {
		rows := min(mr, mc-ir)
		d := dst[ir*kc : ir*kc+kc*mr]
		if !transA {
			// op(A)[i][p] = a[i·lda+p]: each row is contiguous in p.
			if sums != nil {
				addRowSums(sums[ir:][:rows], a, lda, i0+ir, p0, kc)
			}
			if rows == mr {
				packA6N(d, a[(i0+ir)*lda+p0:], lda, kc, alpha)
				continue
			}
			for r := range rows {
				src := a[(i0+ir+r)*lda+p0:][:kc]
				for p, v := range src {
					d[p*mr+r] = alpha * v
				}
			}
			for r := rows; r < mr; r++ {
				for p := range kc {
					d[p*mr+r] = 0
				}
			}
			continue
		}
		// op(A)[i][p] = a[p·lda+i]: each p holds the sliver's rows side by side.
		if rows == mr {
			if sums != nil {
				packA6TSum(d, a[p0*lda+i0+ir:], lda, kc, alpha, sums[ir:][:mr])
			} else {
				packA6T(d, a[p0*lda+i0+ir:], lda, kc, alpha)
			}
			continue
		}
		var s [mr]float64
		for p := range kc {
			src := a[(p0+p)*lda+i0+ir:][:rows]
			dp := d[p*mr : p*mr+mr]
			for r, v := range src {
				s[r] += float64(v)
				dp[r] = alpha * v
			}
			clear(dp[rows:])
		}
		if sums != nil {
			for r := range rows {
				sums[ir+r] += s[r]
			}
		}
	}
}

// addRowSums adds to sums [rows] the sums of rows i0.. of a row-major A
// over columns [p0, p0+kc), float64 from zero in column order.
func addRowSums(sums []float64, a []float32, lda, i0, p0, kc int) {
	for r := range sums {
		var s float64
		for _, v := range a[(i0+r)*lda+p0:][:kc] {
			s += float64(v)
		}
		sums[r] += s
	}
}

// packB copies rows [p0, p0+kc) and columns [j0+jlo, j0+jhi) of op(B) into
// dst as slivers of nr columns: the sliver of columns j0+jr.. (jr a multiple
// of nr) holds, for p = 0..kc-1, the nr values op(B)[p0+p][j0+jr+j], and
// starts at dst[jr·kc]. Columns past j0+jhi are zero. jlo must be a multiple
// of nr.
func packB(dst []float32, transB bool, b []float32, ldb, p0, kc, j0, jlo, jhi int) {
	for jr := jlo; jr < jhi; jr += nr {
		cols := min(nr, jhi-jr)
		d := dst[jr*kc : jr*kc+kc*nr]
		if !transB {
			// op(B)[p][j] = b[p·ldb+j]: each p holds the sliver's columns side by side.
			if cols == nr {
				packB16N(d, b[p0*ldb+j0+jr:], ldb, kc)
				continue
			}
			for p := range kc {
				dp := d[p*nr : p*nr+nr]
				copy(dp, b[(p0+p)*ldb+j0+jr:][:cols])
				clear(dp[cols:])
			}
			continue
		}
		// op(B)[p][j] = b[j·ldb+p]: each column is contiguous in p.
		if cols == nr {
			packB16T(d, b[(j0+jr)*ldb+p0:], ldb, kc)
			continue
		}
		for j := range cols {
			src := b[(j0+jr+j)*ldb+p0:][:kc]
			for p, v := range src {
				d[p*nr+j] = v
			}
		}
		for j := cols; j < nr; j++ {
			for p := range kc {
				d[p*nr+j] = 0
			}
		}
	}
}
