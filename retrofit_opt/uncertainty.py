"""Seeded scenario sampling of a case's uncertain project quantities (numpy, no Pyomo).

MINIMAL STAND-IN written by the robust-optimisation work (issue 14) while the risk
helper's sampler is not yet merged: it samples only what the robust variants read —
energy saving (and CO2 when ``co2_low``/``co2_high`` exist on the project) from a
triangular distribution with mode = the estimate on [low, high], independently per
project, and each project's NPV with its annual cost saving scaled like its energy
saving.  The risk helper's ``sample_scenarios`` (distributions, correlation, capex and
parameter ranges) replaces this module; the interface kept is
``sample_scenarios(case, n, seed) → Samples`` with ``Samples.metric(name)`` and
``Samples.npv`` as arrays of shape (n, number of projects), projects in case order.
"""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import numpy as np

from retrofit_opt import economics
from retrofit_opt.case import Case

RANGED = {"energy_saving": ("saving_low", "saving_high"), "co2_reduction": ("co2_low", "co2_high")}


@dataclass(frozen=True)
class Samples:
    metrics: dict  # metric → ndarray (n, P)
    npv: np.ndarray  # (n, P), 万元
    seed: int

    @property
    def n(self) -> int:
        return self.npv.shape[0]

    def metric(self, name: str) -> np.ndarray:
        return self.metrics[name]


def _triangular(rng, low, mode, high, n):
    width = high - low
    out = np.broadcast_to(mode, (n, mode.size)).copy()
    varied = width > 0
    if varied.any():
        out[:, varied] = rng.triangular(low[varied], mode[varied], high[varied], size=(n, int(varied.sum())))
    return out


def sample_scenarios(case: Case, n: int, seed: int) -> Samples:
    """``n`` seeded scenarios of every project's metrics and NPV."""
    rng = np.random.default_rng(seed)
    projects = case.projects
    metrics = {}
    ratio = np.ones((n, len(projects)))
    for metric in case.metrics:
        mode = np.array([p.metric(metric) for p in projects], dtype=float)
        if metric in RANGED:
            lo_name, hi_name = RANGED[metric]
            low = np.array([min(v, getattr(p, lo_name, None) if getattr(p, lo_name, None) is not None else v)
                            for p, v in zip(projects, mode)])
            high = np.array([max(v, getattr(p, hi_name, None) if getattr(p, hi_name, None) is not None else v)
                             for p, v in zip(projects, mode)])
            values = _triangular(rng, low, mode, high, n)
            if metric == "energy_saving":
                with np.errstate(divide="ignore", invalid="ignore"):
                    ratio = np.where(mode > 0, values / np.where(mode > 0, mode, 1.0), 1.0)
        else:
            values = np.broadcast_to(mode, (n, len(projects))).copy()
        metrics[metric] = values
    params = case.parameters
    nominal = np.array([economics.npv(p, params) for p in projects])
    benefit = np.array([0.0 if p.npv_given is not None else
                        economics.npv(p, params) - economics.npv(dataclasses.replace(p, annual_cost_saving=0.0), params)
                        for p in projects])
    npv = nominal + (ratio - 1.0) * benefit
    return Samples(metrics, npv, seed)
