package kernel

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
)

func TestBiasLeakyReLURowsFloat32(t *testing.T) { testBiasLeakyReLURows[float32](t) }
func TestBiasLeakyReLURowsFloat64(t *testing.T) { testBiasLeakyReLURows[float64](t) }

// testBiasLeakyReLURows requires the bits of the two sweeps it fuses,
// AddRowVector then LeakyReLU, with and without a bias, for rows shorter
// than, equal to and longer than the assembly's 8 lanes, over ±0, ±Inf,
// NaN and subnormal values.
func testBiasLeakyReLURows[T Float](t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	special := []float64{0, math.Copysign(0, -1), math.Inf(1), math.Inf(-1), math.NaN(), 1e-40, -1e-40, 1e-310, -1e-310}
	for _, n := range []int{1, 7, 8, 9, 16, 17, 256} {
		for _, slope := range []T{0, 0.01, 0.2} {
			for _, bias := range []bool{false, true} {
				m := 3
				z := make([]T, m*n)
				var b []T
				for i := range z {
					z[i] = T(rng.NormFloat64())
					if rng.IntN(4) == 0 {
						z[i] = T(special[rng.IntN(len(special))])
					}
				}
				if bias {
					b = make([]T, n)
					for j := range b {
						b[j] = T(rng.NormFloat64())
						if rng.IntN(4) == 0 {
							b[j] = T(special[rng.IntN(len(special))])
						}
					}
				}
				wantZ := append([]T(nil), z...)
				if bias {
					addRowVector(m, wantZ, n, b)
				}
				wantA := make([]T, m*n)
				leakyReLU(wantA, wantZ, slope)
				a := make([]T, m*n)
				BiasLeakyReLURows(m, n, z, a, b, slope)
				name := fmt.Sprintf("n %d, slope %v, bias %v", n, slope, bias)
				requireBits(t, name+", z", z, wantZ)
				requireBits(t, name+", a", a, wantA)
			}
		}
	}
}

// requireBits fails the test unless got and want hold the same bits,
// any NaN matching any NaN (sameBits).
func requireBits[T Float](t *testing.T, name string, got, want []T) {
	t.Helper()
	for i := range want {
		if !sameBits(got[i], want[i]) {
			t.Fatalf("%s: [%d] = %v, want %v", name, i, got[i], want[i])
		}
	}
}
