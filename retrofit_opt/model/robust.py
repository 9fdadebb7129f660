"""Robust variants of the selection model (issue 14), one function per variant; the
equations are in each docstring and in ``models/formulation.md`` (section "Robust
variants") under the same names.

Notation as in :mod:`retrofit_opt.model.families`; in addition d_{p,m} = v_{p,m} − low_{p,m}
≥ 0 is how far project p's metric m can fall below its estimate
(:func:`retrofit_opt.ranges.deviation`), and a *target row* k is a ``min_total`` or
``intensity_reduction`` row "M_m(y) + s_k ≥ V_k" (``max_total`` caps keep their
deterministic rows: a range on a saving never makes a cap harder to keep).
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import pyomo.environ as pyo

from retrofit_opt import economics
from retrofit_opt.case import Case
from retrofit_opt.model.data import ModelData
from retrofit_opt.model.families import chosen, define_families, metric_total
from retrofit_opt.model.families import linear_sum as _sum
from retrofit_opt.ranges import ROBUST_FAMILIES, deviation

ROW_TOLERANCE = 1e-9


def robust_rows(data: ModelData) -> list[int]:
    """Indices k of the target rows a shortfall can break (min_total, intensity_reduction)."""
    return [k for k, row in enumerate(data.target_rows) if row.family in ROBUST_FAMILIES]


def _deterministic_row(m, data: ModelData, k: int):
    return getattr(m, data.target_rows[k].family)[k]


def _counting_projects(data: ModelData, year) -> list[int]:
    return [p for p in range(len(data.projects)) if data.active_options(p, year)]


# ----------------------------------------------------------------------------- Γ-robust
def define_budgeted_targets(m, data: ModelData, gamma: float) -> None:
    """budgeted_target (Bertsimas & Sim 2004, "The price of robustness"): every target row
    k on metric m in year y holds even if any Γ of its projects fall to their low ends,

        max_{S ⊆ D_k, |S| ≤ Γ} Σ_{p∈S} d_{p,m}·A_p(y)  ≤  M_m(y) + s_k − V_k,

    with D_k = {p : d_{p,m} > 0 and p can count in year y}.  The inner maximum is a
    linear programme whose dual gives, with one dual π_k per row and ρ_{kp} per row and
    project (both ≥ 0):

        budgeted_target:  M_m(y) + s_k − Γ·π_k − Σ_{p∈D_k} ρ_{kp} ≥ V_k
        budgeted_dual:    π_k + ρ_{kp} ≥ d_{p,m}·A_p(y)              for p ∈ D_k
        budgeted_cap:     ρ_{kp} ≤ d_{p,m}·A_p(y)                    for p ∈ D_k

    exact for every Γ ≥ 0 because A_p(y) ∈ {0, 1} (at most one start option counts).
    ``budgeted_cap`` removes no plan (lowering ρ to d·A keeps the dual row, as π ≥ 0, and
    only shrinks the protection) but tightens the LP relaxation: a project left out
    cannot carry protection (about 2× faster on 1,000 generated projects);
    Γ ≥ |D_k| is Soyster's worst case, Γ = 0 the deterministic row.  The row replaces
    the deterministic one; Γ is the mutable ``robust_gamma``, so the price of robustness
    is a sequence of re-solves of one model."""
    keys, pairs, deviations = [], [], {}
    for k in robust_rows(data):
        row = data.target_rows[k]
        members = [p for p in _counting_projects(data, row.year) if deviation(data.projects[p], row.metric) > 0]
        if not members:
            continue
        keys.append(k)
        for p in members:
            pairs.append((k, p))
            deviations[k, p] = deviation(data.projects[p], row.metric)
    m.robust_gamma = pyo.Param(initialize=float(gamma), mutable=True, within=pyo.NonNegativeReals)
    m.ROBUST_ROWS = pyo.Set(initialize=keys)
    m.ROBUST_PAIRS = pyo.Set(initialize=pairs, dimen=2)
    m.robust_pi = pyo.Var(m.ROBUST_ROWS, domain=pyo.NonNegativeReals)
    m.robust_rho = pyo.Var(m.ROBUST_PAIRS, domain=pyo.NonNegativeReals)
    members_of: dict[int, list[int]] = {}
    for k, p in pairs:
        members_of.setdefault(k, []).append(p)

    def target(m, k):
        row = data.target_rows[k]
        protection = m.robust_gamma * m.robust_pi[k] + _sum(m.robust_rho[k, p] for p in members_of[k])
        return metric_total(m, data, row.metric, row.year) + m.shortfall[k] - protection >= m.target_value[k]

    def dual(m, k, p):
        row = data.target_rows[k]
        counted = _sum(m.x[i] for i in data.active_options(p, row.year))
        return m.robust_pi[k] + m.robust_rho[k, p] >= deviations[k, p] * counted
    def cap(m, k, p):
        row = data.target_rows[k]
        return m.robust_rho[k, p] <= deviations[k, p] * _sum(m.x[i] for i in data.active_options(p, row.year))
    for k in keys:
        _deterministic_row(m, data, k).deactivate()
    m.budgeted_target = pyo.Constraint(m.ROBUST_ROWS, rule=target)
    m.budgeted_dual = pyo.Constraint(m.ROBUST_PAIRS, rule=dual)
    m.budgeted_cap = pyo.Constraint(m.ROBUST_PAIRS, rule=cap)


# ----------------------------------------------------------------------------- chance constraints (SAA)
@dataclass(frozen=True)
class ChanceRow:
    """One target row under sample average approximation: its big-M per scenario
    (None: the scenario holds for every plan and has no row) and how many of the N
    scenarios may miss the target."""

    k: int
    big_m: list  # per scenario: M_ks, or None
    allowed_misses: int


def least_row_value(data: ModelData, values: np.ndarray, year) -> np.ndarray:
    """L_s: the least M^s_m(y) any plan can have, per scenario s — the mandatory projects
    that count in year y whatever their start, plus every other negative contribution,
    less every overlap that can occur."""
    least = np.zeros(values.shape[0])
    for p, project in enumerate(data.projects):
        options = data.project_options[p]
        active = data.active_options(p, year)
        if not active:
            continue
        column = values[:, p]
        if project.mandatory and len(active) == len(options):
            least += column
        else:
            least += np.minimum(column, 0.0)
    return least


def chance_rows(data: ModelData, samples: dict, confidence: float) -> list[ChanceRow]:
    """The big-M of every (target row, scenario): M_ks = V_k − L_ks + Σ overlaps, the
    smallest constant for which "M^s(y) + M_ks ≥ V_k" holds for every plan (no plan's
    left side is below L_ks − Σ overlaps).  Scenarios with M_ks ≤ 0 cannot miss."""
    out = []
    for k in robust_rows(data):
        row = data.target_rows[k]
        values = samples[row.metric]
        n = values.shape[0]
        overlaps = sum(max(0.0, inter.overlaps.get(row.metric, 0.0)) for inter in data.case.interactions)
        least = least_row_value(data, values, row.year) - overlaps
        big_m = [float(row.rhs - v) if row.rhs - v > ROW_TOLERANCE * max(1.0, abs(row.rhs)) else None
                 for v in least]
        allowed = int(math.floor((1.0 - confidence) * n + 1e-9))
        out.append(ChanceRow(k, big_m, allowed))
    return out


def define_chance_targets(m, data: ModelData, samples: dict, confidence: float) -> list[ChanceRow]:
    """chance_target (sample average approximation, Luedtke & Ahmed 2008): every target
    row k holds in at least a share P of the N sampled scenarios s, where v^s_{p,m} is
    project p's metric m in scenario s (``samples[m][s, p]``):

        chance_target:  Σ_p v^s_{p,m}·A_p(y) − Σ_{ab} o_{ab,m}·z_{ab}(y) + s_k + M_ks·f_ks ≥ V_k
        chance_count:   Σ_s f_ks ≤ ⌊(1 − P)·N⌋,   f_ks ∈ {0, 1}

    f_ks = 1 lets scenario s miss target k.  M_ks = V_k − L_ks (see :func:`chance_rows`)
    is the tightest big-M valid for every plan; scenarios with M_ks ≤ 0 get no binary.
    The rows replace the deterministic target row (the plan need not meet the estimate
    itself, only P of the scenarios)."""
    rows = chance_rows(data, samples, confidence)
    keys = [(r.k, s) for r in rows for s, big in enumerate(r.big_m) if big is not None]
    m.CHANCE_KEYS = pyo.Set(initialize=keys, dimen=2)
    m.chance_miss = pyo.Var(m.CHANCE_KEYS, domain=pyo.Binary)
    by_k = {r.k: r for r in rows}
    terms: dict[int, list] = {}
    for r in rows:
        row = data.target_rows[r.k]
        terms[r.k] = [(i, data.options[i][0]) for i in range(len(data.options)) if data.active(i, row.year)]

    def target(m, k, s):
        row = data.target_rows[k]
        values = samples[row.metric]
        gains = _sum(float(values[s, p]) * m.x[i] for i, p in terms[k] if values[s, p])
        losses = _sum(inter.overlaps[row.metric] * m.z[j, row.year]
                      for j, inter in enumerate(data.case.interactions) if inter.overlaps.get(row.metric))
        return gains - losses + m.shortfall[k] + by_k[k].big_m[s] * m.chance_miss[k, s] >= m.target_value[k]
    m.chance_target = pyo.Constraint(m.CHANCE_KEYS, rule=target)
    m.chance_count = pyo.Constraint([r.k for r in rows], rule=lambda m, k: _sum(
        m.chance_miss[k, s] for s, big in enumerate(by_k[k].big_m) if big is not None) <= by_k[k].allowed_misses)
    for r in rows:
        _deterministic_row(m, data, r.k).deactivate()
    return rows


# ----------------------------------------------------------------------------- mean-CVaR over sampled NPV
def option_npv(data: ModelData, npv_by_project: np.ndarray) -> np.ndarray:
    """NPV of every start option in every scenario: the project's sampled NPV at its
    start, discounted to the horizon's start like :func:`economics.npv`."""
    params = data.case.parameters
    factors = np.array([economics.at_horizon(1.0, params, start) for _, start in data.options])
    columns = [p for p, _ in data.options]
    return npv_by_project[:, columns] * factors if columns else np.zeros((npv_by_project.shape[0], 0))


