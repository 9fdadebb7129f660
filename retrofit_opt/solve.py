"""The only module that talks to HiGHS (through Pyomo's ``pyomo.contrib.solver`` 'highs'
interface, a persistent wrapper around ``highspy``).

A solve never passes a non-optimal result off as optimal: the outcome carries HiGHS's
termination, the incumbent, the bound and the relative gap.
"""
from __future__ import annotations

import math
import time
from dataclasses import dataclass

import pyomo.environ as pyo
from pyomo.contrib.solver.common.factory import SolverFactory
from pyomo.contrib.solver.common.results import SolutionStatus, TerminationCondition

from retrofit_opt.errors import SolverError

OPTIMAL, FEASIBLE, INFEASIBLE, TIMEOUT = "optimal", "feasible", "infeasible", "timeout"


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


def solver_options(params, time_limit: float | None = None, mip_gap: float | None = None) -> tuple[float, float]:
    """The time limit (s) and relative MIP gap of a solve: each as given, or, when ``None``,
    the case's parameter (``time_limit``, default 300; ``mip_gap``, default 1e-4).  Every
    study resolves its options here, once."""
    return (params.time_limit if time_limit is None else time_limit,
            params.mip_gap if mip_gap is None else mip_gap)


def highs_version() -> str:
    import highspy
    h = highspy.Highs()
    return f"{h.versionMajor()}.{h.versionMinor()}.{h.versionPatch()}"


def _has_no_decisions(model) -> bool:
    """True when no variable appears in the active objective or any active constraint."""
    from pyomo.core.expr.visitor import identify_variables
    for obj in model.component_data_objects(pyo.Objective, active=True, descend_into=True):
        if next(identify_variables(obj.expr), None) is not None:
            return False
    for con in model.component_data_objects(pyo.Constraint, active=True, descend_into=True):
        if next(identify_variables(con.body), None) is not None:
            return False
    return True


def _constant_objective(model) -> float:
    for obj in model.component_data_objects(pyo.Objective, active=True, descend_into=True):
        return float(pyo.value(obj.expr))
    return 0.0


class Solver:
    """A persistent HiGHS instance for one model: re-solves after bound, right-hand-side,
    objective or constraint changes reuse what was loaded."""

    def __init__(self, model: pyo.ConcreteModel, time_limit: float = 300.0, mip_gap: float = 1e-4,
                 threads: int = 1):
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

    def solve(self, time_limit: float | None = None) -> SolveOutcome:
        started = time.perf_counter()
        try:
            results = self.opt.solve(
                self.model, rel_gap=self.mip_gap,
                time_limit=time_limit or self.time_limit, threads=self.threads, tee=False,
                # HiGHS writes some messages straight to stdout, which would corrupt --json.
                solver_options={"output_flag": False},
                raise_exception_on_nonoptimal_result=False, load_solutions=False)
        except Exception as exc:  # HiGHS and the interface raise several types
            raise SolverError(f"the solver failed: {type(exc).__name__}: {exc}") from exc
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

    # ------------------------------------------------------------------ re-solves (sweeps)
    def current_values(self) -> list:
        """(variable, value) for every variable of the model as it stands (after a solve:
        the loaded plan) — a start for :meth:`warm_start`."""
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
