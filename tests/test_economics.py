"""Project economics: NPV, payback, IRR, LCSE, abatement cost, MACC — hand calculations and
published worked examples.

Published examples used (each test names its own):
* L. J. Gitman, *Principles of Managerial Finance, Brief*, 3rd ed., Addison-Wesley 2003,
  pp. 346–348, as worked in the NumPy / numpy-financial documentation of ``npv`` and
  ``irr`` (numpy.org/numpy-financial/latest/irr.html, …/npv.html):
  irr([-100, 39, 59, 55, 20]) = 0.28095, irr([-100, 0, 0, 74]) = −0.0955,
  irr([-100, 100, 0, -7]) = −0.0833, irr([-100, 100, 0, 7]) = 0.06206,
  irr([-5, 10.5, 1, -8, 1]) = 0.0886; npv(0.281, [-100, 39, 59, 55, 20]) = −0.0084785916;
  npv(0.08, [-40000, 5000, 8000, 12000, 30000]) = 3065.22267.
* Present value of an annuity tables (e.g. Gitman, Appendix Table A-4): PVIFA(8 %, 10) =
  6.7101, PVIFA(15 %, 10) = 5.0188, PVIFA(16 %, 10) = 4.8332; so CRF(8 %, 10) = 0.14903
  and a project repaying 5 × its yearly benefit over 10 years earns ≈ 15.10 %.
* 《建设项目经济评价方法与参数》(第三版), NDRC & MOHURD 2006: 投资回收期
  Pt = T − 1 + |Σ_{i=1}^{T−1}(CI − CO)_i| / (CI − CO)_T, counted from the start of construction.
* Cost of conserved energy CCE = (CRF·I + ΔO&M)/ΔE: Meier, Wright & Rosenfeld, *Supplying
  Energy Through Greater Efficiency*, University of California Press 1983.
* MACC convention (bar height = net annualised cost per tonne, negative = saves money):
  McKinsey & Company, *Pathways to a Low-Carbon Economy*, 2009.
* Ganhe 2024 report (shared/seeds/000; PRODUCT.md §7): 104,400 万元 for 35,300 tce/yr →
  2.96 万元 per tce/yr (tests/test_accounting.py::test_ganhe_average_investment_per_tce).
"""
from __future__ import annotations

import dataclasses
import math
from fractions import Fraction

import pytest

from retrofit_opt import economics as e
from retrofit_opt.case import Parameters, Project


def project(capex=1000.0, saving=200.0, *, energy=500.0, co2=1000.0, lifetime=10, shares=(1.0,), opex=0.0,
            subsidy=0.0, npv_given=None, pid="A") -> Project:
    return Project(pid, pid, 2, capex, {"energy_saving": energy, "co2_reduction": co2},
                   annual_cost_saving=saving, opex_change=opex, lifetime=lifetime, build_years=len(shares),
                   capex_shares=tuple(shares), subsidy_rate=subsidy, npv_given=npv_given)


def P(**overrides) -> Parameters:
    return dataclasses.replace(Parameters(), **overrides)


R8 = Parameters()  # discount rate 8 %, carbon price 0
PVIFA_8_10 = (1 - 1.08 ** -10) / 0.08  # 6.7101


# ------------------------------------------------------------------ flows: NPV and IRR
def test_npv_of_flows_published_examples():
    """Gitman (2003) p. 346 via the numpy docs: npv(0.281, [-100, 39, 59, 55, 20]) =
    −0.0084785916384548798 (0.281 is close to the IRR); numpy-financial's npv example:
    $40,000 invested, $5,000, 8,000, 12,000, 30,000 back, 8 % → 3,065.22267."""
    assert e.npv_of_flows([-100, 39, 59, 55, 20], 0.281) == pytest.approx(-0.0084785916384548798, rel=1e-10)
    assert round(e.npv_of_flows([-40_000, 5_000, 8_000, 12_000, 30_000], 0.08), 5) == 3065.22267


