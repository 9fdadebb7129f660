"""Provincial scale (issue 19): ``retrofit-opt solve`` end to end against the raw highspy
process on the identical LP at the same gap (the case's default, 1e-4), with and without
the force-in explanations of the Not selected sheet.

For each size: the generated case (``bench/generate.py``) as a workbook and as raw
arrays; the raw process (``bench/raw_highs.py``: start-up, imports, loading the arrays,
build, solve); the LP check (``raw_highs.py --check-lp``: the LP ``solve`` hands HiGHS and
the Pyomo LP of record, both against the raw one); the CLI with timers around its stages
(``bench/cli_stages.py``) and plainly (wall clock, peak RSS).  With explanations, the JSON's
``not_selected`` entries are counted by what was proven: exact, an interval, a lower end
only, infeasible if forced, not analysed.

Run from ``bench/run.py`` (full mode; ``--no-scale`` skips it) or alone:
``python bench/scale.py --out bench/out/scale.json [--runs CASES]``.
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import raw_highs  # noqa: E402
from generate import generate_case, write_case  # noqa: E402

# (projects, years, explanations?) — the goals of issue 19
FULL_RUNS = ((10_000, 1, False), (50_000, 1, False), (10_000, 10, False), (1_000, 1, True), (10_000, 1, True))
GOALS = {(10_000, 1, False): 2.0, (50_000, 1, False): 2.0, (10_000, 10, False): 1.3,
         (1_000, 1, True): 5.0, (10_000, 1, True): 3.0}
MEMORY_GOAL = 3.0


def prepare(n: int, years: int, work: Path, seed: int) -> tuple[Path, Path, float]:
    xlsx, npz = work / f"scale_{n}x{years}.xlsx", work / f"scale_{n}x{years}.npz"
    started = time.perf_counter()
    if not (xlsx.exists() and npz.exists()):
        case = generate_case(n, years, seed=seed)
        write_case(case, xlsx)
        from retrofit_opt.model.data import ModelData  # noqa: F401  (the package under test)
        raw_highs.model_arrays(case).save(npz)
    return xlsx, npz, time.perf_counter() - started


def explanation_counts(result: dict) -> dict:
    counts = Counter()
    for e in result.get("not_selected", []):
        if e["reason"] == "not_computed":
            counts["not analysed"] += 1
        elif e["reason"] == "infeasible_if_forced":
            counts["infeasible if forced"] += 1
        elif e["reason"] != "lowers_objective":
            counts[e["reason"]] += 1
        elif e["loss_exact"]:
            counts["exact"] += 1
        elif e["loss_high"] is not None:
            counts["interval"] += 1
        else:
            counts["lower end only"] += 1
    return dict(counts)


def positive_int(text: str) -> int:
    """An argparse type: a whole number of at least 1 (a count of runs)."""
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, not {value}")
    return value


def _median_run(runs: list):
    """The run of median wall clock (of an even number, the lower middle one)."""
    return sorted(runs, key=lambda run: run.wall)[(len(runs) - 1) // 2]


def measure(n: int, years: int, explain: bool, work: Path, seed: int, run_measured, env, cli_command,
            repeats: int = 1) -> dict:
    """One size: the raw process and the CLI ``repeats`` times each, alternating (a shared
    machine's slow spell then falls on both), each figure the run of median wall clock; the
    LP check and the timed stages once."""
    xlsx, npz, prep = prepare(n, years, work, seed)
    tag = f"scale_{n}x{years}{'_explain' if explain else ''}"
    params_gap, limit = "0.0001", "600"
    raw_out = work / f"{tag}.raw.json"
    args = ["solve", str(xlsx), "-o", str(work / f"{tag}.out.xlsx"), "--json", "--mip-gap", params_gap,
            "--time-limit", limit] + ([] if explain else ["--no-explain"])
    raw_runs, cli_runs = [], []
    for _ in range(repeats):
        raw_run = run_measured([sys.executable, HERE / "raw_highs.py", npz, "--time-limit", limit, "--mip-gap",
                                params_gap, "--out", raw_out], env=env)
        raw_runs.append((raw_run, json.loads(raw_out.read_text())))
        cli_run = run_measured(cli_command + args, env=env)
        cli_runs.append((cli_run, json.loads(cli_run.stdout)))
    raw_run = _median_run([run for run, _ in raw_runs])
    raw = next(out for run, out in raw_runs if run is raw_run)
    raw.update(wall=raw_run.wall, maxrss_mb=raw_run.maxrss_mb)
    cli_run = _median_run([run for run, _ in cli_runs])
    result = next(out for run, out in cli_runs if run is cli_run)
    lp_run = run_measured([sys.executable, HERE / "raw_highs.py", "--check-lp", xlsx, npz], env=env)
    lp = json.loads(lp_run.stdout) if lp_run.code == 0 else {"identical": False, "differences": [lp_run.stderr[-500:]]}
    stages_json = work / f"{tag}.stages.json"
    run_measured([sys.executable, HERE / "cli_stages.py", stages_json, "--", *args], env=env)
    stages = json.loads(stages_json.read_text()) if stages_json.exists() else {}
    counts = [explanation_counts(out) for _, out in cli_runs] if explain else None
    return {"n": n, "years": years, "explain": explain, "prep": prep, "raw": raw, "lp": lp, "stages": stages,
            "repeats": repeats, "raw_walls": [run.wall for run, _ in raw_runs],
            "cli_walls": [run.wall for run, _ in cli_runs],
            "cli": {"wall": cli_run.wall, "maxrss_mb": cli_run.maxrss_mb, "code": cli_run.code,
                    "status": result["status"], "objective": result["objective"], "gap": result["gap"],
                    "seconds": result.get("seconds", {})},
            # the run that left the most projects not analysed: the goal holds for every run
            "explanations": max(counts, key=lambda c: c.get("not analysed", 0)) if explain else None,
            "ratio": cli_run.wall / raw_run.wall, "memory_ratio": cli_run.maxrss_mb / raw_run.maxrss_mb,
            "goal": GOALS.get((n, years, explain))}


def run_all(work: Path, seed: int, log, run_measured, env, cli_command, runs=FULL_RUNS,
            repeats: int = 1) -> list[dict]:
    import subprocess
    rows = []
    for n, years, explain in runs:
        log(f"[scale] {n:,} × {years} yr, {'with' if explain else 'without'} explanations, {repeats} × each")
        load = subprocess.run(["cat", "/proc/loadavg"], capture_output=True, text=True).stdout.split()[:3]
        try:
            row = measure(n, years, explain, work, seed, run_measured, env, cli_command, repeats)
        except Exception as exc:  # a failed size is reported, not hidden
            row = {"n": n, "years": years, "explain": explain, "error": f"{type(exc).__name__}: {exc}"}
        row["load_before"] = load
        rows.append(row)
    return rows


def _f(x, digits=2):
    return "–" if x is None else f"{x:,.{digits}f}"


def goals(rows: list[dict]) -> list[list[str]]:
    """Issue 19's goals, one table row each (goal, measured, met): the time ratios, the
    explanations' "not analysed" counts, and peak memory against the raw process."""
    out = []
    for r in rows:
        size = f"{r['n']:,} × {r['years']} yr"
        if "error" in r:
            out.append([f"`solve` at {size}", f"failed: {r['error']}", "**not met**"])
            continue
        options = "default options (explanations)" if r["explain"] else "`--no-explain`"
        if r["goal"] is not None:
            out.append([f"`solve` {options} ≤ {r['goal']}× the raw process at {size}", f"{r['ratio']:.2f}×",
                        "met" if r["ratio"] <= r["goal"] else "**not met**"])
        if r["explain"]:
            missing = r["explanations"].get("not analysed", 0)
            out.append([f"every left-out project explained (exactly or as a proven interval) at {size}",
                        f"{missing:,} not analysed", "met" if missing == 0 else "**not met**"])
        out.append([f"peak memory ≤ {MEMORY_GOAL:g}× raw's at {size} ({options})",
                    f"{r['memory_ratio']:.2f}× ({r['cli']['maxrss_mb']:,.0f} / {r['raw']['maxrss_mb']:,.0f} MB)",
                    "met" if r["memory_ratio"] <= MEMORY_GOAL else "**not met**"])
    return out


def section(rows: list[dict]) -> str:
    """The markdown of the scale runs."""
    repeats = max((r.get("repeats", 1) for r in rows), default=1)
    runs = "One run of each" if repeats == 1 else \
        (f"{repeats} runs of each, the raw process and the CLI alternating; each figure is the run of median wall "
         "clock (every run's wall clock is listed under the table)")
    out = ["## Provincial scale (issue 19): CLI against the raw highspy process, gap 1e-4", "",
           f"{runs}; the machine was shared (load average of the last minute before each size in the "
           "table; 2 cores).  `CLI / raw` = wall clock of `retrofit-opt solve` over wall clock of the raw "
           "process (`bench/raw_highs.py`: imports, loading the arrays, build, solve) on the identical LP at "
           "the same gap and limit.", "",
           "| size | explanations | load | raw (s) | raw HiGHS (s) | CLI (s) | CLI / raw | goal | met | "
           "LP identical | objective CLI / raw | peak RSS CLI / raw (MB) | memory ratio |",
           "|---|---|---|---|---|---|---|---|---|---|---|---|---|"]
    for r in rows:
        size = f"{r['n']:,} × {r['years']} yr"
        if "error" in r:
            out.append(f"| {size} | {'yes' if r['explain'] else 'no'} | | | | | | | **failed**: {r['error']} | | | | |")
            continue
        goal = r["goal"]
        met = "–" if goal is None else ("**met**" if r["ratio"] <= goal else "**not met**")
        out.append(f"| {size} | {'default' if r['explain'] else '--no-explain'} | {' '.join(r['load_before'])} | "
                   f"{_f(r['raw']['wall'])} | {_f(r['raw']['solve'])} | {_f(r['cli']['wall'])} | "
                   f"{_f(r['ratio'])}× | {'–' if goal is None else f'≤ {goal}×'} | {met} | {'yes' if r['lp'].get('identical') else 'NO'} | "
                   f"{_f(r['cli']['objective'], 1)} / {_f(r['raw']['outcome']['objective'], 1)} | "
                   f"{_f(r['cli']['maxrss_mb'], 0)} / {_f(r['raw']['maxrss_mb'], 0)} | {_f(r['memory_ratio'])}× "
                   f"({'met' if r['memory_ratio'] <= MEMORY_GOAL else 'not met'}) |")
    if repeats > 1:
        out += ["", "Every run's wall clock (s), in the order run:", ""]
        for r in rows:
            if "error" not in r and r.get("repeats", 1) > 1:
                out.append(f"* {r['n']:,} × {r['years']} yr, {'default' if r['explain'] else '--no-explain'}: "
                           f"raw {', '.join(_f(w) for w in r['raw_walls'])}; "
                           f"CLI {', '.join(_f(w) for w in r['cli_walls'])}")
    out += ["", "### Stages of the CLI (seconds, from `bench/cli_stages.py`, a separate timed run)", "",
            "| size | explanations | imports | read + validate | build (arrays) | load (→ HiGHS) | HiGHS | "
            "explain | evaluate | write workbook | JSON | in-process total |",
            "|---|---|---|---|---|---|---|---|---|---|---|---|"]
    for r in rows:
        if "error" in r or not r.get("stages"):
            continue
        s = r["stages"]["stages"]
        out.append(f"| {r['n']:,} × {r['years']} yr | {'default' if r['explain'] else 'no'} | "
                   + " | ".join(_f(s.get(k)) for k in ("imports", "read", "build", "load", "solve", "explain",
                                                       "after_solve", "write", "json", "in_script")) + " |")
    explained = [r for r in rows if r.get("explain") and "error" not in r]
    if explained:
        out += ["", "### Explanations (default options): every left-out project", "",
                "| size | left out | exact | interval | lower end only | infeasible if forced | excluded / "
                "cannot complete | not analysed |", "|---|---|---|---|---|---|---|---|"]
        for r in explained:
            c = r["explanations"]
            total = sum(c.values())
            out.append(f"| {r['n']:,} × {r['years']} yr | {total:,} | {c.get('exact', 0):,} | {c.get('interval', 0):,} | "
                       f"{c.get('lower end only', 0):,} | {c.get('infeasible if forced', 0):,} | "
                       f"{c.get('excluded', 0) + c.get('cannot_complete', 0):,} | {c.get('not analysed', 0):,} |")
    return "\n".join(out) + "\n"


def main(argv=None) -> int:
    import run as bench_run
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", type=Path, default=HERE / "out" / "scale.json")
    ap.add_argument("--workdir", type=Path, default=HERE / "out" / "scale")
    ap.add_argument("--runs", default=None, help="e.g. 1000x1e,10000x1 (e: with explanations)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--repeats", type=positive_int, default=3, help="runs of the raw process and of the CLI at each size "
                    "(alternating; the median is reported)")
    args = ap.parse_args(argv)
    runs = FULL_RUNS
    if args.runs:
        runs = [(int(s.rstrip("e").split("x")[0]), int(s.rstrip("e").split("x")[1]), s.endswith("e"))
                for s in args.runs.split(",")]
    args.workdir.mkdir(parents=True, exist_ok=True)
    rows = run_all(args.workdir, args.seed, bench_run.log, bench_run.run_measured, bench_run.env_with(),
                   bench_run.cli_command(), runs, args.repeats)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps({"machine": bench_run.machine(), "scale": rows}, indent=1, default=str))
    print(section(rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())
