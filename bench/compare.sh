#!/bin/sh
# compare.sh runs the same training workloads in descent, PyTorch and numpy,
# side by side in one go, and prints a table of their speeds and ratios
# (bench/README.md explains every row and holds the last results).
#
#	bench/compare.sh                 # everything, a few minutes on 2 cores
#	REPEAT=5 bench/compare.sh        # more runs per cell (the best is kept)
#	SKIP_MNIST=1 bench/compare.sh    # leave out time-to-98 % on MNIST
#	SKIP_CNN=1 bench/compare.sh      # leave out the CNN rows
#	ONLY_CNN=1 bench/compare.sh      # the CNN rows alone, ROUNDS rounds
#	ROUNDS=5 bench/compare.sh        # more alternating rounds (MLP sweep, CNN)
#	QUICK=1 bench/compare.sh         # smoke test in a few minutes: 1 round,
#	                                 # small epochs, REPEAT=1, no CNN or MNIST
#
# The MLP rows (batch 16 to 1024, and 784-1024-1024-10) are a sweep: numpy
# and PyTorch each try every layout of intra-op threads {1, 2} × OpenBLAS
# threads {1, 2} × OMP_WAIT_POLICY {PASSIVE, ACTIVE}, descent 1 and 2
# threads, and the three tools take turns round by round (ROUNDS, at least
# 3), so each tool's best comes from the same stretch of a shared machine.
#
# It installs Debian's python3-torch, python3-numpy and the OpenBLAS they
# run on if they are missing (needs root and apt), builds descent once, and
# runs every cell REPEAT times inside one process, keeping the fastest,
# because these machines are shared and noisy. numpy and PyTorch run with
# OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE unset, which otherwise pin a slow
# kernel; the kernel OpenBLAS then picks is printed first. Not part of CI.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
if [ -n "${QUICK:-}" ]; then
	# Checks that every part of the script runs, not the figures.
	: "${REPEAT:=1}" "${ROUNDS:=1}" "${SWEEP_SAMPLES:=6144}" "${WIDE_SAMPLES:=2048}"
	: "${PY_TINY_STEPS:=2000}" "${SKIP_CNN:=1}" "${SKIP_MNIST:=1}"
fi
REPEAT=${REPEAT:-3}
# Rounds of the MLP sweep; each keeps a tool's best of every cell.
ROUNDS=${ROUNDS:-3}
# Samples per timed epoch in the sweep: 784-256-128-10, then 784-1024-1024-10
# (nine times the work per sample). Both divide by every batch size.
SWEEP_SAMPLES=${SWEEP_SAMPLES:-30720}
WIDE_SAMPLES=${WIDE_SAMPLES:-10240}
# The Python tiny-network loops take 0.1 ms a step, so they run fewer steps
# than descent's 100,000 by default; the table compares time per step.
PY_TINY_STEPS=${PY_TINY_STEPS:-20000}
# A cell that takes longer than this is recorded as failed, not waited for
# (PyTorch at 2 threads can crawl when the cores are busy).
CELL_TIMEOUT=${CELL_TIMEOUT:-300}
PY=/usr/bin/python3 # Debian's, which sees python3-torch; not pyenv's

if ! $PY -c 'import torch, numpy' 2>/dev/null ||
	! ls /usr/lib/x86_64-linux-gnu/libopenblas.so.0 >/dev/null 2>&1; then
	echo "installing python3-torch python3-numpy libopenblas0-pthread…" >&2
	apt-get update >&2
	# Without recommends numpy falls back to the reference BLAS, a tenth
	# of OpenBLAS's speed; libopenblas0-pthread takes the libblas.so.3 slot.
	apt-get install -y --no-install-recommends python3-torch python3-numpy libopenblas0-pthread >&2
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
(cd "$root" && go build -o "$work/descent" ./cmd/descent)
results=$work/results.tsv
: >"$results"

# descent CASE THREADS ARGS… records one descent run.
descent_cell() {
	c=$1 t=$2
	shift 2
	if out=$(timeout "$CELL_TIMEOUT" "$work/descent" bench -threads "$t" "$@"); then
		printf 'descent\t%s\t%s\t%s\n' "$c" "$t" "$out" >>"$results"
	else
		printf 'descent\t%s\t%s\t{"failed": true}\n' "$c" "$t" >>"$results"
	fi
}

# cnn_cell THREADS ARGS… records one run of descent's CNN (descent bench
# -workload cnn: the issue's network on 1×28×28 inputs).
cnn_cell() {
	t=$1
	shift
	if out=$(timeout "$CELL_TIMEOUT" "$work/descent" bench -workload cnn -threads "$t" "$@"); then
		printf 'descent\tcnn\t%s\t%s\n' "$t" "$out" >>"$results"
	else
		printf 'descent\tcnn\t%s\t{"failed": true}\n' "$t" >>"$results"
	fi
}

