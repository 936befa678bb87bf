package playground

import "github.com/descent-ml/descent/activation"

// xorDefaults are the settings the page opened with before the harder
// defaults: the datasets package's XOR and one hidden layer of four tanh
// neurons. The server's tests were written against them.
func xorDefaults() Settings {
	s := Defaults()
	s.Dataset, s.Samples, s.Noise = "xor", 200, 0.1
	s.Hidden = []Layer{{Units: 4, Activation: activation.NameTanh}}
	return s
}
