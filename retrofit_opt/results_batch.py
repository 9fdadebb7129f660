"""Result types of ``retrofit-opt batch`` (Pyomo-free; the roll-up workbook reads these).

Kept beside :mod:`retrofit_opt.results` to avoid merge conflicts while others edit it;
the lead may fold them in.
"""
from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path

COMMANDS = ("solve", "compare", "sweep", "risk")
ROLLUP_METRICS = ("capex", "energy_saving", "co2_reduction", "annual_cost_saving")  # summed across parks
ROLLUP_UNITS = {"capex": "万元", "energy_saving": "tce/yr", "co2_reduction": "t/yr", "annual_cost_saving": "万元/yr"}
OK_STATUSES = ("optimal", "feasible")
ERROR, INTERRUPTED, NOT_RUN = "error", "interrupted", "not run"


@dataclass(frozen=True)
class RunSpec:
    """One run of a batch: which case, which command with which options, where to write."""

    index: int  # 1-based position in the batch
    case: str  # the case path as given (manifest cell or command-line argument)
    path: Path  # the case path resolved (a manifest's relative paths: against its folder)
    command: str  # solve | compare | sweep | risk
    options: tuple  # sorted (name, value) pairs; only what the user set
    output: Path
    park: str  # name in the roll-up (manifest 'park' column, else the case file's stem)
    origin: str = ""  # where the run was given, for messages: "runs row 3" or ""

    def options_dict(self) -> dict:
        return dict(self.options)

    def options_text(self) -> str:
        """Canonical JSON of the options (sorted keys), as recorded in Run info for --resume."""
        return json.dumps(self.options_dict(), sort_keys=True, ensure_ascii=False)


@dataclass(frozen=True)
class ProvinceTarget:
    """A province-level row the parks' plans should add up to (manifest ``province_targets``)."""

    metric: str  # one of ROLLUP_METRICS
    kind: str  # min_total (sum ≥ value) | max_total (sum ≤ value)
    value: float  # in the metric's canonical unit
    label: str = ""  # e.g. 青海省 2025 节能量目标
    row: int | None = None

    def met(self, total: float) -> bool:
        tolerance = 1e-6 * max(1.0, abs(self.value))
        return total >= self.value - tolerance if self.kind == "min_total" else total <= self.value + tolerance


@dataclass(frozen=True)
class RunRecord:
    """One row of the roll-up: what a run gave, or why it gave nothing."""

    index: int
    case: str
    command: str
    park: str
    output: str
    status: str  # optimal | feasible | infeasible | timeout | error | interrupted | not run
    objective: float | None = None
    objective_name: str | None = None
    gap: float | None = None
    targets_met: bool | None = None
    targets_count: int = 0
    targets_met_count: int = 0
    totals: dict = field(default_factory=dict)  # ROLLUP_METRICS of the run's plan (solve; compare: base)
    details: dict = field(default_factory=dict)  # compare: scenarios, meeting, solved; sweep: levels,
    #                                              statuses, pool, least_budget; risk: samples, lowest, target
    error: str | None = None
    seconds: float | None = None
    resumed: bool = False  # skipped by --resume: read back from the existing workbook

    @property
    def succeeded(self) -> bool:
        return self.error is None and self.status not in (ERROR, INTERRUPTED, NOT_RUN)

    @property
    def capex(self) -> float | None:
        return self.totals.get("capex")

    def to_json(self) -> dict:
        """The ``runs`` entry of ``batch --json`` (the issue's keys first)."""
        return {"case": self.case, "command": self.command, "status": self.status, "objective": self.objective,
                "gap": self.gap, "output": self.output, "error": self.error, "park": self.park,
                "targets_met": self.targets_met, "capex": self.capex, "totals": dict(self.totals),
                "seconds": self.seconds, "resumed": self.resumed,
                **({"details": dict(self.details)} if self.details else {})}

    def record_text(self) -> str:
        """This record as JSON, written into the run's Run info so that --resume can list a
        skipped run in the roll-up without solving it again."""
        data = asdict(self)
        data.pop("resumed")
        return json.dumps(data, sort_keys=True, ensure_ascii=False)

    @classmethod
    def from_record_text(cls, text: str, **replace) -> "RunRecord":
        data = json.loads(text)
        data.update(replace)
        return cls(**data)


@dataclass(frozen=True)
class ProvinceLine:
    target: ProvinceTarget
    total: float

    @property
    def met(self) -> bool:
        return self.target.met(self.total)


@dataclass(frozen=True)
class BatchResult:
    runs: list[RunRecord]
    seconds: float
    executor: str  # e.g. "2 worker processes"
    province_targets: tuple[ProvinceTarget, ...] = ()
    interrupted: bool = False
    executor_spec: tuple = ()  # (kind, workers, scheduler), for the roll-up's own wording

    @property
    def failed(self) -> int:
        return sum(1 for r in self.runs if r.status == ERROR)

    def province_runs(self) -> list[RunRecord]:
        """The runs the provincial roll-up sums: each park's successful ``solve`` run."""
        return [r for r in self.runs if r.command == "solve" and r.status in OK_STATUSES]

    def province_totals(self) -> dict[str, float]:
        runs = self.province_runs()
        return {m: sum(r.totals.get(m, 0.0) for r in runs) for m in ROLLUP_METRICS}

    def province_lines(self) -> list[ProvinceLine]:
        totals = self.province_totals()
        return [ProvinceLine(t, totals[t.metric]) for t in self.province_targets]

    @property
    def exit_code(self) -> int:
        """0 every run solved with its targets met; 1 some run failed or missed targets;
        130 interrupted."""
        if self.interrupted:
            return 130
        return 0 if all(r.succeeded and r.targets_met for r in self.runs) else 1

    def to_json(self) -> dict:
        out = {"runs": [r.to_json() for r in self.runs], "failed": self.failed, "seconds": self.seconds,
               "executor": self.executor, "interrupted": self.interrupted}
        if self.province_targets or self.province_runs():
            out["province"] = {"parks": len(self.province_runs()), "totals": self.province_totals(),
                               "units": dict(ROLLUP_UNITS),
                               "targets": [{"label": line.target.label, "metric": line.target.metric,
                                            "kind": line.target.kind, "value": line.target.value,
                                            "total": line.total, "met": line.met}
                                           for line in self.province_lines()]}
        return out
