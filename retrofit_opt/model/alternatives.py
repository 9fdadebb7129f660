"""Model variants for near-optimal alternatives (modelling to generate alternatives, MGA).

All of them act on the one persistent model of :func:`retrofit_opt.model.build_model`, so
that HiGHS re-solves in place.  Notation of ``models/formulation.md`` ("Near-optimal
alternatives"): f(x) is the case's objective, C_p = Σ_{i ∈ O_p} x_i says whether project
p is chosen (in some start year), z_ref the reference objective (the optimum, or the best
plan under --keep/--drop conditions), E the share ``within``.

- :func:`add_within_row` — ``within``: f(x) ≥ z_ref − E·|z_ref| (maximised objectives) or
  f(x) ≤ z_ref + E·|z_ref| (min_cost), less/plus a tolerance of 1e-9·max(1, |z_ref|);
- :func:`add_conditions` — ``keep`` C_p = 1, ``drop`` C_p = 0, ``keep_enterprise``
  Σ_{p ∈ e} C_p ≥ 1, ``drop_enterprise`` C_p = 0 for every p of enterprise e;
- :func:`add_plan_rows` — for a plan P found so far: the no-good cut H(x, P) ≥ 1 (plans
  are distinct) and the spread row t ≤ H(x, P), where the Hamming distance is
  H(x, P) = Σ_{u ∈ P} (1 − y_u) + Σ_{u ∉ P} y_u over the units u (projects, y_u = C_u; or
  with ``by_start_year`` start options, y_u = x_u);
- :func:`define_spread_objective` — ``spread``: maximise t + ½·(f(x) − f_floor)/|z_ref − f_floor|,
  i.e. first the least distance t to every plan so far (max–min Hamming distance), then,
  among equally distant plans, the better objective (the second term lies in [0, ½]);
- :func:`force_project` / :func:`release` — the class proofs: C_p = 0 (force out) or
  C_p = 1 (force in) for one re-solve;
- :func:`define_cover_objective` — the witness objective of a class proof: maximise how
  many other undecided projects the witness plan decides at once.
"""
from __future__ import annotations

import pyomo.environ as pyo

from retrofit_opt.model.data import ModelData
from retrofit_opt.model.families import chosen, linear_sum
from retrofit_opt.model.objective import objective_expression

WITHIN_TOLERANCE = 1e-9  # relative slack on the within row, so that a plan exactly on the edge is in
SPREAD_TIEBREAK = 0.5  # weight of the objective term of ``spread``: below 1, so distance comes first


def case_objective(m, data: ModelData):
    """(f(x), sense) of the case's own objective on model ``m``."""
    params = data.case.parameters
    return objective_expression(m, data, params.objective, params.weights)


def within_threshold(reference: float, within: float, minimise: bool) -> float:
    """z_ref + E·|z_ref| (min) or z_ref − E·|z_ref| (max): the worst objective still within E.
    A reference of 0 gives a band of plans exactly as good (E·0 = 0)."""
    return reference + within * abs(reference) if minimise else reference - within * abs(reference)


def within_slack(reference: float) -> float:
    return WITHIN_TOLERANCE * max(1.0, abs(reference))


def add_within_row(m, data: ModelData, threshold: float, reference: float, minimise: bool) -> None:
    """within: f(x) ≤ threshold + slack (min) or f(x) ≥ threshold − slack (max)."""
    expr, _ = case_objective(m, data)
    slack = within_slack(reference)
    if isinstance(expr, (int, float)):  # no project can change the objective: every plan is within
        return
    m.alt_within = pyo.Constraint(expr=expr <= threshold + slack if minimise else expr >= threshold - slack)


def project_index(data: ModelData) -> dict[str, int]:
    return {p.id: k for k, p in enumerate(data.projects)}


def add_conditions(m, data: ModelData, keep=(), drop=(), keep_enterprises=(), drop_enterprises=()) -> None:
    """keep / drop / keep_enterprise / drop_enterprise rows (see the module docstring), on
    one block ``alt_conditions``.  Ids and enterprise names must be validated already."""
    index = project_index(data)
    block = pyo.Block()
    m.alt_conditions = block
    block.rows = pyo.ConstraintList()
    for pid in keep:
        block.rows.add(_fixed(chosen(m, data, index[pid]), 1))
    for pid in drop:
        block.rows.add(_fixed(chosen(m, data, index[pid]), 0))
    for name in drop_enterprises:
        for k, p in enumerate(data.projects):
            if p.enterprise == name:
                block.rows.add(_fixed(chosen(m, data, k), 0))
    for name in keep_enterprises:
        members = [k for k, p in enumerate(data.projects) if p.enterprise == name]
        total = linear_sum(chosen(m, data, k) for k in members)
        block.rows.add(total >= 1 if not isinstance(total, int) else pyo.Constraint.Infeasible)


