package gemm

import (
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"
)

// Cache blocking. A kcBlock×nr sliver of packed B stays in L1 while the
// micro-kernel sweeps an mcBlock×kcBlock block of packed A held in L2; the
// kcBlock×ncBlock block of packed B lives in L3. mcBlock is a multiple of mr
// and ncBlock of nr. kcBlock fixes the summation order, so it must not
// depend on the thread count.
const (
	kcBlock = 384
	mcBlock = 96
	ncBlock = 3072
)

// packBItem is the number of B slivers one goroutine packs per work item.
const packBItem = 8

// smallWork is the flop count (m·n·k) under which Sgemm stays on the calling
// goroutine: waking workers costs more than it saves.
const smallWork = 64 * 64 * 64

var threads atomic.Int64

// SetThreads sets how many goroutines Sgemm may use, counting the caller; n
// <= 0 restores the default, runtime.GOMAXPROCS(0) at the time of each call.
// It is safe to call at any time; calls to Sgemm already running keep the
// value they started with. The result of Sgemm does not depend on it.
func SetThreads(n int) {
	threads.Store(int64(max(n, 0)))
}

// Threads reports the number of goroutines Sgemm uses, counting the caller.
func Threads() int {
	if n := int(threads.Load()); n > 0 {
		return n
	}
	return runtime.GOMAXPROCS(0)
}

// Sgemm computes C = alpha·op(A)·op(B) + beta·C for row-major float32
// matrices, where op(X) is X, or Xᵀ when transX is set. m, n and k are the
// dimensions of op(A) (m×k), op(B) (k×n) and C (m×n); lda, ldb and ldc are
// the row strides of a, b and c as stored (a is m×k, or k×m when
// transposed). When beta is 0, C is written without being read, so NaN or
// other garbage in it is ignored. When alpha is 0 or k is 0, A and B are not
// read.
//
// Sgemm is safe for concurrent use as long as the calls do not write
// overlapping parts of C. It runs on up to Threads goroutines; each element
// of C is computed by one goroutine in a fixed order, so the result is
// bit-identical for every thread count. Inconsistent dimensions or slices
// too short for them are programming errors, like an out-of-range index,
// and panic with a message that names the offending argument.
func Sgemm(transA, transB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	sgemm("gemm.Sgemm: ", Threads(), transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc, nil)
}

// SgemmSerial is Sgemm on the calling goroutine alone, whatever Threads
// says: for callers that already spread many small products over their own
// goroutines, such as the (sequence, head) pairs of attention, where
// waking Sgemm's workers for each product would cost more than it saves.
// Its results are the same bits as Sgemm's.
func SgemmSerial(transA, transB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	sgemm("gemm.SgemmSerial: ", 1, transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc, nil)
}

// SgemmBias computes C = alpha·op(A)·op(B) + bias, adding bias [n] to
// every row: a linear layer's forward pass in one call. C is written
// without being read, as with beta 0. The bias joins the products of the
// first kcBlock values of k, inside the micro-kernel, so that C is not
// swept a second time; like Sgemm's, the result does not depend on
// Threads.
func SgemmBias(transA, transB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, bias, c []float32, ldc int) {
	if len(bias) < n {
		panic(fmt.Sprintf("gemm.SgemmBias: bias: len %d < %d columns", len(bias), n))
	}
	sgemm("gemm.SgemmBias: ", Threads(), transA, transB, m, n, k, alpha, a, lda, b, ldb, 0, c, ldc, bias[:n])
}

