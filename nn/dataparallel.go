package nn

import (
	"github.com/descent-ml/descent/internal/kernel"
	"github.com/descent-ml/descent/loss"
	"github.com/descent-ml/descent/tensor"
)

// dataParallel is Network.Gradient's data-parallel step for a chain of
// Dense layers. Splitting every product between the cores costs a wait
// at each of a step's products and element-wise sweeps, about twenty,
// and moves cache lines between cores; instead the batch is cut into a
// fixed number of shards of rows, and each core runs the forward pass of
// whole shards through every layer, then (after the loss, computed on the
// whole batch) their backward pass. Each shard writes its rows of the
// layers' workspaces, so afterwards the layers hold the whole batch's
// values as after the layer-by-layer step, and its own share of the
// parameters' gradients: shard 0 into Grad, the others into buffers that
// are then added into Grad in shard order.
//
// The number of shards depends on the batch's size alone (shardsFor), and
// each shard is computed the same way whichever core runs it, so a seed
// gives the same bits at any worker count. The gradients' bits differ
// from the layer-by-layer step's, which sums each weight's terms over the
// batch in one run.
type dataParallel[T tensor.Float] struct {
	dense    []*Dense[T]
	rows     int // the batch's rows
	shards   int
	backward bool              // Range runs the backward pass
	dOut     *tensor.Matrix[T] // dLoss/dOutput for the backward pass
	// offs[i] is where parameter i starts in a shard's gradient buffer,
	// size the buffer's length; grads holds the buffers of shards
	// 1..shards-1 one after another.
	params []*Param[T]
	offs   []int
	size   int
	grads  []T
	sum    gradSum[T]
}

// minShardRows is the fewest rows a shard gets: fewer and the products'
// weight gradients, whose inner dimension is the shard's rows, spend more
// on packing and on writing their result than on multiplying.
const minShardRows = 32

// maxDenseShards bounds the shards, and so the gradient buffers (one per
// shard after the first) and the passes that add them.
const maxDenseShards = 4

// shardsFor returns the number of shards for a batch of rows, 0 or 1
// for a batch the data-parallel step does not take.
func shardsFor(rows int) int {
	return min(maxDenseShards, rows/minShardRows)
}

// maxShardWork is the most multiply-adds per sample (the weights of the
// network) for which the data-parallel step is used: above it each
// product is long enough that splitting it between the cores costs little,
// and the shards' gradient buffers (one copy of the weights each) cost
// more in memory traffic than they save.
const maxShardWork = 1 << 20

// ready checks whether the step can take the network's Gradient on a
// batch of rows and, if so, readies the shards. It allocates only when
// the network or the shard count grows.
func (p *dataParallel[T]) ready(n *Network[T], rows int) bool {
	s := shardsFor(rows)
	if s < 2 || n.Trace != nil {
		return false
	}
	p.dense = p.dense[:0]
	work := 0
	for _, l := range n.Layers {
		d, ok := l.(*Dense[T])
		if !ok || !d.shardable() {
			return false
		}
		work += d.Inputs() * d.Outputs()
		p.dense = append(p.dense, d)
	}
	if work > maxShardWork {
		return false
	}
	if len(p.offs) != len(n.params) {
		p.params = n.params
		p.offs = make([]int, len(n.params))
		p.size = 0
		for i, q := range n.params {
			p.offs[i] = p.size
			p.size += len(q.Grad.Data)
		}
		p.grads = nil
	}
	if need := (s - 1) * p.size; len(p.grads) < need {
		p.grads = make([]T, need)
	}
	p.rows, p.shards = rows, s
	p.sum.p = p
	return true
}

// gradient is Network.Gradient by shards; ready must have said yes.
func (p *dataParallel[T]) gradient(n *Network[T], l loss.Loss[T], x, y *tensor.Matrix[T]) float64 {
	out := x
	for i, d := range p.dense {
		out = d.readyRows(out, i > 0)
		n.outs[i] = out
	}
	// Per shard, about a multiply-add per weight and sample; kernel.For
	// only needs to know that it is worth splitting.
	cost := p.size * (p.rows / p.shards)
	p.backward = false
	kernel.For(p.shards, cost, p)
	v := l.Forward(out, y)
	reshape(&n.dOut, out.Rows, out.Cols)
	l.Backward(&n.dOut, out, y)
	p.dOut, p.backward = &n.dOut, true
	kernel.For(p.shards, 2*cost, p)
	p.dOut = nil
	kernel.For((p.size+sumChunk-1)/sumChunk, sumChunk*(p.shards-1), &p.sum)
	return v
}

// Range runs the forward or backward pass of shards lo..hi-1.
func (p *dataParallel[T]) Range(lo, hi int) {
	for s := lo; s < hi; s++ {
		r0, r1 := s*p.rows/p.shards, (s+1)*p.rows/p.shards
		if !p.backward {
			for _, d := range p.dense {
				d.forwardRows(r0, r1)
			}
			continue
		}
		cols := p.dOut.Cols
		da := p.dOut.Data[r0*cols : r1*cols]
		k := len(p.params)
		for i := len(p.dense) - 1; i >= 0; i-- {
			d := p.dense[i]
			// The layer's parameters are the last of those counted so
			// far: W, then B if it has one.
			var gw, gb []T
			if d.B != nil {
				k -= 2
				gw, gb = p.grad(s, k), p.grad(s, k+1)
			} else {
				k--
				gw = p.grad(s, k)
			}
			da = d.backwardRows(r0, r1, da, gw, gb, i > 0)
		}
	}
}

// grad returns shard s's buffer for parameter i's gradient.
func (p *dataParallel[T]) grad(s, i int) []T {
	if s == 0 {
		return p.params[i].Grad.Data
	}
	o := (s-1)*p.size + p.offs[i]
	return p.grads[o : o+len(p.params[i].Grad.Data)]
}

// sumChunk is how many gradient values one part of the sum adds: a few
// microseconds of work.
const sumChunk = 1 << 13

// gradSum adds the shards' gradient buffers into the parameters' Grad, in
// shard order, chunk by chunk of the parameters laid end to end.
type gradSum[T tensor.Float] struct{ p *dataParallel[T] }

// Range adds chunks lo..hi-1.
func (g *gradSum[T]) Range(lo, hi int) {
	p := g.p
	for c := lo; c < hi; c++ {
		c0, c1 := c*sumChunk, min((c+1)*sumChunk, p.size)
		for i, q := range p.params {
			o0, o1 := max(c0, p.offs[i]), min(c1, p.offs[i]+len(q.Grad.Data))
			if o0 >= o1 {
				continue
			}
			dst := q.Grad.Data[o0-p.offs[i] : o1-p.offs[i]]
			for s := 1; s < p.shards; s++ {
				b := (s - 1) * p.size
				kernel.Add2D(1, len(dst), dst, len(dst), p.grads[b+o0:b+o1], len(dst))
			}
		}
	}
}
