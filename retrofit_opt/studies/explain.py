"""Why each left-out project is left out: excluded, impossible in the horizon, or — forced
in — how much the objective falls (its *loss*: the reported plan's objective minus the
best objective of a plan with the project, 0 when such a plan is at least as good).

Every left-out project is analysed in stages on the same HiGHS instance
(:class:`retrofit_opt.solve.ArraySolver`), each tightening what the previous proved:

0. **Free bounds** (all of them, microseconds each): the root LP's reduced costs bound
   the LP with the project forced in (a Lagrangian bound: the loss is at least
   ``objective − (LP* + d_p)``), and the main plan with the project swapped in — dropping,
   row by row, the chosen project that loses least per unit of an overfull row (never one
   whose rows would fall below their lower bounds: a mandatory project, a target only just
   met), taking in what a row lacks when it has nothing to drop (a missing prerequisite) —
   is a plan with it when it passes every row
   (the loss is at most ``objective − its value``;
   :meth:`~retrofit_opt.model.arrays.ModelArrays.swapped_plan`).
1. **LP screen**, hot-started from the previous basis (milliseconds each): projects
   without a plan first, then the widest intervals.  Infeasible → no plan can have it
   (proven).  Otherwise its value is a tighter lower end, and its solution rounded down and
   repaired may be a better plan (upper end).
2. **Open ones by MIP** at :data:`SCREEN_GAP`: projects whose bounds do not prove a loss
   beyond the main answer's own gap (|bound − objective|) could belong to an optimal
   portfolio; a MIP re-solve with the project forced in gives a plan with it and a bound.
3. **Exact** re-solves at the main solve's gap, for the rest, while the time budget lasts.

Each stage that finds a plan with the project (the swapped plan, the rounded and repaired
LP solution, a MIP re-solve) offers it; the best one kept gives the upper end, and the
chosen projects it leaves out are the Exclusion's ``displaced`` (what forcing the project
in pushes out; None when no plan with it is known).

The loss is then exact (stage 3 proved it within the main gap, or a plan with the project
is as good), an interval "between X and Y" (X, Y proven), or "at least X" (no plan with
the project found).  Stages 1–3 share one time budget that scales with the main solve
(:func:`explain_budget`); the LP screen of projects without a plan goes on past it up to
``hard_cap``.
"""
from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np

from retrofit_opt.model import ModelData
from retrofit_opt.results import Exclusion
from retrofit_opt.solve import INFEASIBLE, OPTIMAL, ArraySolver

EXPLAIN_SECONDS = 120.0  # hard cap on all explanations together (the LP screen included)
EXPLAIN_FACTOR = 0.75  # the explanations may take this many times the main solve …
EXPLAIN_FLOOR = 1.0  # … but at least this many seconds
FORCE_IN_SECONDS = 10.0  # one MIP re-solve
LP_SECONDS = 5.0  # one LP screen
LP_SHARE = 0.6  # the LP screen of projects that already have an interval stops at this share of the budget
SCREEN_GAP = 0.01  # relative MIP gap of the stage-2 re-solves (their error is the interval)


def explain_budget(main_seconds: float, factor: float = EXPLAIN_FACTOR, floor: float = EXPLAIN_FLOOR,
                   cap: float = EXPLAIN_SECONDS) -> float:
    """Seconds the MIP re-solves of the explanations may take: ``factor`` × the main
    solve, at least ``floor``, at most ``cap``."""
    return min(cap, max(floor, factor * main_seconds))


@dataclass
class _Loss:
    """What is proven about one project's loss."""

    low: float = 0.0  # the loss is at least this
    high: float | None = None  # … and at most this (None: no plan with the project known)
    exact: bool = False  # proven within the main solve's gap
    infeasible: bool = False
    method: str = "lp_bound"  # lp_bound | mip_screen | mip
    plan: tuple | None = None  # how the plan with the project that gives `high` differs (PlanChanges.diff)
    plan_source: str | None = None  # swap | lp_rounded | mip_screen | mip | main_plan (see Exclusion.forced_plan)

    def offer(self, high: float, plan: np.ndarray | None, source: str, changes: "PlanChanges") -> None:
        """A plan with the project (its column values) whose loss is ``high``: kept, as
        its difference from the main plan, when it is the best so far (thousands of whole
        plans, one per left-out project, would hold gigabytes at 50,000 projects)."""
        if self.high is None or high < self.high:
            self.high, self.plan, self.plan_source = high, None if plan is None else changes.diff(plan), source


