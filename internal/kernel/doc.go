// Package kernel holds the numeric routines every layer, activation and loss
// goes through: matrix products (Gemm) and element-wise loops over slices.
//
// Keeping them in one small package lets faster implementations replace the
// portable Go code without touching the layers above. Every routine is
// generic over float32 and float64, and the caller owns all memory.
//
// Gemm has three paths, chosen per call from the shape alone:
//
//   - products under a few hundred multiply-adds run plain Go loops on the
//     caller's goroutine;
//   - on amd64 CPUs with AVX2 and FMA (detected at run time; the purego
//     build tag turns it off), larger products pack blocks of op(A) and
//     op(B) into pooled buffers, GotoBLAS-style, and run hand-written
//     assembly micro-kernels on 6×16 (float32) or 6×8 (float64) tiles of C;
//     where the CPU also has AVX-512, kernels twice as wide take two such
//     tiles at once, and in float32 read A where it lies instead of
//     packing it (readsA), and B too for products of few rows (readsB),
//     while products at most 16 columns wide (an output layer's classes)
//     skip the packing, eight rows of C at a time in masked registers
//     (gemmNarrow), all with the same bits;
//   - products of about a million multiply-adds or more are split by blocks
//     of rows or columns of C between up to Workers goroutines.
//
// Element-wise loops of 8,192 elements or more (Axpy, leaky ReLU and its
// backward, AddRowVector, SumRows) are split the same way. Helper
// goroutines wait for the next split job by spinning briefly (see
// SetWorkers). Elsewhere the portable loops serve every size. After
// warm-up no path allocates. GemmPost hands each finished block of C to a
// Post (a dense layer's bias and activation) while it is still in cache.
//
// Results never depend on how many goroutines a routine uses: work is split
// by output rows or columns, never along the inner dimension, and each
// output element is always accumulated in the same order. The assembly
// path fuses multiply and add, so its last bits can differ from the
// portable loops'.
package kernel
