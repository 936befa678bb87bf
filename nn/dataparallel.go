package nn

import (
	"unsafe"

	"github.com/descent-ml/descent/internal/kernel"
	"github.com/descent-ml/descent/loss"
	"github.com/descent-ml/descent/tensor"
)

// dataParallel is Network.Gradient's data-parallel step for a chain of
// Dense and Dropout layers. The layer-by-layer step splits each product
// and sweep between the cores, which costs a wait at each of them (about
// twenty a step) and moves cache lines from core to core. This step
// instead cuts the batch into shards of rows, one a worker: each core runs
// the forward pass of whole shards through every layer; after the loss,
// computed on the whole batch, it runs their backward pass down to each
// layer's dLoss/dz and dLoss/dx; then the weight and bias gradients, which
// sum over the whole batch, are computed as blocks of each layer's
// gradient that the cores share. Each layer's weights are packed for the
// shards' products once (kernel.PackedB), not once a shard: W before the
// forward pass, Wᵀ for the input gradients during it. Four waits a step.
// The shards and blocks are claimed one by one (kernel.ForEach), so a core
// that other work slows takes fewer.
//
// Each row of a product is computed the same way whichever rows it is
// computed with, and each block of a gradient the same way whichever
// block it is in (kernel.Gemm's splits never change an element's
// arithmetic), so the step gives the layer-by-layer step's bits, at any
// worker count. The layers' workspaces hold the whole batch's values
// afterwards, as after the layer-by-layer step.
type dataParallel[T tensor.Float] struct {
	layers []rowLayer[T]
	dense  []*Dense[T]         // the Dense layers among them
	dz     []*tensor.Matrix[T] // each Dense layer's dLoss/dz for the batch
	rows   int                 // the batch's rows
	shards int
	dOut   *tensor.Matrix[T] // dLoss/dOutput while the backward pass runs
	fwd    shardPass[T]
	bwd    shardPass[T]
	grads  gradBlocks[T]
	pack   packing[T] // W, packed before the forward pass
	packT  packing[T] // Wᵀ, packed during it by workers done with their shards
	// force, when positive, is the number of shards to use whatever
	// the worker count, for benchmarks that weigh a shard's cost.
	force int
}

// rowLayer is a layer kind the data-parallel step runs (Dense, Dropout):
// readyRows does the part of Forward for the whole batch (shapes the
// workspaces, draws random numbers in Forward's order), forwardRows and
// backwardRows compute a block of rows each value as Forward and
// Backward do, and inputGrad is where backwardRows writes dLoss/dInput.
type rowLayer[T tensor.Float] interface {
	readyRows(x *tensor.Matrix[T], inputGrad bool) *tensor.Matrix[T]
	forwardRows(r0, r1 int)
	backwardRows(r0, r1 int, da []T, inputGrad bool) []T
	inputGrad() *tensor.Matrix[T]
}

// minShardRows is the fewest rows a shard gets. Each shard streams all
// of a layer's packed weights through its core for few rows: on one core,
// two shards of a batch of 64 cost 3–12 % more than the layer-by-layer
// step (BenchmarkShardCost, 784-256-128-10), which is about what sharing
// the work between two cores with fewer waits can save; at 64 rows a
// shard the cost was lost in the noise of the shared 2-core machine.
const minShardRows = 64

// shardsFor returns the number of shards for a batch of rows, 0 or 1
// when the data-parallel step does not apply: one a worker, as more
// shards than cores would only add to each shard's cost, and no more than
// minShardRows allows. The bits do not depend on the number of shards.
func shardsFor(rows int) int {
	return min(kernel.Workers(), rows/minShardRows)
}

// maxShardBytes is the most bytes of weights for which the data-parallel
// step is taken: about what a core's L2 cache holds (2 MiB). Every
// shard streams all the weights through its core, where the layer-by-layer
// step's split products give each core half; for weights that stay in
// cache that costs little, for larger ones it cost the step 10–15 % more
// than it saved (784-1024-1024-10 at batch 64 and 512 on the 2-core
// development machine), while their long products split well.
const maxShardBytes = 2 << 20

