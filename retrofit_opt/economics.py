"""Project economics: cash flows with construction and benefit timing, NPV, payback, IRR,
levelised cost of saved energy, abatement cost and the marginal abatement cost curve.

Units: money 万元 (10k yuan), years; the per-tonne indicators are in 元 (yuan).

Timing convention (PRODUCT.md §2): a project started in year t with b build years pays
its capex in years t … t+b−1 (by its capex shares) and earns its yearly benefit B in years
t+b … t+b+lifetime−1.  As year offsets k = 0, 1, … from its start, the cash flows are

    CF_k = −capex·s_k            for k = 0 … b−1           (s_k: the capex shares, Σ s_k = 1)
    CF_k = B                     for k = b … b+L−1         (L: lifetime)
    CF_{b+L−1} += salvage_value  (the residual value, received with the last benefit)

and each is discounted by (1+r)^k, i.e. to the start year, year offset k counting k
whole periods (the convention of ``numpy_financial.npv``: the first flow is undiscounted).
A project's NPV at the horizon's start is its NPV at t discounted by (1+r)^(t − start).

The yearly benefit is  B = annual_cost_saving − opex_change + co2_reduction·carbon_price/10⁴
(:func:`annual_net_benefit`): the carbon price values each tonne of CO2 reduced.

Two points of view:

* **project** (default everywhere; the ``max_npv`` objective): the whole capex is a cost.
  A subsidy is a transfer inside the economy, not a saving of resources, so it is left out.
* **enterprise** (:func:`npv_enterprise`, ``enterprise=True``): the enterprise pays only
  (1 − subsidy_rate)·capex, the subsidy pool pays the rest; benefits are unchanged.

A project's ``npv`` column (``npv_given``, e.g. from a feasibility study) replaces only
:func:`npv_at_start`/:func:`npv` (and the base of :func:`npv_enterprise`); every other
indicator is computed from the cash flows above — unless the given NPV disagrees with
the cash flows' (:func:`given_npv_contradicts_flows`): then the indicators that would
contradict it (IRR, simple and discounted payback, LCSE, abatement cost) are ``None`` (a
blank cell with a note), never a number beside an NPV it cannot go with (issue 16).

Per-unit indicators use the project's own metrics (gross of pairwise ``interactions``
overlaps, which only exist for pairs) and return ``None`` where the quantity they divide by
is zero or negative, or where the project never pays back.
"""
from __future__ import annotations

import math
from typing import Iterable, NamedTuple, Sequence

from retrofit_opt.case import Parameters, Project


# ----------------------------------------------------------------------- cash-flow maths
def npv_of_flows(flows: Sequence[float], rate: float) -> float:
    """Σ_k flows[k] / (1+rate)^k, the first flow undiscounted (Gitman, *Principles of
    Managerial Finance*; ``numpy_financial.npv``)."""
    factor = 1.0 + rate
    return sum(cf / factor ** k for k, cf in enumerate(flows))


def _npv_or_none(flows: Sequence[float], rate: float) -> float | None:
    """:func:`npv_of_flows` by Horner's rule over v = 1/(1+rate) (one multiplication per
    flow instead of a power); ``None`` where it overflows."""
    v = 1.0 / (1.0 + rate)
    value = 0.0
    for cf in reversed(flows):
        value = value * v + cf
    return value if math.isfinite(value) else None


# Rates scanned for sign changes of the NPV before bisection (−99 % … 10⁶ = 100,000,000 %).
_COARSE_GRID = (-0.99, -0.95, -0.9, -0.8, -0.7, -0.6, -0.5, -0.4, -0.3, -0.2, -0.1, -0.05, 0.0,
                0.05, 0.1, 0.15, 0.2, 0.3, 0.5, 0.75, 1.0, 1.5, 2.0, 3.0, 5.0, 10.0, 20.0, 50.0,
                100.0, 1e3, 1e4, 1e5, 1e6)
_FINE_GRID = tuple(sorted(set(_COARSE_GRID) | {round(-0.99 + 0.01 * i, 2) for i in range(300)}))


def _sign_changes(flows: Sequence[float]) -> int:
    signs = [cf > 0 for cf in flows if cf != 0]
    return sum(1 for a, b in zip(signs, signs[1:]) if a != b)


