package kernel

// The epilogues of a dense layer's products: what is done to a block of
// rows of the product right after it is computed, on the calling
// goroutine (the caller splits its rows between the cores, or runs one
// shard of a batch). Each element is computed as the separate sweeps
// (AddRowVector, LeakyReLU, SumRows) compute it, so the bits are theirs.

// BiasLeakyReLURows adds the row vector b to each of the m rows of the
// m×len(b) matrix z (unless b is nil) and sets a = max(z, 0) +
// slope·min(z, 0), LeakyReLU's formula, in one pass over the rows while
// each is in cache; a is m×len(b) too. With b nil and a nil it does
// nothing; with a nil it only adds the bias.
func BiasLeakyReLURows[T Float](m, n int, z, a, b []T, slope T) {
	z = z[:m*n]
	if b != nil {
		b = b[:n]
	}
	if a != nil {
		a = a[:m*n]
	}
	for i := 0; i < m; i++ {
		zr := z[i*n : i*n+n]
		switch {
		case a == nil:
			for j, v := range b {
				zr[j] += v
			}
		case b == nil:
			ar := a[i*n : i*n+n]
			j0 := 0
			if hasAVX2FMA && n >= 8 {
				if zv, ok := any(zr).([]float32); ok {
					// Adding a bias of +0 changes no a: −0 + 0 is +0,
					// which max and min treat as −0.
					j0 = n &^ 7
					biasLeakyReLUOut32(j0, &any(ar).([]float32)[0], &zv[0], 0, float32(slope))
				}
			}
			for j := j0; j < n; j++ {
				v := zr[j]
				ar[j] = max(v, 0) + slope*min(v, 0)
			}
		default:
			ar := a[i*n : i*n+n]
			j0 := 0
			if hasAVX2FMA && n >= 8 {
				if zv, ok := any(zr).([]float32); ok {
					j0 = n &^ 7
					biasLeakyReLURow32(j0, &any(ar).([]float32)[0], &zv[0], &any(b).([]float32)[0], float32(slope))
				}
			}
			for j := j0; j < n; j++ {
				v := b[j]
				s := zr[j] + v
				zr[j] = s
				ar[j] = max(s, 0) + slope*min(s, 0)
			}
		}
	}
}

// ColumnSums sets dst = beta·dst + Σᵢ x[i,:] for the m×len(dst) matrix x
// with row stride ldx, as SumRows does, on the calling goroutine.
func ColumnSums[T Float](dst []T, beta T, m int, x []T, ldx int) {
	sumRows(dst, beta, m, x, ldx)
}
