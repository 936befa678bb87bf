package activation

import (
	"github.com/descent-ml/descent/internal/kernel"
	"github.com/descent-ml/descent/tensor"
)

// Sigmoid is σ(z) = 1/(1+e^−z), with derivative σ'(z) = σ(z)(1−σ(z)).
type Sigmoid[T tensor.Float] struct{}

// Spec returns {sigmoid}.
func (Sigmoid[T]) Spec() Spec { return Spec{Name: NameSigmoid} }

// Forward sets a = σ(z), stable for large |z|.
func (Sigmoid[T]) Forward(a, z *tensor.Matrix[T]) {
	mustMatch("sigmoid", a, z)
	kernel.Sigmoid(a.Values(), z.Values())
}

// Backward sets dz = da·a(1−a).
func (Sigmoid[T]) Backward(dz, z, a, da *tensor.Matrix[T]) {
	mustMatch("sigmoid", dz, z, a, da)
	kernel.SigmoidBackward(dz.Values(), a.Values(), da.Values())
}

// Deriv returns a(1−a), which is σ'(z).
func (Sigmoid[T]) Deriv(z, a T) T { return a * (1 - a) }

// Tanh is tanh(z), with derivative 1−tanh²(z).
type Tanh[T tensor.Float] struct{}

// Spec returns {tanh}.
func (Tanh[T]) Spec() Spec { return Spec{Name: NameTanh} }

// Forward sets a = tanh(z).
func (Tanh[T]) Forward(a, z *tensor.Matrix[T]) {
	mustMatch("tanh", a, z)
	kernel.Tanh(a.Values(), z.Values())
}

// Backward sets dz = da·(1−a²).
func (Tanh[T]) Backward(dz, z, a, da *tensor.Matrix[T]) {
	mustMatch("tanh", dz, z, a, da)
	kernel.TanhBackward(dz.Values(), a.Values(), da.Values())
}

// Deriv returns 1−a².
func (Tanh[T]) Deriv(z, a T) T { return 1 - a*a }

// ReLU is max(z, 0); its derivative is 1 for z > 0 and 0 otherwise
// (0 at the kink itself).
type ReLU[T tensor.Float] struct{}

// Spec returns {relu}.
func (ReLU[T]) Spec() Spec { return Spec{Name: NameReLU} }

// Forward sets a = max(z, 0).
func (ReLU[T]) Forward(a, z *tensor.Matrix[T]) {
	mustMatch("relu", a, z)
	kernel.LeakyReLU(a.Values(), z.Values(), 0)
}

// Backward sets dz = da where z > 0, else 0.
func (ReLU[T]) Backward(dz, z, a, da *tensor.Matrix[T]) {
	mustMatch("relu", dz, z, a, da)
	kernel.LeakyReLUBackward(dz.Values(), z.Values(), da.Values(), 0)
}

// Deriv returns 1 for z > 0, else 0.
func (ReLU[T]) Deriv(z, a T) T {
	if z > 0 {
		return 1
	}
	return 0
}

// LeakyReLU is z for z > 0 and Slope·z otherwise.
type LeakyReLU[T tensor.Float] struct {
	// Slope is the gradient for z ≤ 0.
	Slope T
}

// Spec returns {leaky_relu, Slope}.
func (l LeakyReLU[T]) Spec() Spec { return Spec{Name: NameLeakyReLU, Slope: float64(l.Slope)} }

// Forward sets a = z or Slope·z.
func (l LeakyReLU[T]) Forward(a, z *tensor.Matrix[T]) {
	mustMatch("leaky_relu", a, z)
	kernel.LeakyReLU(a.Values(), z.Values(), l.Slope)
}

// Backward sets dz = da or Slope·da.
func (l LeakyReLU[T]) Backward(dz, z, a, da *tensor.Matrix[T]) {
	mustMatch("leaky_relu", dz, z, a, da)
	kernel.LeakyReLUBackward(dz.Values(), z.Values(), da.Values(), l.Slope)
}

