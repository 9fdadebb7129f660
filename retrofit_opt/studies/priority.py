"""The priority list: nested portfolios, one per budget level, each containing the one
before, maximising the weighted objective over the levels.

With levels B_1 < … < B_S of one pool's whole-horizon budget, the model holds one copy
of the selection model per level (a Pyomo block built by the same ``define_*`` families),
linked by ``nested``: C_{p,s} ≤ C_{p,s+1}.  The objective is Σ_s w_s·f_s(S_s).  Budgets
(level s on the swept row, every other row as in the case), exclusive groups,
prerequisites and overlaps hold at every level; mandatory rows and targets hold at the
top level only: lower levels are the tranches on the way there.  A ``min_cost`` case is
ranked by energy saving (its cost is what the levels vary).

A project's rank is the first level that funds it; within a level, ties are ordered by
benefit per 万元 (the greedy order).  Beside it, the greedy order itself: at each level,
fund by benefit per 万元, skipping what does not fit in the budgets, and what that loses.
"""
from __future__ import annotations

import dataclasses

from retrofit_opt import evaluate
from retrofit_opt.case import TOTAL_POOL, Case
from retrofit_opt.model import ModelData
from retrofit_opt.model.extract import extract_plan
from retrofit_opt.results import LevelComparison, PriorityEntry, PriorityList
from retrofit_opt.scenarios import at_level, with_horizon_row
from retrofit_opt.schema.vocabulary import objective as objective_spec
from retrofit_opt.schema.vocabulary import objectives
from retrofit_opt.solve import Solver, solver_options
from retrofit_opt.studies.greedy import greedy_order, greedy_plan, keeps_rules


def ranking_objective(case: Case) -> str:
    """The objective the levels maximise: the case's, except that a minimised one is
    replaced by the maximised objective of its rank terms (``min_cost`` → ``max_saving``)."""
    spec = objective_spec(case.parameters.objective)
    if not spec.minimise:
        return spec.name
    return next(o.name for o in objectives().values() if not o.minimise and o.terms == spec.rank_terms)


def nested_priority(case: Case, levels: list[float], pool: str = TOTAL_POOL, weights: list[float] | None = None,
                    *, time_limit: float | None = None, mip_gap: float | None = None,
                    weights_from: str | None = None) -> PriorityList:
    """Nested portfolios S_1 ⊆ … ⊆ S_S over the budget ``levels`` (万元) of ``pool``,
    maximising Σ_s w_s·f_s(S_s) (weights equal by default)."""
    if not levels:
        raise ValueError("the priority list needs at least one budget level")
    order = sorted(range(len(levels)), key=lambda k: levels[k])
    if weights is not None and len(weights) != len(levels):
        raise ValueError(f"{len(weights)} weights for {len(levels)} budget levels")
    weights_from = weights_from or ("given" if weights is not None else "equal")
    weights = [float(weights[k]) for k in order] if weights is not None else [1.0] * len(levels)
    levels = [float(levels[k]) for k in order]
    objective = ranking_objective(case)
    swept, j = with_horizon_row(case, pool, levels[-1])
    data = ModelData.from_case(swept)
    from retrofit_opt.model.variants import nested_levels  # Pyomo: imported when a priority list is built
    m = nested_levels(data, j, levels, weights, objective, case.parameters.weights)
    params = case.parameters
    solver = Solver(m, *solver_options(params, time_limit, mip_gap))
    outcome = solver.solve()
    plans = []
    if outcome.has_solution:
        plans = [extract_plan(m.level[s], data) for s in m.LEVELS]
    ranked = dataclasses.replace(swept, parameters=dataclasses.replace(params, objective=objective))
    comparison = _compare(ranked, pool, levels, weights, plans)
    total = sum(c.weight * c.objective for c in comparison) if plans else None
    return PriorityList(outcome.status, outcome.gap, levels, _entries(ranked, levels, plans), comparison, plans,
                        outcome.seconds, weights, objective, pool, weights_from, total)


def _entries(case: Case, levels, plans) -> list[PriorityEntry]:
    greedy_rank = {p.id: k + 1 for k, p in enumerate(greedy_order(case))}
    first_level = {}
    for s, plan in enumerate(plans):
        for pid in plan:
            first_level.setdefault(pid, s)
    ranked = sorted(first_level, key=lambda pid: (first_level[pid], greedy_rank.get(pid, 10**9)))
    return [PriorityEntry(pid, first_level[pid] + 1, levels[first_level[pid]], k + 1, greedy_rank.get(pid))
            for k, pid in enumerate(ranked)]


def _compare(case: Case, pool: str, levels, weights, plans) -> list[LevelComparison]:
    rows = []
    for s, level in enumerate(levels):
        here = at_level(case, pool, level)
        picks = greedy_plan(here)
        rows.append(LevelComparison(level, weights[s],
                                    evaluate.objective_value(here, plans[s]) if plans else None,
                                    evaluate.objective_value(here, picks),
                                    keeps_rules(here, picks, top=(s == len(levels) - 1)),
                                    len(plans[s]) if plans else 0, len(picks)))
    return rows


def scenario_levels(case: Case, pool: str = TOTAL_POOL) -> tuple[list[float], list[float]] | None:
    """Budget levels and weights of the case's scenarios when every scenario is a budget
    level of ``pool``: it sets only ``budget:<pool>``, or only ``budget_scale`` in a case
    whose one budget row is that pool's whole-horizon row.  Otherwise None."""
    if not case.scenarios:
        return None
    rows = [b for b in case.budgets if b.pool == pool and b.year is None and b.group is None]
    levels, weights = [], []
    for scenario in case.scenarios:
        keys = set(scenario.overrides)
        if keys == {f"budget:{pool}"}:
            level = float(scenario.overrides[f"budget:{pool}"])
        elif keys == {"budget_scale"} and len(rows) == 1 and len(case.budgets) == 1:
            level = rows[0].limit * float(scenario.overrides["budget_scale"])
        else:
            return None
        levels.append(level)
        weights.append(float(scenario.weight))
    return levels, weights
