"""The scenario sampler (retrofit_opt.uncertainty): reproducible draws, the marginal
distributions against scipy.stats, the group correlation against its definition (rank
correlation ρ), what follows from a draw, and the vectorised plan evaluation against the
plain-Python evaluation of each scenario's own case."""
import dataclasses
from pathlib import Path

import numpy as np
import pytest
from scipy import stats
from scipy.special import betaincinv

from retrofit_opt import economics, evaluate
from retrofit_opt.loader import load_case
from retrofit_opt.uncertainty import (evaluate_plan, fixed_scenarios, pert_unit_quantile, sample_scenarios,
                                      scenario_case, uncertain_inputs)
from workbooks import minimal_case

CASES = Path(__file__).resolve().parents[1] / "cases"


def case_with(make_case, ranges, params=(), extra_columns=None):
    """The minimal case (P1 800 tce/yr, P2 300, P3 200) with range columns; ``ranges`` maps a
    project's row (1–3) to {column: value}."""
    sheets = minimal_case()
    columns = ["saving_low", "saving_high", "co2_low", "co2_high", "capex_low", "capex_high", "category"]
    sheets["projects"][0] += columns
    for k in (1, 2, 3):
        sheets["projects"][k] += [ranges.get(k, {}).get(c) for c in columns]
    sheets["parameters"] += [list(p) for p in params]
    return load_case(make_case(sheets))


def ecdf_distance(sample, cdf) -> float:
    x = np.sort(sample)
    n = len(x)
    f = cdf(x)
    return float(max(np.max(np.arange(1, n + 1) / n - f), np.max(f - np.arange(n) / n)))


def test_same_seed_same_draws_other_seed_other_draws(make_case):
    case = case_with(make_case, {1: {"saving_low": 600, "saving_high": 900, "capex_high": 1300}})
    a, b, c = sample_scenarios(case, 500, seed=7), sample_scenarios(case, 500, seed=7), sample_scenarios(case, 500, 8)
    for name in ("energy_saving", "co2_reduction", "capex", "npv_at_start"):
        assert np.array_equal(getattr(a, name), getattr(b, name))
    assert not np.array_equal(a.energy_saving, c.energy_saving)
    assert a.energy_saving.shape == (500, 3) and a.project_ids == ("P1", "P2", "P3")


def test_without_ranges_every_sample_is_the_estimate(make_case):
    case = case_with(make_case, {})
    sc = sample_scenarios(case, 200, seed=1)
    assert not uncertain_inputs(case)
    for k, p in enumerate(case.projects):
        assert np.all(sc.energy_saving[:, k] == p.metric("energy_saving"))
        assert np.all(sc.co2_reduction[:, k] == p.metric("co2_reduction"))
        assert np.all(sc.capex[:, k] == p.capex)
        assert np.all(sc.npv_at_start[:, k] == economics.npv_at_start(p, case.parameters))


@pytest.mark.parametrize("distribution", ["triangular", "uniform", "pert"])
def test_marginals_follow_the_distribution(make_case, distribution):
    a, m, c = 500.0, 800.0, 1000.0
    case = case_with(make_case, {1: {"saving_low": a, "saving_high": c}},
                     params=[("uncertainty_distribution", distribution)])
    x = sample_scenarios(case, 20_000, seed=3).energy_saving[:, 0]
    assert x.min() >= a and x.max() <= c
    reference = {"triangular": stats.triang((m - a) / (c - a), loc=a, scale=c - a),
                 "uniform": stats.uniform(loc=a, scale=c - a),
                 "pert": stats.beta(1 + 4 * (m - a) / (c - a), 1 + 4 * (c - m) / (c - a), loc=a, scale=c - a)}
    dist = reference[distribution]
    # Kolmogorov–Smirnov: the 0.1 % critical value for n = 20,000 is 1.95/√n ≈ 0.0138
    assert ecdf_distance(x, dist.cdf) < 0.0138
    assert x.mean() == pytest.approx(dist.mean(), rel=0.005)


def test_two_point_takes_the_ends_with_probability_one_half(make_case):
    case = case_with(make_case, {1: {"saving_low": 600, "saving_high": 900}},
                     params=[("uncertainty_distribution", "two_point")])
    x = sample_scenarios(case, 20_000, seed=4).energy_saving[:, 0]
    assert set(np.unique(x)) == {600.0, 900.0}
    assert abs(np.mean(x == 600.0) - 0.5) < 4 * 0.5 / np.sqrt(20_000)


