"""pybench.py times, in PyTorch or numpy, the workloads that `descent bench`
times, and prints one JSON object per run, with the same fields.

Usage: pybench.py TOOL WORKLOAD [options]   (see --help)

TOOL is torch or numpy; WORKLOAD is tutorial, tiny, mlp, gemm, mnist,
suite (several mlp and gemm cases in one process, --cases) or info (which
BLAS and kernel are loaded). The thread counts are set before numpy or
torch is imported: --threads is the intra-op count (OMP_NUM_THREADS and
torch.set_num_threads), --blas-threads OpenBLAS's own pthreads
(OPENBLAS_NUM_THREADS, MKL_NUM_THREADS; default: --threads). They are
separate because PyTorch's fastest layout on 2 cores can be one intra-op
thread with OpenBLAS on two. As in descent, only
the training loop (or the product) is timed: not the interpreter's start,
the imports, nor making the data. compare.sh runs this script with
OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE unset.
"""

import argparse
import json
import math
import os
import sys
import time


def parse_args():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("tool", choices=["torch", "numpy"])
    p.add_argument("workload", choices=["info", "suite", "tutorial", "tiny", "mlp", "cnn", "gemm", "mnist", "mnist_cnn"])
    p.add_argument("--threads", type=int, default=1, help="intra-op threads (torch.set_num_threads, OMP_NUM_THREADS)")
    p.add_argument("--blas-threads", type=int, default=0, help="OpenBLAS threads (default: --threads)")
    p.add_argument("--cases", default="",
                   help="for suite: space-separated NAME=mlp:LAYERS:BATCH:SAMPLES or NAME=gemm:SIZE, "
                        "e.g. 'mlp64=mlp:784,256,128,10:64:30720 peak=gemm:2048'")
    p.add_argument("--repeat", type=int, default=1, help="run the timed part this many times, report the fastest")
    p.add_argument("--steps", type=int, default=0, help="tutorial iterations (10000) or tiny steps (100000)")
    p.add_argument("--batch", type=int, default=64)
    p.add_argument("--samples", type=int, default=60000)
    p.add_argument("--layers", default="784,256,128,10")
    p.add_argument("--dtype", default="float32", choices=["float32", "float64"])
    p.add_argument("--size", type=int, default=2048)
    p.add_argument("--shape", default="", help="M,N,K of a non-square gemm instead of --size")
    p.add_argument("--trans", default="NN", help="for --shape: op(A) and op(B), N or T each")
    p.add_argument("--mnist", default="", help="folder with the gzipped MNIST IDX files")
    p.add_argument("--target", type=float, default=0.98)
    p.add_argument("--max-epochs", type=int, default=20)
    p.add_argument("--lr", type=float, default=0)
    p.add_argument("--seed", type=int, default=1)
    return p.parse_args()


