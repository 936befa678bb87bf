package kernel

// RowTile is the rows of C that one micro-kernel tile covers: a caller
// that splits C's rows at multiples of it leaves a partial tile, which
// costs about twice a full one per row, only at the end.
const RowTile = mr

// PackedB is the op(B) of products that share it, packed once: the
// weights of a dense layer, which every shard of a batch multiplies. Each
// product through GemmPackedB would otherwise pack all of op(B) again;
// for a layer whose weights do not stay in a core's cache, that packing
// costs as much as the multiplying of a few dozen rows.
//
// The packed blocks are the ones gemmPacked packs, in its order (by
// column blocks, then by slices of k), so GemmPackedB gives Gemm's bits.
type PackedB[T Float] struct {
	trans  bool
	k, n   int
	b      []T
	ldb    int
	kc, nc int
	packed bool // the blocks are in data (the packed path applies)
	data   []T
	offs   []int // where each block starts in data, then the end
}

// Reset readies pb for op(B), k×n, with B's rows ldb apart (op(B) = Bᵀ
// when trans is set); PackBlock must then pack each of its Blocks before
// GemmPackedB reads it. It allocates only when pb needs more room than
// it had.
func (pb *PackedB[T]) Reset(trans bool, k, n int, b []T, ldb int) {
	br, bc := k, n
	if trans {
		br, bc = n, k
	}
	checkOperand("B", br, bc, len(b), ldb)
	pb.trans, pb.k, pb.n, pb.b, pb.ldb = trans, k, n, b, ldb
	pb.offs = pb.offs[:0]
	pb.packed = hasAVX2FMA && k > 0 && n > 0
	if !pb.packed {
		return
	}
	nr, _, ncMax := tile[T]()
	pb.kc, pb.nc = kcFor(k), min(ncMax, roundUp(n, nr))
	off := 0
	for jc := 0; jc < n; jc += pb.nc {
		nb := min(pb.nc, n-jc)
		for pc := 0; pc < k; pc += pb.kc {
			pb.offs = append(pb.offs, off)
			off += roundUp(nb, nr) * min(pb.kc, k-pc)
		}
	}
	pb.offs = append(pb.offs, off)
	if len(pb.data) < off {
		pb.data = make([]T, off)
	}
}

// Blocks returns the number of blocks PackBlock packs.
func (pb *PackedB[T]) Blocks() int { return max(0, len(pb.offs)-1) }

// PackBlock packs block i of op(B). Different blocks may be packed at the
// same time.
func (pb *PackedB[T]) PackBlock(i int) {
	nr, _, _ := tile[T]()
	slices := (pb.k + pb.kc - 1) / pb.kc
	jc, pc := i/slices*pb.nc, i%slices*pb.kc
	nb, kb := min(pb.nc, pb.n-jc), min(pb.kc, pb.k-pc)
	packB(pb.data[pb.offs[i]:pb.offs[i+1]], pb.trans, pb.b, pb.ldb, pc, kb, jc, nb, nr)
}

// GemmPackedB computes C = alpha·op(A)·op(B) + beta·C on the calling
// goroutine, as GemmSerial does, for op(A) m×k and the op(B) (k×n) that
// pb holds packed; it gives GemmSerial's bits.
func GemmPackedB[T Float](transA bool, m int, alpha T, a []T, lda int, pb *PackedB[T], beta T, c []T, ldc int) {
	n, k := pb.n, pb.k
	ar, ac := m, k
	if transA {
		ar, ac = k, m
	}
	checkOperand("A", ar, ac, len(a), lda)
	checkOperand("C", m, n, len(c), ldc)
	if m == 0 || n == 0 {
		return
	}
	if !pb.packed || m*n*k < smallProduct {
		gemmGo(transA, pb.trans, m, n, k, alpha, a, lda, pb.b, pb.ldb, beta, c, ldc)
		return
	}
	if alpha == 0 {
		for i := 0; i < m; i++ {
			scaleRow(c[i*ldc:i*ldc+n], beta)
		}
		return
	}
	if narrow[T](pb.trans, m, n) {
		// The narrow path reads B as it is: it packs nothing.
		ws := getWorkspace[T]()
		gemmNarrow(ws, transA, m, n, k, alpha, a, lda, pb.b, pb.ldb, beta, c, ldc)
		putWorkspace(ws)
		return
	}
	nr, mcMax, _ := tile[T]()
	mc := min(mcMax, roundUp(m, mr))
	ws := getWorkspace[T]()
	ws.grow(mc*pb.kc+aSlack, 0)
	own := ws.b
	blk := 0
	// gemmPacked's loops, reading each block of B where Reset put it.
	for jc := 0; jc < n; jc += pb.nc {
		nb := min(pb.nc, n-jc)
		for pc := 0; pc < k; pc += pb.kc {
			kb := min(pb.kc, k-pc)
			ws.b = pb.data[pb.offs[blk]:pb.offs[blk+1]]
			blk++
			panelProduct(ws, transA, a, lda, m, mc, pc, kb, false, jc, nb, nr, alpha, beta, c, ldc)
		}
	}
	ws.b = own
	putWorkspace(ws)
}
