"""The benchmark: overhead of retrofit-opt over raw HiGHS, solution quality on the
Chu–Beasley instances, what the spreadsheet ranking leaves on the table, peak memory, and
the before/after of the proposals in ``bench/proposals/``.

    python bench/run.py            # full: ~30 min on 2 cores; writes bench/RESULTS.md
    python bench/run.py --quick    # CI: tiny sizes, two instances at 1 s; < 60 s

Every figure and every ratio in the output comes from this one run.  Timings on a shared
machine vary by ±15 % between identical runs; compare ratios taken in the same run.

How the overhead is measured (for each size n × years, a generated case, bench/generate.py):

* retrofit-opt, end to end: ``retrofit-opt solve CASE -o OUT --json --no-explain
  --time-limit S --mip-gap G`` in a fresh process, wall clock from spawn to exit (Python
  start-up, imports, reading and validating the workbook, model build, Pyomo → HiGHS,
  HiGHS, evaluation, results workbook, JSON), and its peak RSS (``wait4``);
* its stages: the same command run once more through ``bench/cli_stages.py``, which times
  the functions the command calls (see there);
* raw HiGHS: ``bench/raw_highs.py`` in a fresh process — imports numpy and highspy, loads
  the model's arrays (made beforehand from the case, not timed), builds the SAME model with
  highspy and solves it with the same options (threads 1, time limit, relative gap);
* the LP that retrofit-opt hands to HiGHS is compared with the raw one, entry by entry
  (``LP identical``), and the two objectives must agree within the gap.

Ratios: ``CLI / raw`` is the end-to-end wall time over raw build + solve (the issue's
goal: ≤ 1.5 at 10,000 projects); ``CLI / raw process`` counts the raw process's own
start-up and imports too; ``model path`` is build + load + solve over raw build + solve.
"""
from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import json
import math
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(HERE))
# --package DIR: benchmark the retrofit_opt package in DIR (e.g. a snapshot of a commit,
# `git archive HEAD retrofit_opt | tar -x -C DIR`) instead of the installed one; every
# subprocess gets it first on PYTHONPATH.  Parsed here, before anything imports retrofit_opt.
PACKAGE = None
if "--package" in sys.argv:
    PACKAGE = str(Path(sys.argv[sys.argv.index("--package") + 1]).resolve())
    sys.path.insert(0, PACKAGE)

import numpy as np  # noqa: E402

import generate  # noqa: E402
import mknap  # noqa: E402
import raw_highs  # noqa: E402
import scale  # noqa: E402

FULL_SIZES = [(100, 1), (100, 10), (1000, 1), (1000, 10), (10000, 1), (10000, 10)]
QUICK_SIZES = [(50, 1), (50, 5), (200, 1), (200, 5)]
QUALITY_FILES = ["mknapcb1.txt", "mknapcb2.txt", "mknapcb3.txt"]
ALL_CB = [f"mknapcb{k}.txt" for k in range(1, 10)]
STAGES = ["imports", "read", "build", "load", "solve", "after_solve", "write", "json"]


def log(*args) -> None:
    print(*args, file=sys.stderr, flush=True)


# ------------------------------------------------------------------------ the machine
def machine() -> dict:
    import highspy
    import openpyxl
    import pyomo
    cpu = "?"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = "?"
    try:
        kb = int(re.search(r"MemTotal:\s+(\d+)", Path("/proc/meminfo").read_text()).group(1))
        mem = f"{kb / 2**20:.1f} GiB"
    except (OSError, AttributeError):
        pass
    try:
        nproc = subprocess.run(["nproc"], capture_output=True, text=True).stdout.strip()
    except OSError:
        nproc = str(os.cpu_count())
    h = highspy.Highs()
    commit = subprocess.run(["git", "-C", str(REPO), "rev-parse", "--short", "HEAD"], capture_output=True,
                            text=True).stdout.strip() or "?"
    dirty = subprocess.run(["git", "-C", str(REPO), "status", "--porcelain", "--", "retrofit_opt"],
                           capture_output=True, text=True).stdout.strip()
    if PACKAGE:
        marker = Path(PACKAGE) / "COMMIT"
        commit = (marker.read_text().strip() if marker.exists() else "?") + f" (package from {PACKAGE})"
        dirty = ""
    return {"date": dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"), "nproc": nproc,
            "memory": mem, "cpu": cpu, "python": platform.python_version(), "pyomo": pyomo.__version__,
            "highspy": f"{h.versionMajor()}.{h.versionMinor()}.{h.versionPatch()}",
            "openpyxl": openpyxl.__version__, "numpy": np.__version__, "platform": platform.platform(),
            "commit": commit + (" + uncommitted changes in retrofit_opt/" if dirty else "")}


# ---------------------------------------------------------------------- subprocesses
@dataclasses.dataclass
class Run:
    wall: float
    maxrss_mb: float
    code: int
    stdout: str
    stderr: str


# Forks the command from a bare interpreter and reports its wall clock and peak RSS.  Linux keeps
# a process's peak RSS across execve, and a child forked (or vforked) from this benchmark starts
# with this process's peak (300 MB and more once cases are generated): measured directly, every
# small process would report that.  Forked from this launcher (about 10 MB), a child's peak is
# its own.
LAUNCHER = """
import json, os, sys, time
report = sys.argv[1]
started = time.perf_counter()
pid = os.fork()
if pid == 0:
    try:
        os.execvp(sys.argv[2], sys.argv[2:])
    finally:
        os._exit(127)
_, status, usage = os.wait4(pid, 0)
wall = time.perf_counter() - started
with open(report, "w") as out:
    json.dump({"wall": wall, "maxrss_kb": usage.ru_maxrss, "code": os.waitstatus_to_exitcode(status)}, out)
"""


def run_measured(cmd, *, env=None, cwd=None) -> Run:
    """Run ``cmd``; wall clock from fork to exit and its own peak RSS (``wait4`` in
    :data:`LAUNCHER`, so that this process's peak is not counted as the child's)."""
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err, \
            tempfile.TemporaryDirectory() as scratch:
        report = Path(scratch) / "run.json"
        subprocess.run([sys.executable, "-S", "-c", LAUNCHER, str(report), *[str(c) for c in cmd]],
                       stdout=out, stderr=err, env=env, cwd=cwd, check=False)
        measured = json.loads(report.read_text())
        out.seek(0)
        err.seek(0)
        return Run(measured["wall"], measured["maxrss_kb"] / 1024.0, measured["code"], out.read(), err.read())


