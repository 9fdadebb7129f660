"""``compare`` and ``sweep`` end to end against the raw sum of their solves (issue 19).

    python bench/studies_bench.py --n 1000            # ~ a few minutes on a shared 2-core machine
    python bench/studies_bench.py --quick             # n = 150, nothing recorded

One generated single-period case (bench/generate.py) with a ``scenarios`` sheet of five
scenarios (budget × 0.8, 0.9, 1.1, 1.2; targets × 0.95) is written as a workbook; then, in
this one run:

* ``retrofit-opt compare CASE`` (base + 5 scenarios) as a subprocess, with ``--no-explain``
  and with the default options (the base case's Not selected sheet explained), wall time;
* raw: each of its six LPs (the identical LP, ``model_arrays`` of the scenario's case,
  tests/test_model_arrays.py) in a fresh ``highspy.Highs`` at the same gap and time limit,
  the sum of the ``run()`` wall times;
* ``retrofit-opt sweep CASE --steps L`` (default options: frontier, least budget; the
  priority list only when cheap) as a subprocess, wall time, with its stage timings;
* raw: the same L levels on one ``highspy.Highs`` changing only the swept row's upper bound,
  each started from the previous solution, plus the least-budget LP in a fresh instance;
  the sum of the ``run()`` wall times.

The ratios tool / raw are printed and appended to ``bench/RESULTS-studies.md`` with the
machine and versions.  The machine may be shared: compare ratios within one run.
"""
from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import numpy as np  # noqa: E402

import generate  # noqa: E402
import raw_highs  # noqa: E402
from retrofit_opt import load_case  # noqa: E402
from retrofit_opt.case import TOTAL_POOL, Budget  # noqa: E402
from retrofit_opt.model import ModelData  # noqa: E402
from retrofit_opt.model.arrays import model_arrays  # noqa: E402
from retrofit_opt.scenarios import apply_scenario, budget_levels, with_horizon_row  # noqa: E402
from retrofit_opt.solve import highs_version  # noqa: E402

SCENARIOS = [["name", "budget_scale", "target_scale"], ["tight", 0.8, 1.0], ["lean", 0.9, 1.0],
             ["ample", 1.1, 1.0], ["generous", 1.2, 1.0], ["easier targets", 1.0, 0.95]]
GOALS = {"compare": 2.0, "sweep": 1.5}  # issue 19's goals at 10,000 projects


def cli() -> list[str]:
    script = Path(sys.executable).parent / "retrofit-opt"
    return [str(script)] if script.exists() else [sys.executable, "-m", "retrofit_opt.cli"]


def timed_cli(args: list) -> tuple[float, str]:
    began = time.perf_counter()
    proc = subprocess.run(cli() + [str(a) for a in args], capture_output=True, text=True)
    seconds = time.perf_counter() - began
    if proc.returncode not in (0, 1):
        raise SystemExit(f"{' '.join(map(str, args))} failed ({proc.returncode}):\n{proc.stderr[-2000:]}")
    return seconds, proc.stdout


def raw_solve(arrays, time_limit: float, mip_gap: float) -> float:
    h = raw_highs.build_highs(arrays, time_limit=time_limit, mip_gap=mip_gap)
    outcome, _ = raw_highs.solve_highs(h)
    return outcome.seconds


def raw_compare(case, time_limit: float, mip_gap: float) -> float:
    total = raw_solve(model_arrays(ModelData.from_case(case)), time_limit, mip_gap)
    for scenario in case.scenarios:
        total += raw_solve(model_arrays(ModelData.from_case(apply_scenario(case, scenario))), time_limit, mip_gap)
    return total


def raw_sweep(case, levels, time_limit: float, mip_gap: float) -> float:
    swept, row = with_horizon_row(case, TOTAL_POOL, levels[-1])
    arrays = model_arrays(ModelData.from_case(swept))
    r = arrays.budget_row(row)
    h = raw_highs.build_highs(arrays, time_limit=time_limit, mip_gap=mip_gap)
    total, start = 0.0, None
    for level in levels:
        h.changeRowBounds(r, float(arrays.row_lower[r]), float(level))
        if start is not None:
            h.setSolution(start)
        outcome, _ = raw_highs.solve_highs(h)
        total += outcome.seconds
        start = h.getSolution() if outcome.objective is not None else None
    lifted = dataclasses.replace(case, budgets=tuple(b for b in case.budgets if not (
        b.pool == TOTAL_POOL and b.year is None and b.group is None)))
    total += raw_solve(model_arrays(ModelData.from_case(lifted), minimise_spend=Budget(TOTAL_POOL, 0.0)),
                       time_limit, mip_gap)
    return total