def test_npv_of_flows_hand_calculation_exact():
    """−100, 30, 40, 50, 20 at 10 %: 30/1.1 + 40/1.21 + 50/1.331 + 20/1.4641 − 100
    = 27.2727 + 33.0579 + 37.5657 + 13.6603 − 100 = 11.5566 (exactly, in fractions)."""
    exact = sum(Fraction(cf) / Fraction(11, 10) ** k for k, cf in enumerate([-100, 30, 40, 50, 20]))
    assert float(exact) == pytest.approx(11.556587664777, abs=1e-11)
    assert e.npv_of_flows([-100, 30, 40, 50, 20], 0.10) == pytest.approx(float(exact), rel=1e-14)
    irr = e.irr_of_flows([-100, 30, 40, 50, 20])
    assert e.npv_of_flows([-100, 30, 40, 50, 20], 0.15) > 0 > e.npv_of_flows([-100, 30, 40, 50, 20], 0.16)
    assert irr == pytest.approx(0.15322, abs=5e-6)
    assert e.npv_of_flows([-100, 30, 40, 50, 20], irr) == pytest.approx(0.0, abs=1e-10)


@pytest.mark.parametrize("flows, expected", [
    ([-100, 39, 59, 55, 20], 0.28095),
    ([-100, 0, 0, 74], -0.0955),
    ([-100, 100, 0, -7], -0.0833),  # two sign changes: the root closest to 0, as numpy-financial
    ([-100, 100, 0, 7], 0.06206),
    ([-5, 10.5, 1, -8, 1], 0.0886),
])
def test_irr_of_flows_published_examples(flows, expected):
    """Gitman (2003) p. 348, the five examples of the numpy / numpy-financial irr docs."""
    assert round(e.irr_of_flows(flows), 5) == expected  # the docs print round(irr(...), 5)
    assert e.npv_of_flows(flows, e.irr_of_flows(flows)) == pytest.approx(0.0, abs=1e-9)


def test_irr_two_period_closed_form():
    """−4,000, +2,000, +4,000: with x = 1/(1+r), 4,000x² + 2,000x − 4,000 = 0 →
    x = (√17 − 1)/4, so IRR = (√17 − 3)/4 = 28.078 %."""
    assert e.irr_of_flows([-4000, 2000, 4000]) == pytest.approx((math.sqrt(17) - 3) / 4, abs=1e-12)


def test_irr_none_without_a_sign_change():
    assert e.irr_of_flows([-100, -5, -5]) is None
    assert e.irr_of_flows([100, 5]) is None
    assert e.irr_of_flows([0, 0]) is None
    assert e.irr_of_flows([]) is None


def test_irr_extreme_rates():
    assert e.irr_of_flows([-1, 1000]) == pytest.approx(999.0, rel=1e-12)  # 99,900 %
    assert e.irr_of_flows([-100, 2]) == pytest.approx(-0.98, rel=1e-12)
    long_poor = [-100] + [1] * 60  # 60 years of 1 % back: a negative IRR (60 < 100)
    irr = e.irr_of_flows(long_poor)
    assert -0.02 < irr < -0.01 and e.npv_of_flows(long_poor, irr) == pytest.approx(0.0, abs=1e-9)


def test_discounted_payback_of_flows_hand_calculation():
    """Gitman's flows −100, 39, 59, 55, 20 at 10 %: discounted 35.455, 48.760, 41.322 →
    cumulative −64.545, −15.785, +25.537: payback = 2 + 15.785/41.322 = 2.382 years.
    Undiscounted: −61, −2, +53 → 2 + 2/55 = 2.0364 years."""
    assert e.discounted_payback_of_flows([-100, 39, 59, 55, 20], 0.10) == pytest.approx(2.38200, abs=5e-6)
    assert e.discounted_payback_of_flows([-100, 39, 59, 55, 20], 0.0) == pytest.approx(2 + 2 / 55, rel=1e-14)
    assert e.discounted_payback_of_flows([-100, 30, 30, 30], 0.0) is None  # never repaid
    assert e.discounted_payback_of_flows([-100, 50, 50], 0.0) == 2.0  # exactly at a year's end
    assert e.discounted_payback_of_flows([10, 5], 0.1) == 0.0  # never negative
    assert e.discounted_payback_of_flows([-100, 150, -100, 30], 0.0) is None  # negative again at the end


