"""table.py turns the results compare.sh gathers (one line per run: tool,
case, threads and the JSON the run printed, tab-separated) into the table
of speeds and ratios and the list of targets met or missed.

	table.py RESULTS                      print the table
	table.py --best-threads TOOL CASE RESULTS   print TOOL's fastest thread count on CASE

Standard library only, so it runs with any python3.
"""

import json
import sys

# case → (title, JSON field, higher is better, unit)
CASES = {
    "tutorial": ("(1) tutorial net, 10,000 iterations", "ns_per_step", False, "ns/iter"),
    "tiny": ("(2) 2-8-1 sigmoid, batch 1, SGD", "ns_per_step", False, "ns/step"),
    "mlp64": ("(3) 784-256-128-10, batch 64, 60,000 samples", "samples_per_sec", True, "samples/s"),
    "mlp1": ("(4) 784-256-128-10, batch 1, 5,000 samples", "samples_per_sec", True, "samples/s"),
    "gemm32": ("(5) GEMM 2048², float32", "gflops", True, "GFLOP/s"),
    "gemm64": ("(5) GEMM 2048², float64", "gflops", True, "GFLOP/s"),
    "cnn": ("(6) CNN conv32-pool-conv64-pool-128-10, batch 64", "samples_per_sec", True, "samples/s"),
}
TOOLS = ["descent", "numpy", "torch"]


def load(path):
    runs = {}
    with open(path) as f:
        for line in f:
            tool, case, threads, js = line.rstrip("\n").split("\t", 3)
            runs[(tool, case, threads)] = json.loads(js)
    return runs


def value(runs, tool, case, threads):
    r = runs.get((tool, case, threads))
    if not r or r.get("failed"):
        return None
    return r[CASES[case][1] if case in CASES else "gflops"]


def shapes(runs):
    """The kernel cells at the MLP's shapes, in the order they ran."""
    seen = []
    for (_, c, _) in runs:
        if c.startswith("shape:") and c not in seen:
            seen.append(c)
    return seen


def shape_table(runs):
    """Prints descent's and OpenBLAS's float32 GFLOP/s at each MLP shape
    (one thread) and returns the lowest ratio."""
    cases = shapes(runs)
    if not cases:
        return None
    print("\nfloat32 GEMM at the MLP's shapes, one thread (GFLOP/s; C is M×N, K the inner size):")
    print("| op(A)·op(B) | M×N×K | descent | numpy (OpenBLAS) | descent ÷ OpenBLAS |")
    print("|---|---|---|---|---|")
    worst = None
    for c in cases:
        _, trans, mnk = c.split(":")
        d, n = value(runs, "descent", c, "1"), value(runs, "numpy", c, "1")
        r = None if d is None or n is None else d / n
        if r is not None:
            worst = r if worst is None else min(worst, r)
        print(f"| {trans} | {mnk.replace(',', '×')} | {fmt(d)} | {fmt(n)} | {fx(r)} |")
    return worst


def best(runs, tool, case):
    """Returns (threads, value) of tool's best run on case, or (None, None)."""
    higher = CASES[case][2]
    cands = [(t, value(runs, tool, case, t)) for (tl, c, t) in runs if tl == tool and c == case]
    cands = [(t, v) for t, v in cands if v is not None]
    if not cands:
        return None, None
    return (max if higher else min)(cands, key=lambda tv: tv[1])


def speedup(case, a, b):
    """How many times faster a is than b (both in the case's unit)."""
    if a is None or b is None:
        return None
    return a / b if CASES[case][2] else b / a


def fmt(v):
    if v is None:
        return "—"
    if v >= 100:
        return f"{v:,.0f}"
    if v >= 10:
        return f"{v:.1f}"
    return f"{v:.2f}"


def label(threads):
    """Names a thread count as the table's columns do: 1t, 2t, 2p."""
    if threads is None:
        return "—"
    return threads if threads.endswith("p") else threads + "t"


def fx(v):
    return "—" if v is None else f"{v:.2f}×"