def cli_command() -> list[str]:
    script = Path(sys.executable).parent / "retrofit-opt"
    return [str(script)] if script.exists() else [sys.executable, "-m", "retrofit_opt.cli"]


def env_with(pythonpath: str | None = None) -> dict:
    env = dict(os.environ)
    env.pop("PYTHONPATH", None)
    pythonpath = pythonpath or PACKAGE
    if pythonpath:
        env["PYTHONPATH"] = pythonpath
    return env


def package_dir() -> Path:
    import retrofit_opt
    return Path(retrofit_opt.__file__).resolve().parent


def solve_args(case: Path, out: Path, time_limit: float, mip_gap: float) -> list[str]:
    return ["solve", str(case), "-o", str(out), "--json", "--no-explain", "--time-limit", str(time_limit),
            "--mip-gap", str(mip_gap)]


def cli_stages(case: Path, work: Path, tag: str, time_limit: float, mip_gap: float,
               pythonpath: str | None = None) -> dict:
    stages_json = work / f"{tag}.stages.json"
    run = run_measured([sys.executable, HERE / "cli_stages.py", stages_json, "--",
                        *solve_args(case, work / f"{tag}.stages.xlsx", time_limit, mip_gap)],
                       env=env_with(pythonpath))
    if not stages_json.exists():
        raise RuntimeError(f"cli_stages failed ({run.code}): {run.stderr[-2000:]}")
    data = json.loads(stages_json.read_text())
    data["wall"] = run.wall
    data["maxrss_mb"] = run.maxrss_mb
    return data


def cli_plain(case: Path, work: Path, tag: str, time_limit: float, mip_gap: float) -> dict:
    run = run_measured(cli_command() + solve_args(case, work / f"{tag}.result.xlsx", time_limit, mip_gap),
                       env=env_with())
    try:
        result = json.loads(run.stdout)
    except json.JSONDecodeError as exc:
        raise RuntimeError(f"retrofit-opt solve gave no JSON (exit {run.code}): {run.stderr[-2000:]}") from exc
    return {"wall": run.wall, "maxrss_mb": run.maxrss_mb, "code": run.code, "status": result["status"],
            "objective": result["objective"], "bound": result["bound"], "gap": result["gap"],
            "seconds": result.get("seconds", {})}


def raw_process(arrays: Path, work: Path, tag: str, time_limit: float, mip_gap: float) -> dict:
    out = work / f"{tag}.raw.json"
    run = run_measured([sys.executable, HERE / "raw_highs.py", arrays, "--time-limit", time_limit,
                        "--mip-gap", mip_gap, "--out", out], env=env_with())
    if run.code or not out.exists():
        raise RuntimeError(f"raw_highs failed ({run.code}): {run.stderr[-2000:]}")
    data = json.loads(out.read_text())
    data["wall"] = run.wall
    data["maxrss_mb"] = run.maxrss_mb
    return data


def check_lp(case: Path, arrays: Path, pythonpath: str | None = None) -> dict:
    """Compare, in a fresh process (with the package at ``pythonpath``), the LP retrofit-opt
    passes to HiGHS for the case workbook with the raw arrays."""
    run = run_measured([sys.executable, HERE / "raw_highs.py", "--check-lp", case, arrays],
                       env=env_with(pythonpath))
    if run.code:
        raise RuntimeError(f"LP check failed ({run.code}): {run.stderr[-2000:]}")
    return json.loads(run.stdout)


CALIBRATION = "import time\nt = time.perf_counter()\ns = 0\nfor i in range(3_000_000):\n    s += i * i\nprint(time.perf_counter() - t)"


def calibrate() -> float:
    """Seconds for a fixed pure-Python loop in a fresh process: the machine's speed at
    this moment (on a shared machine it drifts; the tables show it next to each size)."""
    return float(run_measured([sys.executable, "-c", CALIBRATION]).stdout)


def python_startup(repeats: int) -> dict:
    bare = [run_measured([sys.executable, "-c", "pass"]).wall for _ in range(repeats)]
    cli = [run_measured([sys.executable, "-c", "import retrofit_opt.cli"]).wall for _ in range(repeats)]
    return {"python": statistics.median(bare), "cli_module": statistics.median(cli)}


def median_dicts(rows: list[dict]) -> dict:
    """Median of every numeric entry (nested dicts too) over repeated runs."""
    out = {}
    for key, value in rows[0].items():
        if isinstance(value, dict):
            out[key] = median_dicts([r[key] for r in rows])
        elif isinstance(value, (int, float)) and not isinstance(value, bool):
            out[key] = statistics.median(r[key] for r in rows if r.get(key) is not None)
        else:
            out[key] = value
    return out


# --------------------------------------------------------------------------- overhead
def overhead(sizes, work: Path, time_limit: float, mip_gap: float, repeats_small: int, seed: int) -> list[dict]:
    from retrofit_opt.loader import load_case
    rows = []
    for n, years in sizes:
        tag = f"n{n}_y{years}"
        log(f"[overhead] {tag}: generating")
        t = time.perf_counter()
        case = generate.generate_case(n, years, seed, time_limit=time_limit, mip_gap=mip_gap)
        t_gen = time.perf_counter() - t
        xlsx = generate.write_case(case, work / f"{tag}.xlsx")
        t_write = time.perf_counter() - t - t_gen
        loaded = load_case(xlsx)
        differences = generate.same_case(case, loaded)
        t = time.perf_counter()
        arrays = raw_highs.model_arrays(loaded)
        t_prep = time.perf_counter() - t
        npz = work / f"{tag}.npz"
        arrays.save(npz)
        log(f"[overhead] {tag}: LP check")
        lp = check_lp(xlsx, npz)
        repeats = repeats_small if n * years < 20000 else 1
        raws, stages, plains = [], [], []
        calibration = [calibrate()]
        for k in range(repeats):
            log(f"[overhead] {tag}: run {k + 1}/{repeats}: raw")
            raws.append(raw_process(npz, work, tag, time_limit, mip_gap))
            log(f"[overhead] {tag}: run {k + 1}/{repeats}: retrofit-opt stages")
            stages.append(cli_stages(xlsx, work, tag, time_limit, mip_gap))
            log(f"[overhead] {tag}: run {k + 1}/{repeats}: retrofit-opt solve")
            plains.append(cli_plain(xlsx, work, tag, time_limit, mip_gap))
        calibration.append(calibrate())
        raw = median_dicts(raws)
        st = median_dicts(stages)
        plain = median_dicts(plains)
        spec = generate.spec_of(case)
        rows.append({"n": n, "years": years, "tag": tag, "repeats": repeats, "generate": t_gen, "write_case": t_write,
                     "prep": t_prep, "same_case": differences, "lp": lp, "raw": raw, "stages": st, "cli": plain,
                     "spec": dataclasses.asdict(spec) if spec else {}, "xlsx": str(xlsx), "npz": str(npz),
                     "xlsx_mb": xlsx.stat().st_size / 2**20, "calibration": calibration})
    return rows


