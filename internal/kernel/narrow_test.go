package kernel

import (
	"fmt"
	"math/rand/v2"
	"sync/atomic"
	"testing"
)

// TestGemmNarrowSameBitsAsBlocked requires that the narrow path gives the
// bits of the blocked, packed path for every width it takes (1 to 16
// columns), both layouts of A, row counts with and without a remainder
// past the last eight, inner sizes within one slice of k and across
// several, and alpha and beta that make every epilogue run (beta 0 on a C
// of NaN, which must not leak).
func TestGemmNarrowSameBitsAsBlocked(t *testing.T) {
	if !narrow[float32](false, narrowRows, 10) {
		t.Skip("this CPU has no AVX-512 (or GODEBUG turned it off): the narrow kernel cannot run here")
	}
	rng := rand.New(rand.NewPCG(11, 12))
	ws := new(workspace[float32])
	for _, transA := range []bool{false, true} {
		for _, m := range []int{8, 13, 64, 130} {
			for n := 1; n <= 16; n++ {
				for _, k := range []int{1, 7, 64, 257, 600} {
					for _, ab := range [][2]float32{{1, 0}, {0.5, -2}, {1, 1}} {
						nanC := ab[1] == 0
						a, lda, b, ldb, c0, ldc := operands[float32](rng, transA, false, m, n, k, 1, nanC)
						want := append([]float32(nil), c0...)
						gemmBlocked(ws, transA, false, m, n, k, ab[0], a, lda, b, ldb, ab[1], want, ldc)
						got := append([]float32(nil), c0...)
						gemmPacked(ws, transA, false, m, n, k, ab[0], a, lda, b, ldb, ab[1], got, ldc)
						requireBits(t, fmt.Sprintf("transA %v, %d×%d×%d, alpha %v, beta %v", transA, m, n, k, ab[0], ab[1]), got, want)
					}
				}
			}
		}
	}
}

// TestReadsASameBitsAsPacked requires that reading A where it lies
// (macroKernelA) gives the bits of packing it, for both layouts of A,
// row counts with and without a partial panel, widths that are and are
// not whole pairs of panels, inner sizes in one slice of k and several,
// padded strides, and every epilogue.
func TestReadsASameBitsAsPacked(t *testing.T) {
	if !readsA[float32](false, 64, 64, 32, 16) {
		t.Skip("this CPU has no AVX-512 (or GODEBUG turned it off): the kernel that reads A in place cannot run here")
	}
	defer func() { directA = true }()
	rng := rand.New(rand.NewPCG(13, 14))
	ws := new(workspace[float32])
	for _, transA := range []bool{false, true} {
		for _, transB := range []bool{false, true} {
			// operands pads the strides by 3: Aᵀ's stride is m+3,
			// a multiple of 64 for m 61 and 125 (packed), not for
			// the others (read in place when k is at most 128).
			for _, m := range []int{6, 7, 61, 64, 125, 149} {
				for _, n := range []int{32, 48, 64, 256} {
					for _, k := range []int{1, 5, 64, 128, 300} {
						for _, ab := range [][2]float32{{1, 0}, {0.5, -2}} {
							a, lda, b, ldb, c0, ldc := operands[float32](rng, transA, transB, m, n, k, 3, ab[1] == 0)
							directA = false
							want := append([]float32(nil), c0...)
							gemmBlocked(ws, transA, transB, m, n, k, ab[0], a, lda, b, ldb, ab[1], want, ldc)
							directA = true
							got := append([]float32(nil), c0...)
							gemmBlocked(ws, transA, transB, m, n, k, ab[0], a, lda, b, ldb, ab[1], got, ldc)
							requireBits(t, fmt.Sprintf("transA %v transB %v, %d×%d×%d, alpha %v, beta %v", transA, transB, m, n, k, ab[0], ab[1]), got, want)
						}
					}
				}
			}
		}
	}
}

// TestReadsBSameBitsAsPacked requires that reading B where it lies
// (gemmInPlaceB) gives the bits of packing it, with A read in place and
// packed, for both layouts of A, row counts from 1 to readsBRows with and
// without a partial panel, inner sizes in one slice of k and several,
// padded strides, every epilogue, and a post.
func TestReadsBSameBitsAsPacked(t *testing.T) {
	if !readsB[float32](false, 64, 64, 64) {
		t.Skip("this CPU has no AVX-512 (or GODEBUG turned it off): the kernel that reads B in place cannot run here")
	}
	defer func(rows int) { readsBRows, directA = rows, true }(readsBRows)
	rng := rand.New(rand.NewPCG(15, 16))
	ws := new(workspace[float32])
	for _, transA := range []bool{false, true} {
		for _, m := range []int{1, 5, 6, 13, 64, 96} {
			for _, n := range []int{32, 64, 256} {
				for _, k := range []int{1, 7, 64, 128, 300} {
					for _, ab := range [][2]float32{{1, 0}, {0.5, -2}} {
						a, lda, b, ldb, c0, ldc := operands[float32](rng, transA, false, m, n, k, 3, ab[1] == 0)
						readsBRows, directA = 0, false
						want := append([]float32(nil), c0...)
						gemmBlocked(ws, transA, false, m, n, k, ab[0], a, lda, b, ldb, ab[1], want, ldc)
						for _, inPlaceA := range []bool{false, true} {
							readsBRows, directA = 96, inPlaceA
							if !readsB[float32](false, m, n, ldb) {
								t.Fatalf("readsB refuses %d×%d", m, n)
							}
							got := append([]float32(nil), c0...)
							cnt := &counting[float32]{c: got, seen: make([]atomic.Int32, len(got))}
							ws.post = cnt
							gemmBlocked(ws, transA, false, m, n, k, ab[0], a, lda, b, ldb, ab[1], got, ldc)
							ws.post = nil
							name := fmt.Sprintf("transA %v, A in place %v, %d×%d×%d, alpha %v, beta %v", transA, inPlaceA, m, n, k, ab[0], ab[1])
							requireBits(t, name, got, want)
							for i := 0; i < m; i++ {
								for j := 0; j < n; j++ {
									if s := cnt.seen[i*ldc+j].Load(); s != 1 {
										t.Fatalf("%s: C[%d,%d] given to the post %d times, want 1", name, i, j, s)
									}
								}
							}
						}
					}
				}
			}
		}
	}
}
