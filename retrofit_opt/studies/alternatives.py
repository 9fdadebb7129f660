"""Near-optimal alternatives: several good plans to choose from, and which projects every
good plan needs (issue 15; ``retrofit-opt alternatives``).

On one persistent model (:mod:`retrofit_opt.model.alternatives` adds the rows):

1. the optimum z* (proven: MIP gap 0 unless asked otherwise);
2. with --keep / --drop conditions, the best plan under them, z_ref, and what they cost
   against z*; without conditions z_ref = z*;
3. the row ``within`` (objective no worse than z_ref by more than E·|z_ref|), then up to
   ``count`` − 1 alternatives, each maximising the least Hamming distance to the plans
   before it (no-good cuts keep them distinct; ties go to the better objective);
4. optionally, every distinct plan within E counted by no-good enumeration up to a cap;
5. per project, its class, proven by re-solves of the same model: *core* (no plan within
   E without it: the re-solve with it forced out is infeasible), *never* (no plan within
   E with it: forced in, infeasible), *optional* (a plan within E with it and one without
   it are known).  Every plan any re-solve finds is within E and serves as a witness, so
   most projects need no re-solve of their own.

Plans are distinct by their set of projects; with ``by_start_year`` (multi-year cases) a
plan that only moves a start year is a different plan too.
"""
from __future__ import annotations

import difflib
import math
import time
from pathlib import Path
from typing import Callable

from retrofit_opt import evaluate
from retrofit_opt.case import Case
from retrofit_opt.errors import RetrofitError, SolverError
from retrofit_opt.model import ModelData, build_model
from retrofit_opt.model import alternatives as variants
from retrofit_opt.model.extract import extract_plan
from retrofit_opt.results_alternatives import (CORE, DROPPED, ENUMERATED, INFEASIBLE_WITH, INFEASIBLE_WITHOUT,
                                               KEPT, MANDATORY, NEVER, NOT_ANALYSED, NOT_SELECTABLE, OPTIONAL,
                                               TIMED_OUT, UNPROVEN, WITNESSED, AlternativePlan,
                                               AlternativesResult, Conditions, ProjectClass)
from retrofit_opt.solve import INFEASIBLE, OPTIMAL, TIMEOUT, Solver

Progress = Callable[[str, int, int], None]

DEFAULT_WITHIN = 0.02
DEFAULT_COUNT = 5
MAX_COUNT = 1000
MAX_ENUMERATE = 100_000
SPREAD_GAP = 1e-4  # at most; with the tie-break term below ½ and t whole, min(1e-4, 0.4/(units+1)) proves t
WITNESS_GAP = 0.5  # a class proof needs any plan, not the best cover
CLASS_SECONDS = 600.0  # all class proofs together stop after this long; the rest are unproven
EVALUATION_SLACK = 1e-6  # absolute slack when a recomputed objective is checked against the threshold


class RequestError(RetrofitError):
    """A study option is unusable (bad id, contradiction, value out of range): exit 2."""

    exit_code = 2


