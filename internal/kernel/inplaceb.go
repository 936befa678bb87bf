package kernel

import "unsafe"

// readsBRows is the most rows of C for which gemmBlocked reads B where it
// lies (gemmInPlaceB).
var readsBRows = 96

// readsB reports whether gemmBlocked takes gemmInPlaceB: float32 with
// AVX-512, B not transposed, C at most readsBRows rows and a whole number
// of 32-column tiles wide. With few rows each packed value of B serves
// only a few multiply-adds (64 for a batch of 64), and packing B cost
// about as much as multiplying by it: one core, 64×256×784 A·B 201
// GFLOP/s packed, 227 in place; 64×128×256 206 and 233 (AMD EPYC). Rows
// of B 4 KiB apart (ldb a multiple of 1024) fall into one L1 set and
// evict each other, so those are packed: 64×1024×1024 194 packed, 135 in
// place.
func readsB[T Float](transB bool, m, n, ldb int) bool {
	var z T
	return hasAVX512 && unsafe.Sizeof(z) == 4 && !transB && m <= readsBRows && n%32 == 0 && ldb%1024 != 0
}

// gemmInPlaceB computes C = alpha·op(A)·B + beta·C for a product readsB
// accepts without packing B: sgemmKernel6x32AB reads 32 columns of a row
// of B a step where they lie, and six rows of op(A) where they lie
// (readsA) or from a packed panel. The slices of k, and each tile's
// arithmetic, are the packed path's, so are the bits. Rows past the last
// multiple of mr go through the edge buffer from a packed panel.
func gemmInPlaceB[T Float](ws *workspace[T], transA bool, m, n, k int, alpha T, a []T, lda int, b []T, ldb int, beta T, c []T, ldc int) {
	nr, mcMax, _ := tile[T]()
	kc := kcFor(k)
	mc := min(mcMax, roundUp(m, mr))
	ws.grow(mc*kc+aSlack, 0)
	a32, b32, c32, wa := as32(a), as32(b), as32(c), as32(ws.a)
	edge := as32(ws.edge[:])
	al, be := f32(alpha), f32(beta)
	for pc := 0; pc < k; pc += kc {
		kb := min(kc, k-pc)
		bet, load := sliceBeta(pc, be)
		last := pc+kb == k
		direct := readsA[T](transA, lda, kb, n, nr)
		rs, ps := 1, mr // a packed panel: step p's six values together
		switch {
		case direct && transA:
			rs, ps = 1, lda
		case direct:
			rs, ps = lda, 1
		}
		for ic := 0; ic < m; ic += mc {
			mb := min(mc, m-ic)
			full := mb / mr * mr
			edgeAt := full * kb
			if !direct {
				packA(ws.a, transA, a, lda, ic, mb, pc, kb)
			} else if full < mb {
				packA(ws.a, transA, a, lda, ic+full, mb-full, pc, kb)
				edgeAt = 0
			}
			step := n
			if last && ws.post != nil {
				step = postCols
			}
			for j0 := 0; j0 < n; j0 += step {
				j1 := min(n, j0+step)
				for jr := j0; jr < j1; jr += 32 {
					bp := &b32[pc*ldb+jr]
					for ir := 0; ir < full; ir += mr {
						ap := &wa[ir*kb]
						if direct {
							ap = &a32[(ic+ir)*rs+pc*ps]
						}
						sgemmKernel6x32AB(kb, ap, rs, ps, bp, ldb, &c32[(ic+ir)*ldc+jr], ldc, al, bet, load)
					}
					if full < mb {
						rows := mb - full
						ct := c32[(ic+full)*ldc+jr:]
						if load != 0 {
							for i := 0; i < rows; i++ {
								copy(edge[i*32:i*32+32], ct[i*ldc:i*ldc+32])
							}
						}
						sgemmKernel6x32AB(kb, &wa[edgeAt], 1, mr, bp, ldb, &edge[0], 32, al, bet, load)
						for i := 0; i < rows; i++ {
							copy(ct[i*ldc:i*ldc+32], edge[i*32:i*32+32])
						}
					}
				}
				if last && ws.post != nil {
					ws.post.Block(c[ic*ldc+j0:], ldc, mb, j1-j0)
				}
			}
		}
	}
}