def agreement(cli: dict, raw: dict, mip_gap: float) -> tuple[bool, str]:
    """Both objectives are values of feasible plans of the same maximisation: each must be
    within the other's bound, and they must differ by no more than the gap allows."""
    a, b = cli.get("objective"), raw["outcome"].get("objective")
    if a is None or b is None:
        return a is None and b is None, "no solution"
    if a == b or abs(a - b) <= 1e-9 * max(abs(a), abs(b), 1.0):
        return True, "equal"
    gaps = [g for g in (cli.get("gap"), raw["outcome"].get("gap"), mip_gap) if g is not None]
    tol = max(gaps) * max(abs(a), abs(b), 1.0) * 1.0001 + 1e-6
    ok = abs(a - b) <= tol
    return ok, f"differ by {abs(a - b) / max(abs(a), 1):.3%}"


# ---------------------------------------------------------------------------- quality
def quality(files, indices, time_limit: float, mip_gap: float) -> list[dict]:
    from retrofit_opt.studies.solve import solve_case
    rows = []
    for inst in mknap.instances(files, indices=indices):
        case = mknap.to_case(inst)
        t = time.perf_counter()
        result = solve_case(case, time_limit=time_limit, mip_gap=mip_gap, explain=False, diagnose=False)
        wall = time.perf_counter() - t
        obj = result.objective
        gap_best = (inst.best_known - obj) / inst.best_known if obj is not None and inst.best_known else None
        rows.append({"file": inst.file, "index": inst.index, "name": inst.name, "n": inst.n, "m": inst.m,
                     "tightness": inst.tightness, "best_known": inst.best_known, "proven": inst.proven,
                     "objective": obj, "status": result.status, "solver_gap": result.gap,
                     "gap_to_best": gap_best, "seconds": wall, "solve_seconds": result.timings.get("solve")})
        log(f"[quality] {inst.file}#{inst.index}: {obj} vs {inst.best_known} ({result.status}, {wall:.1f} s)")
    return rows


# ----------------------------------------------------------------------------- greedy
def greedy_mknap(files, indices=None) -> list[dict]:
    rows = []
    for inst in mknap.instances(files, indices=indices):
        row = {"file": inst.file, "index": inst.index, "n": inst.n, "m": inst.m, "tightness": inst.tightness,
               "best_known": inst.best_known}
        for name, rule in mknap.RULES.items():
            value = mknap.greedy_fill(inst, rule(inst))
            row[name] = value
            row[f"{name} loss"] = (inst.best_known - value) / inst.best_known if inst.best_known else None
        rows.append(row)
    return rows


def plan_violations(case, plan: dict) -> list[str]:
    """Which rules a plan breaks (the spreadsheet ranking checks only the total budget)."""
    from retrofit_opt import evaluate
    out = []
    over = [u for u in evaluate.budget_uses(case, plan) if not u.ok]
    if over:
        out.append(f"{len(over)} budget row(s) exceeded")
    unmet = [t for t in evaluate.target_checks(case, plan) if not t.met]
    if unmet:
        out.append(f"{len(unmet)} target(s) unmet")
    groups: dict[str, int] = {}
    for pid in plan:
        g = case.project(pid).exclusive_group
        if g:
            groups[g] = groups.get(g, 0) + 1
    clash = sum(1 for c in groups.values() if c > 1)
    if clash:
        out.append(f"{clash} exclusive group(s) broken")
    missing = sum(1 for pid in plan for q in case.project(pid).requires if q not in plan)
    if missing:
        out.append(f"{missing} prerequisite(s) missing")
    mand = sum(1 for p in case.projects if p.mandatory and p.id not in plan)
    if mand:
        out.append(f"{mand} mandatory project(s) left out")
    return out


def greedy_case(name: str, case, optimum: float | None, status: str) -> dict:
    from retrofit_opt import evaluate
    from retrofit_opt.studies import greedy
    from retrofit_opt.case import TOTAL_POOL
    horizon = [b for b in case.budgets if b.year is None]
    total = [b for b in horizon if b.pool == TOTAL_POOL]
    budget = total[0].limit if total else sum(b.limit for b in horizon) if horizon else math.inf
    chosen = greedy.greedy_portfolio(case, budget)
    plan = {pid: None for pid in chosen}
    value = evaluate.objective_value(case, plan)
    loss = (optimum - value) / optimum if optimum else None
    ruled = {pid: None for pid in greedy.greedy_with_rules(case)}
    value_r = evaluate.objective_value(case, ruled)
    return {"case": name, "projects": len(case.projects), "budget": budget, "optimum": optimum, "status": status,
            "greedy": value, "loss": loss, "chosen": len(chosen), "violations": plan_violations(case, plan),
            "ruled": value_r, "ruled_loss": (optimum - value_r) / optimum if optimum else None,
            "ruled_chosen": len(ruled), "ruled_violations": plan_violations(case, ruled)}


def greedy_bundled(time_limit: float, mip_gap: float) -> list[dict]:
    from retrofit_opt.loader import load_case
    from retrofit_opt.studies.solve import solve_case
    rows = []
    names = ["ganhe_2024.xlsx", "tiny.xlsx"]
    names += sorted(p.name for p in (REPO / "cases").glob("*.xlsx") if p.name not in names)
    for name in names:
        path = REPO / "cases" / name
        if not path.exists():
            continue
        try:
            case = load_case(path)
            if case.multi_year:
                rows.append({"case": name, "skipped": "multi-year: the ranking has no timing"})
                continue
            result = solve_case(case, time_limit=time_limit, mip_gap=mip_gap, explain=False)
            rows.append(greedy_case(name, case, result.objective, result.status))
        except Exception as exc:  # a case being edited must not stop the benchmark
            rows.append({"case": name, "skipped": f"{type(exc).__name__}: {str(exc)[:200]}"})
    return rows


