"""mnist_cnn.py trains, in PyTorch, the CNN of issue 14 with the recipe
that `descent train` is given in bench/README.md (CNN section), and prints
the test accuracy and the wall time as one JSON object:

    env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE /usr/bin/python3 \
        bench/mnist_cnn.py --mnist "$(scripts/fetch-mnist.sh)" --threads 2

conv:32:3,maxpool:2,conv:64:3,maxpool:2,128,dropout:0.25 with ReLU and 10
outputs, softmax cross-entropy (label smoothing --label-smoothing, default
none), Adam (lr 1e-3, betas 0.9 and 0.999, ε 1e-8) or --optimizer momentum
(SGD with momentum 0.9, PyTorch's convention as descent's, --lr 0.01), no
weight decay, batch 64, 3 epochs over all 60,000 training images (pixels /
255, shuffled each epoch), then the 10,000 test images in evaluation mode.
The time counts training and the final evaluation, not reading the files.
"""

import argparse
import json
import os
import time

p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
p.add_argument("--mnist", required=True, help="folder with the gzipped MNIST IDX files")
p.add_argument("--threads", type=int, default=2)
p.add_argument("--epochs", type=int, default=3)
p.add_argument("--batch", type=int, default=64)
p.add_argument("--optimizer", choices=["adam", "momentum"], default="adam")
p.add_argument("--lr", type=float, default=0, help="default 1e-3 for adam, 0.01 for momentum")
p.add_argument("--label-smoothing", type=float, default=0)
p.add_argument("--momentum", type=float, default=0.9)
p.add_argument("--seed", type=int, default=1)
ARGS = p.parse_args()
for var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[var] = str(ARGS.threads)

import gzip  # noqa: E402

import numpy as np  # noqa: E402
import torch  # noqa: E402

torch.set_num_threads(ARGS.threads)
torch.manual_seed(ARGS.seed)


def read_idx(name):
    with gzip.open(os.path.join(ARGS.mnist, name + ".gz"), "rb") as f:
        raw = f.read()
    ndim = raw[3]
    dims = [int.from_bytes(raw[4 + 4 * i : 8 + 4 * i], "big") for i in range(ndim)]
    return np.frombuffer(raw, np.uint8, offset=4 + 4 * ndim).reshape(dims)


def images(name):
    return torch.from_numpy((read_idx(name).astype(np.float32) / 255).reshape(-1, 1, 28, 28))


xtr, ytr = images("train-images-idx3-ubyte"), torch.from_numpy(read_idx("train-labels-idx1-ubyte").astype(np.int64))
xte, yte = images("t10k-images-idx3-ubyte"), torch.from_numpy(read_idx("t10k-labels-idx1-ubyte").astype(np.int64))

nn = torch.nn
net = nn.Sequential(
    nn.Conv2d(1, 32, 3), nn.ReLU(), nn.MaxPool2d(2),
    nn.Conv2d(32, 64, 3), nn.ReLU(), nn.MaxPool2d(2),
    nn.Flatten(), nn.Linear(64 * 5 * 5, 128), nn.ReLU(), nn.Dropout(0.25),
    nn.Linear(128, 10),
)
if ARGS.optimizer == "adam":
    lr = ARGS.lr or 1e-3
    opt = torch.optim.Adam(net.parameters(), lr=lr, betas=(0.9, 0.999), eps=1e-8)
else:
    lr = ARGS.lr or 0.01
    opt = torch.optim.SGD(net.parameters(), lr=lr, momentum=ARGS.momentum)
lossf = nn.CrossEntropyLoss(label_smoothing=ARGS.label_smoothing)

start = time.perf_counter()
epoch_seconds = []
for _ in range(ARGS.epochs):
    t0 = time.perf_counter()
    net.train()
    perm = torch.randperm(len(xtr))
    for lo in range(0, len(xtr), ARGS.batch):
        idx = perm[lo : lo + ARGS.batch]
        opt.zero_grad()
        lossf(net(xtr[idx]), ytr[idx]).backward()
        opt.step()
    epoch_seconds.append(time.perf_counter() - t0)
net.eval()
with torch.no_grad():
    right = sum(int((net(xte[lo : lo + 1000]).argmax(1) == yte[lo : lo + 1000]).sum()) for lo in range(0, len(xte), 1000))
sec = time.perf_counter() - start
print(json.dumps({"tool": "torch", "workload": "mnist_cnn", "threads": ARGS.threads, "epochs": ARGS.epochs,
                  "batch": ARGS.batch, "optimizer": ARGS.optimizer, "lr": lr,
                  "label_smoothing": ARGS.label_smoothing, "seconds": sec,
                  "epoch_seconds": epoch_seconds, "test_accuracy": right / len(xte)}), flush=True)
