package kernel

import "math"

// AddRowVector adds v to each of the m rows of the m×len(v) matrix x with
// row stride ldx: the bias broadcast of a dense layer.
func AddRowVector[T Float](m int, x []T, ldx int, v []T) {
	if parts := min(m, ewParts(m*len(v))); parts > 1 {
		runRows(parts, opAddRowVector, m, x, 0, nil, ldx, v)
		return
	}
	addRowVector(m, x, ldx, v)
}

// addRowVector is AddRowVector on the calling goroutine.
func addRowVector[T Float](m int, x []T, ldx int, v []T) {
	n := len(v)
	for i := 0; i < m; i++ {
		row := x[i*ldx : i*ldx+n]
		for j, b := range v {
			row[j] += b
		}
	}
}

// SumRows sets dst = beta·dst + Σᵢ x[i,:], the column sums of the m×len(dst)
// matrix x with row stride ldx. Rows are added in order, so the result is
// the same however the caller splits its work.
func SumRows[T Float](dst []T, beta T, m int, x []T, ldx int) {
	// A quarter of the elements count toward the split: the sums go
	// through the vector axpy, loading each row once, and a split of
	// a batch of 64's bias gradients cost a wait worth more than the
	// half of the sums it moved to the other core.
	if parts := min((len(dst)+15)/16, ewParts(m*len(dst)/sumRowsShare)); parts > 1 {
		runRows(parts, opSumRows, m, dst, beta, x, ldx, nil)
		return
	}
	sumRows(dst, beta, m, x, ldx)
}

// sumRowsShare divides SumRows's element count before it is weighed
// against parallelElements.
const sumRowsShare = 4

// sumRows is SumRows on the calling goroutine. It adds row by row
// through axpy, whose fused multiply-add by 1 rounds each sum once, as
// the plain addition does: the bits of the portable loop, at the speed
// of the vector one (the bias gradients of a batch of 64 spent a thirtieth
// of a training step in the portable loop).
func sumRows[T Float](dst []T, beta T, m int, x []T, ldx int) {
	scaleRow(dst, beta)
	n := len(dst)
	for i := 0; i < m; i++ {
		axpy(dst, 1, x[i*ldx:i*ldx+n])
	}
}

// Axpy computes y += alpha·x element by element; x and y have equal length.
// Long float32 and float64 slices go through AVX2 fused multiply-adds where
// the CPU has them (one rounding per element instead of two), and very long
// ones are split between goroutines.
func Axpy[T Float](y []T, alpha T, x []T) {
	if len(x) != len(y) {
		panic("kernel: Axpy length mismatch")
	}
	if len(y) < simdAxpyMin {
		// The short parameters of tiny networks: axpyUnitary's
		// arithmetic in place, without the calls and the checks for a
		// split or for assembly.
		x = x[:len(y)]
		for i := range y {
			y[i] += T(alpha * x[i])
		}
		return
	}
	if parts := ewParts(len(y)); parts > 1 {
		runEW(parts, opAxpy, y, x, nil, alpha)
		return
	}
	axpy(y, alpha, x)
}

// axpy is Axpy on the calling goroutine.
func axpy[T Float](y []T, alpha T, x []T) {
	if hasAVX2FMA && len(y) >= simdAxpyMin {
		switch yv := any(y).(type) {
		case []float32:
			axpy32(len(yv), float32(alpha), &any(x).([]float32)[0], &yv[0])
			return
		case []float64:
			axpy64(len(yv), float64(alpha), &any(x).([]float64)[0], &yv[0])
			return
		}
	}
	axpyUnitary(y, alpha, x)
}

// simdAxpyMin is the length from which the assembly Axpy pays for its call:
// below it the Go loop finishes first.
const simdAxpyMin = 16

// Dot returns Σ x[i]·y[i], summed left to right.
func Dot[T Float](x, y []T) T {
	if len(x) != len(y) {
		panic("kernel: Dot length mismatch")
	}
	return dotUnitary(x, y)
}

