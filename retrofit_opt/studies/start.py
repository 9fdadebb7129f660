"""A start for the solver: a plan known to satisfy every rule, as values of the model's
variables, so that a plan is always available when one is trivially feasible."""
from __future__ import annotations

from retrofit_opt import evaluate
from retrofit_opt.case import TOTAL_POOL, Case


def start_plan(case: Case) -> dict | None:
    """The empty plan when it satisfies the rules (no mandatory project, no unmet target),
    else the greedy benefit-per-万元 portfolio within the total budget when that does
    (single-period cases); ``None`` when neither is feasible."""
    empty: dict = {}
    if not evaluate.plan_violations(case, empty):
        greedy = _greedy(case)
        if greedy and not evaluate.plan_violations(case, greedy) and \
                evaluate.objective_value(case, greedy) >= evaluate.objective_value(case, empty) and \
                case.parameters.objective != "min_cost":
            return greedy
        return empty
    greedy = _greedy(case)
    return greedy if greedy is not None and not evaluate.plan_violations(case, greedy) else None


def _greedy(case: Case) -> dict | None:
    if case.multi_year:
        return None
    from retrofit_opt.studies.greedy import greedy_portfolio
    limits = [b.limit for b in case.budgets if b.pool == TOTAL_POOL and b.year is None]
    budget = min(limits) if limits else sum(p.capex for p in case.projects)
    return {pid: None for pid in greedy_portfolio(case, budget)}


def start_values(model, data, plan: dict) -> list:
    """(variable, value) pairs of the x variables for ``plan`` (project id → start year)."""
    pairs = []
    for i, (p_index, start) in enumerate(data.options):
        project_id = data.projects[p_index].id
        pairs.append((model.x[i], 1.0 if project_id in plan and plan[project_id] == start else 0.0))
    return pairs


def start_option_values(data, plan: dict) -> list[float]:
    """x_i of every start option i for ``plan`` (project id → start year), in the option
    order of ``data.options`` — a start for :meth:`retrofit_opt.solve.ArraySolver.warm_start`."""
    return [1.0 if data.projects[p_index].id in plan and plan[data.projects[p_index].id] == start else 0.0
            for p_index, start in data.options]
