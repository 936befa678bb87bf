package kernel

import "unsafe"

// narrowRows is the number of rows sgemmNarrow8 computes at once.
const narrowRows = 8

// narrow reports whether gemmPacked takes gemmNarrow for a product: float32
// with AVX-512, op(B) = B at most 16 columns wide (one ZMM register), and
// at least one block of narrowRows rows. Such products, an output layer's
// 10 classes say, fill at most 10 of the packed kernels' 16 or 32 columns
// and cost more to pack than to multiply: before gemmNarrow, 32.6 GFLOP/s
// for Aᵀ·B at 128×10×64 on one core against OpenBLAS's 87.2.
func narrow[T Float](transB bool, m, n int) bool {
	var z T
	return hasAVX512 && unsafe.Sizeof(z) == 4 && !transB && n <= 16 && m >= narrowRows
}

// gemmNarrow computes C = alpha·op(A)·B + beta·C for a product that narrow
// accepts, eight rows at a time without packing, in the slices of k that
// the packed path uses and with its arithmetic for each slice (see
// panelProduct), so each element gets the bits the packed path gives it.
// The rows past the last multiple of eight take the packed path. ws.post,
// if set, is given the whole of C at the end.
func gemmNarrow[T Float](ws *workspace[T], transA bool, m, n, k int, alpha T, a []T, lda int, b []T, ldb int, beta T, c []T, ldc int) {
	a32, b32, c32 := as32(a), as32(b), as32(c)
	al, be := f32(alpha), f32(beta)
	mask := uint16(1)<<n - 1
	rs, ps := lda, 1
	if transA {
		rs, ps = 1, lda
	}
	m8 := m / narrowRows * narrowRows
	kc := kcFor(k)
	for pc := 0; pc < k; pc += kc {
		kb := min(kc, k-pc)
		bet, load := sliceBeta(pc, be)
		for i := 0; i < m8; i += narrowRows {
			sgemmNarrow8(kb, &a32[i*rs+pc*ps], rs, ps, &b32[pc*ldb], ldb, &c32[i*ldc], ldc, al, bet, load, mask)
		}
	}
	post := ws.post
	if m8 < m {
		ws.post = nil
		var ar []T
		if transA {
			ar = a[m8:]
		} else {
			ar = a[m8*lda:]
		}
		gemmBlocked(ws, transA, false, m-m8, n, k, alpha, ar, lda, b, ldb, beta, c[m8*ldc:], ldc)
		ws.post = post
	}
	if post != nil {
		post.Block(c, ldc, m, n)
	}
}