def _bisect(flows: Sequence[float], lo: float, hi: float, f_lo: float) -> float:
    """Root of the NPV in [lo, hi], where it changes sign; to about 1e-14 in the rate."""
    for _ in range(200):
        mid = 0.5 * (lo + hi)
        f_mid = npv_of_flows(flows, mid)
        if f_mid == 0.0:
            return mid
        if (f_mid < 0) == (f_lo < 0):
            lo, f_lo = mid, f_mid
        else:
            hi = mid
        if hi - lo <= 1e-14 * max(1.0, abs(mid)):
            break
    return 0.5 * (lo + hi)


def _npv_and_slope(flows: Sequence[float], rate: float) -> tuple[float, float]:
    """NPV at ``rate`` and its derivative d NPV / d rate, in one Horner pass over v = 1/(1+rate):
    NPV = Σ cf_k v^k,  d NPV / d rate = −v² Σ k cf_k v^(k−1)."""
    v = 1.0 / (1.0 + rate)
    value = slope = 0.0
    for cf in reversed(flows):
        slope = slope * v + value
        value = value * v + cf
    return value, -v * v * slope


def _newton(flows: Sequence[float], lo: float, hi: float, f_lo: float) -> float:
    """Root of the NPV in [lo, hi], where it changes sign: Newton steps kept inside the
    bracket, which shrinks with every evaluation; a step that would leave it, or an
    evaluation that overflows, hands over to :func:`_bisect` on the current bracket.  To
    about 1e-14 in the rate, like the bisection, in a handful of evaluations."""
    x = 0.5 * (lo + hi)
    for _ in range(60):
        value, slope = _npv_and_slope(flows, x)
        if not (math.isfinite(value) and math.isfinite(slope)):
            break
        if value == 0.0:
            return x
        if (value < 0) == (f_lo < 0):
            lo, f_lo = x, value
        else:
            hi = x
        if slope == 0.0:
            break
        step = value / slope
        nxt = x - step
        if not lo < nxt < hi:
            nxt = 0.5 * (lo + hi)  # Newton would leave the bracket: bisect once
        elif abs(step) <= 1e-15 * max(1.0, abs(x)):
            return nxt
        if hi - lo <= 1e-14 * max(1.0, abs(x)):
            return 0.5 * (lo + hi)
        x = nxt
    return _bisect(flows, lo, hi, f_lo)


def irr_of_flows(flows: Sequence[float]) -> float | None:
    """Internal rate of return: the rate r > −99 % at which :func:`npv_of_flows` is 0.

    The NPV is scanned on a grid of rates from −99 % to 10⁶ for sign changes, and each
    bracketed root is found by Newton's method kept inside the bracket, with bisection as
    the fallback (:func:`_newton`, to ~1e-14).  ``None`` when the NPV never changes
    sign (e.g. all flows of one sign).  Conventional flows (outlays, then income: one sign
    change in the sequence) have exactly one root (Descartes' rule of signs), which is what
    every project here has.  Other flows may have several; then the root closest to 0 is
    returned, as ``numpy_financial.irr`` does by default.
    """
    flows = list(flows)
    changes = _sign_changes(flows)
    if changes == 0:
        return None
    grid = _COARSE_GRID if changes == 1 else _FINE_GRID
    roots = []
    prev_r = prev_v = None
    for r in grid:
        v = _npv_or_none(flows, r)
        if v is None:
            continue
        if v == 0.0:
            roots.append(r)
        elif prev_v is not None and prev_v != 0.0 and (prev_v < 0) != (v < 0):
            roots.append(_newton(flows, prev_r, r, prev_v))
        prev_r, prev_v = r, v
        if roots and changes == 1:
            break
    return min(roots, key=abs) if roots else None


def discounted_payback_of_flows(flows: Sequence[float], rate: float) -> float | None:
    """Years from time 0 until the cumulative discounted cash flow turns non-negative for
    good; fractional by linear interpolation within the year in which it does.

    With D_k = Σ_{i≤k} flows[i]/(1+rate)^i and D_{T−1} < 0 ≤ D_T (the last such crossing):
    payback = (T − 1) + |D_{T−1}| / (D_T − D_{T−1}), the formula of 《建设项目经济评价方法与参数》
    (第三版) for 投资回收期, here on discounted flows.  ``rate = 0`` gives the undiscounted
    (simple) payback.  0 when the cumulative value is never negative; ``None`` when it is
    still negative after the last flow.
    """
    cumulative = 0.0
    previous = 0.0
    payback: float | None = 0.0
    factor = 1.0 + rate
    for k, cf in enumerate(flows):
        previous, cumulative = cumulative, cumulative + cf / factor ** k
        if cumulative < 0:
            payback = None
        elif payback is None:  # crossed from below 0 (so k ≥ 1 and the step is positive)
            payback = (k - 1) + -previous / (cumulative - previous)
    return payback


