"""Seeded, vectorised scenarios of a case's uncertain inputs, and a fixed plan evaluated on
them (issue 14).  numpy and scipy.special only; no Pyomo.

**What is uncertain.**  Per project: the energy saving (``saving_low``/``saving_high``),
the CO2 reduction (``co2_low``/``co2_high``) and the capex (``capex_low``/``capex_high``);
for the case: ``electricity_price``, ``carbon_price`` and ``grid_co2_factor``
(``<key>_low``/``<key>_high`` on the parameters sheet).  A missing end of a range is the
estimate; a quantity without a range is certain.  Everything else (SO2, NOx, water,
``benefit:`` metrics, overlaps of interactions, lifetimes) is taken as certain.

**Distribution** (parameter ``uncertainty_distribution``), of every range alike, on
[low, high] with the estimate m: ``triangular`` (mode m; the default), ``uniform``
(m unused), ``pert`` (Beta-PERT with λ = 4: a + (c−a)·Beta(1 + 4(m−a)/(c−a),
1 + 4(c−m)/(c−a)), mean (a + 4m + c)/6), ``two_point`` (low or high, each with
probability 1/2 — a bracketing case, and the distribution the enumeration oracle checks).

**Correlation** (``uncertainty_correlation`` ρ ∈ [0, 1], ``uncertainty_group`` = category
or sector): a Gaussian copula with one common factor per group.  For project p of group g
and sample k,  Z_kp = √r·F_kg + √(1−r)·ε_kp  with F, ε independent standard normals and
r = 2·sin(πρ/6), and U_kp = Φ(Z_kp).  The value is the distribution's quantile at U.
So ρ is exactly the rank (Spearman) correlation between the values of any two projects of
the same group (Spearman's ρ of a bivariate normal with correlation r is (6/π)·asin(r/2)),
and, for uniform ranges, also their Pearson correlation.  Projects of different groups, and
projects with a blank category/sector (each its own group), are independent.  The saving
and the CO2 of one project share one U (they rise and fall together, comonotone); capex
has its own U (same ρ, its own group factors); the three parameters are independent of
each other and of the projects.

**How the rest follows** (per project, sample k; m_k = saving_k / estimate, 1 if the
estimate is 0):

* CO2: its own range if given, else estimate·m_k; plus, where the tool computed the CO2
  from carriers, (electricity_saving + green_power)·(grid_k − grid)·m_k;
* annual cost saving: (given or computed value, plus for a computed value
  (electricity_saving + green_power)·0.1·(price_k − price) 万元 per MWh at 元/kWh)·m_k —
  the money saved follows the energy saved;
* NPV at the project's start: NPV + annuity·(B_k − B) − PV(capex shares)·(capex_k − capex),
  B the yearly net benefit (cost saving − O&M + CO2·carbon price/10⁴), the annuity
  Σ_j (1+r)^−(b+j) over the lifetime; exact for computed NPVs, a shift for given ones.

With no ranges every sample equals the estimates bit for bit.

API for other studies (e.g. SAA and CVaR in ``model/robust.py``)::

    sample_scenarios(case: Case, n: int = 2000, seed: int | None = 0) -> Scenarios
        .energy_saving, .co2_reduction, .capex, .npv_at_start: float arrays
        [n_samples, n_projects], projects in case.projects order (.project_ids), column-major;
        .parameters["electricity_price" | "carbon_price" | "grid_co2_factor"]: [n_samples]
    evaluate_plan(case, plan, scenarios) -> PlanOutcome   # a fixed plan: arrays [n_samples]
        .targets[i] achieved, .met[i], .shortfall[i] (case.targets order), .spend[j]
        (case.budgets order), .totals["energy_saving" | "co2_reduction" | "capex" | "npv" |
        "objective"]
    project_deviations(case, plan, scenarios, quantity, year) -> [n_samples, n_projects]
    scenario_case(case, scenarios, k) -> Case     # scenario k as a deterministic case
    fixed_scenarios(case, [{"saving:P1": 80}, ...]) -> Scenarios   # chosen input values
    wilson_interval(successes, n) -> (low, high)

NPV of a plan on scenario k: Σ_p x_p · npv_at_start[k, p] / (1 + r)^(start_p − start_year)
(single period: no discounting), which is what ``evaluate_plan`` sums.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Mapping

import numpy as np
from scipy.special import beta as beta_function
from scipy.special import betaincinv, ndtr

from retrofit_opt import economics
from retrofit_opt.case import Case
from retrofit_opt.evaluate import TOLERANCE, Plan, budget_uses, metric_totals, objective_value, target_checks
from retrofit_opt.rules import counts_in_year, metric_total, option_spend, target_row

DISTRIBUTIONS = ("triangular", "uniform", "pert", "two_point")
GROUPINGS = ("category", "sector")
DEFAULT_SAMPLES = 2000
RANGED_PARAMETERS = ("electricity_price", "carbon_price", "grid_co2_factor")
PROJECT_QUANTITIES = ("saving", "co2", "capex")  # prefix of the range columns


# ------------------------------------------------------------------------------ the inputs
@dataclass(frozen=True)
class UncertainInput:
    """One ranged input: a project's saving / co2 / capex, or a case parameter."""

    key: str  # "saving:P1", "co2:P1", "capex:P1" or "param:carbon_price"
    quantity: str  # saving | co2 | capex | electricity_price | carbon_price | grid_co2_factor
    project_id: str | None
    low: float
    estimate: float
    high: float

    @property
    def width(self) -> float:
        return self.high - self.low


