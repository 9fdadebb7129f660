"""Cases derived from a validated case: scenario overrides (PRODUCT.md §2 ``scenarios``)
and one pool's whole-horizon budget at chosen levels (the sweeps).

A derived case never changes the case it comes from: :func:`apply_scenario` returns a new
case with scaled or replaced budgets and targets, another objective, or other parameters;
:func:`at_level` one with a pool's whole-horizon limit set.
"""
from __future__ import annotations

import dataclasses

from retrofit_opt.accounting import recompute_project
from retrofit_opt.case import Budget, Case, Scenario, Target


def apply_scenario(case: Case, scenario: Scenario) -> Case:
    overrides = dict(scenario.overrides)
    budgets = list(case.budgets)
    targets = list(case.targets)
    scale = overrides.pop("budget_scale", 1.0)
    budgets = [dataclasses.replace(b, limit=b.limit * scale) for b in budgets]
    scale = overrides.pop("target_scale", 1.0)
    targets = [dataclasses.replace(t, value=t.value * scale) for t in targets]
    params = case.parameters
    for key, value in overrides.items():
        if key.startswith("budget:"):
            budgets = set_budget(budgets, key.split(":", 1)[1], value)
        elif key.startswith("target:"):
            targets = set_target(targets, key.split(":", 1)[1], value)
        else:
            params = dataclasses.replace(params, **{key: value})
    projects = case.projects
    if params != case.parameters:
        # A changed factor, 当量值/等价值 choice or price changes what was computed from carriers.
        projects = tuple(recompute_project(p, params) for p in projects)
    return dataclasses.replace(case, projects=projects, budgets=tuple(budgets), targets=tuple(targets),
                               parameters=params)


def set_budget(budgets: list[Budget], pool: str, limit: float) -> list[Budget]:
    """Set the whole-horizon limit of ``pool`` (added when the case has none)."""
    if any(b.pool == pool and b.year is None and b.group is None for b in budgets):
        return [dataclasses.replace(b, limit=limit) if b.pool == pool and b.year is None and b.group is None else b
                for b in budgets]
    return budgets + [Budget(pool, limit)]


def set_target(targets: list[Target], metric: str, value: float) -> list[Target]:
    """Set the value of every target on ``metric`` (a min_total target is added when none)."""
    if any(t.metric == metric for t in targets):
        return [dataclasses.replace(t, value=value) if t.metric == metric else t for t in targets]
    return targets + [Target(metric, "min_total", value)]


def budget_levels(start: float, stop: float, steps: int) -> list[float]:
    """``steps`` levels evenly spaced from ``start`` to ``stop`` (one level: ``stop``)."""
    if steps < 2:
        return [stop]
    return [start + (stop - start) * k / (steps - 1) for k in range(steps)]


def with_horizon_row(case: Case, pool: str, limit: float) -> tuple[Case, int]:
    """The case with a whole-horizon budget row for ``pool`` (added with ``limit`` when the
    case has none) and that row's index."""
    for j, b in enumerate(case.budgets):
        if b.pool == pool and b.year is None and b.group is None:
            return case, j
    return dataclasses.replace(case, budgets=case.budgets + (Budget(pool, limit),)), len(case.budgets)


def at_level(case: Case, pool: str, level: float) -> Case:
    """The case with the whole-horizon limit of ``pool`` set to ``level`` (row added if none)."""
    swept, j = with_horizon_row(case, pool, level)
    return dataclasses.replace(swept, budgets=tuple(dataclasses.replace(b, limit=level) if k == j else b
                                                    for k, b in enumerate(swept.budgets)))
