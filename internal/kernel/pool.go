package kernel

// MaxPool2x2Row pools one output row of 2×2 max pooling with stride 2:
// dst[j] is the largest of top[2j], top[2j+1], bot[2j], bot[2j+1],
// scanned in that order with a later value winning only when strictly
// larger (NaNs never win), and arg[j] = first + 2j plus 0, 1, w or w+1
// for where it was: its index when top starts at index first of a plane
// w values wide. It does nothing and returns false where it has no fast
// path (float64, no AVX2, fewer than 4 outputs), leaving the row to the
// caller's loop.
func MaxPool2x2Row[T Float](dst []T, arg []int32, top, bot []T, first, w int) bool {
	n := len(dst)
	if !hasAVX2FMA || n < 4 {
		return false
	}
	d, ok := any(dst).([]float32)
	if !ok {
		return false
	}
	t, b := any(top).([]float32)[:2*n], any(bot).([]float32)[:2*n]
	arg = arg[:n]
	if n < 8 {
		// 4 outputs, and the last 4 again where there are more.
		max2x2Row32x4(&t[0], &b[0], &d[0], &arg[0], int32(first), int32(w))
		if j := n - 4; j > 0 {
			max2x2Row32x4(&t[2*j], &b[2*j], &d[j], &arg[j], int32(first+2*j), int32(w))
		}
		return true
	}
	m := n &^ 7
	max2x2Row32(m, &t[0], &b[0], &d[0], &arg[0], int32(first), int32(w))
	if m < n {
		// The last 8 outputs again, overlapping those done: the same
		// values are written twice.
		j := n - 8
		max2x2Row32(8, &t[2*j], &b[2*j], &d[j], &arg[j], int32(first+2*j), int32(w))
	}
	return true
}