def define_mean_cvar_objective(m, data: ModelData, npv_by_project: np.ndarray, alpha: float,
                               risk_aversion: float, probabilities=None) -> None:
    """mean_cvar (LOGOS's risk-based capital budgeting; Rockafellar & Uryasev 2000): with
    NPV^s = Σ_i a^s_i·x_i the plan's NPV in scenario s of probability q_s (1/N for
    samples),

        max (1 − λ)·Σ_s q_s·NPV^s − λ·[u + 1/(1 − α)·Σ_s q_s·ν_s]
        cvar_excess:  ν_s ≥ −NPV^s − u,   ν_s ≥ 0,   u free

    The bracket is CVaR_α of the loss −NPV (u is its VaR at the optimum); λ = 0 is the
    plain expected-NPV (stochastic) plan, λ = 1 the pure CVaR plan.  Replaces the
    model's objective."""
    coef = option_npv(data, npv_by_project)
    n = coef.shape[0]
    q = np.full(n, 1.0 / n) if probabilities is None else np.asarray(probabilities, dtype=float)
    m.SCENARIOS = pyo.RangeSet(0, n - 1)
    m.scenario_npv = pyo.Expression(m.SCENARIOS, rule=lambda m, s: _sum(
        float(coef[s, i]) * m.x[i] for i in range(coef.shape[1]) if coef[s, i]))
    _cvar_objective(m, m.SCENARIOS, lambda s: m.scenario_npv[s], q, alpha, risk_aversion)