def capital_recovery_factor(rate: float, years: int) -> float:
    """CRF(r, n) = r(1+r)^n / ((1+r)^n − 1): the level payment over n years (end of year)
    that repays 1 today; 1/n when r = 0."""
    if years <= 0:
        raise ValueError("years must be at least 1")
    if rate == 0:
        return 1.0 / years
    growth = (1.0 + rate) ** years
    return rate * growth / (growth - 1.0)


# ---------------------------------------------------------------------- project cash flows
def annual_net_benefit(project: Project, params: Parameters) -> float:
    """万元/yr: cost saving − extra O&M + CO2 valued at the carbon price."""
    carbon = project.metric("co2_reduction") * params.carbon_price / 1e4
    return project.annual_cost_saving - project.opex_change + carbon


def _capex_paid(project: Project, enterprise: bool) -> float:
    return project.capex * (1.0 - project.subsidy_rate) if enterprise else project.capex


def cash_flows(project: Project, params: Parameters, *, enterprise: bool = False,
               carbon: bool = True) -> list[float]:
    """The project's cash flows (万元) by year offset 0 … b+L−1 from its start year:
    −capex·s_k in the build years, then the yearly net benefit for ``lifetime`` years.

    ``enterprise``: only the enterprise's share (1 − subsidy_rate) of capex.
    ``carbon=False``: the benefit without the carbon-price value of the CO2 reduced.
    """
    capex = _capex_paid(project, enterprise)
    benefit = annual_net_benefit(project, params)
    if not carbon:
        benefit -= project.metric("co2_reduction") * params.carbon_price / 1e4
    flows = [-capex * share for share in project.capex_shares] + [benefit] * project.lifetime
    flows[-1] += project.salvage_value
    return flows


def capex_present_value(project: Project, params: Parameters) -> float:
    """Σ_k capex·s_k / (1+r)^k: the capex valued at the project's start year, 万元."""
    r = params.discount_rate
    return sum(project.capex * share / (1 + r) ** k for k, share in enumerate(project.capex_shares))


def npv_at_start(project: Project, params: Parameters) -> float:
    """NPV valued at the project's own start year, 万元 (the given ``npv`` if any)."""
    if project.npv_given is not None:
        return project.npv_given
    r = params.discount_rate
    capex = capex_present_value(project, params)
    benefit = annual_net_benefit(project, params)
    b = project.build_years
    income = sum(benefit / (1 + r) ** (b + j) for j in range(project.lifetime))
    return income + salvage_present_value(project, params) - capex


def salvage_present_value(project: Project, params: Parameters) -> float:
    """salvage / (1+r)^(b+L−1): the residual value at the project's start year, 万元."""
    if not project.salvage_value:
        return 0.0
    return project.salvage_value / (1 + params.discount_rate) ** (project.build_years + project.lifetime - 1)


def cash_flow_npv(project: Project, params: Parameters) -> float:
    """The NPV of :func:`cash_flows` at the start year, whatever ``npv`` the case gives."""
    return npv_of_flows(cash_flows(project, params), params.discount_rate)


def given_npv_contradicts_flows(project: Project, params: Parameters) -> bool:
    """Does the project's given ``npv`` differ from its cash flows' NPV by more than
    rounding (0.1 % or 0.01 万元)?  Then no indicator derived from the flows agrees with it."""
    if project.npv_given is None:
        return False
    return not math.isclose(project.npv_given, cash_flow_npv(project, params), rel_tol=1e-3, abs_tol=0.01)


def npv(project: Project, params: Parameters, start_year: int | None = None) -> float:
    """NPV at the horizon's start of the project started in ``start_year``, 万元."""
    return at_horizon(npv_at_start(project, params), params, start_year)


def at_horizon(value: float, params: Parameters, start_year: int | None) -> float:
    """A value at a project's start year (万元) discounted to the horizon's start."""
    if start_year is not None and params.start_year is not None:
        value /= (1 + params.discount_rate) ** (start_year - params.start_year)
    return value


