package kernel

import (
	"sync"
	"unsafe"
)

// The packed path follows GotoBLAS/BLIS: C is walked in nc-column blocks;
// for each kc-deep slice of the inner dimension a kc×nc block of op(B) is
// packed into ws.b as nr-wide column panels, and for each mc-row block of
// op(A) an mc×kc block is packed into ws.a as mr-high row panels. The
// micro-kernel then multiplies one A panel by one B panel from contiguous
// memory. Packing reads op(A) and op(B) through the transposition flags, so
// a single micro-kernel serves every transposition case.
const (
	mr = 6 // rows of C per micro-kernel tile, for both element types

	// kcMax keeps a kc×nr panel of B (16 KiB for either type) in the 32 KiB
	// L1 data cache alongside the A panel being streamed.
	kcMax = 256
	// mcMax32 and mcMax64 keep the packed mc×kc block of A (144 KiB) in
	// the 512 KiB L2 cache, leaving room for the B panels passing through.
	mcMax32 = 144
	mcMax64 = 72
	// ncMax32 and ncMax64 bound the packed kc×nc block of B to 4 MiB, a
	// share of L3 that is still large next to what one core streams.
	ncMax32 = 4096
	ncMax64 = 2048

	// aSlack is the room gatherPanel32 may write past a panel.
	aSlack = 8
)

// postCols is the width of the blocks of C handed to a Post: a multiple
// of both micro-kernels' widths (16 and 32 columns), small enough that
// an mcMax32-row block (72 KiB of float32) is still in L2 when the post
// reads it, beside the block of another matrix the post updates.
var postCols = 128

// tile returns the micro-kernel's column count and the A and B block limits
// for element type T.
func tile[T Float]() (nr, mc, nc int) {
	var z T
	if unsafe.Sizeof(z) == 4 {
		return 16, mcMax32, ncMax32
	}
	return 8, mcMax64, ncMax64
}

// kcFor splits k into equal slices no deeper than kcMax, so the last slice
// is not a thin leftover. It depends on k alone, which keeps the order of
// accumulation independent of how C is split.
func kcFor(k int) int {
	slices := (k + kcMax - 1) / kcMax
	return (k + slices - 1) / slices
}

// workspace holds one goroutine's packing buffers and an edge tile, as
// wide as the AVX-512 kernel's two panels.
type workspace[T Float] struct {
	a, b []T
	edge [mr * 32]T
	// post, when set, is given each block of C once its last slice of
	// k is added (see Post).
	post Post[T]
}

// grow makes ws.a and ws.b hold at least na and nb elements.
func (ws *workspace[T]) grow(na, nb int) {
	if len(ws.a) < na {
		ws.a = make([]T, na)
	}
	if len(ws.b) < nb {
		ws.b = make([]T, nb)
	}
}

// Workspaces and jobs are pooled by element size, as unsafe.Pointer: a
// workspace[T] or gemmJob[T] for any ~float32 T has the layout of the
// float32 one (likewise for float64), so one pool serves every such T.
var ws32, ws64 sync.Pool

// poolFor returns p32 for 4-byte T and p64 otherwise.
func poolFor[T Float](p32, p64 *sync.Pool) *sync.Pool {
	var z T
	if unsafe.Sizeof(z) == 4 {
		return p32
	}
	return p64
}

func getWorkspace[T Float]() *workspace[T] {
	if w, ok := poolFor[T](&ws32, &ws64).Get().(unsafe.Pointer); ok {
		return (*workspace[T])(w)
	}
	return new(workspace[T])
}

func putWorkspace[T Float](ws *workspace[T]) {
	ws.post = nil
	poolFor[T](&ws32, &ws64).Put(unsafe.Pointer(ws))
}

// microKernel runs the assembly kernel for T on one full tile of C.
func microKernel[T Float](k int, a, b []T, c []T, ldc int, alpha, beta T, load int) {
	var z T
	if unsafe.Sizeof(z) == 4 {
		sgemmKernel6x16(k, (*float32)(unsafe.Pointer(&a[0])), (*float32)(unsafe.Pointer(&b[0])),
			(*float32)(unsafe.Pointer(&c[0])), ldc, *(*float32)(unsafe.Pointer(&alpha)), *(*float32)(unsafe.Pointer(&beta)), load)
		return
	}
	dgemmKernel6x8(k, (*float64)(unsafe.Pointer(&a[0])), (*float64)(unsafe.Pointer(&b[0])),
		(*float64)(unsafe.Pointer(&c[0])), ldc, *(*float64)(unsafe.Pointer(&alpha)), *(*float64)(unsafe.Pointer(&beta)), load)
}

