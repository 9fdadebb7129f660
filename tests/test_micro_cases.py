"""Hand-worked micro cases: 2–4 projects, real .xlsx workbooks, solved with ``mip_gap=0``.

Every test's docstring enumerates the feasible subsets by hand and names the optimum; the
test asserts the exact chosen set and objective.  One or more cases per constraint family
(budget, pools and subsidy, mandatory, excluded, exclusive_group, prerequisite, overlap,
min_total / max_total / intensity_reduction targets) and per objective (max_saving,
min_cost, max_npv computed and given, max_co2, weighted), plus infeasibility diagnosis,
explanations of left-out projects and the CLI's ``--json`` output.
"""
from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from retrofit_opt import load_case, solve_case
from retrofit_opt.cli import main

# Header written for each project column key (canonical units unless a test says otherwise).
HEADERS = {
    "capex": "capex (万元)",
    "energy_saving": "energy_saving (tce/yr)",
    "co2_reduction": "co2_reduction (t/yr)",
    "annual_cost_saving": "annual_cost_saving (万元/yr)",
    "npv": "npv (万元)",
    "lifetime": "lifetime (yr)",
    "land": "benefit:land (mu)",
}


def case_sheets(projects, *, budgets=None, targets=None, objective="max_saving", params=(),
                interactions=None, baseline=None):
    """Workbook content for ``write_workbook``.

    ``projects``: list of dicts (keys of HEADERS or plain column names; the id also serves
    as name); ``budgets``: [(pool, limit)]; ``targets``: [(metric, kind, value)] or
    [(metric, kind, value, year, base_year)]; ``params``: extra (parameter, value) rows;
    ``interactions``: [(a, b, energy_overlap, co2_overlap)]; ``baseline``:
    [(year, energy_consumption, value_added)].
    """
    keys = []
    for p in projects:
        for key in p:
            if key != "id" and key not in keys:
                keys.append(key)
    rows = [["id", "name", *(HEADERS.get(k, k) for k in keys)]]
    for p in projects:
        rows.append([p["id"], f"Project {p['id']}", *(p.get(k) for k in keys)])
    sheets = {"projects": rows}
    if budgets is not None:
        sheets["budgets"] = [["pool", "year", "limit (万元)"], *([pool, None, limit] for pool, limit in budgets)]
    if targets is not None:
        sheets["targets"] = [["metric", "kind", "value", "year", "base_year"],
                             *(list(t) + [None] * (5 - len(t)) for t in targets)]
    sheets["parameters"] = [["parameter", "value"], ["objective", objective], *map(list, params)]
    if interactions is not None:
        sheets["interactions"] = [["project_a", "project_b", "energy_overlap (tce/yr)", "co2_overlap (t/yr)"],
                                  *map(list, interactions)]
    if baseline is not None:
        sheets["baseline"] = [["year", "energy_consumption (tce)", "value_added (万元)"], *map(list, baseline)]
    return sheets


def solve(make_case, sheets, **kwargs):
    """load_case + solve_case with a proven optimum (mip_gap=0)."""
    case = load_case(make_case(sheets))
    return solve_case(case, mip_gap=0, **kwargs)


def assert_optimum(result, chosen, objective):
    assert result.status == "optimal", result.status
    assert result.selected() == chosen
    assert result.objective == pytest.approx(objective, abs=1e-6)


