"""Reading and validating a case workbook at scale (issue 19): seconds of ``load_case``.

``python bench/read_bench.py [--sizes 10000 50000] [--runs 3] [--baseline 52d419d]`` times,
for each size, ``read_case`` and ``validate`` (as ``load_case`` runs them) on the generated
case ``bench/out/scale/scale_<n>x1.xlsx`` (written by ``bench/generate.py``'s generator with
seed 1 when missing), median of ``--runs``, once with this tree's package and once with
the package as of the ``--baseline`` commit (``git archive`` into a temporary folder), each
in a fresh process, alternating.  It prints the figures and the ratio, and checks that both
give the identical case (the digest of its ``repr``).  ``--baseline ''`` times this tree only.
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tarfile
import tempfile
from io import BytesIO
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WORK = ROOT / "bench" / "out" / "scale"

# Runs in the child process: one timed load per run, stages separately.
CHILD = r"""
import contextlib, gc, hashlib, json, sys, time
from retrofit_opt.reader import read_case
from retrofit_opt.validate import validate
try:
    from retrofit_opt.loader import collection_paused
except ImportError:  # the baseline: load_case ran the two stages as they are
    collection_paused = contextlib.nullcontext
path = sys.argv[1]
problems = []
with collection_paused():
    started = time.perf_counter()
    raw = read_case(path, problems)
    read = time.perf_counter() - started
    started = time.perf_counter()
    case = validate(raw, problems)
    checked = time.perf_counter() - started
digest = hashlib.sha256(repr(case).encode()).hexdigest()[:16]
print(json.dumps({"read": read, "validate": checked, "projects": len(case.projects), "digest": digest}))
"""


def case_path(n: int) -> Path:
    path = WORK / f"scale_{n}x1.xlsx"
    if not path.exists():
        sys.path.insert(0, str(ROOT / "bench"))
        from generate import generate_case, write_case
        WORK.mkdir(parents=True, exist_ok=True)
        write_case(generate_case(n, 1, seed=1), path)
    return path


def baseline_tree(commit: str, folder: Path) -> Path:
    """The package as of ``commit``, unpacked under ``folder``."""
    archive = subprocess.run(["git", "-C", str(ROOT), "archive", commit, "retrofit_opt"], check=True,
                             capture_output=True).stdout
    with tarfile.open(fileobj=BytesIO(archive)) as tar:
        tar.extractall(folder, filter="data")
    return folder


def timed(path: Path, package_root: Path) -> dict:
    env = dict(os.environ, PYTHONPATH=str(package_root))
    out = subprocess.run([sys.executable, "-c", CHILD, str(path)], check=True, capture_output=True, text=True,
                         env=env, cwd=str(package_root)).stdout
    return json.loads(out.strip().splitlines()[-1])


def summary(runs: list[dict]) -> dict:
    read = statistics.median(r["read"] for r in runs)
    checked = statistics.median(r["validate"] for r in runs)
    total = statistics.median(r["read"] + r["validate"] for r in runs)
    return {"read": read, "validate": checked, "total": total, "digest": runs[0]["digest"]}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 50_000])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--baseline", default="52d419d", help="commit to compare with ('' for none)")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as folder:
        base = baseline_tree(args.baseline, Path(folder)) if args.baseline else None
        print(f"{'projects':>9} {'version':>9} {'read s':>8} {'validate s':>11} {'load_case s':>12}")
        for n in args.sizes:
            path = case_path(n)
            now, before = [], []
            for _ in range(args.runs):
                now.append(timed(path, ROOT))
                if base is not None:
                    before.append(timed(path, base))
            rows = [("this tree", summary(now))] + ([(args.baseline, summary(before))] if base is not None else [])
            for name, s in rows:
                print(f"{n:>9,} {name:>9} {s['read']:>8.2f} {s['validate']:>11.2f} {s['total']:>12.2f}")
            if base is not None:
                after, old = rows[0][1], rows[1][1]
                same = "identical case" if after["digest"] == old["digest"] else "CASES DIFFER"
                print(f"{n:>9,} {'ratio':>9} {after['read'] / old['read']:>8.2f} "
                      f"{after['validate'] / old['validate']:>11.2f} {after['total'] / old['total']:>12.2f}  ({same})")
                if after["digest"] != old["digest"]:
                    return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
