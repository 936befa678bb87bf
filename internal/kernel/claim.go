package kernel

// ForEach runs r.Range(i, i+1) for each i in 0..n-1 on up to Workers()
// goroutines (the calling one among them) and returns when all are done.
// Unlike For, which gives each goroutine one even share of the indices,
// every index is a part of its own that the goroutines claim in turn, so
// a goroutine whose core is busy with other work takes fewer of them:
// for work in coarse pieces of about equal size (the shards of a batch)
// on a machine that others share. Each index must be worked the same way
// whichever goroutine claims it, which keeps results bit-identical at any
// worker count.
func ForEach(n int, r Ranger) {
	if w := min(Workers(), n); w > 1 {
		j := getForJob()
		j.n, j.r = n, r
		j.split.run(n, w)
		return
	}
	for i := range n {
		r.Range(i, i+1)
	}
}
