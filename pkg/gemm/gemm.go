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
	if err := check(transA, transB, m, n, k, alpha, a, lda, b, ldb, c, ldc); err != nil {
		panic("gemm.Sgemm: " + err.Error())
	}
	if m == 0 || n == 0 {
		return
	}
	if alpha == 0 || k == 0 {
		scale(c, ldc, 0, m, 0, n, beta)
		return
	}
	g := gemmPool.Get().(*gemm)
	g.transA, g.transB = transA, transB
	g.m, g.n, g.k = m, n, k
	g.alpha, g.beta = alpha, beta
	g.a, g.lda, g.b, g.ldb, g.c, g.ldc = a, lda, b, ldb, c, ldc
	g.kern = microKernel
	g.run(Threads())
	g.a, g.b, g.c = nil, nil, nil
	gemmPool.Put(g)
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
	lda, ldb, ldc  int
	kern           kernelFunc

	// Current phase: the block of op(B) (rows pc.., columns jc..) and what
	// to do with it.
	packing    bool // pack B rather than multiply
	pc, kc     int
	jc, nc     int
	mc         int // rows of C per multiply work item
	accumulate int // add to C rather than overwrite it
	first      bool
	packedB    []float32

	next  atomic.Int64 // next work item
	items int
	wg    sync.WaitGroup
}

var gemmPool = sync.Pool{New: func() any { return new(gemm) }}

// packBPool holds kcBlock×ncBlock buffers for packed B.
var packBPool = sync.Pool{New: func() any {
	s := make([]float32, kcBlock*ncBlock)
	return &s
}}

// scratch is one goroutine's working memory: a packed block of A and an
// edge tile.
type scratch struct {
	packedA []float32
	tile    [mr * nr]float32
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
	// Rows of C per work item: mcBlock, or fewer so every goroutine gets one.
	g.mc = mcBlock
	if blocks := (m + mcBlock - 1) / mcBlock; blocks < nt {
		per := (m + nt - 1) / nt
		g.mc = max(mr, (per+mr-1)/mr*mr)
	}
	nt = min(nt, (m+g.mc-1)/g.mc)

	pb := packBPool.Get().(*[]float32)
	g.packedB = *pb
	for jc := 0; jc < n; jc += ncBlock {
		g.jc, g.nc = jc, min(ncBlock, n-jc)
		for pc := 0; pc < k; pc += kcBlock {
			g.pc, g.kc = pc, min(kcBlock, k-pc)
			g.first = pc == 0
			g.accumulate = 0
			if pc > 0 || g.beta != 0 {
				g.accumulate = 1
			}
			g.packing = true
			g.items = (g.nc + packBItem*nr - 1) / (packBItem * nr)
			g.parallel(nt)
			g.packing = false
			g.items = (m + g.mc - 1) / g.mc
			g.parallel(nt)
		}
	}
	g.packedB = nil
	packBPool.Put(pb)
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
			lo := it * packBItem * nr
			hi := min(g.nc, lo+packBItem*nr)
			packB(g.packedB, g.transB, g.b, g.ldb, g.pc, g.kc, g.jc, lo, hi)
			continue
		}
		if s == nil {
			s = scratchPool.Get().(*scratch)
		}
		g.multiply(s, it*g.mc)
	}
	if s != nil {
		scratchPool.Put(s)
	}
}

// multiply computes rows [i0, i0+mc) of the current block of C.
func (g *gemm) multiply(s *scratch, i0 int) {
	c, ldc := g.c, g.ldc
	mcAll := min(g.mc, g.m-i0)
	if g.first && g.beta != 0 {
		scale(c, ldc, i0, i0+mcAll, g.jc, g.jc+g.nc, g.beta)
	}
	// g.mc may exceed mcBlock only when it was shrunk from a larger m, so
	// walk it in mcBlock pieces to fit the scratch buffer.
	for ib := 0; ib < mcAll; ib += mcBlock {
		mc := min(mcBlock, mcAll-ib)
		packA(s.packedA, g.transA, g.a, g.lda, i0+ib, mc, g.pc, g.kc, g.alpha)
		g.macro(s, i0+ib, mc)
	}
}

// macro runs the micro-kernel over an mc×nc block of C at row i0, column
// g.jc, from packed A and packed B. Edge tiles are computed in s.tile and
// then merged, so they see exactly the arithmetic of full tiles.
func (g *gemm) macro(s *scratch, i0, mc int) {
	c, ldc, kc, kern, acc := g.c, g.ldc, g.kc, g.kern, g.accumulate
	for jr := 0; jr < g.nc; jr += nr {
		cols := min(nr, g.nc-jr)
		bp := &g.packedB[jr*kc]
		for ir := 0; ir < mc; ir += mr {
			rows := min(mr, mc-ir)
			ap := &s.packedA[ir*kc]
			off := (i0+ir)*ldc + g.jc + jr
			if rows == mr && cols == nr {
				kern(kc, ap, bp, &c[off], ldc, acc)
				continue
			}
			kern(kc, ap, bp, &s.tile[0], nr, 0)
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
