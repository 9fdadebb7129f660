"""Alternatives benchmark: 5 near-optimal alternatives of a generated 1,000-project
single-period case on one persistent model, against the same 5 problems solved
independently, and against 5 ordinary solves — all in one run.

    python bench/alternatives_bench.py             # n = 1,000, 5 plans; a few minutes on 2 cores
    python bench/alternatives_bench.py --quick     # n = 150, not recorded

Figures:

(a) ``find_alternatives(count=5, classify=False)`` end to end: one model built and loaded
    into HiGHS once; the optimum, the ``within`` row, then 4 re-solves each adding a
    no-good cut and a spread row for the plan before and maximising the least Hamming
    distance to the plans so far;
(b) the same 5 problems solved independently: for plan k, a fresh model (build_model),
    the ``within`` row, the cuts and spread rows of (a)'s plans 1 … k−1, a fresh HiGHS
    instance, one solve — what a tool without a persistent model would do.  Its least
    distances must equal (a)'s within the gap;
(c) 5 ordinary solves of the case (build, load, solve the optimum), the cost of asking
    the solver five times.

With ``--classes`` also (d): the full study with the core / optional / never proofs.
Timings on a shared machine move by ±15 % and more between identical runs: compare the
ratios within one run.  The figures are appended to ``bench/RESULTS-alternatives.md``.
"""
from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))

import generate  # noqa: E402

from retrofit_opt.model import alternatives as variants  # noqa: E402
from retrofit_opt.model import ModelData, build_model  # noqa: E402
from retrofit_opt.solve import Solver, highs_version  # noqa: E402
from retrofit_opt.studies.alternatives import find_alternatives  # noqa: E402


def independent(case, result, args) -> tuple[float, list[float], list]:
    """(b): each of (a)'s problems on its own fresh model and solver."""
    seconds, distances = [], []
    total = 0.0
    minimise = case.parameters.objective == "min_cost"
    for k in range(len(result.plans)):
        began = time.perf_counter()
        data = ModelData.from_case(case)
        m = build_model(data)
        solver = Solver(m, args.time_limit, args.mip_gap if k == 0 else args.spread_gap)
        if k:
            variants.add_within_row(m, data, result.threshold, result.reference, minimise)
            variants.define_spread_objective(m, data, result.reference, result.threshold, minimise)
            for earlier in result.plans[:k]:
                variants.add_plan_rows(m, data, variants.plan_units(data, earlier.plan, False), False)
            variants.set_active_objective(m, "alt_spread")
        outcome = solver.solve()
        elapsed = time.perf_counter() - began
        total += elapsed
        seconds.append(elapsed)
        distances.append(None if not k else round(m.alt_distance.value))
    return total, seconds, distances


