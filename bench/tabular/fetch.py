#!/usr/bin/python3
"""Materialise the tabular benchmark suite as CSV files plus a manifest.

Every data set comes from this machine without the internet: Debian's R data
packages (downloaded with `apt-get download`, unpacked with `dpkg-deb -x`, read
with Rscript), the sets bundled with Debian's python3-sklearn, and seeded
synthetic generators. The files land in $DESCENT_TABULAR_DIR, or
$HOME/.cache/descent-tabular, or --dir; nothing is written to the repository.

    /usr/bin/python3 bench/tabular/fetch.py            # prints the directory
    /usr/bin/python3 bench/tabular/fetch.py --force    # rebuild every file

Needs: python3-sklearn, python3-pandas and r-base-core (apt). The script
installs r-base-core with apt-get when it runs as root and Rscript is missing.

Each CSV has a header, one row per sample, missing values as empty cells,
categorical values as text. The same cleaning is applied to every set:
rows with a missing target are dropped (neither tool can learn from them);
categories seen fewer than MIN_LEVEL times become "other" (or the column's most
frequent value), so that an 80/20 split almost never puts a category only in
the test file, which both scikit-learn's OneHotEncoder and descent's schema
reject; classes with fewer than MIN_CLASS rows are dropped, so a stratified
split can put one in each side; and a set is cut to MAX_ROWS rows.
"""

import argparse
import csv
import glob
import io
import os
import shutil
import subprocess
import sys
import tempfile

import numpy as np
import pandas as pd

MIN_LEVEL = 10
MIN_CLASS = 5
MAX_ROWS = 5000

# The Debian packages the R-backed sets come from.
R_PACKAGES = [
    "r-cran-palmerpenguins",
    "r-cran-mass",
    "r-cran-mlbench",
    "r-cran-cardata",
    "r-cran-aer",
    "r-cran-modeldata",
]

# The suite. source is one of
#   r:PKG:OBJECT           an R data object of an R package (lazy-load DB or .rda)
#   rcsv:PKG:PATH          a CSV shipped inside an R package
#   sklearn:NAME           sklearn.datasets.load_NAME (bundled, offline)
#   synth:NAME             a seeded generator defined below
# drop lists columns that are identifiers or leak the target.
SUITE = [
    # classification
    dict(name="penguins", source="rcsv:palmerpenguins:extdata/penguins.csv", target="species", task="classification",
         note="3 classes, categorical, missing values"),
    dict(name="wine", source="sklearn:wine", target="target", task="classification", note="3 classes"),
    dict(name="breast_cancer", source="sklearn:breast_cancer", target="target", task="classification",
         note="2 classes, 30 features"),
    dict(name="digits", source="sklearn:digits", target="target", task="classification", note="10 classes, 64 pixels"),
    dict(name="soybean", source="r:mlbench:Soybean", target="Class", task="classification",
         note="19 classes, coded categories, missing values"),
    dict(name="vehicle", source="r:mlbench:Vehicle", target="Class", task="classification", note="4 classes"),
    dict(name="vowel", source="r:mlbench:Vowel", target="Class", task="classification", drop=["V1"],
         note="11 classes (speaker id dropped)"),
    dict(name="glass", source="r:MASS:fgl", target="type", task="classification", note="6 unbalanced classes"),
    dict(name="chile", source="r:carData:Chile", target="vote", task="classification",
         note="4 classes, noisy, categorical, missing values"),
    dict(name="hmda", source="r:AER:HMDA", target="deny", task="classification", note="2 unbalanced classes, yes/no features"),
    dict(name="attrition", source="r:modeldata:attrition", target="Attrition", task="classification",
         note="2 unbalanced classes, 15 categorical"),
    dict(name="churn", source="r:modeldata:mlc_churn", target="churn", task="classification",
         note="2 unbalanced classes, 51-level state column"),
    dict(name="synth_cat", source="synth:classification", target="y", task="classification",
         note="5 classes, 3 categorical, 5% missing"),
    # regression
    dict(name="penguins_mass", source="rcsv:palmerpenguins:extdata/penguins.csv", target="body_mass_g",
         task="regression", note="target in grams (~4,000)"),
    dict(name="diabetes", source="sklearn:diabetes", target="target", task="regression", note="target 25-346"),
    dict(name="concrete", source="r:modeldata:concrete", target="compressive_strength", task="regression"),
    dict(name="sacramento", source="r:modeldata:Sacramento", target="price", task="regression", drop=["zip"],
         note="target in dollars (~250,000), 37 cities"),
    dict(name="cps1985", source="r:AER:CPS1985", target="wage", task="regression", note="categorical, noisy"),
    dict(name="friedman1", source="synth:friedman1", target="y", task="regression", note="noise 1"),
    dict(name="friedman2", source="synth:friedman2", target="y", task="regression", note="target 0-1,700, noise 10"),
]