def run_cli(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


def annuity(benefit, rate, years):
    """Σ_{k=1..L} benefit / (1+r)^k, written out term by term."""
    return sum(benefit / (1 + rate) ** k for k in range(1, years + 1))


# --------------------------------------------------------------------------- budget
def test_total_budget_picks_best_affordable_pair(make_case):
    """Budget pool total = 1000 万元, max_saving.

    A 600 万元 → 500 tce, B 500 → 400, C 400 → 350.
    {A}=500, {B}=400, {C}=350, {A,B}: 1100 > 1000 ✗, {A,C}: 1000 → 850,
    {B,C}: 900 → 750, {A,B,C}: 1500 ✗.  Optimum {A,C} = 850 tce, spending exactly 1000.
    """
    result = solve(make_case, case_sheets(
        [{"id": "A", "capex": 600, "energy_saving": 500},
         {"id": "B", "capex": 500, "energy_saving": 400},
         {"id": "C", "capex": 400, "energy_saving": 350}],
        budgets=[("total", 1000)]))
    assert_optimum(result, ["A", "C"], 850)
    assert [u.used for u in result.budget_uses] == [pytest.approx(1000)]


def test_subsidy_rate_splits_capex_between_subsidy_and_own_pool(make_case):
    """Pools: subsidy ≤ 10000 (not binding), enterprise ≤ 1200; every project's own pool
    is 'enterprise'.

    A 1000 万元, subsidy_rate 0.5 → subsidy 500, enterprise 500;   900 tce
    B  800 万元, subsidy_rate 0.25 → subsidy 200, enterprise 600;  700 tce
    C  600 万元, subsidy_rate 0   → subsidy   0, enterprise 600;   300 tce
    Enterprise draws: {A,B}=1100 ✓ 1600 tce, {A,C}=1100 ✓ 1200, {B,C}=1200 ✓ 1000,
    {A,B,C}=1700 ✗.  Optimum {A,B} = 1600 tce although its capex (1800) exceeds 1200:
    only the unsubsidised share is drawn from the enterprise pool.
    """
    result = solve(make_case, case_sheets(
        [{"id": "A", "capex": 1000, "energy_saving": 900, "budget_pool": "enterprise", "subsidy_rate": 0.5},
         {"id": "B", "capex": 800, "energy_saving": 700, "budget_pool": "enterprise", "subsidy_rate": 0.25},
         {"id": "C", "capex": 600, "energy_saving": 300, "budget_pool": "enterprise", "subsidy_rate": 0}],
        budgets=[("subsidy", 10000), ("enterprise", 1200)]))
    assert_optimum(result, ["A", "B"], 1600)
    used = {u.budget.pool: u.used for u in result.budget_uses}
    assert used == {"subsidy": pytest.approx(700), "enterprise": pytest.approx(1100)}


def test_pool_limit_binding_only_through_subsidy_share(make_case):
    """Same projects; now subsidy ≤ 600, enterprise ≤ 2000 (never binding: all three
    draw 500 + 600 + 600 = 1700).

    Subsidy draws: A 500, B 200, C 0.
    {A,B,C}: subsidy 700 > 600 ✗ (would give 1900 tce);  {A,B}: 700 ✗;
    {A,C}: subsidy 500 ✓ → 900 + 300 = 1200;  {B,C}: 200 ✓ → 1000;  {A}: 900.
    Optimum {A,C} = 1200 tce; the subsidy pool is what binds.
    """
    result = solve(make_case, case_sheets(
        [{"id": "A", "capex": 1000, "energy_saving": 900, "budget_pool": "enterprise", "subsidy_rate": 0.5},
         {"id": "B", "capex": 800, "energy_saving": 700, "budget_pool": "enterprise", "subsidy_rate": 0.25},
         {"id": "C", "capex": 600, "energy_saving": 300, "budget_pool": "enterprise", "subsidy_rate": 0}],
        budgets=[("subsidy", 600), ("enterprise", 2000)]))
    assert_optimum(result, ["A", "C"], 1200)
    used = {u.budget.pool: u.used for u in result.budget_uses}
    assert used == {"subsidy": pytest.approx(500), "enterprise": pytest.approx(1100)}


# ----------------------------------------------------------------- logic families
def test_mandatory_forces_a_worse_project_in(make_case):
    """Budget 1000, max_saving; each project costs 500.  A 400 tce, B 100 (mandatory), C 300.

    Without the rule the best pair is {A,C} = 700.  Subsets containing B:
    {B}=100, {A,B}=500, {B,C}=400, {A,B,C}: 1500 ✗.  Optimum {A,B} = 500 tce.
    """
    result = solve(make_case, case_sheets(
        [{"id": "A", "capex": 500, "energy_saving": 400, "mandatory": "no"},
         {"id": "B", "capex": 500, "energy_saving": 100, "mandatory": "yes"},
         {"id": "C", "capex": 500, "energy_saving": 300, "mandatory": "no"}],
        budgets=[("total", 1000)]))
    assert_optimum(result, ["A", "B"], 500)
    assert result.exclusions["C"].reason == "lowers_objective"
    # forcing C in as well: {B,C} = 400 → loss 100
    assert result.exclusions["C"].objective_loss == pytest.approx(100)


def test_excluded_project_is_never_chosen(make_case):
    """Budget 1000, each project 500 万元.  A 600 tce (excluded), B 400, C 300.

    Without the rule {A,B} = 1000.  With A out: {B,C} = 700, {B} = 400, {C} = 300.
    Optimum {B,C} = 700; A's reason is 'excluded'.
    """
    result = solve(make_case, case_sheets(
        [{"id": "A", "capex": 500, "energy_saving": 600, "excluded": "yes"},
         {"id": "B", "capex": 500, "energy_saving": 400, "excluded": "no"},
         {"id": "C", "capex": 500, "energy_saving": 300, "excluded": "no"}],
        budgets=[("total", 1000)]))
    assert_optimum(result, ["B", "C"], 700)
    assert result.exclusions["A"].reason == "excluded"
    assert result.exclusions["A"].objective_loss is None


def test_exclusive_group_allows_one_alternative(make_case):
    """Budget 1000, max_saving.  A (group g) 400 万元 → 500 tce, B (group g) 300 → 450,
    C 300 → 200.

    Without the group {A,B,C} (1000 万元) = 1150.  With at most one of A, B:
    {A,C} = 700, {B,C} = 650, {A} = 500, {B} = 450, {C} = 200.  Optimum {A,C} = 700.
    B left out: forced in, the best is {B,C} = 650 → loss 50, conflicting with A.
    """
    result = solve(make_case, case_sheets(
        [{"id": "A", "capex": 400, "energy_saving": 500, "exclusive_group": "g"},
         {"id": "B", "capex": 300, "energy_saving": 450, "exclusive_group": "g"},
         {"id": "C", "capex": 300, "energy_saving": 200, "exclusive_group": None}],
        budgets=[("total", 1000)]))
    assert_optimum(result, ["A", "C"], 700)
    why = result.exclusions["B"]
    assert why.reason == "lowers_objective"
    assert why.objective_loss == pytest.approx(50)
    assert "A" in why.related
    assert "A" in why.detail and "exclusive group 'g'" in why.detail


def test_prerequisite_pulls_in_its_requirement(make_case):
    """Budget 800, each project 400 万元; A 600 tce requires B (100 tce); C 350 tce.

    Without the rule {A,C} = 950.  With x_A ≤ x_B:
    {A,B} = 700, {B,C} = 450, {A,C} ✗ (A without B), {A} ✗, {B} = 100, {C} = 350.
    Optimum {A,B} = 700.
    """
    result = solve(make_case, case_sheets(
        [{"id": "A", "capex": 400, "energy_saving": 600, "requires": "B"},
         {"id": "B", "capex": 400, "energy_saving": 100, "requires": None},
         {"id": "C", "capex": 400, "energy_saving": 350, "requires": None}],
        budgets=[("total", 800)]))
    assert_optimum(result, ["A", "B"], 700)


@pytest.mark.parametrize("budget, chosen, saving", [(600, ["C", "D"], 450), (900, ["A", "B", "C"], 700)])
def test_prerequisite_chain(make_case, budget, chosen, saving):
    """A requires B, B requires C; each project 300 万元.  A 600 tce, B 50, C 50, D 400.

    Valid sets obey A ⇒ B ⇒ C.
    Budget 600 (two projects): {C,D} = 450, {B,C} = 100, {A,B} ✗ (B without C),
    {A,D} ✗, {B,D} ✗; singles {D} = 400, {C} = 50.  Optimum {C,D} = 450.
    Budget 900 (three projects): {A,B,C} = 700, {B,C,D} = 500, {A,B,D} ✗, {A,C,D} ✗;
    pairs at most 450.  Optimum {A,B,C} = 700 (without the chain it would be {A,B,D} or
    {A,C,D} at 1050).
    Explanations at budget 600: A forced in needs B and C as well (900 > 600) →
    'infeasible_if_forced', naming the unchosen prerequisite B; B forced in needs C
    (chosen): {B,C} = 100 → loss 450 − 100 = 350.
    """
    result = solve(make_case, case_sheets(
        [{"id": "A", "capex": 300, "energy_saving": 600, "requires": "B"},
         {"id": "B", "capex": 300, "energy_saving": 50, "requires": "C"},
         {"id": "C", "capex": 300, "energy_saving": 50, "requires": None},
         {"id": "D", "capex": 300, "energy_saving": 400, "requires": None}],
        budgets=[("total", budget)]))
    assert_optimum(result, chosen, saving)
    if budget == 600:
        assert result.exclusions["A"].reason == "infeasible_if_forced"
        assert result.exclusions["A"].related == ("B",)
        assert "needs B" in result.exclusions["A"].detail
        assert result.exclusions["B"].reason == "lowers_objective"
        assert result.exclusions["B"].objective_loss == pytest.approx(350)


# ------------------------------------------------------------------------- overlap
def test_energy_overlap_makes_the_two_best_a_worse_pair(make_case):
    """Budget 1000, each project 500 万元.  A 600 tce, B 500, C 400; A–B overlap 300 tce.

    Pairs: {A,B} = 600 + 500 − 300 = 800, {A,C} = 1000, {B,C} = 900.
    Optimum {A,C} = 1000 although A and B are individually the best two.
    """
    result = solve(make_case, case_sheets(
        [{"id": "A", "capex": 500, "energy_saving": 600},
         {"id": "B", "capex": 500, "energy_saving": 500},
         {"id": "C", "capex": 500, "energy_saving": 400}],
        budgets=[("total", 1000)], interactions=[("A", "B", 300, 0)]))
    assert_optimum(result, ["A", "C"], 1000)
    # forcing B in: {A,B} = 800 or {B,C} = 900 → loss 100
    assert result.exclusions["B"].objective_loss == pytest.approx(100)


def test_co2_overlap_with_max_co2(make_case):
    """max_co2, budget 1000, each project 500 万元.  CO2: A 1000 t, B 900, C 700;
    A–B co2_overlap 500 t (energy savings are a decoy: A 10, B 10, C 10).

    {A,B} = 1900 − 500 = 1400, {A,C} = 1700, {B,C} = 1600, singles ≤ 1000.
    Optimum {A,C} = 1700 t.
    """
    result = solve(make_case, case_sheets(
        [{"id": "A", "capex": 500, "energy_saving": 10, "co2_reduction": 1000},
         {"id": "B", "capex": 500, "energy_saving": 10, "co2_reduction": 900},
         {"id": "C", "capex": 500, "energy_saving": 10, "co2_reduction": 700}],
        budgets=[("total", 1000)], objective="max_co2", interactions=[("A", "B", 0, 500)]))
    assert_optimum(result, ["A", "C"], 1700)
    assert result.totals["co2_reduction"] == pytest.approx(1700)


@pytest.mark.parametrize("with_overlap, chosen, saving", [(True, ["A", "B"], 900), (False, ["A"], 500)])
def test_max_total_co2_cap_met_only_through_the_overlap(make_case, with_overlap, chosen, saving):
    """max_saving, no budget, target co2_reduction max_total 1300 t (a cap).
    A 500 tce / 1000 t CO2, B 400 / 800, C 450 / 900; A–B co2_overlap 600 t.

    With the overlap: {A,B,C} = 2700 − 600 = 2100 ✗, {A,B} = 1800 − 600 = 1200 ✓ (900 tce),
    {A,C} = 1900 ✗, {B,C} = 1700 ✗; singles ✓ (≤ 500 tce).  Optimum {A,B} = 900.
    The overlap variable must count only when both are chosen (z ≤ x_A, z ≤ x_B): a z
    free to be 1 would let {A,C} pass the cap as 1900 − 600 = 1300 with 950 tce.
    Without the overlap no pair fits the cap: optimum {A} = 500.
    """
    result = solve(make_case, case_sheets(
        [{"id": "A", "energy_saving": 500, "co2_reduction": 1000, "capex": 100},
         {"id": "B", "energy_saving": 400, "co2_reduction": 800, "capex": 100},
         {"id": "C", "energy_saving": 450, "co2_reduction": 900, "capex": 100}],
        targets=[("co2_reduction", "max_total", 1300)],
        interactions=[("A", "B", 0, 600)] if with_overlap else None))
    assert_optimum(result, chosen, saving)
    (check,) = result.target_checks
    assert check.met
    assert check.achieved == pytest.approx(1200 if with_overlap else 1000)


# ------------------------------------------------------------------------- targets
def test_min_total_target_forces_a_choice(make_case):
    """max_co2, budget 500 (one project), target energy_saving ≥ 500.
    A 500 万元: 1000 t CO2, 100 tce;  B 500 万元: 600 t CO2, 500 tce.

    Without the target {A} = 1000 t.  With it: {A} 100 tce ✗, {B} 500 tce ✓ → 600 t,
    {A,B} 1000 万元 ✗.  Optimum {B} = 600 t.
    """
    result = solve(make_case, case_sheets(
        [{"id": "A", "capex": 500, "energy_saving": 100, "co2_reduction": 1000},
         {"id": "B", "capex": 500, "energy_saving": 500, "co2_reduction": 600}],
        budgets=[("total", 500)], targets=[("energy_saving", "min_total", 500)], objective="max_co2"))
    assert_optimum(result, ["B"], 600)
    assert result.target_checks[0].achieved == pytest.approx(500) and result.target_checks[0].met


def test_max_total_target_on_a_benefit_column(make_case):
    """max_saving, no budget, target 'benefit:land (mu)' max_total 40 mu.
    A 500 tce / 30 mu, B 400 / 20, C 300 / 15.

    {A,B,C} 65 ✗, {A,B} 50 ✗, {A,C} 45 ✗, {B,C} 35 ✓ → 700 tce, {A} 30 ✓ → 500.
    Optimum {B,C} = 700 tce using 35 mu.
    """
    result = solve(make_case, case_sheets(
        [{"id": "A", "capex": 100, "energy_saving": 500, "land": 30},
         {"id": "B", "capex": 100, "energy_saving": 400, "land": 20},
         {"id": "C", "capex": 100, "energy_saving": 300, "land": 15}],
        targets=[("benefit:land (mu)", "max_total", 40)]))
    assert_optimum(result, ["B", "C"], 700)
    (check,) = result.target_checks
    assert check.metric == "benefit:land" and check.kind == "max_total"
    assert check.achieved == pytest.approx(35) and check.met
    assert result.totals["benefit:land"] == pytest.approx(35)


def test_intensity_reduction_single_period(make_case):
    """min_cost; target energy intensity in 2025 −12.5 % against 2020.
    Baseline: 2020 E0 = 100000 tce, VA0 = 500000 万元 (0.2 tce/万元);
              2025 E = 150000 tce, VA = 800000 万元.
    Required saving = E(2025) − (1 − 0.125)·(E0/VA0)·VA(2025)
                    = 150000 − 0.875 · 0.2 · 800000 = 150000 − 140000 = 10000 tce.
    A 3000 万元 → 6000 tce, B 2000 → 5000, C 1800 → 4500.
    {A,B} 11000 ✓ 5000 万元, {A,C} 10500 ✓ 4800, {B,C} 9500 ✗, {A,B,C} ✓ 6800, singles ✗.
    Optimum {A,C} = 4800 万元; the intensity falls to (150000 − 10500)/800000 = 0.174375,
    i.e. 0.174375/0.2 − 1 = −12.8125 %.
    """
    result = solve(make_case, case_sheets(
        [{"id": "A", "capex": 3000, "energy_saving": 6000},
         {"id": "B", "capex": 2000, "energy_saving": 5000},
         {"id": "C", "capex": 1800, "energy_saving": 4500}],
        targets=[("energy_saving", "intensity_reduction", 12.5, 2025, 2020)], objective="min_cost",
        baseline=[(2020, 100000, 500000), (2025, 150000, 800000)]))
    assert_optimum(result, ["A", "C"], 4800)
    (check,) = result.target_checks
    assert check.required == pytest.approx(10000)
    assert check.achieved == pytest.approx(10500)
    assert check.achieved_intensity_change == pytest.approx(-12.8125)
    assert check.met


# ---------------------------------------------------------------------- objectives
def test_min_cost_with_target(make_case):
    """min_cost, target energy_saving ≥ 400 tce.  A 500 万元 → 300 tce, B 400 → 250, C 300 → 150.

    Meeting 400: {A,B} 550 tce / 900 万元, {A,C} 450 / 800, {B,C} 400 / 700,
    {A,B,C} 700 / 1200; singles ✗.  Optimum {B,C} = 700 万元 (exactly 400 tce).
    A left out: forced in, the cheapest is {A,C} = 800 → loss 100 (objective rises).
    """
    result = solve(make_case, case_sheets(
        [{"id": "A", "capex": 500, "energy_saving": 300},
         {"id": "B", "capex": 400, "energy_saving": 250},
         {"id": "C", "capex": 300, "energy_saving": 150}],
        targets=[("energy_saving", "min_total", 400)], objective="min_cost"))
    assert_optimum(result, ["B", "C"], 700)
    assert result.exclusions["A"].reason == "lowers_objective"
    assert result.exclusions["A"].objective_loss == pytest.approx(100)


def test_max_npv_computed_from_cash_flows(make_case):
    """max_npv, discount_rate 0.1, budget 200 万元.  NPV = −capex + Σ_{k=1..L} b/1.1^k:
    A capex 100, b 30, L 5:  30·3.790787 = 113.7236 → NPV  13.7236
    B capex 200, b 45, L 8:  45·5.334926 = 240.0717 → NPV  40.0717
    C capex 150, b 20, L 10: 20·6.144567 = 122.8913 → NPV −27.1087
    D capex 100, b 25, L 8:  25·5.334926 = 133.3732 → NPV  33.3732
    Within 200: {A}, {B}, {C}, {D}, {A,D} = 47.0968; {A,C}, {C,D}: 250 ✗; others ✗.
    Optimum {A,D} = 47.0968 (beats {B} = 40.0717).
    """
    npv = {"A": annuity(30, 0.1, 5) - 100, "B": annuity(45, 0.1, 8) - 200,
           "C": annuity(20, 0.1, 10) - 150, "D": annuity(25, 0.1, 8) - 100}
    assert npv["A"] == pytest.approx(13.7236, abs=1e-4)
    assert npv["B"] == pytest.approx(40.0717, abs=1e-4)
    assert npv["C"] == pytest.approx(-27.1087, abs=1e-4)
    assert npv["D"] == pytest.approx(33.3732, abs=1e-4)
    result = solve(make_case, case_sheets(
        [{"id": "A", "capex": 100, "energy_saving": 1, "annual_cost_saving": 30, "lifetime": 5},
         {"id": "B", "capex": 200, "energy_saving": 1, "annual_cost_saving": 45, "lifetime": 8},
         {"id": "C", "capex": 150, "energy_saving": 1, "annual_cost_saving": 20, "lifetime": 10},
         {"id": "D", "capex": 100, "energy_saving": 1, "annual_cost_saving": 25, "lifetime": 8}],
        budgets=[("total", 200)], objective="max_npv", params=[("discount_rate", 0.1)]))
    assert_optimum(result, ["A", "D"], npv["A"] + npv["D"])
    assert result.objective == pytest.approx(47.0968, abs=1e-4)
    assert result.totals["npv"] == pytest.approx(npv["A"] + npv["D"])


def test_max_npv_uses_the_given_npv_column(make_case):
    """max_npv, budget 400.  Given NPVs: A 50 (capex 300; its annual_cost_saving of 1000
    would compute to thousands but the given NPV wins), B 40 (200), C 35 (200).

    {A} = 50, {B,C} = 75 (400 万元), {A,B}, {A,C}: 500 ✗.  Optimum {B,C} = 75.
    """
    result = solve(make_case, case_sheets(
        [{"id": "A", "capex": 300, "energy_saving": 1, "npv": 50, "annual_cost_saving": 1000},
         {"id": "B", "capex": 200, "energy_saving": 1, "npv": 40, "annual_cost_saving": None},
         {"id": "C", "capex": 200, "energy_saving": 1, "npv": 35, "annual_cost_saving": None}],
        budgets=[("total", 400)], objective="max_npv"))
    assert_optimum(result, ["B", "C"], 75)


@pytest.mark.parametrize("objective, chosen, value", [("max_saving", ["A"], 500), ("max_co2", ["B"], 1200)])
def test_max_saving_and_max_co2_disagree(make_case, objective, chosen, value):
    """Budget 500 (one project).  A 500 万元: 500 tce, 800 t CO2; B 500 万元: 300 tce, 1200 t.

    max_saving: {A} = 500 tce > {B} = 300.  max_co2: {B} = 1200 t > {A} = 800.
    """
    result = solve(make_case, case_sheets(
        [{"id": "A", "capex": 500, "energy_saving": 500, "co2_reduction": 800},
         {"id": "B", "capex": 500, "energy_saving": 300, "co2_reduction": 1200}],
        budgets=[("total", 500)], objective=objective))
    assert_optimum(result, chosen, value)


def test_weighted_objective_with_negative_capex_weight(make_case):
    """weighted: 1·energy_saving − 0.5·capex, budget 1000.
    Scores: A 500 − 0.5·600 = 200, B 250 − 0.5·200 = 150, C 250 − 0.5·400 = 50,
    D 100 − 0.5·300 = −50.
    Within 1000: {A,B} (800) = 350, {A,C} (1000) = 250, {B,C} (600) = 200,
    {A,B,C} 1200 ✗, {A,D} (900) = 150, {B,C,D} (900) = 150, {B,D} = 100, {A} = 200.
    Optimum {A,B} = 350.  D forced in: best 150 ({A,D} or {B,C,D}) → loss 200.
    """
    result = solve(make_case, case_sheets(
        [{"id": "A", "capex": 600, "energy_saving": 500},
         {"id": "B", "capex": 200, "energy_saving": 250},
         {"id": "C", "capex": 400, "energy_saving": 250},
         {"id": "D", "capex": 300, "energy_saving": 100}],
        budgets=[("total", 1000)], objective="weighted",
        params=[("weight:energy_saving", 1), ("weight:capex", -0.5)]))
    assert_optimum(result, ["A", "B"], 350)
    assert result.exclusions["D"].objective_loss == pytest.approx(200)
    assert result.exclusions["C"].objective_loss == pytest.approx(100)  # best with C: {A,C} = 250


# ------------------------------------------------------------------ explanations
def test_explanations_of_left_out_projects(make_case):
    """max_saving, budget 1000.  A 600 → 500 tce, B 500 → 400, C 400 → 350,
    D 1 → 10000 (excluded), E 2000 → 5000 (cannot fit the budget at all).

    Optimum {A,C} = 850 (see test_total_budget_picks_best_affordable_pair; D, E out).
    B forced in: {B,C} = 750, {A,B} 1100 ✗ → loss 100 ('lowers_objective').
    D: 'excluded'.  E forced in: 2000 > 1000 → 'infeasible_if_forced'.
    """
    result = solve(make_case, case_sheets(
        [{"id": "A", "capex": 600, "energy_saving": 500, "excluded": "no"},
         {"id": "B", "capex": 500, "energy_saving": 400, "excluded": "no"},
         {"id": "C", "capex": 400, "energy_saving": 350, "excluded": "no"},
         {"id": "D", "capex": 1, "energy_saving": 10000, "excluded": "yes"},
         {"id": "E", "capex": 2000, "energy_saving": 5000, "excluded": "no"}],
        budgets=[("total", 1000)]))
    assert_optimum(result, ["A", "C"], 850)
    assert set(result.exclusions) == {"B", "D", "E"}
    assert result.exclusions["B"].reason == "lowers_objective"
    assert result.exclusions["B"].objective_loss == pytest.approx(100)
    assert result.exclusions["D"].reason == "excluded"
    assert result.exclusions["E"].reason == "infeasible_if_forced"


def test_no_explanations_when_not_asked(make_case):
    """Same as the budget case with explain=False: the optimum {A,C} = 850, no reasons."""
    result = solve(make_case, case_sheets(
        [{"id": "A", "capex": 600, "energy_saving": 500},
         {"id": "B", "capex": 500, "energy_saving": 400},
         {"id": "C", "capex": 400, "energy_saving": 350}],
        budgets=[("total", 1000)]), explain=False)
    assert_optimum(result, ["A", "C"], 850)
    assert result.exclusions == {}


# --------------------------------------------------------------------- infeasible
INFEASIBLE_PROJECTS = [
    {"id": "A", "capex": 500, "energy_saving": 400, "co2_reduction": 1000},
    {"id": "B", "capex": 400, "energy_saving": 300, "co2_reduction": 900},
    {"id": "C", "capex": 300, "energy_saving": 200, "co2_reduction": 100},
]
ENERGY_LABEL, CO2_LABEL = "energy_saving ≥ 800", "co2_reduction ≥ 1900"


def infeasible_sheets():
    return case_sheets(INFEASIBLE_PROJECTS, budgets=[("total", 800)],
                       targets=[("energy_saving", "min_total", 800), ("co2_reduction", "min_total", 1900)])


def test_infeasible_targets_diagnosis(make_case):
    """Budget 800; targets energy ≥ 800 tce and CO2 ≥ 1900 t.
    A 500 万元: 400 tce, 1000 t;  B 400: 300 tce, 900 t;  C 300: 200 tce, 100 t.

    Affordable (≤ 800): {A,C} 600 tce / 1100 t, {B,C} 500 / 1000, {A} 400 / 1000,
    {B} 300 / 900, {C} 200 / 100; {A,B} 900 ✗.
    Best reachable within the budget: energy 600 ({A,C}), CO2 1100 ({A,C}).
    Energy ≥ 800 needs {A,B,C} (900 tce, {A,B} is only 700) → 1200 万元 → +400.
    CO2 ≥ 1900 alone: {A,B} = 1900 t for 900 万元 → +100.
    Both: {A,B,C} (900 tce, 2000 t) → +400 on 'total'.
    """
    result = solve(make_case, infeasible_sheets())
    assert result.status == "infeasible"
    assert result.exit_code == 1
    d = result.diagnosis
    assert d is not None and d.hard_rules_feasible
    assert d.best_reachable == {ENERGY_LABEL: pytest.approx(600), CO2_LABEL: pytest.approx(1100)}
    assert d.extra_budget == {"total": pytest.approx(400)}
    assert d.extra_budget_per_target == {ENERGY_LABEL: pytest.approx(400), CO2_LABEL: pytest.approx(100)}
    assert f"{ENERGY_LABEL}: best reachable within the budgets is 600" in d.message
    assert f"{CO2_LABEL}: best reachable within the budgets is 1,100" in d.message
    assert "total +400.00 万元" in d.message
    assert {t.label: t.best_reachable for t in result.target_checks} == {ENERGY_LABEL: pytest.approx(600),
                                                                   CO2_LABEL: pytest.approx(1100)}


def test_infeasible_targets_through_the_cli(make_case, tmp_path):
    """The same case through `solve --json`: exit code 1, status 'infeasible', and the
    diagnosis in the JSON (best 600 tce / 1100 t; +400 overall; +400 and +100 per target)."""
    path = make_case(infeasible_sheets())
    out = tmp_path / "out.xlsx"
    result = run_cli("solve", path, "-o", out, "--json", "--mip-gap", "0")
    assert result.exit_code == 1, result.output
    data = json.loads(result.stdout)
    assert data["status"] == "infeasible"
    assert data["selected"] == []
    d = data["diagnosis"]
    assert d["best_reachable"] == {ENERGY_LABEL: pytest.approx(600), CO2_LABEL: pytest.approx(1100)}
    assert d["extra_budget"] == {"total": pytest.approx(400)}
    assert d["extra_budget_per_target"] == {ENERGY_LABEL: pytest.approx(400), CO2_LABEL: pytest.approx(100)}
    assert out.is_file()


def test_infeasible_target_needs_extra_subsidy_only(make_case):
    """Pools as in test_pool_limit_binding_only_through_subsidy_share (subsidy ≤ 600,
    enterprise ≤ 2000) plus a target energy_saving ≥ 1900 tce.

    Only {A,B,C} gives 900 + 700 + 300 = 1900; it draws subsidy 500 + 200 + 0 = 700
    (> 600) and enterprise 500 + 600 + 600 = 1700 (≤ 2000).  Within the budgets the best
    is {A,C} = 1200 tce.  Extra budget: subsidy +100, enterprise +0; for the one target
    alone, 100.
    """
    result = solve(make_case, case_sheets(
        [{"id": "A", "capex": 1000, "energy_saving": 900, "budget_pool": "enterprise", "subsidy_rate": 0.5},
         {"id": "B", "capex": 800, "energy_saving": 700, "budget_pool": "enterprise", "subsidy_rate": 0.25},
         {"id": "C", "capex": 600, "energy_saving": 300, "budget_pool": "enterprise", "subsidy_rate": 0}],
        budgets=[("subsidy", 600), ("enterprise", 2000)], targets=[("energy_saving", "min_total", 1900)]))
    assert result.status == "infeasible"
    d = result.diagnosis
    assert d.best_reachable == {"energy_saving ≥ 1900": pytest.approx(1200)}
    assert d.extra_budget == {"subsidy": pytest.approx(100), "enterprise": pytest.approx(0, abs=1e-6)}
    assert d.extra_budget_per_target == {"energy_saving ≥ 1900": pytest.approx(100)}
    assert "subsidy +100.00 万元" in d.message and "enterprise +" not in d.message


def test_no_budget_helps_when_an_exclusive_group_blocks_the_target(make_case):
    """Budget 500, target energy ≥ 800.  A (group g) 500 万元 → 500 tce, B (group g)
    400 → 400 tce.  Only {A,B} (900 tce) would meet 800, and the group forbids it.

    Best reachable within the budget: {A} = 500 ({B} = 400).  No amount of extra budget
    helps: extra_budget is None overall and for the target.
    """
    result = solve(make_case, case_sheets(
        [{"id": "A", "capex": 500, "energy_saving": 500, "exclusive_group": "g"},
         {"id": "B", "capex": 400, "energy_saving": 400, "exclusive_group": "g"}],
        budgets=[("total", 500)], targets=[("energy_saving", "min_total", 800)]))
    assert result.status == "infeasible"
    d = result.diagnosis
    assert d.hard_rules_feasible
    assert d.best_reachable == {"energy_saving ≥ 800": pytest.approx(500)}
    assert d.extra_budget is None
    assert d.extra_budget_per_target == {"energy_saving ≥ 800": None}
    assert "no extra budget makes every target reachable" in d.message


# --------------------------------------------------------------------------- CLI
def test_cli_json_in_canonical_units_from_yi_yuan_headers(make_case, tmp_path):
    """Chinese headers with money in 亿元 (1 亿元 = 10000 万元); min_cost, energy ≥ 400.
    A 0.05 亿元 = 500 万元 → 300 tce, B 0.04 = 400 → 250, C 0.03 = 300 → 150;
    budget 0.1 亿元 = 1000 万元.

    As in test_min_cost_with_target: {B,C} = 700 万元 for 400 tce ({A,C} 800, {A,B} 900,
    {A,B,C} 1200 ✗ budget).  The JSON reports 700 (万元), never 0.07 (亿元).
    """
    path = make_case({
        "项目": [["项目编号", "项目名称", "投资(亿元)", "节能量(吨标准煤/年)"],
                ["A", "余热回收", 0.05, 300], ["B", "电机变频", 0.04, 250], ["C", "空压机", 0.03, 150]],
        "预算": [["资金池", "上限(亿元)"], ["总预算", 0.1]],
        "目标": [["指标", "类型", "值"], ["节能量", "不低于", 400]],
        "参数": [["参数", "值"], ["目标函数", "最小投资"]],
    })
    out = tmp_path / "out.xlsx"
    result = run_cli("solve", path, "-o", out, "--json", "--mip-gap", "0")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert {"status", "objective", "gap", "selected", "totals"} <= set(data)
    assert data["status"] == "optimal"
    assert data["selected"] == ["B", "C"]
    assert data["objective"] == pytest.approx(700)
    assert data["gap"] == pytest.approx(0, abs=1e-9)
    assert data["totals"]["capex"] == pytest.approx(700)
    assert data["totals"]["energy_saving"] == pytest.approx(400)
    assert data["budgets"] == [{"pool": "total", "year": None, "limit": pytest.approx(1000),
                                "used": pytest.approx(700)}]
    assert out.is_file()


def test_cli_solves_a_micro_case_with_exit_code_0(make_case, tmp_path):
    """The exclusive-group case through the CLI: {A,C} = 700 tce, exit code 0."""
    path = make_case(case_sheets(
        [{"id": "A", "capex": 400, "energy_saving": 500, "exclusive_group": "g"},
         {"id": "B", "capex": 300, "energy_saving": 450, "exclusive_group": "g"},
         {"id": "C", "capex": 300, "energy_saving": 200, "exclusive_group": None}],
        budgets=[("total", 1000)]))
    result = run_cli("solve", path, "-o", tmp_path / "out.xlsx", "--json", "--mip-gap", "0")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert (data["status"], data["selected"]) == ("optimal", ["A", "C"])
    assert data["objective"] == pytest.approx(700)
    assert data["totals"]["energy_saving"] == pytest.approx(700)
    assert data["totals"]["capex"] == pytest.approx(700)