def test_capital_recovery_factor_against_annuity_tables():
    """CRF(8 %, 10) = 1/PVIFA(8 %, 10) = 1/6.7101 = 0.14903 (annuity tables); r = 0 → 1/n."""
    assert PVIFA_8_10 == pytest.approx(6.7101, abs=5e-5)
    assert e.capital_recovery_factor(0.08, 10) == pytest.approx(0.14903, abs=5e-6)
    assert e.capital_recovery_factor(0.08, 10) == pytest.approx(1 / PVIFA_8_10, rel=1e-14)
    assert e.capital_recovery_factor(0.0, 8) == 0.125
    with pytest.raises(ValueError):
        e.capital_recovery_factor(0.08, 0)


# ---------------------------------------------------------------- project cash flows
def test_cash_flow_layout_and_npv_consistency():
    """capex 1,000 paid 40/60 over two build years, benefit 200 for 10 years from year 2."""
    p = project(shares=(0.4, 0.6))
    assert e.cash_flows(p, R8) == [-400.0, -600.0] + [200.0] * 10
    assert e.cash_flows(dataclasses.replace(p, subsidy_rate=0.25), R8, enterprise=True)[:2] == [-300.0, -450.0]
    carbon = P(carbon_price=100.0)  # 1,000 t × 100 元 = 10 万元/yr
    assert e.cash_flows(p, carbon)[2] == 210.0 and e.cash_flows(p, carbon, carbon=False)[2] == 200.0
    for params in (R8, carbon, P(discount_rate=0.0), P(discount_rate=0.12)):
        assert e.npv_at_start(p, params) == pytest.approx(e.npv_of_flows(e.cash_flows(p, params),
                                                                         params.discount_rate), rel=1e-13)


def test_npv_hand_calculation_one_and_two_build_years():
    """One build year: 200 × PVIFA(8 %, 10) − 1,000 = 200 × 6.71008 − 1,000 = 342.016.
    Two build years, 40/60: −400 − 600/1.08 + 200 × 6.71008 / 1.08 = 287.052.
    Started in 2027 in a horizon from 2025: / 1.08² = 246.101."""
    assert e.npv(project(), R8) == pytest.approx(200 * PVIFA_8_10 - 1000)
    assert e.npv(project(), R8) == pytest.approx(342.0163, abs=1e-4)
    two = project(shares=(0.4, 0.6))
    assert e.npv(two, R8) == pytest.approx(-400 - 600 / 1.08 + 200 * PVIFA_8_10 / 1.08)
    assert e.npv(two, R8) == pytest.approx(287.0521, abs=1e-4)
    horizon = P(start_year=2025, end_year=2030)
    assert e.npv(two, horizon, 2027) == pytest.approx(287.0521 / 1.08 ** 2, abs=1e-4)


def test_npv_enterprise_adds_the_subsidised_capex():
    """Subsidy 30 % of capex: the enterprise's NPV is higher by 0.3 × PV(capex).
    One build year: 342.016 + 300 = 642.016.  Two, 40/60: PV(capex) = 400 + 600/1.08 =
    955.556 → 287.052 + 286.667 = 573.719; in 2027 of a 2025 horizon / 1.08²."""
    assert e.npv_enterprise(project(subsidy=0.3), R8) == pytest.approx(342.0163 + 300, abs=1e-4)
    two = project(shares=(0.4, 0.6), subsidy=0.3)
    assert e.npv_enterprise(two, R8) == pytest.approx(287.0521 + 0.3 * (400 + 600 / 1.08), abs=1e-4)
    assert e.npv_enterprise(two, P(start_year=2025, end_year=2030), 2027) == \
        pytest.approx(e.npv_enterprise(two, R8) / 1.08 ** 2)
    assert e.npv(two, R8) == pytest.approx(287.0521, abs=1e-4)  # the project view ignores the subsidy
    assert e.npv_enterprise(project(), R8) == e.npv(project(), R8)
    given = project(npv_given=50.0, subsidy=0.5)
    assert e.npv(given, R8) == 50.0 and e.npv_enterprise(given, R8) == pytest.approx(550.0)


