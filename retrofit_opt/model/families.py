"""The constraint families of the selection model, one function each.

Each function's docstring gives its equation in the notation of ``models/formulation.md``:
x_i ∈ {0,1} for start option i = (p, t); A_p(y) = Σ_{i ∈ O_p, active(i,y)} x_i is project
p's capacity counted at the end of year y (single-period: the one x_p).
"""
from __future__ import annotations

import pyomo.environ as pyo

from retrofit_opt.model.awards import award_terms, define_award_cap
from retrofit_opt.model.data import ModelData


def linear_sum(terms):
    """Linear sum that stays a Pyomo expression (or 0) when ``terms`` is empty."""
    terms = list(terms)
    return pyo.quicksum(terms) if terms else 0


def capacity(m, data: ModelData, p_index: int, year):
    """A_p(y) = Σ_{i ∈ O_p : active(i, y)} x_i."""
    return linear_sum(m.x[i] for i in data.active_options(p_index, year))


def chosen(m, data: ModelData, p_index: int):
    """C_p = Σ_{i ∈ O_p} x_i: project p is selected (in some start year)."""
    return linear_sum(m.x[i] for i in data.project_options[p_index])


def metric_total(m, data: ModelData, metric: str, year):
    """M_m(y) = Σ_p v_{p,m}·A_p(y) − Σ_{(a,b)} o_{ab,m}·z_{ab}(y)."""
    gains = linear_sum(p.metric(metric) * m.x[i]
                 for i in range(len(data.options)) if data.active(i, year)
                 for p in (data.project_of(i),) if p.metric(metric))
    losses = linear_sum(inter.overlaps[metric] * m.z[k, year]
                  for k, inter in enumerate(data.case.interactions) if inter.overlaps.get(metric))
    return gains - losses


def define_start_choices(m, data: ModelData) -> None:
    """x_i ∈ {0, 1} for every start option i = (p, t) of a project that is not excluded
    (``excluded``: a project marked excluded has no options, so x_p = 0)."""
    m.OPTIONS = pyo.RangeSet(0, len(data.options) - 1) if data.options else pyo.Set(initialize=[])
    m.x = pyo.Var(m.OPTIONS, domain=pyo.Binary)


def define_one_start(m, data: ModelData) -> None:
    """one_start: C_p = Σ_{t} x_{p,t} ≤ 1 for every project with several start years."""
    multi = [p for p, opts in enumerate(data.project_options) if len(opts) > 1]
    m.one_start = pyo.Constraint(multi, rule=lambda m, p: chosen(m, data, p) <= 1)


def define_mandatory(m, data: ModelData) -> None:
    """mandatory: C_p = 1 for every mandatory project."""
    rows = [p for p, project in enumerate(data.projects) if project.mandatory]
    m.mandatory = pyo.Constraint(rows, rule=lambda m, p: chosen(m, data, p) == 1)


def define_exclusive_group(m, data: ModelData) -> None:
    """exclusive_group: Σ_{p ∈ g} C_p ≤ 1 for every exclusive group g."""
    groups: dict[str, list[int]] = {}
    for p, project in enumerate(data.projects):
        if project.exclusive_group and data.project_options[p]:
            groups.setdefault(project.exclusive_group, []).append(p)
    names = sorted(g for g, members in groups.items() if len(members) > 1)
    m.exclusive_group = pyo.Constraint(
        names, rule=lambda m, g: linear_sum(chosen(m, data, p) for p in groups[g]) <= 1)


def define_prerequisite(m, data: ModelData) -> None:
    """prerequisite: for p requiring q and every start option (p, t):
    x_{p,t} ≤ Σ_{t' : t' + b_q − 1 ≤ t + b_p − 1} x_{q,t'}
    (q is selected and completed no later than p; single-period: x_p ≤ x_q)."""
    index = {project.id: p for p, project in enumerate(data.projects)}
    rows = []
    for p, project in enumerate(data.projects):
        for required in project.requires:
            for i in data.project_options[p]:
                rows.append((i, index[required]))

    def rule(m, i, q):
        start = data.options[i][1]
        project = data.project_of(i)
        needed = data.projects[q]
        done = [j for j in data.project_options[q]
                if start is None or data.options[j][1] + needed.build_years <= start + project.build_years]
        return m.x[i] <= linear_sum(m.x[j] for j in done)
    m.prerequisite = pyo.Constraint(rows, rule=rule)


def define_overlap(m, data: ModelData) -> None:
    """overlap: z_{ab}(y) = A_a(y)·A_b(y), linearised exactly for binaries:
    z ≥ A_a + A_b − 1,  z ≤ A_a,  z ≤ A_b,  0 ≤ z ≤ 1, for every interaction and every
    year a target or the objective counts."""
    index = {project.id: p for p, project in enumerate(data.projects)}
    keys = [(k, y) for k in range(len(data.case.interactions)) for y in data.overlap_years]
    m.z = pyo.Var(keys, bounds=(0, 1))

    def pair(k):
        inter = data.case.interactions[k]
        return index[inter.project_a], index[inter.project_b]

    def both(m, k, y):
        a, b = pair(k)
        return m.z[k, y] >= capacity(m, data, a, y) + capacity(m, data, b, y) - 1
    m.overlap_both = pyo.Constraint(keys, rule=both)
    m.overlap_a = pyo.Constraint(keys, rule=lambda m, k, y: m.z[k, y] <= capacity(m, data, pair(k)[0], y))
    m.overlap_b = pyo.Constraint(keys, rule=lambda m, k, y: m.z[k, y] <= capacity(m, data, pair(k)[1], y))