// SgemmBiasGrad is Sgemm that also adds the row sums of op(A),
// Σ_p op(A)[i][p] (before alpha), to dbias [m]. For a linear layer with
// output gradient dout [tokens, out] and input x [tokens, in], the call
// with op(A) = doutᵀ and op(B) = x adds the weight gradient doutᵀ·x to C
// and the bias gradient, dout's column sums, to dbias, reading dout once.
// Each sum is taken in float64 in the order of p and added to dbias in
// float32, on any number of goroutines.
func SgemmBiasGrad(transA, transB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int, dbias []float32) {
	if len(dbias) < m {
		panic(fmt.Sprintf("gemm.SgemmBiasGrad: dbias: len %d < %d rows", len(dbias), m))
	}
	sums := make([]float64, m)
	if alpha == 0 || k == 0 || n == 0 {
		// No product to fold the sums into.
		if err := check(transA, transB, m, n, k, 1, a, lda, b, ldb, c, ldc); err != nil {
			panic("gemm.SgemmBiasGrad: " + err.Error())
		}
		for i := range sums {
			for p := range k {
				if transA {
					sums[i] += float64(a[p*lda+i])
				} else {
					sums[i] += float64(a[i*lda+p])
				}
			}
		}
		scale(c, ldc, 0, m, 0, n, beta)
	} else {
		sgemmSums("gemm.SgemmBiasGrad: ", Threads(), transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc, sums)
	}
	for i, s := range sums {
		dbias[i] += float32(s)
	}
}

// sgemm is Sgemm on up to nt goroutines, adding bias to each row when it
// is not nil (beta must then be 0); who names the caller in panics.
func sgemm(who string, nt int, transA, transB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int, bias []float32) {
	sgemmEpi(who, nt, transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc, bias, nil, epiNone, nil)
}

// sgemmSums is sgemm that also adds the row sums of op(A) to sums [m];
// alpha, k and n must be nonzero.
func sgemmSums(who string, nt int, transA, transB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int, sums []float64) {
	sgemmEpi(who, nt, transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc, nil, sums, epiNone, nil)
}

// sgemmEpi is sgemm that also adds the row sums of op(A) to sums [m] when
// it is not nil (alpha, k and n must then be nonzero), and applies the
// epilogue epi, with aux laid out as C, to the finished tiles (beta must
// then be 0).
func sgemmEpi(who string, nt int, transA, transB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int, bias []float32, sums []float64, epi int, aux []float32) {
	if err := check(transA, transB, m, n, k, alpha, a, lda, b, ldb, c, ldc); err != nil {
		panic(who + err.Error())
	}
	if m == 0 || n == 0 {
		return
	}
	g := gemmPool.Get().(*gemm)
	defer func() {
		// Drop the caller's slices before the struct goes back to the pool.
		g.a, g.b, g.c, g.bias, g.sumA, g.aux = nil, nil, nil, nil, nil, nil
		clear(g.panels)
		gemmPool.Put(g)
	}()
	g.c, g.ldc, g.epi, g.aux = c, ldc, epi, aux
	if alpha == 0 || k == 0 {
		// Nothing to multiply: C is beta·C (plus the bias), and the
		// epilogue still runs on it.
		scale(c, ldc, 0, m, 0, n, beta)
		if bias != nil {
			for i := range m {
				copy(c[i*ldc:][:n], bias)
			}
		}
		if epi != epiNone {
			s := scratchPool.Get().(*scratch)
			for i0 := 0; i0 < m; i0 += mr {
				for j0 := 0; j0 < n; j0 += nr {
					g.epilogue(s, i0, j0, min(mr, m-i0), min(nr, n-j0))
				}
			}
			scratchPool.Put(s)
		}
		return
	}
	g.transA, g.transB = transA, transB
	g.m, g.n, g.k = m, n, k
	g.alpha, g.beta = alpha, beta
	g.a, g.lda, g.b, g.ldb, g.c, g.ldc = a, lda, b, ldb, c, ldc
	g.bias, g.sumA = bias, sums
	g.kern = microKernel
	g.direct = nil
	if !transA && alpha == 1 {
		g.direct = directKernel
	}
	g.run(nt)
}

// check validates Sgemm's arguments.
func check(transA, transB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, c []float32, ldc int) error {
	if m < 0 || n < 0 || k < 0 {
		return fmt.Errorf("negative dimension m=%d n=%d k=%d", m, n, k)
	}
	// Stored shapes: rows × cols of a and b as they lie in memory.
	ar, ac := m, k
	if transA {
		ar, ac = k, m
	}
	br, bc := k, n
	if transB {
		br, bc = n, k
	}
	if err := checkMatrix("c", c, m, n, ldc); err != nil {
		return err
	}
	if m == 0 || n == 0 || k == 0 || alpha == 0 {
		return nil
	}
	if err := checkMatrix("a", a, ar, ac, lda); err != nil {
		return err
	}
	return checkMatrix("b", b, br, bc, ldb)
}

