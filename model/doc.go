// Package model saves trained networks to files and loads them back for
// prediction, and saves training checkpoints from which training resumes.
//
// A Model is plain data: the architecture (nn.Spec), every parameter
// tensor as float64 (a float32 model's values convert exactly), the loss
// name, which says how outputs become predictions, the task, the feature
// scaler, the CSV schema and class names needed to read new data the way
// the training data was read, the training configuration and the final
// metrics. FromNetwork captures a network, Network rebuilds one, and
// Predict and PredictClasses use the model directly.
//
// Files are JSON by default, readable and diffable, or a compact binary
// encoding for large models; Load tells them apart by their first bytes.
// FORMAT.md describes both. Either way a round trip preserves every
// float's bits, and NaN or infinite numbers are refused when saving and
// when loading.
//
// Save and SaveCheckpoint write a temporary file in the target's
// directory, sync it and rename it into place, so a crash mid-save leaves
// the previous file intact. Load and LoadCheckpoint validate everything
// (format version, shapes against the architecture, finite numbers, the
// stored checksum) and return an error that names the file rather than a
// wrong model; a file from a newer descent is refused with ErrNewerVersion.
// Loading is bounded: only regular files of at most DefaultMaxFileSize
// bytes are read (LoadWith and LoadCheckpointWith take a larger limit),
// sizes are checked against the bytes before anything is allocated for
// them, and errors quote at most an excerpt of what the file holds.
package model