def test_payback_hand_calculation():
    """capex 1,000, 200/yr for 10 years at 8 %: simple payback 1,000/200 = 5 years.
    Discounted benefits 185.185, 171.468, 158.766, 147.006, 136.117, 126.034, 116.698
    (cumulative 924.576 after 6 years, 1,041.274 after 7): 6 + 75.424/116.698 = 6.6463.
    Counted from the start of construction (《建设项目经济评价方法与参数》): + 1 year."""
    p = project()
    assert e.simple_payback(p, R8) == 5.0
    assert e.discounted_payback(p, R8) == pytest.approx(6 + (1000 - 924.5755) / 116.6981, abs=1e-4)
    assert e.discounted_payback(p, R8) == pytest.approx(6.6463, abs=1e-4)
    assert e.discounted_payback(p, R8, include_construction=True) == pytest.approx(7.6463, abs=1e-4)
    assert e.discounted_payback(p, P(discount_rate=0.0)) == pytest.approx(5.0, rel=1e-14)


def test_payback_two_build_years_hand_calculation():
    """capex 400 + 600 over two build years; at the end of construction it is worth
    400 × 1.08 + 600 = 1,032, repaid after 6 + (1,032 − 924.576)/116.698 = 6.9205 years
    of operation (8.9205 from the start of construction); at 0 % it is 5 years, the
    simple payback, however the capex is spread."""
    p = project(shares=(0.4, 0.6))
    assert e.discounted_payback(p, R8) == pytest.approx(6 + (1032 - 924.5755) / 116.6981, abs=1e-4)
    assert e.discounted_payback(p, R8, include_construction=True) == pytest.approx(8.9205, abs=1e-4)
    three = project(shares=(0.2, 0.3, 0.5))
    assert e.discounted_payback(three, P(discount_rate=0.0)) == pytest.approx(e.simple_payback(three, R8))


def test_payback_chinese_formula_example():
    """投资回收期 (《建设项目经济评价方法与参数》): construction year 1 −100, then +30 a year:
    cumulative −100, −70, −40, −10, +20 → Pt = 5 − 1 + 10/30 = 4.333 years from the start
    of construction, i.e. 3.333 years of operation (= 100/30, the simple payback)."""
    p = project(100.0, 30.0, lifetime=10)
    assert e.discounted_payback(p, P(discount_rate=0.0), include_construction=True) == pytest.approx(4 + 1 / 3)
    assert e.simple_payback(p, R8) == pytest.approx(10 / 3)


def test_payback_never():
    """PV of 100/yr for 10 years at 8 % = 671 < 1,000: never repaid when discounted,
    although the simple payback (10 years) equals the lifetime; no benefit → None."""
    p = project(saving=100.0)
    assert e.simple_payback(p, R8) == 10.0
    assert e.discounted_payback(p, R8) is None
    assert e.simple_payback(project(saving=0.0), R8) is None
    assert e.discounted_payback(project(saving=-5.0), R8) is None
    assert e.irr(project(saving=0.0), R8) is None


def test_subsidy_shortens_the_enterprise_payback():
    p = project(subsidy=0.3)
    assert e.simple_payback(p, R8, enterprise=True) == pytest.approx(700 / 200)
    assert e.discounted_payback(p, R8, enterprise=True) < e.discounted_payback(p, R8)
    assert e.irr(p, R8, enterprise=True) > e.irr(p, R8)


def test_project_irr_against_annuity_tables():
    """1,000 repaid by 200/yr for 10 years: PVIFA(r, 10) = 5; tables give 5.0188 at 15 %
    and 4.8332 at 16 %, so the IRR is ≈ 15.10 % (15.098 % exactly)."""
    irr = e.irr(project(), R8)
    assert 0.15 < irr < 0.16
    assert irr == pytest.approx(0.15098, abs=1e-5)
    assert (1 - (1 + irr) ** -10) / irr == pytest.approx(5.0, rel=1e-12)


