#!/usr/bin/python3
"""Writes PyTorch's values for descent's conv2d, maxpool2d and avgpool2d layers.

Run from the repository root with PyTorch installed
(apt-get install python3-torch):

    /usr/bin/python3 bench/parity/gen_conv.py

It writes testdata/conv.json, in float64 from fixed inputs:

  layers   Conv2d (with bias; stride 1 and 2, padding 0 and 1),
           MaxPool2d and AvgPool2d (window = stride, and a 3x3 window
           with stride 2 and padding 1; AvgPool2d counts the padding,
           PyTorch's default count_include_pad=True) on C x H x W
           samples: the output of one batch and the gradients of
           sum(y * dy) with respect to x (and a Conv2d's weight and bias).
  train    20 full-batch SGD steps (lr 0.1, mean squared error) of
           1x10x10 -> Conv2d(3, 3x3, padding 1) tanh -> MaxPool2d(2)
           -> Conv2d(4, 2x2) relu -> AvgPool2d(2) -> flatten -> Linear(3)
           from fixed weights: the loss before each step and the final
           parameters in descent's order.

Samples are rows, C x H x W samples flattened channel first, as descent
stores a batch. A Conv2d weight F x C x K x K is stored flattened to
F x (C*K*K), as descent's conv2d stores it; Linear weights are
transposed (inputs x outputs). conv_test.go compares descent with these
to 1e-9.
"""
import json
import os

import torch
import torch.nn.functional as F

torch.set_default_dtype(torch.float64)
HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "testdata")


def flat(t):
    """Rows of a batch (or of a Conv2d weight): one per row, flattened."""
    return t.detach().reshape(t.shape[0], -1).tolist()


def uniform(g, shape, lo, hi):
    return lo + (hi - lo) * torch.rand(*shape, generator=g)


def conv_case(g, shape, filters, k, stride, pad, n):
    c = shape[0]
    conv = torch.nn.Conv2d(c, filters, k, stride=stride, padding=pad)
    with torch.no_grad():
        conv.weight.copy_(uniform(g, conv.weight.shape, -0.5, 0.5))
        conv.bias.copy_(uniform(g, conv.bias.shape, -0.3, 0.3))
    x = uniform(g, (n,) + shape, -1, 1).requires_grad_(True)
    y = conv(x)
    dy = uniform(g, y.shape, -1, 1)
    (y * dy).sum().backward()
    return {
        "name": f"Conv2d({c}, {filters}, {k}, stride={stride}, padding={pad}) on {'x'.join(map(str, shape))}, batch {n}",
        "kind": "conv2d", "shape": list(shape), "filters": filters,
        "kernel": k, "stride": stride, "padding": pad,
        "weight": flat(conv.weight), "bias": conv.bias.tolist(),
        "x": flat(x), "y": flat(y), "dy": flat(dy),
        "dx": flat(x.grad), "dweight": flat(conv.weight.grad), "dbias": conv.bias.grad.tolist(),
    }


def pool_case(g, kind, shape, k, stride, pad, n):
    if kind == "maxpool2d":
        pool = torch.nn.MaxPool2d(k, stride=stride, padding=pad)
    else:
        pool = torch.nn.AvgPool2d(k, stride=stride, padding=pad)
    # Uniform values have no ties, so every window's maximum is unique.
    x = uniform(g, (n,) + shape, -1, 1).requires_grad_(True)
    y = pool(x)
    dy = uniform(g, y.shape, -1, 1)
    (y * dy).sum().backward()
    return {
        "name": f"{type(pool).__name__}({k}, stride={stride}, padding={pad}) on {'x'.join(map(str, shape))}, batch {n}",
        "kind": kind, "shape": list(shape), "kernel": k, "stride": stride, "padding": pad,
        "x": flat(x), "y": flat(y), "dy": flat(dy), "dx": flat(x.grad),
    }


def train(g):
    n, shape, k = 6, (1, 10, 10), 3
    x = uniform(g, (n,) + shape, -1, 1)
    y = uniform(g, (n, k), -1, 1)
    c1 = torch.nn.Conv2d(1, 3, 3, padding=1)
    c2 = torch.nn.Conv2d(3, 4, 2)
    lin = torch.nn.Linear(16, k)
    with torch.no_grad():
        for m in (c1, c2, lin):
            m.weight.copy_(uniform(g, m.weight.shape, -0.6, 0.6))
            m.bias.copy_(uniform(g, m.bias.shape, -0.2, 0.2))

    def params():
        return [flat(c1.weight), [c1.bias.tolist()], flat(c2.weight), [c2.bias.tolist()],
                lin.weight.T.tolist(), [lin.bias.tolist()]]

    init = params()
    net = torch.nn.Sequential(
        c1, torch.nn.Tanh(), torch.nn.MaxPool2d(2),
        c2, torch.nn.ReLU(), torch.nn.AvgPool2d(2),
        torch.nn.Flatten(), lin)
    opt = torch.optim.SGD(net.parameters(), lr=0.1)
    losses = []
    for _ in range(20):
        opt.zero_grad()
        v = F.mse_loss(net(x), y)
        v.backward()
        opt.step()
        losses.append(v.item())
    with torch.no_grad():
        out = net(x)
    return {
        "input_shape": list(shape), "outputs": k, "lr": 0.1, "x": flat(x), "y": y.tolist(),
        "init": init, "losses": losses, "final": params(), "output": out.tolist(),
    }


def main():
    g = torch.Generator().manual_seed(14)
    out = {
        "torch": torch.__version__,
        "layers": [
            conv_case(g, (2, 5, 6), 3, 3, 1, 0, 3),
            conv_case(g, (2, 7, 6), 3, 3, 2, 1, 2),
            conv_case(g, (3, 4, 4), 2, 2, 2, 0, 2),
            pool_case(g, "maxpool2d", (2, 4, 6), 2, 2, 0, 3),
            pool_case(g, "maxpool2d", (2, 5, 5), 3, 2, 1, 2),
            pool_case(g, "avgpool2d", (2, 5, 4), 2, 2, 0, 3),
            pool_case(g, "avgpool2d", (2, 5, 5), 3, 2, 1, 2),
        ],
        "train": train(g),
    }
    path = os.path.join(OUT, "conv.json")
    with open(path + ".tmp", "w") as f:
        json.dump(out, f, indent=1)
        f.write("\n")
    os.replace(path + ".tmp", path)


if __name__ == "__main__":
    main()
