package kernel

import (
	"sync"
	"unsafe"
)

// Below smallProduct multiply-adds the portable loops win: packing and the
// call into assembly cost more than they save (measured: 4×8×8 takes as
// long either way, 8×8×8 twice as long in Go). The 1×1 and 1×2·2×8
// networks of the tutorials live here.
const smallProduct = 256

// Below parallelProduct multiply-adds (about 25 µs on one core at 80
// GFLOP/s) Gemm stays on the caller: waking a parked helper costs several
// microseconds, and the two-core development machine, shared with other
// work, showed no gain from splitting products this small.
const parallelProduct = 1 << 20

// splitByPacking chooses gemmParallel's split by the packing it repeats.
var splitByPacking = true

// minPart is the narrowest block of C, in rows or columns, worth a part of
// its own beyond one per goroutine.
const minPart = 512

// gemm picks the implementation for one product: the portable loops for
// small products or where no micro-kernel exists, the packed assembly path
// otherwise, split across goroutines when the product is large enough.
// The path depends on the shape alone, and the split never changes how an
// element is computed, so the worker count cannot change a result.
func gemm[T Float](transA, transB bool, m, n, k int, alpha T, a []T, lda int, b []T, ldb int, beta T, c []T, ldc int, post Post[T]) {
	if !hasAVX2FMA || m*n*k < smallProduct {
		gemmGo(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
		if post != nil {
			post.Block(c, ldc, m, n)
		}
		return
	}
	workers := 1
	if mnk := m * n * k; mnk >= parallelProduct {
		// At least half of parallelProduct per goroutine, so that a
		// many-core machine does not cut a product into slivers too small
		// to pay for waking their helpers.
		workers = min(Workers(), mnk/(parallelProduct/2))
	}
	gemmParallel(workers, transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc, post)
}

// gemmParallel runs the packed path on up to workers goroutines, giving
// each part a block of whole rows or whole columns of C; each part hands
// its finished blocks to post, if any.
func gemmParallel[T Float](workers int, transA, transB bool, m, n, k int, alpha T, a []T, lda int, b []T, ldb int, beta T, c []T, ldc int, post Post[T]) {
	if m == 0 || n == 0 {
		return
	}
	nr, _, _ := tile[T]()
	rowTiles, colTiles := (m+mr-1)/mr, (n+nr-1)/nr
	// Every part packs the whole of the operand the parts share: all of
	// op(B) (k×n) when C is split by rows, all of op(A) (m×k) when by
	// columns. Split the way that packs less again, where both ways give
	// each goroutine a part.
	byRows := rowTiles > colTiles
	if splitByPacking && rowTiles >= workers && colTiles >= workers {
		byRows = m >= n
	}
	tiles, dim := colTiles, n
	if byRows {
		tiles, dim = rowTiles, m
	}
	workers = min(workers, tiles)
	if workers <= 1 || k == 0 || alpha == 0 {
		// With nothing to multiply only beta·C is left, done in one pass.
		ws := getWorkspace[T]()
		ws.post = post
		gemmPacked(ws, transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
		putWorkspace(ws)
		return
	}
	// More parts than goroutines let one whose core is busy with other
	// work take fewer of them. Every part packs the operand that the parts
	// share again, which costs a few percent once parts are narrower than
	// minPart rows or columns, so only large products get extra parts.
	parts := min(tiles, max(workers, min(4*workers, dim/minPart)))
	j := getJob[T]()
	j.transA, j.transB, j.m, j.n, j.k = transA, transB, m, n, k
	j.alpha, j.a, j.lda, j.b, j.ldb, j.beta, j.c, j.ldc = alpha, a, lda, b, ldb, beta, c, ldc
	j.byRows, j.post = byRows, post
	j.split.run(parts, workers)
}

// gemmJob is one product split between goroutines.
type gemmJob[T Float] struct {
	transA, transB bool
	m, n, k        int
	alpha          T
	a              []T
	lda            int
	b              []T
	ldb            int
	beta           T
	c              []T
	ldc            int
	byRows         bool
	post           Post[T]

	split split
}

// recycle drops the slices, so a pooled job keeps no matrix alive.
func (j *gemmJob[T]) recycle() {
	j.a, j.b, j.c, j.post = nil, nil, nil, nil
	putJob(j)
}

// runPart computes share i of C: a run of whole micro-kernel tiles, so the
// tiles are the same ones a single goroutine would compute.
func (j *gemmJob[T]) runPart(i int) {
	nr, _, _ := tile[T]()
	ws := getWorkspace[T]()
	defer putWorkspace(ws)
	ws.post = j.post
	if j.byRows {
		lo, hi := share(j.m, mr, j.split.parts, i)
		if lo == hi {
			return
		}
		a := j.a
		if j.transA {
			a = a[lo:]
		} else {
			a = a[lo*j.lda:]
		}
		gemmPacked(ws, j.transA, j.transB, hi-lo, j.n, j.k, j.alpha, a, j.lda, j.b, j.ldb, j.beta, j.c[lo*j.ldc:], j.ldc)
		return
	}
	lo, hi := share(j.n, nr, j.split.parts, i)
	if lo == hi {
		return
	}
	b := j.b
	if j.transB {
		b = b[lo*j.ldb:]
	} else {
		b = b[lo:]
	}
	gemmPacked(ws, j.transA, j.transB, j.m, hi-lo, j.k, j.alpha, j.a, j.lda, b, j.ldb, j.beta, j.c[lo:], j.ldc)
}

// share returns the half-open range of share i when n is split into parts
// runs of whole tiles of size t, as evenly as the tiles allow.
func share(n, t, parts, i int) (lo, hi int) {
	tiles := (n + t - 1) / t
	lo = min(n, tiles*i/parts*t)
	hi = min(n, tiles*(i+1)/parts*t)
	return lo, hi
}

var jobs32, jobs64 sync.Pool

func getJob[T Float]() *gemmJob[T] {
	if j, ok := poolFor[T](&jobs32, &jobs64).Get().(unsafe.Pointer); ok {
		return (*gemmJob[T])(j)
	}
	j := new(gemmJob[T])
	j.split.p = j
	return j
}

func putJob[T Float](j *gemmJob[T]) { poolFor[T](&jobs32, &jobs64).Put(unsafe.Pointer(j)) }