def ordinary(case, args, count: int) -> float:
    """(c): ``count`` solves of the case as ``solve --no-explain`` runs them (build, load, solve)."""
    total = 0.0
    for _ in range(count):
        began = time.perf_counter()
        Solver(build_model(case), args.time_limit, args.mip_gap).solve()
        total += time.perf_counter() - began
    return total


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=1000)
    parser.add_argument("--count", type=int, default=5)
    parser.add_argument("--within", type=float, default=0.02)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--mip-gap", type=float, default=1e-4, help="gap of the optimum's solve")
    parser.add_argument("--spread-gap", type=float, default=0.01, help="gap of the alternatives' re-solves")
    parser.add_argument("--time-limit", type=float, default=60.0, help="per solve (s)")
    parser.add_argument("--classes", action="store_true", help="also time the full study with class proofs")
    parser.add_argument("--quick", action="store_true", help="n = 150, nothing recorded")
    parser.add_argument("--output", type=Path, default=HERE / "RESULTS-alternatives.md")
    args = parser.parse_args(argv)
    if args.quick:
        args.n = 150

    case = generate.generate_case(args.n, 1, args.seed, mip_gap=args.mip_gap, time_limit=args.time_limit)
    print(f"case: {args.n} projects, {len(case.budgets)} budget rows, {len(case.targets)} targets; "
          f"{args.count} plans within {args.within:.0%}; gaps {args.mip_gap:g} (optimum) / {args.spread_gap:g} "
          f"(alternatives); time limit {args.time_limit:g} s per solve", flush=True)

    began = time.perf_counter()
    result = find_alternatives(case, within=args.within, count=args.count, classify=False, mip_gap=args.mip_gap,
                               spread_gap=args.spread_gap, time_limit=args.time_limit)
    study = time.perf_counter() - began
    print(f"(a) persistent study: {study:.2f} s; plans {len(result.plans)}; least distances "
          f"{[a.distance for a in result.plans[1:]]}; statuses {[a.status for a in result.plans]}", flush=True)
    rebuilt, per_plan, distances = independent(case, result, args)
    print(f"(b) the same {len(result.plans)} problems solved independently: {rebuilt:.2f} s; least distances "
          f"{distances[1:]}", flush=True)
    plain = ordinary(case, args, len(result.plans))
    print(f"(c) {len(result.plans)} ordinary solves: {plain:.2f} s", flush=True)
    full = None
    if args.classes:
        began = time.perf_counter()
        full_result = find_alternatives(case, within=args.within, count=args.count, mip_gap=args.mip_gap,
                                        spread_gap=args.spread_gap, time_limit=args.time_limit)
        full = time.perf_counter() - began
        print(f"(d) with classes: {full:.2f} s; {len(full_result.core)} core, {len(full_result.optional)} optional, "
              f"{len(full_result.never)} never, {len(full_result.unproven)} unproven; "
              f"{full_result.witnesses} witness plans", flush=True)

    agree = sum(1 for a, d in zip(result.plans[1:], distances[1:])
                if d is not None and a.distance is not None
                and abs(a.distance - d) <= args.spread_gap * (a.distance + 1) + 1)
    ratio_b, ratio_c = study / rebuilt, study / plain
    print(f"ratio (a)/(b) = {ratio_b:.3f}, (a)/(c) = {ratio_c:.3f}; least distances agree within the gap: "
          f"{agree}/{len(result.plans) - 1}")
    if args.quick:
        return 0

    solve_seconds = [a.seconds for a in result.plans]
    lines = [
        f"\n## {dt.datetime.now().strftime('%Y-%m-%d %H:%M')} — n = {args.n}, {args.count} plans within "
        f"{args.within:.0%}, gaps {args.mip_gap:g} / {args.spread_gap:g}, time limit {args.time_limit:g} s, "
        f"seed {args.seed}\n",
        f"Machine: {platform.platform()}, {os.cpu_count()} cores (shared with other engineers' jobs while this "
        f"ran), Python {platform.python_version()}, highspy {highs_version()}.  Case from `bench/generate.py` "
        f"({len(case.budgets)} budget rows, {len(case.targets)} targets, objective max_saving).\n",
        "| figure | seconds |",
        "|---|---|",
        f"| (a) `find_alternatives(count={args.count}, classify=False)`: one persistent model, optimum + "
        f"{len(result.plans) - 1} max–min re-solves | {study:.2f} |",
        f"| … of which HiGHS solves (optimum; alternatives) | {solve_seconds[0]:.2f}; "
        f"{', '.join(f'{s:.2f}' for s in solve_seconds[1:])} |",
        f"| (b) the same {len(result.plans)} problems, each on a fresh model and solver | {rebuilt:.2f} |",
        f"| … per problem | {', '.join(f'{s:.2f}' for s in per_plan)} |",
        f"| (c) {len(result.plans)} ordinary solves of the case (build, load, solve) | {plain:.2f} |",
    ]
    if full is not None:
        lines.append(f"| (d) the full study with core / optional / never proofs | {full:.2f} |")
    lines += [
        "",
        f"**Ratio (a)/(b) = {ratio_b:.3f}, (a)/(c) = {ratio_c:.3f}.**  Least Hamming distances of the "
        f"alternatives: (a) {[a.distance for a in result.plans[1:]]}, (b) {distances[1:]} ({agree}/"
        f"{len(result.plans) - 1} agree within the gap); gaps to the optimum "
        f"{', '.join(f'{a.gap_to_optimum:.2%}' for a in result.plans)}; solve statuses "
        f"{', '.join(a.status for a in result.plans)}.",
    ]
    new = not args.output.exists()
    with args.output.open("a", encoding="utf-8") as f:
        if new:
            f.write("# Alternatives benchmark (bench/alternatives_bench.py)\n\nEach run appends a section; compare "
                    "ratios within one run (timings vary ±15 % and more between identical runs on a shared "
                    "machine).\n")
        f.write("\n".join(lines) + "\n")
    print(f"recorded in {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
