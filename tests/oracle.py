"""An independent oracle for single-period cases: a feasibility checker and a brute-force
enumerator written from PRODUCT.md §2–§3, not from the package's model.

It works on its own plain description of a case (:class:`Problem`, canonical units: money
万元, energy tce/yr, masses t/yr, …) and never imports ``retrofit_opt.model``,
``retrofit_opt.evaluate`` or ``retrofit_opt.economics``.

Semantics for a chosen set S (single period):

* budget rows: pool ``total`` limits Σ capex over S; pool ``subsidy`` limits
  Σ subsidy_rate·capex over S; any other pool q limits Σ (1 − subsidy_rate)·capex over the
  projects of S whose budget_pool is q.
* metric total of m = Σ_{p ∈ S} v_{p,m} − Σ over interaction pairs with both in S of their
  overlap in m (energy_overlap → energy_saving, co2_overlap → co2_reduction).
* targets: min_total: total ≥ value; max_total: total ≤ value.
* mandatory ∈ S, excluded ∉ S, at most one project per exclusive group, p ∈ S ⇒ every
  project p requires ∈ S.
* objectives: max_saving (energy total), max_co2 (CO2 total), min_cost (Σ capex, the only
  minimised one), max_npv (Σ NPV), weighted (Σ w_m·total_m + w_npv·Σ NPV + w_capex·Σ capex).
* NPV of a project: its ``npv`` if given, else
  −capex + Σ_{k=1..lifetime} (annual_cost_saving − opex_change + co2·carbon_price/1e4)/(1+r)^k.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

TOTAL, SUBSIDY = "total", "subsidy"
OVERLAP_METRIC = {"energy": "energy_saving", "co2": "co2_reduction"}
MAX_ENUMERATED = 16
FEAS_TOL = 1e-6  # relative (and absolute below 1) slack on every row, as a solver allows


@dataclass
class Project:
    id: str
    capex: float  # 万元
    metrics: dict[str, float] = field(default_factory=dict)  # canonical units; absent = 0
    annual_cost_saving: float = 0.0  # 万元/yr
    opex_change: float = 0.0  # 万元/yr
    lifetime: int = 15
    npv: float | None = None  # given NPV, 万元
    mandatory: bool = False
    excluded: bool = False
    group: str = ""
    requires: tuple[str, ...] = ()
    pool: str = TOTAL  # budget_pool
    subsidy_rate: float = 0.0

    def metric(self, name: str) -> float:
        return self.metrics.get(name, 0.0)


@dataclass
class Interaction:
    a: str
    b: str
    energy: float = 0.0  # tce/yr lost when both are chosen
    co2: float = 0.0  # t/yr lost when both are chosen

    def overlap(self, metric: str) -> float:
        return {"energy_saving": self.energy, "co2_reduction": self.co2}.get(metric, 0.0)


@dataclass
class Problem:
    projects: list[Project]
    budgets: list[tuple[str, float]] = field(default_factory=list)  # (pool, limit 万元)
    targets: list[tuple[str, str, float]] = field(default_factory=list)  # (metric, kind, value)
    interactions: list[Interaction] = field(default_factory=list)
    objective: str = "max_saving"
    weights: dict[str, float] = field(default_factory=dict)  # metric | "npv" | "capex" → weight
    discount_rate: float = 0.08
    carbon_price: float = 0.0  # 元/t

    @property
    def minimise(self) -> bool:
        return self.objective == "min_cost"

    def by_id(self) -> dict[str, Project]:
        return {p.id: p for p in self.projects}


# ------------------------------------------------------------------ single chosen set
def npv(problem: Problem, p: Project) -> float:
    if p.npv is not None:
        return p.npv
    r = problem.discount_rate
    benefit = p.annual_cost_saving - p.opex_change + p.metric("co2_reduction") * problem.carbon_price / 1e4
    return -p.capex + sum(benefit / (1 + r) ** k for k in range(1, p.lifetime + 1))


def draw(p: Project, pool: str) -> float:
    """万元 project p draws on budget pool ``pool``."""
    if pool == TOTAL:
        return p.capex
    if pool == SUBSIDY:
        return p.subsidy_rate * p.capex
    return (1 - p.subsidy_rate) * p.capex if p.pool == pool else 0.0


def metric_total(problem: Problem, chosen: set[str], metric: str) -> float:
    total = sum(p.metric(metric) for p in problem.projects if p.id in chosen)
    for inter in problem.interactions:
        if inter.a in chosen and inter.b in chosen:
            total -= inter.overlap(metric)
    return total


def objective(problem: Problem, chosen: set[str]) -> float:
    capex = sum(p.capex for p in problem.projects if p.id in chosen)
    if problem.objective == "max_saving":
        return metric_total(problem, chosen, "energy_saving")
    if problem.objective == "max_co2":
        return metric_total(problem, chosen, "co2_reduction")
    if problem.objective == "min_cost":
        return capex
    total_npv = sum(npv(problem, p) for p in problem.projects if p.id in chosen)
    if problem.objective == "max_npv":
        return total_npv
    if problem.objective == "weighted":
        value = 0.0
        for name, w in problem.weights.items():
            value += w * (total_npv if name == "npv" else capex if name == "capex"
                          else metric_total(problem, chosen, name))
        return value
    raise ValueError(problem.objective)


def _slack(rhs: float) -> float:
    return FEAS_TOL * max(1.0, abs(rhs))


def violations(problem: Problem, chosen) -> list[str]:
    """Every rule the chosen set breaks, in words; empty when it is feasible."""
    chosen = set(chosen)
    ids = problem.by_id()
    out = [f"unknown project {pid}" for pid in chosen if pid not in ids]
    for p in problem.projects:
        if p.mandatory and p.id not in chosen:
            out.append(f"mandatory {p.id} not chosen")
        if p.excluded and p.id in chosen:
            out.append(f"excluded {p.id} chosen")
        if p.id in chosen:
            out += [f"{p.id} requires {q}" for q in p.requires if q not in chosen]
    groups: dict[str, list[str]] = {}
    for p in problem.projects:
        if p.group and p.id in chosen:
            groups.setdefault(p.group, []).append(p.id)
    out += [f"group {g}: {members}" for g, members in groups.items() if len(members) > 1]
    for pool, limit in problem.budgets:
        used = sum(draw(p, pool) for p in problem.projects if p.id in chosen)
        if used > limit + _slack(limit):
            out.append(f"budget {pool}: {used} > {limit}")
    for metric, kind, value in problem.targets:
        total = metric_total(problem, chosen, metric)
        if kind == "min_total" and total < value - _slack(value):
            out.append(f"target {metric} ≥ {value}: {total}")
        if kind == "max_total" and total > value + _slack(value):
            out.append(f"target {metric} ≤ {value}: {total}")
    return out


# ------------------------------------------------------------------------ enumeration
@dataclass
class Optimum:
    feasible: bool
    value: float | None = None
    chosen: frozenset = frozenset()
    n_feasible: int = 0  # how many of the 2^n sets are feasible


def brute_force(problem: Problem) -> Optimum:
    """Enumerate all 2^n subsets (vectorised), return the optimum or infeasible.

    The optimal set found here is re-checked with the scalar :func:`violations` and
    :func:`objective`, so the two implementations guard each other."""
    n = len(problem.projects)
    if n > MAX_ENUMERATED:
        raise ValueError(f"{n} projects are too many to enumerate")
    index = {p.id: j for j, p in enumerate(problem.projects)}
    X = ((np.arange(2 ** n)[:, None] >> np.arange(n)[None, :]) & 1).astype(bool)
    Xf = X.astype(float)
    ok = np.ones(2 ** n, dtype=bool)
    for j, p in enumerate(problem.projects):
        if p.mandatory:
            ok &= X[:, j]
        if p.excluded:
            ok &= ~X[:, j]
        for q in p.requires:
            ok &= ~X[:, j] | X[:, index[q]]
    groups: dict[str, list[int]] = {}
    for j, p in enumerate(problem.projects):
        if p.group:
            groups.setdefault(p.group, []).append(j)
    for members in groups.values():
        ok &= X[:, members].sum(axis=1) <= 1

    def total(metric: str) -> np.ndarray:
        values = Xf @ np.array([p.metric(metric) for p in problem.projects])
        for inter in problem.interactions:
            lost = inter.overlap(metric)
            if lost:
                values = values - lost * (X[:, index[inter.a]] & X[:, index[inter.b]])
        return values

    for pool, limit in problem.budgets:
        ok &= Xf @ np.array([draw(p, pool) for p in problem.projects]) <= limit + _slack(limit)
    for metric, kind, value in problem.targets:
        if kind == "min_total":
            ok &= total(metric) >= value - _slack(value)
        else:
            ok &= total(metric) <= value + _slack(value)

    capex = Xf @ np.array([p.capex for p in problem.projects])
    npvs = Xf @ np.array([npv(problem, p) for p in problem.projects])
    obj = problem.objective
    if obj == "max_saving":
        values = total("energy_saving")
    elif obj == "max_co2":
        values = total("co2_reduction")
    elif obj == "min_cost":
        values = capex
    elif obj == "max_npv":
        values = npvs
    else:
        values = np.zeros(2 ** n)
        for name, w in problem.weights.items():
            values = values + w * (npvs if name == "npv" else capex if name == "capex" else total(name))

    count = int(ok.sum())
    if not count:
        return Optimum(False)
    masked = np.where(ok, values, np.inf if problem.minimise else -np.inf)
    best = int(np.argmin(masked) if problem.minimise else np.argmax(masked))
    chosen = frozenset(problem.projects[j].id for j in range(n) if X[best, j])
    value = float(values[best])
    # the vectorised and the scalar implementations must agree on the optimum
    assert not violations(problem, chosen), violations(problem, chosen)
    assert math.isclose(objective(problem, chosen), value, rel_tol=1e-9, abs_tol=1e-9)
    return Optimum(True, value, chosen, count)


def same_value(a: float, b: float) -> bool:
    return math.isclose(a, b, rel_tol=1e-6, abs_tol=1e-6)
