// Package loss measures how far a network's predictions are from their
// targets and gives the gradient dLoss/dPrediction that starts the backward
// pass.
//
// Every loss first computes a per-sample loss ℓᵢ from row i of the
// predictions and targets, then reduces over the batch as its Reduction
// says: Mean (the default, the zero value) gives (1/n)·Σᵢ ℓᵢ, Sum gives
// Σᵢ ℓᵢ. Backward returns the gradient of exactly that reduced value.
// Every loss is therefore a sum over rows of a per-row loss, which is what
// lets Weighted weigh the rows.
//
// Per-sample losses, for predictions p (or logits z) and targets t over the
// outputs j of one sample:
//
//	squared_error   Σⱼ (pⱼ − tⱼ)²                  the tutorial's error
//	mse             (1/k) Σⱼ (pⱼ − tⱼ)²            k outputs
//	mae             (1/k) Σⱼ |pⱼ − tⱼ|
//	huber           (1/k) Σⱼ huber_δ(pⱼ − tⱼ)      ½d² for |d| ≤ δ, else δ(|d| − ½δ)
//	smooth_l1       (1/k) Σⱼ huber_β(pⱼ − tⱼ)/β    ½d²/β for |d| < β, else |d| − ½β
//	bce             −Σⱼ tⱼ log pⱼ + (1−tⱼ) log(1−pⱼ)  p a probability
//	bce_logits      the same with pⱼ = σ(zⱼ), computed stably from z
//	cross_entropy   −Σⱼ tⱼ log pⱼ                  p probabilities (softmax output)
//	softmax_cross_entropy
//	                log Σⱼ e^{zⱼ} − Σⱼ tⱼ zⱼ        z logits, t one-hot (or any
//	                                               distribution); gradient softmax(z) − t
//
// huber's δ and smooth_l1's β are Options.Delta, 1 when zero, as in
// PyTorch.
//
// # Reductions, and how they match PyTorch's
//
// Within a sample, a loss either sums over its k outputs or averages over
// them; over the batch, Mean divides by the n rows only. PyTorch's
// reduction="mean" instead divides by every element, n·k, except in
// CrossEntropyLoss, where the classes of a row are one distribution and
// only the rows are averaged. MeanAll and SumAll are PyTorch's "mean" and
// "sum" for every loss, whatever it does within a sample. So:
//
//	loss                   over outputs  Mean divides by  Mean vs PyTorch "mean"  MeanAll divides by  SumAll
//	squared_error          sums          n                k × MSELoss             n·k (= MSELoss)     MSELoss "sum"
//	mse                    averages      n·k              MSELoss, the same       n·k                 MSELoss "sum"
//	mae                    averages      n·k              L1Loss, the same        n·k                 L1Loss "sum"
//	huber                  averages      n·k              HuberLoss, the same     n·k                 HuberLoss "sum"
//	smooth_l1              averages      n·k              SmoothL1Loss, the same  n·k                 SmoothL1Loss "sum"
//	bce                    sums          n                k × BCELoss             n·k                 BCELoss "sum"
//	bce_logits             sums          n                k × BCEWithLogitsLoss   n·k                 BCEWithLogitsLoss "sum"
//	cross_entropy          sums          n                NLLLoss on log p, same  n                   NLLLoss "sum"
//	softmax_cross_entropy  sums          n                CrossEntropyLoss, same  n                   CrossEntropyLoss "sum"
//
// With one output (k = 1) every loss agrees with its PyTorch counterpart
// under every reduction. With Sum, the averaging losses (mse, mae, huber,
// smooth_l1) are 1/k of PyTorch's reduction="sum"; the others equal it.
// These are the conventions, not bugs: a multi-output bce sums the
// outputs' losses as independent questions, which PyTorch would average.
// Mean stays the default so that existing models and settings train to
// the same bits; bench/parity/gen_loss.py writes PyTorch's values, which
// the tests compare against every loss under MeanAll and SumAll.
//
// # Label smoothing
//
// The classification losses on logits take a label smoothing ε through
// their Smoothing field or Options.Smoothing: softmax_cross_entropy mixes
// the target row with the uniform distribution, (1 − ε)·t + ε/K over K
// classes, as PyTorch's CrossEntropyLoss(label_smoothing=ε); bce_logits
// uses t(1 − ε) + ε/2, as Keras's BinaryCrossentropy(label_smoothing=ε).
// Zero smoothing changes no bit of the result.
//
// # Weights
//
// Weighted wraps any loss and weighs each row of a batch: its Mean is
// Σᵢ wᵢ ℓᵢ / Σᵢ wᵢ, as PyTorch's weighted CrossEntropyLoss, and its Sum
// Σᵢ wᵢ ℓᵢ. Class weights become per-sample weights by giving each row the
// weight of its class; BalancedClassWeights gives scikit-learn's
// "balanced" ones.
//
// Losses on logits (bce_logits, softmax_cross_entropy) expect an identity
// output layer; their Link says which function turns the network's output
// into probabilities at prediction time.
package loss
