"""Why each left-out project is left out: excluded, impossible in the horizon, or forced in
by a re-solve of the same persistent model to see how much the objective falls."""
from __future__ import annotations

import time

from retrofit_opt.model import ModelData
from retrofit_opt.model.variants import force_in, release
from retrofit_opt.results import Exclusion
from retrofit_opt.solve import Solver

EXPLAIN_LIMIT = 200  # force-in re-solves beyond this many left-out projects are skipped
EXPLAIN_SECONDS = 120.0  # all force-in re-solves together stop after this long
FORCE_IN_SECONDS = 10.0  # one force-in re-solve; past it the loss is "at least, not proven"


def explain_exclusions(model, data: ModelData, solver: Solver, plan: dict, objective: float, minimise: bool,
                       limit: int = EXPLAIN_LIMIT, time_limit: float = FORCE_IN_SECONDS,
                       time_budget: float = EXPLAIN_SECONDS) -> dict[str, Exclusion]:
    """Reasons for every left-out project; force-in re-solves stop at ``limit`` projects or
    after ``time_budget`` seconds, and the rest are marked not analysed."""
    case = data.case
    reasons: dict[str, Exclusion] = {}
    chosen_ids = set(plan)
    pending = []
    for p_index, project in enumerate(case.projects):
        if project.id in chosen_ids:
            continue
        if project.excluded:
            reasons[project.id] = Exclusion(project.id, "excluded", "marked excluded in the input")
        elif not data.project_options[p_index]:
            reasons[project.id] = Exclusion(project.id, "cannot_complete",
                                            "cannot be completed within the planning horizon")
        else:
            pending.append(p_index)
    started = time.perf_counter()
    for count, p_index in enumerate(pending):
        project = case.projects[p_index]
        if count >= limit:
            reasons[project.id] = Exclusion(project.id, "not_computed",
                                            f"not analysed (more than {limit} projects left out)")
            continue
        if time.perf_counter() - started > time_budget:
            reasons[project.id] = Exclusion(project.id, "not_computed",
                                            f"not analysed (explanations stopped after {time_budget:.0f} s)")
            continue
        force_in(model, data, p_index)
        outcome = solver.solve(time_limit=time_limit)
        release(model)
        related = related_projects(case, project, chosen_ids)
        if not outcome.has_solution:
            detail = "forcing it in breaks a budget, target or rule"
            if related:
                detail += " (" + "; ".join(related.values()) + ")"
            reasons[project.id] = Exclusion(project.id, "infeasible_if_forced", detail,
                                            related=tuple(related))
            continue
        loss = (outcome.objective - objective) if minimise else (objective - outcome.objective)
        loss = max(loss, 0.0)
        approx = "" if outcome.status == "optimal" else " (at least, not proven)"
        if loss <= 1e-6 * max(1.0, abs(objective)):
            detail = "a tie: a portfolio with it is just as good (an alternative optimum)"
        else:
            detail = f"forcing it in worsens the objective by {loss:,.4g}{approx}"
        if related:
            detail += " (" + "; ".join(related.values()) + ")"
        reasons[project.id] = Exclusion(project.id, "lowers_objective", detail, loss, tuple(related))
    return reasons


def related_projects(case, project, chosen_ids) -> dict[str, str]:
    """Chosen projects it conflicts with, and prerequisites it would pull in."""
    notes = {}
    if project.exclusive_group:
        for other in case.projects:
            if other.id in chosen_ids and other.exclusive_group == project.exclusive_group:
                notes[other.id] = f"alternative to {other.id} in exclusive group '{project.exclusive_group}'"
    for needed in project.requires:
        if needed not in chosen_ids:
            notes[needed] = f"needs {needed}"
    return notes