def _cvar_objective(m, scenarios, npv_of, q, alpha: float, risk_aversion: float) -> None:
    m.cvar_var = pyo.Var(domain=pyo.Reals)
    m.cvar_excess = pyo.Var(scenarios, domain=pyo.NonNegativeReals)
    m.cvar_tail = pyo.Constraint(scenarios, rule=lambda m, s: m.cvar_excess[s] >= -npv_of(s) - m.cvar_var)
    expected = _sum(float(q[s]) * npv_of(s) for s in scenarios)
    cvar_loss = m.cvar_var + (1.0 / (1.0 - alpha)) * _sum(float(q[s]) * m.cvar_excess[s] for s in scenarios)
    if m.component("objective") is not None:
        m.objective.deactivate()
    m.mean_cvar = pyo.Objective(expr=(1.0 - risk_aversion) * expected - risk_aversion * cvar_loss,
                                sense=pyo.maximize)


# ----------------------------------------------------------------------------- mean-CVaR over a scenarios sheet
def selection_unit(project) -> str:
    """The unit a priority order ranks: an exclusive group (LOGOS's investment with several
    options) or the project itself."""
    return f"group:{project.exclusive_group}" if project.exclusive_group else f"project:{project.id}"


@dataclass
class ScenarioModel:
    model: pyo.ConcreteModel
    datas: list[ModelData] = field(default_factory=list)
    units: list[str] = field(default_factory=list)