// Sigmoid sets a[i] = 1/(1+exp(-z[i])), computed without overflow for
// large |z|.
func Sigmoid[T Float](a, z []T) {
	a = a[:len(z)]
	if len(z) < expMin {
		for i, v := range z {
			a[i] = T(sigmoid(float64(v)))
		}
		return
	}
	// sigmoid's steps, with its exponential, of −|z| either way, taken
	// expChunk at a time by Exp.
	var e [expChunk]float64
	for lo := 0; lo < len(z); lo += expChunk {
		zs := z[lo:min(lo+expChunk, len(z))]
		es := e[:len(zs)]
		for i, v := range zs {
			es[i] = -math.Abs(float64(v))
		}
		Exp(es, es)
		as := a[lo : lo+len(zs)]
		for i, v := range zs {
			// 1/(1+e) for z ≥ 0, e/(1+e) below, picked by z's sign bit
			// rather than a branch (a layer's signs are close to
			// random). At z = −0, e is 1 and both give 1/2; at NaN, NaN.
			m := uint64(int64(math.Float64bits(float64(v))) >> 63)
			num := math.Float64frombits(math.Float64bits(1)&^m | math.Float64bits(es[i])&m)
			as[i] = T(num / (1 + es[i]))
		}
	}
}

// expChunk is how many exponentials Sigmoid, Tanh and SoftmaxRows hand
// Exp at a time, from a buffer on the stack; below expMin values they
// take them one by one.
const (
	expChunk = 256
	expMin   = 8
)

func sigmoid(z float64) float64 {
	if z >= 0 {
		return 1 / (1 + math.Exp(-z))
	}
	e := math.Exp(z)
	return e / (1 + e)
}

// SigmoidBackward sets dz[i] = da[i]·a[i]·(1-a[i]), the chain rule through a
// sigmoid whose output is a.
func SigmoidBackward[T Float](dz, a, da []T) {
	dz = dz[:len(a)]
	da = da[:len(a)]
	for i, v := range a {
		dz[i] = da[i] * v * (1 - v)
	}
}

// Tanh sets a[i] = tanh(z[i]), with math.Tanh's bits.
func Tanh[T Float](a, z []T) {
	a = a[:len(z)]
	if len(z) < expMin {
		for i, v := range z {
			a[i] = T(math.Tanh(float64(v)))
		}
		return
	}
	// math.Tanh's branch for 0.625 ≤ |z| ≤ 44 is ±(1 − 2/(e^{2|z|}+1)):
	// those exponentials are taken expChunk at a time by Exp; |z| < 0.625
	// (a rational function) and NaN are left to math.Tanh.
	var e [expChunk]float64
	for lo := 0; lo < len(z); lo += expChunk {
		zs := z[lo:min(lo+expChunk, len(z))]
		es := e[:len(zs)]
		for i, v := range zs {
			// Clamped, so that no value but NaN leaves Exp's vector
			// range.
			es[i] = min(2*math.Abs(float64(v)), tanhMaxLog)
		}
		Exp(es, es)
		as := a[lo : lo+len(zs)]
		for i, v := range zs {
			// Past 0.5·tanhMaxLog (and at ±Inf) the clamped exponential
			// gives exactly ±1, math.Tanh's value there.
			x := float64(v)
			if math.Abs(x) >= 0.625 {
				// The sign by Copysign, not a branch: the value is
				// positive, so this is math.Tanh's negation for x < 0.
				as[i] = T(math.Copysign(1-2/(es[i]+1), x))
				continue
			}
			as[i] = T(math.Tanh(x))
		}
	}
}

// tanhMaxLog is math.Tanh's MAXLOG, log(2¹²⁷): beyond half of it tanh is ±1.
const tanhMaxLog = 8.8029691931113054295988e+01

