"""The validated case: the only thing the model, the solver and the reports ever see.

All quantities are in canonical units (money 万元, energy tce/yr, electricity MWh/yr,
mass t/yr, gas m³/yr, heat GJ/yr, water m³/yr).  Instances are built by
:mod:`retrofit_opt.validate` and are never mutated afterwards; scenarios derive new cases
with :func:`dataclasses.replace`.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Mapping

TOTAL_POOL = "total"
SUBSIDY_POOL = "subsidy"


def plain_number(value: float) -> str:
    """A number as a planner writes it in a label: 3000000, 12.5 — never 3e+06."""
    if float(value).is_integer() and abs(value) < 1e15:
        return str(int(value))
    text = f"{value:.6g}"
    return f"{value:.6f}".rstrip("0").rstrip(".") if "e" in text else text


@dataclass(frozen=True)
class Project:
    id: str
    name: str
    row: int  # Excel row of the project, for messages
    capex: float
    metrics: Mapping[str, float]  # annual benefits per metric, canonical units
    enterprise: str = ""
    sector: str = ""
    category: str = ""
    annual_cost_saving: float = 0.0  # 万元/yr (given, or carriers × prices)
    opex_change: float = 0.0
    lifetime: int = 15
    earliest_year: int | None = None
    latest_year: int | None = None
    build_years: int = 1
    capex_shares: tuple[float, ...] = (1.0,)  # fractions of capex per build year, sum 1
    npv_given: float | None = None
    mandatory: bool = False
    excluded: bool = False
    exclusive_group: str = ""
    requires: tuple[str, ...] = ()
    budget_pool: str = TOTAL_POOL
    subsidy_rate: float = 0.0
    saving_low: float | None = None
    saving_high: float | None = None
    co2_low: float | None = None  # ranges for the risk study (retrofit_opt.uncertainty); None: the estimate
    co2_high: float | None = None
    capex_low: float | None = None
    capex_high: float | None = None
    computed: frozenset[str] = frozenset()  # metrics computed from carriers, not given
    salvage_value: float = 0.0  # 万元 received at the end of the lifetime (issue 16)
    reinvest_share: float = 0.0  # share of the net yearly saving added to later years' budgets (issue 16)

    def metric(self, name: str) -> float:
        return self.metrics.get(name, 0.0)

    def pool_shares(self) -> dict[str, float]:
        """Share of capex each pool pays: the subsidy pool its rate, the own pool the rest.
        Computed once per project (every budget row of every plan evaluation asks): read
        the dict, do not change it."""
        shares = self.__dict__.get("_pool_shares_cache")
        if shares is None:
            shares = {}
            if self.subsidy_rate > 0:
                shares[SUBSIDY_POOL] = self.subsidy_rate
            if self.subsidy_rate < 1:
                shares[self.budget_pool] = shares.get(self.budget_pool, 0.0) + 1 - self.subsidy_rate
            object.__setattr__(self, "_pool_shares_cache", shares)
        return shares


@dataclass(frozen=True)
class Budget:
    pool: str
    limit: float  # 万元
    year: int | None = None  # None: whole horizon
    row: int | None = None
    group: tuple[str, str] | None = None  # ("enterprise" | "sector" | "category", name): only its projects

    def covers(self, project: "Project") -> bool:
        """Does this row count the project at all (its group, if any, holds the project)?"""
        return self.group is None or getattr(project, self.group[0]) == self.group[1]

    @property
    def label(self) -> str:
        """``pool`` or ``pool [enterprise 企业A]`` — the row's pool and group as a planner reads it."""
        return self.pool if self.group is None else f"{self.pool} [{self.group[0]} {self.group[1]}]"


