"""Risk benchmark (issue 14): ``retrofit-opt risk`` (2,000 samples) against the
deterministic solve, side by side, at 1,000 and 10,000 projects.

For each size: a generated case (bench/generate.py, seeded) with constructed ranges on
every project (saving −10…−40 % / +0…+15 %, capex −5 % / +5…+30 %, triangular, rank
correlation 0.3 within a category) is

* (a) solved deterministically (``solve_case``, no explanations), the baseline;
* (b) sampled: ``sample_scenarios(case, 2000)`` over every project of the case (what SAA
  over all candidates needs);
* (c) evaluated: ``evaluate_plan`` of the chosen plan on the 2,000 samples (median of 5);
* (c′) the same for the plan of the first 1,000 projects (the issue's "2,000 samples of a
  fixed 1,000-project plan"), whatever the case size;
* (d) ``risk_study`` end to end without tornado: its own solve, then sampling only the
  chosen projects (``plan_case``), evaluation and statistics;
* (e) ``risk_study`` with a tornado of ``--tornado`` inputs (2 re-solves each), optional.

Appends a section to bench/RESULTS-risk.md.  ``--quick``: n = 200 only, nothing recorded.
"""
from __future__ import annotations

import argparse
import dataclasses
import platform
import statistics
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import generate  # noqa: E402

from retrofit_opt.studies.solve import solve_case  # noqa: E402
from retrofit_opt.studies.risk import risk_study  # noqa: E402
from retrofit_opt.uncertainty import evaluate_plan, sample_scenarios  # noqa: E402


def with_ranges(case, seed: int):
    """The case with constructed, seeded ranges on every project."""
    rng = np.random.default_rng([seed, 14])
    projects = []
    for p in case.projects:
        e = p.metric("energy_saving")
        projects.append(dataclasses.replace(
            p, saving_low=e * rng.uniform(0.6, 0.9), saving_high=e * rng.uniform(1.0, 1.15),
            capex_low=p.capex * 0.95, capex_high=p.capex * rng.uniform(1.05, 1.3)))
    params = dataclasses.replace(case.parameters, uncertainty_correlation=0.3)
    return dataclasses.replace(case, projects=tuple(projects), parameters=params)


def timed(fn, repeat: int = 1):
    times, value = [], None
    for _ in range(repeat):
        began = time.perf_counter()
        value = fn()
        times.append(time.perf_counter() - began)
    return statistics.median(times), value


def calibration() -> float:
    """Seconds numpy takes for sqrt(z·z + 1) over 20·10⁶ floats on this machine now: the
    scale of every array figure."""
    z = np.random.default_rng(0).standard_normal(20_000_000)
    return timed(lambda: np.sqrt(z * z + 1.0), 3)[0]


def run_size(n: int, samples: int, seed: int, mip_gap: float, time_limit: float, tornado: int) -> dict:
    case = with_ranges(generate.generate_case(n, 1, seed, mip_gap=mip_gap, time_limit=time_limit), seed)
    print(f"n = {n}: solving …", flush=True)
    t_solve, result = timed(lambda: solve_case(case, explain=False))
    plan = result.plan
    t_sample, scenarios = timed(lambda: sample_scenarios(case, samples, seed))
    t_eval, outcome = timed(lambda: evaluate_plan(case, plan, scenarios), 5)
    fixed = {p.id: None for p in case.projects[:1000]}
    t_eval_1000, _ = timed(lambda: evaluate_plan(case, fixed, scenarios), 5)
    del scenarios
    print(f"  solve {t_solve:.2f} s ({result.status}, {len(plan)} chosen), sample {t_sample:.3f} s, "
          f"evaluate {t_eval:.4f} s, evaluate 1,000-project plan {t_eval_1000:.4f} s", flush=True)
    t_risk, risk = timed(lambda: risk_study(case, samples=samples, seed=seed, tornado=0))
    print(f"  risk (no tornado) {t_risk:.2f} s: P(energy target) = {risk.targets[0].probability:.3f}", flush=True)
    t_tornado = None
    if tornado:
        t_tornado, with_bars = timed(lambda: risk_study(case, samples=samples, seed=seed, tornado=tornado))
        print(f"  risk with tornado {tornado}: {t_tornado:.2f} s ({len(with_bars.tornado)} bars)", flush=True)
    return {"n": n, "calibration": calibration(), "status": result.status, "chosen": len(plan), "solve": t_solve, "sample": t_sample,
            "evaluate": t_eval, "evaluate_1000": t_eval_1000, "risk": t_risk, "tornado": t_tornado,
            "probabilities": [t.probability for t in risk.targets], "gap": result.gap}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--samples", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--mip-gap", type=float, default=1e-3)
    parser.add_argument("--time-limit", type=float, default=120.0)
    parser.add_argument("--tornado", type=int, default=10, help="inputs re-solved in (e); 0 skips (e)")
    parser.add_argument("--quick", action="store_true", help="n = 200 only, nothing recorded")
    parser.add_argument("--output", type=Path, default=HERE / "RESULTS-risk.md")
    args = parser.parse_args(argv)
    if args.quick:
        args.sizes, args.tornado = [200], 2
    rows = [run_size(n, args.samples, args.seed, args.mip_gap, args.time_limit, args.tornado) for n in args.sizes]
    if args.quick:
        return 0
    import highspy  # noqa: F401
    from importlib.metadata import version
    lines = [f"\n## {datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC — {args.samples:,} samples, gap {args.mip_gap:g}, "
             f"time limit {args.time_limit:g} s, seed {args.seed}\n",
             f"Machine: {platform.platform()}, {__import__('os').cpu_count()} cores shared with other engineers' "
             f"jobs, Python {platform.python_version()}, numpy {np.__version__}, scipy {version('scipy')}, "
             f"highspy {version('highspy')}.\n",
             "| n | (a) deterministic solve s | chosen | (b) sample s | (c) evaluate plan s | (c′) evaluate "
             "1,000-project plan s | (d) risk, no tornado s | (d)/(a) | "
             f"(e) risk + tornado {args.tornado} s | (e)/(a) | numpy calibration s |",
             "|---|---|---|---|---|---|---|---|---|---|---|"]
    for r in rows:
        tornado = f"{r['tornado']:.2f} | {r['tornado'] / r['solve']:.2f}" if r["tornado"] is not None else "— | —"
        lines.append(f"| {r['n']:,} | {r['solve']:.2f} ({r['status']}) | {r['chosen']:,} | {r['sample']:.3f} | "
                     f"{r['evaluate']:.4f} | {r['evaluate_1000']:.4f} | {r['risk']:.2f} | "
                     f"{r['risk'] / r['solve']:.2f} | {tornado} | {r['calibration']:.3f} |")
    lines.append("\nnumpy calibration: sqrt(z·z + 1) over 20·10⁶ floats, measured right after each size "
                 ": the array figures scale with it.")
    lines.append("\n(d) includes its own deterministic solve, so (d) − (a) is the cost of the risk figures; "
                 "(e) adds 2 re-solves per tornado input.  Probabilities of the energy and CO2 targets: "
                 + "; ".join(f"n = {r['n']:,}: " + ", ".join(f"{p:.3f}" for p in r["probabilities"]) for r in rows)
                 + ".\n")
    text = "\n".join(lines)
    if not args.output.exists():
        text = ("# Risk benchmark (bench/risk_bench.py)\n\nEach run appends a section; timings on a shared "
                "machine vary between runs, compare within one run.\n" + text)
    with open(args.output, "a", encoding="utf-8") as fh:
        fh.write(text)
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