_ESTIMATE = {"saving": lambda p: p.metric("energy_saving"), "co2": lambda p: p.metric("co2_reduction"),
             "capex": lambda p: p.capex}


def uncertain_inputs(case: Case) -> list[UncertainInput]:
    """Every input with a range (a missing end being the estimate), projects in case order."""
    inputs = []
    for p in case.projects:
        for q in PROJECT_QUANTITIES:
            low, high = getattr(p, f"{q}_low"), getattr(p, f"{q}_high")
            if low is None and high is None:
                continue
            m = _ESTIMATE[q](p)
            inputs.append(UncertainInput(f"{q}:{p.id}", q, p.id, m if low is None else low, m,
                                         m if high is None else high))
    for key in RANGED_PARAMETERS:
        span = case.parameters.range_of(key)
        if span is not None:
            inputs.append(UncertainInput(f"param:{key}", key, None, span[0], getattr(case.parameters, key), span[1]))
    return inputs


def _project_ranges(case: Case, quantity: str) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(low, estimate, high, has_range) vectors over the case's projects."""
    est = np.array([_ESTIMATE[quantity](p) for p in case.projects], dtype=float)
    low = np.array([getattr(p, f"{quantity}_low") if getattr(p, f"{quantity}_low") is not None else np.nan
                    for p in case.projects], dtype=float)
    high = np.array([getattr(p, f"{quantity}_high") if getattr(p, f"{quantity}_high") is not None else np.nan
                     for p in case.projects], dtype=float)
    has = ~(np.isnan(low) & np.isnan(high))
    return np.where(np.isnan(low), est, low), est, np.where(np.isnan(high), est, high), has


def group_index(case: Case) -> np.ndarray:
    """Index of each project's correlation group: its category (or sector), a blank one
    being a group of its own."""
    by = case.parameters.uncertainty_group
    ids: dict[str, int] = {}
    out = np.empty(len(case.projects), dtype=np.int64)
    for k, p in enumerate(case.projects):
        name = getattr(p, by) or f"\0{p.id}"
        out[k] = ids.setdefault(name, len(ids))
    return out


def latent_loading(correlation: float) -> float:
    """r = 2·sin(πρ/6): the normal correlation whose rank correlation is ρ."""
    return 2.0 * math.sin(math.pi * correlation / 6.0)


# --------------------------------------------------------------------------- quantiles
def quantile(u: np.ndarray, low, mode, high, distribution: str) -> np.ndarray:
    """The distribution's quantile at u ∈ [0, 1] (arrays broadcasting over the last axis)."""
    low, mode, high = np.broadcast_arrays(*(np.asarray(a, dtype=float) for a in (low, mode, high)))
    width = high - low
    safe = np.where(width > 0, width, 1.0)
    if distribution == "uniform":
        x = low + u * width
    elif distribution == "two_point":
        x = np.where(u < 0.5, low, high)
    elif distribution == "triangular":
        left = u < (mode - low) / safe
        x = np.where(left, u, 1.0 - u)  # F(x) on the left of the mode, 1 − F(x) on the right
        x *= width
        x *= np.where(left, mode - low, high - mode)
        np.sqrt(x, out=x)
        x = np.where(left, low + x, high - x)
    elif distribution == "pert":
        alpha = 1.0 + 4.0 * (mode - low) / safe
        x = low + width * pert_unit_quantile(u, alpha)
    else:
        raise ValueError(f"unknown distribution {distribution!r}; use one of {', '.join(DISTRIBUTIONS)}")
    return np.where(width > 0, x, mode)


