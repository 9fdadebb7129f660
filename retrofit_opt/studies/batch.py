"""Many runs — parks, commands, options — on one executor, each isolated from the others.

:func:`run_batch` loads each case here (validated, Pyomo-free), hands it to a worker
(:mod:`retrofit_opt.studies.execution`) that runs the study exactly as the single command
does and returns the run's workbook as bytes, and writes those bytes atomically to the
run's output.  A bad case or a failed solve becomes the run's error row; an interrupt
(Ctrl-C) stops the workers and returns the runs finished so far.  Under the command
line's handlers (:mod:`retrofit_opt.interrupts`) a signal whose exception a finalizer
swallowed (Python prints "Exception ignored in ZipFile.__del__" and goes on) still stops
the batch: the loop looks for a received signal after each case read, each workbook
written and every half second of waiting.

Studies do not import the report layer: the caller passes ``workbooks``, an object with
``to_bytes(command, study, lang, provenance)``, ``write(path, data)`` and
``recorded(path)`` (:data:`retrofit_opt.report.run_output.WORKBOOKS`), shipped to the
workers with each task.
"""
from __future__ import annotations

import concurrent.futures as cf
import hashlib
import time
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Callable

from retrofit_opt import interrupts
from retrofit_opt.case import Case
from retrofit_opt.errors import CaseError, RetrofitError
from retrofit_opt.results_batch import (ERROR, INTERRUPTED, NOT_RUN, OK_STATUSES, BatchResult, ProvinceTarget,
                                        RunRecord, RunSpec)
from retrofit_opt.studies.execution import ExecutorSpec, dask_worker_count

Progress = Callable[["BatchProgress"], None]
ERROR_TEXT_LIMIT = 2000
WAIT_STEP_SECONDS = 0.5  # how long the wait for a finished run goes without looking for a signal


@dataclass(frozen=True)
class RunTask:
    """What a worker receives: the run, its validated case and the input's SHA-256."""

    spec: RunSpec
    case: Case
    sha256: str
    workbooks: object


@dataclass(frozen=True)
class RunOutput:
    record: RunRecord
    workbook: bytes | None


@dataclass(frozen=True)
class BatchProgress:
    done: int
    total: int
    failed: int
    elapsed: float
    record: RunRecord | None  # the run just finished (None: the batch is starting)

    @property
    def remaining_seconds(self) -> float | None:
        if not self.done or self.done >= self.total:
            return None
        return self.elapsed / self.done * (self.total - self.done)


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


# ----------------------------------------------------------------------------- in the worker
def perform(task: RunTask) -> RunOutput:
    """Run one study and build its workbook (in the worker).  Never raises for a case or
    solver problem: those are the record's error."""
    spec, case = task.spec, task.case
    started = time.perf_counter()
    options = spec.options_dict()
    try:
        study = run_study(spec.command, case, options)
        record = record_of(spec, study, time.perf_counter() - started)
        provenance = {"batch.command": spec.command, "batch.options": spec.options_text(),
                      "batch.sha256": task.sha256, "batch.record": record.record_text()}
        data = task.workbooks.to_bytes(spec.command, study, options.get("lang") or case.language, provenance)
    except RetrofitError as err:
        return RunOutput(error_record(spec, str(err), time.perf_counter() - started), None)
    except Exception as err:  # noqa: BLE001 - fault isolation: a bug in one run is that run's error
        return RunOutput(error_record(spec, f"internal error ({type(err).__name__}: {err}); please report it with "
                                      "the case file", time.perf_counter() - started), None)
    return RunOutput(replace(record, seconds=time.perf_counter() - started), data)


def run_study(command: str, case: Case, options: dict):
    """The study the single command runs, with the same options (serially: a batch run is
    itself one worker's task)."""
    time_limit, mip_gap = options.get("time_limit"), options.get("mip_gap")
    if command == "solve":
        from retrofit_opt.studies.solve import solve_case
        return solve_case(case, time_limit=time_limit, mip_gap=mip_gap, explain=not options.get("no_explain"))
    if command == "compare":
        from retrofit_opt.studies.compare import compare_scenarios
        return compare_scenarios(case, time_limit=time_limit, mip_gap=mip_gap, explain=False,
                                 explain_base=not options.get("no_explain"))
    if command == "sweep":
        from retrofit_opt.studies.sweep_setup import sweep_from_options
        return sweep_from_options(case, budget_from=options["budget_from"], budget_to=options["budget_to"],
                                  steps=int(options.get("steps", 11)), pool=options.get("pool", "total"),
                                  pareto=options.get("pareto"), pareto_steps=int(options.get("pareto_steps", 11)),
                                  priority=options.get("priority"),
                                  priority_steps=(int(options["priority_steps"]) if "priority_steps" in options
                                                  else None),
                                  time_limit=time_limit, mip_gap=mip_gap)
    if command == "risk":
        from retrofit_opt.studies.risk import risk_study
        return risk_study(case, samples=int(options.get("samples", 2000)), seed=int(options.get("seed", 0)),
                          tornado=int(options.get("tornado", 10)), time_limit=time_limit, mip_gap=mip_gap)
    raise ValueError(f"unknown batch command {command!r}")


