"""The selection model: a Pyomo MILP built from a validated case only.

``build_model`` reads like the formulation's table of contents (``models/formulation.md``);
each family lives in :mod:`retrofit_opt.model.families` under the same name.
"""
from __future__ import annotations

import pyomo.environ as pyo

from retrofit_opt.case import Case
from retrofit_opt.model.data import ModelData
from retrofit_opt.model.families import (define_budget, define_exclusive_group,
                                         define_intensity_reduction, define_mandatory,
                                         define_max_total, define_min_total, define_one_start,
                                         define_overlap, define_prerequisite, define_start_choices,
                                         define_target_values)
from retrofit_opt.model.objective import define_objective

__all__ = ["ModelData", "build_model"]


def build_model(case: Case, *, elastic: bool = False) -> pyo.ConcreteModel:
    """The MILP of ``case``.  With ``elastic``, budget extras e_j and target shortfalls s_k
    are free (non-negative) instead of fixed at 0; the caller sets the objective."""
    data = ModelData.from_case(case)
    m = pyo.ConcreteModel(name="retrofit_portfolio")
    m.data = data  # plain Python object; Pyomo leaves non-component attributes alone
    define_start_choices(m, data)
    define_one_start(m, data)
    define_mandatory(m, data)
    define_exclusive_group(m, data)
    define_prerequisite(m, data)
    define_overlap(m, data)
    define_budget(m, data, elastic)
    define_target_values(m, data, elastic)
    define_min_total(m, data)
    define_max_total(m, data)
    define_intensity_reduction(m, data)
    define_objective(m, data)
    return m