_PERT_ALPHA_STEP = 0.02  # grid of α ∈ [1, 5] (β = 6 − α)
_PERT_U_NODES = 1024  # u-grid u_i = (1 − cos(π i / N)) / 2: dense at both ends


@lru_cache(maxsize=1)
def _pert_table() -> np.ndarray:
    """Beta(α, 6−α) quantiles on the (α, u) grid, computed once per process."""
    alphas = 1.0 + _PERT_ALPHA_STEP * np.arange(int(round(4.0 / _PERT_ALPHA_STEP)) + 1)
    u = 0.5 * (1.0 - np.cos(np.pi * np.arange(_PERT_U_NODES + 1) / _PERT_U_NODES))
    table = betaincinv(alphas[:, None], 6.0 - alphas[:, None], u[None, :])
    table[:, 0], table[:, -1] = 0.0, 1.0
    return table


def pert_unit_quantile(u: np.ndarray, alpha: np.ndarray) -> np.ndarray:
    """Quantile of Beta(α, 6 − α) on [0, 1] by bilinear interpolation of a table (α step
    0.02, 1,025 u-nodes clustered at the ends).  Against scipy's exact quantile (tests):
    within 10⁻⁴ of the range for u ∈ [10⁻⁴, 1 − 10⁻⁴], 5·10⁻⁴ for u ∈ [10⁻⁵, 1 − 10⁻⁵],
    2·10⁻³ in the outer tails (probability 2·10⁻⁵ in all; there the leading term of the
    incomplete beta function), exact at 0 and 1.  (scipy's own Beta quantile
    takes ~2 s per 10⁶ values; this ~0.05 s.)"""
    table = _pert_table()
    a_pos = np.clip((np.asarray(alpha) - 1.0) / _PERT_ALPHA_STEP, 0.0, table.shape[0] - 1.0)
    u_pos = np.arccos(np.clip(1.0 - 2.0 * u, -1.0, 1.0)) * (_PERT_U_NODES / np.pi)
    a0 = np.minimum(a_pos.astype(np.int64), table.shape[0] - 2)
    u0 = np.minimum(u_pos.astype(np.int64), _PERT_U_NODES - 1)
    s, t = a_pos - a0, u_pos - u0
    x = ((1 - s) * ((1 - t) * table[a0, u0] + t * table[a0, u0 + 1])
         + s * ((1 - t) * table[a0 + 1, u0] + t * table[a0 + 1, u0 + 1]))
    # Outer cells: the leading term of the incomplete beta function, I(x) ≈ x^α / (α·B(α, β)).
    first = 0.5 * (1.0 - math.cos(math.pi / _PERT_U_NODES))
    low_tail, high_tail = u < first, u > 1.0 - first
    if low_tail.any() or high_tail.any():
        alpha = np.broadcast_to(np.asarray(alpha, dtype=float), np.shape(u))
        b = beta_function(alpha, 6.0 - alpha)
        x = np.where(low_tail, (np.clip(u, 0, 1) * alpha * b) ** (1.0 / alpha), x)
        x = np.where(high_tail, 1.0 - (np.clip(1.0 - u, 0, 1) * (6.0 - alpha) * b) ** (1.0 / (6.0 - alpha)), x)
    return x