def _end_value(value):
    """A total at the end of the horizon (multi-year totals are by milestone, end year first)."""
    if isinstance(value, dict):
        return float(next(iter(value.values()))) if value else 0.0
    return float(value)


def result_totals(result) -> dict:
    if result.status not in OK_STATUSES:
        return {}
    totals = {"capex": float(result.totals.get("capex", 0.0)),
              "annual_cost_saving": sum(result.case.project(pid).annual_cost_saving for pid in result.plan)}
    for metric in ("energy_saving", "co2_reduction"):
        if metric in result.totals:
            totals[metric] = _end_value(result.totals[metric])
    return totals


def record_of(spec: RunSpec, study, seconds: float) -> RunRecord:
    base = dict(index=spec.index, case=spec.case, command=spec.command, park=spec.park, output=str(spec.output),
                seconds=seconds)
    if spec.command in ("solve", "compare", "risk"):
        result = {"solve": lambda: study, "compare": lambda: study[0].result,
                  "risk": lambda: study.deterministic}[spec.command]()
        checks = result.target_checks
        has_plan = result.status in OK_STATUSES
        details = {}
        met = result.targets_met
        if spec.command == "compare":
            met = all(r.result.targets_met for r in study)
            details = {"scenarios": len(study) - 1, "meeting": sum(r.result.targets_met for r in study),
                       "solved": len(study)}
        if spec.command == "risk":
            details = {"samples": study.samples}
            if study.targets:
                weakest = min(study.targets, key=lambda t: t.probability)
                details.update(lowest=weakest.probability, target=weakest.label)
        return RunRecord(**base, status=result.status, objective=result.objective,
                         objective_name=result.options.get("objective"), gap=result.gap, targets_met=met,
                         targets_count=len(checks), targets_met_count=sum(1 for t in checks if t.met and has_plan),
                         totals=result_totals(result), details=details)
    points = study.points
    with_plan = [p for p in points if p.objective is not None]
    if with_plan:
        status = "optimal" if all(p.status == "optimal" for p in with_plan) else "feasible"
    else:
        status = "timeout" if any(p.status == "timeout" for p in points) else "infeasible"
    gaps = [p.gap for p in with_plan if p.gap is not None]
    details = {"levels": len(points), "statuses": dict(study.status_counts()), "pool": study.pool}
    if study.least is not None:
        details["least_budget"] = study.least.budget  # None: no budget on this pool meets every target
    return RunRecord(**base, status=status, objective=with_plan[-1].objective if with_plan else None,
                     objective_name=study.options.get("objective"), gap=max(gaps) if gaps else None,
                     targets_met=study.any_plan_meets_targets, details=details)


def error_record(spec: RunSpec, message: str, seconds: float | None = None, status: str = ERROR) -> RunRecord:
    message = message.strip()
    if len(message) > ERROR_TEXT_LIMIT:
        message = message[:ERROR_TEXT_LIMIT - 3] + "..."
    return RunRecord(spec.index, spec.case, spec.command, spec.park, str(spec.output), status,
                     error=message or None, seconds=seconds)


# ----------------------------------------------------------------------------- in the caller
def resumable(spec: RunSpec, workbooks) -> RunRecord | None:
    """The recorded row of ``spec``'s existing output when it was written by the same
    command with the same options from an input with the same SHA-256; else None."""
    if not spec.output.is_file() or not spec.path.is_file():
        return None
    recorded = workbooks.recorded(spec.output)
    if not recorded or recorded.get("batch.command") != spec.command \
            or recorded.get("batch.options") != spec.options_text() \
            or recorded.get("batch.sha256") != file_sha256(spec.path) or "batch.record" not in recorded:
        return None
    try:
        return RunRecord.from_record_text(recorded["batch.record"], index=spec.index, case=spec.case,
                                          park=spec.park, output=str(spec.output), resumed=True)
    except (ValueError, TypeError):
        return None


def _load(spec: RunSpec) -> tuple[RunTask | None, RunRecord | None, float]:
    from retrofit_opt.loader import load_case
    started = time.perf_counter()
    try:
        sha = file_sha256(spec.path)
        case = load_case(spec.path)
    except CaseError as err:
        return None, error_record(spec, err.report(), time.perf_counter() - started), 0.0
    except RetrofitError as err:
        return None, error_record(spec, str(err), time.perf_counter() - started), 0.0
    except OSError as err:
        return None, error_record(spec, f"cannot read {spec.case}: {err.strerror or err}",
                                  time.perf_counter() - started), 0.0
    return RunTask(spec, case, sha, None), None, time.perf_counter() - started


