#!/bin/sh
# compare.sh runs the same training workloads in descent, PyTorch and numpy,
# side by side in one go, and prints a table of their speeds and ratios
# (bench/README.md explains every row and holds the last results).
#
#	bench/compare.sh                 # everything, a few minutes on 2 cores
#	REPEAT=5 bench/compare.sh        # more runs per cell (the best is kept)
#	SKIP_MNIST=1 bench/compare.sh    # leave out time-to-98 % on MNIST
#	SKIP_CNN=1 bench/compare.sh      # leave out the CNN rows
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
REPEAT=${REPEAT:-3}
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

# py TOOL CASE THREADS ARGS… records one numpy or PyTorch run. THREADS may
# end in p: that many threads with OMP_WAIT_POLICY=PASSIVE, which keeps
# PyTorch's OpenMP threads from spinning on the cores OpenBLAS needs.
py_cell() {
	tool=$1 c=$2 t=$3
	shift 3
	n=${t%p}
	policy=
	if [ "$n" != "$t" ]; then policy=OMP_WAIT_POLICY=PASSIVE; fi
	if out=$(env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE $policy timeout "$CELL_TIMEOUT" \
		$PY "$here/pybench.py" "$tool" "$@" --threads "$n"); then
		printf '%s\t%s\t%s\t%s\n' "$tool" "$c" "$t" "$out" >>"$results"
	else
		printf '%s\t%s\t%s\t{"failed": true}\n' "$tool" "$c" "$t" >>"$results"
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

for t in 1 2; do
	descent_cell tutorial $t -workload tutorial -dtype float64 -repeat "$REPEAT"
	descent_cell tiny $t -workload tiny -dtype float32 -repeat "$REPEAT"
	descent_cell mlp64 $t -workload mlp -batch 64 -samples 60000 -repeat "$REPEAT"
	descent_cell mlp1 $t -workload mlp -batch 1 -samples 5000 -repeat "$REPEAT"
	descent_cell gemm32 $t -workload gemm -size 2048 -dtype float32 -repeat "$REPEAT"
	descent_cell gemm64 $t -workload gemm -size 2048 -dtype float64 -repeat "$REPEAT"
done
# The issue's MNIST-shaped CNN, batch 64, SGD, on synthetic 1×28×28
# samples: descent and PyTorch one after the other at each thread count.
CNN_SAMPLES=${CNN_SAMPLES:-3200}
if [ -z "${SKIP_CNN:-}" ]; then
	for t in 1 2; do
		cnn_cell $t -batch 64 -samples "$CNN_SAMPLES" -repeat "$REPEAT"
		py_cell torch cnn $t cnn --batch 64 --samples "$CNN_SAMPLES" --repeat "$REPEAT"
	done
	py_cell torch cnn 2p cnn --batch 64 --samples "$CNN_SAMPLES" --repeat "$REPEAT"
fi

for tool in numpy torch; do
	threads="1 2"
	if [ $tool = torch ]; then threads="1 2 2p"; fi
	for t in $threads; do
		py_cell $tool tutorial $t tutorial --dtype float64 --repeat "$REPEAT"
		py_cell $tool tiny $t tiny --dtype float32 --steps "$PY_TINY_STEPS" --repeat 1
		py_cell $tool mlp64 $t mlp --batch 64 --samples 60000 --repeat "$REPEAT"
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
	# Each tool trains at the thread count that was fastest on the MLP epoch.
	best() { $PY "$here/table.py" --best-threads "$1" mlp64 "$results"; }
	td=$(best descent)
	descent_cell mnist "$td" -workload mnist -mnist "$mnist" -batch 64 -lr 0.001 -target 0.98 -max-epochs 20
	tt=$(best torch)
	py_cell torch mnist "$tt" mnist --mnist "$mnist" --batch 64 --lr 0.001 --target 0.98 --max-epochs 20
fi

echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
$PY "$here/table.py" "$results"
if [ -n "${KEEP:-}" ]; then cp "$results" "$KEEP"; fi
