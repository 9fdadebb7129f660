"""The selection model: a Pyomo MILP built from a validated case only.

``build_model`` reads like the formulation's table of contents (``models/formulation.md``):
it applies :data:`FAMILIES` in order — start_choices, one_start, mandatory, exclusive_group,
prerequisite, overlap, budget, target_values, min_total, max_total, intensity_reduction —
each a ``define_<family>(m, data)`` of :mod:`retrofit_opt.model.families` under the same
name, then the objective.  Every change a
study makes to the model (force a project in or out, elastic rows, ε rows, nested levels,
budget limits) is a function of :mod:`retrofit_opt.model.variants`.

The model carries no case: whoever needs the index sets (to read a plan back, say) keeps
the :class:`ModelData` it was built from and passes it on.
"""
from __future__ import annotations

import pyomo.environ as pyo

from retrofit_opt.case import Case
from retrofit_opt.model.data import ModelData
from retrofit_opt.model.families import FAMILIES, define_families
from retrofit_opt.model.objective import define_objective
from retrofit_opt.model.variants import allow_budget_extra, allow_shortfall

__all__ = ["FAMILIES", "ModelData", "build_model", "define_families"]


def build_model(source: Case | ModelData, *, elastic: bool = False) -> pyo.ConcreteModel:
    """The MILP of a case (or of the :class:`ModelData` computed from one).  With
    ``elastic``, budget extras e_j and target shortfalls s_k are free (non-negative)
    instead of fixed at 0; the caller then sets the objective."""
    data = source if isinstance(source, ModelData) else ModelData.from_case(source)
    m = pyo.ConcreteModel(name="retrofit_portfolio")
    define_families(m, data)
    if elastic:
        allow_budget_extra(m, True)
        allow_shortfall(m, set(m.TARGETS))
    define_objective(m, data)
    return m
