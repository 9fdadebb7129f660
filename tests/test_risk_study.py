"""The risk study against independent oracles (issue 14):

* two-point ranges: the sampled probability of meeting a target against exact enumeration
  of the 2^n low/high outcomes of the chosen projects (independent projects), and of the
  2^g outcomes of g fully correlated groups (ρ = 1);
* percentiles, expected shortfall and budget probabilities against numpy on totals
  computed independently, sample by sample, by evaluate.py on each scenario's own case;
* the Wilson interval against the root of its defining quadratic;
* no ranges: probability 1 (or 0) exactly as the deterministic plan, percentiles = the
  deterministic totals;
* the tornado's re-solved objective against a solve of the workbook with that input edited.
"""
import itertools
import math

import numpy as np
import pytest

from retrofit_opt import evaluate
from retrofit_opt.loader import load_case
from retrofit_opt.studies.solve import solve_case
from retrofit_opt.studies.risk import plan_case, risk_study
from retrofit_opt.uncertainty import evaluate_plan, sample_scenarios, scenario_case, wilson_interval
from workbooks import write_workbook

#            id    capex  saving  low  high  category
PROJECTS = [("A", 300, 100, 60, 120, "heat"), ("B", 250, 90, 50, 110, "heat"), ("C", 200, 80, 70, 85, "motors"),
            ("D", 180, 60, 30, 70, "motors"), ("E", 150, 50, 20, 65, "pv"), ("F", 120, 40, 35, 42, "pv"),
            ("G", 400, 70, 40, 90, "heat")]


def two_point_case(tmp_path, target, budget=1300, objective="min_cost", correlation=0.0, name="two.xlsx",
                   distribution="two_point", extra_params=()):
    sheets = {
        "projects": [["id", "name", "capex (万元)", "energy_saving (tce/yr)", "saving_low (tce/yr)",
                      "saving_high (tce/yr)", "category"]] + [[p, f"project {p}", c, e, lo, hi, g]
                                                               for p, c, e, lo, hi, g in PROJECTS],
        "budgets": [["pool", "limit (万元)"], ["total", budget]],
        "targets": [["metric", "kind", "value"], ["energy_saving", "min_total", target]],
        "parameters": [["parameter", "value"], ["objective", objective],
                       ["uncertainty_distribution", distribution], ["uncertainty_correlation", correlation]]
        + [list(p) for p in extra_params],
    }
    return load_case(write_workbook(tmp_path / name, sheets))


def exact_probability_independent(chosen, target) -> float:
    """Σ over the 2^n low/high outcomes of the chosen projects, each of probability 2^−n."""
    ends = [(lo, hi) for p, _, _, lo, hi, _ in PROJECTS if p in chosen]
    hits = sum(1 for outcome in itertools.product(*ends) if sum(outcome) >= target - 1e-9)
    return hits / 2 ** len(ends)


def exact_probability_groups(chosen, target) -> float:
    """ρ = 1: a group's chosen projects are all low or all high together (probability 1/2)."""
    groups = {}
    for p, _, _, lo, hi, g in PROJECTS:
        if p in chosen:
            groups.setdefault(g, [0.0, 0.0])
            groups[g][0] += lo
            groups[g][1] += hi
    hits = sum(1 for outcome in itertools.product(*groups.values()) if sum(outcome) >= target - 1e-9)
    return hits / 2 ** len(groups)


@pytest.mark.parametrize("target", [300, 340, 380])
def test_two_point_probability_agrees_with_exact_enumeration(tmp_path, target):
    case = two_point_case(tmp_path, target)
    result = risk_study(case, samples=4000, seed=0, tornado=0)
    chosen = set(result.deterministic.plan)
    exact = exact_probability_independent(chosen, target)
    assert 0.0 < exact < 1.0, exact  # the case is built so that the answer is not trivial
    risk = result.targets[0]
    assert risk.interval[0] <= exact <= risk.interval[1], (risk.probability, risk.interval, exact)
    assert risk.probability == pytest.approx(exact, abs=0.03)


def test_wilson_intervals_cover_the_exact_probability_at_their_level(tmp_path):
    """Over 200 seeds the 95 % interval holds the exact value about 95 % of the time
    (binomial: below 88 % has probability < 10⁻⁴)."""
    case = two_point_case(tmp_path, 340)
    plan = solve_case(case, explain=False).plan
    exact = exact_probability_independent(set(plan), 340)
    covered = 0
    for seed in range(200):
        met = evaluate_plan(case, plan, sample_scenarios(case, 400, seed)).met[0]
        low, high = wilson_interval(int(met.sum()), met.size)
        covered += low <= exact <= high
    assert covered >= 176, covered


