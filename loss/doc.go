// Package loss measures how far a network's predictions are from their
// targets and gives the gradient dLoss/dPrediction that starts the backward
// pass.
//
// Every loss first computes a per-sample loss ℓᵢ from row i of the
// predictions and targets, then reduces over the batch as its Reduction
// says: Mean (the default, the zero value) gives (1/n)·Σᵢ ℓᵢ, Sum gives
// Σᵢ ℓᵢ. Backward returns the gradient of exactly that reduced value.
//
// Per-sample losses, for predictions p (or logits z) and targets t over the
// outputs j of one sample:
//
//	squared_error   Σⱼ (pⱼ − tⱼ)²                  the tutorial's error
//	mse             (1/k) Σⱼ (pⱼ − tⱼ)²            k outputs
//	mae             (1/k) Σⱼ |pⱼ − tⱼ|
//	bce             −Σⱼ tⱼ log pⱼ + (1−tⱼ) log(1−pⱼ)  p a probability
//	bce_logits      the same with pⱼ = σ(zⱼ), computed stably from z
//	cross_entropy   −Σⱼ tⱼ log pⱼ                  p probabilities (softmax output)
//	softmax_cross_entropy
//	                log Σⱼ e^{zⱼ} − Σⱼ tⱼ zⱼ        z logits, t one-hot (or any
//	                                               distribution); gradient softmax(z) − t
//
// Losses on logits (bce_logits, softmax_cross_entropy) expect an identity
// output layer; their Link says which function turns the network's output
// into probabilities at prediction time.
package loss
