package kernel

// The loops of a convolutional layer's forward and backward passes on
// rows too short for ewParts to split: the layer splits its samples and
// filters itself (For), so these run on the calling goroutine, with
// AVX2 where the CPU has it and the same bits either way.

// BiasLeakyReLU sets z[i] = y[i] + b and a[i] = max(z[i], 0) + slope·min(z[i], 0),
// LeakyReLU's formula, in one pass; slope 0 is the plain ReLU.
func BiasLeakyReLU[T Float](a, z, y []T, b, slope T) {
	z = z[:len(y)]
	a = a[:len(y)]
	i := 0
	if hasAVX2FMA {
		if yv, ok := any(y).([]float32); ok && len(yv) >= 8 {
			i = len(yv) &^ 7
			biasLeakyReLU32(i, &any(a).([]float32)[0], &any(z).([]float32)[0], &yv[0], float32(b), float32(slope))
		}
	}
	for ; i < len(y); i++ {
		v := y[i] + b
		z[i] = v
		a[i] = max(v, 0) + slope*min(v, 0)
	}
}

// BiasLeakyReLUOut is BiasLeakyReLU for a caller that keeps only a: for
// a slope of at least 0, a > 0 exactly where z > 0 (the sign test of
// LeakyReLUGrad, on the bits, gives the same mask on a as on z), so the
// gradient can be masked by a and z need not be stored.
func BiasLeakyReLUOut[T Float](a, y []T, b, slope T) {
	a = a[:len(y)]
	i := 0
	if hasAVX2FMA {
		if yv, ok := any(y).([]float32); ok && len(yv) >= 8 {
			i = len(yv) &^ 7
			biasLeakyReLUOut32(i, &any(a).([]float32)[0], &yv[0], float32(b), float32(slope))
		}
	}
	for ; i < len(y); i++ {
		v := y[i] + b
		a[i] = max(v, 0) + slope*min(v, 0)
	}
}

// LeakyReLUGrad is LeakyReLUBackward on the calling goroutine, whatever
// the length: dz[i] = da[i] for z[i] > 0 and slope·da[i] otherwise.
func LeakyReLUGrad[T Float](dz, z, da []T, slope T) {
	dz = dz[:len(z)]
	da = da[:len(z)]
	if hasAVX2FMA {
		if zv, ok := any(z).([]float32); ok && len(zv) >= 8 {
			n := len(zv) &^ 7
			leakyReLUGrad32(n, &any(dz).([]float32)[0], &zv[0], &any(da).([]float32)[0], float32(slope))
			leakyReLUBackward(dz[n:], z[n:], da[n:], slope)
			return
		}
	}
	leakyReLUBackward(dz, z, da, slope)
}

// Sum returns Σ x[i] in a fixed order: eight running sums over the
// indices modulo 8, added pairwise at the end. A single running sum
// waits on each addition's latency; eight keep the adder busy.
func Sum[T Float](x []T) T {
	var s [8]T
	i := 0
	for ; i+8 <= len(x); i += 8 {
		c := x[i : i+8 : i+8]
		s[0] += c[0]
		s[1] += c[1]
		s[2] += c[2]
		s[3] += c[3]
		s[4] += c[4]
		s[5] += c[5]
		s[6] += c[6]
		s[7] += c[7]
	}
	for j := 0; i < len(x); i, j = i+1, j+1 {
		s[j] += x[i]
	}
	return ((s[0] + s[1]) + (s[2] + s[3])) + ((s[4] + s[5]) + (s[6] + s[7]))
}

// check2D panics unless a rows×cols block with rows ld apart fits in x.
func check2D(what string, rows, cols int, x []float32, ld int) {
	if cols > ld && rows > 1 || rows > 0 && (rows-1)*ld+cols > len(x) {
		panic("kernel: " + what + " block out of range")
	}
}

// Add2D adds the rows×cols block src, its rows lds apart, onto the block
// dst, its rows ldd apart: dst[i·ldd+j] += src[i·lds+j]. It is col2im's
// inner loop for a stride of 1: one call per window offset instead of
// one per output row.
func Add2D[T Float](rows, cols int, dst []T, ldd int, src []T, lds int) {
	if rows <= 0 || cols <= 0 {
		return
	}
	if d, ok := any(dst).([]float32); ok && hasAVX2FMA {
		s := any(src).([]float32)
		check2D("Add2D dst", rows, cols, d, ldd)
		check2D("Add2D src", rows, cols, s, lds)
		if hasAVX512 {
			add2D32x16(rows, cols, &d[0], ldd, &s[0], lds)
		} else {
			add2D32(rows, cols, &d[0], ldd, &s[0], lds)
		}
		return
	}
	for i := range rows {
		d := dst[i*ldd : i*ldd+cols]
		for j, v := range src[i*lds : i*lds+cols] {
			d[j] += v
		}
	}
}

// Copy2D copies the rows×cols block src, its rows lds apart, into the
// block dst, its rows ldd apart: im2col's inner loop for a stride of 1
// and no padding.
func Copy2D[T Float](rows, cols int, dst []T, ldd int, src []T, lds int) {
	if rows <= 0 || cols <= 0 {
		return
	}
	if d, ok := any(dst).([]float32); ok && hasAVX2FMA {
		s := any(src).([]float32)
		check2D("Copy2D dst", rows, cols, d, ldd)
		check2D("Copy2D src", rows, cols, s, lds)
		if hasAVX512 {
			copy2D32x16(rows, cols, &d[0], ldd, &s[0], lds)
		} else {
			copy2D32(rows, cols, &d[0], ldd, &s[0], lds)
		}
		return
	}
	for i := range rows {
		copy(dst[i*ldd:i*ldd+cols], src[i*lds:i*lds+cols])
	}
}