def run_batch(runs: list[RunSpec] | tuple[RunSpec, ...], *, workbooks, executor: ExecutorSpec | None = None,
              resume: bool = False, province_targets: tuple[ProvinceTarget, ...] = (),
              progress: Progress | None = None) -> BatchResult:
    """Run every spec; the result has one record per run, in the batch's order.  A
    ``KeyboardInterrupt`` stops the executor: finished runs keep their workbooks, the
    runs in flight are ``interrupted``, the others ``not run``, and the result says
    ``interrupted``."""
    executor = executor or ExecutorSpec()
    started = time.perf_counter()
    records: dict[int, RunRecord] = {}
    todo: list[RunSpec] = []
    for spec in runs:
        found = resumable(spec, workbooks) if resume else None
        if found is not None:
            records[spec.index] = found
        else:
            todo.append(spec)
    total = len(runs)

    def report(record: RunRecord | None) -> None:
        if progress:
            failed = sum(1 for r in records.values() if r.status == ERROR)
            progress(BatchProgress(len(records), total, failed, time.perf_counter() - started, record))

    report(None)
    interrupted = False
    in_flight: dict[cf.Future, tuple[RunSpec, float]] = {}
    try:
        queue = list(todo)
        while queue:
            queue, suspects = _run_on(executor, queue, workbooks, records, in_flight, report)
            for spec in suspects:  # in flight when a worker died: each again alone, so a crash is its own
                _, again = _run_on(ExecutorSpec("processes", 1), [spec], workbooks, records, in_flight, report)
                for crashed in again:
                    records[crashed.index] = error_record(crashed, "the worker process running it stopped "
                                                          "unexpectedly (killed, or out of memory?)")
                    report(records[crashed.index])
    except KeyboardInterrupt:
        interrupted = True
    if interrupted:  # free the stopped pool now (its frames sit in reference cycles with the traceback), so
        import gc    # that its semaphores are released before exit rather than reported as leaked
        gc.collect()
    for future, (spec, _) in in_flight.items():  # handed to a worker (running) or still queued
        records.setdefault(spec.index, error_record(spec, "stopped by an interrupt before it finished",
                                                    status=INTERRUPTED) if future.running() or future.done() else
                           error_record(spec, "not started: the batch was interrupted", status=NOT_RUN))
    for spec in todo:
        if spec.index not in records:
            records[spec.index] = error_record(spec, "not started: the batch was interrupted" if interrupted else
                                               "not started", status=NOT_RUN)
    ordered = [records[spec.index] for spec in runs]
    return BatchResult(ordered, time.perf_counter() - started, executor.describe(), tuple(province_targets),
                       interrupted, (executor.kind, executor.workers, executor.scheduler))


def _run_on(executor: ExecutorSpec, queue: list[RunSpec], workbooks, records, in_flight,
            report) -> tuple[list[RunSpec], list[RunSpec]]:
    """Run ``queue`` on one opened executor, keeping a few tasks per worker in flight so
    that loading the next cases here overlaps the solves.  When a worker process dies the
    pool is broken: returns (the runs not yet started, the runs that were in flight — one
    of which killed it), else ([], [])."""
    queue = list(queue)
    with executor.open() as pool:
        workers = dask_worker_count(pool) or executor.workers  # a remote cluster: the workers it has now
        window = 1 if executor.kind == "serial" else 2 * workers
        while queue or in_flight:
            while queue and len(in_flight) < window:
                spec = queue.pop(0)
                task, failure, load_seconds = _load(spec)
                interrupts.check()  # a signal swallowed by a finalizer while the case was read
                if failure is not None:
                    records[spec.index] = failure
                    report(failure)
                    continue
                future = pool.submit(perform, replace(task, workbooks=workbooks))
                in_flight[future] = (spec, load_seconds)
            if not in_flight:
                continue
            done, _ = cf.wait(list(in_flight), timeout=WAIT_STEP_SECONDS, return_when=cf.FIRST_COMPLETED)
            interrupts.check()
            suspects = []
            for future in done:
                spec, load_seconds = in_flight.pop(future)
                record = _finish(spec, future, load_seconds, workbooks)
                if record is None:
                    suspects.append(spec)
                    continue
                records[spec.index] = record
                report(record)
                interrupts.check()  # e.g. a signal swallowed while the workbook was written
            if suspects:
                suspects += [spec for spec, _ in in_flight.values()]
                in_flight.clear()
                return queue, sorted(suspects, key=lambda spec: spec.index)
    return [], []


def _finish(spec: RunSpec, future: cf.Future, load_seconds: float, workbooks) -> RunRecord | None:
    """The record of a finished task, its workbook written; None when its worker died."""
    from concurrent.futures.process import BrokenProcessPool
    try:
        output: RunOutput = future.result()
    except BrokenProcessPool:
        return None
    except Exception as err:  # noqa: BLE001 - e.g. a Dask worker lost, a result that could not be sent
        hint = (" — install retrofit-opt (the same version) on every Dask worker machine"
                if isinstance(err, ImportError) else "")
        return error_record(spec, f"the run failed on its worker ({type(err).__name__}: {err}){hint}")
    record = output.record
    if output.workbook is not None:
        try:
            workbooks.write(spec.output, output.workbook)
        except RetrofitError as err:
            record = replace(record, status=ERROR, error=str(err))
    return replace(record, seconds=(record.seconds or 0.0) + load_seconds)
