// Package schedule holds learning-rate schedules: constant, step decay,
// exponential decay, inverse scaling, cosine annealing, flat then cosine
// (RealMLP-TD's "flat_cos") and reduce-on-plateau.
//
// A schedule maps an epoch, counted from 0, to a learning rate given the
// run's base rate lr0 and its number of epochs; the training loop asks for
// the rate at the start of every epoch. Reduce-on-plateau also watches the
// validation loss, which the loop hands it after every epoch through the
// Observer interface. Schedules hold no base rate of their own, so one
// schedule works with any learning rate.
//
// Build a schedule by name with New and a Config (the form a command line
// fills in), or use a type directly: a zero field means its documented
// default.
package schedule