// ready checks whether the step can take the network's Gradient on a
// batch of rows and, if so, readies it. It allocates only when the
// network's layers grow in number or the gradient blocks do.
func (p *dataParallel[T]) ready(n *Network[T], rows int) bool {
	s := shardsFor(rows)
	if p.force > 0 {
		s = min(p.force, rows)
	}
	if s < 1 || p.force == 0 && s < 2 || n.Trace != nil {
		return false
	}
	p.rows, p.shards = rows, s
	least := rows
	for i := range s {
		least = min(least, p.bound(i+1)-p.bound(i))
	}
	p.layers, p.dense = p.layers[:0], p.dense[:0]
	weights := 0
	for _, l := range n.Layers {
		switch l := l.(type) {
		case *Dense[T]:
			// A shard's products must take the packed path, as the
			// whole batch's do: the portable loops of small products
			// round differently.
			if !l.shardable() || least == 0 || kernel.IsSmall(least, l.Outputs(), l.Inputs()) {
				return false
			}
			weights += l.Inputs() * l.Outputs()
			p.dense = append(p.dense, l)
		case *Dropout[T]:
		default:
			return false
		}
		p.layers = append(p.layers, l.(rowLayer[T]))
	}
	if len(p.dense) == 0 {
		return false
	}
	if weights*int(unsafe.Sizeof(T(0))) > maxShardBytes && p.force == 0 {
		return false
	}
	p.fwd.p, p.bwd.p, p.bwd.backward, p.grads.p = p, p, true, p
	p.pack.blocks, p.packT.blocks = p.pack.blocks[:0], p.packT.blocks[:0]
	return true
}

// gradient is Network.Gradient by shards; ready must have said yes.
func (p *dataParallel[T]) gradient(n *Network[T], l loss.Loss[T], x, y *tensor.Matrix[T]) float64 {
	out := x
	work := 0 // multiply-adds per sample of the forward pass
	for i, l := range p.layers {
		out = l.readyRows(out, i > 0)
		n.outs[i] = out
		if d, ok := l.(*Dense[T]); ok {
			work += d.Inputs() * d.Outputs()
			p.pack.add(&d.packW)
			if i > 0 {
				p.packT.add(&d.packWT)
			}
		}
	}
	kernel.ForEach(len(p.pack.blocks), &p.pack)
	kernel.ForEach(p.shards+len(p.packT.blocks), &p.fwd)
	reshape(&n.dOut, out.Rows, out.Cols)
	v := loss.ValueAndGrad(l, &n.dOut, out, y)
	p.dOut = &n.dOut
	kernel.ForEach(p.shards, &p.bwd)
	p.dOut = nil
	p.dz = p.dz[:0]
	for i, l := range p.layers {
		d, ok := l.(*Dense[T])
		if !ok {
			continue
		}
		dz := &d.dz
		if d.identity {
			// dz is the dLoss/da the layer was given.
			dz = &n.dOut
			if i+1 < len(p.layers) {
				dz = p.layers[i+1].inputGrad()
			}
		}
		p.dz = append(p.dz, dz)
	}
	p.grads.plan(work * p.rows)
	kernel.ForEach(len(p.grads.blocks), &p.grads)
	return v
}

// shardPass is the forward or backward pass over shards, for
// kernel.ForEach.
type shardPass[T tensor.Float] struct {
	p        *dataParallel[T]
	backward bool
}

// Range runs the pass on shards lo..hi-1; in the forward pass, indices
// past the shards pack blocks of the layers' Wᵀ for the backward pass,
// which cores that are done with their shards claim.
func (sp *shardPass[T]) Range(lo, hi int) {
	p := sp.p
	for s := lo; s < hi; s++ {
		if s >= p.shards {
			p.packT.Range(s-p.shards, s-p.shards+1)
			continue
		}
		r0, r1 := p.bound(s), p.bound(s+1)
		if !sp.backward {
			for _, l := range p.layers {
				l.forwardRows(r0, r1)
			}
			continue
		}
		cols := p.dOut.Cols
		da := p.dOut.Data[r0*cols : r1*cols]
		for i := len(p.layers) - 1; i >= 0; i-- {
			da = p.layers[i].backwardRows(r0, r1, da, i > 0)
		}
	}
}

