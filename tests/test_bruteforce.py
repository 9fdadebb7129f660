"""Proven against brute force (single-period cases).

Each seed makes a random case (tests/random_cases.py), writes it as a real .xlsx workbook,
reads and solves it with the library, and checks the result against the independent
oracle (tests/oracle.py), which enumerates all 2^n subsets:

* status 'optimal' exactly when some subset is feasible, else 'infeasible';
* the objective equals the brute-force optimum (rel. tol. 1e-6);
* the chosen set passes the oracle's own checker, and its value is the optimum;
* the reported totals are the oracle's totals of the chosen set;
* the loaded case holds the numbers the generator meant (units converted, aliases read).

Every ``CLI_EVERY``-th seed also runs ``retrofit-opt solve … --json --mip-gap 0`` and
checks its exit code and JSON, and the library's explanation of every left-out project
against brute force with that project forced in.  To look at a failing seed's workbook::

    cd tests && python -c "from random_cases import random_case; random_case(SEED).write('seed.xlsx')"
"""
from __future__ import annotations

import copy
import json
import math
from collections import Counter

import pytest
from click.testing import CliRunner

import retrofit_opt
from oracle import Problem, brute_force, metric_total, objective, same_value, violations
from random_cases import random_case, invalid_variants
from retrofit_opt.cli import main
from retrofit_opt.studies.solve import solve_case
from workbooks import write_workbook

SEEDS = range(200)
CLI_EVERY = 10


def close(a, b) -> bool:
    return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-9)


def assert_case_matches(case, problem: Problem) -> None:
    """The validated case carries the generator's numbers in canonical units."""
    assert [p.id for p in case.projects] == [p.id for p in problem.projects]
    # pool names may be normalised by the reader; they must map one to one
    pools = {"total": "total", "subsidy": "subsidy"}
    for got, want in zip(case.projects, problem.projects):
        where = f"project {want.id}"
        assert close(got.capex, want.capex), (where, "capex", got.capex, want.capex)
        for metric in set(want.metrics) | set(got.metrics):
            assert close(got.metric(metric), want.metric(metric)), (where, metric, got.metric(metric),
                                                                    want.metric(metric))
        assert close(got.annual_cost_saving, want.annual_cost_saving), (where, "annual_cost_saving")
        assert close(got.opex_change, want.opex_change), (where, "opex_change")
        assert got.lifetime == want.lifetime, (where, "lifetime")
        if want.npv is None:
            assert got.npv_given is None, (where, "npv")
        else:
            assert got.npv_given is not None and close(got.npv_given, want.npv), (where, "npv")
        assert (got.mandatory, got.excluded) == (want.mandatory, want.excluded), (where, "mandatory/excluded")
        assert got.exclusive_group == want.group, (where, "exclusive_group")
        assert tuple(got.requires) == tuple(want.requires), (where, "requires")
        pools.setdefault(want.pool, got.budget_pool)
        assert got.budget_pool == pools[want.pool], (where, "budget_pool", got.budget_pool, pools)
        assert close(got.subsidy_rate, want.subsidy_rate), (where, "subsidy_rate")
    assert len(set(pools.values())) == len(pools), pools
    for got, (pool, _) in zip(case.budgets, problem.budgets):
        pools.setdefault(pool, got.pool)
    assert [(b.pool, b.year) for b in case.budgets] == [(pools[pool], None) for pool, _ in problem.budgets]
    assert len(set(pools.values())) == len(pools), pools
    for got, (_, limit) in zip(case.budgets, problem.budgets):
        assert close(got.limit, limit), ("budget", got, limit)
    assert [(t.metric, t.kind, t.year) for t in case.targets] == [(m, k, None) for m, k, _ in problem.targets]
    for got, (_, _, value) in zip(case.targets, problem.targets):
        assert close(got.value, value), ("target", got, value)
    assert len(case.interactions) == len(problem.interactions)
    for got, want in zip(case.interactions, problem.interactions):
        assert (got.project_a, got.project_b) == (want.a, want.b)
        assert close(got.overlaps.get("energy_saving", 0.0), want.energy)
        assert close(got.overlaps.get("co2_reduction", 0.0), want.co2)
    params = case.parameters
    assert params.objective == problem.objective
    assert not case.multi_year
    assert close(params.discount_rate, problem.discount_rate)
    assert close(params.carbon_price, problem.carbon_price)
    assert dict(params.weights) == problem.weights


def assert_plan_optimal(problem: Problem, best, chosen: set[str], reported_objective: float) -> None:
    broken = violations(problem, chosen)
    assert not broken, f"the chosen set {sorted(chosen)} breaks: {broken}"
    assert same_value(reported_objective, best.value), (
        f"objective {reported_objective} but brute force finds {best.value} with {sorted(best.chosen)}")
    assert same_value(objective(problem, chosen), best.value), (
        f"the chosen set {sorted(chosen)} is worth {objective(problem, chosen)} by the oracle, "
        f"the optimum is {best.value} with {sorted(best.chosen)}")