# layout LABEL sets $threads_args and $policy for one numpy or PyTorch run.
# LABEL is N (N threads, intra-op and OpenBLAS), Np (the same with
# OMP_WAIT_POLICY=PASSIVE, which keeps PyTorch's OpenMP threads from
# spinning on the cores OpenBLAS needs), or iXbYP / iXbYA: X intra-op
# threads, Y OpenBLAS threads, OMP_WAIT_POLICY PASSIVE or ACTIVE.
layout() {
	policy=
	case $1 in
	i*b*[PA])
		x=${1#i} x=${x%%b*} y=${1#*b} y=${y%?}
		threads_args="--threads $x --blas-threads $y"
		case $1 in *P) policy=OMP_WAIT_POLICY=PASSIVE ;; *) policy=OMP_WAIT_POLICY=ACTIVE ;; esac
		;;
	*p) threads_args="--threads ${1%p}" policy=OMP_WAIT_POLICY=PASSIVE ;;
	*) threads_args="--threads $1" ;;
	esac
}

# py TOOL CASE LAYOUT ARGS… records one numpy or PyTorch run (see layout).
py_cell() {
	tool=$1 c=$2 t=$3
	shift 3
	layout "$t"
	if out=$(env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE $policy timeout "$CELL_TIMEOUT" \
		$PY "$here/pybench.py" "$tool" "$@" $threads_args); then
		printf '%s\t%s\t%s\t%s\n' "$tool" "$c" "$t" "$out" >>"$results"
	else
		printf '%s\t%s\t%s\t{"failed": true}\n' "$tool" "$c" "$t" >>"$results"
	fi
}

# py_suite TOOL LAYOUT runs every sweep case for TOOL in one process and
# records a line per case.
py_suite() {
	tool=$1 t=$2
	layout "$t"
	if out=$(env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE $policy timeout "$CELL_TIMEOUT" \
		$PY "$here/pybench.py" "$tool" suite --cases "$py_cases" --repeat "$REPEAT" $threads_args); then
		printf '%s\n' "$out" | while read -r line; do
			c=$(printf '%s' "$line" | sed 's/.*"case": "\([^"]*\)".*/\1/')
			printf '%s\t%s\t%s\t%s\n' "$tool" "$c" "$t" "$line" >>"$results"
		done
	else
		for spec in $py_cases; do
			printf '%s\t%s\t%s\t{"failed": true}\n' "$tool" "${spec%%=*}" "$t" >>"$results"
		done
	fi
}

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//'), SIMD: $(grep -m1 '^flags' /proc/cpuinfo | tr ' ' '\n' | grep -E '^(avx2|fma|avx512f)$' | tr '\n' ' ')"
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "$($work/descent version 2>/dev/null || true) $(go version)"
# Others edit the tree while this runs; say what was built.
dirty=$(cd "$root" && git status --short -- '*.go' '*.s' | wc -l)
echo "descent built from commit $(cd "$root" && git rev-parse --short HEAD) with $dirty uncommitted Go/assembly files"
env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE $PY "$here/pybench.py" torch info --threads 2 |
	$PY -c 'import json,sys; d=json.load(sys.stdin); print("numpy", d["numpy"], "torch", d["torch"], "| BLAS:", d.get("openblas_config", d["blas_libraries"]), "| OpenBLAS kernel (core):", d.get("openblas_core", "not OpenBLAS")); print("torch:", [l.strip() for l in d["torch_config"].splitlines() if "CPU capability" in l or "BLAS_INFO" in l][0][:80])'
echo "running (REPEAT=$REPEAT per cell, best kept)…" >&2

# The issue's MNIST-shaped CNN, batch 64, SGD, on synthetic 1×28×28
# samples: descent and PyTorch (1, 2 and 2 passive threads) take turns
# for ROUNDS rounds, who goes first changing each round, and each cell
# keeps its best, as in the MLP sweep.
CNN_SAMPLES=${CNN_SAMPLES:-3200}
cnn_rows() {
	r=1
	while [ $r -le "$ROUNDS" ]; do
		echo "CNN round $r of $ROUNDS, load average $(cut -d' ' -f1-3 /proc/loadavg)" >&2
		for t in 1 2; do
			if [ $((r % 2)) = 1 ]; then
				cnn_cell $t -batch 64 -samples "$CNN_SAMPLES" -repeat "$REPEAT"
				py_cell torch cnn $t cnn --batch 64 --samples "$CNN_SAMPLES" --repeat "$REPEAT"
			else
				py_cell torch cnn $t cnn --batch 64 --samples "$CNN_SAMPLES" --repeat "$REPEAT"
				cnn_cell $t -batch 64 -samples "$CNN_SAMPLES" -repeat "$REPEAT"
			fi
		done
		py_cell torch cnn 2p cnn --batch 64 --samples "$CNN_SAMPLES" --repeat "$REPEAT"
		r=$((r + 1))
	done
}
if [ -n "${ONLY_CNN:-}" ]; then
	cnn_rows
	echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
	$PY "$here/table.py" "$results"
	if [ -n "${KEEP:-}" ]; then cp "$results" "$KEEP"; fi
	exit 0