// gradBlock is a block of one layer's weight gradient: rows lo..hi-1
// (inputs) or, for byCols, columns lo..hi-1 (outputs); bias says that
// the block also sums the bias gradient of its columns.
type gradBlock struct {
	layer, lo, hi int
	byCols, bias  bool
}

// gradBlocks computes the layers' weight and bias gradients in blocks
// that the cores share.
type gradBlocks[T tensor.Float] struct {
	p      *dataParallel[T]
	blocks []gradBlock
}

// minGradBlock is the fewest multiply-adds a block gets: a block packs
// its share of the operands again, which a smaller one would not repay.
const minGradBlock = 1 << 16

// plan cuts the gradients of a step of total multiply-adds into blocks of
// whole micro-kernel tiles, by the dimension kernel.Gemm would split.
func (g *gradBlocks[T]) plan(total int) {
	g.blocks = g.blocks[:0]
	// About two blocks a worker, which claim them in turn.
	target := max(minGradBlock, total/(2*kernel.Workers()))
	for i, d := range g.p.dense {
		in, out := d.Inputs(), d.Outputs()
		// Columns in runs of 16, a whole number of the micro-kernel's
		// panels for either type (16 or 8 wide).
		rt, ct := kernel.RowTile, 16
		rowTiles, colTiles := (in+rt-1)/rt, (out+ct-1)/ct
		byCols := colTiles >= rowTiles
		dim, t, tiles := in, rt, rowTiles
		if byCols {
			dim, t, tiles = out, ct, colTiles
		}
		parts := max(1, min(tiles, in*out*g.p.rows/target))
		for b := range parts {
			lo, hi := min(dim, tiles*b/parts*t), min(dim, tiles*(b+1)/parts*t)
			g.blocks = append(g.blocks, gradBlock{layer: i, lo: lo, hi: hi, byCols: byCols, bias: d.B != nil && (byCols || b == 0)})
		}
	}
}

// Range computes blocks lo..hi-1.
func (g *gradBlocks[T]) Range(lo, hi int) {
	p := g.p
	for _, b := range g.blocks[lo:hi] {
		d := p.dense[b.layer]
		in, out, rows := d.Inputs(), d.Outputs(), p.rows
		x, dz, gw := d.x.Data, p.dz[b.layer].Data, d.W.Grad.Data
		c0, c1 := 0, out
		if b.byCols {
			c0, c1 = b.lo, b.hi
			kernel.GemmSerial(true, false, in, c1-c0, rows, 1, x, in, dz[c0:], out, 0, gw[c0:], out)
		} else {
			kernel.GemmSerial(true, false, b.hi-b.lo, out, rows, 1, x[b.lo:], in, dz, out, 0, gw[b.lo*out:], out)
		}
		if b.bias {
			kernel.ColumnSums(d.B.Grad.Data[c0:c1], 0, rows, dz[c0:], out)
		}
	}
}

// packing packs the blocks of the layers' weights, for kernel.ForEach.
type packing[T tensor.Float] struct {
	blocks []packBlock[T]
}

// packBlock is block i of a packed operand.
type packBlock[T tensor.Float] struct {
	pb *kernel.PackedB[T]
	i  int
}

// add appends pb's blocks.
func (pk *packing[T]) add(pb *kernel.PackedB[T]) {
	for i := range pb.Blocks() {
		pk.blocks = append(pk.blocks, packBlock[T]{pb, i})
	}
}

// Range packs blocks lo..hi-1.
func (pk *packing[T]) Range(lo, hi int) {
	for _, b := range pk.blocks[lo:hi] {
		b.pb.PackBlock(b.i)
	}
}

// bound returns the first row of shard s (the batch's rows for s =
// shards): the shards get whole tiles of kernel.RowTile rows, as evenly
// as they go, so only the last shard has a partial tile.
func (p *dataParallel[T]) bound(s int) int {
	tiles := (p.rows + kernel.RowTile - 1) / kernel.RowTile
	return min(p.rows, tiles*s/p.shards*kernel.RowTile)
}
