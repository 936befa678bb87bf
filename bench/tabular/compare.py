#!/usr/bin/python3
"""Compare `descent train` at its defaults with scikit-learn's MLP at its defaults.

For every data set of the suite (bench/tabular/fetch.py) and every seed, the
rows are split 80/20 (stratified for classification) with that seed, written
to train.csv and test.csv, and each tool is used as a new user would use it:

  sklearn     one-hot categoricals (most-frequent imputed), median-impute and
              standardise numerics, MLPClassifier() / MLPRegressor() with
              random_state=seed; the regression target is not scaled, as
              scikit-learn does not scale it by default.
  sklearn+ts  (regression only) the same inside TransformedTargetRegressor
              with a StandardScaler on the target, for fairness.
  descent     descent train -data train.csv -target COL -task TASK -seed S
              [-missing median] EXTRA -o m.json, then
              descent eval -model m.json -data test.csv -json

-task is passed because a scikit-learn user picks MLPClassifier or
MLPRegressor; -missing median is passed only where the data set has missing
values, as descent refuses them otherwise and says so. The score is test
accuracy or R². The table shows medians over the seeds; "won" counts the
seeds where descent scored at least as well as sklearn.

    /usr/bin/python3 bench/tabular/compare.py                       # full suite, 5 seeds
    /usr/bin/python3 bench/tabular/compare.py --datasets wine,diabetes --seeds 1-2
    /usr/bin/python3 bench/tabular/compare.py --extra-args "-layers 128,64 -lr 0.003"
    /usr/bin/python3 bench/tabular/compare.py --tune 60s --seeds 2 --out s2.csv   # one seed at a time...
    /usr/bin/python3 bench/tabular/compare.py --render s1.csv,s2.csv             # ...then one table
"""

import os
import sys

# OPENBLAS_CORETYPE / OPENBLAS_L2_SIZE pin OpenBLAS to a slow kernel on these
# machines; they must be gone before numpy loads OpenBLAS, so the script
# restarts itself without them.
if any(v in os.environ for v in ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE")):
    env = {k: v for k, v in os.environ.items() if k not in ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE")}
    os.execve(sys.executable, [sys.executable] + sys.argv, env)

import argparse
import atexit
import concurrent.futures
import csv
import json
import shlex
import shutil
import statistics
import subprocess
import tempfile
import time
import warnings

TUNE_BUDGET = ""  # --tune: run descent tune with this budget instead of train

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))


def parse_args():
    ap = argparse.ArgumentParser(description="descent train defaults vs scikit-learn MLP defaults on tabular data",
                                 formatter_class=argparse.RawDescriptionHelpFormatter, epilog=__doc__)
    ap.add_argument("--dir", default=os.environ.get("DESCENT_TABULAR_DIR")
                    or os.path.join(os.path.expanduser("~"), ".cache", "descent-tabular"),
                    help="suite directory written by fetch.py (default $DESCENT_TABULAR_DIR or ~/.cache/descent-tabular)")
    ap.add_argument("--datasets", default="", help="comma-separated subset of the manifest's names")
    ap.add_argument("--seeds", default="1-5", help="seeds: a list (1,2,3), a range (1-5) or both (default 1-5)")
    ap.add_argument("--jobs", type=int, default=1,
                    help="runs in parallel (default 1); with more, each run gets cores/jobs threads")
    ap.add_argument("--tune", default="", metavar="BUDGET",
                    help="run `descent tune -budget BUDGET` (e.g. 60s) instead of `descent train`")
    ap.add_argument("--extra-args", default="", help="extra flags for descent train, e.g. \"-layers 64,64\"")
    ap.add_argument("--descent", default="", help="descent binary (default: go build ./cmd/descent into a temp dir)")
    ap.add_argument("--rev", default="",
                    help="build descent from this commit (a clean git archive of it), not from the working tree")
    ap.add_argument("--out", default="", help="also write every run to this CSV file")
    ap.add_argument("--tie", type=float, default=0.005,
                    help="a median difference within this is a tie (accuracy or R²; default 0.005)")
    ap.add_argument("--sklearn-from", default="", metavar="CSV",
                    help="reuse the sklearn rows of an earlier --out file instead of fitting again "
                         "(scikit-learn's results depend only on the data and seed)")
    ap.add_argument("--no-sklearn", action="store_true", help="run descent only (no sklearn columns)")
    ap.add_argument("--render", default="", metavar="CSV[,CSV...]",
                    help="run nothing: print the table of earlier --out files together (say, one file per seed)")
    return ap.parse_args()