// checkMatrix reports whether x can hold a rows×cols matrix with stride ld.
func checkMatrix(name string, x []float32, rows, cols, ld int) error {
	if ld < cols || ld < 0 {
		return fmt.Errorf("%s: row stride %d < %d columns", name, ld, cols)
	}
	if rows == 0 || cols == 0 {
		return nil
	}
	if need := (rows-1)*ld + cols; len(x) < need {
		return fmt.Errorf("%s: len %d < %d for %d×%d with stride %d", name, len(x), need, rows, cols, ld)
	}
	return nil
}

// scale sets C[i][j] *= beta for rows [i0, i1) and columns [j0, j1), writing
// zeros without reading C when beta is 0.
func scale(c []float32, ldc, i0, i1, j0, j1 int, beta float32) {
	if beta == 1 {
		return
	}
	for i := i0; i < i1; i++ {
		row := c[i*ldc+j0 : i*ldc+j1]
		if beta == 0 {
			clear(row)
			continue
		}
		for j := range row {
			row[j] *= beta
		}
	}
}

// gemm holds one Sgemm call while it runs. Workers read it concurrently
// during a phase; only the calling goroutine writes it, between phases.
type gemm struct {
	transA, transB bool
	m, n, k        int
	alpha, beta    float32
	a, b, c        []float32
	bias           []float32 // [n], added to every row of C by the first k block; nil for none
	sumA           []float64 // [m], the row sums of op(A), summed while packing; nil for none
	lda, ldb, ldc  int
	kern           kernelFunc
	direct         directKernelFunc // when not nil, A is read in place, not packed
	epi            int              // epiNone, or the epilogue of finished tiles
	aux            []float32        // the epilogue's other matrix, laid out as C

	// Current phase: the columns [jc, jc+nc) of op(B), as panels of at
	// most kcBlock rows, and what to do with them.
	packing   bool // pack B rather than multiply
	jc, nc    int
	panels    []panel
	packItems int // pack work items per panel
	slivers   int // row slivers of C: ⌈m/mr⌉
	rowItems  int // multiply work items: item i owns slivers [i·slivers/rowItems, (i+1)·slivers/rowItems)

	next  atomic.Int64 // next work item
	items int
	wg    sync.WaitGroup
}

// panel is rows [pc, pc+kc) of the current columns of op(B), packed.
type panel struct {
	pc, kc     int
	first      bool // pc = 0: beta and the bias apply
	accumulate int  // add to C rather than overwrite it
	packedB    []float32
}

var gemmPool = sync.Pool{New: func() any { return new(gemm) }}

// wholeKFloats bounds the packed op(B) of a call that packs all of it
// before multiplying (16 MiB): one phase packs, one multiplies, and each
// goroutine runs its rows through every k block without waiting for the
// others. BERT-mini's weight gradients (k = 4096 tokens) would otherwise
// meet at a barrier 22 times per call. Larger ones, such as the MLM
// decoder's (k or n = 30528), take the blocks one at a time.
const wholeKFloats = 1 << 22

// packBPool holds kcBlock×ncBlock buffers for packed B, one block at a
// time; wholeBPool holds wholeKFloats buffers, for all of a call's B.
var (
	packBPool = sync.Pool{New: func() any {
		s := make([]float32, kcBlock*ncBlock)
		return &s
	}}
	wholeBPool = sync.Pool{New: func() any {
		s := make([]float32, wholeKFloats)
		return &s
	}}
)

// scratch is one goroutine's working memory: a packed block of A, an
// edge tile and its epilogue matrix, and the bias of an edge tile's
// columns, padded with zeros.
type scratch struct {
	packedA []float32
	tile    [mr * nr]float32
	epi     [mr * nr]float32 // an edge tile's epilogue matrix
	bias    [nr]float32
}

var scratchPool = sync.Pool{New: func() any {
	return &scratch{packedA: make([]float32, mcBlock*kcBlock)}
}}

