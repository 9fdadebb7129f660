"""Batch benchmark: 40 generated park cases (300 projects each, bench/generate.py) run by
``retrofit_opt.studies.batch.run_batch`` serially, on 2 worker processes, and on a local
Dask cluster of 2 worker processes, side by side in one run.

    python bench/batch_bench.py            # 40 × 300 projects; a few minutes on 2 cores
    python bench/batch_bench.py --quick    # 4 × 60 projects, not recorded

Each run is ``solve --no-explain`` exactly as the batch command does it: the case loaded
and validated in the parent, sent to a worker, solved, its workbook built there and
written by the parent.  Figures:

- wall time of each executor (the Dask figure includes starting and stopping the local
  cluster; the start-up alone is timed separately), speed-up against serial;
- per-run overhead: (workers × wall − Σ serial run times) / runs — the worker-seconds
  each run costs beyond the work it does when run serially (serial: the parent's own
  bookkeeping and writing); on a machine shared with other work this counts the time
  other processes took from the workers too, so
- CPU seconds (this process and every worker process, from ``getrusage``) per run, and
  the CPU overhead per run against serial — not inflated by other processes' load; and
  the load average before and after each executor's run, to show the contention;
- every executor must give the same status and objective for every case as serial.

Results are appended to ``bench/RESULTS-batch.md``.
"""
from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import resource
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import generate  # noqa: E402
from retrofit_opt.report.run_output import WORKBOOKS  # noqa: E402
from retrofit_opt.studies.batch import run_batch  # noqa: E402
from retrofit_opt.studies.execution import ExecutorSpec  # noqa: E402
from retrofit_opt.studies.manifest import plan_batch  # noqa: E402


def write_cases(folder: Path, count: int, n: int) -> list[Path]:
    paths = []
    for seed in range(1, count + 1):
        path = folder / f"park_{seed:02d}.xlsx"
        generate.write_case(generate.generate_case(n, seed=seed), path)
        paths.append(path)
    return paths


def cpu_seconds() -> float:
    """CPU time of this process and of every child process reaped so far (workers, and a
    Dask cluster's nannies with their workers)."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def timed_batch(cases_dir: Path, out: Path, spec: ExecutorSpec):
    out.mkdir(parents=True, exist_ok=True)
    plan = plan_batch([cases_dir], out, {"no_explain": True})
    load_before = os.getloadavg()[0]
    cpu = cpu_seconds()
    started = time.perf_counter()
    result = run_batch(plan.runs, workbooks=WORKBOOKS, executor=spec)
    wall = time.perf_counter() - started
    return wall, result, cpu_seconds() - cpu, (load_before, os.getloadavg()[0])


def cluster_startup(workers: int) -> float:
    started = time.perf_counter()
    with ExecutorSpec("dask", workers, "local").open():
        pass
    return time.perf_counter() - started


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--quick", action="store_true", help="4 cases × 60 projects, not recorded")
    ap.add_argument("--cases", type=int, default=40)
    ap.add_argument("--projects", type=int, default=300)
    ap.add_argument("--workers", type=int, default=2)
    args = ap.parse_args()
    count, n = (4, 60) if args.quick else (args.cases, args.projects)
    workers = args.workers
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        cases_dir = tmp / "cases"
        cases_dir.mkdir()
        mark = time.perf_counter()
        write_cases(cases_dir, count, n)
        print(f"generated {count} cases × {n} projects in {time.perf_counter() - mark:.1f} s", flush=True)
        specs = [("serial", ExecutorSpec("serial")), (f"processes, --jobs {workers}", ExecutorSpec("processes", workers)),
                 (f"Dask LocalCluster, {workers} workers", ExecutorSpec("dask", workers, "local"))]
        rows = []
        serial_result = None
        for k, (name, spec) in enumerate(specs):
            wall, result, cpu, load = timed_batch(cases_dir, tmp / f"out{k}", spec)
            failed = [r for r in result.runs if r.error]
            if failed:
                raise SystemExit(f"{name}: {len(failed)} runs failed, e.g. {failed[0].error}")
            if serial_result is None:
                serial_result = result
            else:
                for a, b in zip(serial_result.runs, result.runs):
                    if a.status != b.status or abs((a.objective or 0) - (b.objective or 0)) > 1e-6 * max(1, abs(a.objective or 0)):
                        raise SystemExit(f"{name}: {b.case} gave {b.status} {b.objective}, serial {a.status} {a.objective}")
            rows.append((name, spec.workers, wall, cpu, load))
            print(f"{name}: {wall:.1f} s wall, {cpu:.1f} CPU-s, load {load[0]:.1f} → {load[1]:.1f}", flush=True)
        startup = cluster_startup(workers)
        print(f"Dask LocalCluster start + stop alone: {startup:.1f} s", flush=True)
    serial_wall = rows[0][2]
    serial_work = sum(r.seconds or 0.0 for r in serial_result.runs)
    lines = [f"\n## {dt.datetime.now(dt.timezone.utc):%Y-%m-%d %H:%M} UTC — {count} cases × {n} projects, "
             "`solve --no-explain`\n",
             f"Machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores, Python "
             f"{platform.python_version()}; **shared with other engineers' work during the run** (timings are "
             "indicative; rerun on an idle machine for firm figures).",
             f"Σ of the serial run times (load + solve + workbook, per run): {serial_work:.1f} s "
             f"({serial_work / count:.2f} s per run).\n",
             "| executor | workers | wall (s) | speed-up vs serial | per-run overhead (worker-s) | CPU-s per run "
             "| CPU overhead per run vs serial (s) | load average before → after |",
             "|---|---|---|---|---|---|---|---|"]
    serial_cpu = rows[0][3]
    for name, w, wall, cpu, load in rows:
        overhead = (w * wall - serial_work) / count
        lines.append(f"| {name} | {w} | {wall:.1f} | {serial_wall / wall:.2f}× | {overhead:+.3f} | {cpu / count:.2f} "
                     f"| {(cpu - serial_cpu) / count:+.3f} | {load[0]:.1f} → {load[1]:.1f} |")
    lines.append(f"\nStarting and stopping the local Dask cluster alone took {startup:.1f} s (inside the Dask wall "
                 "time above). Every executor gave the same status and objective as serial for all "
                 f"{count} cases.")
    text = "\n".join(lines) + "\n"
    print(text)
    if not args.quick:
        results = HERE / "RESULTS-batch.md"
        if not results.exists():
            results.write_text("# Batch benchmark (bench/batch_bench.py)\n\nSerial vs worker processes vs a local "
                               "Dask cluster on the same generated park cases, measured side by side in one run.\n",
                               encoding="utf-8")
        with open(results, "a", encoding="utf-8") as fh:
            fh.write(text)


if __name__ == "__main__":
    main()