def test_fully_correlated_groups_move_together(tmp_path):
    case = two_point_case(tmp_path, 340, correlation=1.0)
    result = risk_study(case, samples=4000, seed=1, tornado=0)
    exact = exact_probability_groups(set(result.deterministic.plan), 340)
    risk = result.targets[0]
    assert risk.interval[0] <= exact <= risk.interval[1], (risk.probability, exact)
    independent = exact_probability_independent(set(result.deterministic.plan), 340)
    assert abs(exact - independent) > 0.05  # the correlation matters here


def test_percentiles_and_shortfall_against_an_independent_computation(tmp_path):
    case = two_point_case(tmp_path, 340, distribution="triangular", correlation=0.3,
                          extra_params=[("carbon_price", 100), ("carbon_price_low", 50), ("carbon_price_high", 200)])
    samples = 300
    result = risk_study(case, samples=samples, seed=5, tornado=0)
    plan = result.deterministic.plan
    sampled = plan_case(case, plan)  # the study samples the plan's projects only
    assert {p.id for p in sampled.projects} == set(plan)
    scenarios = sample_scenarios(sampled, samples, 5)
    energy, capex, npv, budget = [], [], [], []
    for k in range(samples):
        own = scenario_case(sampled, scenarios, k)
        totals = evaluate.metric_totals(own, plan)
        energy.append(totals["energy_saving"])
        capex.append(totals["capex"])
        npv.append(totals["npv"])
        budget.append(evaluate.budget_uses(own, plan)[0].used)
    energy, npv = np.array(energy), np.array(npv)
    for name, values in (("energy_saving", energy), ("capex", np.array(capex)), ("npv", npv)):
        got = result.totals[name]
        p10, p50, p90 = np.percentile(values, [10, 50, 90])
        assert (got.p10, got.p50, got.p90, got.mean) == pytest.approx((p10, p50, p90, values.mean()), rel=1e-9)
    risk = result.targets[0]
    assert risk.probability == np.mean(energy >= 340 - 1e-6)
    assert risk.expected_shortfall == pytest.approx(np.mean(np.maximum(340 - energy, 0)))
    missed = energy < 340 - 1e-6
    assert risk.shortfall_when_missed == pytest.approx(np.mean(340 - energy[missed]))
    assert result.budgets[0].probability == np.mean(np.array(budget) <= 1300 * (1 + 1e-6) + 1e-6)


@pytest.mark.parametrize("k, n", [(0, 50), (87, 100), (1999, 2000), (2000, 2000), (13, 40)])
def test_wilson_interval_is_the_root_of_its_quadratic(k, n):
    """The Wilson interval is {p : (p̂ − p)² ≤ z² p(1−p)/n}, a quadratic in p."""
    z = 1.959963984540054
    phat = k / n
    a, b, c = 1 + z * z / n, -(2 * phat + z * z / n), phat * phat
    roots = sorted(((-b - math.sqrt(b * b - 4 * a * c)) / (2 * a), (-b + math.sqrt(b * b - 4 * a * c)) / (2 * a)))
    assert wilson_interval(k, n) == pytest.approx(tuple(roots), abs=1e-12)


def test_without_ranges_probability_is_what_the_deterministic_plan_says(tmp_path):
    sheets = {
        "projects": [["id", "name", "capex (万元)", "energy_saving (tce/yr)", "co2_reduction (t/yr)"],
                     ["A", "a", 300, 100, 250], ["B", "b", 250, 90, 200], ["C", "c", 200, 80, 150]],
        "budgets": [["pool", "limit (万元)"], ["total", 500]],
        "targets": [["metric", "kind", "value"], ["energy_saving", "min_total", 170],
                    ["co2_reduction", "max_total", 450]],
        "parameters": [["parameter", "value"], ["objective", "max_saving"]],
    }
    case = load_case(write_workbook(tmp_path / "plain.xlsx", sheets))
    result = risk_study(case, samples=500, seed=3)
    det = result.deterministic
    assert det.targets_met and not result.inputs and not result.tornado
    for risk, check in zip(result.targets, det.target_checks):
        assert risk.probability == 1.0 and risk.expected_shortfall == 0.0 and risk.shortfall_when_missed is None
        assert risk.interval == wilson_interval(500, 500)
        assert risk.percentiles.p10 == risk.percentiles.p90 == check.achieved
        assert not risk.drivers
    assert result.totals["energy_saving"].p10 == det.totals["energy_saving"]
    assert result.totals["npv"].p50 == det.totals["npv"]
    # a plan that misses: the empty plan, probability exactly 0 on every sample
    outcome = evaluate_plan(case, {}, sample_scenarios(case, 100, 0))
    assert not outcome.met[0].any() and outcome.met[1].all()