# ------------------------------------------------------------------------------ the request
def check_request(case: Case, *, within, count, keep=(), drop=(), keep_enterprises=(), drop_enterprises=(),
                  enumerate_cap=None, time_limit=None, mip_gap=None, by_start_year=False,
                  spread_gap=None) -> Conditions:
    """Every problem with the study's options, reported together (RequestError), or the
    conditions as validated tuples."""
    problems: list[str] = []

    def number(name, value, low, high, whole=False):
        if isinstance(value, bool) or not isinstance(value, (int, float)) or (whole and not float(value).is_integer()):
            problems.append(f"{name} {value!r}: must be a{' whole' if whole else ''} number from {low:g} to {high:g}")
            return
        if not math.isfinite(float(value)) or not low <= value <= high:
            problems.append(f"{name} {value!r}: must be from {low:g} to {high:g}")

    number("--within", within, 0, 1)
    number("--count", count, 1, MAX_COUNT, whole=True)
    if enumerate_cap is not None:
        number("--enumerate", enumerate_cap, 1, MAX_ENUMERATE, whole=True)
    if time_limit is not None:
        number("--time-limit", time_limit, 1e-3, 1e7)
    if mip_gap is not None:
        number("--mip-gap", mip_gap, 0, 1)
    if spread_gap is not None:
        number("--spread-gap", spread_gap, 0, 1)
    if by_start_year and not case.multi_year:
        problems.append("--by-start-year: the case is single-period, so plans have no start years — leave it out")

    by_id = {p.id: p for p in case.projects}
    enterprises = {p.enterprise for p in case.projects if p.enterprise}

    def ids(option, values):
        out = []
        for value in values:
            text = str(value).strip()
            if text not in by_id:
                near = difflib.get_close_matches(text, by_id, n=3)
                hint = f" (did you mean {', '.join(near)}?)" if near else f"; ids are e.g. {', '.join(list(by_id)[:5])}"
                problems.append(f"{option} {value!r}: no project has this id{hint}")
            elif text not in out:
                out.append(text)
        return tuple(out)

    def names(option, values):
        out = []
        for value in values:
            text = str(value).strip()
            if text not in enterprises:
                shown = ", ".join(sorted(enterprises)[:8]) or "none: the case has no enterprise column"
                problems.append(f"{option} {value!r}: no project belongs to this enterprise (enterprises: {shown})")
            elif text not in out:
                out.append(text)
        return tuple(out)

    conditions = Conditions(ids("--keep", keep), ids("--drop", drop), names("--keep-enterprise", keep_enterprises),
                            names("--drop-enterprise", drop_enterprises))
    for pid in set(conditions.keep) & set(conditions.drop):
        problems.append(f"--keep and --drop both name {pid}: give it once")
    for name in set(conditions.keep_enterprises) & set(conditions.drop_enterprises):
        problems.append(f"--keep-enterprise and --drop-enterprise both name {name}: give it once")
    for pid in conditions.keep:
        project = by_id[pid]
        if project.excluded:
            problems.append(f"--keep {pid}: the case marks it excluded — clear 'excluded' in the projects sheet first")
        elif not case.start_years(project):
            problems.append(f"--keep {pid}: it cannot be completed within the planning horizon")
        if project.enterprise in conditions.drop_enterprises:
            problems.append(f"--keep {pid} contradicts --drop-enterprise {project.enterprise}")
    for pid in conditions.drop:
        if by_id[pid].mandatory:
            problems.append(f"--drop {pid}: the case makes it mandatory — clear 'mandatory' in the projects sheet first")
    for project in case.projects:
        if project.mandatory and project.enterprise in conditions.drop_enterprises:
            problems.append(f"--drop-enterprise {project.enterprise}: its project {project.id} is mandatory")
    if problems:
        lines = [f"{len(problems)} problem(s) with the alternatives options; nothing was solved or written."]
        lines += [f"  {k}. {text}" for k, text in enumerate(problems, 1)]
        raise RequestError("\n".join(lines))
    return conditions


# ------------------------------------------------------------------------------ the study
def find_alternatives(case: Case | str | Path, *, within: float = DEFAULT_WITHIN, count: int = DEFAULT_COUNT,
                      keep=(), drop=(), keep_enterprises=(), drop_enterprises=(), by_start_year: bool = False,
                      enumerate_cap: int | None = None, classify: bool = True, time_limit: float | None = None,
                      mip_gap: float | None = None, spread_gap: float | None = None,
                      class_seconds: float = CLASS_SECONDS, progress: Progress | None = None) -> AlternativesResult:
    """Up to ``count`` plans within ``within`` (a share: 0.02 = 2 %) of the optimum, each as
    different as possible from those before it, and every project's class (core, optional,
    never).  ``mip_gap`` applies to the optimum and the best plan under the conditions
    (default 0: proven, which the exact classes need); ``spread_gap`` to the alternatives'
    re-solves (default: tight enough to prove the largest least distance; a larger gap,
    e.g. 0.01, is much faster on large cases); ``time_limit`` to every solve."""
    if isinstance(case, (str, Path)):
        from retrofit_opt.loader import load_case
        case = load_case(case)
    conditions = check_request(case, within=within, count=count, keep=keep, drop=drop,
                               keep_enterprises=keep_enterprises, drop_enterprises=drop_enterprises,
                               enumerate_cap=enumerate_cap, time_limit=time_limit, mip_gap=mip_gap,
                               by_start_year=by_start_year, spread_gap=spread_gap)
    study = _Study(case, float(within), int(count), conditions, by_start_year,
                   case.parameters.time_limit if time_limit is None else float(time_limit),
                   0.0 if mip_gap is None else float(mip_gap), progress or (lambda *_: None))
    study.spread_gap = None if spread_gap is None else float(spread_gap)
    return study.run(None if enumerate_cap is None else int(enumerate_cap), classify, class_seconds)