def enterprise_npv_at_start(project: Project, params: Parameters) -> float:
    """The enterprise's NPV at the project's own start year, 万元 (:func:`npv_enterprise`)."""
    return npv_at_start(project, params) + project.subsidy_rate * capex_present_value(project, params)


def npv_enterprise(project: Project, params: Parameters, start_year: int | None = None) -> float:
    """The enterprise's NPV, 万元: as :func:`npv`, but the enterprise pays only
    (1 − subsidy_rate)·capex, so  NPV_enterprise = NPV + subsidy_rate·PV(capex)
    (PV at the start year, by the capex shares; then discounted to the horizon's start
    like :func:`npv`).  Equal to :func:`npv` when the project has no subsidy.
    """
    return at_horizon(enterprise_npv_at_start(project, params), params, start_year)


def simple_payback(project: Project, params: Parameters, *, enterprise: bool = False) -> float | None:
    """Years of net benefit to repay capex, capex / B (the construction years not
    counted); None when the project never pays back (B ≤ 0).  ``enterprise``: the
    enterprise's share of capex only.  ``None`` too when a given ``npv`` contradicts the
    flows (:func:`given_npv_contradicts_flows`): e.g. "never pays back" beside a positive
    given NPV (a report tells the two ``None`` apart by asking that function)."""
    if given_npv_contradicts_flows(project, params):
        return None
    benefit = annual_net_benefit(project, params)
    if project.salvage_value and not (benefit > 0 and _capex_paid(project, enterprise) / benefit <= project.lifetime):
        # paid back only at the end, by the residual value (or never): read it off the flows
        years = discounted_payback_of_flows(cash_flows(project, params, enterprise=enterprise), 0.0)
        return None if years is None else years - (project.build_years - 1)
    return _capex_paid(project, enterprise) / benefit if benefit > 0 else None


def discounted_payback(project: Project, params: Parameters, *, enterprise: bool = False,
                       include_construction: bool = False) -> float | None:
    """Discounted payback period, years; ``None`` when the discounted benefits over the
    lifetime never repay the capex.

    Counted like :func:`simple_payback`, in years of operation from the end of
    construction: the time at which the cumulative discounted cash flow
    (:func:`cash_flows`, :func:`discounted_payback_of_flows`) turns non-negative, less the
    b − 1 build years before the last capex payment.  So at a discount rate of 0 it equals
    :func:`simple_payback`, and with b = 1 it is the textbook discounted payback of the
    flows −capex, B, B, ….  ``include_construction=True`` adds the b build years, i.e.
    counts from the start of construction with the construction years in full, as the
    投资回收期 of 《建设项目经济评价方法与参数》 (第三版) does.
    """
    if given_npv_contradicts_flows(project, params):
        return None
    flows = cash_flows(project, params, enterprise=enterprise)
    years = discounted_payback_of_flows(flows, params.discount_rate)
    if years is None:
        return None
    years -= project.build_years - 1
    return years + project.build_years if include_construction else years


def irr(project: Project, params: Parameters, *, enterprise: bool = False) -> float | None:
    """Internal rate of return of :func:`cash_flows` (a fraction, e.g. 0.145 = 14.5 %);
    ``None`` when the flows never change sign (the benefit is not positive).  It does not
    depend on the discount rate or on the start year.  ``None`` too when a given ``npv``
    contradicts the flows (:func:`given_npv_contradicts_flows`)."""
    if given_npv_contradicts_flows(project, params):
        return None
    return irr_of_flows(cash_flows(project, params, enterprise=enterprise))


# ------------------------------------------------------------------ cost per unit saved
def annualised_capex(project: Project, params: Parameters) -> float:
    """万元/yr: the level yearly amount over the lifetime, paid in the benefit years
    b … b+L−1, whose present value equals the capex's:

        A = PV_0(capex) · (1+r)^(b−1) · CRF(r, L)

    i.e. the capex valued at the end of construction (earlier build-year payments
    compounded at r) times the capital recovery factor.  For b = 1: A = CRF(r, L)·capex.
    A salvage value is deducted at its present value (PV_0(capex) − PV_0(salvage)).
    This is the convention that makes the cost indicators consistent with the NPV:
    NPV (carbon price 0) = PV_0(annuity of 1 over the benefit years)·(S − opex − A).
    """
    r = params.discount_rate
    net = capex_present_value(project, params) - salvage_present_value(project, params)
    at_completion = net * (1 + r) ** (project.build_years - 1)
    return at_completion * capital_recovery_factor(r, project.lifetime)


