package kernel

// ScalarSigmoid returns σ(x) = 1/(1+e^−x) for one value, without overflow.
func ScalarSigmoid(x float64) float64 { return sigmoid(x) }

// ScalarGELUDeriv returns the derivative of the exact GELU, Φ(x) + x·φ(x).
func ScalarGELUDeriv(x float64) float64 { return normalCDF(x) + x*normalPDF(x) }
