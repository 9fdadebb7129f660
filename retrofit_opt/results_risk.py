"""Result of the risk study (``retrofit-opt risk``, issue 14): Pyomo-free, with its JSON form.

Kept beside :mod:`retrofit_opt.results` (PLAN.md: a study's result type may live in a
sibling ``results_<name>.py`` while others edit ``results.py``).
"""
from __future__ import annotations

from dataclasses import dataclass, field

from retrofit_opt.results import Result
from retrofit_opt.uncertainty import UncertainInput

QUANTITIES = ("energy_saving", "co2_reduction", "capex", "npv")  # the plan's totals with percentiles


@dataclass(frozen=True)
class Percentiles:
    """P10, P50, P90 (numpy's linear interpolation) and the mean of a sampled quantity."""

    p10: float
    p50: float
    p90: float
    mean: float

    def to_json(self) -> dict:
        return {"p10": self.p10, "p50": self.p50, "p90": self.p90, "mean": self.mean}


@dataclass(frozen=True)
class Driver:
    """A project's share of the variance of a target's metric: Cov(X_p, T) / Var(T), X_p
    its deviation from the estimate and T the plan's total (the shares add up to 1)."""

    project_id: str
    name: str
    variance_share: float

    def to_json(self) -> dict:
        return {"project": self.project_id, "name": self.name, "variance_share": self.variance_share}


@dataclass(frozen=True)
class TargetRisk:
    label: str
    metric: str
    kind: str
    year: int | None
    required: float  # the row's right-hand side (intensity targets: the saving required)
    deterministic: float  # achieved at the estimates
    probability: float  # share of samples meeting the target
    interval: tuple[float, float]  # 95 % Wilson interval of the probability
    expected_shortfall: float  # mean over all samples of max(0, amount missing)
    shortfall_when_missed: float | None  # mean amount missing in the samples that miss
    percentiles: Percentiles  # of the achieved value
    drivers: tuple[Driver, ...] = ()

    def to_json(self) -> dict:
        return {"target": self.label, "metric": self.metric, "kind": self.kind, "year": self.year,
                "required": self.required, "deterministic": self.deterministic,
                "probability": self.probability, "interval": list(self.interval),
                "expected_shortfall": self.expected_shortfall,
                "shortfall_when_missed": self.shortfall_when_missed,
                "percentiles": self.percentiles.to_json(), "drivers": [d.to_json() for d in self.drivers]}


@dataclass(frozen=True)
class BudgetRisk:
    pool: str
    year: int | None
    limit: float
    deterministic: float  # spend at the estimates
    probability: float  # share of samples within the limit
    interval: tuple[float, float]
    expected_overrun: float  # mean of max(0, spend − limit)
    percentiles: Percentiles

    def to_json(self) -> dict:
        return {"pool": self.pool, "year": self.year, "limit": self.limit, "deterministic": self.deterministic,
                "probability": self.probability, "interval": list(self.interval),
                "expected_overrun": self.expected_overrun, "percentiles": self.percentiles.to_json()}


@dataclass(frozen=True)
class TornadoBar:
    """The objective with one input at its low and at its high end, every other input at
    its estimate: re-solved (``objective_low``/``objective_high``; None without a plan, see
    the status) and for the deterministic plan kept fixed (``plan_low``/``plan_high``)."""

    input: UncertainInput
    objective_low: float | None
    objective_high: float | None
    status_low: str
    status_high: str
    plan_low: float
    plan_high: float
    plan_changed_low: bool
    plan_changed_high: bool

    @property
    def swing(self) -> float:
        values = [v for v in (self.objective_low, self.objective_high) if v is not None]
        return max(values) - min(values) if len(values) == 2 else float("inf")

    def to_json(self) -> dict:
        i = self.input
        return {"input": i.key, "quantity": i.quantity, "project": i.project_id, "low": i.low,
                "estimate": i.estimate, "high": i.high, "objective_low": self.objective_low,
                "objective_high": self.objective_high, "status_low": self.status_low,
                "status_high": self.status_high, "plan_objective_low": self.plan_low,
                "plan_objective_high": self.plan_high, "plan_changed_low": self.plan_changed_low,
                "plan_changed_high": self.plan_changed_high}


@dataclass(frozen=True)
class Histogram:
    edges: tuple[float, ...]  # len(counts) + 1 bin edges
    counts: tuple[int, ...]


@dataclass(frozen=True)
class RiskResult:
    deterministic: Result  # the solve whose plan is studied
    samples: int
    seed: int | None
    distribution: str
    correlation: float
    group_by: str
    inputs: tuple[UncertainInput, ...]
    targets: tuple[TargetRisk, ...] = ()
    budgets: tuple[BudgetRisk, ...] = ()
    totals: dict = field(default_factory=dict)  # quantity → Percentiles (energy_saving, co2_reduction, capex, npv)
    objective: Percentiles | None = None
    histograms: dict = field(default_factory=dict)  # "energy_saving", "npv" → Histogram
    tornado: tuple[TornadoBar, ...] = ()
    tornado_limit: int = 0  # at most this many inputs re-solved
    tornado_candidates: int = 0  # inputs with a non-empty range
    timings: dict = field(default_factory=dict)

    @property
    def case(self):
        return self.deterministic.case

    @property
    def has_plan(self) -> bool:
        return self.deterministic.status in ("optimal", "feasible")

    @property
    def exit_code(self) -> int:
        return self.deterministic.exit_code

    def to_json(self) -> dict:
        """The deterministic result's JSON plus ``risk``; probabilities are shares (0–1),
        amounts in the metric's canonical unit, money in 万元."""
        out = self.deterministic.to_json()
        out["risk"] = {
            "samples": self.samples, "seed": self.seed, "distribution": self.distribution,
            "correlation": self.correlation, "group_by": self.group_by,
            "uncertain_inputs": len(self.inputs), "plan": "deterministic" if self.has_plan else None,
            "targets": [t.to_json() for t in self.targets],
            "budgets": [b.to_json() for b in self.budgets],
            "percentiles": {k: v.to_json() for k, v in self.totals.items()},
            "objective": self.objective.to_json() if self.objective else None,
            "tornado": [b.to_json() for b in self.tornado],
            "tornado_limit": self.tornado_limit, "tornado_candidates": self.tornado_candidates,
            "seconds": self.timings,
        }
        return out
