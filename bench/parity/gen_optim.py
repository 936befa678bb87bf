#!/usr/bin/python3
"""Golden files for descent's optimizer and schedule parity tests.

Runs PyTorch's optimizers, gradient clipping and learning-rate schedulers in
float64 and writes what they compute as JSON into optim/testdata and
schedule/testdata, where the Go tests read it.

Optimizers: a linear model y = x·W + b (W 4×3, b 3) with the loss
mean((y − t)²) over all elements, the same starting weights and the same
100 batches of 8 rows for every case; the file holds the batches, the
starting weights and, per case, descent's optim.Config (as JSON), the
learning rate and PyTorch's weights after 100 steps.

Schedules: PyTorch's per-step learning rates for 100 steps from a base
rate of 0.1, with descent's schedule.Config beside each. Reduce-on-plateau
cases also hold the 100 losses fed to the scheduler (see losses()), and
their rates are the learning rate after each loss is observed.

Run with Debian's python3-torch (1.13):  /usr/bin/python3 bench/parity/gen_optim.py
Name "optim" or "schedule" as arguments to write only that file.
"""
import json
import math
import os
import sys

import torch

torch.set_default_dtype(torch.float64)
ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
STEPS = 100


def batches():
    g = torch.Generator().manual_seed(16)
    w_true = torch.randn(4, 3, generator=g)
    out = []
    for _ in range(STEPS):
        x = torch.randn(8, 4, generator=g)
        t = x @ w_true + 0.3 * torch.randn(8, 3, generator=g)
        out.append((x, t))
    return out


def start():
    g = torch.Generator().manual_seed(7)
    return torch.randn(4, 3, generator=g), torch.randn(3, generator=g)


# Each case: descent's optim.Config, the learning rate, a function building
# the PyTorch optimizer from the parameter list, and the clipping max_norm
# (0 for none).
CASES = [
    ("sgd", {"name": "sgd"}, 0.05, lambda p: torch.optim.SGD(p, lr=0.05), 0),
    ("gd_l2", {"name": "gd", "l2": 0.1}, 0.05, lambda p: torch.optim.SGD(p, lr=0.05, weight_decay=0.1), 0),
    ("sgd_clip", {"name": "sgd", "clip_norm": 0.5}, 0.05, lambda p: torch.optim.SGD(p, lr=0.05), 0.5),
    ("momentum", {"name": "momentum"}, 0.02, lambda p: torch.optim.SGD(p, lr=0.02, momentum=0.9), 0),
    ("momentum_0", {"name": "momentum", "momentum": 0}, 0.05, lambda p: torch.optim.SGD(p, lr=0.05, momentum=0), 0),
    ("momentum_dampening", {"name": "momentum", "momentum": 0.8, "dampening": 0.3}, 0.02,
     lambda p: torch.optim.SGD(p, lr=0.02, momentum=0.8, dampening=0.3), 0),
    ("momentum_clip_l2", {"name": "momentum", "clip_norm": 0.3, "l2": 0.01}, 0.02,
     lambda p: torch.optim.SGD(p, lr=0.02, momentum=0.9, weight_decay=0.01), 0.3),
    ("nesterov", {"name": "nesterov", "momentum": 0.7}, 0.02,
     lambda p: torch.optim.SGD(p, lr=0.02, momentum=0.7, nesterov=True), 0),
    ("adagrad", {"name": "adagrad"}, 0.1, lambda p: torch.optim.Adagrad(p, lr=0.1), 0),
    ("adagrad_lr_decay_init", {"name": "adagrad", "lr_decay": 0.05, "initial_accumulator": 0.2, "epsilon": 1e-6}, 0.1,
     lambda p: torch.optim.Adagrad(p, lr=0.1, lr_decay=0.05, initial_accumulator_value=0.2, eps=1e-6), 0),
    ("rmsprop", {"name": "rmsprop"}, 0.01, lambda p: torch.optim.RMSprop(p, lr=0.01, alpha=0.9), 0),
    ("rmsprop_torch_default", {"name": "rmsprop", "rho": 0.99}, 0.01, lambda p: torch.optim.RMSprop(p, lr=0.01), 0),
    ("rmsprop_rho_0", {"name": "rmsprop", "rho": 0}, 0.001, lambda p: torch.optim.RMSprop(p, lr=0.001, alpha=0), 0),
    ("rmsprop_centered", {"name": "rmsprop", "centered": True, "rho": 0.95}, 0.01,
     lambda p: torch.optim.RMSprop(p, lr=0.01, alpha=0.95, centered=True), 0),
    ("adam", {"name": "adam"}, 0.01, lambda p: torch.optim.Adam(p, lr=0.01), 0),
    ("adam_beta1_0", {"name": "adam", "beta1": 0}, 0.01, lambda p: torch.optim.Adam(p, lr=0.01, betas=(0, 0.999)), 0),
    ("adam_eps_0", {"name": "adam", "epsilon": 0, "beta2": 0.95}, 0.01,
     lambda p: torch.optim.Adam(p, lr=0.01, betas=(0.9, 0.95), eps=0), 0),
    ("adam_amsgrad", {"name": "adam", "amsgrad": True}, 0.01, lambda p: torch.optim.Adam(p, lr=0.01, amsgrad=True), 0),
    ("adam_l2_clip", {"name": "adam", "l2": 0.01, "clip_norm": 0.4}, 0.01,
     lambda p: torch.optim.Adam(p, lr=0.01, weight_decay=0.01), 0.4),
    ("adamw", {"name": "adamw"}, 0.01, lambda p: torch.optim.AdamW(p, lr=0.01), 0),
    ("adamw_wd_0", {"name": "adamw", "weight_decay": 0}, 0.01, lambda p: torch.optim.AdamW(p, lr=0.01, weight_decay=0), 0),
    ("adamw_amsgrad", {"name": "adamw", "amsgrad": True, "weight_decay": 0.1}, 0.01,
     lambda p: torch.optim.AdamW(p, lr=0.01, weight_decay=0.1, amsgrad=True), 0),
]