@pytest.mark.parametrize("p, params", [
    (project(), R8),
    (project(shares=(0.4, 0.6)), R8),
    (project(shares=(0.2, 0.3, 0.5), opex=20.0, lifetime=25), P(carbon_price=80.0)),
    (project(5000.0, 130.0, lifetime=40), R8),  # IRR below 1 %
    (project(10.0, 200.0, lifetime=5), R8),  # IRR near 2,000 %
])
def test_irr_round_trip(p, params):
    """NPV at the IRR is 0 (the NPV is computed by npv_at_start, not from the flows)."""
    irr = e.irr(p, params)
    at_irr = dataclasses.replace(params, discount_rate=irr)
    assert e.npv_at_start(p, at_irr) == pytest.approx(0.0, abs=1e-8 * p.capex)
    assert e.npv_at_start(p, dataclasses.replace(params, discount_rate=irr * 0.9)) > 0
    assert e.npv_at_start(p, dataclasses.replace(params, discount_rate=irr * 1.1 + 1e-3)) < 0


def test_a_given_npv_that_contradicts_the_flows_blanks_the_derived_indicators():
    """A given npv replaces the NPV; IRR, simple and discounted payback, LCSE and abatement
    cost come from the flows only while the flows agree with it (issue 16: never beside an
    NPV they contradict).  The flows' own NPV is 342.0163 at 8 % (test_indicators_bundle)."""
    p = project(npv_given=1.0)
    assert e.npv(p, R8) == 1.0
    assert e.irr(p, R8) is None and e.discounted_payback(p, R8) is None
    assert e.simple_payback(p, R8) is None  # not "never pays back": blank beside the given NPV
    assert e.levelised_cost_of_saved_energy(p, R8) is None
    agreeing = project(npv_given=342.02)  # the flows' NPV, rounded as a feasibility study would
    assert e.irr(agreeing, R8) == pytest.approx(0.15098, abs=1e-5)
    assert e.discounted_payback(agreeing, R8) == e.discounted_payback(project(), R8)
    assert e.simple_payback(agreeing, R8) is not None
    assert e.simple_payback(agreeing, R8) == e.simple_payback(project(), R8)


# ------------------------------------------------------------------- cost per unit saved
def test_levelised_cost_of_saved_energy_hand_calculation():
    """LCSE = (CRF(8 %, 10)·1,000 + opex)·10⁴ / 500 tce:
    CRF = 0.149029 → 149.029 万元/yr; opex 10 → 159.029 万元/yr → 3,180.59 元/tce.
    r = 0: (100 + 10)·10⁴/500 = 2,200 元/tce.  Two build years 40/60: capex at completion
    1,032 → 1,032 × 0.149029 = 153.798 万元/yr → 3,075.97 元/tce (opex 0)."""
    crf = 0.08 * 1.08 ** 10 / (1.08 ** 10 - 1)
    assert e.levelised_cost_of_saved_energy(project(opex=10.0), R8) == pytest.approx((crf * 1000 + 10) * 1e4 / 500)
    assert e.levelised_cost_of_saved_energy(project(opex=10.0), R8) == pytest.approx(3180.59, abs=0.01)
    assert e.levelised_cost_of_saved_energy(project(opex=10.0), P(discount_rate=0.0)) == pytest.approx(2200.0)
    two = project(shares=(0.4, 0.6))
    assert e.annualised_capex(two, R8) == pytest.approx(1032 * crf)
    assert e.levelised_cost_of_saved_energy(two, R8) == pytest.approx(1032 * crf * 1e4 / 500)
    assert e.levelised_cost_of_saved_energy(two, R8) == pytest.approx(3075.97, abs=0.01)
    assert e.levelised_cost_of_saved_energy(project(energy=0.0), R8) is None
    assert e.levelised_cost_of_saved_energy(project(energy=-3.0), R8) is None
    # the LCSE is a cost: the energy-cost saving does not enter
    assert e.levelised_cost_of_saved_energy(project(saving=0.0), R8) == e.levelised_cost_of_saved_energy(project(), R8)