def test_pert_quantile_table_matches_the_exact_beta_quantile():
    """Within u ∈ [10⁻⁴, 1 − 10⁻⁴] to 10⁻⁴ of the range, within [10⁻⁵, 1 − 10⁻⁵] to 5·10⁻⁴;
    in the outer tails (probability 2·10⁻⁵ in all) to 2·10⁻³; exact at 0 and 1."""
    rng = np.random.default_rng(0)
    for edge, tolerance in ((1e-4, 1e-4), (1e-5, 5e-4)):
        u = edge + (1 - 2 * edge) * rng.random(200_000)
        alpha = 1 + 4 * rng.random(u.size)
        assert np.max(np.abs(pert_unit_quantile(u, alpha) - betaincinv(alpha, 6 - alpha, u))) < tolerance
    tails = np.concatenate([1e-5 * rng.random(5000), 1 - 1e-5 * rng.random(5000)])
    alpha = 1 + 4 * rng.random(tails.size)
    assert np.max(np.abs(pert_unit_quantile(tails, alpha) - betaincinv(alpha, 6 - alpha, tails))) < 2e-3
    ends = np.array([0.0, 1.0])
    assert list(pert_unit_quantile(ends, np.array([2.5, 2.5]))) == [0.0, 1.0]


@pytest.mark.parametrize("rho", [0.0, 0.3, 0.7, 1.0])
def test_rank_correlation_within_a_group_is_the_parameter(make_case, rho):
    ranges = {k: {"saving_low": 0.5 * e, "saving_high": 1.2 * e, "category": "heat" if k < 3 else "motors"}
              for k, e in ((1, 800), (2, 300), (3, 200))}
    case = case_with(make_case, ranges, params=[("uncertainty_correlation", rho), ("uncertainty_distribution",
                                                                                   "uniform")])
    sc = sample_scenarios(case, 20_000, seed=5)
    same = stats.spearmanr(sc.energy_saving[:, 0], sc.energy_saving[:, 1]).statistic
    other = stats.spearmanr(sc.energy_saving[:, 0], sc.energy_saving[:, 2]).statistic
    pearson = np.corrcoef(sc.energy_saving[:, 0], sc.energy_saving[:, 1])[0, 1]
    # standard error of Spearman's ρ at n = 20,000 is below 1/√n ≈ 0.007
    assert same == pytest.approx(rho, abs=0.025)
    assert pearson == pytest.approx(rho, abs=0.025)  # uniform ranges: Pearson = Spearman
    assert other == pytest.approx(0.0, abs=0.025)


def test_capex_has_its_own_draw_and_co2_follows_the_saving(make_case):
    case = case_with(make_case, {1: {"saving_low": 600, "saving_high": 900, "capex_low": 900, "capex_high": 1300},
                                 2: {"saving_low": 200, "saving_high": 330, "co2_low": 400, "co2_high": 800}})
    sc = sample_scenarios(case, 5000, seed=6)
    p1, p2 = case.projects[0], case.projects[1]
    # P1 has no CO2 range: its CO2 scales with its saving
    np.testing.assert_allclose(sc.co2_reduction[:, 0] / p1.metric("co2_reduction"),
                               sc.energy_saving[:, 0] / p1.metric("energy_saving"))
    # P2 has its own CO2 range, drawn at the saving's quantile (comonotone)
    assert stats.spearmanr(sc.energy_saving[:, 1], sc.co2_reduction[:, 1]).statistic > 0.999
    assert sc.co2_reduction[:, 1].min() >= 400 and sc.co2_reduction[:, 1].max() <= 800
    assert abs(stats.spearmanr(sc.energy_saving[:, 0], sc.capex[:, 0]).statistic) < 0.05
    assert np.all(sc.capex[:, 1] == p2.capex)