# -------------------------------------------------------------------------- proposals
def patched_copy(patches: list[Path], work: Path) -> tuple[Path | None, list[str]]:
    """The package with ``patches`` applied, in a temporary folder; notes on what did not apply."""
    root = work / "patched"
    if root.exists():
        shutil.rmtree(root)
    shutil.copytree(package_dir(), root / "retrofit_opt", ignore=shutil.ignore_patterns("__pycache__"))
    applied, notes = 0, []
    for patch in patches:
        check = subprocess.run(["git", "apply", "--check", str(patch)], cwd=root, capture_output=True, text=True)
        if check.returncode:
            reverse = subprocess.run(["git", "apply", "--check", "--reverse", str(patch)], cwd=root,
                                     capture_output=True, text=True)
            notes.append(f"{patch.name}: " + ("already applied in the package" if reverse.returncode == 0
                                              else "does not apply: " + check.stderr.strip()[:300]))
            continue
        subprocess.run(["git", "apply", str(patch)], cwd=root, check=True)
        applied += 1
        notes.append(f"{patch.name}: applied")
    return (root if applied else None), notes


def proposals(rows: list[dict], sizes, work: Path, time_limit: float, mip_gap: float) -> dict:
    patches = sorted((HERE / "proposals").glob("*.patch"))
    if not patches:
        return {"notes": ["none: bench/proposals/ holds no patch at present"], "rows": []}
    try:
        root, notes = patched_copy(patches, work)
    except OSError as exc:  # no git on this machine
        return {"notes": [f"proposals not measured: {exc}"], "rows": []}
    out = {"notes": notes, "rows": [], "patches": [p.name for p in patches]}
    if root is None:
        return out
    by_tag = {r["tag"]: r for r in rows}
    for n, years in sizes:
        before = by_tag.get(f"n{n}_y{years}")
        if before is None:
            continue
        log(f"[proposals] {before['tag']}: patched package")
        lp = check_lp(Path(before["xlsx"]), Path(before["npz"]), str(root))
        # before, after and raw all measured now, alternating, so that they see the same machine
        calibration = [calibrate()]
        befores, afters, raws = [], [], []
        for k in range(2 if n * years < 20000 else 1):
            befores.append(cli_stages(Path(before["xlsx"]), work, before["tag"] + "_before", time_limit, mip_gap))
            afters.append(cli_stages(Path(before["xlsx"]), work, before["tag"] + "_after", time_limit, mip_gap,
                                     str(root)))
            raws.append(raw_process(Path(before["npz"]), work, before["tag"] + "_praw", time_limit, mip_gap))
        calibration.append(calibrate())
        out["rows"].append({"tag": before["tag"], "n": n, "years": years, "before": median_dicts(befores),
                            "after": median_dicts(afters), "lp": lp, "raw": median_dicts(raws),
                            "runs": len(befores), "calibration": calibration})
    return out


# ---------------------------------------------------------------------------- tables
def fmt(x, digits=2, pct=False, dash="–"):
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return dash
    if pct:
        return f"{100 * x:.{digits}f} %"
    if isinstance(x, int):
        return f"{x:,}"
    return f"{x:,.{digits}f}"


def table(header: list[str], rows: list[list]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)


def size_label(n, years) -> str:
    return f"{n:,} × {years} yr"


def ratios(r: dict) -> dict:
    raw_total = r["raw"]["build"] + r["raw"]["solve"]
    s = r["stages"]["stages"]
    model = s.get("build", 0) + s.get("load", 0) + s.get("solve", 0)
    return {"cli_raw": r["cli"]["wall"] / raw_total, "cli_rawproc": r["cli"]["wall"] / r["raw"]["wall"],
            "model": model / raw_total, "raw_total": raw_total}


def overhead_tables(rows: list[dict], startup: dict) -> str:
    out = []
    head = ["size", "columns / rows / nonzeros", "start-up + imports", "read + validate", "build", "load",
            "HiGHS", "evaluate", "write workbook", "JSON", "CLI total (wall)"]
    body = []
    for r in rows:
        s = r["stages"]["stages"]
        lp = r["stages"].get("size", {})
        startup_imports = startup["python"] + s.get("imports", 0)
        body.append([size_label(r["n"], r["years"]),
                     f"{lp.get('num_col', 0):,} / {lp.get('num_row', 0):,} / {lp.get('num_nz', 0):,}",
                     fmt(startup_imports), fmt(s.get("read")), fmt(s.get("build")), fmt(s.get("load")),
                     fmt(s.get("solve")), fmt(s.get("after_solve")), fmt(s.get("write")), fmt(s.get("json"), 3),
                     f"**{fmt(r['cli']['wall'])}**"])
    out.append("### retrofit-opt, stage by stage (seconds)\n")
    out.append(table(head, body))
    out.append("\nStages from `bench/cli_stages.py` (the command run with timers); \"start-up + imports\" is "
               "a bare `python -c pass` plus the imports of the solve path in that run; \"CLI total\" is "
               "the wall time of a separate, untimed `retrofit-opt solve` process.  \"build\" is `model_arrays` "
               "and \"load\" arrays → HiGHS plus the main solve's own overhead (with an older package: "
               "`build_model`, and Pyomo → HiGHS); \"evaluate\" the rest of `solve_case`.\n")
    head = ["size", "raw imports", "raw build", "raw HiGHS", "raw build + solve", "raw process (wall)",
            "CLI / raw", "CLI / raw process", "model path / raw", "objectives", "LP identical"]
    body = []
    for r in rows:
        q = ratios(r)
        ok, how = r["agree"]
        body.append([size_label(r["n"], r["years"]), fmt(r["raw"]["imports"]), fmt(r["raw"]["build"], 3),
                     fmt(r["raw"]["solve"]), fmt(q["raw_total"]), fmt(r["raw"]["wall"]),
                     f"**{q['cli_raw']:.2f}×**", f"{q['cli_rawproc']:.2f}×", f"{q['model']:.2f}×",
                     ("agree: " if ok else "DISAGREE: ") + how,
                     "yes" if r["lp"]["identical"] else "NO: " + "; ".join(r["lp"]["differences"])[:120]])
    out.append("### raw HiGHS and the ratios\n")
    out.append(table(head, body))
    out.append("\n`model path / raw` = (build + load + HiGHS) / (raw build + raw HiGHS).  `LP identical`: the "
               "LP retrofit-opt passes to HiGHS equals the raw one entry by entry (same columns, rows, order "
               "and coefficients), so HiGHS takes the same path on both.\n")
    head = ["size", "status (CLI / raw)", "objective (CLI)", "objective (raw)", "gap (CLI)", "gap (raw)",
            "B&B nodes (raw)", "generate", "write .xlsx", "arrays (prep)", ".xlsx MB", "calibration (s)"]
    body = []
    for r in rows:
        body.append([size_label(r["n"], r["years"]), f"{r['cli']['status']} / {r['raw']['outcome']['status']}",
                     fmt(r["cli"]["objective"], 1), fmt(r["raw"]["outcome"]["objective"], 1),
                     fmt(r["cli"]["gap"], 3, pct=True), fmt(r["raw"]["outcome"]["gap"], 3, pct=True),
                     fmt(r["raw"]["outcome"].get("nodes")), fmt(r["generate"]), fmt(r["write_case"]),
                     fmt(r["prep"]), fmt(r["xlsx_mb"], 1),
                     " → ".join(f"{c:.2f}" for c in r.get("calibration", []))])
    out.append("### Solutions and preparation\n")
    out.append(table(head, body))
    out.append("\n`calibration`: a fixed pure-Python loop timed in a fresh process before and after each size's "
               "runs — the machine's speed at that moment.  On a shared machine it drifts (by up to 2× between "
               "minutes in some runs); the ratios compare runs taken back to back, within one size.")
    return "\n".join(out)