@dataclass(frozen=True)
class AwardRule:
    """One row of the ``subsidy_rules`` sheet (issue 16): an award per tce of annual energy
    saving (and per t CO2), capped per project and as a share of its capex, drawn from
    ``pool`` and paid in the project's completion year; optionally capped per enterprise
    and year.  ``scope`` says which projects it applies to."""

    name: str
    pool: str
    rate_per_tce: float = 0.0  # 元/tce of annual energy saving
    rate_per_t_co2: float = 0.0  # 元/t of annual CO2 reduction
    cap_per_project: float | None = None  # 万元
    cap_share_of_capex: float | None = None  # 0–1
    cap_per_enterprise_year: float | None = None  # 万元 per enterprise and (completion) year
    scope: tuple[str, tuple[str, ...]] = ("all", ())  # ("all"|"category"|"sector"|"enterprise"|"projects", names)
    row: int | None = None

    def applies_to(self, project: "Project") -> bool:
        kind, names = self.scope
        if kind == "all":
            return True
        if kind == "projects":
            return project.id in names
        return getattr(project, kind) in names

    def entitlement(self, project: "Project") -> float:
        """w_{r,p} = min(rate × saving / 10⁴, cap per project, share × capex) in 万元 — the
        award before any enterprise cap; 0 when the rule does not apply."""
        if not self.applies_to(project):
            return 0.0
        amount = (self.rate_per_tce * project.metric("energy_saving")
                  + self.rate_per_t_co2 * project.metric("co2_reduction")) / 1e4
        if self.cap_per_project is not None:
            amount = min(amount, self.cap_per_project)
        if self.cap_share_of_capex is not None:
            amount = min(amount, self.cap_share_of_capex * project.capex)
        return max(amount, 0.0)


@dataclass(frozen=True)
class Target:
    metric: str
    kind: str  # min_total | max_total | intensity_reduction
    value: float
    year: int | None = None  # None: end of horizon
    base_year: int | None = None
    row: int | None = None

    @property
    def label(self) -> str:
        sign = {"min_total": "≥", "max_total": "≤", "intensity_reduction": "−%"}[self.kind]
        when = f" in {self.year}" if self.year is not None else ""
        return f"{self.metric} {sign} {plain_number(self.value)}{when}"


@dataclass(frozen=True)
class BaselineYear:
    year: int
    energy_consumption: float  # tce
    value_added: float  # 万元
    co2: float | None = None  # t
    water: float | None = None  # m³
    # Energy-intensity accounting (issue 16), tce: deducted from energy_consumption
    feedstock_energy: float = 0.0  # 原料用能, deducted in the base and the target year
    renewable_energy: float = 0.0  # new renewable electricity consumed (physical), deducted
    certificate_energy: float = 0.0  # cross-province green certificates bought, deducted up to the cap


@dataclass(frozen=True)
class Interaction:
    project_a: str
    project_b: str
    overlaps: Mapping[str, float]  # metric → amount lost when both are selected
    row: int | None = None


@dataclass(frozen=True)
class Scenario:
    name: str
    description: str = ""
    overrides: Mapping[str, object] = field(default_factory=dict)
    weight: float = 1.0
    row: int | None = None


@dataclass(frozen=True)
class Parameters:
    objective: str = "max_saving"
    start_year: int | None = None
    end_year: int | None = None
    discount_rate: float = 0.08
    electricity_price: float | None = None  # 元/kWh
    coal_price: float | None = None  # 元/t
    gas_price: float | None = None  # 元/m³
    steam_price: float | None = None  # 元/GJ
    carbon_price: float = 0.0  # 元/t
    electricity_tce_method: str = "calorific"
    green_power_tce_method: str = "electricity"
    electricity_tce_factor: float | None = None  # kgce/kWh; None: the method's default
    coal_tce_factor: float = 0.7143
    gas_tce_factor: float = 1.2143
    steam_tce_factor: float = 0.03412
    grid_co2_factor: float = 0.5703
    coal_co2_factor: float = 1.9003
    gas_co2_factor: float = 2.1622
    steam_co2_factor: float = 0.11
    reinvest_share: float = 0.0  # default of the projects' reinvest_share (issue 16)
    certificate_cap: float = 0.5  # certificates deduct at most this share of the required saving
    time_limit: float = 300.0
    mip_gap: float = 1e-4
    weights: Mapping[str, float] = field(default_factory=dict)  # weighted objective
    # Uncertainty (risk study, retrofit_opt.uncertainty): the distribution of every range, the
    # rank correlation within a group and how groups are formed; ranges of three parameters.
    uncertainty_distribution: str = "triangular"  # triangular | uniform | pert | two_point
    uncertainty_correlation: float = 0.0
    uncertainty_group: str = "category"  # category | sector
    electricity_price_low: float | None = None
    electricity_price_high: float | None = None
    carbon_price_low: float | None = None
    carbon_price_high: float | None = None
    grid_co2_factor_low: float | None = None
    grid_co2_factor_high: float | None = None

    def range_of(self, key: str) -> tuple[float, float] | None:
        """(low, high) of a ranged parameter, a missing end being the estimate; None when
        the parameter has no range (or no estimate)."""
        estimate = getattr(self, key)
        low, high = getattr(self, f"{key}_low"), getattr(self, f"{key}_high")
        if estimate is None or (low is None and high is None):
            return None
        return (estimate if low is None else low, estimate if high is None else high)