def in_process_stages(path, case, low, high, args) -> str:
    """Where the CLI's time goes, measured in this process (default options, no explanations
    for compare): read + validate, the study's solves and evaluation, the workbook write."""
    from retrofit_opt.report.workbook import write_comparison, write_sweep
    from retrofit_opt.studies.compare import compare_scenarios
    from retrofit_opt.studies.sweep_setup import sweep_from_options
    work = Path(path).parent
    t0 = time.perf_counter()
    loaded = load_case(path)
    t1 = time.perf_counter()
    runs = compare_scenarios(loaded, time_limit=args.time_limit, mip_gap=args.mip_gap, explain=False,
                             explain_base=False)
    t2 = time.perf_counter()
    write_comparison(runs, work / "c3.xlsx", loaded.language)
    t3 = time.perf_counter()
    run = sweep_from_options(loaded, budget_from=low, budget_to=high, steps=args.levels,
                             time_limit=args.time_limit, mip_gap=args.mip_gap)
    t4 = time.perf_counter()
    write_sweep(run, work / "s2.xlsx", loaded.language)
    t5 = time.perf_counter()
    return (f"In-process stages (s): read + validate {t1 - t0:.2f}; compare --no-explain: study {t2 - t1:.2f}, "
            f"workbook write {t3 - t2:.2f}; sweep: study {t4 - t3:.2f}, workbook write {t5 - t4:.2f}.")


COMPARE_SPLIT = """
import json, sys, time
marks = {"started": time.time()}
from pathlib import Path
from retrofit_opt import cli
from retrofit_opt.loader import load_case
from retrofit_opt.report.background import WorkbookInBackground
from retrofit_opt.report.workbook import write_comparison
from retrofit_opt.studies.compare import compare_scenarios
marks["imports"] = time.time()
path, time_limit, mip_gap = sys.argv[1], float(sys.argv[2]), float(sys.argv[3])
loaded = load_case(path)
marks["read + validate"] = time.time()
base = {}  # as the CLI: the base case's sheets built while the other scenarios solve
runs = compare_scenarios(loaded, time_limit=time_limit, mip_gap=mip_gap, explain=False, explain_base=False,
                         on_base=lambda result: base.setdefault("sheets", WorkbookInBackground(result,
                                                                                               loaded.language)))
marks["study"] = time.time()
marks["of which HiGHS run"] = sum(r.result.timings["solve"] for r in runs)
write_comparison(runs, Path(path).with_name("split.xlsx"), loaded.language, base=base.get("sheets"))
marks["workbook write"] = time.time()
print(json.dumps(marks), flush=True)
cli._skip_the_final_collection()
"""  # what `retrofit-opt compare CASE --no-explain` does, stage by stage, in a fresh process


def compare_split(path, args) -> str:
    """``compare --no-explain``'s wall split into stages, measured in a fresh process as
    the command runs them: interpreter start-up, imports, read + validate, study (and the
    HiGHS runs within it), workbook write, and exit (after the last stage until the
    process is gone)."""
    began = time.time()
    proc = subprocess.run([sys.executable, "-c", COMPARE_SPLIT, str(path), str(args.time_limit), str(args.mip_gap)],
                          capture_output=True, text=True)
    ended = time.time()
    if proc.returncode:
        raise SystemExit(f"compare split failed:\n{proc.stderr[-2000:]}")
    marks = json.loads(proc.stdout.strip().splitlines()[-1])
    stages = [("start-up", marks["started"] - began)]
    last = marks["started"]
    for name in ("imports", "read + validate", "study", "workbook write"):
        stages.append((name, marks[name] - last))
        last = marks[name]
    stages.append(("exit", ended - last))
    text = ", ".join(f"{name} {seconds:.2f}" + (f" (HiGHS runs {marks['of which HiGHS run']:.2f})"
                                                if name == "study" else "") for name, seconds in stages)
    return f"compare --no-explain in a fresh process (s): {text}; wall {ended - began:.2f}."


def parser() -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--n", type=int, default=1000)
    ap.add_argument("--levels", type=int, default=20)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--mip-gap", type=float, default=0.01)
    ap.add_argument("--time-limit", type=float, default=60.0, help="per solve (s)")
    ap.add_argument("--quick", action="store_true", help="n = 150, 5 levels, nothing recorded")
    ap.add_argument("--output", type=Path, default=HERE / "RESULTS-studies.md")
    return ap


