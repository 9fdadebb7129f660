"""The only module that talks to HiGHS: :class:`Solver` through Pyomo's
``pyomo.contrib.solver`` 'highs' interface (a persistent wrapper around ``highspy``) for
the studies, :class:`ArraySolver` with ``highspy`` directly for the hot path of ``solve``
(Pyomo is imported only when a :class:`Solver` is made).

A solve never passes a non-optimal result off as optimal: the outcome carries HiGHS's
termination, the incumbent, the bound and the relative gap.
"""
from __future__ import annotations

import math
import os
import signal
import threading
import time
from dataclasses import dataclass

import numpy as np

from retrofit_opt import interrupts
from retrofit_opt.errors import SolverError

OPTIMAL, FEASIBLE, INFEASIBLE, TIMEOUT = "optimal", "feasible", "infeasible", "timeout"
CANCEL_AFTER = 0.5  # s past the time limit: the guard asks HiGHS to stop (cancelSolve)
ABANDON_AFTER = 2.0  # s past the cancel: HiGHS did not stop (e.g. deep in presolve); the solve is given up
WAIT_STEP = 0.05  # the main thread waits in steps this short, so that signals are handled at once
ABANDONED: list = []  # solvers whose HiGHS thread was given up and may still be running
CANCELLED: list = []  # solvers whose HiGHS run was cancelled (the process then leaves with os._exit: an
                      # interrupted run inside Pyomo's interface can abort at interpreter exit)


@dataclass(frozen=True)
class SolveOutcome:
    status: str  # optimal | feasible | infeasible | timeout
    termination: str  # HiGHS's termination, as Pyomo names it
    objective: float | None
    bound: float | None
    gap: float | None  # relative gap |objective − bound| / max(|objective|, 1); None without a solution
    seconds: float

    @property
    def has_solution(self) -> bool:
        return self.status in (OPTIMAL, FEASIBLE)


class _GivenUp(Exception):
    """HiGHS ignored its time limit and the cancel: the solve is given up."""


def _reset_scheduler() -> None:
    try:
        import highspy
        highspy.Highs.resetGlobalScheduler(True)
    except Exception:  # an older highspy without it: nothing to reset
        pass


def prepare_for_cancel(highs) -> None:
    """Make ``highs`` (a ``highspy.Highs``) stop at ``cancelSolve``: highspy keeps a past
    cancel until its own ``startSolve``, and the cancel is checked at HiGHS's interrupt
    callbacks only when ``HandleUserInterrupt`` is on."""
    highs._Highs__solver_should_stop = False
    if not highs.HandleUserInterrupt:
        highs.HandleUserInterrupt = True


def _start_unsignalled(worker: threading.Thread) -> None:
    """``worker.start()`` with SIGINT and SIGTERM held back until it returns: ``start``
    waits for the new thread, and a signal handled during that wait would leave a HiGHS
    run going that nobody joins or cancels (seen as a crash when the caller then changed
    the instance).  A signal that arrives meanwhile is handled right after."""
    held = {signal.SIGINT, signal.SIGTERM}
    if threading.current_thread() is not threading.main_thread():
        worker.start()
        return
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, held)
    try:
        worker.start()
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


def _yield_the_core(thread_id: int | None) -> None:
    """Lower the scheduling priority of a given-up HiGHS thread to the lowest (nice 19; on
    Linux a thread's own), so that the rest of the command — explanations, the write — is
    not slowed by a solve nobody waits for any more.  Best effort: nothing happens where
    the platform does not allow it."""
    if thread_id is None or not hasattr(os, "setpriority"):
        return
    try:
        os.setpriority(os.PRIO_PROCESS, thread_id, 19)
    except OSError:
        pass


