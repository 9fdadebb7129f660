"""Why each left-out project is left out of a plan solved on a Pyomo *variant* of the
model (the robust and chance-constrained rows of :mod:`retrofit_opt.studies.robust`):
each project is forced in on the same persistent model and re-solved, and its loss is the
fall of the objective.  The hot path's staged explanations (:mod:`.explain`) need the
array model; a variant carries rows only Pyomo knows, so it is explained this way."""
from __future__ import annotations

import time

from retrofit_opt.model import ModelData
from retrofit_opt.model.extract import extract_plan
from retrofit_opt.model.variants import force_in, release
from retrofit_opt.results import Exclusion
from retrofit_opt.solve import Solver
from retrofit_opt.studies.explain import FORCE_IN_SECONDS, left_out_projects, related_projects

VARIANT_EXPLAIN_LIMIT = 200  # force-in re-solves beyond this many left-out projects are skipped
VARIANT_EXPLAIN_SECONDS = 120.0  # all force-in re-solves together stop after this long


def explain_on_variant(model, data: ModelData, solver: Solver, plan: dict, objective: float, minimise: bool,
                       limit: int = VARIANT_EXPLAIN_LIMIT, time_limit: float = FORCE_IN_SECONDS,
                       time_budget: float = VARIANT_EXPLAIN_SECONDS) -> dict[str, Exclusion]:
    """Reasons for every left-out project; force-in re-solves stop at ``limit`` projects or
    after ``time_budget`` seconds, and the rest are marked not analysed.  A loss found by a
    re-solve that proved optimality is exact; otherwise it is an upper end ("at most")."""
    case = data.case
    chosen_ids = set(plan)
    reasons, pending = left_out_projects(data, chosen_ids, limit)
    started = time.perf_counter()
    tolerance = 1e-6 * max(1.0, abs(objective))
    for p_index in pending:
        project = case.projects[p_index]
        if time.perf_counter() - started > time_budget:
            reasons[project.id] = Exclusion(project.id, "not_computed",
                                            f"not analysed (explanations stopped after {time_budget:.0f} s)")
            continue
        force_in(model, data, p_index)
        outcome = solver.solve(time_limit=time_limit)
        forced = extract_plan(model, data) if outcome.has_solution else None
        release(model)
        related = related_projects(case, project, chosen_ids)
        if not outcome.has_solution:
            detail = "forcing it in breaks a budget, target or rule"
            if related:
                detail += " (" + "; ".join(related.values()) + ")"
            reasons[project.id] = Exclusion(project.id, "infeasible_if_forced", detail, related=tuple(related))
            continue
        loss = max((outcome.objective - objective) if minimise else (objective - outcome.objective), 0.0)
        exact = outcome.status == "optimal"
        approx = "" if exact else " (at most, not proven)"
        if loss <= tolerance:
            detail = "a tie: a portfolio with it is just as good (an alternative optimum)"
        else:
            detail = f"forcing it in worsens the objective by {loss:,.4g}{approx}"
        if related:
            detail += " (" + "; ".join(related.values()) + ")"
        reasons[project.id] = Exclusion(project.id, "lowers_objective", detail, loss if exact else None,
                                        tuple(related), loss_low=loss if exact else 0.0, loss_high=loss,
                                        loss_exact=exact, loss_method="mip",
                                        displaced=tuple(p.id for p in case.projects if p.id in plan and p.id not in forced),
                                        brought_in=tuple(p.id for p in case.projects if p.id in forced
                                                         and p.id not in plan and p.id != project.id),
                                        forced_plan="mip")
    return reasons