// TanhBackward sets dz[i] = da[i]·(1-a[i]²) for a = tanh(z).
func TanhBackward[T Float](dz, a, da []T) {
	dz = dz[:len(a)]
	da = da[:len(a)]
	for i, v := range a {
		dz[i] = da[i] * (1 - v*v)
	}
}

// LeakyReLU sets a[i] = z[i] for z[i] > 0 and slope·z[i] otherwise; slope 0
// is the plain ReLU. The signs of a batch's SOPs are close to random, so
// the loop is written without branches: a mispredicted branch per element
// cost more than the rest of the loop.
func LeakyReLU[T Float](a, z []T, slope T) {
	a = a[:len(z)]
	if parts := ewParts(len(z)); parts > 1 {
		runEW(parts, opLeakyReLU, a, z, nil, slope)
		return
	}
	leakyReLU(a, z, slope)
}

// leakyReLU is LeakyReLU on the calling goroutine.
func leakyReLU[T Float](a, z []T, slope T) {
	a = a[:len(z)]
	for i, v := range z {
		a[i] = max(v, 0) + slope*min(v, 0)
	}
}

// LeakyReLUBackward sets dz[i] = da[i] for z[i] > 0 and slope·da[i]
// otherwise (the derivative at 0 is taken as slope). float32 and float64
// pick between the two with bit masks instead of a branch.
func LeakyReLUBackward[T Float](dz, z, da []T, slope T) {
	dz = dz[:len(z)]
	da = da[:len(z)]
	if parts := ewParts(len(z)); parts > 1 {
		runEW(parts, opLeakyReLUBackward, dz, z, da, slope)
		return
	}
	leakyReLUBackward(dz, z, da, slope)
}

// leakyReLUBackward is LeakyReLUBackward on the calling goroutine.
func leakyReLUBackward[T Float](dz, z, da []T, slope T) {
	switch zv := any(z).(type) {
	case []float32:
		reluBackward32(any(dz).([]float32), zv, any(da).([]float32), float32(slope))
		return
	case []float64:
		reluBackward64(any(dz).([]float64), zv, any(da).([]float64), float64(slope))
		return
	}
	for i, v := range z {
		if v > 0 {
			dz[i] = da[i]
		} else {
			dz[i] = slope * da[i]
		}
	}
}

// reluBackward32 is LeakyReLUBackward for float32. For the bits b of z as
// a signed integer, (−b & ^b) has its sign bit set exactly when b > 0, that
// is when z > 0 (or z is a positive NaN); shifting it gives the mask.
func reluBackward32(dz, z, da []float32, slope float32) {
	dz = dz[:len(z)]
	da = da[:len(z)]
	for i, v := range z {
		b := int32(math.Float32bits(v))
		m := uint32((-b & ^b) >> 31)
		d := da[i]
		dz[i] = math.Float32frombits(math.Float32bits(d)&m | math.Float32bits(slope*d)&^m)
	}
}

// reluBackward64 is reluBackward32 for float64.
func reluBackward64(dz, z, da []float64, slope float64) {
	dz = dz[:len(z)]
	da = da[:len(z)]
	for i, v := range z {
		b := int64(math.Float64bits(v))
		m := uint64((-b & ^b) >> 63)
		d := da[i]
		dz[i] = math.Float64frombits(math.Float64bits(d)&m | math.Float64bits(slope*d)&^m)
	}
}

// Softplus sets a[i] = log(1+exp(z[i])), computed as
// max(z,0) + log1p(exp(-|z|)) so that it neither overflows nor loses the
// small values for very negative z.
func Softplus[T Float](a, z []T) {
	a = a[:len(z)]
	for i, v := range z {
		x := float64(v)
		a[i] = T(math.Max(x, 0) + math.Log1p(math.Exp(-math.Abs(x))))
	}
}

