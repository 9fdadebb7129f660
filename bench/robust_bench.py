"""Γ-robust solve against the deterministic solve, side by side (issue 14).

    python bench/robust_bench.py                 # n = 1,000 and 10,000; appends to bench/RESULTS-robust.md
    python bench/robust_bench.py --quick         # n = 200, not recorded

Cases: ``bench/generate.py``'s seeded generator, objective ``min_cost`` (so that the
energy and CO2 targets bind and robustness has a price), with constructed saving ranges:
each project's ``saving_low`` is its saving × U(0.6, 0.95) (seeded); its CO2 follows
(ranges.py), so both the energy and the CO2 target get robust rows.  For each size, in
alternation (so that a shared machine's load falls on both alike), ``--repeats`` times:

(a) deterministic: ``build_model`` → ``Solver.solve`` → ``extract_plan`` (what
    ``retrofit-opt solve`` does without explanations);
(b) Γ-robust, Γ = ``--gamma``: the same plus ``ModelVariant(gamma).apply`` (one dual π per
    target row and one ρ per row and uncertain project; the deterministic rows replaced).

Reported: build and solve seconds, the model's size (rows, columns), the objective of
each and the ratio (b)/(a) of the totals (the median over the repeats).  The Γ-robust plan
is re-checked in plain Python (its worst-case totals ≥ the targets).
"""
from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import os
import platform
import statistics
import sys
import time
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from generate import generate_case  # noqa: E402

from retrofit_opt import evaluate  # noqa: E402
from retrofit_opt.model import ModelData, build_model  # noqa: E402
from retrofit_opt.model.extract import extract_plan  # noqa: E402
from retrofit_opt.ranges import worst_case_total  # noqa: E402
from retrofit_opt.rules import target_row  # noqa: E402
from retrofit_opt.solve import Solver, highs_version  # noqa: E402
from retrofit_opt.studies.robust import ModelVariant  # noqa: E402


def ranged_case(n: int, seed: int):
    case = generate_case(n, 1, seed, objective="min_cost")
    rng = np.random.default_rng(seed + 17)
    factors = rng.uniform(0.6, 0.95, len(case.projects))
    projects = tuple(dataclasses.replace(p, saving_low=p.metric("energy_saving") * f)
                     for p, f in zip(case.projects, factors))
    return dataclasses.replace(case, projects=projects)


def _size(model):
    import pyomo.environ as pyo
    rows = sum(1 for _ in model.component_data_objects(pyo.Constraint, active=True))
    cols = sum(1 for _ in model.component_data_objects(pyo.Var))
    return rows, cols


def one_run(case, gamma):
    started = time.perf_counter()
    data = ModelData.from_case(case)
    model = build_model(data)
    if gamma is not None:
        ModelVariant(gamma=gamma).apply(model, data)
    built = time.perf_counter()
    solver = Solver(model, case.parameters.time_limit, case.parameters.mip_gap)
    outcome = solver.solve()
    plan = extract_plan(model, data) if outcome.has_solution else {}
    done = time.perf_counter()
    objective = evaluate.objective_value(case, plan) if outcome.has_solution else None
    if gamma is not None and outcome.has_solution:
        for t in case.targets:
            row = target_row(case, t)
            if row.family == "min_total":
                assert worst_case_total(case, plan, row, gamma) >= row.rhs * (1 - 1e-6), "robust check failed"
    return {"build": built - started, "solve": done - built, "total": done - started, "status": outcome.status,
            "objective": objective, "gap": outcome.gap, "size": _size(model), "chosen": len(plan)}


def measure(n: int, gamma: float, repeats: int, seed: int) -> dict:
    case = ranged_case(n, seed)
    runs = {"deterministic": [], "robust": []}
    for _ in range(repeats):
        runs["deterministic"].append(one_run(case, None))
        runs["robust"].append(one_run(case, gamma))
    out = {"n": n}
    for key, values in runs.items():
        out[key] = {k: statistics.median(v[k] for v in values) for k in ("build", "solve", "total")}
        out[key].update({k: values[-1][k] for k in ("status", "objective", "gap", "size", "chosen")})
    out["ratio"] = out["robust"]["total"] / out["deterministic"]["total"]
    d, r = out["deterministic"]["objective"], out["robust"]["objective"]
    out["price"] = (r - d) if d is not None and r is not None else None
    return out


def markdown(results, gamma, repeats, seed) -> str:
    lines = [f"## Γ-robust vs deterministic solve — {dt.datetime.now(dt.timezone.utc):%Y-%m-%d %H:%M} UTC", "",
             f"Machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores, **shared with other "
             f"engineers' jobs while measured** (figures are indicative). Python {platform.python_version()}, "
             f"HiGHS {highs_version()}. Γ = {gamma:g}, median of {repeats} alternating repeat(s), seed {seed}, "
             "objective min_cost, MIP gap 1e-4.", "",
             "| projects | variant | rows × cols | build s | solve s | total s | status | objective (万元) | "
             "chosen | robust / deterministic |",
             "|---:|---|---|---:|---:|---:|---|---:|---:|---:|"]
    for res in results:
        for key in ("deterministic", "robust"):
            v = res[key]
            ratio = f"{res['ratio']:.2f}×" if key == "robust" else ""
            objective = f"{v['objective']:,.1f}" if v["objective"] is not None else "—"
            lines.append(f"| {res['n']:,} | {key} | {v['size'][0]:,} × {v['size'][1]:,} | {v['build']:.2f} | "
                         f"{v['solve']:.2f} | {v['total']:.2f} | {v['status']} | {objective} | {v['chosen']} | {ratio} |")
    lines.append("")
    for res in results:
        if res["price"] is not None:
            lines.append(f"- {res['n']:,} projects: price of robustness at Γ = {gamma:g}: {res['price']:,.1f} 万元 "
                         f"more capex ({res['price'] / res['deterministic']['objective']:.2%}).")
    return "\n".join(lines) + "\n\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000")
    parser.add_argument("--gamma", type=float, default=2.0)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    sizes = [200] if args.quick else [int(s) for s in args.sizes.split(",")]
    repeats = 1 if args.quick else args.repeats
    results = []
    for n in sizes:
        res = measure(n, args.gamma, repeats if n <= 1000 else max(1, repeats - 2), args.seed)
        results.append(res)
        print(f"n={n}: deterministic {res['deterministic']['total']:.2f} s, robust {res['robust']['total']:.2f} s, "
              f"ratio {res['ratio']:.2f}", flush=True)
    text = markdown(results, args.gamma, repeats, args.seed)
    print(text)
    if not args.quick:
        path = HERE / "RESULTS-robust.md"
        header = "" if path.exists() else ("# Γ-robust solve benchmark (bench/robust_bench.py)\n\n"
                                           "Appended by each run; the newest run is last.\n\n")
        with path.open("a", encoding="utf-8") as fh:
            fh.write(header + text)


if __name__ == "__main__":
    main()