def parse_seeds(spec):
    """Parse "1,2,3", "1-5" or a mix of both."""
    seeds = []
    for part in spec.split(","):
        part = part.strip()
        if not part:
            continue
        lo, sep, hi = part.partition("-")
        try:
            seeds += list(range(int(lo), int(hi) + 1)) if sep else [int(part)]
        except ValueError:
            sys.exit(f"compare: bad --seeds {spec!r}: want a list such as 1,2,3 or a range such as 1-5")
    if not seeds:
        sys.exit("compare: --seeds names no seed")
    return seeds


def threads_per_job(jobs):
    return max(1, (os.cpu_count() or 1) // max(1, jobs))


def read_csv(path):
    import pandas as pd
    # Only an empty cell is missing, as fetch.py writes them; a category
    # spelled "NA" stays a category on the sklearn side too.
    return pd.read_csv(path, keep_default_na=False, na_values=[""])


def run_sklearn(train, test, target, task, seed):
    """Fit the scikit-learn pipelines; return {tool: (score, seconds)}."""
    import numpy as np
    from sklearn.compose import ColumnTransformer, TransformedTargetRegressor, make_column_selector
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.impute import SimpleImputer
    from sklearn.metrics import accuracy_score, r2_score
    from sklearn.neural_network import MLPClassifier, MLPRegressor
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import OneHotEncoder, StandardScaler

    Xtr, ytr = train.drop(columns=[target]), train[target]
    Xte, yte = test.drop(columns=[target]), test[target]
    if task == "classification":
        ytr, yte = ytr.astype(str), yte.astype(str)

    def pre():
        return ColumnTransformer([
            ("num", make_pipeline(SimpleImputer(strategy="median"), StandardScaler()),
             make_column_selector(dtype_include=np.number)),
            ("cat", make_pipeline(SimpleImputer(strategy="most_frequent"), OneHotEncoder(handle_unknown="ignore")),
             make_column_selector(dtype_exclude=np.number)),
        ])

    models = {}
    if task == "classification":
        models["sklearn"] = make_pipeline(pre(), MLPClassifier(random_state=seed))
    else:
        models["sklearn"] = make_pipeline(pre(), MLPRegressor(random_state=seed))
        models["sklearn+ts"] = TransformedTargetRegressor(
            regressor=make_pipeline(pre(), MLPRegressor(random_state=seed)), transformer=StandardScaler())
    out = {}
    for name, m in models.items():
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            t0 = time.perf_counter()
            m.fit(Xtr, ytr)
            secs = time.perf_counter() - t0
        p = m.predict(Xte)
        score = accuracy_score(yte, p) if task == "classification" else r2_score(yte, p)
        out[name] = (float(score), secs, "")
    return out


def run_descent(binary, tmp, target, task, seed, missing, extra, threads):
    model = os.path.join(tmp, "m.json")
    cmd = ["train"]
    if TUNE_BUDGET:
        cmd = ["tune", "-budget", TUNE_BUDGET]
    args = [binary, *cmd, "-data", os.path.join(tmp, "train.csv"), "-target", target, "-task", task,
            "-seed", str(seed), "-o", model]
    miss = []
    if missing and "-missing" not in extra and "--missing" not in extra:
        miss = ["-missing", "median"]
    env = dict(os.environ, GOMAXPROCS=str(threads))
    t0 = time.perf_counter()
    r = subprocess.run(args + miss + extra, capture_output=True, text=True, env=env, cwd=tmp)
    secs = time.perf_counter() - t0
    if r.returncode != 0:
        return float("nan"), secs, "train: " + (r.stderr.strip() or r.stdout.strip()).splitlines()[-1]
    ev = [binary, "eval", "-model", model, "-data", os.path.join(tmp, "test.csv"), "-json"] + miss
    r = subprocess.run(ev, capture_output=True, text=True, env=env, cwd=tmp)
    if r.returncode != 0:
        return float("nan"), secs, "eval: " + (r.stderr.strip() or r.stdout.strip()).splitlines()[-1]
    res = json.loads(r.stdout)
    key = "accuracy" if task == "classification" else "r2"
    if key not in res:
        return float("nan"), secs, f"eval printed no {key}: {r.stdout.strip()}"
    return float(res[key]), secs, ""


def one_run(job):
    """One data set at one seed: split, write the files, run every tool."""
    os.environ.setdefault("OPENBLAS_NUM_THREADS", str(job["threads"]))
    from sklearn.model_selection import train_test_split
    df = read_csv(os.path.join(job["dir"], job["file"]))
    target, task, seed = job["target"], job["task"], job["seed"]
    train, test = train_test_split(df, test_size=0.2, random_state=seed,
                                   stratify=df[target] if task == "classification" else None)
    rows = []
    with tempfile.TemporaryDirectory(prefix="descent-tabular-") as tmp:
        train.to_csv(os.path.join(tmp, "train.csv"), index=False, na_rep="")
        test.to_csv(os.path.join(tmp, "test.csv"), index=False, na_rep="")
        # Both tools read the same bytes back.
        train, test = read_csv(os.path.join(tmp, "train.csv")), read_csv(os.path.join(tmp, "test.csv"))
        if not job["no_sklearn"]:
            try:
                for tool, (score, secs, err) in run_sklearn(train, test, target, task, seed).items():
                    rows.append(dict(tool=tool, score=score, seconds=secs, error=err))
            except Exception as e:  # a failed fit is a result to report, not a crash
                rows.append(dict(tool="sklearn", score=float("nan"), seconds=0.0, error=f"{type(e).__name__}: {e}"))
        score, secs, err = run_descent(job["descent"], tmp, target, task, seed, job["missing"], job["extra"],
                                       job["threads"])
        rows.append(dict(tool="descent", score=score, seconds=secs, error=err))
    for r in rows:
        r.update(dataset=job["name"], task=task, seed=seed)
    return rows


def build_descent(rev):
    """Build cmd/descent from the working tree, or from a clean export of rev."""
    tmp = tempfile.mkdtemp(prefix="descent-bin-")
    atexit.register(shutil.rmtree, tmp, ignore_errors=True)
    out = os.path.join(tmp, "descent")
    src = REPO
    if rev:
        # Others edit the shared working tree; a baseline should not pick up
        # their half-done files, so rev is built from git's copy of it.
        src = os.path.join(tmp, "src")
        os.makedirs(src)
        archive = subprocess.run(["git", "archive", rev], cwd=REPO, capture_output=True, check=True).stdout
        subprocess.run(["tar", "-x", "-C", src], input=archive, check=True)
    subprocess.run(["go", "build", "-o", out, "./cmd/descent"], cwd=src, check=True)
    return out


def describe_build(binary_built, rev):
    if not binary_built:
        return ""
    if rev:
        full = subprocess.run(["git", "rev-parse", "--short", rev], cwd=REPO, capture_output=True,
                              text=True).stdout.strip()
        return f"descent built from a clean export of {full}"
    try:
        rev = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=REPO, capture_output=True,
                             text=True).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--", "*.go", "*.s"], cwd=REPO, capture_output=True,
                               text=True).stdout.strip().splitlines()
        return f"descent built from {rev}" + (f" with {len(dirty)} uncommitted Go/assembly files" if dirty else "")
    except OSError:
        return ""


