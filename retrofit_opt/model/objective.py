"""Objectives (PRODUCT.md §3, ``schema/objectives.csv``), all maximised except ``min_cost``."""
from __future__ import annotations

import pyomo.environ as pyo

from retrofit_opt.model.data import ModelData
from retrofit_opt.model.families import linear_sum, metric_total
from retrofit_opt.schema.vocabulary import objective as objective_spec


def objective_expression(m, data: ModelData, objective: str, weights=None):
    """The objective's linear expression and its Pyomo sense, from its row of the
    objectives table.

    max_saving: max M_energy(Y);  max_co2: max M_co2(Y)  (Y = the horizon's last year);
    min_cost: min Σ_i capex_p·x_i;  max_npv: max Σ_i NPV_i·x_i;
    weighted: max Σ_m w_m·M_m(Y) + w_npv·Σ NPV_i·x_i + w_capex·Σ capex_p·x_i.
    """
    spec = objective_spec(objective)
    sense = pyo.minimize if spec.minimise else pyo.maximize
    if spec.single_quantity is not None:
        return quantity_expression(m, data, spec.single_quantity), sense
    parts = [weight * quantity_expression(m, data, name) for name, weight in spec.coefficients(weights)]
    return linear_sum(parts), sense


def capex_total(m, data: ModelData):
    return linear_sum(data.project_of(i).capex * m.x[i] for i in range(len(data.options)))


def npv_total(m, data: ModelData):
    return linear_sum(data.npv(i) * m.x[i] for i in range(len(data.options)))


def define_objective(m, data: ModelData) -> None:
    params = data.case.parameters
    expr, sense = objective_expression(m, data, params.objective, params.weights)
    m.objective = pyo.Objective(expr=expr, sense=sense)


def quantity_expression(m, data: ModelData, name: str):
    """The expression of a Pareto quantity: ``capex``, ``npv`` or a metric at the
    evaluation year."""
    if name == "capex":
        return capex_total(m, data)
    if name == "npv":
        return npv_total(m, data)
    return metric_total(m, data, name, data.evaluation_year)