// Deriv returns 1 for z > 0, else Slope.
func (l LeakyReLU[T]) Deriv(z, a T) T {
	if z > 0 {
		return 1
	}
	return l.Slope
}

// Identity is f(z) = z, the linear output of regression networks and of
// networks whose loss works on logits.
type Identity[T tensor.Float] struct{}

// Spec returns {identity}.
func (Identity[T]) Spec() Spec { return Spec{Name: NameIdentity} }

// Forward copies z into a.
func (Identity[T]) Forward(a, z *tensor.Matrix[T]) {
	mustMatch("identity", a, z)
	copy(a.Values(), z.Values())
}

// Backward copies da into dz.
func (Identity[T]) Backward(dz, z, a, da *tensor.Matrix[T]) {
	mustMatch("identity", dz, da)
	copy(dz.Values(), da.Values())
}

// Deriv returns 1.
func (Identity[T]) Deriv(z, a T) T { return 1 }

// Softmax maps each row of z to probabilities: a_j = e^{z_j} / Σ_k e^{z_k},
// computed after subtracting the row maximum so it never overflows. Its
// Jacobian is diag(a) − a·aᵀ, so dz = a ⊙ (da − ⟨da, a⟩). For training a
// classifier, prefer an identity output with loss.SoftmaxCrossEntropy,
// which fuses the two stably.
type Softmax[T tensor.Float] struct{}

// Spec returns {softmax}.
func (Softmax[T]) Spec() Spec { return Spec{Name: NameSoftmax} }

// Forward sets each row of a to the softmax of that row of z.
func (Softmax[T]) Forward(a, z *tensor.Matrix[T]) {
	mustMatch("softmax", a, z)
	kernel.SoftmaxRows(a.Values(), z.Values(), z.Rows, z.Cols)
}

// Backward sets dz = a ⊙ (da − ⟨da, a⟩) row by row.
func (Softmax[T]) Backward(dz, z, a, da *tensor.Matrix[T]) {
	mustMatch("softmax", dz, a, da)
	kernel.SoftmaxRowsBackward(dz.Values(), a.Values(), da.Values(), a.Rows, a.Cols)
}

// Softplus is log(1+e^z), a smooth ReLU; its derivative is σ(z).
type Softplus[T tensor.Float] struct{}

// Spec returns {softplus}.
func (Softplus[T]) Spec() Spec { return Spec{Name: NameSoftplus} }

// Forward sets a = log(1+e^z), stable for large |z|.
func (Softplus[T]) Forward(a, z *tensor.Matrix[T]) {
	mustMatch("softplus", a, z)
	kernel.Softplus(a.Values(), z.Values())
}

// Backward sets dz = da·σ(z).
func (Softplus[T]) Backward(dz, z, a, da *tensor.Matrix[T]) {
	mustMatch("softplus", dz, z, da)
	kernel.SoftplusBackward(dz.Values(), z.Values(), da.Values())
}

// Deriv returns σ(z).
func (Softplus[T]) Deriv(z, a T) T {
	return T(kernel.ScalarSigmoid(float64(z)))
}

// GELU is the exact Gaussian error linear unit z·Φ(z), Φ the standard
// normal distribution function (not the tanh approximation); its derivative
// is Φ(z) + z·φ(z).
type GELU[T tensor.Float] struct{}

// Spec returns {gelu}.
func (GELU[T]) Spec() Spec { return Spec{Name: NameGELU} }

// Forward sets a = z·Φ(z).
func (GELU[T]) Forward(a, z *tensor.Matrix[T]) {
	mustMatch("gelu", a, z)
	kernel.GELU(a.Values(), z.Values())
}

// Backward sets dz = da·(Φ(z) + z·φ(z)).
func (GELU[T]) Backward(dz, z, a, da *tensor.Matrix[T]) {
	mustMatch("gelu", dz, z, da)
	kernel.GELUBackward(dz.Values(), z.Values(), da.Values())
}

// Deriv returns Φ(z) + z·φ(z).
func (GELU[T]) Deriv(z, a T) T {
	return T(kernel.ScalarGELUDeriv(float64(z)))
}