def guarded_run(highs, limit: float, cancel, abandon):
    """HiGHS's ``run`` of ``highs`` in a worker thread (it releases the GIL) while this
    thread waits in short steps: signals are handled at once (and call ``cancel()``), the
    guard calls ``cancel()`` :data:`CANCEL_AFTER` s after ``limit`` and, when HiGHS still
    runs :data:`ABANDON_AFTER` s later, calls ``abandon()`` and raises :class:`_GivenUp`.
    Used by both :class:`Solver` and :class:`ArraySolver`."""
    import highspy
    box: dict = {}

    def work():
        box["thread"] = threading.get_native_id()
        try:
            box["status"] = highspy._core._Highs.run(highs)
        except BaseException as exc:
            box["error"] = exc
        finally:
            # HiGHS binds its task scheduler to the thread that ran it; without a reset the
            # process aborts at exit (highspy does the same after its own threaded solve).
            _reset_scheduler()

    # A signal already received stops here, before HiGHS starts: a run on another thread
    # (compare's base explanations) must not start a new solve once the main thread stops
    interrupts.check()
    worker = threading.Thread(target=work, name="highs-run", daemon=True)
    cancel_at = time.monotonic() + limit + CANCEL_AFTER
    cancelled_at = None
    with interrupts.cancel_with(cancel):
        try:
            _start_unsignalled(worker)
            while worker.is_alive():
                worker.join(WAIT_STEP)
                now = time.monotonic()
                if cancelled_at is None and now >= cancel_at:
                    cancelled_at = now
                    cancel()
                if cancelled_at is not None and worker.is_alive() and now >= cancelled_at + ABANDON_AFTER:
                    abandon()
                    _yield_the_core(box.get("thread"))
                    raise _GivenUp()
        except interrupts.Interrupted:
            cancel()
            worker.join(ABANDON_AFTER)
            if worker.is_alive():  # HiGHS still runs on this instance: nobody may touch it again
                abandon()
                _yield_the_core(box.get("thread"))
            raise
    if "error" in box:
        raise box["error"]
    return box["status"]


def solver_options(params, time_limit: float | None = None, mip_gap: float | None = None) -> tuple[float, float]:
    """The time limit (s) and relative MIP gap of a solve: each as given, or, when ``None``,
    the case's parameter (``time_limit``, default 300; ``mip_gap``, default 1e-4).  Every
    study resolves its options here, once."""
    from retrofit_opt import limits  # the one validation path for every value (issue 18)
    return (limits.check_time_limit(params.time_limit if time_limit is None else time_limit),
            limits.check_mip_gap(params.mip_gap if mip_gap is None else mip_gap))


def highs_version() -> str:
    import highspy
    h = highspy.Highs()
    return f"{h.versionMajor()}.{h.versionMinor()}.{h.versionPatch()}"


def _has_no_decisions(model) -> bool:
    """True when no variable appears in the active objective or any active constraint."""
    import pyomo.environ as pyo
    from pyomo.core.expr.visitor import identify_variables
    for obj in model.component_data_objects(pyo.Objective, active=True, descend_into=True):
        if next(identify_variables(obj.expr), None) is not None:
            return False
    for con in model.component_data_objects(pyo.Constraint, active=True, descend_into=True):
        if next(identify_variables(con.body), None) is not None:
            return False
    return True


def _constant_objective(model) -> float:
    import pyomo.environ as pyo
    for obj in model.component_data_objects(pyo.Objective, active=True, descend_into=True):
        return float(pyo.value(obj.expr))
    return 0.0