ARGS = parse_args()
BLAS_THREADS = ARGS.blas_threads or ARGS.threads
os.environ["OMP_NUM_THREADS"] = str(ARGS.threads)
for var in ("OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[var] = str(BLAS_THREADS)

import numpy as np  # noqa: E402  (after the thread variables are set)

if ARGS.tool == "torch":
    import torch  # noqa: E402

    torch.set_num_threads(ARGS.threads)
    torch.manual_seed(ARGS.seed)


def emit(**fields):
    fields.setdefault("tool", ARGS.tool)
    fields.setdefault("threads", ARGS.threads)
    fields.setdefault("blas_threads", BLAS_THREADS)
    fields.setdefault("omp_wait_policy", os.environ.get("OMP_WAIT_POLICY", ""))
    print(json.dumps(fields), flush=True)


def best(f):
    """Runs f ARGS.repeat times; f returns (seconds, extra); keeps the fastest."""
    runs = [f() for _ in range(ARGS.repeat)]
    return min(runs, key=lambda r: r[0])


def blas_info():
    """Says which BLAS library is loaded, and for OpenBLAS which kernel
    (core) it picked, by asking the library itself."""
    import ctypes

    libs = sorted({line.split()[-1] for line in open("/proc/self/maps") if "blas" in line.lower()})
    info = {"blas_libraries": libs}
    for path in libs:
        try:
            lib = ctypes.CDLL(path)
            lib.openblas_get_corename.restype = ctypes.c_char_p
            lib.openblas_get_config.restype = ctypes.c_char_p
            info["openblas_core"] = lib.openblas_get_corename().decode()
            info["openblas_config"] = lib.openblas_get_config().decode()
            info["openblas_threads"] = lib.openblas_get_num_threads()
        except (OSError, AttributeError):
            continue
    try:
        import threadpoolctl

        info["threadpoolctl"] = threadpoolctl.threadpool_info()
    except ImportError:
        pass
    return info


# ---- (1) the tutorial's network -------------------------------------------


def tutorial_numpy(steps):
    """The tutorial's loop as it writes it: Python functions on numpy scalars."""

    def sigmoid(sop):
        return 1.0 / (1 + np.exp(-1 * sop))

    def error(predicted, target):
        return np.power(predicted - target, 2)

    def error_predicted_deriv(predicted, target):
        return 2 * (predicted - target)

    def sigmoid_sop_deriv(sop):
        return sigmoid(sop) * (1.0 - sigmoid(sop))

    def sop_w_deriv(x):
        return x

    def update_w(w, grad, learning_rate):
        return w - learning_rate * grad

    x, target, learning_rate = 0.1, 0.3, ARGS.lr or 0.5
    w = 0.5
    start = time.perf_counter()
    for _ in range(steps):
        y = w * x
        predicted = sigmoid(y)
        err = error(predicted, target)  # noqa: F841  (the tutorial computes it)
        g1 = error_predicted_deriv(predicted, target)
        g2 = sigmoid_sop_deriv(y)
        g3 = sop_w_deriv(x)
        grad = g3 * g2 * g1
        w = update_w(w, grad, learning_rate)
    return time.perf_counter() - start, float(w)


def tutorial_torch(steps):
    """The same loop with autograd: one weight tensor, backward, update."""
    dt = getattr(torch, ARGS.dtype)
    x = torch.tensor(0.1, dtype=dt)
    target = torch.tensor(0.3, dtype=dt)
    lr = ARGS.lr or 0.5
    w = torch.tensor(0.5, dtype=dt, requires_grad=True)
    start = time.perf_counter()
    for _ in range(steps):
        predicted = torch.sigmoid(w * x)
        err = (predicted - target) ** 2
        err.backward()
        with torch.no_grad():
            w -= lr * w.grad
        w.grad.zero_()
    return time.perf_counter() - start, float(w)


# ---- (2) the 2-8-1 sigmoid network, one sample per step -------------------

TINY_SAMPLES = 1000


def tiny_data():
    rng = np.random.default_rng(ARGS.seed)
    x = rng.uniform(-1, 1, size=(TINY_SAMPLES, 2)).astype(ARGS.dtype)
    y = (x[:, :1] * x[:, 1:] > 0).astype(ARGS.dtype)
    return x, y


def tiny_torch(steps):
    xs, ys = tiny_data()
    dt = getattr(torch, ARGS.dtype)
    xs = [torch.from_numpy(xs[i : i + 1]) for i in range(TINY_SAMPLES)]
    ys = [torch.from_numpy(ys[i : i + 1]) for i in range(TINY_SAMPLES)]
    net = torch.nn.Sequential(
        torch.nn.Linear(2, 8), torch.nn.Sigmoid(), torch.nn.Linear(8, 1), torch.nn.Sigmoid()
    ).to(dt)
    opt = torch.optim.SGD(net.parameters(), lr=ARGS.lr or 0.1)
    lossf = torch.nn.MSELoss()
    start = time.perf_counter()
    for i in range(steps):
        j = i % TINY_SAMPLES
        opt.zero_grad()
        loss = lossf(net(xs[j]), ys[j])
        loss.backward()
        opt.step()
    return time.perf_counter() - start, float(loss)


def tiny_numpy(steps):
    """Hand-written forward and backward of the 2-8-1 network, row vectors."""
    xs, ys = tiny_data()
    rng = np.random.default_rng(ARGS.seed + 1)
    w1 = rng.uniform(-1, 1, size=(2, 8)).astype(ARGS.dtype)
    b1 = np.zeros(8, ARGS.dtype)
    w2 = rng.uniform(-1, 1, size=(8, 1)).astype(ARGS.dtype)
    b2 = np.zeros(1, ARGS.dtype)
    lr = ARGS.lr or 0.1
    start = time.perf_counter()
    for i in range(steps):
        j = i % TINY_SAMPLES
        x, y = xs[j], ys[j]
        a1 = 1 / (1 + np.exp(-(x @ w1 + b1)))
        a2 = 1 / (1 + np.exp(-(a1 @ w2 + b2)))
        d = a2 - y
        loss = d @ d
        dz2 = 2 * d * a2 * (1 - a2)
        dz1 = (w2 @ dz2) * a1 * (1 - a1)
        w2 -= lr * np.outer(a1, dz2)
        b2 -= lr * dz2
        w1 -= lr * np.outer(x, dz1)
        b1 -= lr * dz1
    return time.perf_counter() - start, float(loss)


# ---- (3, 4) the 784-256-128-10 ReLU network, softmax cross-entropy, SGD ----


def sizes():
    return [int(s) for s in ARGS.layers.split(",")]


def synthetic(n, d_in, d_out, dtype):
    rng = np.random.default_rng(ARGS.seed)
    x = rng.random((n, d_in), dtype=np.float64).astype(dtype)
    y = np.zeros((n, d_out), dtype)
    y[np.arange(n), rng.integers(0, d_out, n)] = 1
    return x, y, rng


def mlp_torch(_):
    sz = sizes()
    dt = getattr(torch, ARGS.dtype)
    x, y, _ = synthetic(ARGS.samples, sz[0], sz[-1], ARGS.dtype)
    x = torch.from_numpy(x)
    labels = torch.from_numpy(y.argmax(1))
    layers = []
    for i in range(1, len(sz)):
        layers.append(torch.nn.Linear(sz[i - 1], sz[i]))
        if i < len(sz) - 1:
            layers.append(torch.nn.ReLU())
    net = torch.nn.Sequential(*layers).to(dt)
    opt = torch.optim.SGD(net.parameters(), lr=ARGS.lr or 0.01)
    lossf = torch.nn.CrossEntropyLoss()
    b = ARGS.batch
    batches = [(x[lo : lo + b], labels[lo : lo + b]) for lo in range(0, ARGS.samples, b)]

    def step(xb, yb):
        opt.zero_grad()
        loss = lossf(net(xb), yb)
        loss.backward()
        opt.step()
        return loss

    step(*batches[0])  # sizes the buffers, as descent's first step is untimed
    start = time.perf_counter()
    for xb, yb in batches:
        loss = step(xb, yb)
    return time.perf_counter() - start, float(loss)


def cnn_net():
    """The issue's MNIST-shaped CNN, as descent builds
    conv:32:3,maxpool:2,conv:64:3,maxpool:2,128,dropout:0.25 with 10
    outputs: ReLU after each convolution and the dense layer."""
    nn = torch.nn
    return nn.Sequential(
        nn.Conv2d(1, 32, 3), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(32, 64, 3), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(), nn.Linear(64 * 5 * 5, 128), nn.ReLU(), nn.Dropout(0.25),
        nn.Linear(128, 10),
    ).to(getattr(torch, ARGS.dtype))


def cnn_torch(_):
    """SGD steps of the CNN on synthetic 1×28×28 samples, batch ARGS.batch."""
    x, y, _ = synthetic(ARGS.samples, 784, 10, ARGS.dtype)
    x = torch.from_numpy(x).reshape(-1, 1, 28, 28)
    labels = torch.from_numpy(y.argmax(1))
    net = cnn_net()
    net.train()
    opt = torch.optim.SGD(net.parameters(), lr=ARGS.lr or 0.01)
    lossf = torch.nn.CrossEntropyLoss()
    b = ARGS.batch
    batches = [(x[lo : lo + b], labels[lo : lo + b]) for lo in range(0, ARGS.samples, b)]

    def step(xb, yb):
        opt.zero_grad()
        loss = lossf(net(xb), yb)
        loss.backward()
        opt.step()
        return loss

    step(*batches[0])
    start = time.perf_counter()
    for xb, yb in batches:
        loss = step(xb, yb)
    return time.perf_counter() - start, float(loss)


def mlp_numpy(_):
    """Hand-written float32 forward and backward, SGD, mean loss over the batch."""
    sz = sizes()
    dt = np.dtype(ARGS.dtype)
    x, y, rng = synthetic(ARGS.samples, sz[0], sz[-1], dt)
    ws, bs = [], []
    for i in range(1, len(sz)):
        lim = math.sqrt(6 / sz[i - 1])  # He uniform
        ws.append(rng.uniform(-lim, lim, (sz[i - 1], sz[i])).astype(dt))
        bs.append(np.zeros(sz[i], dt))
    lr = dt.type(ARGS.lr or 0.01)
    b = ARGS.batch
    n_layers = len(ws)

    def step(xb, yb):
        acts = [xb]
        a = xb
        for i in range(n_layers):
            z = a @ ws[i]
            z += bs[i]
            if i < n_layers - 1:
                np.maximum(z, 0, out=z)
            acts.append(z)
            a = z
        z = acts[-1]
        z -= z.max(axis=1, keepdims=True)
        np.exp(z, out=z)
        z /= z.sum(axis=1, keepdims=True)
        loss = -np.log(z[yb > 0] + 1e-12).mean()
        g = z - yb
        g *= dt.type(1 / len(xb))
        for i in range(n_layers - 1, -1, -1):
            gw = acts[i].T @ g
            gb = g.sum(axis=0)
            if i > 0:
                g = g @ ws[i].T
                g *= acts[i] > 0
            ws[i] -= lr * gw
            bs[i] -= lr * gb
        return loss

    step(x[:b], y[:b])
    start = time.perf_counter()
    for lo in range(0, ARGS.samples, b):
        loss = step(x[lo : lo + b], y[lo : lo + b])
    return time.perf_counter() - start, float(loss)


# ---- (5) square matrix product ---------------------------------------------


def gemm_shape():
    """(m, n, k, transA, transB) from --size or --shape and --trans."""
    if not ARGS.shape:
        return ARGS.size, ARGS.size, ARGS.size, False, False
    m, n, k = (int(v) for v in ARGS.shape.split(","))
    return m, n, k, ARGS.trans[0] == "T", ARGS.trans[1] == "T"


def gemm(_):
    """Times C = op(A)·op(B) as descent bench does: the fastest of --repeat
    timings of one product, a short product run enough times in a row to
    take a few milliseconds. A transposed operand is stored transposed and
    passed as a view, which numpy and PyTorch hand to BLAS as a flag."""
    m, n, k, ta, tb = gemm_shape()
    rng = np.random.default_rng(ARGS.seed)
    a = rng.random((k, m) if ta else (m, k)).astype(ARGS.dtype)
    b = rng.random((n, k) if tb else (k, n)).astype(ARGS.dtype)
    c = np.empty((m, n), ARGS.dtype)
    if ARGS.tool == "torch":
        a, b, c = torch.from_numpy(a), torch.from_numpy(b), torch.from_numpy(c)
    opa, opb = (a.T if ta else a), (b.T if tb else b)
    if ARGS.tool == "torch":
        mm = lambda: torch.mm(opa, opb, out=c)  # noqa: E731
    else:
        mm = lambda: np.matmul(opa, opb, out=c)  # noqa: E731
    mm()
    reps = max(1, int(4e8 / (2 * m * n * k)))
    start = time.perf_counter()
    for _ in range(reps):
        mm()
    return (time.perf_counter() - start) / reps, None


# ---- MNIST to a test accuracy ------------------------------------------------


def read_idx(path):
    import gzip

    with gzip.open(path, "rb") as f:
        raw = f.read()
    ndim = raw[3]
    dims = [int.from_bytes(raw[4 + 4 * i : 8 + 4 * i], "big") for i in range(ndim)]
    return np.frombuffer(raw, np.uint8, offset=4 + 4 * ndim).reshape(dims)


def mnist_torch():
    d = ARGS.mnist
    xtr = read_idx(os.path.join(d, "train-images-idx3-ubyte.gz")).reshape(-1, 784).astype(np.float64) / 255
    ytr = read_idx(os.path.join(d, "train-labels-idx1-ubyte.gz")).astype(np.int64)
    xte = read_idx(os.path.join(d, "t10k-images-idx3-ubyte.gz")).reshape(-1, 784).astype(np.float64) / 255
    yte = read_idx(os.path.join(d, "t10k-labels-idx1-ubyte.gz")).astype(np.int64)
    mean, std = xtr.mean(), xtr.std()  # over all pixels, as descent does
    dt = getattr(torch, ARGS.dtype)
    xtr = torch.from_numpy(((xtr - mean) / std).astype(ARGS.dtype))
    xte = torch.from_numpy(((xte - mean) / std).astype(ARGS.dtype))
    ytr, yte = torch.from_numpy(ytr), torch.from_numpy(yte)
    sz = sizes()
    layers = []
    for i in range(1, len(sz)):
        layers.append(torch.nn.Linear(sz[i - 1], sz[i]))
        if i < len(sz) - 1:
            layers.append(torch.nn.ReLU())
    net = torch.nn.Sequential(*layers).to(dt)
    lr = ARGS.lr or 1e-3
    opt = torch.optim.Adam(net.parameters(), lr=lr)
    lossf = torch.nn.CrossEntropyLoss()
    accs = []
    reached = False
    start = time.perf_counter()
    for _ in range(ARGS.max_epochs):
        perm = torch.randperm(len(xtr))
        for lo in range(0, len(xtr), ARGS.batch):
            idx = perm[lo : lo + ARGS.batch]
            opt.zero_grad()
            loss = lossf(net(xtr[idx]), ytr[idx])
            loss.backward()
            opt.step()
        with torch.no_grad():
            right = 0
            for lo in range(0, len(xte), 1000):
                right += int((net(xte[lo : lo + 1000]).argmax(1) == yte[lo : lo + 1000]).sum())
        accs.append(right / len(xte))
        if accs[-1] >= ARGS.target:
            reached = True
            break
    sec = time.perf_counter() - start
    emit(workload="mnist", layers=sz, batch=ARGS.batch, dtype=ARGS.dtype, optimizer="adam", lr=lr,
         target_accuracy=ARGS.target, reached=reached, epochs=len(accs), seconds=sec,
         test_accuracy_by_epoch=accs)


def suite():
    """Runs each of --cases in this one process, so that a layout search
    pays the interpreter's start and torch's import once per layout, and
    prints one JSON line per case with a "case" field. Every case is timed
    as its own workload is (the fastest of --repeat)."""
    openblas = blas_info().get("openblas_threads")
    for spec in ARGS.cases.split():
        name, _, rest = spec.partition("=")
        kind, *f = rest.split(":")
        if kind == "mlp":
            ARGS.layers, ARGS.batch, ARGS.samples = f[0], int(f[1]), int(f[2])
        elif kind == "gemm":
            ARGS.size, ARGS.shape = int(f[0]), ""
        else:
            sys.exit(f"pybench.py: --cases {spec!r}: want NAME=mlp:LAYERS:BATCH:SAMPLES or NAME=gemm:SIZE")
        run(kind, case=name, openblas_threads=openblas)


def main():
    w = ARGS.workload
    if w == "suite":
        suite()
        return
    if w == "info":
        info = blas_info()
        info["numpy"] = np.__version__
        if ARGS.tool == "torch":
            info["torch"] = torch.__version__
            info["torch_threads"] = torch.get_num_threads()
            info["torch_config"] = torch.__config__.show()
            info["torch_parallel"] = torch.__config__.parallel_info()
        emit(workload="info", **info)
        return
    if w == "mnist":
        if ARGS.tool != "torch":
            sys.exit("pybench.py: mnist is written for torch only")
        mnist_torch()
        return
    run(w)


def run(w, **extra):
    """Times workload w (not info or mnist) and prints its JSON line."""
    fn = {
        ("numpy", "tutorial"): tutorial_numpy, ("torch", "tutorial"): tutorial_torch,
        ("numpy", "tiny"): tiny_numpy, ("torch", "tiny"): tiny_torch,
        ("numpy", "mlp"): mlp_numpy, ("torch", "mlp"): mlp_torch, ("torch", "cnn"): cnn_torch,
        ("numpy", "gemm"): gemm, ("torch", "gemm"): gemm,
    }[(ARGS.tool, w)]
    steps = ARGS.steps or {"tutorial": 10000, "tiny": 100000}.get(w, 0)
    sec, final = best(lambda: fn(steps))
    out = {"workload": w, "dtype": ARGS.dtype, "seconds": sec, **extra}
    if w in ("tutorial", "tiny"):
        out.update(steps=steps, ns_per_step=sec / steps * 1e9, final=final)
    elif w == "mlp":
        sz = sizes()
        flops = sum(2 * sz[i - 1] * sz[i] * (2 if i == 1 else 3) for i in range(1, len(sz)))
        out.update(layers=sz, batch=ARGS.batch, samples=ARGS.samples, optimizer="sgd",
                   samples_per_sec=ARGS.samples / sec, gflops=flops * ARGS.samples / sec / 1e9, final=final)
    elif w == "cnn":
        out.update(layers="conv:32:3,maxpool:2,conv:64:3,maxpool:2,128,dropout:0.25", batch=ARGS.batch,
                   samples=ARGS.samples, optimizer="sgd", samples_per_sec=ARGS.samples / sec, final=final)
    elif w == "gemm":
        m, n, k, _, _ = gemm_shape()
        if ARGS.shape:
            out.update(m=m, n=n, k=k, trans=ARGS.trans)
        else:
            out.update(size=ARGS.size)
        out.update(gflops=2 * m * n * k / sec / 1e9)
    emit(**out)


if __name__ == "__main__":
    main()