# --------------------------------------------------------------------------- scenarios
@dataclass(frozen=True)
class Scenarios:
    """``n_samples`` joint draws of every uncertain input and what follows from them.

    Arrays are ``[n_samples, n_projects]`` with projects in ``case.projects`` order
    (``project_ids``); the ``parameters`` arrays are ``[n_samples]``.  ``npv_at_start``
    is each project's NPV valued at its own start year (万元); :func:`evaluate_plan`
    discounts it to the horizon's start for a plan's start years."""

    project_ids: tuple[str, ...]
    energy_saving: np.ndarray  # tce/yr
    co2_reduction: np.ndarray  # t/yr
    capex: np.ndarray  # 万元
    npv_at_start: np.ndarray  # 万元
    parameters: Mapping[str, np.ndarray]  # electricity_price, carbon_price, grid_co2_factor
    seed: int | None = None
    distribution: str = "triangular"
    correlation: float = 0.0
    group_by: str = "category"
    inputs: tuple[UncertainInput, ...] = ()

    @property
    def n_samples(self) -> int:
        return self.energy_saving.shape[0]

    @property
    def n_projects(self) -> int:
        return self.energy_saving.shape[1]

    def column(self, project_id: str) -> int:
        return self.project_ids.index(project_id)


def sample_scenarios(case: Case, n: int = DEFAULT_SAMPLES, seed: int | None = 0) -> Scenarios:
    """``n`` seeded scenarios of ``case``'s uncertain inputs (module docstring).

    The same case, ``n`` and ``seed`` give the same arrays on every run and machine
    (numpy's PCG64 stream, drawn in a fixed order: saving group factors, saving noise,
    capex group factors, capex noise, parameters).  ``seed=None`` draws fresh entropy."""
    if n < 1:
        raise ValueError("the number of samples must be at least 1")
    params = case.parameters
    distribution = params.uncertainty_distribution
    rng = np.random.default_rng(seed)
    groups = group_index(case)
    n_groups = int(groups.max()) + 1 if len(groups) else 0
    r = latent_loading(params.uncertainty_correlation)
    u_saving = _copula(rng, n, groups, n_groups, r)
    u_capex = _copula(rng, n, groups, n_groups, r)
    u_params = ndtr(rng.standard_normal((n, len(RANGED_PARAMETERS))))

    values = {}
    for q, u in (("saving", u_saving), ("co2", u_saving), ("capex", u_capex)):
        low, est, high, has = _project_ranges(case, q)
        x = _filled(est, n)
        if has.any():
            x[:, has] = quantile(u[:, has], low[has], est[has], high[has], distribution)
        values[q] = (x, has)
    del u_saving, u_capex
    drawn = {}
    for j, key in enumerate(RANGED_PARAMETERS):
        estimate = getattr(params, key)
        span = params.range_of(key)
        drawn[key] = (np.full(n, np.nan if estimate is None else float(estimate)) if span is None
                      else quantile(u_params[:, j], span[0], estimate, span[1], distribution))
    return _assemble(case, values, drawn, seed=seed)


def _filled(estimate: np.ndarray, n: int) -> np.ndarray:
    """[n, n_projects] of the estimates, column-major (plans gather columns)."""
    x = np.empty((n, len(estimate)), order="F")
    x[:] = estimate
    return x


def _copula(rng, n: int, groups: np.ndarray, n_groups: int, r: float) -> np.ndarray:
    """U = Φ(√r·F[group] + √(1−r)·ε), [n, n_projects]."""
    factors = rng.standard_normal((n_groups, n)).T
    z = rng.standard_normal((len(groups), n)).T  # column-major: a project's samples are contiguous
    if r > 0:
        z *= math.sqrt(max(0.0, 1.0 - r))
        z += math.sqrt(r) * factors[:, groups]
    return ndtr(z, out=z)


def fixed_scenarios(case: Case, settings: list[dict[str, float]]) -> Scenarios:
    """One scenario per dict of ``settings`` (input key → value, e.g. ``{"saving:P1": 80}``),
    every other input at its estimate; computed by the same rules as the samples.  The
    tornado's one-at-a-time swings use it."""
    n = len(settings)
    values = {}
    for q in PROJECT_QUANTITIES:
        low, est, high, has = _project_ranges(case, q)
        values[q] = (_filled(est, n), has)
    column = {p.id: k for k, p in enumerate(case.projects)}
    drawn = {key: np.full(n, np.nan if getattr(case.parameters, key) is None else float(getattr(case.parameters, key)))
             for key in RANGED_PARAMETERS}
    for k, setting in enumerate(settings):
        for key, value in setting.items():
            kind, name = key.split(":", 1)
            if kind == "param":
                drawn[name][k] = value
            else:
                values[kind][0][k, column[name]] = value
                values[kind][1][column[name]] = True
    return _assemble(case, values, drawn, seed=None)