def log(*a):
    print(*a, file=sys.stderr)


def ensure_rscript():
    if shutil.which("Rscript"):
        return
    if os.geteuid() == 0 and shutil.which("apt-get"):
        log("fetch: installing r-base-core (apt-get) to read the R data packages")
        subprocess.run(["apt-get", "install", "-y", "--no-install-recommends", "r-base-core"], check=True,
                       stdout=subprocess.DEVNULL)
        return
    sys.exit("fetch: Rscript is missing; install it with: apt-get install -y --no-install-recommends r-base-core")


def unpack_r_packages(root):
    """Download and unpack the R data packages into root/x; return the library dirs."""
    debs = os.path.join(root, "debs")
    x = os.path.join(root, "x")
    os.makedirs(debs, exist_ok=True)
    for p in R_PACKAGES:
        if not glob.glob(os.path.join(debs, p + "_*.deb")):
            # apt-get download warns when run as root that it cannot drop to
            # user _apt; the warning is only shown when the download fails.
            r = subprocess.run(["apt-get", "download", p], cwd=debs, capture_output=True, text=True)
            if r.returncode != 0:
                sys.exit(f"fetch: apt-get download {p} failed:\n{r.stdout}{r.stderr}")
        deb = sorted(glob.glob(os.path.join(debs, p + "_*.deb")))[-1]
        subprocess.run(["dpkg-deb", "-x", deb, x], check=True)
    return x


R_EXPORT = r"""
args <- commandArgs(trailingOnly = TRUE)
lib <- args[1]; pkg <- args[2]; obj <- args[3]; out <- args[4]
d <- Sys.glob(file.path(lib, "usr/lib/R/*", pkg, "data"))[1]
e <- new.env()
if (file.exists(file.path(d, "Rdata.rdb"))) invisible(lazyLoad(file.path(d, "Rdata"), envir = e)) else
  load(file.path(d, paste0(obj, ".rda")), envir = e)
df <- as.data.frame(get(obj, envir = e))
for (n in names(df)) {
  # Factors and logicals are written as their text; numbers at full precision.
  if (is.factor(df[[n]]) || is.logical(df[[n]])) df[[n]] <- as.character(df[[n]])
}
write.csv(df, out, row.names = FALSE, na = "")
"""


def load_r(x, pkg, obj, tmp):
    out = os.path.join(tmp, f"{pkg}_{obj}.csv")
    script = os.path.join(tmp, "export.R")
    with open(script, "w") as f:
        f.write(R_EXPORT)
    subprocess.run(["Rscript", "--vanilla", script, x, pkg, obj, out], check=True)
    return pd.read_csv(out, keep_default_na=False, na_values=[""])


def load_rcsv(x, pkg, path):
    f = glob.glob(os.path.join(x, "usr/lib/R/*", pkg, path))[0]
    return pd.read_csv(f, keep_default_na=False, na_values=["", "NA"])


def load_sklearn(name):
    from sklearn import datasets
    b = getattr(datasets, "load_" + name)(as_frame=True)
    return b.frame


