package gemm

// packA copies rows [i0, i0+mc) and columns [p0, p0+kc) of op(A), scaled by
// alpha, into dst as slivers of mr rows: sliver s holds, for p = 0..kc-1, the
// mr values op(A)[i0+s·mr+r][p0+p], and starts at dst[s·mr·kc]. Rows past
// i0+mc are zero, so the micro-kernel can always work on full slivers.
func packA(dst []float32, transA bool, a []float32, lda, i0, mc, p0, kc int, alpha float32) {
	for ir := 0; ir < mc; ir += mr {
		rows := min(mr, mc-ir)
		d := dst[ir*kc : ir*kc+kc*mr]
		if !transA {
			// op(A)[i][p] = a[i·lda+p]: each row is contiguous in p.
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
		for p := range kc {
			src := a[(p0+p)*lda+i0+ir:][:rows]
			dp := d[p*mr : p*mr+mr]
			for r, v := range src {
				dp[r] = alpha * v
			}
			clear(dp[rows:])
		}
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
			for p := range kc {
				dp := d[p*nr : p*nr+nr]
				copy(dp, b[(p0+p)*ldb+j0+jr:][:cols])
				clear(dp[cols:])
			}
			continue
		}
		// op(B)[p][j] = b[j·ldb+p]: each column is contiguous in p.
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
