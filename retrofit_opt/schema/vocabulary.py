"""The package's vocabulary as data: objectives (``objectives.csv``: name, sense, terms)
and the other names of budget pools and Pareto quantities (``aliases.csv``).

An objective's *terms* are the quantities it adds up — a metric (``energy_saving``, …),
``capex`` or ``npv`` — each with coefficient 1, or ``weights``: the case's weights
parameter.  Its *rank terms* are what one project contributes when projects are ranked
(``min_cost`` ranks by energy saving: cost is what a ranking divides by).  The model
(:mod:`retrofit_opt.model.objective`), the plan evaluation (:mod:`retrofit_opt.evaluate`),
the greedy baselines and the report all read the objectives from here.
"""
from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Mapping

from retrofit_opt.schema import normalise_name

HERE = Path(__file__).parent
WEIGHTS = "weights"  # the terms of an objective that takes the case's weights


@dataclass(frozen=True)
class ObjectiveSpec:
    name: str
    sense: str  # "min" or "max"
    terms: str  # a quantity, or "weights"
    rank_terms: str
    unit: str  # unit of the objective when the case names none ("" for weighted)
    description: str

    @property
    def minimise(self) -> bool:
        return self.sense == "min"

    def coefficients(self, weights: Mapping[str, float] | None = None) -> list[tuple[str, float]]:
        """(quantity, coefficient) pairs of the objective, in the order they are added."""
        return _coefficients(self.terms, weights)

    def rank_coefficients(self, weights: Mapping[str, float] | None = None) -> list[tuple[str, float]]:
        """(quantity, coefficient) pairs of one project's contribution when ranking."""
        return _coefficients(self.rank_terms, weights)

    @property
    def single_quantity(self) -> str | None:
        """The one quantity the objective is (None: weighted)."""
        return None if self.terms == WEIGHTS else self.terms

    @property
    def rank_quantity(self) -> str | None:
        return None if self.rank_terms == WEIGHTS else self.rank_terms


def _coefficients(terms: str, weights) -> list[tuple[str, float]]:
    if terms == WEIGHTS:
        return list((weights or {}).items())
    return [(terms, 1.0)]


@lru_cache(maxsize=None)
def objectives() -> dict[str, ObjectiveSpec]:
    with open(HERE / "objectives.csv", encoding="utf-8", newline="") as fh:
        return {r["name"]: ObjectiveSpec(r["name"], r["sense"], r["terms"], r["rank_terms"], r["unit"],
                                         r["description"]) for r in csv.DictReader(fh)}


def objective(name: str) -> ObjectiveSpec:
    """The objective called ``name``; ValueError for an unknown one."""
    try:
        return objectives()[name]
    except KeyError:
        raise ValueError(f"unknown objective {name!r}") from None


def default_unit(quantity: str) -> str:
    """The unit of ``quantity`` when a case names none: that of the objective it is."""
    return next((o.unit for o in objectives().values() if o.single_quantity == quantity), "")


def objective_sense(name: str) -> str:
    """"min" or "max" (the ``objective_sense`` of the JSON output)."""
    return objective(name).sense


@lru_cache(maxsize=None)
def aliases(kind: str) -> dict[str, str]:
    """Normalised alias → canonical name, for ``kind`` "pool" or "quantity"."""
    with open(HERE / "aliases.csv", encoding="utf-8", newline="") as fh:
        return {normalise_name(r["alias"]): r["name"] for r in csv.DictReader(fh) if r["kind"] == kind}


def pool_alias(text: str) -> str | None:
    """``total`` or ``subsidy`` when ``text`` names one of them (总预算, 补贴资金, …), else None."""
    return aliases("pool").get(normalise_name(text))


def quantity_alias(text: str) -> str | None:
    """``capex`` or ``npv`` when ``text`` names one of them (投资, 净现值, …), else None."""
    return aliases("quantity").get(normalise_name(text))