def assert_totals(problem: Problem, chosen: set[str], totals: dict) -> None:
    metrics = {m for p in problem.projects for m in p.metrics} | {"energy_saving", "co2_reduction"}
    for metric in metrics:
        want = metric_total(problem, chosen, metric)
        assert same_value(totals[metric], want), (metric, totals[metric], want)
    assert same_value(totals["capex"], sum(p.capex for p in problem.projects if p.id in chosen))


def assert_exclusions(problem: Problem, best, result) -> None:
    """Each left-out project's reason agrees with brute force with that project forced in."""
    for project in problem.projects:
        if project.id in result.plan:
            continue
        why = result.exclusions[project.id]
        if project.excluded:
            assert why.reason == "excluded", (project.id, why)
            continue
        forced = copy.deepcopy(problem)
        forced.by_id()[project.id].mandatory = True
        with_it = brute_force(forced)
        if not with_it.feasible:
            assert why.reason == "infeasible_if_forced", (project.id, why)
        else:
            loss = with_it.value - best.value if problem.minimise else best.value - with_it.value
            assert why.reason == "lowers_objective", (project.id, why, loss)
            assert same_value(why.objective_loss, max(loss, 0.0)), (project.id, why, loss)


@pytest.mark.parametrize("seed", SEEDS)
def test_random_case_matches_brute_force(seed, tmp_path):
    generated = random_case(seed)
    problem = generated.problem
    path = generated.write(tmp_path / f"seed_{seed}.xlsx")
    best = brute_force(problem)

    case = retrofit_opt.load_case(path)
    assert not [w for w in case.warnings if "ignored" in w.message], case.warnings
    assert_case_matches(case, problem)
    result = solve_case(case, mip_gap=0, explain=False)

    if not best.feasible:
        assert result.status == "infeasible", (
            f"brute force finds no feasible set, the solver says {result.status} with {result.selected()}")
        assert result.objective is None and result.plan == {}
        assert result.exit_code == 1
    else:
        assert result.status == "optimal", (
            f"brute force finds {best.value} with {sorted(best.chosen)}, the solver says {result.status}")
        chosen = set(result.selected())
        assert_plan_optimal(problem, best, chosen, result.objective)
        assert_totals(problem, chosen, result.totals)
        assert result.targets_met and result.exit_code == 0

    if seed % CLI_EVERY == 0:
        if best.feasible:
            assert_exclusions(problem, best, solve_case(case, mip_gap=0, explain=True))
        out = tmp_path / "out.xlsx"
        run = CliRunner().invoke(main, ["solve", str(path), "-o", str(out), "--json", "--mip-gap", "0"])
        assert run.exception is None or isinstance(run.exception, SystemExit), run.exception
        assert run.exit_code == (0 if best.feasible else 1), run.output
        report = json.loads(run.stdout)
        assert out.is_file()
        if best.feasible:
            assert report["status"] == "optimal"
            chosen = set(report["selected"])
            assert_plan_optimal(problem, best, chosen, report["objective"])
            assert_totals(problem, chosen, report["totals"])
            assert report["targets_met"] is True
        else:
            assert report["status"] == "infeasible"
            assert report["objective"] is None and report["selected"] == []
            assert report["targets_met"] is False


# ------------------------------------------------------------------- the generator
REQUIRED_FEATURES = [
    "mandatory", "excluded", "exclusive_group", "requires", "requires_several", "requires_chain",
    "overlap_energy", "overlap_co2", "subsidy_rate", "subsidy_percent", "subsidy_fraction",
    "budget:total", "budget:subsidy", "budget:enterprise",
    "target:min_total", "target:max_total", "target_metric:energy_saving", "target_metric:co2_reduction",
    "target_metric:so2_reduction", "target_metric:water_saving", "target_metric:benefit",
    "objective:max_saving", "objective:min_cost", "objective:max_npv", "objective:max_npv_given",
    "objective:max_co2", "objective:weighted", "weight:capex<0", "npv_column", "benefit_column",
    "capex_unit:元", "capex_unit:万元", "capex_unit:亿元", "budget_unit:元", "budget_unit:万元",
    "budget_unit:亿元", "npv_unit:元", "npv_unit:亿元", "lang:en", "lang:zh", "lang:mixed",
    "numeric_ids", "carbon_price", "discount_rate",
]


def test_generator_covers_every_rule_objective_and_unit():
    counts: Counter = Counter()
    outcomes: Counter = Counter()
    for seed in SEEDS:
        generated = random_case(seed)
        counts.update(generated.features)
        counts[f"n={len(generated.problem.projects)}"] += 1
        outcomes["feasible" if brute_force(generated.problem).feasible else "infeasible"] += 1
    missing = [f for f in REQUIRED_FEATURES if counts[f] < 3]
    assert not missing, f"features generated fewer than 3 times: {missing}"
    assert all(counts[f"n={n}"] >= 10 for n in range(1, 15))
    assert outcomes["infeasible"] >= 20 and outcomes["feasible"] >= 100, outcomes
    print("\nfeatures over", len(SEEDS), "seeds:", dict(sorted(counts.items())), dict(outcomes))