def where_time_goes(rows: list[dict], startup: dict) -> str:
    out = []
    for r in rows:
        if r["n"] < max(x["n"] for x in rows):
            continue
        s = r["stages"]["stages"]
        total = r["cli"]["wall"]
        parts = {"start-up + imports": startup["python"] + s.get("imports", 0), "read + validate": s.get("read", 0),
                 "build (arrays; Pyomo in older packages)": s.get("build", 0), "load (→ HiGHS)": s.get("load", 0),
                 "HiGHS": s.get("solve", 0), "evaluate": s.get("after_solve", 0),
                 "write workbook + JSON": s.get("write", 0) + s.get("json", 0)}
        raw_total = r["raw"]["build"] + r["raw"]["solve"]
        over = total - raw_total
        items = ", ".join(f"{k} {v:.2f} s ({v / total:.0%})" for k, v in parts.items())
        out.append(f"- **{size_label(r['n'], r['years'])}**: end to end {total:.2f} s against raw {raw_total:.2f} s "
                   f"(overhead {over:.2f} s). {items}.  For 1.5× the overhead would have to be at most "
                   f"{0.5 * raw_total:.2f} s.")
    return "\n".join(out)


def quality_tables(rows: list[dict]) -> str:
    files = sorted({r["file"] for r in rows})
    head = ["file", "(m, n)", "instances", "mean gap to best known", "max gap", "at best known",
            "proven optimal in the limit", "mean seconds"]
    body = []
    for f in files:
        rs = [r for r in rows if r["file"] == f]
        gaps = [r["gap_to_best"] for r in rs if r["gap_to_best"] is not None]
        body.append([f, f"({rs[0]['m']}, {rs[0]['n']})", len(rs), f"**{fmt(statistics.mean(gaps), 3, pct=True)}**",
                     fmt(max(gaps), 3, pct=True), sum(1 for g in gaps if g <= 1e-9),
                     sum(1 for r in rs if r["status"] == "optimal"),
                     fmt(statistics.mean(r["seconds"] for r in rs))])
    allg = [r["gap_to_best"] for r in rows if r["gap_to_best"] is not None]
    body.append(["all", "", len(rows), f"**{fmt(statistics.mean(allg), 3, pct=True)}**", fmt(max(allg), 3, pct=True),
                 sum(1 for g in allg if g <= 1e-9), sum(1 for r in rows if r["status"] == "optimal"),
                 fmt(statistics.mean(r["seconds"] for r in rows))])
    out = [table(head, body), "", "<details><summary>Per instance</summary>", ""]
    out.append(table(["instance", "tightness", "best known", "retrofit-opt", "status", "solver gap", "gap to best",
                      "seconds"],
                     [[f"{r['file']}#{r['index']} ({r['name']})", fmt(r["tightness"]), fmt(r["best_known"], 0),
                       fmt(r["objective"], 0), r["status"], fmt(r["solver_gap"], 3, pct=True),
                       fmt(r["gap_to_best"], 3, pct=True), fmt(r["seconds"], 1)] for r in rows]))
    out += ["", "</details>"]
    return "\n".join(out)