def _assemble(case: Case, values: dict, drawn: dict, *, seed) -> Scenarios:
    """Saving, CO2, capex and parameter values → the scenario arrays (module docstring)."""
    params = case.parameters
    projects = case.projects
    saving, _ = values["saving"]
    co2_own, co2_has = values["co2"]
    capex, _ = values["capex"]
    est_saving = np.array([p.metric("energy_saving") for p in projects], dtype=float)
    est_co2 = np.array([p.metric("co2_reduction") for p in projects], dtype=float)
    est_capex = np.array([p.capex for p in projects], dtype=float)
    multiplier = np.divide(saving, est_saving, out=np.ones_like(saving), where=est_saving != 0)
    mwh = np.array([p.metric("electricity_saving") + p.metric("green_power") for p in projects], dtype=float)
    co2 = np.where(co2_has, co2_own, est_co2 * multiplier)
    co2_computed = np.array(["co2_reduction" in p.computed for p in projects])
    if co2_computed.any() and mwh.any():
        shift = drawn["grid_co2_factor"] - params.grid_co2_factor
        co2 = co2 + (co2_computed * mwh) * shift[:, None] * multiplier
    cost = np.array([p.annual_cost_saving for p in projects], dtype=float)
    cost = np.broadcast_to(cost, saving.shape)
    if params.electricity_price is not None:
        cost_computed = np.array(["annual_cost_saving" in p.computed for p in projects])
        if cost_computed.any():
            shift = drawn["electricity_price"] - params.electricity_price
            cost = cost + (cost_computed * mwh * 0.1) * shift[:, None]
    cost = cost * multiplier
    opex = np.array([p.opex_change for p in projects], dtype=float)
    carbon = drawn["carbon_price"]
    benefit = cost - opex + co2 * carbon[:, None] / 1e4
    rate = params.discount_rate
    base_benefit = np.array([economics.annual_net_benefit(p, params) for p in projects], dtype=float)
    annuity = np.array([sum(1.0 / (1 + rate) ** (p.build_years + j) for j in range(p.lifetime)) for p in projects])
    capex_pv = np.array([sum(s / (1 + rate) ** k for k, s in enumerate(p.capex_shares)) for p in projects])
    npv0 = np.array([economics.npv_at_start(p, params) for p in projects], dtype=float)
    npv = npv0 + annuity * (benefit - base_benefit) - capex_pv * (capex - est_capex)
    distribution = params.uncertainty_distribution
    saving, co2, capex, npv = (np.asfortranarray(a) for a in (saving, co2, capex, npv))
    return Scenarios(tuple(p.id for p in projects), saving, co2, capex, npv, drawn, seed, distribution,
                     params.uncertainty_correlation, params.uncertainty_group, tuple(uncertain_inputs(case)))


def scenario_case(case: Case, scenarios: Scenarios, k: int) -> Case:
    """The deterministic case of scenario ``k``: every project's saving, CO2, capex and
    yearly cost saving (and a given NPV, shifted) at that scenario's values, and the
    parameters at theirs.  Used to re-solve the tornado's swings, and by the tests as an
    independent check of the vectorised evaluation."""
    import dataclasses
    params = case.parameters
    changes = {key: float(scenarios.parameters[key][k]) for key in RANGED_PARAMETERS
               if getattr(params, key) is not None}
    new_params = dataclasses.replace(params, **changes)
    projects = []
    for j, p in enumerate(case.projects):
        saving, co2, capex = (float(scenarios.energy_saving[k, j]), float(scenarios.co2_reduction[k, j]),
                              float(scenarios.capex[k, j]))
        metrics = dict(p.metrics, energy_saving=saving, co2_reduction=co2)
        changed = dataclasses.replace(p, metrics=metrics, capex=capex)
        # the yearly cost saving that makes the NPV at start equal the scenario's
        rate = params.discount_rate
        annuity = sum(1.0 / (1 + rate) ** (p.build_years + i) for i in range(p.lifetime))
        capex_pv = sum(s / (1 + rate) ** i for i, s in enumerate(p.capex_shares))
        npv = float(scenarios.npv_at_start[k, j])
        if p.npv_given is not None:
            changed = dataclasses.replace(changed, npv_given=npv)
        else:
            carbon = co2 * new_params.carbon_price / 1e4
            cost = (npv + capex_pv * capex) / annuity - carbon + p.opex_change if annuity else p.annual_cost_saving
            changed = dataclasses.replace(changed, annual_cost_saving=cost)
        projects.append(changed)
    return dataclasses.replace(case, projects=tuple(projects), parameters=new_params)