def run(make, clip, data, w0, b0):
    w, b = w0.clone().requires_grad_(), b0.clone().requires_grad_()
    opt = make([w, b])
    for x, t in data:
        opt.zero_grad()
        loss = ((x @ w + b - t) ** 2).mean()
        loss.backward()
        if clip:
            torch.nn.utils.clip_grad_norm_([w, b], clip)
        opt.step()
    return w.detach(), b.detach()


def optimizers():
    data = batches()
    w0, b0 = start()
    cases = []
    for name, config, lr, make, clip in CASES:
        w, b = run(make, clip, data, w0, b0)
        cases.append({"name": name, "config": config, "lr": lr, "w": w.tolist(), "b": b.tolist()})
    return {
        "torch": torch.__version__,
        "loss": "mean((x·W + b − t)²) over all elements",
        "w0": w0.tolist(), "b0": b0.tolist(),
        "batches": [{"x": x.tolist(), "t": t.tolist()} for x, t in data],
        "cases": cases,
    }


def rates(make, per_step_calls=STEPS):
    p = torch.zeros(1, requires_grad=True)
    opt = torch.optim.SGD([p], lr=0.1)
    sched = make(opt)
    out = []
    for _ in range(per_step_calls):
        out.append(opt.param_groups[0]["lr"])
        opt.step()
        sched.step()
    return out


SCHEDULES = [
    ("step", {"name": "step", "every": 7, "factor": 0.5}, lambda o: torch.optim.lr_scheduler.StepLR(o, 7, 0.5), STEPS),
    ("exponential", {"name": "exponential", "gamma": 0.97}, lambda o: torch.optim.lr_scheduler.ExponentialLR(o, 0.97), STEPS),
    # PyTorch's cosine climbs back after T_max; descent's holds its minimum,
    # so the comparison stops at T_max.
    ("cosine", {"name": "cosine", "epochs": 100, "min_rate": 0.001},
     lambda o: torch.optim.lr_scheduler.CosineAnnealingLR(o, 100, 0.001), STEPS),
    ("cosine_short", {"name": "cosine", "epochs": 30},
     lambda o: torch.optim.lr_scheduler.CosineAnnealingLR(o, 30), 31),
    ("warm_restarts", {"name": "warm_restarts", "epochs": 10, "mult": 1, "min_rate": 0.01},
     lambda o: torch.optim.lr_scheduler.CosineAnnealingWarmRestarts(o, 10, 1, 0.01), STEPS),
    ("warm_restarts_mult", {"name": "warm_restarts", "epochs": 5, "mult": 2},
     lambda o: torch.optim.lr_scheduler.CosineAnnealingWarmRestarts(o, 5, 2), STEPS),
    ("warmup", {"name": "warmup", "warmup": 10, "start": 0.1},
     lambda o: torch.optim.lr_scheduler.LinearLR(o, 0.1, 1.0, 10), STEPS),
    ("warmup_cosine", {"name": "cosine", "warmup": 10, "start": 0.01, "epochs": 90},
     lambda o: torch.optim.lr_scheduler.SequentialLR(o, [
         torch.optim.lr_scheduler.LinearLR(o, 0.01, 1.0, 10),
         torch.optim.lr_scheduler.CosineAnnealingLR(o, 90)], [10]), STEPS),
]


