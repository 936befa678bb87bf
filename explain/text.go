package explain

import (
	"fmt"
	"io"
	"strings"
)

// num formats a value for the trace: six significant digits.
func num(v float64) string { return fmt.Sprintf("%.6g", v) }

func list(v []float64) string {
	s := make([]string, len(v))
	for i, x := range v {
		s[i] = num(x)
	}
	return "[" + strings.Join(s, ", ") + "]"
}

// inName names input i (from 1) of layer l (from 1): x for the first
// layer, the previous layer's activations otherwise.
func inName(l, i int) string {
	if l == 1 {
		return fmt.Sprintf("x%d", i)
	}
	return fmt.Sprintf("a%d.%d", l-1, i)
}

// WriteText prints the step as the tutorial does, numbered n.
func (s *Step) WriteText(w io.Writer, n int) error {
	p := &printer{w: w}
	p.f("── step %d ── input x = %s, target = %s\n\n", n, list(s.Input), list(s.Target))
	p.f("Forward pass\n")
	for _, L := range s.Layers {
		role := ""
		if L.Output {
			role = ", output"
		}
		p.f("  layer %d (%s%s)\n", L.Index, L.Activation, role)
		for _, nr := range L.Neurons {
			terms := make([]string, 0, len(nr.Weights)+1)
			for _, wt := range nr.Weights {
				terms = append(terms, num(nr.Inputs[wt.From-1])+"×"+num(wt.Old))
			}
			if nr.Bias != nil {
				terms = append(terms, num(nr.Bias.Old))
			}
			out := fmt.Sprintf("a%d.%d", L.Index, nr.Index)
			if L.Output {
				out = "prediction"
			}
			p.f("    neuron %d: sop = %s = %s;  %s = %s(sop) = %s\n", nr.Index, strings.Join(terms, " + "), num(nr.SOP), out, L.Activation, num(nr.Activation))
		}
	}
	p.f("  error (%s) = %s\n\n", s.Loss, num(s.Error))

	p.f("Backward pass (chain rule), learning rate %s\n", num(s.LearningRate))
	for li := len(s.Layers) - 1; li >= 0; li-- {
		L := s.Layers[li]
		a, da := fmt.Sprintf("a%d", L.Index), "da/dsop"
		dEda := "dE/da"
		if L.Output {
			a, da, dEda = "pred", "dpred/dsop", "dE/dpred"
		}
		for _, nr := range L.Neurons {
			p.f("  layer %d, neuron %d\n", L.Index, nr.Index)
			if L.Output {
				p.f("    %s = %s\n", dEda, num(nr.DErrorDActivation))
			} else {
				next := s.Layers[li+1]
				terms := make([]string, 0, len(next.Neurons))
				for _, k := range next.Neurons {
					terms = append(terms, num(k.DErrorDSOP)+"×"+num(k.Weights[nr.Index-1].Old))
				}
				p.f("    %s = Σ dE/dsop(next) × w(next) = %s = %s\n", dEda, strings.Join(terms, " + "), num(nr.DErrorDActivation))
			}
			if nr.DActivationDSOP != nil {
				p.f("    %s = %s'(sop) = %s\n", da, L.Activation, num(*nr.DActivationDSOP))
				p.f("    dE/dsop = %s × %s = %s\n", dEda, da, num(nr.DErrorDSOP))
			} else {
				p.f("    dE/dsop = %s ⊙ (%s − Σ %s·%s) (the %s Jacobian) = %s\n", a, dEda, dEda, a, L.Activation, num(nr.DErrorDSOP))
			}
			for _, wt := range nr.Weights {
				chain := dEda + " × " + da + " × dsop/dw"
				factors := fmt.Sprintf("%s × %s × %s", num(nr.DErrorDActivation), derivOr(nr), num(wt.DSOPDWeight))
				if nr.DActivationDSOP == nil {
					chain, factors = "dE/dsop × dsop/dw", num(nr.DErrorDSOP)+" × "+num(wt.DSOPDWeight)
				}
				p.f("    w(%s→%d): dE/dw = %s = %s = %s;  w: %s → %s − %s×%s = %s\n",
					inName(L.Index, wt.From), nr.Index, chain, factors, num(wt.Gradient),
					num(wt.Old), num(wt.Old), num(s.LearningRate), num(wt.Gradient), num(wt.New))
			}
			if b := nr.Bias; b != nil {
				p.f("    bias:   dE/db = dE/dsop × 1 = %s;  b: %s → %s\n", num(b.Gradient), num(b.Old), num(b.New))
			}
		}
	}
	p.f("\n")
	return p.err
}

func derivOr(n Neuron) string {
	if n.DActivationDSOP == nil {
		return "?"
	}
	return num(*n.DActivationDSOP)
}

// printer remembers the first write error so the caller checks once.
type printer struct {
	w   io.Writer
	err error
}

func (p *printer) f(format string, args ...any) {
	if p.err == nil {
		_, p.err = fmt.Fprintf(p.w, format, args...)
	}
}