@dataclass(frozen=True)
class Case:
    """A validated case.  Built by :func:`retrofit_opt.read_case` (a workbook) or
    ``Case.from_frames`` (pandas DataFrames; attached by the public API in
    ``retrofit_opt/__init__.py``, since building a case means validating it, a layer above
    this module)."""

    projects: tuple[Project, ...]
    parameters: Parameters = Parameters()
    budgets: tuple[Budget, ...] = ()
    targets: tuple[Target, ...] = ()
    baseline: Mapping[int, BaselineYear] = field(default_factory=dict)
    interactions: tuple[Interaction, ...] = ()
    scenarios: tuple[Scenario, ...] = ()
    award_rules: tuple[AwardRule, ...] = ()  # subsidy_rules sheet (issue 16)
    metric_units: Mapping[str, str] = field(default_factory=dict)  # metric → unit label
    language: str = "en"  # language of the case's headers: "en" or "zh"
    source_name: str = ""
    source_sha256: str = ""
    warnings: tuple = ()

    def __post_init__(self):
        object.__setattr__(self, "baseline", MappingProxyType(dict(self.baseline)))

    @property
    def multi_year(self) -> bool:
        return self.parameters.start_year is not None

    @property
    def evaluation_year(self) -> int | None:
        """The year objectives and totals count capacity at: the horizon's last year
        (``None`` in a single-period case)."""
        return self.parameters.end_year if self.multi_year else None

    @property
    def years(self) -> tuple[int, ...]:
        p = self.parameters
        if p.start_year is None:
            return ()
        return tuple(range(p.start_year, p.end_year + 1))

    @property
    def metrics(self) -> tuple[str, ...]:
        return tuple(self.metric_units)

    def project(self, project_id: str) -> Project:
        by_id = self.__dict__.get("_by_id_cache")  # read here first: plan evaluations ask thousands of times
        return (by_id if by_id is not None else self._by_id())[project_id]

    def projects_of(self, project_ids) -> list[Project]:
        """The projects of ``project_ids`` (a plan's keys, say), in their order."""
        by_id = self._by_id()
        return [by_id[pid] for pid in project_ids]

    def interactions_of(self, project_id: str) -> tuple[Interaction, ...]:
        """The interactions project ``project_id`` is part of, in the case's order (the
        index is built once)."""
        cached = self.__dict__.get("_interactions_of_cache")
        if cached is None:
            cached = {}
            for inter in self.interactions:
                cached.setdefault(inter.project_a, []).append(inter)
                if inter.project_b != inter.project_a:
                    cached.setdefault(inter.project_b, []).append(inter)
            object.__setattr__(self, "_interactions_of_cache", cached)
        return tuple(cached.get(project_id, ()))

    def metrics_in_use(self) -> frozenset[str]:
        """The metrics some project of the case has a non-zero value of (computed once)."""
        cached = self.__dict__.get("_metrics_in_use_cache")
        if cached is None:
            cached = metrics_in_use(self.projects)
            object.__setattr__(self, "_metrics_in_use_cache", cached)
        return cached

    def _by_id(self) -> dict[str, Project]:
        cached = self.__dict__.get("_by_id_cache")
        if cached is None:
            cached = {p.id: p for p in self.projects}
            object.__setattr__(self, "_by_id_cache", cached)
        return cached

    def start_years(self, project: Project) -> tuple[int | None, ...]:
        """The start years open to a project: its window within the horizon, finishing
        by the horizon's end.  A single-period case has the one option ``None``."""
        if not self.multi_year:
            return (None,)
        first = max(self.parameters.start_year, project.earliest_year or self.parameters.start_year)
        last = min(self.parameters.end_year - project.build_years + 1,
                   project.latest_year if project.latest_year is not None else self.parameters.end_year)
        return tuple(range(first, last + 1))


def metrics_in_use(projects) -> frozenset[str]:
    """The metrics one of ``projects`` has a non-zero value of (``Project.metric`` true)."""
    return frozenset(name for project in projects for name, value in project.metrics.items() if value)