// SoftplusBackward sets dz[i] = da[i]·sigmoid(z[i]).
func SoftplusBackward[T Float](dz, z, da []T) {
	dz = dz[:len(z)]
	da = da[:len(z)]
	for i, v := range z {
		dz[i] = da[i] * T(sigmoid(float64(v)))
	}
}

// GELU sets a[i] = z·Φ(z), the exact Gaussian error linear unit, where Φ is
// the standard normal distribution function.
func GELU[T Float](a, z []T) {
	a = a[:len(z)]
	for i, v := range z {
		x := float64(v)
		a[i] = T(x * normalCDF(x))
	}
}

// GELUBackward sets dz[i] = da[i]·(Φ(z) + z·φ(z)).
func GELUBackward[T Float](dz, z, da []T) {
	dz = dz[:len(z)]
	da = da[:len(z)]
	for i, v := range z {
		x := float64(v)
		dz[i] = da[i] * T(normalCDF(x)+x*normalPDF(x))
	}
}

func normalCDF(x float64) float64 { return 0.5 * math.Erfc(-x/math.Sqrt2) }

// invSqrt2Pi is 1/√(2π), the peak of the standard normal density.
const invSqrt2Pi = 0.3989422804014327

func normalPDF(x float64) float64 { return invSqrt2Pi * math.Exp(-0.5*x*x) }

// SoftmaxRows sets each row of the m×n matrix a to the softmax of the same
// row of z (both with row stride n). The row maximum is subtracted before
// exponentiating, so large logits never overflow.
func SoftmaxRows[T Float](a, z []T, m, n int) {
	if n > expChunk || m*n < expMin {
		softmaxRows(a, z, m, n)
		return
	}
	// softmaxRows's steps, with the exponentials of as many whole rows
	// as fit in expChunk taken at once by Exp.
	var e [expChunk]float64
	per := expChunk / n
	for i0 := 0; i0 < m; i0 += per {
		i1 := min(m, i0+per)
		es := e[:(i1-i0)*n]
		for i := i0; i < i1; i++ {
			zr, er := z[i*n:i*n+n], es[(i-i0)*n:(i-i0+1)*n]
			mx := math.Inf(-1)
			for _, v := range zr {
				mx = math.Max(mx, float64(v))
			}
			for j, v := range zr {
				er[j] = float64(v) - mx
			}
		}
		Exp(es, es)
		for i := i0; i < i1; i++ {
			ar, er := a[i*n:i*n+n], es[(i-i0)*n:(i-i0+1)*n]
			var s float64
			for j, ev := range er {
				ar[j] = T(ev)
				s += ev
			}
			inv := 1 / s
			for j := range ar {
				ar[j] = T(float64(ar[j]) * inv)
			}
		}
	}
}

// softmaxRows is SoftmaxRows with math.Exp one value at a time.
func softmaxRows[T Float](a, z []T, m, n int) {
	for i := 0; i < m; i++ {
		zr := z[i*n : i*n+n]
		ar := a[i*n : i*n+n]
		mx := math.Inf(-1)
		for _, v := range zr {
			mx = math.Max(mx, float64(v))
		}
		var s float64
		for j, v := range zr {
			e := math.Exp(float64(v) - mx)
			ar[j] = T(e)
			s += e
		}
		inv := 1 / s
		for j := range ar {
			ar[j] = T(float64(ar[j]) * inv)
		}
	}
}

// SoftmaxRowsBackward sets dz = a ⊙ (da - ⟨da, a⟩) row by row: the product
// of the softmax Jacobian with da, for a = softmax(z).
func SoftmaxRowsBackward[T Float](dz, a, da []T, m, n int) {
	for i := 0; i < m; i++ {
		ar := a[i*n : i*n+n]
		dar := da[i*n : i*n+n]
		dzr := dz[i*n : i*n+n]
		s := dotUnitary(dar, ar)
		for j, v := range ar {
			dzr[j] = v * (dar[j] - s)
		}
	}
}