def measure(args) -> tuple[list, list[str]]:
    """One compare-and-sweep run: the rows (name, CLI wall, raw sum, goal kind) and the
    markdown lines of its entry."""
    work = Path(tempfile.mkdtemp(prefix="studies_bench_"))
    generated = generate.generate_case(args.n, 1, args.seed, mip_gap=args.mip_gap, time_limit=args.time_limit)
    sheets = generate.case_sheets(generated)
    sheets["scenarios"] = SCENARIOS
    from openpyxl import Workbook
    wb = Workbook(write_only=True)
    for title, rows in sheets.items():
        ws = wb.create_sheet(title)
        for row in rows:
            ws.append(row)
    path = work / "case.xlsx"
    wb.save(path)
    case = load_case(path)
    capex = sum(p.capex for p in case.projects)
    low, high = 0.3 * capex, 0.6 * capex
    levels = budget_levels(low, high, args.levels)
    solver_args = ["--mip-gap", args.mip_gap, "--time-limit", args.time_limit]
    print(f"case: {args.n} projects × 1 year, {len(case.scenarios)} scenarios; sweep of {args.levels} levels "
          f"{low:,.0f} … {high:,.0f} 万元; gap {args.mip_gap:g}, time limit {args.time_limit:g} s", flush=True)

    rows = []
    seconds, _ = timed_cli(["compare", path, "--no-explain", *solver_args, "-o", work / "c1.xlsx"])
    raw = raw_compare(case, args.time_limit, args.mip_gap)
    rows.append(("compare --no-explain (base + 5 scenarios)", seconds, raw, "compare"))
    print(f"compare --no-explain: {seconds:.2f} s; raw sum {raw:.2f} s", flush=True)
    seconds, _ = timed_cli(["compare", path, *solver_args, "-o", work / "c2.xlsx"])
    raw = raw_compare(case, args.time_limit, args.mip_gap)
    rows.append(("compare, default (base case explained)", seconds, raw, "compare"))
    print(f"compare default: {seconds:.2f} s; raw sum {raw:.2f} s", flush=True)
    seconds, out = timed_cli(["sweep", path, "--budget-from", f"{low:.6f}", "--budget-to", f"{high:.6f}",
                              "--steps", args.levels, *solver_args, "-o", work / "s.xlsx", "--json"])
    stages = json.loads(out)
    raw = raw_sweep(case, levels, args.time_limit, args.mip_gap)
    rows.append((f"sweep, {args.levels} levels (frontier + least budget; priority list: "
                 f"{'built' if stages['options'].get('priority') else 'not built, large case'})", seconds, raw,
                 "sweep"))
    print(f"sweep: {seconds:.2f} s; raw sum {raw:.2f} s; stages {stages['seconds']}", flush=True)

    stage_line = in_process_stages(path, case, low, high, args)
    print(stage_line, flush=True)
    split_line = compare_split(path, args)
    print(split_line, flush=True)

    lines = [f"\n## {dt.datetime.now().strftime('%Y-%m-%d %H:%M')} — n = {args.n} × 1, gap {args.mip_gap:g}, "
             f"time limit {args.time_limit:g} s, seed {args.seed}\n",
             f"Machine: {platform.platform()}, {os.cpu_count()} cores (shared with other work: "
             f"load {os.getloadavg()[0]:.1f}), Python {platform.python_version()}, highspy {highs_version()}.\n",
             "| run | CLI wall (s) | raw sum of its solves (s) | ratio | issue-19 goal (at 10,000) |",
             "|---|---|---|---|---|"]
    for name, seconds, raw, kind in rows:
        lines.append(f"| {name} | {seconds:.2f} | {raw:.2f} | {seconds / raw:.2f} | ≤ {GOALS[kind]} |")
    sweep_stages = ", ".join(f"{k} {v:.2f}" for k, v in stages["seconds"].items())
    lines.append(f"\nSweep stages inside the CLI (s): {sweep_stages}.")
    lines.append(f"\n{stage_line}")
    lines.append(f"\n{split_line}")
    return rows, lines


def measure_for_run(n: int, seed: int) -> dict:
    """For ``bench/run.py`` (full mode): this bench at ``n`` projects with its defaults; the
    markdown section, issue 19's goals as table rows, and the raw rows."""
    args = parser().parse_args(["--n", str(n), "--seed", str(seed)])
    rows, lines = measure(args)
    goals = [[f"{name} ≤ {GOALS[kind]}× the raw sum of its solves at {n:,} projects (gap {args.mip_gap:g})", f"{cli_wall / raw:.2f}× ({cli_wall:.2f} / {raw:.2f} s)",
              "met" if cli_wall / raw <= GOALS[kind] else "**not met**"] for name, cli_wall, raw, kind in rows]
    section = "\n".join(["## compare and sweep against the raw sum of their solves (bench/studies_bench.py)", "",
                          "CLI wall time includes Python start-up, reading and validating the workbook, building, "
                          "solving, evaluating and writing the results workbook; raw is the sum of highspy `run()` "
                          "wall times on the identical LPs in this process.", *lines]) + "\n"
    return {"section": section, "goals": goals,
            "rows": [{"run": name, "cli": cli_wall, "raw": raw, "goal": GOALS[kind]} for name, cli_wall, raw, kind in rows]}


def main(argv=None) -> int:
    args = parser().parse_args(argv)
    if args.quick:
        args.n, args.levels = 150, 5
    rows, lines = measure(args)
    print("\n".join(lines))
    if not args.quick:
        new = not args.output.exists()
        with args.output.open("a", encoding="utf-8") as f:
            if new:
                f.write("# compare and sweep against the raw sum of their solves (bench/studies_bench.py)\n\n"
                        "CLI wall time includes Python start-up, reading and validating the workbook, "
                        "building, solving, evaluating and writing the results workbook; raw is the sum of "
                        "highspy `run()` wall times on the identical LPs in this process.\n")
            f.write("\n".join(lines) + "\n")
        print(f"recorded in {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
