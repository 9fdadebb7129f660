"""Chu–Beasley multidimensional knapsack instances (OR-Library ``mknapcb*.txt``) as cases,
and the greedy rankings the benchmark compares with the optimiser.

Mapping (``tests/data/orlib/README.md``, which also gives the source and terms): each item is a project with capex 1, its
profit the ``energy_saving``, each weight row a ``benefit:r<i>`` metric with a
``max_total`` target b_i; objective ``max_saving``.  The model retrofit-opt builds is then
exactly max Σ p_j x_j s.t. Σ_j r_ij x_j ≤ b_i, x ∈ {0,1} (plus the fixed-at-0 shortfall
columns).
"""
from __future__ import annotations

import csv
import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from retrofit_opt.case import Case, Parameters, Project, Target

def _data_dir() -> Path:
    """The OR-Library instances committed in tests/data/orlib (``RETROFIT_MKP_DIR`` overrides)."""
    if os.environ.get("RETROFIT_MKP_DIR"):
        return Path(os.environ["RETROFIT_MKP_DIR"])
    return Path(__file__).resolve().parents[1] / "tests" / "data" / "orlib"


DATA_DIR = _data_dir()


@dataclass(frozen=True)
class Instance:
    file: str
    index: int
    profits: np.ndarray  # n
    weights: np.ndarray  # m × n
    capacities: np.ndarray  # m
    best_known: float | None = None
    proven: bool = False
    name: str = ""

    @property
    def n(self) -> int:
        return len(self.profits)

    @property
    def m(self) -> int:
        return len(self.capacities)

    @property
    def tightness(self) -> float:
        return float(np.mean(self.capacities / self.weights.sum(axis=1)))


def read_file(path: str | Path) -> list[tuple[np.ndarray, np.ndarray, np.ndarray]]:
    """(profits, weights m × n, capacities) of every problem in an OR-Library mknap file."""
    numbers = np.array(Path(path).read_text().split(), dtype=float)
    k, pos, problems = int(numbers[0]), 1, []
    for _ in range(k):
        n, m = int(numbers[pos]), int(numbers[pos + 1])
        pos += 3
        profits = numbers[pos:pos + n]
        pos += n
        weights = numbers[pos:pos + m * n].reshape(m, n)
        pos += m * n
        capacities = numbers[pos:pos + m]
        pos += m
        problems.append((profits, weights, capacities))
    return problems


def reference_values(data_dir: Path = DATA_DIR) -> dict[tuple[str, int], dict]:
    with open(data_dir / "mknapcb_reference_values.csv", newline="") as fh:
        return {(r["file"], int(r["index"])): r for r in csv.DictReader(fh)}


def instances(files, data_dir: Path = DATA_DIR, indices=None) -> list[Instance]:
    refs = reference_values(data_dir)
    out = []
    for f in files:
        for k, (p, w, b) in enumerate(read_file(data_dir / f)):
            if indices is not None and k not in indices:
                continue
            ref = refs.get((f, k), {})
            best = float(ref["best_known"]) if ref.get("best_known") else None
            out.append(Instance(f, k, p, w, b, best, ref.get("status", "").lower() == "optimal",
                                ref.get("name", f"{f}:{k}")))
    return out


def to_case(inst: Instance) -> Case:
    from generate import METRIC_UNITS
    rows = [f"benefit:r{i}" for i in range(inst.m)]
    zero = {m: 0.0 for m in METRIC_UNITS}
    projects = tuple(
        Project(id=f"I{j + 1:03d}", name=f"item {j + 1}", row=j + 2, capex=1.0,
                metrics={**zero, "energy_saving": float(inst.profits[j]),
                         **{r: float(inst.weights[i, j]) for i, r in enumerate(rows)}})
        for j in range(inst.n))
    targets = tuple(Target(r, "max_total", float(inst.capacities[i]), row=i + 2) for i, r in enumerate(rows))
    return Case(projects=projects, parameters=Parameters(objective="max_saving"), targets=targets,
                metric_units={**METRIC_UNITS, **{r: "" for r in rows}}, source_name=inst.name)


# ------------------------------------------------------------------------------ greedy
def greedy_fill(inst: Instance, order: np.ndarray) -> float:
    """Take items in ``order``, skipping any that does not fit every row; the profit."""
    load = np.zeros(inst.m)
    total = 0.0
    w, b = inst.weights, inst.capacities + 1e-9
    for j in order:
        new = load + w[:, j]
        if np.all(new <= b):
            load = new
            total += inst.profits[j]
    return total


def _order(keys: np.ndarray) -> np.ndarray:
    return np.lexsort((np.arange(len(keys)), -keys))  # best first, ties by item number


def rule_tightest_row(inst: Instance) -> np.ndarray:
    """Profit per unit of the tightest row (the row with the least capacity / total weight)
    — the spreadsheet rule "benefit per 万元" with that row as the money."""
    k = int(np.argmin(inst.capacities / inst.weights.sum(axis=1)))
    w = inst.weights[k]
    return _order(np.where(w > 0, inst.profits / np.where(w > 0, w, 1.0), np.inf))


def rule_normalised(inst: Instance) -> np.ndarray:
    """Profit per Σ_i r_ij / b_i: every row's weight as a share of its capacity."""
    denom = (inst.weights / inst.capacities[:, None]).sum(axis=0)
    return _order(np.where(denom > 0, inst.profits / np.where(denom > 0, denom, 1.0), np.inf))


def rule_lp_duals(inst: Instance) -> np.ndarray:
    """Profit per Σ_i u_i r_ij with u the LP relaxation's row duals (PERFORMANCE-NOTES:
    "dual-price-weighted cost")."""
    import highspy
    h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    n, m = inst.n, inst.m
    h.addVars(n, np.zeros(n), np.ones(n))
    h.changeObjectiveSense(highspy.ObjSense.kMaximize)
    h.changeColsCost(n, np.arange(n, dtype=np.int32), inst.profits.astype(float))
    w = inst.weights
    starts = (np.arange(m) * n).astype(np.int32)
    h.addRows(m, np.full(m, -np.inf), inst.capacities.astype(float), m * n, starts,
              np.tile(np.arange(n, dtype=np.int32), m), w.reshape(-1).astype(float))
    h.run()
    u = np.abs(np.asarray(h.getSolution().row_dual))
    denom = u @ w
    return _order(np.where(denom > 1e-12, inst.profits / np.where(denom > 1e-12, denom, 1.0), np.inf))


RULES = {"tightest row": rule_tightest_row, "normalised weights": rule_normalised, "LP-dual weights": rule_lp_duals}
