#!/usr/bin/python3
"""Writes PyTorch's values for descent's losses and activations.

Run from the repository root with PyTorch installed
(apt-get install python3-torch):

    /usr/bin/python3 bench/parity/gen_loss.py

It writes, in float64 from fixed inputs:

  testdata/loss.json        every loss PyTorch also has, with reduction
                            "mean" and "sum": the loss and its gradient
                            with respect to the prediction (or logits);
                            every activation PyTorch also has: f(z) and the
                            gradient of sum(f(z) * da) with respect to z.
  testdata/train_sgd.json   100 full-batch SGD steps of one small network
                            from fixed starting weights, per loss: the loss
                            before each step and the final weights.

parity_test.go compares descent with these to 1e-9. Matrices are lists of
rows; weights are written as descent stores them (inputs x outputs, the
transpose of a torch.nn.Linear weight).
"""
import json
import os

import torch
import torch.nn.functional as F

torch.set_default_dtype(torch.float64)
HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "testdata")


def rows(t):
    return t.detach().tolist()


def uniform(g, n, k, lo, hi):
    return lo + (hi - lo) * torch.rand(n, k, generator=g)


def one_hot(idx, k):
    return F.one_hot(idx, k).to(torch.float64)


def losses(g):
    n, k = 4, 3
    values = uniform(g, n, k, -2, 2)       # predictions of a regression
    targets = uniform(g, n, k, -2, 2)
    probs = uniform(g, n, k, 0.05, 0.95)   # away from BCELoss's log clamp
    binary = (torch.rand(n, k, generator=g) > 0.5).to(torch.float64)
    soft = uniform(g, n, k, 0, 1)
    logits = uniform(g, n, k, -3, 3)
    idx = torch.randint(0, k, (n,), generator=g)
    dist = torch.softmax(uniform(g, n, k, -2, 2), dim=1)  # a softmax output
    soft_dist = torch.softmax(uniform(g, n, k, -2, 2), dim=1)  # soft class targets

    cases = []

    def add(name, torch_name, pred, target, fn, delta=0.0, smoothing=0.0, torch_target=None):
        for red in ("mean", "sum"):
            p = pred.clone().requires_grad_(True)
            v = fn(p, torch_target if torch_target is not None else target, red)
            v.backward()
            cases.append({
                "loss": name, "torch": torch_name, "reduction": red,
                "delta": delta, "smoothing": smoothing,
                "pred": rows(pred), "target": rows(target),
                "value": v.item(), "grad": rows(p.grad),
            })

    add("mse", "MSELoss", values, targets, lambda p, t, r: F.mse_loss(p, t, reduction=r))
    add("squared_error", "MSELoss", values, targets, lambda p, t, r: F.mse_loss(p, t, reduction=r))
    add("mae", "L1Loss", values, targets, lambda p, t, r: F.l1_loss(p, t, reduction=r))
    for d in (1.0, 0.5, 2.5):
        add("huber", "HuberLoss(delta=%g)" % d, values, targets,
            lambda p, t, r, d=d: F.huber_loss(p, t, reduction=r, delta=d), delta=d)
        add("smooth_l1", "SmoothL1Loss(beta=%g)" % d, values, targets,
            lambda p, t, r, d=d: F.smooth_l1_loss(p, t, reduction=r, beta=d), delta=d)
    add("bce", "BCELoss", probs, binary, lambda p, t, r: F.binary_cross_entropy(p, t, reduction=r))
    add("bce", "BCELoss", probs, soft, lambda p, t, r: F.binary_cross_entropy(p, t, reduction=r))
    add("bce_logits", "BCEWithLogitsLoss", logits, binary,
        lambda p, t, r: F.binary_cross_entropy_with_logits(p, t, reduction=r))
    add("bce_logits", "BCEWithLogitsLoss", logits, soft,
        lambda p, t, r: F.binary_cross_entropy_with_logits(p, t, reduction=r))
    add("cross_entropy", "NLLLoss(log p)", dist, one_hot(idx, k),
        lambda p, t, r: F.nll_loss(torch.log(p), t, reduction=r), torch_target=idx)
    # PyTorch has no loss class for soft targets on probabilities that
    # leaves p unnormalised (CrossEntropyLoss on log p would renormalise it
    # and change the gradient): the formula, differentiated by autograd.
    add("cross_entropy", "-(t*log p).sum(1) on probabilities", dist, soft_dist,
        lambda p, t, r: -(t * torch.log(p)).sum(1).mean() if r == "mean" else -(t * torch.log(p)).sum())
    for eps in (0.0, 0.1, 0.3):
        add("softmax_cross_entropy", "CrossEntropyLoss(label_smoothing=%g)" % eps, logits, one_hot(idx, k),
            lambda p, t, r, eps=eps: F.cross_entropy(p, t, reduction=r, label_smoothing=eps),
            smoothing=eps, torch_target=idx)
    add("softmax_cross_entropy", "CrossEntropyLoss(probabilities)", logits, soft_dist,
        lambda p, t, r: F.cross_entropy(p, t, reduction=r))
    return cases