def budget_spend(m, data: ModelData, budget):
    """Σ_i s_{i,j}·x_i + awards_j: what the chosen options draw on one budget row."""
    return linear_sum([s * m.x[i] for i in range(len(data.options)) for s in (data.spend(i, budget),) if s]
                      + award_terms(m, data, budget))


def define_budget(m, data: ModelData, elastic: bool = False) -> None:
    """budget: Σ_i s_{i,j}·x_i ≤ L_j (+ e_j when elastic) for every budget row j, where
    s_{i,j} is what option i draws on row j's pool (``total``: all capex; ``subsidy``:
    subsidy_rate·capex; another pool: (1 − subsidy_rate)·capex of the projects it pays
    for) in row j's year (capex spread by the capex profile) or over the horizon, and
    awards_j the awards of the subsidy rules (+ on the rule's pool, − on the own pool)."""
    budgets = data.case.budgets
    m.BUDGETS = pyo.RangeSet(0, len(budgets) - 1) if budgets else pyo.Set(initialize=[])
    m.budget_limit = pyo.Param(m.BUDGETS, initialize={j: b.limit for j, b in enumerate(budgets)}, mutable=True)
    m.budget_extra = pyo.Var(m.BUDGETS, domain=pyo.NonNegativeReals, bounds=(0, None if elastic else 0))

    terms = data.budget_terms()

    def rule(m, j):
        spend = linear_sum([s * m.x[i] for i, s in terms[j]] + award_terms(m, data, budgets[j]))
        if isinstance(spend, int):
            return pyo.Constraint.Feasible if budgets[j].limit >= 0 else pyo.Constraint.Infeasible
        return spend <= m.budget_limit[j] + m.budget_extra[j]
    m.budget = pyo.Constraint(m.BUDGETS, rule=rule)


def define_target_values(m, data: ModelData, elastic: bool = False) -> None:
    """Target right-hand sides V_k (mutable, so sweeps change them in place) and shortfalls
    s_k ≥ 0, fixed at 0 unless the solve is elastic."""
    rows = data.target_rows
    m.TARGETS = pyo.RangeSet(0, len(rows) - 1) if rows else pyo.Set(initialize=[])
    m.target_value = pyo.Param(m.TARGETS, initialize={k: r.rhs for k, r in enumerate(rows)}, mutable=True)
    m.shortfall = pyo.Var(m.TARGETS, domain=pyo.NonNegativeReals, bounds=(0, None if elastic else 0))


def _target_rows(m, data: ModelData, family: str):
    keys = [k for k, row in enumerate(data.target_rows) if row.family == family]

    def rule(m, k):
        row = data.target_rows[k]
        total = metric_total(m, data, row.metric, row.year)
        if row.sense == ">=":
            return total + m.shortfall[k] >= m.target_value[k]
        return total - m.shortfall[k] <= m.target_value[k]
    return pyo.Constraint(keys, rule=rule)


def define_min_total(m, data: ModelData) -> None:
    """min_total: M_m(y) + s_k ≥ V_k for every target 'metric m at least V_k in year y'."""
    m.min_total = _target_rows(m, data, "min_total")


def define_max_total(m, data: ModelData) -> None:
    """max_total: M_m(y) − s_k ≤ V_k for every cap 'metric m at most V_k in year y'."""
    m.max_total = _target_rows(m, data, "max_total")


def define_intensity_reduction(m, data: ModelData) -> None:
    """intensity_reduction: the intensity at year y falls by r % against base year 0,
    (E_bau(y) − M_m(y)) / VA(y) ≤ (1 − r)·E₀/VA₀, written as a required saving
    M_m(y) + s_k ≥ V_k with V_k = E_bau(y) − (1 − r)·(E₀/VA₀)·VA(y)."""
    m.intensity_reduction = _target_rows(m, data, "intensity_reduction")


FAMILIES = (
    define_start_choices,
    define_one_start,
    define_mandatory,
    define_exclusive_group,
    define_prerequisite,
    define_overlap,
    define_award_cap,
    define_budget,
    define_target_values,
    define_min_total,
    define_max_total,
    define_intensity_reduction,
)
"""The constraint families in the order they are built, shared by
:func:`retrofit_opt.model.build_model` and the nested (priority list) model of
:func:`retrofit_opt.model.variants.nested_levels`."""


def define_families(block, data: ModelData) -> None:
    """Every family of :data:`FAMILIES` on ``block`` (a model or one of its blocks)."""
    for define in FAMILIES:
        define(block, data)
