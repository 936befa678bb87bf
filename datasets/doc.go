// Package datasets provides small built-in datasets for trying out and
// testing networks: the XOR problem, synthetic 2-D classification problems
// (circles, moons, spirals, blobs, a linearly separable pair), a 1-D
// regression problem (y = sin x), the tutorial's single training sample, and
// Fisher's iris data.
//
// Every random generator takes an explicit *rand.Rand (math/rand/v2), so the
// same seed always gives the same data and no global source is touched.
//
// Conventions shared by all generators:
//
//   - Features are named x1, x2, …; a regression target is named y and a
//     classification target "class", with classes named "0", "1", …
//     (iris uses the species names).
//   - Classification targets are one-hot rows of Y, as data.Dataset expects.
//   - The synthetic classification generators interleave classes: sample i
//     belongs to class i mod k. Classes are therefore balanced to within one
//     sample, and any contiguous slice of the data is close to balanced too.
//   - noise is the standard deviation of Gaussian noise added independently
//     to each coordinate (to the target for Sin); 0 gives clean data.
//
// The generators panic on arguments that can only be a programming mistake
// (negative n, negative noise, nil rng, too few classes). ByName, meant for
// command-line input, checks its arguments and returns errors instead.
package datasets