def greedy_tables(mk: list[dict], cases: list[dict], generated: list[dict]) -> str:
    rules = list(mknap.RULES)
    head = ["file", "(m, n)", "instances"] + [f"{r}: mean loss (max)" for r in rules]
    body = []
    for f in sorted({r["file"] for r in mk}, key=lambda s: int(re.sub(r"\D", "", s) or 0)):
        rs = [r for r in mk if r["file"] == f]
        body.append([f, f"({rs[0]['m']}, {rs[0]['n']})", len(rs)] + [
            f"{fmt(statistics.mean(r[f'{rule} loss'] for r in rs), 2, pct=True)} "
            f"({fmt(max(r[f'{rule} loss'] for r in rs), 2, pct=True)})" for rule in rules])
    body.append(["all", "", len(mk)] + [
        f"**{fmt(statistics.mean(r[f'{rule} loss'] for r in mk), 2, pct=True)}** "
        f"({fmt(max(r[f'{rule} loss'] for r in mk), 2, pct=True)})" for rule in rules])
    out = ["### Chu–Beasley instances: loss against the best-known value\n", table(head, body), ""]
    out.append("Rules (each fills in rank order and skips an item that does not fit every row, as "
               "`retrofit_opt.studies.greedy` skips a project that does not fit the budget): **tightest row** — profit "
               "per unit of the row with the least capacity / total weight, the closest analogue of "
               "\"benefit per 万元\" with that row as the money; **normalised weights** — profit per "
               "Σ_i r_ij / b_i; **LP-dual weights** — profit per Σ_i u_i r_ij with u the row duals of the LP "
               "relaxation (the \"dual-price-weighted cost\" of PERFORMANCE-NOTES.md).  On the README's "
               "mapping every item costs 1 万元, so the spreadsheet's own rule would rank by profit alone.")
    out += ["", "<details><summary>Per instance</summary>", ""]
    out.append(table(["instance", "tightness", "best known"] + rules,
                     [[f"{r['file']}#{r['index']}", fmt(r["tightness"]), fmt(r["best_known"], 0)] +
                      [f"{fmt(r[rule], 0)} ({fmt(r[f'{rule} loss'], 2, pct=True)})" for rule in rules] for r in mk]))
    out += ["", "</details>", ""]
    out.append("### Bundled and generated cases: `greedy_portfolio` (benefit per 万元 within the total budget) "
               "against the optimum\n")
    head = ["case", "projects", "optimum (retrofit-opt)", "ranking within the rules", "left on the table",
            "chosen", "rules it breaks", "`greedy_portfolio` (total budget only)", "vs optimum", "chosen",
            "rules it breaks"]
    body = []
    for r in cases + generated:
        if "skipped" in r:
            body.append([r["case"]] + [""] * 9 + ["skipped: " + r["skipped"]])
            continue
        body.append([r["case"], fmt(r["projects"]), fmt(r["optimum"], 1) + f" ({r['status']})",
                     fmt(r["ruled"], 1), f"**{fmt(r['ruled_loss'], 2, pct=True)}**", fmt(r["ruled_chosen"]),
                     "; ".join(r["ruled_violations"]) or "none",
                     fmt(r["greedy"], 1) + f" (budget {fmt(r['budget'], 0)})", fmt(r["loss"], 2, pct=True),
                     fmt(r["chosen"]), "; ".join(r["violations"]) or "none"])
    out.append(table(head, body))
    out.append("\nBoth rank by benefit per 万元 (`retrofit_opt.studies.greedy.greedy_order`).  **Within the rules**: "
               "mandatory projects first, then a project is taken if it fits every budget row (pools, subsidy "
               "cap), no other member of its exclusive group is taken and its prerequisites are — what a "
               "careful spreadsheet user checks by hand; targets are not pursued (whether they are met is "
               "listed).  **`greedy_portfolio`** is the package's baseline as it stands: it checks the total "
               "budget only, so its plan can break pools, groups, prerequisites, mandatory projects and "
               "targets, and then beat the optimum (a negative figure) — it is not a feasible plan.  Generated "
               "cases are compared with the plan `retrofit-opt solve` found in the overhead run (at its gap).")
    return "\n".join(out)


def memory_table(rows: list[dict]) -> str:
    head = ["size", "retrofit-opt solve peak RSS", "raw HiGHS process peak RSS"]
    body = [[size_label(r["n"], r["years"]), f"{r['cli']['maxrss_mb']:,.0f} MB", f"{r['raw']['maxrss_mb']:,.0f} MB"]
            for r in rows]
    return table(head, body)


def proposals_section(p: dict, startup: dict) -> str:
    out = ["Patches in `bench/proposals/` applied to a copy of the package (the installed package is "
           "untouched); the same case workbooks, the same command.  " + "; ".join(p["notes"]) + ".", ""]
    for r in p["rows"]:
        b, a = r["before"]["stages"], r["after"]["stages"]
        head = ["stage", "before", "after", "after / before"]
        body = []
        for k in ["imports", "read", "build", "load", "solve", "after_solve", "write", "json"]:
            vb, va = b.get(k, 0.0), a.get(k, 0.0)
            body.append([k, fmt(vb), fmt(va), f"{va / vb:.2f}" if vb > 1e-9 else "–"])
        raw_total = r["raw"]["build"] + r["raw"]["solve"]
        body.append(["command, in-process (wall)", fmt(b["in_script"]), fmt(a["in_script"]),
                     f"{a['in_script'] / b['in_script']:.2f}"])
        body.append(["CLI process (wall)", fmt(r["before"]["wall"]), fmt(r["after"]["wall"]),
                     f"{r['after']['wall'] / r['before']['wall']:.2f}"])
        body.append(["raw build + solve (measured alongside)", fmt(raw_total), fmt(raw_total), ""])
        body.append(["CLI process / raw build + solve", f"{r['before']['wall'] / raw_total:.2f}×",
                     f"{r['after']['wall'] / raw_total:.2f}×", ""])
        lp = r["lp"]
        cal = r.get("calibration", [])
        runs = r.get("runs", 1)
        out.append(f"#### {size_label(r['n'], r['years'])}\n")
        out.append(f"Before, after and raw measured alternately{f', median of {runs} runs each' if runs > 1 else ''}"
                   f"; calibration loop {' → '.join(f'{c:.2f} s' for c in cal)}.  \"command, in-process\" is the "
                   "command's own wall time inside the timed process; \"CLI process\" includes start-up.\n")
        out.append(table(head, body))
        out.append(f"\nPatched package's LP identical to the raw one: "
                   f"{'yes' if lp['identical'] else 'NO: ' + '; '.join(lp['differences'])}; objective "
                   f"{fmt(r['before'].get('objective'), 1)} before, {fmt(r['after'].get('objective'), 1)} after.\n")
    return "\n".join(out)


