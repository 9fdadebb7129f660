"""Solve a validated case: build model → solve → extract plan → evaluate → explain."""
from __future__ import annotations

import dataclasses
import math
import time
from typing import Callable

from retrofit_opt import evaluate
from retrofit_opt.background import InBackground
from retrofit_opt.case import Case
from retrofit_opt.errors import SolverError
from retrofit_opt.indicators import IndicatorTable
from retrofit_opt.deadline import MIN_SOLVE_SECONDS, Deadline, write_reserve
from retrofit_opt.model.arrays import ModelArrays, model_arrays
from retrofit_opt.model.data import ModelData
from retrofit_opt.model.extract import plan_from_values
from retrofit_opt.results import Result
from retrofit_opt.solve import ArraySolver, solver_options
from retrofit_opt.studies.explain import EXPLAIN_SECONDS, FORCE_IN_SECONDS, explain_budget, explain_exclusions
from retrofit_opt.studies.start import start_option_values, start_plan


@dataclasses.dataclass(frozen=True)
class Prepared:
    """What :func:`solve_case` needs of a case before HiGHS: the model's data and arrays,
    and the start plan (:func:`~retrofit_opt.studies.start.start_plan`); pure Python,
    nothing solved."""

    case: Case
    data: ModelData
    arrays: ModelArrays
    start: dict | None


def prepare_case(case: Case) -> Prepared:
    """The model's data and arrays and the start plan of ``case`` (:class:`Prepared`)."""
    data = ModelData.from_case(case)
    return Prepared(case, data, model_arrays(data), start_plan(case))


def solve_case(case: Case, *, time_limit: float | None = None, mip_gap: float | None = None,
               explain: bool = True, explain_limit: int | None = None, explain_seconds: float | None = None,
               diagnose: bool = True, deadline: Deadline | None = None, on_stage=None,
               indicators: bool = True, prepared: "Prepared | None" = None) -> Result:
    """Solve ``case``; the result carries the plan, its evaluation, and (on request) why
    each left-out project is out and what infeasible targets would need.

    The hot path needs no Pyomo component: the model goes to HiGHS as arrays
    (:func:`retrofit_opt.model.arrays.model_arrays`, the same LP as ``build_model``), and
    the explanations re-solve that same instance.  ``explain_limit`` caps how many
    left-out projects are analysed (default: all); ``explain_seconds`` bounds the
    explanations' re-solves (default: scaled with the main solve).

    ``time_limit`` is a promise for the whole call (and, with ``deadline`` — started by the
    command line before reading the case — for the whole command): the solve gets what is
    left after a reserve for writing the results, the explanations and the diagnosis what
    is left after that.  HiGHS starts from a plan that satisfies the rules when the empty
    or the greedy plan does, and that plan is the answer if HiGHS finds none in time.
    ``on_stage(name)`` is called as each stage begins (build, solve, explain, diagnose).
    ``indicators``: the plan-free indicators of every project, for the results workbook, are
    computed on a second thread while HiGHS solves (:mod:`retrofit_opt.indicators`); a
    study that solves many variants and writes none of their workbooks passes False.
    ``prepared``: :func:`prepare_case` of ``case``, made ahead (``compare`` prepares the next
    scenario while HiGHS solves this one)."""
    return solve_case_then(case, time_limit=time_limit, mip_gap=mip_gap, explain=explain,
                           explain_limit=explain_limit, explain_seconds=explain_seconds, diagnose=diagnose,
                           deadline=deadline, on_stage=on_stage, indicators=indicators, prepared=prepared,
                           evaluate_in_background=False).result()


class _Done:
    """A result already made (:func:`solve_case_then` without a thread)."""

    def __init__(self, result: Result):
        self._result = result

    def start(self) -> None:
        """Nothing to start (as :meth:`InBackground.start`)."""

    def settle(self, timeout: float) -> None:
        """Nothing to wait for (as :meth:`InBackground.settle`)."""

    def result(self) -> Result:
        return self._result