# ------------------------------------------------------------------------ plan outcomes
@dataclass(frozen=True)
class PlanOutcome:
    """A fixed plan on every scenario: arrays ``[n_samples]``.

    ``targets[i]`` is the achieved value of ``case.targets[i]``'s row (intensity targets:
    the saving, against ``required[i]``); ``met[i]`` whether it holds (the tolerance of
    :class:`~retrofit_opt.evaluate.TargetCheck`); ``shortfall[i]`` how much is missing (0
    when met); ``spend[j]`` the spend on ``case.budgets[j]``."""

    targets: tuple[np.ndarray, ...]
    required: tuple[float, ...]
    senses: tuple[str, ...]
    met: tuple[np.ndarray, ...]
    shortfall: tuple[np.ndarray, ...]
    spend: tuple[np.ndarray, ...]
    totals: Mapping[str, np.ndarray]  # energy_saving, co2_reduction, capex, npv, objective
    deterministic: Mapping[str, float] = field(default_factory=dict)


def _delta_sum(matrix: np.ndarray, estimate: np.ndarray, columns: np.ndarray, weights=None) -> np.ndarray:
    """Σ over ``columns`` of (matrix − estimate)·weights, per sample; exactly 0 without ranges."""
    if len(columns) == 0:
        return np.zeros(matrix.shape[0])
    diff = matrix[:, columns] - estimate[columns]
    return diff.sum(axis=1) if weights is None else diff @ weights


def evaluate_plan(case: Case, plan: Plan, scenarios: Scenarios) -> PlanOutcome:
    """The plan's targets, budget spends and totals on every scenario, vectorised: each
    is the deterministic value (:mod:`retrofit_opt.evaluate`) plus the sum over the plan's
    projects of their deviations from the estimates."""
    params = case.parameters
    index = {pid: k for k, pid in enumerate(scenarios.project_ids)}
    est = {"energy_saving": np.array([p.metric("energy_saving") for p in case.projects], dtype=float),
           "co2_reduction": np.array([p.metric("co2_reduction") for p in case.projects], dtype=float),
           "capex": np.array([p.capex for p in case.projects], dtype=float)}
    arrays = {"energy_saving": scenarios.energy_saving, "co2_reduction": scenarios.co2_reduction}

    def counted(year) -> np.ndarray:
        return np.array(sorted(index[pid] for pid, start in plan.items()
                               if counts_in_year(case.project(pid), start, year)), dtype=np.int64)

    deviations: dict = {}

    def total(metric: str, year, deterministic: float) -> np.ndarray:
        if metric not in arrays:
            return np.full(scenarios.n_samples, deterministic)
        if (metric, year) not in deviations:
            deviations[metric, year] = _delta_sum(arrays[metric], est[metric], counted(year))
        return deterministic + deviations[metric, year]

    checks = target_checks(case, plan)
    achieved, required, senses, met, shortfall = [], [], [], [], []
    for target, check in zip(case.targets, checks):
        row = target_row(case, target)
        values = total(row.metric, row.year, check.achieved)
        margin = values - row.rhs if row.sense == ">=" else row.rhs - values
        achieved.append(values)
        required.append(row.rhs)
        senses.append(row.sense)
        met.append(margin >= -TOLERANCE * max(1.0, abs(row.rhs)))
        shortfall.append(np.maximum(-margin, 0.0))
    chosen = np.array(sorted(index[pid] for pid in plan), dtype=np.int64)
    ratio = scenarios.capex[:, chosen] / est["capex"][chosen] - 1.0 if len(chosen) else None
    spend = []
    for use in budget_uses(case, plan):
        weights = np.array([option_spend(case.project(scenarios.project_ids[j]), plan[scenarios.project_ids[j]],
                                         use.budget) for j in chosen])
        spend.append(use.used + (ratio @ weights if ratio is not None else 0.0))
    year = params.end_year if case.multi_year else None
    det = {"energy_saving": metric_total(case, plan, "energy_saving", year),
           "co2_reduction": metric_total(case, plan, "co2_reduction", year),
           "capex": sum(case.project(pid).capex for pid in plan),
           "npv": sum(economics.npv(case.project(pid), params, start) for pid, start in plan.items())}
    totals = {"energy_saving": total("energy_saving", year, det["energy_saving"]),
              "co2_reduction": total("co2_reduction", year, det["co2_reduction"]),
              "capex": det["capex"] + (ratio @ est["capex"][chosen] if ratio is not None else 0.0)}
    discount = np.array([1.0 if plan[scenarios.project_ids[j]] is None or params.start_year is None else
                         (1 + params.discount_rate) ** (plan[scenarios.project_ids[j]] - params.start_year)
                         for j in chosen])
    if len(chosen):
        npv0 = np.array([economics.npv_at_start(case.project(scenarios.project_ids[j]), params) for j in chosen])
        totals["npv"] = det["npv"] + (scenarios.npv_at_start[:, chosen] - npv0) @ (1.0 / discount)
    else:
        totals["npv"] = np.full(scenarios.n_samples, float(det["npv"]))
    totals["objective"] = _objective(case, plan, totals, year)
    deterministic = dict(det, objective=objective_value(case, plan) if params.objective == "weighted" else
                         det[_NAMED_OBJECTIVES[params.objective]])
    return PlanOutcome(tuple(achieved), tuple(required), tuple(senses), tuple(met), tuple(shortfall),
                       tuple(spend), totals, deterministic)


