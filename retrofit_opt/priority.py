"""The priority list: nested portfolios, one per budget level, each containing the one
before, maximising the weighted objective over the levels.

With levels B_1 < … < B_S of one pool's whole-horizon budget, the model holds one copy
of the selection model per level (a Pyomo block built by the same ``define_*`` families),
linked by ``nested``: C_{p,s} ≤ C_{p,s+1}.  The objective is Σ_s w_s·f_s.  Mandatory rows
and targets hold at the top level only: lower levels are the tranches on the way there.
A project's rank is the first level that funds it; within a level, ties are ordered by
benefit per 万元.
"""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import pyomo.environ as pyo

from retrofit_opt import evaluate, greedy
from retrofit_opt.case import Case
from retrofit_opt.frontier import _with_horizon_row
from retrofit_opt.model import ModelData
from retrofit_opt.model.families import (chosen, define_budget, define_exclusive_group,
                                         define_intensity_reduction, define_mandatory,
                                         define_max_total, define_min_total, define_one_start,
                                         define_overlap, define_prerequisite, define_start_choices,
                                         define_target_values)
from retrofit_opt.model.objective import define_objective
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

    @property
    def greedy_loss(self) -> float | None:
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


def _level_block(block, data: ModelData, top: bool) -> None:
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
    define_objective(block, data)
    block.objective.deactivate()
    if not top:
        for name in TOP_LEVEL_ONLY:
            getattr(block, name).deactivate()


def nested_priority(case: Case, levels: list[float], pool: str = "total", weights: list[float] | None = None,
                    *, time_limit: float | None = None, mip_gap: float | None = None) -> PriorityList:
    levels = sorted(levels)
    weights = weights or [1.0] * len(levels)
    swept, j = _with_horizon_row(case, pool, levels[-1])
    data = ModelData.from_case(swept)
    m = pyo.ConcreteModel(name="priority_list")
    m.data = data
    m.LEVELS = pyo.RangeSet(0, len(levels) - 1)
    m.level = pyo.Block(m.LEVELS)
    for s in m.LEVELS:
        _level_block(m.level[s], data, top=(s == len(levels) - 1))
        m.level[s].budget_limit[j] = levels[s]
    pairs = [(s, p) for s in range(len(levels) - 1) for p in range(len(data.projects)) if data.project_options[p]]
    m.nested = pyo.Constraint(pairs, rule=lambda m, s, p: chosen(m.level[s], data, p) <= chosen(m.level[s + 1], data, p))
    sense = m.level[0].objective.sense
    m.objective = pyo.Objective(expr=pyo.quicksum(weights[s] * m.level[s].objective.expr for s in m.LEVELS),
                                sense=sense)
    params = case.parameters
    solver = Solver(m, time_limit or params.time_limit, params.mip_gap if mip_gap is None else mip_gap)
    outcome = solver.solve()
    plans = []
    if outcome.has_solution:
        for s in m.LEVELS:
            block = m.level[s]
            plans.append({data.projects[p].id: start for i, (p, start) in enumerate(data.options)
                          if block.x[i].value is not None and block.x[i].value > 0.5})
    return PriorityList(outcome.status, outcome.gap, levels, _entries(swept, levels, plans),
                        _compare(swept, levels, weights, plans, j), plans, outcome.seconds)


def _entries(case: Case, levels, plans) -> list[PriorityEntry]:
    order = greedy.greedy_order(case)
    greedy_rank = {p.id: k + 1 for k, p in enumerate(order)}
    first_level = {}
    for s, plan in enumerate(plans):
        for pid in plan:
            first_level.setdefault(pid, s)
    ranked = sorted(first_level, key=lambda pid: (first_level[pid], greedy_rank.get(pid, 10**9)))
    return [PriorityEntry(pid, first_level[pid] + 1, levels[first_level[pid]], k + 1, greedy_rank.get(pid))
            for k, pid in enumerate(ranked)]


def _compare(case: Case, levels, weights, plans, j) -> list[LevelComparison]:
    rows = []
    for s, level in enumerate(levels):
        picks = greedy.greedy_portfolio(case, level)
        greedy_plan = {pid: case.start_years(case.project(pid))[0] if case.start_years(case.project(pid))
                       else None for pid in picks}
        at_level = dataclasses.replace(case, budgets=tuple(
            dataclasses.replace(b, limit=level) if k == j else b for k, b in enumerate(case.budgets)))
        rows.append(LevelComparison(level, weights[s],
                                    evaluate.objective_value(at_level, plans[s]) if plans else None,
                                    evaluate.objective_value(at_level, greedy_plan),
                                    _keeps_rules(at_level, greedy_plan, top=(s == len(levels) - 1))))
    return rows


def _keeps_rules(case: Case, plan: dict, top: bool) -> bool:
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