def losses():
    """100 monitored losses with every shape ReduceLROnPlateau reacts to:
    a noisy descent, an exactly flat stretch (only threshold 0 and patience
    matter there), steady gains of 7e-5 a step (an improvement relative to
    a best near 0.5 with threshold 1e-4, but not an absolute one), a noisy
    stretch with no trend, a fast descent, then small noise near 0.1."""
    g = torch.Generator().manual_seed(29)
    noise = (torch.rand(STEPS, generator=g) - 0.5).tolist()
    out = []
    for i in range(STEPS):
        if i < 20:
            v = 1.0 - 0.025 * i + 0.01 * noise[i]
        elif i < 35:
            v = 0.5
        elif i < 50:
            v = 0.5 - 7e-5 * (i - 34)
        elif i < 70:
            v = 0.45 + 0.02 * noise[i]
        elif i < 85:
            v = 0.4 - 0.02 * (i - 69)
        else:
            v = 0.1 + 0.001 * noise[i]
        out.append(v)
    return out


def plateau_rates(kwargs, lr0, seq):
    p = torch.zeros(1, requires_grad=True)
    opt = torch.optim.SGD([p], lr=lr0)
    sched = torch.optim.lr_scheduler.ReduceLROnPlateau(opt, **kwargs)
    out = []
    for loss in seq:
        opt.step()
        sched.step(loss)
        out.append(opt.param_groups[0]["lr"])
    return out


# Reduce-on-plateau: descent's schedule.Config and PyTorch's keyword
# arguments. descent's threshold is absolute unless threshold_mode says
# "rel", PyTorch's relative unless it says "abs".
PLATEAUS = [
    ("plateau_torch_defaults", {"name": "plateau", "threshold_mode": "rel"}, {}),
    ("plateau_defaults", {"name": "plateau"}, {"threshold_mode": "abs"}),
    ("plateau_patience_0", {"name": "plateau", "patience": 0, "factor": 0.9},
     {"patience": 0, "factor": 0.9, "threshold_mode": "abs"}),
    ("plateau_patience_0_rel", {"name": "plateau", "patience": 0, "factor": 0.9, "threshold_mode": "rel"},
     {"patience": 0, "factor": 0.9}),
    ("plateau_threshold_0", {"name": "plateau", "min_delta": 0, "patience": 3, "factor": 0.5},
     {"threshold": 0, "patience": 3, "factor": 0.5, "threshold_mode": "abs"}),
    ("plateau_rel", {"name": "plateau", "threshold_mode": "rel", "min_delta": 0.01, "patience": 3, "factor": 0.5},
     {"threshold_mode": "rel", "threshold": 0.01, "patience": 3, "factor": 0.5}),
    ("plateau_abs", {"name": "plateau", "threshold_mode": "abs", "min_delta": 0.01, "patience": 3, "factor": 0.5},
     {"threshold_mode": "abs", "threshold": 0.01, "patience": 3, "factor": 0.5}),
    ("plateau_cooldown_2", {"name": "plateau", "cooldown": 2, "patience": 1, "factor": 0.7, "threshold_mode": "rel"},
     {"cooldown": 2, "patience": 1, "factor": 0.7}),
    ("plateau_min_lr", {"name": "plateau", "min_rate": 0.004, "patience": 1, "factor": 0.5, "threshold_mode": "rel"},
     {"min_lr": 0.004, "patience": 1, "factor": 0.5}),
    ("plateau_eps", {"name": "plateau", "eps": 0.003, "patience": 0, "factor": 0.5, "threshold_mode": "rel"},
     {"eps": 0.003, "patience": 0, "factor": 0.5}),
    ("plateau_eps_0", {"name": "plateau", "eps": 0, "patience": 0, "factor": 0.5, "min_delta": 0},
     {"eps": 0, "patience": 0, "factor": 0.5, "threshold": 0, "threshold_mode": "abs"}),
    ("plateau_factor_0", {"name": "plateau", "factor": 0, "min_rate": 0.001, "patience": 4},
     {"factor": 0, "min_lr": 0.001, "patience": 4, "threshold_mode": "abs"}),
]


def schedules():
    cases = []
    for name, config, make, n in SCHEDULES:
        cases.append({"name": name, "config": config, "lr0": 0.1, "total": STEPS, "rates": rates(make, n)})
    seq = losses()
    for name, config, kwargs in PLATEAUS:
        cases.append({"name": name, "config": config, "lr0": 0.1, "total": STEPS, "losses": seq,
                      "rates": plateau_rates(kwargs, 0.1, seq)})
    return {"torch": torch.__version__, "cases": cases}


def write(path, obj):
    path = os.path.join(ROOT, path)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    tmp = path + ".tmp"
    with open(tmp, "w") as f:
        json.dump(obj, f, separators=(",", ":"))
        f.write("\n")
    os.replace(tmp, path)


if __name__ == "__main__":
    which = set(sys.argv[1:]) or {"optim", "schedule"}
    if "optim" in which:
        write("optim/testdata/torch_parity.json", optimizers())
    if "schedule" in which:
        write("schedule/testdata/torch_parity.json", schedules())