def activations(g):
    n, k = 3, 4
    z = uniform(g, n, k, -4, 4)
    z[0, 0] = 0.0  # the derivative at the kink of relu and leaky relu
    da = uniform(g, n, k, -1, 1)
    fns = [
        ("sigmoid", 0.0, torch.sigmoid),
        ("tanh", 0.0, torch.tanh),
        ("relu", 0.0, F.relu),
        ("leaky_relu", 0.0, lambda x: F.leaky_relu(x, 0.01)),  # descent's default slope
        ("leaky_relu", 0.2, lambda x: F.leaky_relu(x, 0.2)),
        ("softplus", 0.0, F.softplus),
        ("gelu", 0.0, lambda x: F.gelu(x, approximate="none")),
        ("softmax", 0.0, lambda x: torch.softmax(x, dim=1)),
        ("identity", 0.0, lambda x: x),
    ]
    cases = []
    for name, slope, fn in fns:
        zz = z.clone().requires_grad_(True)
        a = fn(zz)
        (a * da).sum().backward()
        cases.append({"activation": name, "slope": slope, "z": rows(z), "a": rows(a),
                      "da": rows(da), "dz": rows(zz.grad)})
    return cases


def train(g):
    """100 full-batch SGD steps of a 3 → 5 tanh → 2 network."""
    n, d, h, k = 8, 3, 5, 2
    x = uniform(g, n, d, -1, 1)
    w1, b1 = uniform(g, h, d, -0.8, 0.8), uniform(g, 1, h, -0.2, 0.2)
    w2, b2 = uniform(g, k, h, -0.8, 0.8), uniform(g, 1, k, -0.2, 0.2)
    y_reg = uniform(g, n, k, -1, 1)
    idx = torch.randint(0, k, (n,), generator=g)
    y_bin = (torch.rand(n, k, generator=g) > 0.5).to(torch.float64)
    runs = [
        ("mse", "mean", 0.0, 0.0, y_reg, y_reg, lambda o, t: F.mse_loss(o, t)),
        ("squared_error", "sum", 0.0, 0.0, y_reg, y_reg, lambda o, t: F.mse_loss(o, t, reduction="sum")),
        ("huber", "mean", 0.3, 0.0, y_reg, y_reg, lambda o, t: F.huber_loss(o, t, delta=0.3)),
        ("smooth_l1", "mean", 0.5, 0.0, y_reg, y_reg, lambda o, t: F.smooth_l1_loss(o, t, beta=0.5)),
        ("bce_logits", "mean", 0.0, 0.0, y_bin, y_bin, lambda o, t: F.binary_cross_entropy_with_logits(o, t)),
        ("softmax_cross_entropy", "mean", 0.0, 0.1, one_hot(idx, k), idx,
         lambda o, t: F.cross_entropy(o, t, label_smoothing=0.1)),
    ]
    lr, steps = 0.1, 100
    out = {"inputs": d, "hidden": h, "outputs": k, "steps": steps, "x": rows(x),
           "init": [rows(w1.T), rows(b1), rows(w2.T), rows(b2)], "runs": []}
    for name, red, delta, eps, target, torch_target, fn in runs:
        l1, l2 = torch.nn.Linear(d, h), torch.nn.Linear(h, k)
        with torch.no_grad():
            l1.weight.copy_(w1); l1.bias.copy_(b1[0]); l2.weight.copy_(w2); l2.bias.copy_(b2[0])
        params = [l1.weight, l1.bias, l2.weight, l2.bias]
        # A sum over 8 rows takes steps 8 times as long: a smaller rate.
        opt = torch.optim.SGD(params, lr=lr if red == "mean" else lr / 8)
        history = []
        for _ in range(steps):
            opt.zero_grad()
            v = fn(l2(torch.tanh(l1(x))), torch_target)
            v.backward()
            opt.step()
            history.append(v.item())
        out["runs"].append({"loss": name, "reduction": red, "lr": opt.param_groups[0]["lr"], "delta": delta, "smoothing": eps,
                            "target": rows(target), "losses": history,
                            "final": [rows(l1.weight.T), rows(l1.bias[None]), rows(l2.weight.T), rows(l2.bias[None])]})
    return out


def write(name, obj):
    path = os.path.join(OUT, name)
    tmp = path + ".tmp"
    with open(tmp, "w") as f:
        json.dump(obj, f, indent=1)
        f.write("\n")
    os.replace(tmp, path)


def main():
    os.makedirs(OUT, exist_ok=True)
    g = torch.Generator().manual_seed(16)
    write("loss.json", {"torch": torch.__version__, "losses": losses(g), "activations": activations(g)})
    write("train_sgd.json", dict(torch=torch.__version__, **train(g)))


if __name__ == "__main__":
    main()