class Solver:
    """A persistent HiGHS instance for one model: re-solves after bound, right-hand-side,
    objective or constraint changes reuse what was loaded."""

    def __init__(self, model: "pyo.ConcreteModel", time_limit: float = 300.0, mip_gap: float = 1e-4,
                 threads: int = 1):
        from pyomo.contrib.solver.common.factory import SolverFactory

        self.model = model
        self.opt = SolverFactory("highs")
        if not self.opt.available():
            raise SolverError("HiGHS (highspy) is not available; reinstall retrofit-opt's dependencies")
        self.time_limit = time_limit
        self.mip_gap = mip_gap
        # threads = 1: HiGHS #1670 (hangs) and reproducible runs; its MIP search is serial anyway.
        self.threads = threads
        self._variables: list | None = None
        self.last_start_size = 0  # columns given by the last warm start that reached HiGHS

    abandoned = False

    def solve(self, time_limit: float | None = None) -> SolveOutcome:
        """Solve within ``time_limit`` seconds — a promise kept even when HiGHS overruns its
        own limit: the solve runs in a worker thread, a guard cancels it shortly after the
        limit (``cancelSolve``, honoured at HiGHS's interrupt checks) and, if HiGHS still
        does not return (some presolve steps never check), gives it up and reports a
        timeout.  A signal (Ctrl-C, SIGTERM) cancels the solve too."""
        import pyomo.environ as pyo
        from pyomo.contrib.solver.common.results import SolutionStatus, TerminationCondition

        if self.abandoned:
            return SolveOutcome(TIMEOUT, "abandoned", None, None, None, 0.0)
        limit = time_limit or self.time_limit
        started = time.perf_counter()
        results = self._guarded(limit)
        if results is None:
            return SolveOutcome(TIMEOUT, "maxTimeLimit", None, None, None, time.perf_counter() - started)
        seconds = time.perf_counter() - started
        termination = results.termination_condition
        has_solution = results.solution_status in (SolutionStatus.optimal, SolutionStatus.feasible)
        if has_solution:
            results.solution_loader.load_vars()
        if termination == TerminationCondition.convergenceCriteriaSatisfied and has_solution:
            status = OPTIMAL
        elif termination in (TerminationCondition.provenInfeasible,
                             TerminationCondition.locallyInfeasible,
                             TerminationCondition.infeasibleOrUnbounded):
            status = INFEASIBLE
        elif has_solution:
            status = FEASIBLE
        elif termination in (TerminationCondition.maxTimeLimit, TerminationCondition.iterationLimit,
                             TerminationCondition.interrupted):
            status = TIMEOUT
        elif _has_no_decisions(self.model):
            # HiGHS calls a model without variables empty; its optimum is "choose nothing".
            for var in self.model.component_data_objects(pyo.Var, descend_into=True):
                var.set_value(0 if var.lb is None or var.lb <= 0 <= (var.ub if var.ub is not None else 0) else var.lb)
            value = _constant_objective(self.model)
            return SolveOutcome(OPTIMAL, termination.name, value, value, 0.0, time.perf_counter() - started)
        else:
            raise SolverError(f"the solver stopped with {termination.name} and no solution")
        objective = results.incumbent_objective if has_solution else None
        bound = results.objective_bound
        if bound is not None and not math.isfinite(bound):
            bound = None
        gap = None
        if objective is not None:
            gap = 0.0 if bound is None and status == OPTIMAL else (
                abs(objective - bound) / max(abs(objective), 1.0) if bound is not None else None)
        return SolveOutcome(status, termination.name, objective, bound, gap, seconds)

    def _guarded(self, limit: float):
        """The interface's results, or ``None`` when HiGHS had to be given up."""
        if getattr(self.opt, "_model", None) is not self.model:
            self.opt.set_instance(self.model)
        highs = self.opt._solver_model
        prepare_for_cancel(highs)
        highs.run = lambda: self._run_guarded(highs, limit)
        try:
            return self.opt.solve(
                self.model, rel_gap=self.mip_gap, time_limit=limit, threads=self.threads, tee=False,
                # HiGHS writes some messages straight to stdout, which would corrupt --json.
                solver_options={"output_flag": False},
                raise_exception_on_nonoptimal_result=False, load_solutions=False)
        except _GivenUp:
            return None
        except Exception as exc:  # HiGHS and the interface raise several types
            raise SolverError(f"the solver failed: {type(exc).__name__}: {exc}") from exc
        finally:
            highs.__dict__.pop("run", None)

    def _run_guarded(self, highs, limit: float):
        """HiGHS's ``run`` under :func:`guarded_run`."""
        return guarded_run(highs, limit, self.cancel, self._abandon)

    def cancel(self) -> None:
        """Ask the running HiGHS solve, if any, to stop at its next interrupt check."""
        highs = getattr(self.opt, "_solver_model", None)
        if highs is not None and hasattr(highs, "cancelSolve"):
            highs.cancelSolve()
            if self not in CANCELLED:
                CANCELLED.append(self)

    def _abandon(self) -> None:
        self.abandoned = True
        ABANDONED.append(self)

    # ------------------------------------------------------------------ re-solves (sweeps)
    def current_values(self) -> list:
        """(variable, value) for every variable of the model as it stands (after a solve:
        the loaded plan) — a start for :meth:`warm_start`."""
        import pyomo.environ as pyo

        if self._variables is None:
            self._variables = list(self.model.component_data_objects(pyo.Var, descend_into=True))
        return [(v, v.value) for v in self._variables]

    def warm_start(self, values) -> None:
        """Give HiGHS a start for the next solve only: ``values`` is a mapping (e.g. a
        ``ComponentMap``) or an iterable of (Pyomo variable, value) pairs, e.g. the plan of
        the previous budget level, which stays feasible when a budget only grows.  HiGHS
        does not warm-start a MIP by itself, and any change to the model after
        ``setSolution`` discards the start, so the start is passed after the Pyomo
        interface has pushed this solve's changes, right before HiGHS runs
        (:func:`pyomo_highs_internals`: Pyomo has no public route for this)."""
        import numpy as np

        pairs = values.items() if hasattr(values, "items") else values
        start = [(var, float(value)) for var, value in pairs if value is not None]

        def pass_start(internals: PyomoHighsInternals) -> None:
            index, value = [], []
            for var, number in start:
                col = internals.columns.get(id(var))
                if col is not None:
                    index.append(col)
                    value.append(number)
            self.last_start_size = len(index)
            if index:
                internals.highs.setSolution(len(index), np.array(index, dtype=np.int32),
                                            np.array(value, dtype=np.float64))
        pyomo_highs_internals(self.opt).before_next_run(pass_start)

    def only_parameter_changes(self) -> None:
        """Promise that, from now on, only mutable ``Param`` values (budget limits, target
        values) change between solves: the interface then skips scanning the model for new,
        removed or edited constraints, variables and objectives before each solve
        (PERFORMANCE-NOTES.md: about 20 % of the per-solve overhead)."""
        updates = self.opt.config.auto_updates
        for flag in ("check_for_new_or_removed_constraints", "check_for_new_or_removed_vars",
                     "check_for_new_or_removed_params", "check_for_new_objective", "update_constraints",
                     "update_vars", "update_named_expressions", "update_objective"):
            setattr(updates, flag, False)
        updates.update_parameters = True

    def run_seconds(self) -> float:
        """HiGHS's own run time on this instance so far (s; 0 before the first solve).  It
        adds up over solves: the difference across one solve is that solve's pure solver
        time, without Pyomo's update and solution loading."""
        highs = self.highs()
        return float(highs.getRunTime()) if highs is not None else 0.0

    def highs(self):
        """The ``highspy.Highs`` instance holding the model (None before the first solve
        or ``set_instance``) — for benchmarks that compare against raw highspy."""
        return pyomo_highs_internals(self.opt).highs