def test_parameter_ranges_move_what_the_tool_computed(tmp_path):
    """A green-power project whose CO2 and cost saving the tool computes: the grid factor
    moves its CO2, the electricity price its cost saving, the carbon price its NPV."""
    from workbooks import write_workbook
    sheets = {
        "projects": [["id", "name", "capex (万元)", "green_power (MWh/yr)", "lifetime"],
                     ["PV", "Solar", 1000, 2000, 20], ["X", "Other", 100, 0, 10]],
        "parameters": [["parameter", "value"], ["objective", "max_npv"], ["electricity_price", 0.5],
                       ["electricity_price_low", 0.4], ["electricity_price_high", 0.7], ["carbon_price", 50],
                       ["carbon_price_low", 0], ["carbon_price_high", 200], ["grid_co2_factor_low", 0.4],
                       ["grid_co2_factor_high", 0.6]],
    }
    sheets["projects"][2][3] = None
    case = load_case(write_workbook(tmp_path / "pv.xlsx", sheets))
    sc = sample_scenarios(case, 3000, seed=2)
    grid, price, carbon = (sc.parameters[k] for k in ("grid_co2_factor", "electricity_price", "carbon_price"))
    np.testing.assert_allclose(sc.co2_reduction[:, 0], 2000 * grid)
    for k in (0, 1, 2999):
        p = case.projects[0]
        changed = dataclasses.replace(case.parameters, electricity_price=price[k], carbon_price=carbon[k],
                                      grid_co2_factor=grid[k])
        from retrofit_opt.accounting import recompute_project
        assert sc.npv_at_start[k, 0] == pytest.approx(economics.npv_at_start(recompute_project(p, changed), changed))


def test_fixed_scenarios_set_one_input_at_a_time(make_case):
    case = case_with(make_case, {1: {"saving_low": 600, "saving_high": 900}})
    sc = fixed_scenarios(case, [{"saving:P1": 600}, {"saving:P1": 900}, {}])
    assert list(sc.energy_saving[:, 0]) == [600, 900, 800]
    assert np.all(sc.energy_saving[:, 1:] == [300, 200])


def test_vectorised_plan_evaluation_equals_each_scenarios_own_evaluation():
    """Qinghai (multi-year, start years, intensity targets) with constructed ranges on
    every project and the three parameters: the vectorised totals of a plan with various
    start years equal, sample by sample, evaluate.py and economics.py on the case of that
    scenario (scenario_case)."""
    case = load_case(CASES / "qinghai_2025.xlsx")
    projects = []
    for k, p in enumerate(case.projects):
        e, c = p.metric("energy_saving"), p.metric("co2_reduction")
        projects.append(dataclasses.replace(p, saving_low=0.7 * e, saving_high=1.1 * e, capex_low=0.95 * p.capex,
                                            capex_high=1.3 * p.capex, co2_low=0.8 * c if k % 2 else None,
                                            co2_high=1.05 * c if k % 2 else None,
                                            category=p.category))
    params = dataclasses.replace(case.parameters, uncertainty_correlation=0.4, carbon_price=60.0,
                                 carbon_price_low=20.0, carbon_price_high=120.0, grid_co2_factor_low=0.1,
                                 grid_co2_factor_high=0.3 if case.parameters.grid_co2_factor < 0.3 else 0.7)
    case = dataclasses.replace(case, projects=tuple(projects), parameters=params)
    plan = {p.id: case.start_years(p)[len(case.start_years(p)) // 2] for p in case.projects[::2] if case.start_years(p)}
    sc = sample_scenarios(case, 40, seed=11)
    out = evaluate_plan(case, plan, sc)
    for k in range(sc.n_samples):
        own = scenario_case(case, sc, k)
        totals = evaluate.metric_totals(own, plan)
        year = str(case.parameters.end_year)
        energy = totals["energy_saving"]
        assert out.totals["energy_saving"][k] == pytest.approx(energy[year] if isinstance(energy, dict) else energy)
        assert out.totals["capex"][k] == pytest.approx(totals["capex"])
        npv = sum(economics.npv(own.project(pid), own.parameters, start) for pid, start in plan.items())
        assert out.totals["npv"][k] == pytest.approx(npv, rel=1e-9)
        for i, check in enumerate(evaluate.target_checks(own, plan)):
            assert out.targets[i][k] == pytest.approx(check.achieved)
            assert bool(out.met[i][k]) == check.met
        for j, use in enumerate(evaluate.budget_uses(own, plan)):
            assert out.spend[j][k] == pytest.approx(use.used)
