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
from dataclasses import dataclass

import pyomo.environ as pyo

from retrofit_opt import evaluate, greedy
from retrofit_opt.case import TOTAL_POOL, Case
from retrofit_opt.frontier import _with_horizon_row, at_level
from retrofit_opt.model import ModelData
from retrofit_opt.model.families import (chosen, define_budget, define_exclusive_group,
                                         define_intensity_reduction, define_mandatory,
                                         define_max_total, define_min_total, define_one_start,
                                         define_overlap, define_prerequisite, define_start_choices,
                                         define_target_values)
from retrofit_opt.model.objective import objective_expression
from retrofit_opt.solve import Solver

TOP_LEVEL_ONLY = ("mandatory", "min_total", "max_total", "intensity_reduction")


@dataclass(frozen=True)
class PriorityEntry:
    project_id: str
    level: int  # 1-based index of the first level that funds it
    budget: float  # that level's budget
    rank: int  # 1 = fund first
    greedy_rank: int | None  # position in the benefit-per-万元 order


@dataclass(frozen=True)
class LevelComparison:
    budget: float
    weight: float
    objective: float | None  # nested portfolio at this level
    greedy_objective: float  # greedy (benefit per 万元) portfolio at this level
    greedy_feasible: bool  # does the greedy portfolio keep every rule of this level?
    chosen: int = 0  # projects in the nested portfolio
    greedy_chosen: int = 0

    @property
    def greedy_loss(self) -> float | None:
        """How much worse the greedy portfolio is (positive: the greedy order loses)."""
        if self.objective is None:
            return None
        return self.objective - self.greedy_objective


@dataclass(frozen=True)
class PriorityList:
    status: str
    gap: float | None
    levels: list[float]
    entries: list[PriorityEntry]
    comparison: list[LevelComparison]
    plans: list[dict]  # level → plan
    seconds: float
    weights: list[float] = dataclasses.field(default_factory=list)
    objective: str = "max_saving"  # the objective each level maximises
    pool: str = TOTAL_POOL
    weights_from: str = "equal"  # "equal", "scenarios" or "given"
    objective_value: float | None = None  # Σ_s w_s·f_s


def ranking_objective(case: Case) -> str:
    """The objective the levels maximise: the case's, except ``min_cost`` → ``max_saving``."""
    objective = case.parameters.objective
    return "max_saving" if objective == "min_cost" else objective


def _level_block(block, data: ModelData, top: bool, objective: str) -> None:
    block.data = data
    define_start_choices(block, data)
    define_one_start(block, data)
    define_mandatory(block, data)
    define_exclusive_group(block, data)
    define_prerequisite(block, data)
    define_overlap(block, data)
    define_budget(block, data)
    define_target_values(block, data)
    define_min_total(block, data)
    define_max_total(block, data)
    define_intensity_reduction(block, data)
    block.rank_value, _ = objective_expression(block, data, objective, data.case.parameters.weights)
    if not top:
        for name in TOP_LEVEL_ONLY:
            getattr(block, name).deactivate()


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
    swept, j = _with_horizon_row(case, pool, levels[-1])
    data = ModelData.from_case(swept)
    m = pyo.ConcreteModel(name="priority_list")
    m.data = data
    m.LEVELS = pyo.RangeSet(0, len(levels) - 1)
    m.level = pyo.Block(m.LEVELS)
    for s in m.LEVELS:
        _level_block(m.level[s], data, s == len(levels) - 1, objective)
        m.level[s].budget_limit[j] = levels[s]
    pairs = [(s, p) for s in range(len(levels) - 1) for p in range(len(data.projects)) if data.project_options[p]]
    m.nested = pyo.Constraint(pairs, rule=lambda m, s, p: chosen(m.level[s], data, p) <= chosen(m.level[s + 1], data, p))
    m.objective = pyo.Objective(expr=pyo.quicksum(weights[s] * m.level[s].rank_value for s in m.LEVELS),
                                sense=pyo.maximize)
    params = case.parameters
    solver = Solver(m, time_limit or params.time_limit, params.mip_gap if mip_gap is None else mip_gap)
    outcome = solver.solve()
    plans = []
    if outcome.has_solution:
        for s in m.LEVELS:
            block = m.level[s]
            plans.append({data.projects[p].id: start for i, (p, start) in enumerate(data.options)
                          if block.x[i].value is not None and block.x[i].value > 0.5})
    ranked = dataclasses.replace(swept, parameters=dataclasses.replace(params, objective=objective))
    comparison = _compare(ranked, pool, levels, weights, plans)
    total = sum(c.weight * c.objective for c in comparison) if plans else None
    return PriorityList(outcome.status, outcome.gap, levels, _entries(ranked, levels, plans), comparison, plans,
                        outcome.seconds, weights, objective, pool, weights_from, total)


def _entries(case: Case, levels, plans) -> list[PriorityEntry]:
    greedy_rank = {p.id: k + 1 for k, p in enumerate(greedy.greedy_order(case))}
    first_level = {}
    for s, plan in enumerate(plans):
        for pid in plan:
            first_level.setdefault(pid, s)
    ranked = sorted(first_level, key=lambda pid: (first_level[pid], greedy_rank.get(pid, 10**9)))
    return [PriorityEntry(pid, first_level[pid] + 1, levels[first_level[pid]], k + 1, greedy_rank.get(pid))
            for k, pid in enumerate(ranked)]


def greedy_plan(case: Case) -> dict:
    """Fund in greedy order (benefit per 万元), each project at its earliest start year,
    skipping one that does not fit in what is left of every budget row of ``case``; like
    a spreadsheet ranking, it ignores every other rule."""
    plan: dict = {}
    left = [b.limit for b in case.budgets]
    for project in greedy.greedy_order(case):
        starts = case.start_years(project)
        if not starts:
            continue
        draws = [evaluate.spend(case, {project.id: starts[0]}, b) for b in case.budgets]
        if all(d <= room + 1e-9 for d, room in zip(draws, left)):
            plan[project.id] = starts[0]
            left = [room - d for d, room in zip(draws, left)]
    return plan


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


def keeps_rules(case: Case, plan: dict, top: bool) -> bool:
    """Does a plan keep budgets, exclusive groups and prerequisites (and, at the top level,
    mandatory projects and targets)?"""
    if not all(u.ok for u in evaluate.budget_uses(case, plan)):
        return False
    groups = {}
    for pid in plan:
        project = case.project(pid)
        if project.exclusive_group:
            groups[project.exclusive_group] = groups.get(project.exclusive_group, 0) + 1
        if any(q not in plan for q in project.requires):
            return False
    if any(n > 1 for n in groups.values()):
        return False
    if top:
        if any(p.mandatory and p.id not in plan for p in case.projects):
            return False
        if not all(t.met for t in evaluate.target_checks(case, plan)):
            return False
    return True


def scenario_levels(case: Case, pool: str = TOTAL_POOL) -> tuple[list[float], list[float]] | None:
    """Budget levels and weights of the case's scenarios when every scenario is a budget
    level of ``pool``: it sets only ``budget:<pool>``, or only ``budget_scale`` in a case
    whose one budget row is that pool's whole-horizon row.  Otherwise None."""
    if not case.scenarios:
        return None
    rows = [b for b in case.budgets if b.pool == pool and b.year is None]
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