def build_scenario_cvar_model(cases: list[Case], probabilities, alpha: float, risk_aversion: float) -> ScenarioModel:
    """priority_order + mean_cvar over the scenarios of a scenarios sheet (LOGOS's
    two-stage stochastic capital budgeting, Idaho National Laboratory): every scenario ω
    (a case with its own budgets, targets and prices, probability q_ω) has its own
    selection x^ω under all of that case's rules, and the selections follow one priority
    order of the units g (a project, or an exclusive group = one investment with options):

        U^ω_g = Σ_{p ∈ g} C^ω_p
        priority_pair:  y_gh + y_hg ≥ 1                   for units g < h, y ∈ {0, 1}
        priority_order: U^ω_g ≥ U^ω_h + y_gh − 1          for g ≠ h and every ω

    (y_gh = 1: g ranks before h, so h is funded only where g is; equivalently the
    scenarios' sets of funded units form a chain).  NPV^ω = Σ_i NPV^ω_i·x^ω_i and the
    objective is ``mean_cvar`` with q_ω.  Size: O(units²·scenarios) rows."""
    datas = [ModelData.from_case(c) for c in cases]
    m = pyo.ConcreteModel(name="scenario_mean_cvar")
    m.SCENARIOS = pyo.RangeSet(0, len(cases) - 1)
    m.scenario = pyo.Block(m.SCENARIOS)
    for s in m.SCENARIOS:
        define_families(m.scenario[s], datas[s])
    base = datas[0]
    units: dict[str, list[int]] = {}
    for p, project in enumerate(base.projects):
        if base.project_options[p]:
            units.setdefault(selection_unit(project), []).append(p)
    names = list(units)
    m.UNIT_PAIRS = pyo.Set(initialize=[(g, h) for g in range(len(names)) for h in range(len(names)) if g != h],
                           dimen=2)
    m.priority = pyo.Var(m.UNIT_PAIRS, domain=pyo.Binary)
    m.priority_pair = pyo.Constraint([(g, h) for g, h in m.UNIT_PAIRS if g < h],
                                     rule=lambda m, g, h: m.priority[g, h] + m.priority[h, g] >= 1)

    def funded(m, s, g):
        return _sum(chosen(m.scenario[s], datas[s], p) for p in units[names[g]])
    keys = [(s, g, h) for s in m.SCENARIOS for g, h in m.UNIT_PAIRS]
    m.priority_order = pyo.Constraint(keys, rule=lambda m, s, g, h:
                                      funded(m, s, g) >= funded(m, s, h) + m.priority[g, h] - 1)
    npv = {s: [d.npv(i) for i in range(len(d.options))] for s, d in enumerate(datas)}
    m.scenario_npv = pyo.Expression(m.SCENARIOS, rule=lambda m, s: _sum(
        npv[s][i] * m.scenario[s].x[i] for i in range(len(npv[s])) if npv[s][i]))
    _cvar_objective(m, m.SCENARIOS, lambda s: m.scenario_npv[s], list(probabilities), alpha, risk_aversion)
    return ScenarioModel(m, datas, names)