def synth(name):
    from sklearn import datasets
    if name == "classification":
        # make_classification, then three informative columns turned into
        # categories (quantile bins named by letters) and 5% of three other
        # columns removed at random.
        X, y = datasets.make_classification(n_samples=2000, n_features=12, n_informative=6, n_redundant=2,
                                            n_classes=5, n_clusters_per_class=2, class_sep=1.0, flip_y=0.02,
                                            random_state=12)
        df = pd.DataFrame(X, columns=[f"x{i}" for i in range(X.shape[1])])
        rng = np.random.default_rng(12)
        for i, c in enumerate(["x0", "x1", "x2"]):
            k = 4 + i
            bins = pd.qcut(df[c], k, labels=[f"{'abc'[i]}{j}" for j in range(k)])
            df[c] = bins.astype(str)
        for c in ["x5", "x7", "x9"]:
            df.loc[rng.random(len(df)) < 0.05, c] = np.nan
        df["y"] = [f"k{v}" for v in y]
        return df
    if name == "friedman1":
        X, y = datasets.make_friedman1(n_samples=1000, n_features=10, noise=1.0, random_state=1)
    elif name == "friedman2":
        X, y = datasets.make_friedman2(n_samples=1000, noise=10.0, random_state=2)
    else:
        raise ValueError(name)
    df = pd.DataFrame(X, columns=[f"x{i}" for i in range(X.shape[1])])
    df["y"] = y
    return df


def clean(df, spec):
    target = spec["target"]
    df = df.drop(columns=spec.get("drop", []))
    df = df[df[target].notna()].reset_index(drop=True)
    if spec["task"] == "classification":
        counts = df[target].value_counts()
        keep = counts[counts >= MIN_CLASS].index
        df = df[df[target].isin(keep)].reset_index(drop=True)
    if len(df) > MAX_ROWS:
        if spec["task"] == "classification":
            from sklearn.model_selection import train_test_split
            df, _ = train_test_split(df, train_size=MAX_ROWS, random_state=0, stratify=df[target])
        else:
            df = df.sample(n=MAX_ROWS, random_state=0)
        df = df.reset_index(drop=True)
    for c in df.columns:
        if c == target or df[c].dtype != object:
            continue
        counts = df[c].value_counts()
        rare = counts[counts < MIN_LEVEL].index
        if len(rare):
            df[c] = df[c].where(~df[c].isin(rare), "other")
            if (df[c] == "other").sum() < MIN_LEVEL:
                df[c] = df[c].where(df[c] != "other", counts.index[0])
    return df


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--dir", default=os.environ.get("DESCENT_TABULAR_DIR")
                    or os.path.join(os.path.expanduser("~"), ".cache", "descent-tabular"))
    ap.add_argument("--force", action="store_true", help="rebuild the CSV files that exist")
    args = ap.parse_args()
    os.makedirs(args.dir, exist_ok=True)
    suite = SUITE

    x = None
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for spec in suite:
            path = os.path.join(args.dir, spec["name"] + ".csv")
            if args.force or not os.path.exists(path):
                kind, _, rest = spec["source"].partition(":")
                if kind in ("r", "rcsv") and x is None:
                    ensure_rscript()
                    x = unpack_r_packages(args.dir)
                if kind == "r":
                    df = load_r(x, *rest.split(":", 1), tmp)
                elif kind == "rcsv":
                    df = load_rcsv(x, *rest.split(":", 1))
                elif kind == "sklearn":
                    df = load_sklearn(rest)
                elif kind == "synth":
                    df = synth(rest)
                else:
                    raise ValueError(spec["source"])
                df = clean(df, spec)
                # Written to a temporary name and renamed, so a killed run never
                # leaves a half-written CSV that looks complete.
                df.to_csv(path + ".tmp", index=False, na_rep="")
                os.replace(path + ".tmp", path)
            df = pd.read_csv(path, keep_default_na=False, na_values=[""])
            feats = df.drop(columns=[spec["target"]])
            rows.append(dict(
                name=spec["name"], file=os.path.basename(path), target=spec["target"], task=spec["task"],
                rows=len(df), features=feats.shape[1],
                categorical=int((feats.dtypes == object).sum()),
                classes=df[spec["target"]].nunique() if spec["task"] == "classification" else 0,
                missing=int(feats.isna().any(axis=1).sum()),
                source=spec["source"], note=spec.get("note", ""),
            ))
            log(f"fetch: {spec['name']}: {len(df)} rows, {feats.shape[1]} features")
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=list(rows[0].keys()), lineterminator="\n")
    w.writeheader()
    w.writerows(rows)
    manifest = os.path.join(args.dir, "manifest.csv")
    with open(manifest + ".tmp", "w") as f:
        f.write(buf.getvalue())
    os.replace(manifest + ".tmp", manifest)
    print(args.dir)


if __name__ == "__main__":
    main()
