"""Writing the results workbook at scale (issue 19): seconds per stage of ``write_results``.

``python bench/write_bench.py prepare CASE.xlsx PLAN.json [--time-limit S]`` solves the case
once (``--no-explain``) and stores its plan and solver outcome; ``python bench/write_bench.py
time CASE.xlsx PLAN.json [--runs N] [--profile OUT.prof]`` rebuilds the Result from the case
and that plan (the evaluation of :func:`retrofit_opt.studies.solve.solve_case`) and times
each sheet, the finishing (charts, font, print setup) and the save, so that a change to the
writer can be measured before and after on the same plan without solving again.
"""
from __future__ import annotations

import argparse
import cProfile
import json
import sys
import time
from pathlib import Path


def prepare(case_path: Path, plan_path: Path, time_limit: float) -> None:
    from retrofit_opt.loader import load_case
    from retrofit_opt.studies.solve import solve_case
    case = load_case(case_path)
    r = solve_case(case, time_limit=time_limit, mip_gap=1e-4, explain=False)
    plan_path.write_text(json.dumps({"plan": r.plan, "status": r.status, "termination": r.termination,
                                     "bound": r.bound, "gap": r.gap, "timings": r.timings,
                                     "options": r.options}))
    print(f"{r.status}: {len(r.plan):,} chosen of {len(case.projects):,}")


def result_of(case, stored: dict):
    from retrofit_opt import evaluate
    from retrofit_opt.results import Result
    plan = stored["plan"]
    return Result(case=case, status=stored["status"], termination=stored["termination"],
                  objective=evaluate.objective_value(case, plan), bound=stored["bound"], gap=stored["gap"],
                  plan=plan, budget_uses=evaluate.budget_uses(case, plan),
                  target_checks=evaluate.target_checks(case, plan), totals=evaluate.metric_totals(case, plan),
                  timings=stored["timings"], options=stored["options"])


def time_write(case_path: Path, plan_path: Path, runs: int, profile: Path | None, out: Path) -> dict:
    from retrofit_opt.loader import load_case
    from retrofit_opt.report import workbook as W
    from retrofit_opt.report.output import write_atomically
    try:
        from retrofit_opt.report.save import saver
    except ImportError:  # a package before report/save.py (a baseline)
        saver = lambda wb: wb.save  # noqa: E731
    case = load_case(case_path)
    result = result_of(case, json.loads(plan_path.read_text()))
    rows = []
    for run in range(runs):
        stages: dict[str, float] = {}
        prof = cProfile.Profile() if profile and run == runs - 1 else None
        if prof:
            prof.enable()
        marks = [(time.perf_counter(), time.process_time())]
        report = W.build_workbook(result)
        marks.append((time.perf_counter(), time.process_time()))
        W.finish_workbook(report, case)
        marks.append((time.perf_counter(), time.process_time()))
        write_atomically(out, saver(report.workbook))
        marks.append((time.perf_counter(), time.process_time()))
        if prof:
            prof.disable()
            prof.dump_stats(profile)
        names = ("build sheets", "finish (charts, font, print)", "save")
        stages = {name: {"wall": b[0] - a[0], "cpu": b[1] - a[1]} for name, a, b in zip(names, marks, marks[1:])}
        stages["total"] = {"wall": marks[-1][0] - marks[0][0], "cpu": marks[-1][1] - marks[0][1]}
        rows.append(stages)
        print("  ".join(f"{k}: {v['cpu']:.2f} cpu / {v['wall']:.2f} wall" for k, v in stages.items()), flush=True)
    return {"projects": len(case.projects), "chosen": len(result.plan), "runs": rows}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("mode", choices=("prepare", "time"))
    ap.add_argument("case", type=Path)
    ap.add_argument("plan", type=Path)
    ap.add_argument("--time-limit", type=float, default=120.0)
    ap.add_argument("--runs", type=int, default=1)
    ap.add_argument("--profile", type=Path)
    ap.add_argument("--out", type=Path, default=Path("write_bench.out.xlsx"))
    args = ap.parse_args()
    if args.mode == "prepare":
        prepare(args.case, args.plan, args.time_limit)
    else:
        time_write(args.case, args.plan, args.runs, args.profile, args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