def explain_exclusions(data: ModelData, solver: ArraySolver, plan: dict, objective: float, bound: float | None,
                       minimise: bool, *, main_seconds: float, mip_gap: float,
                       time_limit: float = FORCE_IN_SECONDS, time_budget: float | None = None,
                       hard_cap: float = EXPLAIN_SECONDS, limit: int | None = None) -> dict[str, Exclusion]:
    """Reasons for every left-out project (see the module docstring).  ``time_budget``
    (default :func:`explain_budget` of ``main_seconds``) bounds stages 1-3, ``hard_cap``
    also the LP screen of projects without a plan; what is not proven by then is stated as
    far as it is proven ("at least X"; "not analysed" when not even a loss above 0 is).
    ``limit``: only the first ``limit`` left-out projects (in the case's order) are
    analysed, the others are "not analysed" (default: every one)."""
    case = data.case
    chosen_ids = set(plan)
    reasons, pending = left_out_projects(data, chosen_ids, limit)
    if not pending:
        return reasons
    sign = -1.0 if minimise else 1.0
    tolerance = 1e-6 * max(1.0, abs(objective))
    answer_gap = max(sign * (bound - objective), 0.0) if bound is not None else 0.0
    budget = explain_budget(main_seconds) if time_budget is None else time_budget
    started = time.perf_counter()

    def loss_of(value: float) -> float:
        return max(sign * (objective - value), 0.0)

    changes = PlanChanges(data, solver, plan)
    # 0. free bounds: reduced costs of the root LP (lower end), the main plan with the
    #    project swapped in (upper end)
    losses: dict[int, _Loss] = {}
    root, reduced = solver.lp_bound(LP_SECONDS)
    main_x = solver.values
    margin = 1e-7 * max(1.0, abs(root.objective or 0.0))  # dual tolerances: a lower end never overstated
    for p_index in pending:
        options = data.project_options[p_index]
        columns = solver.columns_of(options)
        if len(columns) < len(options):  # an option in no row and not in the objective
            losses[p_index] = _Loss(high=0.0, exact=True, plan_source="main_plan")  # the main plan plus it
            continue
        known = _Loss()
        if reduced is not None:
            d = reduced[columns]
            if minimise:
                delta = float(d.min() - np.minimum(d, 0.0).sum())
            else:
                delta = float(d.max() - np.maximum(d, 0.0).sum())
            known.low = loss_of(root.objective + delta + sign * margin)
        for column in columns:
            swapped = solver.arrays.swapped_plan(main_x, column)
            if swapped is not None:
                known.offer(max(loss_of(solver.arrays.value_of(swapped)), known.low), swapped, "swap", changes)
        known.exact = known.high is not None and known.high <= tolerance
        losses[p_index] = known

    # 1. LP screen, hot-started: projects without a plan first, then the widest intervals
    lp_started = time.perf_counter()
    order = sorted((p for p, w in losses.items() if not w.exact),
                   key=lambda p: (losses[p].high is not None, -((losses[p].high or 0.0) - losses[p].low)))
    for p_index in order:
        known = losses[p_index]
        if time.perf_counter() - started > hard_cap:
            break  # the rest keep what stage 0 proved
        if known.high is not None and time.perf_counter() - started > LP_SHARE * budget:
            break
        options = data.project_options[p_index]
        lp, values = solver.forced_lp_bound(options, LP_SECONDS)
        if lp.status == INFEASIBLE and lp.termination == "provenInfeasible":
            losses[p_index] = _Loss(infeasible=True, exact=True)
            continue
        if lp.status == OPTIMAL:
            known.low = max(known.low, loss_of(lp.objective))
        columns = solver.columns_of(options)
        if values is not None:
            rounded = solver.arrays.repaired_plan(values, columns)
            if rounded is not None:  # a plan with the project: the loss is at most this
                known.offer(loss_of(solver.arrays.value_of(rounded)), rounded, "lp_rounded", changes)
        if known.high is not None:
            known.low = min(known.low, known.high)
            known.exact = known.high <= tolerance

    # 2. open ones (the LP bound does not prove a loss beyond the answer's gap), then 3. the rest exactly
    mip_started = started  # the budget counts from the start (stage 0 included)
    open_ones = sorted((p for p, w in losses.items() if not w.exact and w.low <= answer_gap + tolerance),
                       key=lambda p: losses[p].low)
    rest = sorted((p for p, w in losses.items() if not w.exact and w.low > answer_gap + tolerance),
                  key=lambda p: losses[p].low)
    screen_gap = max(SCREEN_GAP, mip_gap)
    for stage, projects, gap in (("mip_screen", open_ones, screen_gap), ("mip", open_ones + rest, mip_gap)):
        for p_index in projects:
            known = losses[p_index]
            if known.exact:
                continue
            left = min(budget - (time.perf_counter() - mip_started), hard_cap - (time.perf_counter() - started))
            if left <= 0.05:
                break
            if stage == "mip_screen" and screen_gap <= mip_gap:
                continue  # stage 3 runs at the same gap anyway
            outcome = solver.forced_solve(data.project_options[p_index], min(time_limit, left), gap)
            if outcome.status == INFEASIBLE:
                losses[p_index] = _Loss(infeasible=True, exact=True, method=stage)
                continue
            if outcome.has_solution:
                known.offer(loss_of(outcome.objective), solver.forced_values, stage, changes)
            if outcome.bound is not None:
                known.low = max(known.low, loss_of(outcome.bound))
            if known.high is not None and known.low > known.high:
                known.low = known.high  # numerical noise between the two solves
            known.method = stage
            known.exact = (stage == "mip" and outcome.status == OPTIMAL) or (
                known.high is not None and known.high <= tolerance)

    group_members = chosen_by_group(case, chosen_ids)
    for p_index in pending:
        project = case.projects[p_index]
        related = related_projects(case, project, chosen_ids, group_members)
        swap = changes.of(losses[p_index], p_index)
        reasons[project.id] = exclusion_of(project.id, losses[p_index], related, tolerance, *swap)
    return reasons