// run multiplies on up to nt goroutines, the caller included.
func (g *gemm) run(nt int) {
	m, n, k := g.m, g.n, g.k
	if m*n*k < smallWork {
		nt = 1
	}
	// Work items of the multiply phase are runs of whole row slivers, at
	// most mcBlock rows each; their number is a multiple of nt where the
	// rows allow, so that no goroutine waits for another's last item (with
	// 256 rows and 2 goroutines: 4 items of 11 or 10 slivers, not 96, 96
	// and 64 rows).
	g.slivers = (m + mr - 1) / mr
	g.rowItems = (g.slivers + mcBlock/mr - 1) / (mcBlock / mr)
	if nt > 1 {
		g.rowItems = min((g.rowItems+nt-1)/nt*nt, g.slivers)
	}
	nt = min(nt, g.rowItems)

	if nPad := (n + nr - 1) / nr * nr; k*nPad <= wholeKFloats {
		// All of op(B) in one phase, then all of C in one.
		pool := &packBPool
		if k*nPad > kcBlock*ncBlock {
			pool = &wholeBPool
		}
		pb := pool.Get().(*[]float32)
		g.jc, g.nc = 0, n
		g.panels = g.panels[:0]
		for pc := 0; pc < k; pc += kcBlock {
			g.panels = append(g.panels, g.panel(pc, (*pb)[pc*nPad:]))
		}
		g.pack(nt)
		g.multiplyAll(nt)
		pool.Put(pb)
		return
	}
	pb := packBPool.Get().(*[]float32)
	for jc := 0; jc < n; jc += ncBlock {
		g.jc, g.nc = jc, min(ncBlock, n-jc)
		for pc := 0; pc < k; pc += kcBlock {
			g.panels = append(g.panels[:0], g.panel(pc, *pb))
			g.pack(nt)
			g.multiplyAll(nt)
		}
	}
	packBPool.Put(pb)
}

// panel describes rows pc.. of op(B), to be packed into buf.
func (g *gemm) panel(pc int, buf []float32) panel {
	p := panel{pc: pc, kc: min(kcBlock, g.k-pc), first: pc == 0, packedB: buf}
	if pc > 0 || g.beta != 0 {
		p.accumulate = 1
	}
	return p
}

// pack packs g.panels on up to nt goroutines.
func (g *gemm) pack(nt int) {
	g.packing = true
	g.packItems = (g.nc + packBItem*nr - 1) / (packBItem * nr)
	g.items = len(g.panels) * g.packItems
	g.parallel(nt)
}

// multiplyAll multiplies by g.panels on up to nt goroutines.
func (g *gemm) multiplyAll(nt int) {
	g.packing = false
	g.items = g.rowItems
	g.parallel(nt)
}

// parallel runs g.work for items 0..g.items-1 on up to nt goroutines and
// returns when all are done.
func (g *gemm) parallel(nt int) {
	g.next.Store(0)
	helpers := min(nt, g.items) - 1
	if helpers > 0 {
		startWorkers(helpers)
		g.wg.Add(helpers)
		for range helpers {
			jobs <- g
		}
	}
	g.work()
	g.wg.Wait()
}

// work takes items until none is left.
func (g *gemm) work() {
	var s *scratch
	for {
		it := int(g.next.Add(1)) - 1
		if it >= g.items {
			break
		}
		if g.packing {
			p := &g.panels[it/g.packItems]
			lo := it % g.packItems * packBItem * nr
			hi := min(g.nc, lo+packBItem*nr)
			packB(p.packedB, g.transB, g.b, g.ldb, p.pc, p.kc, g.jc, lo, hi)
			continue
		}
		if s == nil {
			s = scratchPool.Get().(*scratch)
		}
		i0, i1 := it*g.slivers/g.rowItems*mr, min((it+1)*g.slivers/g.rowItems*mr, g.m)
		for pi := range g.panels {
			g.multiply(s, &g.panels[pi], i0, i1)
		}
	}
	if s != nil {
		scratchPool.Put(s)
	}
}

