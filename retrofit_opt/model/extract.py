"""Read the chosen plan out of a solved Pyomo model."""
from __future__ import annotations

import numpy as np

from retrofit_opt.evaluate import Plan
from retrofit_opt.model.data import ModelData


def extract_plan(model, data: ModelData) -> Plan:
    """Project id → start year of every option with x_i = 1 (``model`` may be one level
    block of the nested model)."""
    plan: Plan = {}
    for i, (p_index, start) in enumerate(data.options):
        value = model.x[i].value
        if value is not None and value > 0.5:
            plan[data.projects[p_index].id] = start
    return plan


def plan_from_values(values, data: ModelData) -> Plan:
    """The plan of option values x_i (indexed by start option, e.g.
    ``ArraySolver.option_values()``): every option with x_i = 1."""
    plan: Plan = {}
    options, projects = data.options, data.projects
    for i in np.flatnonzero(np.asarray(values, dtype=np.float64) > 0.5).tolist():  # in option order
        p_index, start = options[i]
        plan[projects[p_index].id] = start
    return plan
