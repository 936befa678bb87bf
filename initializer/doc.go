// Package initializer draws a network's starting weights from an explicit,
// seeded random source (never the global one), so the same seed always
// gives the same network.
//
// The schemes, for a weight matrix with fanIn inputs and fanOut outputs:
//
//	rand            U[0, 1), the tutorial's numpy.random.rand()
//	uniform         U(−a, a), a = Scale (default 0.05)
//	normal          N(0, s²), s = Scale (default 0.05)
//	glorot_uniform  U(−a, a), a = √(6/(fanIn+fanOut))   (Xavier)
//	glorot_normal   N(0, 2/(fanIn+fanOut))
//	he_uniform      U(−a, a), a = √(6/fanIn)            (Kaiming, for ReLU)
//	he_normal       N(0, 2/fanIn)
//	zeros           0
//
// Default picks He for the ReLU family and GELU and Glorot otherwise.
// Biases start at zero.
package initializer