// multiply computes rows [i0, i1) of the current columns of C from panel
// p of op(B).
func (g *gemm) multiply(s *scratch, p *panel, i0, i1 int) {
	c, ldc := g.c, g.ldc
	mcAll := i1 - i0
	if p.first && g.beta != 0 {
		scale(c, ldc, i0, i1, g.jc, g.jc+g.nc, g.beta)
	}
	// Walk the rows in mcBlock pieces to fit the scratch buffer.
	for ib := 0; ib < mcAll; ib += mcBlock {
		mc := min(mcBlock, mcAll-ib)
		var sums []float64 // the first column block sums the rows of op(A)
		if g.sumA != nil && g.jc == 0 {
			sums = g.sumA[i0+ib:][:mc]
		}
		if g.direct == nil {
			packA(s.packedA, g.transA, g.a, g.lda, i0+ib, mc, p.pc, p.kc, g.alpha, sums)
		} else {
			// Only a partial last sliver is packed (with its zero rows).
			full := mc - mc%mr
			if sums != nil {
				addRowSums(sums[:full], g.a, g.lda, i0+ib, p.pc, p.kc)
			}
			if full < mc {
				var rest []float64
				if sums != nil {
					rest = sums[full:]
				}
				packA(s.packedA[full*p.kc:], false, g.a, g.lda, i0+ib+full, mc-full, p.pc, p.kc, 1, rest)
			}
		}
		g.macro(s, p, i0+ib, mc)
	}
}

// macro runs the micro-kernel over an mc×nc block of C at row i0, column
// g.jc, from packed A and panel p. Edge tiles are computed in s.tile and
// then merged, so they see exactly the arithmetic of full tiles.
func (g *gemm) macro(s *scratch, p *panel, i0, mc int) {
	c, ldc, kc, kern, acc := g.c, g.ldc, p.kc, g.kern, p.accumulate
	epi := g.epi != epiNone && p.pc+p.kc == g.k // the last k block finishes the tiles
	for jr := 0; jr < g.nc; jr += nr {
		cols := min(nr, g.nc-jr)
		bp := &p.packedB[jr*kc]
		var bias *float32 // the first k block adds the bias
		if g.bias != nil && p.first {
			if cols == nr {
				bias = &g.bias[g.jc+jr]
			} else {
				clear(s.bias[cols:])
				copy(s.bias[:cols], g.bias[g.jc+jr:])
				bias = &s.bias[0]
			}
		}
		for ir := 0; ir < mc; ir += mr {
			rows := min(mr, mc-ir)
			off := (i0+ir)*ldc + g.jc + jr
			full := rows == mr && cols == nr
			// A full tile goes to C, an edge tile to s.tile and then C.
			dst, ld, a := &c[off], ldc, acc
			if !full {
				dst, ld, a = &s.tile[0], nr, 0
			}
			if epi && full && prefetch != nil {
				prefetch(&g.aux[off], ldc)
			}
			if rows == mr && g.direct != nil {
				_ = g.a[(i0+ir+mr-1)*g.lda+p.pc+kc-1] // the kernel reads up to here
				g.direct(kc, &g.a[(i0+ir)*g.lda+p.pc], g.lda, bp, dst, ld, a, bias)
			} else {
				kern(kc, &s.packedA[ir*kc], bp, dst, ld, a, bias)
			}
			if !full {
				for i := range rows {
					crow := c[off+i*ldc:][:cols]
					trow := s.tile[i*nr:][:cols]
					if acc != 0 {
						for j, v := range trow {
							crow[j] += v
						}
					} else {
						copy(crow, trow)
					}
				}
			}
			if epi {
				g.epilogue(s, i0+ir, g.jc+jr, rows, cols)
			}
		}
	}
}

// The worker pool: goroutines that run phases of Sgemm calls sent on jobs.
// They are started on first need and live for the rest of the process,
// blocked on the channel while idle.
var (
	jobs      = make(chan *gemm, 256)
	poolMu    sync.Mutex
	poolCount atomic.Int64
)

// startWorkers makes sure at least n workers exist.
func startWorkers(n int) {
	if int(poolCount.Load()) >= n {
		return
	}
	poolMu.Lock()
	defer poolMu.Unlock()
	for ; int(poolCount.Load()) < n; poolCount.Add(1) {
		go func() {
			for g := range jobs {
				g.work()
				g.wg.Done()
			}
		}()
	}
}