def _fixed(expr, value: int):
    """C_p = value; a project without start options has C_p = 0 (a constant)."""
    if isinstance(expr, int):
        return pyo.Constraint.Feasible if expr == value else pyo.Constraint.Infeasible
    return expr == value


def plan_units(data: ModelData, plan: dict, by_start_year: bool) -> frozenset:
    """The units of a plan: project indices, or (with ``by_start_year``) option indices."""
    if not by_start_year:
        index = project_index(data)
        return frozenset(index[pid] for pid in plan)
    return frozenset(i for i, (p, start) in enumerate(data.options)
                     if data.projects[p].id in plan and plan[data.projects[p].id] == start)


def _unit_vars(m, data: ModelData, by_start_year: bool) -> dict[int, object]:
    """y_u for every unit that can be chosen: C_p per selectable project, or x_i per option."""
    if by_start_year:
        return {i: m.x[i] for i in range(len(data.options))}
    return {p: chosen(m, data, p) for p, options in enumerate(data.project_options) if options}


def hamming(m, data: ModelData, units: frozenset, by_start_year: bool):
    """H(x, P) = Σ_{u ∈ P} (1 − y_u) + Σ_{u ∉ P} y_u."""
    ys = _unit_vars(m, data, by_start_year)
    return linear_sum((1 - y) if u in units else y for u, y in ys.items())


def define_spread_objective(m, data: ModelData, reference: float, threshold: float, minimise: bool) -> None:
    """t ∈ [0, |units|] and the objective ``spread`` (inactive until activated)."""
    m.alt_distance = pyo.Var(bounds=(0, max(1, len(data.options))))
    m.alt_spread_rows = pyo.ConstraintList()
    m.alt_no_good = pyo.ConstraintList()
    expr, _ = case_objective(m, data)
    width = abs(reference - threshold)
    tiebreak = 0
    if width > 0 and not isinstance(expr, (int, float)):
        better = (threshold - expr) if minimise else (expr - threshold)
        tiebreak = SPREAD_TIEBREAK / width * better
    m.alt_spread = pyo.Objective(expr=m.alt_distance + tiebreak, sense=pyo.maximize)
    m.alt_spread.deactivate()


def add_plan_rows(m, data: ModelData, units: frozenset, by_start_year: bool) -> None:
    """The no-good cut H(x, P) ≥ 1 and the spread row t ≤ H(x, P) of one plan P."""
    distance = hamming(m, data, units, by_start_year)
    if isinstance(distance, (int, float)):  # nothing can be chosen: no other plan exists
        m.alt_no_good.add(pyo.Constraint.Infeasible if distance < 1 else pyo.Constraint.Feasible)
        return
    m.alt_no_good.add(distance >= 1)
    m.alt_spread_rows.add(m.alt_distance <= distance)


def set_active_objective(m, name: str) -> None:
    """Activate one objective (``objective``, ``alt_spread`` or ``alt_cover``), deactivate the rest."""
    for obj in m.component_objects(pyo.Objective, descend_into=False):
        if obj.local_name == name:
            obj.activate()
        else:
            obj.deactivate()


def set_plan_rows_active(m, active: bool) -> None:
    for component in (m.alt_no_good, m.alt_spread_rows):
        component.activate() if active else component.deactivate()


def force_project(m, data: ModelData, p_index: int, value: int) -> None:
    """force_out (value 0) / force_in (value 1): C_p = value, as ``alt_force``."""
    m.alt_force = pyo.Constraint(expr=_fixed(chosen(m, data, p_index), value))


def release(m) -> None:
    if hasattr(m, "alt_force"):
        m.del_component(m.alt_force)


def define_cover_objective(m, data: ModelData, out_wanted, in_wanted) -> None:
    """``cover``: maximise Σ_{q ∈ out_wanted} (1 − C_q) + Σ_{q ∈ in_wanted} C_q — a witness
    plan that also decides as many other undecided projects as it can (any feasible plan
    proves the class question; the objective only saves re-solves)."""
    if hasattr(m, "alt_cover"):
        m.del_component(m.alt_cover)
    terms = [1 - chosen(m, data, q) for q in out_wanted if data.project_options[q]]
    terms += [chosen(m, data, q) for q in in_wanted if data.project_options[q]]
    m.alt_cover = pyo.Objective(expr=linear_sum(terms) if terms else 0, sense=pyo.maximize)
    set_active_objective(m, "alt_cover")
