"""Result types of the robust variants (issue 14), Pyomo-free, with their JSON form.

Kept beside :mod:`retrofit_opt.results` while the architecture refactor edits that file;
the lead consolidates.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field


def wilson_interval(successes: int, n: int, z: float = 1.959963984540054) -> tuple[float, float]:
    """95 % Wilson score interval of a binomial proportion (Wilson 1927)."""
    if n <= 0:
        return (0.0, 1.0)
    p = successes / n
    denominator = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denominator
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denominator
    low = 0.0 if successes == 0 else max(0.0, centre - half)
    high = 1.0 if successes == n else min(1.0, centre + half)
    return (min(low, p), max(high, p))  # the bounds bracket p exactly, also after rounding


@dataclass(frozen=True)
class PricePoint:
    """One point of the price of robustness: the best objective when the targets must
    hold against ``gamma`` shortfalls (or with ``confidence``)."""

    gamma: float | None
    confidence: float | None
    status: str
    objective: float | None
    chosen: int


@dataclass(frozen=True)
class TargetRobustness:
    """One target row under the robust variant."""

    label: str
    metric: str
    year: int | None
    required: float
    nominal: float  # the plan's total at the estimates
    worst_case: float | None = None  # Γ-robust: total when the Γ largest deviations occur
    in_sample: float | None = None  # chance: share of the optimisation's scenarios met
    out_of_sample: float | None = None  # share of fresh scenarios met
    interval: tuple[float, float] | None = None  # 95 % Wilson interval of out_of_sample
    deterministic_out_of_sample: float | None = None  # the deterministic plan's share on the same fresh scenarios

    @property
    def robust_met(self) -> bool:
        tol = 1e-6 * max(1.0, abs(self.required))
        if self.worst_case is not None:
            return self.worst_case >= self.required - tol
        return True


@dataclass(frozen=True)
class CvarStats:
    """Mean-CVaR figures of a plan over NPV scenarios (万元)."""

    alpha: float
    risk_aversion: float
    objective: float  # (1 − λ)·E[NPV] − λ·CVaR_α(−NPV)
    expected_npv: float
    cvar_npv: float  # mean NPV of the worst (1 − α) tail = −CVaR_α(−NPV)
    var_npv: float  # the α-VaR of the loss, as an NPV (the tail's upper edge)
    scenarios: int
    out_of_sample_expected: float | None = None
    out_of_sample_cvar: float | None = None
    deterministic_expected: float | None = None  # the expected-NPV-blind (estimate) plan
    deterministic_cvar: float | None = None

    def to_json(self) -> dict:
        return {"alpha": self.alpha, "risk_aversion": self.risk_aversion, "objective": self.objective,
                "expected_npv": self.expected_npv, "cvar_npv": self.cvar_npv, "var_npv": self.var_npv,
                "scenarios": self.scenarios, "out_of_sample_expected_npv": self.out_of_sample_expected,
                "out_of_sample_cvar_npv": self.out_of_sample_cvar,
                "deterministic_plan_expected_npv": self.deterministic_expected,
                "deterministic_plan_cvar_npv": self.deterministic_cvar}


@dataclass(frozen=True)
class RobustRun:
    """A robust solve: the plan (as a :class:`Result`, evaluated at the estimates), the
    variant's figures, and the price of robustness against the deterministic plan."""

    result: object  # retrofit_opt.results.Result (not imported: report/ imports this module)
    kind: str  # gamma | confidence | cvar
    deterministic_objective: float | None
    gamma: float | None = None
    confidence: float | None = None
    samples: int | None = None
    seed: int | None = None
    out_of_sample_seed: int | None = None
    out_of_sample_samples: int | None = None
    price: list[PricePoint] = field(default_factory=list)
    targets: list[TargetRobustness] = field(default_factory=list)
    cvar: CvarStats | None = None
    big_m: dict = field(default_factory=dict)  # target label → (min, max) big-M used

    @property
    def has_plan(self) -> bool:
        return self.result.status in ("optimal", "feasible")

    @property
    def price_of_robustness(self) -> float | None:
        """How much objective the robust plan gives up against the deterministic plan (≥ 0
        up to the solver's gap; for min_cost: the extra cost)."""
        if self.kind == "cvar" or self.deterministic_objective is None or self.result.objective is None:
            return None
        if self.result.options.get("objective") == "min_cost":
            return self.result.objective - self.deterministic_objective
        return self.deterministic_objective - self.result.objective

    @property
    def requirement_met(self) -> bool:
        if not self.has_plan:
            return False
        if self.kind == "gamma":
            return all(t.robust_met for t in self.targets)
        if self.kind == "confidence":
            return all(t.in_sample is not None and t.in_sample >= self.confidence - 1e-12 for t in self.targets)
        return True

    @property
    def exit_code(self) -> int:
        return 0 if self.requirement_met else 1

    def robust_json(self) -> dict:
        out = {"kind": self.kind, "gamma": self.gamma, "confidence": self.confidence,
               "deterministic_objective": self.deterministic_objective,
               "objective": self.result.objective if self.kind != "cvar" else (self.cvar.objective if self.cvar else None),
               "price_of_robustness": self.price_of_robustness, "requirement_met": self.requirement_met,
               "samples": self.samples, "seed": self.seed, "out_of_sample_seed": self.out_of_sample_seed,
               "out_of_sample_samples": self.out_of_sample_samples,
               "price_curve": [{"gamma": p.gamma, "confidence": p.confidence, "status": p.status,
                                "objective": p.objective, "chosen": p.chosen} for p in self.price],
               "targets": [{"target": t.label, "metric": t.metric, "year": t.year, "required": t.required,
                            "nominal": t.nominal if self.has_plan else None,
                            "worst_case": t.worst_case if self.has_plan else None,
                            "in_sample_probability": t.in_sample, "out_of_sample_probability": t.out_of_sample,
                            "out_of_sample_interval": list(t.interval) if t.interval else None,
                            "deterministic_plan_out_of_sample_probability": t.deterministic_out_of_sample}
                           for t in self.targets]}
        if self.big_m:
            out["big_m"] = {label: {"min": lo, "max": hi} for label, (lo, hi) in self.big_m.items()}
        if self.cvar is not None:
            out["cvar"] = self.cvar.to_json()
        return out

    def to_json(self) -> dict:
        out = self.result.to_json()
        out["gamma"] = self.gamma
        out["confidence"] = self.confidence
        out["price_of_robustness"] = self.price_of_robustness
        out["robust"] = self.robust_json()
        return out


@dataclass(frozen=True)
class ScenarioCvarRun:
    """Mean-CVaR over a scenarios sheet (LOGOS's stochastic capital budgeting): one plan
    per scenario, all following one priority order."""

    status: str
    gap: float | None
    names: list[str]
    probabilities: list[float]
    plans: list[dict]  # per scenario: project id → start year
    npv: list[float]  # per scenario: the plan's NPV, 万元
    stats: CvarStats | None
    order: list[str]  # units (project ids or exclusive groups), first funded first
    seconds: float

    def to_json(self) -> dict:
        return {"status": self.status, "gap": self.gap, "order": self.order,
                **(self.stats.to_json() if self.stats else {}),
                "scenarios": [{"name": n, "probability": q, "npv": v, "selected": sorted(plan)}
                              for n, q, v, plan in zip(self.names, self.probabilities, self.npv, self.plans)]}
