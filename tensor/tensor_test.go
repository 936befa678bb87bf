package tensor

import (
	"strings"
	"testing"
)

func TestMulTransposes(t *testing.T) {
	a := FromRows([][]float64{{1, 2, 3}, {4, 5, 6}})   // 2×3
	b := FromRows([][]float64{{1, 0}, {0, 1}, {2, 3}}) // 3×2
	want := [][]float64{{7, 11}, {16, 23}}             // a·b
	c := New[float64](2, 2)
	Mul(c, a, false, b, false, 1, 0)
	check(t, "a·b", c, want)

	at := FromRows([][]float64{{1, 4}, {2, 5}, {3, 6}}) // aᵀ stored
	Mul(c, at, true, b, false, 1, 0)
	check(t, "(aᵀ)ᵀ·b", c, want)

	bt := FromRows([][]float64{{1, 0, 2}, {0, 1, 3}}) // bᵀ stored
	Mul(c, a, false, bt, true, 1, 0)
	check(t, "a·(bᵀ)ᵀ", c, want)

	Mul(c, a, false, b, false, 2, 1) // c = 2ab + c = 3ab
	check(t, "accumulate", c, [][]float64{{21, 33}, {48, 69}})
}

func check(t *testing.T, name string, got *Matrix[float64], want [][]float64) {
	t.Helper()
	for i := range want {
		for j := range want[i] {
			if got.At(i, j) != want[i][j] {
				t.Errorf("%s: (%d,%d) = %v, want %v", name, i, j, got.At(i, j), want[i][j])
			}
		}
	}
}

func TestBiasAndColumnSums(t *testing.T) {
	m := FromRows([][]float32{{1, 2}, {3, 4}})
	AddRowVector(m, []float32{10, 20})
	if got := m.Data; got[0] != 11 || got[3] != 24 {
		t.Errorf("AddRowVector gave %v", got)
	}
	s := []float32{1, 1}
	SumRows(s, 1, m) // 1 + 11 + 13, 1 + 22 + 24
	if s[0] != 25 || s[1] != 47 {
		t.Errorf("SumRows gave %v, want [25 47]", s)
	}
}

func TestResizeReusesStorage(t *testing.T) {
	m := New[float64](4, 8)
	p := &m.Data[0]
	m.Resize(2, 8)
	m.Resize(4, 8)
	if &m.Data[0] != p {
		t.Error("Resize within capacity allocated")
	}
	if m.Rows != 4 || len(m.Data) != 32 {
		t.Errorf("shape %d×%d, len %d", m.Rows, m.Cols, len(m.Data))
	}
}

func TestShapePanics(t *testing.T) {
	tests := []struct {
		name string
		f    func()
	}{
		{"Mul", func() { Mul(New[float64](2, 2), New[float64](2, 3), false, New[float64](2, 2), false, 1, 0) }},
		{"At", func() { New[float64](2, 2).At(2, 0) }},
		{"FromRows", func() { FromRows([][]float64{{1, 2}, {3}}) }},
		{"AddRowVector", func() { AddRowVector(New[float64](2, 2), []float64{1}) }},
	}
	for _, tt := range tests {
		func() {
			defer func() {
				if s, ok := recover().(string); !ok || !strings.HasPrefix(s, "tensor: ") {
					t.Errorf("%s: recovered %v, want a \"tensor: \" panic", tt.name, s)
				}
			}()
			tt.f()
		}()
	}
}

func TestConvertAndClone(t *testing.T) {
	m := FromRows([][]float64{{0.1, 2}})
	c := Convert[float32](m)
	if c.Data[0] != float32(0.1) || c.Data[1] != 2 {
		t.Errorf("Convert gave %v", c.Data)
	}
	d := m.Clone()
	d.Data[0] = 5
	if m.Data[0] != 0.1 {
		t.Error("Clone shares storage")
	}
}

func TestSetThreads(t *testing.T) {
	defer SetThreads(Threads())
	SetThreads(3)
	if got := Threads(); got != 3 {
		t.Errorf("after SetThreads(3): Threads() = %d", got)
	}
	a := New[float64](130, 70)
	for i := range a.Data {
		a.Data[i] = float64(i%17) - 8
	}
	var want *Matrix[float64]
	for _, n := range []int{1, 2, 3} {
		SetThreads(n)
		c := New[float64](130, 130)
		Mul(c, a, false, a, true, 1, 0)
		if want == nil {
			want = c
			continue
		}
		for i := range c.Data {
			if c.Data[i] != want.Data[i] {
				t.Fatalf("SetThreads(%d): C[%d] = %v, one thread gives %v", n, i, c.Data[i], want.Data[i])
			}
		}
	}
}