def solve_case_then(case: Case, *, time_limit: float | None = None, mip_gap: float | None = None,
                    explain: bool = True, explain_limit: int | None = None, explain_seconds: float | None = None,
                    diagnose: bool = True, deadline: Deadline | None = None, on_stage=None,
                    indicators: bool = True, prepared: "Prepared | None" = None,
                    evaluate_in_background: bool = True, start_evaluation: bool = True,
                    explain_in_background: bool = False, on_solving: Callable[[], None] | None = None):
    """:func:`solve_case`, returning once HiGHS is done: ``.result()`` gives the
    :class:`Result`.  With ``evaluate_in_background``, reading the plan back and evaluating
    it (pure Python, the solver no longer needed) go on on a daemon thread while the caller
    starts its next solve (``compare``: HiGHS solves the next scenario meanwhile, without
    the GIL); with ``start_evaluation=False`` that thread waits for the returned object's
    ``start()`` (or ``result()``).  ``on_solving()`` is called just before HiGHS runs, once
    the model is set up.  A solve whose explanations or diagnosis re-solve the model is
    finished here, unless ``explain_in_background``: then its explanations run on that
    thread too, on this solve's own HiGHS instance (``compare`` explains the base case
    while the scenarios solve: two HiGHS runs on two cores, each in its own thread; a
    signal cancels both)."""
    stage = on_stage or (lambda name: None)
    params = case.parameters
    time_limit, mip_gap = solver_options(params, time_limit, mip_gap)
    deadline = deadline or Deadline(time_limit)
    reserve = write_reserve(case)
    started = time.perf_counter()
    stage("build")
    if prepared is None:
        prepared = prepare_case(case)
    elif prepared.case is not case:
        raise ValueError("the prepared model is of another case")
    data, arrays, start = prepared.data, prepared.arrays, prepared.start
    solver = ArraySolver(arrays, time_limit, mip_gap)
    built = time.perf_counter()
    if start is not None:
        solver.warm_start(start_option_values(data, start))
    stage("solve")
    table = IndicatorTable(case).fill_in_background() if indicators else None  # while HiGHS solves (no GIL)
    if on_solving is not None:
        on_solving()
    outcome = solver.solve(time_limit=min(time_limit, deadline.for_stage(reserve, MIN_SOLVE_SECONDS)))
    solved = time.perf_counter()

    from_start = not outcome.has_solution and outcome.status == "timeout" and start is not None
    if from_start:  # HiGHS found nothing in time: the start plan satisfies every rule
        outcome = dataclasses.replace(outcome, status="feasible", objective=evaluate.objective_value(case, start),
                                      gap=None, termination=outcome.termination + " (start plan)")
    values = solver.option_values() if outcome.has_solution and not from_start else None
    explaining = outcome.has_solution and explain and not from_start and not solver.abandoned
    diagnosing = outcome.status == "infeasible" and diagnose and bool(case.targets)
    timings = {"build": built - started, "solve": outcome.seconds}
    options = {"time_limit": time_limit, "mip_gap": mip_gap, "objective": params.objective}
    rest = _Rest(case, data, solver, start if from_start else None, values, outcome, table, timings, options,
                 started, solved, explaining, diagnosing, deadline, reserve, explain_seconds, explain_limit,
                 time_limit, mip_gap, stage)
    if evaluate_in_background and not diagnosing and (explain_in_background or not explaining):
        return InBackground(rest.finish, name="explain-plan" if explaining else "evaluate-plan",
                            start_now=start_evaluation)
    return _Done(rest.finish())


