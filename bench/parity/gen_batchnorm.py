#!/usr/bin/python3
"""Writes PyTorch's values for descent's batchnorm layer.

Run from the repository root with PyTorch installed
(apt-get install python3-torch):

    /usr/bin/python3 bench/parity/gen_batchnorm.py

It writes testdata/batchnorm.json, in float64 from fixed inputs:

  layers   BatchNorm1d on flat samples and BatchNorm2d on C x H x W ones,
           in training mode from random gamma and beta: the output of one
           batch, the gradients of sum(y * dy) with respect to x, gamma
           and beta, the running statistics after that batch and after
           four more, and the evaluation-mode output of one more batch.
  train    20 full-batch SGD steps (lr 0.1, mean squared error) of
           3 -> Linear(5) tanh -> BatchNorm1d(5) -> Linear(2) from fixed
           weights: the loss before each step, the final parameters in
           descent's order, the running statistics, and the network's
           evaluation-mode output.

Samples are rows, C x H x W samples flattened channel first, as descent
stores a batch; Linear weights are transposed (inputs x outputs).
batchnorm_test.go compares descent with these to 1e-9.
"""
import json
import os

import torch
import torch.nn.functional as F

torch.set_default_dtype(torch.float64)
HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "testdata")


def flat(t):
    """Rows of a batch: one sample per row, flattened."""
    return t.detach().reshape(t.shape[0], -1).tolist()


def uniform(g, shape, lo, hi):
    return lo + (hi - lo) * torch.rand(*shape, generator=g)


def layer_case(g, name, bn, shape, n):
    c = shape[0]
    with torch.no_grad():
        bn.weight.copy_(uniform(g, (c,), 0.5, 1.5))
        bn.bias.copy_(uniform(g, (c,), -0.5, 0.5))
    gamma, beta = bn.weight.tolist(), bn.bias.tolist()
    bn.train()
    # A mean away from 0 and a scale away from 1, so that both matter.
    x = uniform(g, (n,) + shape, -1, 3).requires_grad_(True)
    dy = uniform(g, (n,) + shape, -1, 1)
    y = bn(x)
    (y * dy).sum().backward()
    first = {"mean": bn.running_mean.tolist(), "var": bn.running_var.tolist()}
    more = [uniform(g, (n,) + shape, -2, 2) * (i + 1) for i in range(4)]
    with torch.no_grad():
        for b in more:
            bn(b)
    bn.eval()
    xe = uniform(g, (n,) + shape, -2, 2)
    with torch.no_grad():
        ye = bn(xe)
    return {
        "name": name, "shape": list(shape), "gamma": gamma, "beta": beta,
        "x": flat(x), "y": flat(y), "dy": flat(dy),
        "dx": flat(x.grad), "dgamma": bn.weight.grad.tolist(), "dbeta": bn.bias.grad.tolist(),
        "running_after_one": first,
        "more": [flat(b) for b in more],
        "running_mean": bn.running_mean.tolist(), "running_var": bn.running_var.tolist(),
        "x_eval": flat(xe), "y_eval": flat(ye),
    }


def train(g):
    n, d, h, k = 8, 3, 5, 2
    x = uniform(g, (n, d), -1, 1)
    y = uniform(g, (n, k), -1, 1)
    l1, bn, l2 = torch.nn.Linear(d, h), torch.nn.BatchNorm1d(h), torch.nn.Linear(h, k)
    with torch.no_grad():
        l1.weight.copy_(uniform(g, (h, d), -0.8, 0.8))
        l1.bias.copy_(uniform(g, (h,), -0.2, 0.2))
        bn.weight.copy_(uniform(g, (h,), 0.5, 1.5))
        bn.bias.copy_(uniform(g, (h,), -0.3, 0.3))
        l2.weight.copy_(uniform(g, (k, h), -0.8, 0.8))
        l2.bias.copy_(uniform(g, (k,), -0.2, 0.2))

    def params():
        return [l1.weight.T.tolist(), [l1.bias.tolist()], [bn.weight.tolist()], [bn.bias.tolist()],
                l2.weight.T.tolist(), [l2.bias.tolist()]]

    init = params()
    net = torch.nn.Sequential(l1, torch.nn.Tanh(), bn, l2)
    opt = torch.optim.SGD(net.parameters(), lr=0.1)
    net.train()
    losses = []
    for _ in range(20):
        opt.zero_grad()
        v = F.mse_loss(net(x), y)
        v.backward()
        opt.step()
        losses.append(v.item())
    net.eval()
    with torch.no_grad():
        out = net(x)
    return {
        "inputs": d, "hidden": h, "outputs": k, "lr": 0.1, "x": x.tolist(), "y": y.tolist(),
        "init": init, "losses": losses, "final": params(),
        "running_mean": bn.running_mean.tolist(), "running_var": bn.running_var.tolist(),
        "eval": out.tolist(),
    }


def main():
    g = torch.Generator().manual_seed(14)
    out = {
        "torch": torch.__version__,
        "layers": [
            layer_case(g, "BatchNorm1d(4), batch 6", torch.nn.BatchNorm1d(4), (4,), 6),
            layer_case(g, "BatchNorm2d(2) on 2x3x2, batch 3", torch.nn.BatchNorm2d(2), (2, 3, 2), 3),
        ],
        "train": train(g),
    }
    path = os.path.join(OUT, "batchnorm.json")
    with open(path + ".tmp", "w") as f:
        json.dump(out, f, indent=1)
        f.write("\n")
    os.replace(path + ".tmp", path)


if __name__ == "__main__":
    main()