@dataclass(frozen=True)
class PyomoHighsInternals:
    """What :func:`pyomo_highs_internals` reaches: the ``highspy.Highs`` object, the map
    id(Pyomo variable) → HiGHS column, id(constraint data) → row, and a one-shot hook."""

    opt: object
    highs: object | None
    columns: dict
    rows: dict

    def before_next_run(self, hook) -> None:
        """Run ``hook(internals)`` once, after the interface has pushed the next solve's
        model changes and right before HiGHS runs."""
        opt = self.opt
        run = type(opt)._solve

        def run_after_hook():
            del opt._solve  # one solve only
            hook(pyomo_highs_internals(opt))
            return run(opt)
        opt._solve = run_after_hook


PYOMO_HIGHS_PRIVATE = ("_solver_model", "_pyomo_var_to_solver_var_map", "_pyomo_con_to_solver_con_map", "_solve")
"""The private attributes of Pyomo's HiGHS interface that :func:`pyomo_highs_internals`
uses (checked by tests/test_solver_internals.py on every Pyomo version)."""


def pyomo_highs_internals(opt) -> PyomoHighsInternals:
    """The ONE place that reaches into private attributes of Pyomo's HiGHS interface
    (``pyomo.contrib.solver`` 'highs', Pyomo 6.10): Pyomo offers no public way to get
    the ``highspy.Highs`` object, the variable → column map, or to act between its model
    update and HiGHS's run, which a MIP start (``setSolution``) needs.  A Pyomo upgrade
    that renames them fails here, loudly, and in tests/test_solver_internals.py."""
    missing = [name for name in PYOMO_HIGHS_PRIVATE if not hasattr(opt, name)]
    if missing:
        import pyomo
        raise SolverError(f"Pyomo {pyomo.__version__}'s HiGHS interface has no {', '.join(missing)}: "
                          "retrofit_opt.solve.pyomo_highs_internals needs updating for this Pyomo version")
    return PyomoHighsInternals(opt, opt._solver_model, opt._pyomo_var_to_solver_var_map,
                               opt._pyomo_con_to_solver_con_map)