def fmt(x, task):
    if x != x:  # NaN
        return "fail"
    return f"{x:.3f}" if task == "regression" else f"{x:.4f}"


def median(xs):
    xs = [x for x in xs if x == x]
    return statistics.median(xs) if xs else float("nan")


def table(results, manifest, tie, with_sklearn):
    by = {}
    for r in results:
        by.setdefault((r["dataset"], r["tool"]), []).append(r)
    lines = []
    head = ["dataset", "task", "rows", "features", "metric"]
    if with_sklearn:
        head += ["sklearn", "sklearn+ts", "descent", "descent − sklearn", "result", "seeds won", "descent − sklearn+ts",
                 "sklearn s", "descent s"]
    else:
        head += ["descent", "descent s"]
    lines.append("| " + " | ".join(head) + " |")
    lines.append("|" + "---|" * len(head))
    tally = {"win": 0, "tie": 0, "loss": 0}
    tally_ts = {"win": 0, "tie": 0, "loss": 0}
    for m in manifest:
        name, task = m["name"], m["task"]
        d = by.get((name, "descent"))
        if not d:
            continue
        metric = "accuracy" if task == "classification" else "R²"
        feats = m["features"] + (f" ({m['categorical']} cat)" if int(m["categorical"]) else "")
        if m["missing"] != "0":
            feats += ", NA"
        dm = median([r["score"] for r in d])
        dt = median([r["seconds"] for r in d])
        row = [name, task + (f" ({m['classes']})" if task == "classification" else ""), m["rows"], feats, metric]
        if with_sklearn:
            s = by.get((name, "sklearn"), [])
            ts = by.get((name, "sklearn+ts"), [])
            sm = median([r["score"] for r in s])
            tsm = median([r["score"] for r in ts]) if ts else None
            diff = dm - sm
            res = "tie" if abs(diff) <= tie else ("win" if diff > 0 else "loss")
            if diff != diff:
                res = "fail"
            else:
                tally[res] += 1
            vs_ts = "—"
            if tsm is not None and dm == dm and tsm == tsm:
                dts = dm - tsm
                res_ts = "tie" if abs(dts) <= tie else ("win" if dts > 0 else "loss")
                tally_ts[res_ts] += 1
                vs_ts = f"{dts:+.3f} {res_ts}"
            sscore = {r["seed"]: r["score"] for r in s}
            won = sum(1 for r in d if r["seed"] in sscore and r["score"] >= sscore[r["seed"]])
            row += [fmt(sm, task), fmt(tsm, task) if tsm is not None else "—", fmt(dm, task),
                    f"{diff:+.3f}" if diff == diff else "—", res, f"{won}/{len(d)}", vs_ts,
                    f"{median([r['seconds'] for r in s]):.2f}", f"{dt:.2f}"]
        else:
            row += [fmt(dm, task), f"{dt:.2f}"]
        lines.append("| " + " | ".join(str(c) for c in row) + " |")
    summary = ""
    if with_sklearn:
        summary = (f"descent vs sklearn (medians, tie = within {tie}): {tally['win']} wins, {tally['tie']} ties, "
                   f"{tally['loss']} losses")
        if sum(tally_ts.values()):
            summary += (f"; regressions vs sklearn+ts: {tally_ts['win']} wins, {tally_ts['tie']} ties, "
                        f"{tally_ts['loss']} losses")
    return "\n".join(lines), summary