def test_abatement_cost_hand_calculation_and_sign():
    """AC = (A + opex − saving)·10⁴ / CO2.
    saving 200, opex 10, 1,000 t: (149.029 + 10 − 200)·10⁴/1,000 = −409.71 元/t (saves money).
    saving 100, opex 0: (149.029 − 100)·10⁴/1,000 = +490.29 元/t (costs money)."""
    crf = 0.08 * 1.08 ** 10 / (1.08 ** 10 - 1)
    assert e.abatement_cost(project(opex=10.0), R8) == pytest.approx((crf * 1000 + 10 - 200) * 10)
    assert e.abatement_cost(project(opex=10.0), R8) == pytest.approx(-409.71, abs=0.01)
    assert e.abatement_cost(project(saving=100.0), R8) == pytest.approx(490.29, abs=0.01)
    assert e.abatement_cost(project(co2=0.0), R8) is None
    # negative abatement cost ⇔ positive NPV at a zero carbon price
    assert e.abatement_cost(project(opex=10.0), R8) < 0 < e.npv(project(opex=10.0), R8)
    assert e.abatement_cost(project(saving=100.0), R8) > 0 > e.npv(project(saving=100.0), R8)


@pytest.mark.parametrize("p", [project(saving=100.0), project(saving=100.0, shares=(0.5, 0.5), opex=12.0),
                               project(saving=300.0, lifetime=20, shares=(0.2, 0.3, 0.5))])
def test_abatement_cost_is_the_break_even_carbon_price(p):
    """At a carbon price equal to the abatement cost the NPV is exactly 0 (so the MACC
    reads: projects left of the carbon price pay for themselves)."""
    ac = e.abatement_cost(p, R8)
    assert e.npv(p, P(carbon_price=ac)) == pytest.approx(0.0, abs=1e-9 * p.capex)
    assert e.npv(p, P(carbon_price=ac + 10)) > 0 > e.npv(p, P(carbon_price=ac - 10))


def test_cost_per_tce_and_tco2():
    """capex / annual capacity: 1,000 万元 / 500 tce/yr = 2 万元 per tce/yr; / 1,000 t/yr =
    1 万元 per t/yr.  Ganhe's 2.96 万元 per tce/yr is in test_accounting.py."""
    assert e.cost_per_tce(project()) == 2.0
    assert e.cost_per_tco2(project()) == 1.0
    assert e.cost_per_tce(project(energy=0.0)) is None
    assert e.cost_per_tco2(project(co2=-1.0)) is None


# -------------------------------------------------------------------------------- MACC
def test_macc_points_sorted_by_cost_with_co2_widths():
    projects = [
        project(saving=100.0, co2=1000.0, pid="costly"),  # +490.29 元/t
        project(saving=200.0, co2=2000.0, pid="cheap"),  # (149.029 − 200)·10⁴/2,000 = −254.85 元/t
        project(saving=150.0, co2=500.0, pid="middle"),  # (149.029 − 150)·10⁴/500 = −19.41 元/t
        project(saving=150.0, co2=0.0, pid="no_co2"),  # no bar
        project(saving=150.0, co2=-50.0, pid="adds_co2"),  # no bar
    ]
    points = e.macc_points(projects, R8)
    assert [p.project_id for p in points] == ["cheap", "middle", "costly"]
    assert [p.width for p in points] == [2000.0, 500.0, 1000.0]
    assert [p.height for p in points] == pytest.approx([-254.85, -19.41, 490.29], abs=0.01)
    assert points[0] == ("cheap", 2000.0, points[0].height)  # plain tuples for the report
    assert e.macc_points([], R8) == []


def test_indicators_collects_everything():
    got = e.indicators(project(subsidy=0.3), R8)
    assert set(got) == {"npv", "npv_enterprise", "simple_payback", "discounted_payback", "irr", "lcse",
                        "abatement_cost", "cost_per_tce", "cost_per_tco2"}
    assert got["npv"] == pytest.approx(342.0163, abs=1e-4)
    assert got["npv_enterprise"] == pytest.approx(642.0163, abs=1e-4)
    assert got["simple_payback"] == 5.0 and got["irr"] == pytest.approx(0.15098, abs=1e-5)
    losing = e.indicators(project(saving=0.0, energy=0.0), R8)
    assert losing["simple_payback"] is losing["discounted_payback"] is losing["irr"] is losing["lcse"] is None
    assert losing["abatement_cost"] == pytest.approx(1490.29, abs=0.01)