def table(runs):
    threads = {tool: sorted({t for (tl, c, t) in runs if tl == tool and c in CASES}) for tool in TOOLS}
    cols = [(tool, t) for tool in TOOLS for t in threads[tool]]
    head = ["workload", "unit"] + [f"{tool} {label(t)}" for tool, t in cols] + [
        "descent best ÷ torch best", "descent best ÷ numpy best", "descent 1t ÷ torch 1t", "descent 1t ÷ numpy 1t"]
    print("| " + " | ".join(head) + " |")
    print("|" + "---|" * len(head))
    for case, (title, _, _, unit) in CASES.items():
        row = [title, unit] + [fmt(value(runs, tool, case, t)) for tool, t in cols]
        bests = {tool: best(runs, tool, case) for tool in TOOLS}
        row.append(fx(speedup(case, bests["descent"][1], bests["torch"][1])) + f" ({label(bests['torch'][0])})")
        row.append(fx(speedup(case, bests["descent"][1], bests["numpy"][1])) + f" ({label(bests['numpy'][0])})")
        row.append(fx(speedup(case, value(runs, "descent", case, "1"), value(runs, "torch", case, "1"))))
        row.append(fx(speedup(case, value(runs, "descent", case, "1"), value(runs, "numpy", case, "1"))))
        print("| " + " | ".join(row) + " |")
    print("\n(\"2p\": 2 threads with OMP_WAIT_POLICY=PASSIVE. \"best\" is the tool's fastest thread count, named in brackets.)")

    shape_table(runs)

    print("\nMNIST to ≥ 98 % test accuracy (784-256-128-10 ReLU, Adam lr 1e-3, batch 64, standardised pixels):")
    for tool in TOOLS:
        for (tl, c, t), r in runs.items():
            if tl != tool or c != "mnist":
                continue
            if r.get("failed"):
                print(f"  {tool} ({t} threads): failed")
                continue
            accs = ", ".join(f"{a:.4f}" for a in r["test_accuracy_by_epoch"])
            print(f"  {tool} ({t} threads): {r['seconds']:.1f} s, {r['epochs']} epochs ({r['seconds'] / r['epochs']:.2f} s each, test evaluation included), reached={r['reached']}, test accuracy by epoch: {accs}")
    return bests


def shape_worst(runs):
    rs = [value(runs, "descent", c, "1") and value(runs, "numpy", c, "1") and
          value(runs, "descent", c, "1") / value(runs, "numpy", c, "1") for c in shapes(runs)]
    rs = [r for r in rs if r]
    return min(rs) if rs else None


def targets(runs):
    d1, d2 = value(runs, "descent", "mlp64", "1"), value(runs, "descent", "mlp64", "2")
    rows = [
        ("MLP batch 64: descent 2t ≥ 1.5× PyTorch at its best", speedup("mlp64", d2, best(runs, "torch", "mlp64")[1]), 1.5),
        ("MLP batch 64: descent 2t ≥ 1.25× numpy at its best", speedup("mlp64", d2, best(runs, "numpy", "mlp64")[1]), 1.25),
        ("MLP batch 64: descent 1t ≥ 1.2× PyTorch 1t", speedup("mlp64", d1, value(runs, "torch", "mlp64", "1")), 1.2),
        ("MLP batch 64: descent 2t ≥ 1.8× descent 1t", speedup("mlp64", d2, d1), 1.8),
        ("CNN batch 64: descent 2t ≥ 1.5× PyTorch at its best",
         speedup("cnn", value(runs, "descent", "cnn", "2"), best(runs, "torch", "cnn")[1]), 1.5),
        ("GEMM float32 2048², one core: descent ≥ 0.70× OpenBLAS (numpy)",
         speedup("gemm32", value(runs, "descent", "gemm32", "1"), value(runs, "numpy", "gemm32", "1")), 0.7),
        ("GEMM float32 at every MLP shape, one core: descent ≥ 0.70× OpenBLAS (numpy), worst shape",
         shape_worst(runs), 0.7),
        ("tutorial net: descent ≥ 200× the numpy loop per iteration",
         speedup("tutorial", best(runs, "descent", "tutorial")[1], best(runs, "numpy", "tutorial")[1]), 200),
        ("tiny net, batch 1: descent ≥ 20× PyTorch at its best",
         speedup("tiny", best(runs, "descent", "tiny")[1], best(runs, "torch", "tiny")[1]), 20),
    ]
    print("\nTargets:")
    for name, got, want in rows:
        verdict = "—" if got is None else ("met" if got >= want else "MISSED")
        print(f"  {verdict:7} {name}: measured {fx(got)}")


def main():
    if len(sys.argv) == 5 and sys.argv[1] == "--best-threads":
        t, _ = best(load(sys.argv[4]), sys.argv[2], sys.argv[3])
        print((t or "1").rstrip("p") if sys.argv[2] == "descent" else (t or "1"))
        return
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    runs = load(sys.argv[1])
    table(runs)
    targets(runs)


if __name__ == "__main__":
    main()