fi

for t in 1 2; do
	descent_cell tutorial $t -workload tutorial -dtype float64 -repeat "$REPEAT"
	descent_cell tiny $t -workload tiny -dtype float32 -repeat "$REPEAT"
	descent_cell mlp1 $t -workload mlp -batch 1 -samples 5000 -repeat "$REPEAT"
	descent_cell gemm32 $t -workload gemm -size 2048 -dtype float32 -repeat "$REPEAT"
	descent_cell gemm64 $t -workload gemm -size 2048 -dtype float64 -repeat "$REPEAT"
done
# The MLP sweep. Each case is NAME=LAYERS:BATCH:SAMPLES; "peak" is the
# 2048² float32 product, whose fastest 2-core run is the peak the table
# measures every workload's GFLOP/s against.
S=$SWEEP_SAMPLES W=$WIDE_SAMPLES
sweep="mlp16=784,256,128,10:16:$S mlp64=784,256,128,10:64:$S mlp256=784,256,128,10:256:$S
mlp1024=784,256,128,10:1024:$S wide64=784,1024,1024,10:64:$W wide512=784,1024,1024,10:512:$W"
py_cases="$(for s in $sweep; do printf '%s=mlp:%s ' "${s%%=*}" "${s#*=}"; done)peak=gemm:2048"
LAYOUTS="i1b1P i1b2P i2b1P i2b2P i1b1A i1b2A i2b1A i2b2A"
sweep_descent() {
	for t in 1 2; do
		for s in $sweep; do
			l=${s#*=} n=${s##*:}
			l=${l%:*} b=${l##*:} l=${l%:*}
			descent_cell "${s%%=*}" $t -workload mlp -layers "$l" -batch "$b" -samples "$n" -repeat "$REPEAT"
		done
	done
	descent_cell peak 2 -workload gemm -size 2048 -dtype float32 -repeat "$REPEAT"
}
sweep_py() {
	for t in $LAYOUTS; do py_suite "$1" "$t"; done
}
r=1
while [ $r -le "$ROUNDS" ]; do
	echo "sweep round $r of $ROUNDS, load average $(cut -d' ' -f1-3 /proc/loadavg)" >&2
	echo "sweep round $r: load average before $(cut -d' ' -f1-3 /proc/loadavg)"
	# Take turns, and change who goes first, so no tool always runs
	# right after the same neighbour.
	if [ $((r % 2)) = 1 ]; then
		sweep_descent; sweep_py numpy; sweep_py torch
	else
		sweep_py torch; sweep_py numpy; sweep_descent
	fi
	r=$((r + 1))
done

if [ -z "${SKIP_CNN:-}" ]; then
	cnn_rows
fi

for tool in numpy torch; do
	threads="1 2"
	if [ $tool = torch ]; then threads="1 2 2p"; fi
	for t in $threads; do
		py_cell $tool tutorial $t tutorial --dtype float64 --repeat "$REPEAT"
		py_cell $tool tiny $t tiny --dtype float32 --steps "$PY_TINY_STEPS" --repeat 1
		py_cell $tool mlp1 $t mlp --batch 1 --samples 5000 --repeat "$REPEAT"
		py_cell $tool gemm32 $t gemm --size 2048 --dtype float32 --repeat "$REPEAT"
		py_cell $tool gemm64 $t gemm --size 2048 --dtype float64 --repeat "$REPEAT"
	done
done

# Kernel at the MLP's shapes (forward, weight gradient, input gradient of
# each layer at batch 64), float32, one thread: descent against OpenBLAS
# through numpy.
for s in "NN 64,256,784" "NN 64,128,256" "NN 64,10,128" "TN 784,256,64" "TN 256,128,64" \
	"TN 128,10,64" "NT 64,784,256" "NT 64,256,128" "NT 64,128,10"; do
	set -- $s
	descent_cell "shape:$1:$2" 1 -workload gemm -shape "$2" -trans "$1" -dtype float32 -repeat "$REPEAT"
	py_cell numpy "shape:$1:$2" 1 gemm --shape "$2" --trans "$1" --dtype float32 --repeat "$REPEAT"
done

if [ -z "${SKIP_MNIST:-}" ]; then
	mnist=$("$root/scripts/fetch-mnist.sh")
	# Each tool trains at the thread count (or layout) that was fastest on
	# the MLP epoch at batch 64.
	best() { $PY "$here/table.py" --best-threads "$1" mlp64 "$results"; }
	td=$(best descent)
	descent_cell mnist "$td" -workload mnist -mnist "$mnist" -batch 64 -lr 0.001 -target 0.98 -max-epochs 20
	tt=$(best torch)
	py_cell torch mnist "$tt" mnist --mnist "$mnist" --batch 64 --lr 0.001 --target 0.98 --max-epochs 20
fi

echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
$PY "$here/table.py" "$results"
if [ -n "${KEEP:-}" ]; then cp "$results" "$KEEP"; fi