def test_infeasible_case_has_no_risk_figures(tmp_path):
    case = two_point_case(tmp_path, 10_000)
    result = risk_study(case, samples=100, seed=0)
    assert result.deterministic.status == "infeasible" and not result.targets and result.exit_code == 1
    assert result.to_json()["risk"]["plan"] is None


def test_drivers_split_the_variance_and_rank_the_widest_ranges_first(tmp_path):
    case = two_point_case(tmp_path, 340, distribution="uniform")
    result = risk_study(case, samples=20_000, seed=2, tornado=0)
    drivers = result.targets[0].drivers
    chosen = set(result.deterministic.plan)
    assert {d.project_id for d in drivers} == chosen  # every project has a range
    assert sum(d.variance_share for d in drivers) == pytest.approx(1.0)
    variance = {p: (hi - lo) ** 2 / 12 for p, _, _, lo, hi, _ in PROJECTS if p in chosen}
    total = sum(variance.values())
    for d in drivers:  # independent uniform ranges: share = Var(X_p) / Σ Var
        assert d.variance_share == pytest.approx(variance[d.project_id] / total, abs=0.02)


def test_tornado_resolve_equals_solving_the_edited_workbook(tmp_path):
    case = two_point_case(tmp_path, 340, distribution="triangular")
    result = risk_study(case, samples=200, seed=0, tornado=3)
    assert len(result.tornado) == 3 and result.tornado_candidates == len(PROJECTS)
    for bar in result.tornado:
        pid = bar.input.project_id
        for end, objective in (("low", bar.objective_low), ("high", bar.objective_high)):
            value = getattr(bar.input, end)
            edited = [(p, c, value if p == pid else e, lo, hi, g) for p, c, e, lo, hi, g in PROJECTS]
            sheets = {
                "projects": [["id", "name", "capex (万元)", "energy_saving (tce/yr)"]]
                + [[p, p, c, e] for p, c, e, *_ in edited],
                "budgets": [["pool", "limit (万元)"], ["total", 1300]],
                "targets": [["metric", "kind", "value"], ["energy_saving", "min_total", 340]],
                "parameters": [["parameter", "value"], ["objective", "min_cost"]],
            }
            own = solve_case(load_case(write_workbook(tmp_path / f"{pid}_{end}.xlsx", sheets)), explain=False)
            if own.status == "optimal":
                assert objective == pytest.approx(own.objective)
            else:
                assert objective is None and getattr(bar, f"status_{end}") == own.status


def test_tornado_screening_equals_one_input_at_a_time(tmp_path):
    """The batched screen (one scenario per quantity and end, columns as projects) gives the
    same swing per input as evaluating the fixed plan with that input alone at each end."""
    from retrofit_opt.studies.risk import _screen
    from retrofit_opt.uncertainty import fixed_scenarios, uncertain_inputs
    sheets = {
        "projects": [["id", "name", "capex (万元)", "energy_saving (tce/yr)", "co2_reduction (t/yr)", "saving_low",
                      "saving_high", "co2_low", "capex_high", "annual_cost_saving", "lifetime"],
                     ["A", "a", 300, 100, 250, 70, 110, 200, 360, 40, 12], ["B", "b", 250, 90, 200, 60, None, None,
                                                                             300, 30, 15],
                     ["C", "c", 200, 80, 150, None, 95, 120, None, 25, 10], ["D", "d", 150, 40, 90, 30, 45, None, 180, 12, 10]],
        "budgets": [["pool", "limit (万元)"], ["total", 700]],
        "targets": [["metric", "kind", "value"], ["energy_saving", "min_total", 150],
                    ["co2_reduction", "min_total", 300]],
        "parameters": [["parameter", "value"], ["objective", "max_npv"], ["carbon_price", 80],
                       ["carbon_price_low", 20], ["carbon_price_high", 160]],
    }
    case = load_case(write_workbook(tmp_path / "screen.xlsx", sheets))
    result = solve_case(case, explain=False)
    inputs = [i for i in uncertain_inputs(case) if i.width > 0]
    batched = _screen(case, result, inputs)
    for k, i in enumerate(inputs):
        outcome = evaluate_plan(case, result.plan, fixed_scenarios(case, [{i.key: i.low}, {i.key: i.high}]))
        swing = max(abs(outcome.totals["objective"] - result.objective).max() / abs(result.objective),
                    *(np.abs(v - c.achieved).max() / abs(c.achieved) for v, c in zip(outcome.targets, result.target_checks)))
        assert batched[k] == pytest.approx(swing, rel=1e-9, abs=1e-12), i.key
    assert any(batched > 0) and len(inputs) == 10