@dataclasses.dataclass
class _Rest:
    """What :func:`solve_case_then` does once HiGHS is done: read the plan back and check
    it, explain the left-out projects (re-solving on ``solver``), diagnose an infeasible
    case, and evaluate the plan into a :class:`Result` (:meth:`finish`)."""

    case: Case
    data: ModelData
    solver: ArraySolver
    start_plan: dict | None  # the plan when HiGHS found none in time
    values: object
    outcome: object
    table: IndicatorTable | None
    timings: dict
    options: dict
    started: float
    solved: float
    explaining: bool
    diagnosing: bool
    deadline: Deadline
    reserve: float
    explain_seconds: float | None
    explain_limit: int | None
    time_limit: float
    mip_gap: float
    stage: Callable[[str], None]

    def finish(self) -> Result:
        case, outcome, deadline, reserve = self.case, self.outcome, self.deadline, self.reserve
        plan, objective, uses, checks = _checked_plan(case, self.data, self.start_plan, self.values, outcome)
        exclusions, diagnosis = {}, None
        if self.explaining:
            budget = max(0.0, deadline.for_stage(reserve))  # what the deadline leaves for the explanations
            scaled = explain_budget(outcome.seconds) if self.explain_seconds is None else self.explain_seconds
            self.stage("explain")
            exclusions = explain_exclusions(
                self.data, self.solver, plan, outcome.objective, outcome.bound,
                case.parameters.objective == "min_cost", main_seconds=outcome.seconds, mip_gap=self.mip_gap,
                time_limit=max(0.1, min(self.time_limit, FORCE_IN_SECONDS, budget)),
                time_budget=min(scaled, budget), hard_cap=min(max(EXPLAIN_SECONDS, 2 * outcome.seconds), budget),
                limit=self.explain_limit)
        explained = time.perf_counter()
        if self.diagnosing and deadline.for_stage(reserve) > 0:
            from retrofit_opt.studies.diagnose import diagnose as run_diagnosis
            self.stage("diagnose")
            diagnosis = run_diagnosis(case, min(self.time_limit, deadline.for_stage(reserve, MIN_SOLVE_SECONDS)),
                                      self.mip_gap)
        finished = time.perf_counter()
        if diagnosis is not None:
            checks = [dataclasses.replace(c, best_reachable=diagnosis.best_reachable.get(c.label)) for c in checks]
        timings = {**self.timings, "explain": explained - self.solved, "diagnose": finished - explained,
                   "total": finished - self.started}
        return _result(case, outcome, plan, objective, uses, checks, self.table, timings, self.options, exclusions,
                       diagnosis)


def _checked_plan(case: Case, data: ModelData, start_plan: dict | None, values, outcome):
    """The plan (the start plan when HiGHS found none, else read from ``values``), its
    objective, budget uses and target checks, after checking that it has the solver's objective and
    breaks no rule of the case (:class:`SolverError` if not: a solver fault)."""
    plan = dict(start_plan) if start_plan is not None else plan_from_values(values, data) if values is not None else {}
    objective = evaluate.objective_value(case, plan) if outcome.has_solution else None
    if objective is not None and not math.isclose(objective, outcome.objective, rel_tol=1e-6, abs_tol=1e-4):
        raise SolverError(f"internal check failed: the solver's objective {outcome.objective} differs from "
                          f"the plan's recomputed objective {objective}")
    uses, checks = evaluate.budget_uses(case, plan), evaluate.target_checks(case, plan)  # once: for the check and the result
    violations = evaluate.plan_violations(case, plan, uses, checks) if outcome.has_solution else []
    if violations:
        raise SolverError("internal check failed: the solver's plan breaks the case's rules ("
                          + "; ".join(violations[:5]) + "); this is a solver fault — please report it "
                          "with the case file")
    return plan, objective, uses, checks


def _result(case, outcome, plan, objective, uses, checks, table, timings, options, exclusions, diagnosis) -> Result:
    if table is not None:
        table.wait()
    return Result(
        case=case, status=outcome.status, termination=outcome.termination, objective=objective,
        bound=outcome.bound, gap=outcome.gap, plan=plan, budget_uses=uses,
        target_checks=checks, totals=evaluate.metric_totals(case, plan, table.npv if table is not None else None),
        timings=timings, options=options, exclusions=exclusions, diagnosis=diagnosis, indicators=table)