def test_generator_is_deterministic():
    assert random_case(7).sheets == random_case(7).sheets


# --------------------------------------------------------------- rejected cases
@pytest.mark.parametrize("name", sorted(invalid_variants()))
def test_validator_rejects_with_exit_code_2(name, tmp_path):
    path = write_workbook(tmp_path / f"{name}.xlsx", invalid_variants()[name])
    out = tmp_path / "out.xlsx"
    run = CliRunner().invoke(main, ["solve", str(path), "-o", str(out), "--json", "--mip-gap", "0"])
    assert run.exit_code == 2, run.output
    assert "Traceback" not in run.output
    assert not out.exists()


# ------------------------------------------------ cases that leave HiGHS an empty model
EMPTY_MODEL_CASES = {
    # every project excluded: no variable at all; the empty set is optimal with objective 0
    "all_excluded": {"projects": [["id", "name", "capex", "energy_saving", "excluded"],
                                  ["P1", "a", 10, 5, "yes"], ["P2", "b", 20, 7, "是"]],
                     "parameters": [["parameter", "value"], ["objective", "max_saving"]]},
    # max_co2 when no project reduces CO2 and there are no rows: a constant objective
    "constant_objective": {"projects": [["id", "name", "capex", "energy_saving"], ["P1", "a", 10, 5]],
                           "parameters": [["parameter", "value"], ["objective", "max_co2"]]},
}


@pytest.mark.parametrize("name", sorted(EMPTY_MODEL_CASES))
def test_case_without_decisions_is_solved_not_a_solver_failure(name, tmp_path):
    """Brute force: the empty set is feasible and optimal (objective 0).  HiGHS reports
    kModelEmpty for a model without columns, which retrofit_opt/solve.py turns into
    SolverError ("the solver stopped with unknown and no solution", CLI exit 3)."""
    path = write_workbook(tmp_path / f"{name}.xlsx", EMPTY_MODEL_CASES[name])
    result = solve_case(retrofit_opt.load_case(path), mip_gap=0, explain=False)
    assert result.status == "optimal"
    assert result.objective == 0
    run = CliRunner().invoke(main, ["solve", str(path), "-o", str(tmp_path / "out.xlsx"), "--json"])
    assert run.exit_code == 0, run.output


# ------------------------------------------- single-period NPV and the build_years warning
def test_single_period_npv_times_build_years_as_the_warning_says(tmp_path):
    """In a single-period case build_years only times the NPV (PRODUCT.md §2: capex over
    the build years, benefits from year b for lifetime years), and the validator's warning
    says exactly that.  capex 100 paid 50/50 in years 0 and 1, benefit 20/yr in years 2..11:
    NPV = −50 − 50/1.08 + Σ_{k=2..11} 20/1.08^k."""
    def case(build_years):
        return {"projects": [["id", "name", "capex", "energy_saving", "annual_cost_saving", "lifetime",
                              "build_years"], ["P1", "a", 100, 5, 20, 10, build_years]],
                "parameters": [["parameter", "value"], ["objective", "max_npv"]]}
    one = retrofit_opt.load_case(write_workbook(tmp_path / "b1.xlsx", case(1)))
    two = retrofit_opt.load_case(write_workbook(tmp_path / "b2.xlsx", case(2)))
    assert any("only times the NPV" in w.message for w in two.warnings)
    assert not one.warnings
    assert same_value(solve_case(one, mip_gap=0, explain=False).objective,
                      -100 + sum(20 / 1.08 ** k for k in range(1, 11)))
    assert same_value(solve_case(two, mip_gap=0, explain=False).objective,
                      -50 - 50 / 1.08 + sum(20 / 1.08 ** k for k in range(2, 12)))


# ---------------------------------------------------- benefit metrics named by targets
def test_target_names_benefit_column_ignoring_case(tmp_path):
    """PRODUCT.md §2: names match ignoring case.  A target on 'benefit:land' must find the
    column 'benefit:Land (mu)'; validate._metric_name compares benefit names exactly."""
    sheets = {"projects": [["id", "name", "capex", "energy_saving", "benefit:Land (mu)"],
                           ["P1", "a", 100, 5, 3], ["P2", "b", 10, 4, 2]],
              "targets": [["metric", "kind", "value"], ["benefit:land", "max_total", 2]],
              "parameters": [["parameter", "value"], ["objective", "max_saving"]]}
    case = retrofit_opt.load_case(write_workbook(tmp_path / "case.xlsx", sheets))
    result = solve_case(case, mip_gap=0, explain=False)
    assert result.status == "optimal" and result.selected() == ["P2"] and result.objective == 4