# ----------------------------------------------------------------------------- from arrays
_TERMINATIONS = {  # HiGHS model status → termination, named as Pyomo's interface names them
    "kOptimal": "convergenceCriteriaSatisfied", "kInfeasible": "provenInfeasible",
    "kUnboundedOrInfeasible": "infeasibleOrUnbounded", "kUnbounded": "unbounded",
    "kObjectiveBound": "objectiveLimit", "kObjectiveTarget": "objectiveLimit",
    "kTimeLimit": "maxTimeLimit", "kIterationLimit": "iterationLimit", "kSolutionLimit": "iterationLimit",
    "kInterrupt": "interrupted", "kLoadError": "error", "kModelError": "error", "kPresolveError": "error",
    "kSolveError": "error", "kPostsolveError": "error",
}


def _highspy():
    try:
        import highspy
    except Exception as exc:  # a broken install fails in several ways
        raise SolverError("HiGHS (highspy) is not available; reinstall retrofit-opt's dependencies "
                          f"({type(exc).__name__}: {exc})") from exc
    return highspy


class ArraySolver:
    """A HiGHS instance built straight from :class:`retrofit_opt.model.arrays.ModelArrays`
    (``addVars`` / ``addRows`` in CSR form: no Pyomo expressions, no ``set_instance``) —
    the same LP as :class:`Solver` gets from ``build_model`` (tests/test_model_arrays.py),
    for the main solve and the force-in explanations of ``solve``.

    Besides :meth:`solve` it answers the explanations' questions on the same instance:
    :meth:`forced_lp_bound` (the LP relaxation with some start options' sum fixed at 1,
    hot-started from the previous LP basis) and :meth:`forced_solve` (the MIP with that
    row, at a given gap and time limit)."""

    def __init__(self, arrays, time_limit: float = 300.0, mip_gap: float = 1e-4, threads: int = 1):
        highspy = _highspy()
        self.arrays = arrays
        self.time_limit = time_limit
        self.mip_gap = mip_gap
        self.threads = threads
        self.option_columns = arrays.option_columns()
        self.highs = self._new_highs(highspy, integer=True)
        self._lp = None
        self._running = None  # the instance HiGHS is running on (for cancel)
        self.values = None  # column values of the last solve with a solution
        self.last_start_size = 0  # columns given by the last warm start
        self.abandoned = False  # a HiGHS run ignored its limit and the cancel: no more solves
        self.forced_values = None  # column values of the last forced_solve's plan

    def _new_highs(self, highspy, integer: bool):
        a = self.arrays
        h = highspy.Highs()
        h.setOptionValue("output_flag", False)
        h.setOptionValue("threads", self.threads)
        n = a.num_col
        self._check(h.addVars(n, a.col_lower, a.col_upper), "adding the columns")
        integer_cols = np.nonzero(a.col_integer)[0] if integer else np.zeros(0, dtype=np.int64)
        if len(integer_cols):
            self._check(h.changeColsIntegrality(len(integer_cols), integer_cols.astype(np.int32),
                                                np.full(len(integer_cols), highspy.HighsVarType.kInteger)),
                        "marking the binary columns")
        h.changeObjectiveSense(highspy.ObjSense.kMaximize if a.maximize else highspy.ObjSense.kMinimize)
        if n:
            self._check(h.changeColsCost(n, np.arange(n, dtype=np.int32), a.col_cost), "setting the objective")
        if a.num_row:
            self._check(h.addRows(a.num_row, a.row_lower, a.row_upper, a.num_nz, a.start[:-1].astype(np.int32),
                                  a.index.astype(np.int32), a.value), "adding the rows")
        return h

    @staticmethod
    def _check(status, what: str) -> None:
        highspy = _highspy()
        if status == highspy.HighsStatus.kError:
            raise SolverError(f"the solver failed: HiGHS refused the model while {what} "
                              "(a coefficient beyond its limits?)")

    # ------------------------------------------------------------------ solves
    def warm_start(self, option_values) -> None:
        """Give HiGHS a start for the next MIP solve: ``option_values[i]`` is x_i of start
        option i (the arrays' option order, e.g. from
        :func:`retrofit_opt.studies.start.start_option_values`); options in no row are
        skipped, the other columns are left for HiGHS to complete (``setSolution`` with a
        sparse solution).  Any later change to the instance discards the start."""
        values = np.asarray(option_values, dtype=np.float64)
        used = np.nonzero(self.option_columns >= 0)[0]
        self.last_start_size = len(used)
        if len(used):
            self.highs.setSolution(len(used), self.option_columns[used].astype(np.int32), values[used])

    def warm_start_columns(self, column_values) -> None:
        """Give HiGHS a start for the next MIP solve: a value for every column (e.g. the
        previous solve's :attr:`values`, still feasible when only a row's upper bound
        grew).  Any later change to the instance discards the start."""
        values = np.asarray(column_values, dtype=np.float64)
        self.last_start_size = len(values)
        if len(values):
            self.highs.setSolution(len(values), np.arange(len(values), dtype=np.int32), values)

    def set_row_upper(self, row: int, upper: float) -> None:
        """Row ``row``'s upper bound := ``upper`` (its lower bound kept) on this instance and
        in :attr:`arrays` (the plan checks read it) — e.g. a budget level of a sweep; the
        instance is kept, so the next solve re-uses what HiGHS has loaded."""
        lower = float(self.arrays.row_lower[row])
        self.arrays.row_upper[row] = float(upper)
        for h in (self.highs, self._lp):
            if h is not None:
                h.changeRowBounds(int(row), lower, float(upper))

    def cancel(self) -> None:
        """Ask the running HiGHS solve, if any, to stop at its next interrupt check."""
        running = self._running
        if running is not None:
            running.cancelSolve()
            if self not in CANCELLED:
                CANCELLED.append(self)

    def _abandon(self) -> None:
        self.abandoned = True
        ABANDONED.append(self)

    def solve(self, time_limit: float | None = None, mip_gap: float | None = None) -> SolveOutcome:
        """Solve the MIP as it stands (with any force-in row of :meth:`forced_solve`),
        guarded as :meth:`Solver.solve` is (:func:`guarded_run`): within ``time_limit``
        even when HiGHS overruns it, cancelled by a signal."""
        return self._run(self.highs, time_limit or self.time_limit,
                         self.mip_gap if mip_gap is None else mip_gap, keep=True)

    def _run(self, h, time_limit: float, mip_gap: float | None, keep: bool) -> SolveOutcome:
        highspy = _highspy()
        if self.abandoned:  # HiGHS may still run on an instance given up: leave it alone
            return SolveOutcome(TIMEOUT, "abandoned", None, None, None, 0.0)
        started = time.perf_counter()
        if self.arrays.num_col == 0:  # nothing to decide: "choose nothing" is optimal
            self.values = np.zeros(0)
            return SolveOutcome(OPTIMAL, "convergenceCriteriaSatisfied", 0.0, 0.0, 0.0, 0.0)
        # HiGHS (1.15) checks an LP's time_limit against the instance's run clock, which adds
        # up over runs (measured: hot-started LP re-solves all stopped once the clock passed
        # the limit), but a MIP's against the run itself: an LP's limit starts from the clock.
        offset = float(h.getRunTime()) if h is self._lp else 0.0
        h.setOptionValue("time_limit", offset + float(time_limit))
        if mip_gap is not None:
            h.setOptionValue("mip_rel_gap", float(mip_gap))
        prepare_for_cancel(h)
        self._running = h
        try:
            guarded_run(h, float(time_limit), self.cancel, self._abandon)
        except _GivenUp:
            return SolveOutcome(TIMEOUT, "maxTimeLimit", None, None, None, time.perf_counter() - started)
        except interrupts.Interrupted:
            # the run may still be going in its worker thread (a cancelled hot-started LP
            # has been seen to outlast the wait): no later call may change this instance —
            # a change under a running HiGHS crashes the process (tests/test_interrupts.py)
            self._abandon()
            raise
        except Exception as exc:
            raise SolverError(f"the solver failed: {type(exc).__name__}: {exc}") from exc
        finally:
            self._running = None
        seconds = time.perf_counter() - started
        model_status = h.getModelStatus()
        termination = _TERMINATIONS.get(model_status.name, "unknown")
        info = h.getInfo()
        has_solution = info.primal_solution_status == 2
        if model_status == highspy.HighsModelStatus.kOptimal and has_solution:
            status = OPTIMAL
        elif termination in ("provenInfeasible", "infeasibleOrUnbounded"):
            status = INFEASIBLE
        elif has_solution:
            status = FEASIBLE
        elif termination in ("maxTimeLimit", "iterationLimit", "interrupted"):
            status = TIMEOUT
        else:
            raise SolverError(f"the solver stopped with {termination} and no solution")
        objective = float(info.objective_function_value) if has_solution else None
        if info.mip_node_count == -1:  # an LP
            bound = objective if status == OPTIMAL else None
        else:
            bound = float(info.mip_dual_bound)
        if bound is not None and not math.isfinite(bound):
            bound = None
        gap = None
        if objective is not None:
            gap = 0.0 if bound is None and status == OPTIMAL else (
                abs(objective - bound) / max(abs(objective), 1.0) if bound is not None else None)
        if keep and has_solution:
            self.values = np.asarray(h.getSolution().col_value)
        return SolveOutcome(status, termination, objective, bound, gap, seconds)

    def option_values(self) -> np.ndarray:
        """x_i of the last solve for every start option i (0 for options in no row)."""
        values = np.zeros(len(self.option_columns))
        used = self.option_columns >= 0
        if self.values is not None and len(self.values):
            values[used] = self.values[self.option_columns[used]]
        return values

    def run_seconds(self) -> float:
        return float(self.highs.getRunTime())

    # ------------------------------------------------------------------ force in
    def _force(self, h, options) -> tuple:
        """C = Σ x_i = 1 over ``options``: a column bound for one option, a row for several.
        Returns what :meth:`_unforce` needs to undo it."""
        columns = [int(self.option_columns[i]) for i in options if self.option_columns[i] >= 0]
        if len(columns) < len(options):
            return None  # an option in no row and not in the objective: forcing it in changes nothing
        if len(columns) == 1:
            col = columns[0]
            old = (float(self.arrays.col_lower[col]), float(self.arrays.col_upper[col]))
            h.changeColBounds(col, 1.0, 1.0)
            return ("bound", col, old)
        row = h.getNumRow()
        h.addRow(1.0, 1.0, len(columns), np.array(columns, dtype=np.int32), np.ones(len(columns)))
        return ("row", row, None)

    def _unforce(self, h, undo) -> None:
        if undo is None or self.abandoned:  # an abandoned instance may still be running: leave it
            return
        kind, where, old = undo
        if kind == "bound":
            h.changeColBounds(where, *old)
        else:
            h.deleteRows(1, np.array([where], dtype=np.int32))

    def _lp_instance(self):
        if self._lp is None:
            self._lp = self._new_highs(_highspy(), integer=False)
        return self._lp

    def lp_bound(self, time_limit: float) -> tuple[SolveOutcome, np.ndarray | None]:
        """The LP relaxation as built (its value bounds the MIP's) and its reduced costs
        d_j (HiGHS's column duals; None without an optimal LP)."""
        h = self._lp_instance()
        outcome = self._run(h, time_limit, None, keep=False)
        if outcome.status != OPTIMAL:
            return outcome, None
        return outcome, np.asarray(h.getSolution().col_dual)

    def forced_lp_bound(self, options, time_limit: float) -> tuple[SolveOutcome, np.ndarray | None]:
        """The LP relaxation with Σ_{i ∈ options} x_i = 1: its value bounds every plan with
        that project (infeasible: no plan has it), and its column values (None without a
        solution).  Hot-started from the previous LP."""
        h = self._lp_instance()
        undo = self._force(h, options)
        try:
            outcome = self._run(h, time_limit, None, keep=False)
            values = np.asarray(h.getSolution().col_value) if outcome.has_solution else None
            return outcome, values
        finally:
            self._unforce(h, undo)

    def columns_of(self, options) -> list[int]:
        """The columns of start options ``options`` (those that appear in the model)."""
        return [int(self.option_columns[i]) for i in options if self.option_columns[i] >= 0]

    def forced_solve(self, options, time_limit: float, mip_gap: float) -> SolveOutcome:
        """The MIP with Σ_{i ∈ options} x_i = 1, at ``mip_gap`` within ``time_limit``; the
        main solve's values (:meth:`option_values`) are kept, the forced plan's column
        values are ``forced_values`` (None without a solution)."""
        undo = self._force(self.highs, options)
        self.forced_values = None
        try:
            outcome = self._run(self.highs, time_limit, mip_gap, keep=False)
            if outcome.has_solution:
                self.forced_values = np.asarray(self.highs.getSolution().col_value)
            return outcome
        finally:
            self._unforce(self.highs, undo)