def read_results(paths, flag):
    """The rows of earlier --out files, typed as one_run returns them; flag
    names the option that gave the paths, for the error message."""
    results = []
    for path in paths:
        try:
            with open(path) as f:
                for r in csv.DictReader(f):
                    r.update(seed=int(r["seed"]), score=float(r["score"] or "nan"), seconds=float(r["seconds"] or "nan"))
                    results.append(r)
        except (OSError, KeyError, ValueError) as e:
            sys.exit(f"compare: {flag} {path}: {e} (want a file written by --out)")
    return results


def print_table(head, tbl, summary):
    print(head)
    print()
    print(tbl)
    if summary:
        print()
        print(summary)


def render(args, manifest):
    names = {m["name"] for m in manifest}
    results = [r for r in read_results([p for p in args.render.split(",") if p], "--render") if r["dataset"] in names]
    seeds = sorted({r["seed"] for r in results})
    with_sklearn = any(r["tool"] == "sklearn" for r in results)
    tbl, summary = table(results, manifest, args.tie, with_sklearn)
    print_table(f"seeds {','.join(map(str, seeds))}; rendered from {args.render}", tbl, summary)


def main():
    args = parse_args()
    manifest_path = os.path.join(args.dir, "manifest.csv")
    if not os.path.exists(manifest_path):
        sys.exit(f"compare: {manifest_path} is missing; run /usr/bin/python3 bench/tabular/fetch.py first")
    with open(manifest_path) as f:
        manifest = list(csv.DictReader(f))
    want = [w for w in args.datasets.split(",") if w]
    unknown = set(want) - {m["name"] for m in manifest}
    if unknown:
        sys.exit(f"compare: unknown data sets {sorted(unknown)}; the manifest has {[m['name'] for m in manifest]}")
    if want:
        manifest = [m for m in manifest if m["name"] in want]
    if args.render:
        render(args, manifest)
        return
    seeds = parse_seeds(args.seeds)
    binary, built = args.descent, False
    if binary and args.rev:
        sys.exit("compare: give --descent or --rev, not both")
    if not binary:
        binary, built = build_descent(args.rev), True
    binary = os.path.abspath(binary)
    global TUNE_BUDGET
    TUNE_BUDGET = args.tune
    extra = shlex.split(args.extra_args)
    threads = threads_per_job(args.jobs)
    reuse = {}
    if args.sklearn_from:
        for r in read_results([args.sklearn_from], "--sklearn-from"):
            if r["tool"].startswith("sklearn"):
                reuse.setdefault((r["dataset"], r["seed"]), []).append(r)
        missing = [(m["name"], s) for m in manifest for s in seeds if (m["name"], s) not in reuse]
        if missing:
            sys.exit(f"compare: {args.sklearn_from} has no sklearn rows for {missing[:5]}")
    jobs = [dict(dir=args.dir, file=m["file"], name=m["name"], target=m["target"], task=m["task"], seed=s,
                 missing=m["missing"] != "0", descent=binary, extra=extra, threads=threads,
                 no_sklearn=args.no_sklearn or bool(reuse))
            for m in manifest for s in seeds]
    t0 = time.time()
    results = []
    if args.jobs <= 1:
        for j in jobs:
            results += one_run(j)
            print(f"compare: {j['name']} seed {j['seed']} done ({time.time() - t0:.0f} s)", file=sys.stderr)
    else:
        with concurrent.futures.ProcessPoolExecutor(args.jobs) as ex:
            for j, rows in zip(jobs, ex.map(one_run, jobs)):
                results += rows
                print(f"compare: {j['name']} seed {j['seed']} done ({time.time() - t0:.0f} s)", file=sys.stderr)
    for m in manifest:
        for s in seeds:
            results += reuse.get((m["name"], s), [])
    for r in results:
        if r["error"]:
            print(f"compare: {r['dataset']} seed {r['seed']} {r['tool']}: {r['error']}", file=sys.stderr)
    if args.out:
        with open(args.out, "w", newline="") as f:
            w = csv.DictWriter(f, fieldnames=["dataset", "task", "seed", "tool", "score", "seconds", "error"])
            w.writeheader()
            w.writerows(results)
    tbl, summary = table(results, manifest, args.tie, not args.no_sklearn or bool(reuse))
    info = describe_build(built, args.rev)
    print_table(f"seeds {','.join(map(str, seeds))}; descent extra args: {args.extra_args or '(none)'}; "
                f"jobs {args.jobs}, {threads} thread(s) per run; {time.time() - t0:.0f} s in all"
                + (f"; sklearn rows from {args.sklearn_from}" if reuse else "")
                + (f"; {info}" if info else ""), tbl, summary)


if __name__ == "__main__":
    main()