// gemmPacked computes C = alpha·op(A)·op(B) + beta·C with the packed
// algorithm on the calling goroutine, using ws for its buffers. It needs
// the assembly micro-kernels (hasAVX2FMA).
func gemmPacked[T Float](ws *workspace[T], transA, transB bool, m, n, k int, alpha T, a []T, lda int, b []T, ldb int, beta T, c []T, ldc int) {
	if m == 0 || n == 0 {
		return
	}
	if k == 0 || alpha == 0 {
		for i := 0; i < m; i++ {
			scaleRow(c[i*ldc:i*ldc+n], beta)
		}
		if ws.post != nil {
			ws.post.Block(c, ldc, m, n)
		}
		return
	}
	if narrow[T](transB, m, n) {
		gemmNarrow(ws, transA, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
		return
	}
	gemmBlocked(ws, transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
}

// gemmBlocked is gemmPacked's blocked loops, for any shape.
func gemmBlocked[T Float](ws *workspace[T], transA, transB bool, m, n, k int, alpha T, a []T, lda int, b []T, ldb int, beta T, c []T, ldc int) {
	if readsB[T](transB, m, n, ldb) {
		gemmInPlaceB(ws, transA, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
		return
	}
	nr, mcMax, ncMax := tile[T]()
	kc := kcFor(k)
	mc := min(mcMax, roundUp(m, mr))
	nc := min(ncMax, roundUp(n, nr))
	ws.grow(mc*kc+aSlack, nc*kc)
	for jc := 0; jc < n; jc += nc {
		nb := min(nc, n-jc)
		for pc := 0; pc < k; pc += kc {
			kb := min(kc, k-pc)
			packB(ws.b, transB, b, ldb, pc, kb, jc, nb, nr)
			panelProduct(ws, transA, a, lda, m, mc, pc, kb, pc+kb == k, jc, nb, nr, alpha, beta, c, ldc)
		}
	}
}

// panelProduct multiplies op(A)'s columns pc..pc+kb, packed mc rows at a
// time, by the block of B already packed in ws.b, into C's columns
// jc..jc+nb. Only the first slice of k (pc = 0) sees the caller's beta;
// later slices add to what the earlier ones stored. On the last slice
// (last set) each finished mb×nb block of C goes to ws.post, if any,
// while it is still in cache.
func panelProduct[T Float](ws *workspace[T], transA bool, a []T, lda, m, mc, pc, kb int, last bool, jc, nb, nr int, alpha, beta T, c []T, ldc int) {
	bet, load := sliceBeta(pc, beta)
	direct := readsA[T](transA, lda, kb, nb, nr)
	// With a post on the last slice, postCols columns at a time, so that
	// the post finds its block of C in cache, and what it reads beside
	// it fits too.
	var post Post[T]
	step := nb
	if last && ws.post != nil {
		post, step = ws.post, postCols
	}
	packed := ws.b
	for ic := 0; ic < m; ic += mc {
		mb := min(mc, m-ic)
		if !direct {
			packA(ws.a, transA, a, lda, ic, mb, pc, kb)
		}
		for j0 := 0; j0 < nb; j0 += step {
			w := min(step, nb-j0)
			ws.b = packed[j0*kb:]
			cb := c[ic*ldc+jc+j0:]
			if direct {
				macroKernelA(ws, transA, a, lda, ic, pc, kb, mb, w, nr, alpha, bet, load, cb, ldc)
			} else {
				macroKernel(ws, kb, mb, w, nr, alpha, bet, load, cb, ldc)
			}
			if post != nil {
				post.Block(cb, ldc, mb, w)
			}
		}
	}
	ws.b = packed
}

// directA turns readsA on; tests and benchmarks turn it off to compare.
var directA = true

// readsA reports whether panelProduct multiplies a kb-deep slice of
// op(A) by a block of B nb columns wide reading A where it lies
// (macroKernelA) rather than packed: float32 with AVX-512, every column
// in the two-panel kernel's tiles. Packing A cost 13 % of a
// 784-256-128-10 step at batch 1024 on one core (AMD EPYC), for a layout
// the kernel can do without: it broadcasts one value of each of six rows
// a step, and six rows of A read in place are six contiguous streams.
//
// For Aᵀ a step is one row of A, lda elements further on: read in place,
// a slice walks kb rows. Where lda is a multiple of 64 elements (256
// bytes) those rows fall into a few sets of the L1 cache and evict each
// other (1024×1024×512 Aᵀ·B: 150 GFLOP/s in place, 222 packed), and a deep
// slice spans more pages than the TLB holds (784×1024×512: 227 against
// 235), so Aᵀ is read in place only for other strides and slices of at
// most 128 steps (784×256×64: 225 against 198).
func readsA[T Float](transA bool, lda, kb, nb, nr int) bool {
	var z T
	if !directA || !hasAVX512 || unsafe.Sizeof(z) != 4 || nb%(2*nr) != 0 {
		return false
	}
	return !transA || lda%64 != 0 && kb <= 128
}

// macroKernelA is macroKernel for a block of B whose width is a multiple
// of two panels, reading rows ic..ic+mb of op(A), columns pc..pc+kb,
// where they lie. Rows past the last multiple of mr are packed into one
// panel and go through the edge buffer, as in macroKernel.
func macroKernelA[T Float](ws *workspace[T], transA bool, a []T, lda, ic, pc, kb, mb, nb, nr int, alpha, beta T, load int, c []T, ldc int) {
	rs, ps := lda, 1
	if transA {
		rs, ps = 1, lda
	}
	full := mb / mr * mr
	if full < mb {
		packA(ws.a, transA, a, lda, ic+full, mb-full, pc, kb)
	}
	a32, b32, c32 := as32(a), as32(ws.b), as32(c)
	al, be := f32(alpha), f32(beta)
	for jr := 0; jr < nb; jr += 2 * nr {
		b1, b2 := &b32[jr*kb], &b32[(jr+nr)*kb]
		for ir := 0; ir < full; ir += mr {
			i := ic + ir
			sgemmKernel6x32A(kb, &a32[i*rs+pc*ps], rs, ps, b1, b2, &c32[ir*ldc+jr], ldc, al, be, load)
		}
		if full < mb {
			edgeTile2(ws, kb, mb-full, nr, ws.a, ws.b[jr*kb:], ws.b[(jr+nr)*kb:], alpha, beta, load, c[full*ldc+jr:], ldc)
		}
	}
}

// microKernel2 runs the AVX-512 kernel for T on two neighbouring full
// tiles of C, whose packed B panels are b1 and b2.
func microKernel2[T Float](k int, a, b1, b2 []T, c []T, ldc int, alpha, beta T, load int) {
	var z T
	if unsafe.Sizeof(z) == 4 {
		sgemmKernel6x32(k, (*float32)(unsafe.Pointer(&a[0])), (*float32)(unsafe.Pointer(&b1[0])), (*float32)(unsafe.Pointer(&b2[0])),
			(*float32)(unsafe.Pointer(&c[0])), ldc, *(*float32)(unsafe.Pointer(&alpha)), *(*float32)(unsafe.Pointer(&beta)), load)
		return
	}
	dgemmKernel6x16(k, (*float64)(unsafe.Pointer(&a[0])), (*float64)(unsafe.Pointer(&b1[0])), (*float64)(unsafe.Pointer(&b2[0])),
		(*float64)(unsafe.Pointer(&c[0])), ldc, *(*float64)(unsafe.Pointer(&alpha)), *(*float64)(unsafe.Pointer(&beta)), load)
}

// macroKernel multiplies the packed mb×kb block of A by the packed kb×nb
// block of B into the mb×nb block of C starting at c[0]. With AVX-512 it
// takes two full B panels at a time where it can; the two kernels give
// the same bits for a tile, so which one runs changes only the speed.
func macroKernel[T Float](ws *workspace[T], kb, mb, nb, nr int, alpha, beta T, load int, c []T, ldc int) {
	wide := hasAVX512
	for jr := 0; jr < nb; {
		if wide && jr+2*nr <= nb {
			b1, b2 := ws.b[jr*kb:], ws.b[(jr+nr)*kb:]
			for ir := 0; ir < mb; ir += mr {
				ap := ws.a[ir*kb:]
				if mb-ir >= mr {
					microKernel2(kb, ap, b1, b2, c[ir*ldc+jr:], ldc, alpha, beta, load)
					continue
				}
				edgeTile2(ws, kb, mb-ir, nr, ap, b1, b2, alpha, beta, load, c[ir*ldc+jr:], ldc)
			}
			jr += 2 * nr
			continue
		}
		bp := ws.b[jr*kb:]
		nt := min(nr, nb-jr)
		for ir := 0; ir < mb; ir += mr {
			ap := ws.a[ir*kb:]
			mt := min(mr, mb-ir)
			ct := c[ir*ldc+jr:]
			if mt == mr && nt == nr {
				microKernel(kb, ap, bp, ct, ldc, alpha, beta, load)
				continue
			}
			edgeTile(ws, kb, mt, nt, ap, bp, alpha, beta, load, ct, ldc)
		}
		jr += nr
	}
}

// edgeTile computes a partial mt×nt tile of C through the edge buffer with
// the one-panel kernel, so its elements get exactly the arithmetic they
// would get inside a full tile.
func edgeTile[T Float](ws *workspace[T], kb, mt, nt int, ap, bp []T, alpha, beta T, load int, ct []T, ldc int) {
	nr, _, _ := tile[T]()
	e := ws.edge[:mr*nr]
	if load != 0 {
		for i := 0; i < mt; i++ {
			copy(e[i*nr:i*nr+nt], ct[i*ldc:i*ldc+nt])
		}
	}
	microKernel(kb, ap, bp, e, nr, alpha, beta, load)
	for i := 0; i < mt; i++ {
		copy(ct[i*ldc:i*ldc+nt], e[i*nr:i*nr+nt])
	}
}

// edgeTile2 is edgeTile for the mt rows of two neighbouring full-width
// tiles, with one call of the two-panel kernel: the rows of a product
// past its last multiple of mr (4 of a batch of 64) cost two calls of
// the one-panel kernel, which keeps half as many sums in flight, and
// took a tenth of a 784-256-128-10 step's time.
func edgeTile2[T Float](ws *workspace[T], kb, mt, nr int, ap, b1, b2 []T, alpha, beta T, load int, ct []T, ldc int) {
	w := 2 * nr
	e := ws.edge[:mr*w]
	if load != 0 {
		for i := 0; i < mt; i++ {
			copy(e[i*w:i*w+w], ct[i*ldc:i*ldc+w])
		}
	}
	microKernel2(kb, ap, b1, b2, e, w, alpha, beta, load)
	for i := 0; i < mt; i++ {
		copy(ct[i*ldc:i*ldc+w], e[i*w:i*w+w])
	}
}

// sliceBeta returns the beta and the load flag (whether C is read) of the
// slice of k that starts at pc: the caller's beta for the first, with C
// left unread when beta is 0, and 1 for the later slices, which add to
// what the earlier ones stored.
func sliceBeta[T Float](pc int, beta T) (T, int) {
	switch {
	case pc > 0:
		return 1, 1
	case beta == 0:
		return 0, 0
	}
	return beta, 1
}

// as32 views a float32 T's slice as []float32, for the float32-only
// assembly kernels.
func as32[T Float](x []T) []float32 {
	return unsafe.Slice((*float32)(unsafe.Pointer(unsafe.SliceData(x))), len(x))
}

// f32 views a float32 T as float32.
func f32[T Float](x T) float32 { return *(*float32)(unsafe.Pointer(&x)) }

func roundUp(x, to int) int { return (x + to - 1) / to * to }

// packA copies rows ic..ic+mb and columns pc..pc+kb of op(A) into dst as
// mr-high panels: panel r holds, for each p, the mr values of column p, so
// the micro-kernel reads it front to back. Rows past mb are zero. Full
// panels go through assembly; dst needs aSlack elements past the last panel.
func packA[T Float](dst []T, trans bool, a []T, lda, ic, mb, pc, kb int) {
	size := int(unsafe.Sizeof(T(0)))
	for ir := 0; ir < mb; ir += mr {
		d := dst[ir*kb : (ir+mr)*kb+aSlack]
		rows := min(mr, mb-ir)
		i0 := ic + ir
		switch {
		case rows == mr && trans:
			// op(A)[i][p] = A[p][i]: each step is a contiguous run of A.
			src := unsafe.Pointer(&a[pc*lda+i0])
			if size == 4 {
				copySteps32(kb, (*float32)(src), lda, (*float32)(unsafe.Pointer(&d[0])))
			} else {
				copySteps64(kb, (*float64)(src), lda, (*float64)(unsafe.Pointer(&d[0])))
			}
		case rows == mr:
			src := unsafe.Pointer(&a[i0*lda+pc])
			done := 0
			if size == 4 {
				done = kb / 8 * 8
				gatherPanel32(kb/8, (*float32)(src), lda, (*float32)(unsafe.Pointer(&d[0])))
			} else {
				done = kb / 4 * 4
				gatherPanel64(kb/4, (*float64)(src), lda, (*float64)(unsafe.Pointer(&d[0])))
			}
			for r := 0; r < mr; r++ {
				row := a[(i0+r)*lda+pc+done : (i0+r)*lda+pc+kb]
				for p, v := range row {
					d[(done+p)*mr+r] = v
				}
			}
		case trans:
			clear(d[:mr*kb])
			for p := 0; p < kb; p++ {
				copy(d[p*mr:p*mr+rows], a[(pc+p)*lda+i0:])
			}
		default:
			clear(d[:mr*kb])
			for r := 0; r < rows; r++ {
				row := a[(i0+r)*lda+pc : (i0+r)*lda+pc+kb]
				for p, v := range row {
					d[p*mr+r] = v
				}
			}
		}
	}
}

// packWide lets packB copy four panels of B that is not transposed at
// once (copyPanels256): a panel alone takes 64 bytes of each row of B,
// rows often 4 KiB apart, which fetched each cache line for a quarter of
// its use (784×1024 weights packed at 12.8 GB/s one panel at a time, 22.7
// four at a time, on a Zen 3 core). BenchmarkPackB turns it off to
// compare.
var packWide = true

// packB copies rows pc..pc+kb and columns jc..jc+nb of op(B) into dst as
// nr-wide panels: panel j holds, for each p, the nr values of row p.
// Columns past nb are zero. Full panels go through assembly: a row of a
// panel is 64 bytes for either type, four neighbouring panels not
// transposed are copied together (256 contiguous bytes a row of B, see
// packWide), and transposed panels are built from 8×8 (float32) or 4×4
// (float64) register transposes.
func packB[T Float](dst []T, trans bool, b []T, ldb, pc, kb, jc, nb, nr int) {
	size := int(unsafe.Sizeof(T(0)))
	for jr := 0; jr < nb; jr += nr {
		if packWide && !trans && nb-jr >= 4*nr && 4*nr*size == 256 {
			copyPanels256(kb, unsafe.Pointer(&b[pc*ldb+jc+jr]), ldb*size, unsafe.Pointer(&dst[jr*kb]), nr*kb*size)
			jr += 3 * nr
			continue
		}
		d := dst[jr*kb : (jr+nr)*kb]
		cols := min(nr, nb-jr)
		j0 := jc + jr
		switch {
		case !trans && cols == nr:
			copyPanel64(kb, unsafe.Pointer(&b[pc*ldb+j0]), ldb*size, unsafe.Pointer(&d[0]))
		case !trans:
			// A narrow panel (the 10 classes of an output layer, say):
			// element by element, as a copy call per short row costs more
			// than the row.
			clear(d)
			for p := 0; p < kb; p++ {
				row := b[(pc+p)*ldb+j0 : (pc+p)*ldb+j0+cols]
				dp := d[p*nr : p*nr+cols]
				for j, v := range row {
					dp[j] = v
				}
			}
		default:
			// op(B)[p][j] = B[j][p].
			done := 0
			if cols == nr {
				src := unsafe.Pointer(&b[j0*ldb+pc])
				if size == 4 {
					done = kb / 8 * 8
					transposePanel32(kb/8, (*float32)(src), ldb, (*float32)(unsafe.Pointer(&d[0])))
				} else {
					done = kb / 4 * 4
					transposePanel64(kb/4, (*float64)(src), ldb, (*float64)(unsafe.Pointer(&d[0])))
				}
			} else {
				clear(d)
			}
			for j := 0; j < cols; j++ {
				row := b[(j0+j)*ldb+pc+done : (j0+j)*ldb+pc+kb]
				for p, v := range row {
					d[(done+p)*nr+j] = v
				}
			}
		}
	}
}