def report(m: dict, args, startup, rows, sens, qual, mk, cases, generated, props, seconds, scale_rows=(),
           studies=None) -> str:
    quick = args.quick
    out = [f"# Benchmarks{' (quick mode)' if quick else ''}", ""]
    out.append(f"Written by `python bench/run.py{' --quick' if quick else ''}` in one run of "
               f"{seconds / 60:.1f} min; every figure and ratio below comes from that run.  Re-run it to "
               "refresh this file.  Timings on this kind of machine vary by about ±15 % between identical "
               "runs: compare ratios taken in the same run.")
    out += ["", "## Machine", ""]
    out.append(table(["", ""], [["date", m["date"]], ["CPU", m["cpu"]], ["cores (`nproc`)", m["nproc"]],
                                ["memory", m["memory"]], ["platform", m["platform"]], ["Python", m["python"]],
                                ["Pyomo", m["pyomo"]], ["highspy (HiGHS)", m["highspy"]],
                                ["openpyxl", m["openpyxl"]], ["numpy", m["numpy"]], ["retrofit-opt commit", m["commit"]]]))
    out += ["", "## Goals", ""]
    goals = scale.goals(list(scale_rows))
    if studies:
        goals += studies["goals"]
    big = [r for r in rows if r["n"] >= 10000]
    if big:
        for r in big:
            q = ratios(r)
            goals.append([f"end to end ≤ 1.5× raw HiGHS at {size_label(r['n'], r['years'])} (gap "
                          f"{args.mip_gap:g}; the overhead section)",
                          f"{q['cli_raw']:.2f}×", "met" if q["cli_raw"] <= 1.5 else "**not met**"])
    if qual:
        q13 = [r["gap_to_best"] for r in qual if r["file"] in QUALITY_FILES and r["gap_to_best"] is not None]
        if q13:
            mean = statistics.mean(q13)
            goals.append([f"mean gap to best known ≤ 0.5 % on {', '.join(sorted({r['file'] for r in qual}))} "
                          f"({args.quality_limit:g} s each)", fmt(mean, 3, pct=True),
                          "met" if mean <= 0.005 else "**not met**"])
    if big:
        worst = max(big, key=lambda r: r["n"] * r["years"])
        goals.append([f"peak memory at {size_label(worst['n'], worst['years'])}", f"{worst['cli']['maxrss_mb']:,.0f} MB",
                      "(recorded)"])
    if goals:
        out.append(table(["goal", "measured", ""], goals))
    else:
        out.append("Quick mode: sizes too small for the goals (they are judged on the full run).")
    out += ["", f"## Overhead: `retrofit-opt solve` against raw HiGHS", ""]
    out.append(f"Generated cases (`bench/generate.py`, seed {args.seed}): objective max_saving, "
               f"`--mip-gap {args.mip_gap:g} --time-limit {args.time_limit:g}` for both, HiGHS with 1 thread "
               f"(as `retrofit_opt.solve`).  Sizes below 20,000 project-years: median of {args.repeats} runs; larger: "
               f"one run.  Python start-up (`python -c pass`): {startup['python']:.2f} s; "
               f"`import retrofit_opt.cli`: {startup['cli_module']:.2f} s.\n")
    out.append(overhead_tables(rows, startup))
    out += ["", "### Where the time goes", ""]
    out.append(where_time_goes(rows, startup))
    if sens:
        out += ["", f"### The same sizes at a {args.sensitivity_gap:g} gap (raw HiGHS only, limit "
                f"{args.sensitivity_limit:g} s)", ""]
        out.append("How the ratio depends on how hard the solve is: the overhead measured above (CLI total − "
                   "HiGHS) added to the raw solve at the tighter gap.  The LP is identical, so retrofit-opt's "
                   "HiGHS time would be the raw one.\n")
        body = []
        for r, s in zip(rows, sens):
            over = r["cli"]["wall"] - r["stages"]["stages"].get("solve", 0)
            rt = r["raw"]["build"] + s["outcome"]["seconds"]
            body.append([size_label(r["n"], r["years"]), s["outcome"]["status"], fmt(s["outcome"]["gap"], 3, pct=True),
                         fmt(s["outcome"]["seconds"]), fmt(over), f"{(over + s['outcome']['seconds']) / rt:.2f}×"])
        out.append(table(["size", "raw status", "raw gap", "raw HiGHS (s)", "retrofit-opt overhead (s)",
                          "projected CLI / raw"], body))
    if props and props.get("rows"):
        out += ["", "## Before and after the proposals", ""]
        out.append(proposals_section(props, startup))
    elif props:
        out += ["", "## Before and after the proposals", "", "; ".join(props["notes"])]
    out += ["", "## Peak memory", ""]
    out.append(memory_table(rows))
    out.append("\nPeak resident set size of each process (`wait4` rusage, `ru_maxrss`, of the command forked from a bare interpreter: `LAUNCHER` in `bench/run.py`).")
    out += ["", f"## Quality: Chu–Beasley instances, {args.quality_limit:g} s each", ""]
    if qual:
        out.append(f"`solve_case` on each instance mapped as in the data README (items → projects with capex 1, "
                   f"weight rows → `benefit:r<i>` with `max_total` targets), `mip_gap {args.quality_gap:g}`, "
                   f"time limit {args.quality_limit:g} s.  Gap to best known = (best known − objective) / best "
                   "known.\n")
        out.append(quality_tables(qual))
    else:
        out.append(f"Skipped: {args.quality_skip_reason}")
    out += ["", "## The spreadsheet baseline: ranking by benefit per 万元", ""]
    out.append(greedy_tables(mk, cases, generated))
    out += ["", "## Notes", ""]
    notes = HERE / "NOTES.md"
    if notes.exists() and not quick:
        out.append(notes.read_text().strip())
    else:
        out.append("See bench/NOTES.md (full mode includes it here).")
    return "\n".join(out) + "\n"


# ------------------------------------------------------------------------------- main
def with_scale(text: str, scale_rows: list[dict], studies: dict | None = None) -> str:
    """The report with the provincial-scale section (bench/scale.py) and the compare and sweep
    runs (bench/studies_bench.py) before the overhead one."""
    if not scale_rows and not studies:
        return text
    marker = "## Overhead:"
    at = text.find(marker)
    section = (scale.section(scale_rows) + "\n") if scale_rows else ""
    if studies:
        section += studies["section"] + "\n"
    return text[:at] + section + text[at:] if at >= 0 else text + "\n" + section