class PlanChanges:
    """What the best known plan with a left-out project changes in the main plan.

    Computed with one index of option columns → projects built once per explanation run,
    so that each plan costs a few array operations over the columns, not a pass over
    every option in Python (at 10,000 projects the per-project pass took a minute)."""

    def __init__(self, data: ModelData, solver: ArraySolver, plan: dict):
        columns = np.asarray(solver.option_columns)
        owners = np.fromiter((p_index for p_index, _ in data.options), dtype=np.int64, count=len(data.options))
        placed = columns >= 0
        self._columns, self._owners = columns[placed], owners[placed]
        self._ids = [p.id for p in data.case.projects]
        self._in_plan = np.fromiter((pid in plan for pid in self._ids), dtype=bool, count=len(self._ids))

    def diff(self, values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(displaced, added): the indices of the main plan's projects that the plan with
        column values ``values`` leaves out, and of the other projects it has (an option
        column above 0.5), both ascending (the case's order)."""
        forced = np.zeros(len(self._ids), dtype=bool)
        forced[self._owners[values[self._columns] > 0.5]] = True
        return np.nonzero(self._in_plan & ~forced)[0], np.nonzero(forced & ~self._in_plan)[0]

    def of(self, loss: _Loss, p_index: int) -> tuple[tuple[str, ...] | None, tuple[str, ...] | None]:
        """(displaced, brought_in): the projects of the main plan that the best known plan
        with project ``p_index`` leaves out, and the other projects it adds (both in the
        case's order); (None, None) when no plan with the project is known."""
        if loss.infeasible or loss.plan_source is None:
            return None, None
        if loss.plan is None:  # main_plan: the project adds to the main plan unchanged
            return (), ()
        displaced, added = loss.plan
        ids = self._ids
        return tuple(ids[i] for i in displaced), tuple(ids[i] for i in added if i != p_index)


def left_out_projects(data: ModelData, chosen_ids: set, limit: int | None = None
                      ) -> tuple[dict[str, Exclusion], list[int]]:
    """The left-out projects of a plan: the reasons of those that need no re-solve
    (excluded in the input, cannot complete within the horizon, beyond the first ``limit``:
    not analysed) and the indices of the others, to be analysed, in the case's order."""
    reasons: dict[str, Exclusion] = {}
    pending: list[int] = []
    for p_index, project in enumerate(data.case.projects):
        if project.id in chosen_ids:
            continue
        if project.excluded:
            reasons[project.id] = Exclusion(project.id, "excluded", "marked excluded in the input")
        elif not data.project_options[p_index]:
            reasons[project.id] = Exclusion(project.id, "cannot_complete",
                                            "cannot be completed within the planning horizon")
        elif limit is not None and len(pending) >= limit:
            reasons[project.id] = Exclusion(project.id, "not_computed",
                                            f"not analysed (more than {limit} projects left out)")
        else:
            pending.append(p_index)
    return reasons, pending


def exclusion_of(project_id: str, loss: _Loss, related: dict[str, str], tolerance: float,
                 displaced: tuple[str, ...] | None = None, brought_in: tuple[str, ...] | None = None) -> Exclusion:
    """The Exclusion stating what is proven about the loss, with the projects that the
    best known plan with it leaves out (``displaced``) and adds (``brought_in``)."""
    note = (" (" + "; ".join(related.values()) + ")") if related else ""
    forced = {"displaced": displaced, "brought_in": brought_in,
              "forced_plan": loss.plan_source if displaced is not None else None}
    if displaced:
        note += ("; the best plan with it pushes out " if loss.exact else "; the best plan found with it pushes out ") \
            + ", ".join(displaced)
        if brought_in:
            note += " and takes in " + ", ".join(brought_in)
    if loss.infeasible:
        return Exclusion(project_id, "infeasible_if_forced", "forcing it in breaks a budget, target or rule" + note,
                         related=tuple(related), loss_exact=True, loss_method=loss.method)
    if loss.high is None and loss.low <= tolerance:
        return Exclusion(project_id, "not_computed",
                         "not analysed (its LP bound proves no loss and no re-solve fitted the time budget)" + note,
                         related=tuple(related), loss_low=0.0, loss_method=loss.method)
    if loss.exact:
        value = loss.high if loss.high is not None else loss.low
        if value <= tolerance:
            detail = "a tie: a portfolio with it is just as good (an alternative optimum)"
        else:
            detail = f"forcing it in worsens the objective by {value:,.4g}"
        return Exclusion(project_id, "lowers_objective", detail + note, value, tuple(related),
                         loss_low=min(loss.low, value), loss_high=loss.high, loss_exact=True,
                         loss_method=loss.method, **forced)
    if loss.high is None:
        detail = f"forcing it in worsens the objective by at least {loss.low:,.4g} (LP bound; not proven exactly)"
    else:
        detail = (f"forcing it in worsens the objective by between {loss.low:,.4g} and {loss.high:,.4g} "
                  "(at least, not proven exactly)")
    return Exclusion(project_id, "lowers_objective", detail + note, loss.low, tuple(related),
                     loss_low=loss.low, loss_high=loss.high, loss_exact=False, loss_method=loss.method, **forced)


def chosen_by_group(case, chosen_ids) -> dict[str, list[str]]:
    """Exclusive group → its chosen projects (one pass over the case)."""
    members: dict[str, list[str]] = {}
    for other in case.projects:
        if other.exclusive_group and other.id in chosen_ids:
            members.setdefault(other.exclusive_group, []).append(other.id)
    return members


def related_projects(case, project, chosen_ids, group_members: dict[str, list[str]] | None = None) -> dict[str, str]:
    """Chosen projects it conflicts with, and prerequisites it would pull in."""
    if group_members is None:
        group_members = chosen_by_group(case, chosen_ids)
    notes = {}
    if project.exclusive_group:
        for other in group_members.get(project.exclusive_group, ()):
            notes[other] = f"alternative to {other} in exclusive group '{project.exclusive_group}'"
    for needed in project.requires:
        if needed not in chosen_ids:
            notes[needed] = f"needs {needed}"
    return notes
