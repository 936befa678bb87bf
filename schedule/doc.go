// Package schedule holds learning-rate schedules: constant, step decay,
// exponential decay, inverse scaling, cosine annealing, cosine with warm
// restarts, flat then cosine (RealMLP-TD's "flat_cos"), reduce-on-plateau,
// and a linear warm-up in front of any of them.
//
// A schedule maps a unit, counted from 0, to a learning rate given the
// run's base rate lr0 and its number of units. The unit is an epoch or an
// optimizer step (Config.Per): the training loop asks for the rate at the
// start of every epoch, or before every step, and a loop of one's own can
// do either, since a schedule is a plain function of the unit (see the
// per-step example). Where PyTorch has the same schedule, each type says
// which it is and where its defaults or behaviour differ. Reduce-on-plateau also watches the
// validation loss, which the loop hands it after every epoch through the
// Observer interface. Schedules hold no base rate of their own, so one
// schedule works with any learning rate.
//
// Build a schedule by name with New and a Config (the form a command line
// fills in), or use a type directly: a zero field means its documented
// default.
package schedule
