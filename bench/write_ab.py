"""The results workbook's write, this checkout against a baseline revision, back to back.

``python bench/write_ab.py CASE.xlsx PLAN.json [--baseline main] [--rounds 3]`` (PLAN.json from
``bench/write_bench.py prepare``) extracts the baseline's ``retrofit_opt`` package
(``git archive``) into a temporary directory and runs, ``--rounds`` times, alternately, one
process per package that rebuilds the Result from the case and the plan and times
``build_workbook`` (with its Portfolio and Not selected sheets separately),
``finish_workbook`` and ``save_workbook`` — CPU seconds of the process (wall clock in
brackets; a shared machine inflates the wall clock).  It prints the medians, the ratio
baseline / this checkout, and whether every part of the two saved workbooks (written at the
same fixed time; ``docProps/core.xml`` left out) is byte-identical.
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
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
STAGES = ("build", "portfolio", "not_selected", "finish", "save")


def child(case_path: str, plan_path: str, out: str) -> None:
    """One timed write in this process, with the package first on ``sys.path``."""
    from datetime import datetime

    sys.path.insert(0, str(ROOT / "bench"))
    from write_bench import result_of

    from retrofit_opt.loader import load_case
    from retrofit_opt.report import workbook as W
    from retrofit_opt.report.save import save_workbook
    case = load_case(case_path)
    result = result_of(case, json.loads(Path(plan_path).read_text()))
    written_at = datetime(2026, 1, 2, 3, 4, 5)
    sheets: dict[str, tuple[float, float]] = {}
    for name in ("write_portfolio", "write_not_selected"):
        original = getattr(W, name)

        def timed(*args, _original=original, _name=name, **kwargs):
            start = (time.process_time(), time.perf_counter())
            value = _original(*args, **kwargs)
            sheets[_name[len("write_"):]] = (time.process_time() - start[0], time.perf_counter() - start[1])
            return value
        setattr(W, name, timed)
    marks = [(time.process_time(), time.perf_counter())]
    report = W.build_workbook(result, written_at=written_at)
    marks.append((time.process_time(), time.perf_counter()))
    W.finish_workbook(report, case, written_at)
    marks.append((time.process_time(), time.perf_counter()))
    save_workbook(report.workbook, out)
    marks.append((time.process_time(), time.perf_counter()))
    stages = {name: (b[0] - a[0], b[1] - a[1]) for name, a, b in zip(("build", "finish", "save"), marks, marks[1:])}
    print(json.dumps({**stages, **sheets, "package": sys.modules["retrofit_opt"].__file__}))


def run_one(package_dir: Path, case: Path, plan: Path, out: Path) -> dict:
    env = {**os.environ, "PYTHONPATH": str(package_dir)}
    done = subprocess.run([sys.executable, __file__, "--child", str(case), str(plan), str(out)], env=env,
                          capture_output=True, text=True, check=True, cwd=tempfile.gettempdir())
    row = json.loads(done.stdout.strip().splitlines()[-1])
    if not row["package"].startswith(str(package_dir)):
        raise SystemExit(f"ran {row['package']}, not the package in {package_dir}")
    return row


def different_parts(a: Path, b: Path) -> list[str]:
    with zipfile.ZipFile(a) as za, zipfile.ZipFile(b) as zb:
        names = sorted(set(za.namelist()) | set(zb.namelist()))
        return [n for n in names if n != "docProps/core.xml"
                and (n not in za.namelist() or n not in zb.namelist() or za.read(n) != zb.read(n))]


def main() -> int:
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        child(*sys.argv[2:5])
        return 0
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("case", type=Path)
    ap.add_argument("plan", type=Path)
    ap.add_argument("--baseline", default="main", help="git revision of the baseline (default: main)")
    ap.add_argument("--rounds", type=int, default=3)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="write_ab.") as tmp:
        tmp = Path(tmp)
        base = tmp / "baseline"
        base.mkdir()
        archive = subprocess.run(["git", "-C", str(ROOT), "archive", args.baseline, "retrofit_opt"],
                                 capture_output=True, check=True).stdout
        archive_path = tmp / "baseline.tar"
        archive_path.write_bytes(archive)
        with tarfile.open(archive_path) as tar:
            tar.extractall(base)
        packages = {"baseline": base, "this": ROOT}
        rows: dict[str, list[dict]] = {k: [] for k in packages}
        for _ in range(args.rounds):
            for name, package in packages.items():
                rows[name].append(run_one(package, args.case.resolve(), args.plan.resolve(), tmp / f"{name}.xlsx"))
        revision = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"],
                                  capture_output=True, text=True).stdout.strip()
        print(f"{args.case.name}: baseline {args.baseline}, this checkout {revision}; "
              f"medians of {args.rounds} runs, CPU s (wall s)")
        print(f"| stage | baseline | this | ratio (CPU) |\n|---|---|---|---|")
        for stage in STAGES:
            cpu = {k: statistics.median(r[stage][0] for r in rows[k]) for k in packages}
            wall = {k: statistics.median(r[stage][1] for r in rows[k]) for k in packages}
            print(f"| {stage} | {cpu['baseline']:.2f} ({wall['baseline']:.2f}) | {cpu['this']:.2f} "
                  f"({wall['this']:.2f}) | {cpu['baseline'] / max(cpu['this'], 1e-9):.2f}× |")
        different = different_parts(tmp / "baseline.xlsx", tmp / "this.xlsx")
        print("saved workbooks: " + ("every part byte-identical" if not different
                                     else f"DIFFERENT parts: {', '.join(different)}"))
        return 1 if different else 0


if __name__ == "__main__":
    sys.exit(main())