def rerender(saved: Path, output: Path | None) -> int:
    data = json.loads(saved.read_text())
    args = argparse.Namespace(**data["args"])
    output = output or saved.with_suffix(".md")
    output.write_text(with_scale(report(data["machine"], args, data["startup"], data["overhead"], data["sensitivity"],
                                        data["quality"], data["greedy_mknap"], data["greedy_cases"],
                                        data["greedy_generated"], data["proposals"], data["seconds"],
                                        data.get("scale", []), data.get("studies")),
                                 data.get("scale", []), data.get("studies")))
    print(f"wrote {output} from {saved}")
    return 0


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--quick", action="store_true", help="CI mode: tiny sizes, two instances at 1 s (< 60 s)")
    ap.add_argument("--output", type=Path, default=None, help="markdown file to write (default bench/RESULTS.md; "
                    "quick mode: bench/out/RESULTS-quick.md)")
    ap.add_argument("--workdir", type=Path, default=None, help="keep generated cases and outputs here")
    ap.add_argument("--time-limit", type=float, default=None, help="overhead runs (default 300 s; quick 10 s)")
    ap.add_argument("--mip-gap", type=float, default=0.01, help="overhead runs (default 0.01)")
    ap.add_argument("--repeats", type=int, default=None, help="runs per small size (default 3; quick 1)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--sizes", default=None, help="e.g. 100x1,1000x10")
    ap.add_argument("--quality-limit", type=float, default=None, help="seconds per instance (default 10; quick 1)")
    ap.add_argument("--quality-gap", type=float, default=0.0, help="mip gap for the quality runs (default 0)")
    ap.add_argument("--sensitivity-gap", type=float, default=1e-3)
    ap.add_argument("--sensitivity-limit", type=float, default=120.0)
    ap.add_argument("--no-sensitivity", action="store_true")
    ap.add_argument("--no-quality", action="store_true")
    ap.add_argument("--no-proposals", action="store_true")
    ap.add_argument("--no-scale", action="store_true", help="skip the provincial-scale runs (bench/scale.py; "
                    "full mode only)")
    ap.add_argument("--scale-runs", default=None, help="scale runs, e.g. 1000x1e,10000x1 (e: with explanations; "
                    "default: the sizes of issue 19)")
    ap.add_argument("--scale-repeats", type=scale.positive_int, default=3, help="runs of the raw process and of the CLI at each "
                    "scale size, alternating; the run of median wall clock is reported (default 3)")
    ap.add_argument("--no-studies", action="store_true", help="skip compare and sweep against their raw solves "
                    "(bench/studies_bench.py; full mode only)")
    ap.add_argument("--studies-n", type=int, default=10_000, help="projects of the compare and sweep runs "
                    "(default 10,000, issue 19's size)")
    ap.add_argument("--package", default=None, help="folder holding the retrofit_opt package to benchmark "
                    "(default: the installed one); a file COMMIT there names its commit")
    ap.add_argument("--from-json", type=Path, default=None, help="re-write the markdown from a run's saved "
                    ".json (no measuring; e.g. after editing bench/NOTES.md)")
    args = ap.parse_args(argv)
    if args.from_json:
        return rerender(args.from_json, args.output)
    quick = args.quick
    args.time_limit = args.time_limit or (10.0 if quick else 300.0)
    args.repeats = args.repeats or (1 if quick else 3)
    args.quality_limit = args.quality_limit or (1.0 if quick else 10.0)
    if args.sizes:
        sizes = [tuple(int(v) for v in s.lower().split("x")) for s in args.sizes.split(",")]
    else:
        sizes = QUICK_SIZES if quick else FULL_SIZES
    output = args.output or (HERE / "out" / "RESULTS-quick.md" if quick else HERE / "RESULTS.md")
    started = time.perf_counter()
    tmp = None
    if args.workdir:
        work = args.workdir
        work.mkdir(parents=True, exist_ok=True)
    else:
        tmp = tempfile.TemporaryDirectory(prefix="retrofit-bench-")
        work = Path(tmp.name)

    m = machine()
    log(f"machine: {m}")
    scale_rows = []
    if not quick and not args.no_scale:
        runs = scale.FULL_RUNS
        if args.scale_runs:
            runs = [(int(r.rstrip("e").split("x")[0]), int(r.rstrip("e").split("x")[1]), r.endswith("e"))
                    for r in args.scale_runs.split(",")]
        scale_rows = scale.run_all(work, args.seed, log, run_measured, env_with(), cli_command(), runs,
                                   args.scale_repeats)
        print("\n" + scale.section(scale_rows), flush=True)
    studies = None
    if not quick and not args.no_studies:
        log(f"[studies] compare and sweep at {args.studies_n:,} projects")
        import studies_bench  # imports retrofit_opt: only when the runs are wanted
        studies = studies_bench.measure_for_run(args.studies_n, args.seed)
        print("\n" + studies["section"], flush=True)
    startup = python_startup(3)
    rows = overhead(sizes, work, args.time_limit, args.mip_gap, args.repeats, args.seed)
    for r in rows:
        r["agree"] = agreement(r["cli"], r["raw"], args.mip_gap)
    print("\n" + overhead_tables(rows, startup) + "\n", flush=True)

    sens = []
    if not quick and not args.no_sensitivity:
        for r in rows:
            log(f"[sensitivity] {r['tag']}")
            sens.append(raw_process(Path(r["npz"]), work, r["tag"] + "_sens", args.sensitivity_limit,
                                    args.sensitivity_gap))

    props = None
    if not args.no_proposals:
        big = [s for s in sizes if s[0] == max(x[0] for x in sizes)]
        props = proposals(rows, big if not quick else sizes[-1:], work, args.time_limit, args.mip_gap)

    qual = []
    args.quality_skip_reason = "--no-quality"
    if not args.no_quality:
        if not (mknap.DATA_DIR / "mknapcb1.txt").exists():
            args.quality_skip_reason = f"no instances in {mknap.DATA_DIR}"
        else:
            qual = quality(["mknapcb1.txt"] if quick else QUALITY_FILES, {0, 1} if quick else None,
                           args.quality_limit, args.quality_gap)
            print("\n" + quality_tables(qual).split("<details>")[0], flush=True)

    log("[greedy] instances")
    mk = []
    if (mknap.DATA_DIR / "mknapcb1.txt").exists():
        mk = greedy_mknap(["mknapcb1.txt"] if quick else ALL_CB)
    log("[greedy] bundled cases")
    cases = greedy_bundled(args.time_limit, args.mip_gap)
    generated = []
    from retrofit_opt.loader import load_case
    for r in rows:
        if r["years"] == 1:
            generated.append(greedy_case(f"generated {r['n']:,} × 1 yr", load_case(r["xlsx"]), r["cli"]["objective"],
                                         r["cli"]["status"]))
    print("\n" + greedy_tables(mk, cases, generated).split("<details>")[0], flush=True)

    seconds = time.perf_counter() - started
    text = with_scale(report(m, args, startup, rows, sens, qual, mk, cases, generated, props, seconds, scale_rows,
                             studies), scale_rows, studies)
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(text)
    raw_json = output.with_suffix(".json")
    saved_args = {k: (str(v) if isinstance(v, Path) else v) for k, v in vars(args).items()}
    raw_json.write_text(json.dumps({"machine": m, "startup": startup, "overhead": rows, "sensitivity": sens,
                                    "proposals": props, "quality": qual, "greedy_mknap": mk, "greedy_cases": cases,
                                    "greedy_generated": generated, "args": saved_args, "seconds": seconds,
                                    "scale": scale_rows, "studies": studies},
                                   default=str, indent=1))
    print(f"\nwrote {output} and {raw_json.name} in {seconds:.0f} s", flush=True)
    if tmp is not None:
        tmp.cleanup()
    return 0


if __name__ == "__main__":
    sys.exit(main())