class _Study:
    def __init__(self, case: Case, within: float, count: int, conditions: Conditions, by_start_year: bool,
                 time_limit: float, mip_gap: float, progress: Progress):
        self.case, self.within, self.count, self.conditions = case, within, count, conditions
        self.by_start_year, self.time_limit, self.mip_gap, self.progress = by_start_year, time_limit, mip_gap, progress
        self.minimise = case.parameters.objective == "min_cost"
        self.timings: dict[str, float] = {}
        self.pool: list[dict] = []  # every distinct plan within E known so far (reported plans first)
        self.pool_keys: set = set()

    # -------------------------------------------------------------- helpers
    def _solve(self, gap: float):
        self.solver.mip_gap = gap
        return self.solver.solve(time_limit=self.time_limit)

    def _plan(self):
        """The solver's plan, checked against every rule of the case."""
        plan = extract_plan(self.model, self.data)
        violations = evaluate.plan_violations(self.case, plan)
        if violations:
            raise SolverError("internal check failed: the solver's plan breaks the case's rules ("
                              + "; ".join(violations[:5]) + "); this is a solver fault — please report it")
        return plan

    def _is_within(self, objective: float) -> bool:
        slack = variants.within_slack(self.reference) + EVALUATION_SLACK
        return objective <= self.threshold + slack if self.minimise else objective >= self.threshold - slack

    def _key(self, plan: dict):
        return variants.plan_units(self.data, plan, self.by_start_year)

    def _remember(self, plan: dict) -> bool:
        """Add a plan within E to the pool; False when it was known."""
        key = self._key(plan)
        if key in self.pool_keys:
            return False
        objective = evaluate.objective_value(self.case, plan)
        if not self._is_within(objective):
            raise SolverError(f"internal check failed: a plan of objective {objective:,.10g} is not within "
                              f"{self.within:.4%} of {self.reference:,.10g}")
        self.pool_keys.add(key)
        self.pool.append(plan)
        return True

    def _loss(self, objective: float) -> float:
        return (objective - self.optimum) if self.minimise else (self.optimum - objective)

    def _entry(self, number: int, role: str, plan: dict, outcome, distance) -> AlternativePlan:
        case = self.case
        objective = evaluate.objective_value(case, plan)
        loss = self._loss(objective)
        return AlternativePlan(
            number=number, role=role, plan=plan, objective=objective, loss=loss,
            gap_to_optimum=None if self.optimum == 0 else loss / abs(self.optimum), distance=distance,
            status=outcome.status, gap=outcome.gap, seconds=outcome.seconds,
            totals=evaluate.metric_totals(case, plan), target_checks=evaluate.target_checks(case, plan),
            budget_uses=evaluate.budget_uses(case, plan))

    def _result(self, status: str, message: str, **kw) -> AlternativesResult:
        self.timings["total"] = time.perf_counter() - self.started
        fields = dict(case=self.case, status=status, message=message, within=self.within, count=self.count,
                      by_start_year=self.by_start_year, conditions=self.conditions, minimise=self.minimise,
                      optimum=getattr(self, "optimum", None), optimum_plan=getattr(self, "optimum_plan", {}),
                      optimum_gap=getattr(self, "optimum_gap", None), reference=getattr(self, "reference", None),
                      threshold=getattr(self, "threshold", None), timings=dict(self.timings),
                      options={"within": self.within, "count": self.count, "by_start_year": self.by_start_year,
                               "time_limit": self.time_limit, "mip_gap": self.mip_gap,
                               "spread_gap": self.spread_gap,
                               "objective": self.case.parameters.objective,
                               **{key: ", ".join(ids) or "—" for key, ids in self.conditions.to_json().items()}})
        fields.update(kw)
        return AlternativesResult(**fields)

    # -------------------------------------------------------------- stages
    def run(self, enumerate_cap: int | None, classify: bool, class_seconds: float) -> AlternativesResult:
        self.started = time.perf_counter()
        case = self.case
        self.data = ModelData.from_case(case)
        self.model = build_model(self.data)
        self.solver = Solver(self.model, self.time_limit, self.mip_gap)
        self.timings["build"] = time.perf_counter() - self.started

        first = self._solve(self.mip_gap)
        self.timings["optimum"] = first.seconds
        if not first.has_solution:
            return self._result(first.status, "no plan meets every budget, target and rule of the case"
                                if first.status == INFEASIBLE else "no plan found within the time limit "
                                "(raise --time-limit)")
        self.optimum_plan = self._plan()
        self.optimum = evaluate.objective_value(case, self.optimum_plan)
        self.optimum_gap = first.gap
        exact = first.status == OPTIMAL and self.mip_gap == 0
        reference_plan, reference_outcome = self.optimum_plan, first
        if self.conditions:
            c = self.conditions
            variants.add_conditions(self.model, self.data, c.keep, c.drop, c.keep_enterprises, c.drop_enterprises)
            reference_outcome = self._solve(self.mip_gap)
            self.timings["conditions"] = reference_outcome.seconds
            if not reference_outcome.has_solution:
                return self._result(reference_outcome.status, "no plan meets every budget, target and rule "
                                    "under these --keep/--drop conditions" if reference_outcome.status == INFEASIBLE
                                    else "no plan under these conditions found within the time limit")
            reference_plan = self._plan()
            exact = exact and reference_outcome.status == OPTIMAL
        self.reference = evaluate.objective_value(case, reference_plan)
        self.threshold = variants.within_threshold(self.reference, self.within, self.minimise)
        variants.add_within_row(self.model, self.data, self.threshold, self.reference, self.minimise)
        variants.define_spread_objective(self.model, self.data, self.reference, self.threshold, self.minimise)

        role = "best_under_conditions" if self.conditions else "optimum"
        plans = [self._entry(1, role, reference_plan, reference_outcome, None)]
        self._remember(reference_plan)
        exhausted, message = self._spread(plans)
        plans_within = capped = None
        if enumerate_cap is not None:
            plans_within, capped, note = self._enumerate(enumerate_cap)
            message = "; ".join(m for m in (message, note) if m)
        classes, witnesses, proven = {}, 0, True
        if classify:
            classes, witnesses, proven = self._classes(plans, plans_within is not None and not capped, class_seconds)
        status = OPTIMAL
        return self._result(status, message, plans=plans, classes=classes, exhausted=exhausted,
                            plans_within=plans_within, plans_within_capped=bool(capped),
                            enumerate_cap=enumerate_cap, witnesses=witnesses, exact=exact and proven)

    def _spread(self, plans: list[AlternativePlan]) -> tuple[bool, str]:
        """Alternatives 2 … count: maximise the least distance to the plans so far."""
        m = self.model
        started = time.perf_counter()
        variants.add_plan_rows(m, self.data, self._key(plans[0].plan), self.by_start_year)
        variants.set_active_objective(m, "alt_spread")
        exhausted, message = False, ""
        units = len(self.data.options) if self.by_start_year else sum(1 for o in self.data.project_options if o)
        gap = min(SPREAD_GAP, 0.4 / (units + 1))  # t ≤ units is whole: this gap proves the largest t
        if self.spread_gap is not None:
            gap = self.spread_gap
        self.progress("alternatives", 1, self.count)
        while len(plans) < self.count:
            outcome = self._solve(max(self.mip_gap, gap))
            if not outcome.has_solution:
                if outcome.status == INFEASIBLE:
                    exhausted = True
                    message = (f"only {len(plans)} distinct plan(s) lie within {self.within * 100:g} % of the "
                               "reference")
                else:
                    message = (f"stopped after {len(plans)} plan(s): the solver found no further plan within the "
                               "time limit (raise --time-limit)")
                break
            plan = self._plan()
            key = self._key(plan)
            if not self._remember(plan):
                raise SolverError("internal check failed: the solver returned a plan found before")
            distance = min(len(key ^ self._key(p.plan)) for p in plans)
            plans.append(self._entry(len(plans) + 1, "alternative", plan, outcome, distance))
            variants.add_plan_rows(m, self.data, key, self.by_start_year)
            self.progress("alternatives", len(plans), self.count)
        self.timings["alternatives"] = time.perf_counter() - started
        return exhausted, message

    def _enumerate(self, cap: int) -> tuple[int, bool, str]:
        """Count every distinct plan within E by no-good cuts (feasibility re-solves), up to
        ``cap``; one more re-solve at the cap tells whether there are more.  Returns (plans
        known, capped: whether more may exist, note)."""
        m = self.model
        started = time.perf_counter()
        m.alt_spread_rows.deactivate()
        if not hasattr(m, "alt_feasible"):
            import pyomo.environ as pyo
            m.alt_feasible = pyo.Objective(expr=0)
        variants.set_active_objective(m, "alt_feasible")
        count, capped, note = len(self.pool), False, ""
        while True:
            self.progress("counting", min(count, cap), cap)
            outcome = self._solve(0.0)
            if outcome.status == INFEASIBLE:
                break
            if not outcome.has_solution:
                capped, note = True, f"counting stopped at {count} plans: a re-solve reached the time limit"
                break
            if count >= cap:
                capped = True  # at least one more plan exists
                break
            plan = self._plan()
            if not self._remember(plan):
                raise SolverError("internal check failed: counting returned a plan found before")
            count += 1
            m.alt_no_good.add(variants.hamming(m, self.data, self._key(plan), self.by_start_year) >= 1)
        m.alt_spread_rows.activate()
        self.timings["counting"] = time.perf_counter() - started
        return count, capped, note

    def _classes(self, plans, complete: bool, budget: float) -> tuple[dict, int, bool]:
        """core / optional / never for every project; ``complete``: the pool holds every plan
        within E, so the classes are read off it."""
        case, m, data = self.case, self.model, self.data
        started = time.perf_counter()
        c = self.conditions
        dropped = set(c.drop) | {p.id for p in case.projects if p.enterprise in c.drop_enterprises}
        index = variants.project_index(data)
        fixed: dict[str, tuple[str, str]] = {}
        for k, p in enumerate(case.projects):
            if not data.project_options[k]:
                fixed[p.id] = (NEVER, NOT_SELECTABLE)
            elif p.id in dropped:
                fixed[p.id] = (NEVER, DROPPED)
            elif p.mandatory:
                fixed[p.id] = (CORE, MANDATORY)
            elif p.id in c.keep:
                fixed[p.id] = (CORE, KEPT)
        with_it: set[str] = set()  # in some plan within E
        without_it: set[str] = set()  # missing from some plan within E

        def witness(plan):
            for p in case.projects:
                (with_it if p.id in plan else without_it).add(p.id)
        for plan in self.pool:
            witness(plan)
        decided: dict[str, tuple[str, str]] = dict(fixed)
        open_ids = [p.id for p in case.projects if p.id not in fixed]
        witnesses, proven, best_without = 0, True, {}
        if complete:
            for pid in open_ids:
                decided[pid] = ((OPTIONAL if pid in without_it else CORE) if pid in with_it else NEVER, ENUMERATED)
        else:
            m.alt_no_good.deactivate()
            m.alt_spread_rows.deactivate()
            pending = ([(pid, 0) for pid in open_ids if pid not in without_it]  # core candidates: force out
                       + [(pid, 1) for pid in open_ids if pid not in with_it])  # never candidates: force in
            for done, (pid, value) in enumerate(pending):
                self.progress("classes", done, len(pending))
                if (value == 0 and pid in without_it) or (value == 1 and pid in with_it):
                    continue  # a witness found since decided it
                if time.perf_counter() - started > budget:
                    decided[pid] = (UNPROVEN, NOT_ANALYSED)
                    proven = False
                    continue
                out_wanted = [index[q] for q in open_ids if q != pid and q not in without_it]
                in_wanted = [index[q] for q in open_ids if q != pid and q not in with_it]
                variants.define_cover_objective(m, data, out_wanted, in_wanted)
                variants.force_project(m, data, index[pid], value)
                outcome = self._solve(WITNESS_GAP)
                variants.release(m)
                if outcome.has_solution:
                    plan = self._plan()
                    witnesses += self._remember(plan)
                    witness(plan)
                elif outcome.status == INFEASIBLE:
                    decided[pid] = (CORE, INFEASIBLE_WITHOUT) if value == 0 else (NEVER, INFEASIBLE_WITH)
                else:
                    decided[pid] = (UNPROVEN, TIMED_OUT)
                    proven = False
            self.progress("classes", len(pending), len(pending))
            for pid in open_ids:
                if pid not in decided:
                    decided[pid] = (OPTIONAL, WITNESSED)
            m.alt_no_good.activate()
            m.alt_spread_rows.activate()
        best_without = self._best_without([pid for pid in open_ids if decided[pid][0] == CORE], index,
                                          started + budget)
        variants.set_active_objective(m, "alt_spread")
        classes = {}
        for p in case.projects:
            kind, reason = decided[p.id]
            in_plans = tuple(a.number for a in plans if p.id in a.plan)
            value, status = best_without.get(p.id, (None, None))
            classes[p.id] = ProjectClass(p.id, kind, reason, in_plans, value, status)
        self.timings["classes"] = time.perf_counter() - started
        return classes, witnesses, proven

    def _best_without(self, core_ids, index, deadline) -> dict:
        """For each core project proven by a force-out re-solve: the best objective without
        it (the within row lifted) — what dropping it would cost."""
        m = self.model
        out = {}
        if not core_ids or not hasattr(m, "alt_within"):
            return out
        m.alt_within.deactivate()
        variants.set_active_objective(m, "objective")
        for pid in core_ids:
            if time.perf_counter() > deadline:
                break
            variants.force_project(m, self.data, index[pid], 0)
            outcome = self._solve(self.mip_gap)
            variants.release(m)
            if outcome.has_solution:
                plan = self._plan()
                out[pid] = (evaluate.objective_value(self.case, plan), outcome.status)
            elif outcome.status == INFEASIBLE:
                out[pid] = (None, INFEASIBLE)
            else:
                out[pid] = (None, TIMEOUT)
        m.alt_within.activate()
        return out