_NAMED_OBJECTIVES = {"max_saving": "energy_saving", "max_co2": "co2_reduction", "min_cost": "capex",
                     "max_npv": "npv"}


def _objective(case: Case, plan: Plan, totals: dict, year) -> np.ndarray:
    """The case's objective on every scenario (weighted: uncertain terms per scenario,
    certain metrics at their deterministic totals)."""
    objective = case.parameters.objective
    if objective in _NAMED_OBJECTIVES:
        return totals[_NAMED_OBJECTIVES[objective]]
    det = metric_totals(case, plan)
    out = np.zeros(totals["capex"].shape[0])
    for name, weight in case.parameters.weights.items():
        if name in totals:
            out = out + weight * totals[name]
        else:
            value = det[name]
            out = out + weight * (value[str(year)] if isinstance(value, dict) else value)
    return out


def project_deviations(case: Case, plan: Plan, scenarios: Scenarios, quantity: str,
                       year: int | None = None) -> np.ndarray:
    """[n_samples, n_projects]: each project's deviation from its estimate in ``quantity``
    (energy_saving, co2_reduction, capex, npv — NPV at the horizon's start) as it enters
    the plan's total: 0 for projects not in the plan (or not counted in ``year``).  The
    columns add up to the total's deviation, so they split its variance among projects."""
    params = case.parameters
    if quantity in ("energy_saving", "co2_reduction"):
        matrix = getattr(scenarios, quantity)
        estimate = np.array([p.metric(quantity) for p in case.projects], dtype=float)
    elif quantity == "capex":
        matrix, estimate = scenarios.capex, np.array([p.capex for p in case.projects], dtype=float)
    elif quantity == "npv":
        matrix = scenarios.npv_at_start
        estimate = np.array([economics.npv_at_start(p, params) for p in case.projects], dtype=float)
    else:
        raise ValueError(f"no deviations for {quantity!r}")
    weight = np.zeros(len(case.projects))
    for k, p in enumerate(case.projects):
        if p.id not in plan:
            continue
        start = plan[p.id]
        if quantity in ("energy_saving", "co2_reduction") and not counts_in_year(p, start, year):
            continue
        weight[k] = 1.0
        if quantity == "npv" and start is not None and params.start_year is not None:
            weight[k] = 1.0 / (1 + params.discount_rate) ** (start - params.start_year)
    return (matrix - estimate) * weight


def wilson_interval(successes: int, n: int, z: float = 1.959963984540054) -> tuple[float, float]:
    """Wilson score interval of a binomial proportion (95 % for the default z):
    (p̂ + z²/2n ± z·√(p̂(1−p̂)/n + z²/4n²)) / (1 + z²/n)."""
    if n <= 0:
        raise ValueError("n must be positive")
    p = successes / n
    denominator = 1.0 + z * z / n
    centre = (p + z * z / (2 * n)) / denominator
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denominator
    return max(0.0, centre - half), min(1.0, centre + half)
