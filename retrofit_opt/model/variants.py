"""Every change a study makes to a built model: the only Pyomo surgery outside
``build_model``.

A study asks for a variant here, solves it with :class:`retrofit_opt.solve.Solver` (which
pushes the change into the persistent HiGHS instance), and reads the plan back with
:func:`retrofit_opt.model.extract.extract_plan`.

- force a project in or out: :func:`force_in`, :func:`force_out`, :func:`release`;
- elastic rows: :func:`allow_budget_extra`, :func:`allow_shortfall`;
- another objective: :func:`set_objective`;
- mutable budget rows: :func:`set_budget_limit`;
- ε rows of the ε-constraint method: :func:`add_epsilon_rows` and the functions after it;
- nested levels (the priority list): :func:`nested_levels`.
"""
from __future__ import annotations

from collections.abc import Iterable

import pyomo.environ as pyo

from retrofit_opt.model.data import ModelData
from retrofit_opt.model.families import chosen, define_families
from retrofit_opt.model.objective import objective_expression

STUDY_OBJECTIVE = "study_objective"
TOP_LEVEL_ONLY = ("mandatory", "min_total", "max_total", "intensity_reduction")
"""Families that hold at the top level of the nested model only (lower levels are the
tranches on the way there)."""


# ----------------------------------------------------------------------------- force in / out
def force_in(m, data: ModelData, p_index: int) -> None:
    """force_in: C_p = 1 for project ``p_index`` until :func:`release`."""
    m.force_in = pyo.Constraint(expr=chosen(m, data, p_index) == 1)


def force_out(m, data: ModelData, p_indices: Iterable[int]) -> None:
    """force_out: C_p = 0 for every project of ``p_indices`` until :func:`release`."""
    rows = sorted(set(p_indices))
    m.force_out = pyo.Constraint(rows, rule=lambda m, p: chosen(m, data, p) == 0)


def release(m) -> None:
    """Remove the force-in and force-out rows (whichever exist)."""
    for name in ("force_in", "force_out"):
        component = m.component(name)
        if component is not None:
            m.del_component(component)


# ----------------------------------------------------------------------------- elastic rows
def allow_budget_extra(m, allowed: bool) -> None:
    """Budget extras e_j ≥ 0 free (``allowed``) or fixed at 0 on every budget row."""
    for j in m.BUDGETS:
        m.budget_extra[j].setub(None if allowed else 0)


def allow_shortfall(m, targets: Iterable[int]) -> None:
    """Target shortfalls s_k ≥ 0 free for the target rows ``targets``, 0 on the others."""
    free = set(targets)
    for k in m.TARGETS:
        m.shortfall[k].setub(None if k in free else 0)


def shortfall_terms(m, scale: dict[int, float]):
    """Σ_k s_k / scale_k: the relative shortfall over every target row."""
    return pyo.quicksum(m.shortfall[k] / scale[k] for k in m.TARGETS)


def extra_budget_total(m):
    """Σ_j e_j: the extra budget over every row (万元)."""
    return pyo.quicksum(m.budget_extra[j] for j in m.BUDGETS)


def extra_budget(m) -> list[float]:
    """e_j of the loaded solution, row by row."""
    return [m.budget_extra[j].value or 0.0 for j in m.BUDGETS]


# ----------------------------------------------------------------------------- objective
def set_objective(m, expr, minimise: bool) -> None:
    """Replace the objective the next solves optimise by ``expr`` (the case's own is
    deactivated; a previous study objective is removed)."""
    m.objective.deactivate()
    if m.component(STUDY_OBJECTIVE) is not None:
        m.del_component(STUDY_OBJECTIVE)
    m.add_component(STUDY_OBJECTIVE, pyo.Objective(expr=expr, sense=pyo.minimize if minimise else pyo.maximize))


# ----------------------------------------------------------------------------- budget rows
def set_budget_limit(m, row: int, limit: float) -> None:
    """L_j := ``limit`` on budget row ``row`` (a mutable parameter: re-solves keep the model)."""
    m.budget_limit[row] = limit


# ----------------------------------------------------------------------------- ε rows
def add_epsilon_rows(m, x_expr, y_expr, x_minimised: bool, y_minimised: bool) -> None:
    """The ε-constraint model: objectives ``pareto_x`` and ``pareto_y`` (one active at a
    time, see :func:`optimise_axis`), the ε row x ≤ ε (x ≥ ε when x is maximised) and the
    floor row y ≥ φ (y ≤ φ when minimised), both inactive until asked for."""
    m.objective.deactivate()
    m.pareto_x = pyo.Objective(expr=x_expr, sense=pyo.minimize if x_minimised else pyo.maximize)
    m.pareto_y = pyo.Objective(expr=y_expr, sense=pyo.minimize if y_minimised else pyo.maximize)
    m.epsilon = pyo.Param(mutable=True, initialize=0.0)
    m.epsilon_row = pyo.Constraint(expr=(x_expr <= m.epsilon) if x_minimised else (x_expr >= m.epsilon))
    m.floor = pyo.Param(mutable=True, initialize=0.0)
    m.floor_row = pyo.Constraint(expr=(y_expr <= m.floor) if y_minimised else (y_expr >= m.floor))
    m.epsilon_row.deactivate()
    m.floor_row.deactivate()


def optimise_axis(m, axis: str) -> None:
    """Make ``pareto_x`` (axis "x") or ``pareto_y`` the active objective."""
    (m.pareto_x if axis == "x" else m.pareto_y).activate()
    (m.pareto_y if axis == "x" else m.pareto_x).deactivate()


def set_epsilon(m, value: float | None) -> None:
    """The ε row at ``value``; ``None`` lifts it."""
    if value is None:
        m.epsilon_row.deactivate()
        return
    m.epsilon = value
    m.epsilon_row.activate()


def set_floor(m, value: float | None) -> None:
    """The floor row at ``value``; ``None`` lifts it."""
    if value is None:
        m.floor_row.deactivate()
        return
    m.floor = value
    m.floor_row.activate()


# ----------------------------------------------------------------------------- nested levels
def nested_levels(data: ModelData, row: int, levels: list[float], weights: list[float],
                  objective: str, objective_weights) -> pyo.ConcreteModel:
    """One copy of the selection model per budget level (a block built from the same
    :data:`retrofit_opt.model.families.FAMILIES`), level s with L_row = ``levels[s]``, linked by
    nested: C_{p,s} ≤ C_{p,s+1}; objective max Σ_s w_s·f_s(S_s).  The families of
    :data:`TOP_LEVEL_ONLY` hold at the top level only.  Level s is ``m.level[s]``."""
    m = pyo.ConcreteModel(name="priority_list")
    m.LEVELS = pyo.RangeSet(0, len(levels) - 1)
    m.level = pyo.Block(m.LEVELS)
    top = len(levels) - 1
    for s in m.LEVELS:
        block = m.level[s]
        define_families(block, data)
        block.rank_value, _ = objective_expression(block, data, objective, objective_weights)
        if s != top:
            for name in TOP_LEVEL_ONLY:
                getattr(block, name).deactivate()
        block.budget_limit[row] = levels[s]
    pairs = [(s, p) for s in range(len(levels) - 1) for p in range(len(data.projects)) if data.project_options[p]]
    m.nested = pyo.Constraint(pairs, rule=lambda m, s, p: chosen(m.level[s], data, p) <= chosen(m.level[s + 1], data, p))
    m.objective = pyo.Objective(expr=pyo.quicksum(weights[s] * m.level[s].rank_value for s in m.LEVELS),
                                sense=pyo.maximize)
    return m