def levelised_cost_of_saved_energy(project: Project, params: Parameters) -> float | None:
    """元/tce: the cost of each tonne of standard coal saved (cost of conserved energy,
    Meier, Wright & Rosenfeld 1983):

        LCSE = (CRF(r, L)·capex + opex_change)·10⁴ / energy_saving

    with the capex valued at the end of construction (:func:`annualised_capex`; for one
    build year CRF(r, L)·capex).  Costs only: the energy-cost saving and the carbon value
    are not subtracted (compare the LCSE with the price of a tce instead).  ``None`` when
    the energy saving is 0 or negative."""
    energy = project.metric("energy_saving")
    if energy <= 0 or given_npv_contradicts_flows(project, params):
        return None
    return (annualised_capex(project, params) + project.opex_change) * 1e4 / energy


def abatement_cost(project: Project, params: Parameters) -> float | None:
    """元/t CO2: the net yearly cost of each tonne of CO2 abated, the height of a bar of the
    marginal abatement cost curve (MACC convention; negative = the project saves money):

        AC = (A + opex_change − annual_cost_saving)·10⁴ / co2_reduction

    with A = :func:`annualised_capex`.  The carbon price is not counted (it is what the
    curve is compared with): AC is the carbon price at which the project's NPV is exactly
    0, so NPV > 0 ⇔ AC < carbon price.  ``None`` when the CO2 reduction is 0 or negative."""
    co2 = project.metric("co2_reduction")
    if co2 <= 0 or given_npv_contradicts_flows(project, params):
        return None
    net = annualised_capex(project, params) + project.opex_change - project.annual_cost_saving
    return net * 1e4 / co2


def cost_per_tce(project: Project) -> float | None:
    """万元 of capex per tce/yr of saving capacity (投资/节能量); None when the saving is ≤ 0."""
    energy = project.metric("energy_saving")
    return project.capex / energy if energy > 0 else None


def cost_per_tco2(project: Project) -> float | None:
    """万元 of capex per t/yr of CO2 reduction capacity; None when the reduction is ≤ 0."""
    co2 = project.metric("co2_reduction")
    return project.capex / co2 if co2 > 0 else None


# ----------------------------------------------------------------------------- the MACC
class MaccPoint(NamedTuple):
    project_id: str
    width: float  # t CO2/yr abated
    height: float  # 元/t CO2 (abatement_cost)


def macc_points(projects: Iterable[Project], params: Parameters, abatement=None) -> list[MaccPoint]:
    """Bars of the marginal abatement cost curve: (project id, width = co2_reduction t/yr,
    height = :func:`abatement_cost` 元/t), sorted by height ascending (ties in the given
    order).  Projects without a positive CO2 reduction have no bar and are left out.
    Pure data: the report draws the curve, each bar starting where the previous ended.
    ``abatement(project)``: the abatement cost already known (a remembered
    :func:`abatement_cost`)."""
    points = []
    for project in projects:
        height = abatement(project) if abatement is not None else abatement_cost(project, params)
        if height is not None:
            points.append(MaccPoint(project.id, project.metric("co2_reduction"), height))
    return sorted(points, key=lambda p: p.height)


def indicators(project: Project, params: Parameters, start_year: int | None = None) -> dict:
    """Every economic indicator of a project, for the Portfolio and Not-selected sheets:
    npv and npv_enterprise (万元, at the horizon's start for ``start_year``),
    simple_payback and discounted_payback (years), irr (fraction), lcse (元/tce),
    abatement_cost (元/t CO2), cost_per_tce (万元 per tce/yr), cost_per_tco2 (万元 per t/yr).
    ``None`` where an indicator is undefined."""
    return {
        "npv": npv(project, params, start_year),
        "npv_enterprise": npv_enterprise(project, params, start_year),
        "simple_payback": simple_payback(project, params),
        "discounted_payback": discounted_payback(project, params),
        "irr": irr(project, params),
        "lcse": levelised_cost_of_saved_energy(project, params),
        "abatement_cost": abatement_cost(project, params),
        "cost_per_tce": cost_per_tce(project),
        "cost_per_tco2": cost_per_tco2(project),
    }
