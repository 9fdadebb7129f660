"""Project economics: NPV with construction and benefit timing, payback.

Timing convention (PRODUCT.md §2): a project started in year t with b build years pays
its capex in years t … t+b−1 (by its capex shares) and earns its yearly benefit in years
t+b … t+b+lifetime−1.  Cash flows are discounted to the start year at the end of each
year offset; a project's NPV at the horizon's start is its NPV at t discounted by
(1+r)^(t − start).
"""
from __future__ import annotations

from retrofit_opt.case import Parameters, Project


def annual_net_benefit(project: Project, params: Parameters) -> float:
    """万元/yr: cost saving − extra O&M + CO2 valued at the carbon price."""
    carbon = project.metric("co2_reduction") * params.carbon_price / 1e4
    return project.annual_cost_saving - project.opex_change + carbon


def npv_at_start(project: Project, params: Parameters) -> float:
    """NPV valued at the project's own start year, 万元."""
    if project.npv_given is not None:
        return project.npv_given
    r = params.discount_rate
    capex = sum(project.capex * share / (1 + r) ** k for k, share in enumerate(project.capex_shares))
    benefit = annual_net_benefit(project, params)
    b = project.build_years
    income = sum(benefit / (1 + r) ** (b + j) for j in range(project.lifetime))
    return income - capex


def npv(project: Project, params: Parameters, start_year: int | None = None) -> float:
    """NPV at the horizon's start of the project started in ``start_year``."""
    value = npv_at_start(project, params)
    if start_year is not None and params.start_year is not None:
        value /= (1 + params.discount_rate) ** (start_year - params.start_year)
    return value


def simple_payback(project: Project, params: Parameters) -> float | None:
    """Years of net benefit to repay capex; None when the project never pays back."""
    benefit = annual_net_benefit(project, params)
    return project.capex / benefit if benefit > 0 else None
