"""Budget frontier, least budget and Pareto frontier (real .xlsx case files, real solver),
and ``retrofit-opt sweep`` end to end.

Done when (the issue): frontiers are monotone (more budget never gives less), every point
equals an independent solve at that level, and the least budget equals the min-cost solve.
"Independent" here means: the case written again with that budget (or ε) in its own
workbook, loaded and solved from scratch by ``solve_case``; Pareto points are also checked
against brute-force enumeration of every feasible portfolio.
"""
from __future__ import annotations

import json
import math
import random

import openpyxl
import pytest
from click.testing import CliRunner
from sweep_cases import Raw, RawProject, random_raw
from workbooks import write_workbook

from retrofit_opt.cli import main
from retrofit_opt.results import FrontierPoint
from retrofit_opt.scenarios import budget_levels
from retrofit_opt.studies.pareto import pareto_frontier
from retrofit_opt.studies.sweep import budget_sweep, least_budget, monotone
from retrofit_opt.loader import load_case
from retrofit_opt.studies.solve import solve_case

REL = 1e-9


def close(a, b):
    return math.isclose(a, b, rel_tol=REL, abs_tol=1e-6)


def fresh(path) -> object:
    """An independent solve of the case file at ``path`` (proved optimal: gap 0)."""
    return solve_case(load_case(path), mip_gap=0, explain=False)


def has_plan(status: str) -> bool:
    return status in ("optimal", "feasible")


def assert_monotone(points, minimise=False):
    values = [p.objective for p in points]
    seen = False
    for a, b in zip(values, values[1:]):
        if a is not None:
            seen = True
            assert b is not None, "a higher level lost its plan"
            assert (b <= a + 1e-9 * max(1, abs(a))) if minimise else (b >= a - 1e-9 * max(1, abs(a)))
        else:
            assert not seen
    return values


# ----------------------------------------------------------------------------- multi-year cases
def multi_year_sheets(seed: int, total: float | None = None) -> dict:
    """A 3-year case (2025–2027): start windows, 1–2 build years, yearly and horizon rows on
    pool total, an energy milestone in 2026 and at the end."""
    rng = random.Random(seed)
    rows = [["id", "name", "capex (万元)", "energy_saving (tce/yr)", "co2_reduction (t/yr)", "earliest_year",
             "latest_year", "build_years", "exclusive_group", "requires"]]
    capex_sum = energy_sum = 0.0
    for k in range(7):
        capex = float(rng.randrange(40, 200, 10))
        energy = float(round(capex * rng.uniform(0.4, 1.2)))
        build = rng.choice([1, 1, 2])
        earliest = rng.choice([2025, 2025, 2026])
        latest = min(2027 - build + 1, earliest + rng.choice([0, 1, 2]))
        group = "G1" if k in (2, 3) else ""
        requires = "P1" if k == 5 else ""
        if k == 5:
            earliest = max(earliest, 2025)
        rows.append([f"P{k + 1}", f"Project {k + 1}", capex, energy, round(energy * 2.2), earliest,
                     max(latest, earliest), build, group, requires])
        capex_sum += capex
        energy_sum += energy
    horizon = float(round(capex_sum * 0.6)) if total is None else total
    budgets = [["pool", "year", "limit (万元)"], ["total", None, horizon]] + [
        ["total", y, float(round(capex_sum * 0.35))] for y in (2025, 2026, 2027)]
    targets = [["metric", "year", "kind", "value"], ["energy_saving", 2026, "min_total", round(energy_sum * 0.1)],
               ["energy_saving", None, "min_total", round(energy_sum * 0.25)]]
    return {"projects": rows, "budgets": budgets, "targets": targets,
            "parameters": [["parameter", "value"], ["objective", "max_saving"], ["start_year", 2025],
                           ["end_year", 2027]]}


# ----------------------------------------------------------------------------- frontier
@pytest.mark.parametrize("seed", range(6))
def test_every_frontier_point_equals_a_fresh_solve(seed, tmp_path):
    raw = random_raw(seed, n=8)
    case = load_case(raw.write(tmp_path / "case.xlsx"))
    capex = sum(p.capex for p in raw.projects)
    levels = budget_levels(0, capex, 8)
    points = budget_sweep(case, levels, "total", mip_gap=0)
    assert [p.level for p in points] == levels
    assert_monotone(points)
    for k, point in enumerate(points):
        result = fresh(raw.write(tmp_path / f"level{k}.xlsx", total=point.level))
        assert has_plan(point.status) == has_plan(result.status), (point.level, point.status, result.status)
        if has_plan(result.status):
            assert close(point.objective, result.objective), (point.level, point.objective, result.objective)
            assert not point.carried
            assert point.spend <= point.level + 1e-6
            assert close(point.spend, raw.spend(frozenset(point.plan), "total"))
            assert close(raw.value(frozenset(point.plan)), point.objective)
            assert point.targets_met


def test_min_cost_frontier_falls_and_matches_fresh_solves(tmp_path):
    raw = random_raw(11, n=8, objective="max_saving")
    case = load_case(raw.write(tmp_path / "case.xlsx", objective="min_cost"))
    levels = budget_levels(100, sum(p.capex for p in raw.projects), 6)
    points = budget_sweep(case, levels, mip_gap=0)
    assert_monotone(points, minimise=True)
    for k, point in enumerate(points):
        result = fresh(raw.write(tmp_path / f"level{k}.xlsx", total=point.level, objective="min_cost"))
        assert has_plan(point.status) == has_plan(result.status)
        if point.objective is not None:
            assert close(point.objective, result.objective)


@pytest.mark.parametrize("seed", range(3))
def test_multi_year_sweep_moves_the_horizon_row_and_matches_fresh_solves(seed, tmp_path):
    path = write_workbook(tmp_path / "case.xlsx", multi_year_sheets(seed))
    case = load_case(path)
    assert case.multi_year
    capex = sum(p.capex for p in case.projects)
    levels = budget_levels(0, capex, 7)
    points = budget_sweep(case, levels, "total", mip_gap=0)
    assert_monotone(points)
    horizon = next(b for b in case.budgets if b.pool == "total" and b.year is None)
    for k, point in enumerate(points):
        result = fresh(write_workbook(tmp_path / f"level{k}.xlsx", multi_year_sheets(seed, total=point.level)))
        assert has_plan(point.status) == has_plan(result.status), (point.level, point.status, result.status)
        if point.objective is not None:
            assert close(point.objective, result.objective)
            assert point.spend <= point.level + 1e-6
            # the yearly rows still hold
            assert all(u.ok for u in result.budget_uses)
            assert all(isinstance(start, int) for start in point.plan.values())
    assert horizon.limit == next(b for b in case.budgets if b.pool == "total" and b.year is None).limit


def test_sweeping_a_pool_without_a_horizon_row_adds_one(tmp_path):
    raw = random_raw(5, n=8)
    case = load_case(raw.write(tmp_path / "case.xlsx", fund_a=None))
    fund = sum(p.capex for p in raw.projects if p.pool == "fund_a")
    levels = budget_levels(0, fund, 5)
    points = budget_sweep(case, levels, "fund_a", mip_gap=0)
    assert_monotone(points)
    for k, point in enumerate(points):
        result = fresh(raw.write(tmp_path / f"level{k}.xlsx", fund_a=point.level))
        assert has_plan(point.status) == has_plan(result.status)
        if point.objective is not None:
            assert close(point.objective, result.objective)
            assert close(point.spend, raw.spend(frozenset(point.plan), "fund_a"))


def test_warm_starts_and_worker_processes_give_the_same_frontier(tmp_path):
    raw = random_raw(21, n=8)
    case = load_case(raw.write(tmp_path / "case.xlsx"))
    levels = budget_levels(0, sum(p.capex for p in raw.projects), 9)
    warm = budget_sweep(case, levels, mip_gap=0)
    cold = budget_sweep(case, levels, mip_gap=0, warm_start=False)
    parallel = budget_sweep(case, levels, mip_gap=0, jobs=2)
    for a, b, c in zip(warm, cold, parallel):
        assert a.status == b.status == c.status
        if a.objective is not None:
            assert close(a.objective, b.objective) and close(a.objective, c.objective)
        assert a.solver_seconds is not None and a.solver_seconds <= a.seconds + 1e-3


def test_a_worse_plan_at_a_higher_level_is_replaced_by_the_lower_one():
    def point(level, objective, status="feasible", plan=None):
        return FrontierPoint(level, status, objective, 0.01 if objective else None, plan or {}, 0.0,
                             objective is not None, 0.1)
    points = [point(0, None, "infeasible"), point(10, 5.0, plan={"A": None}), point(20, 4.0, plan={"B": None}),
              point(30, None, "timeout"), point(40, 7.0, plan={"C": None})]
    out = monotone(points)
    assert [p.objective for p in out] == [None, 5.0, 5.0, 5.0, 7.0]
    assert [p.carried for p in out] == [False, False, True, True, False]
    assert out[2].plan == {"A": None} and out[2].level == 20 and out[3].status == "feasible"
    low = monotone([point(10, 9.0), point(20, 11.0)], minimise=True)
    assert [p.objective for p in low] == [9.0, 9.0] and low[1].carried


# ----------------------------------------------------------------------------- least budget
@pytest.mark.parametrize("seed", range(6))
def test_least_budget_is_the_min_cost_solve_and_the_threshold(seed, tmp_path):
    raw = random_raw(30 + seed, n=8)
    case = load_case(raw.write(tmp_path / "case.xlsx"))
    least = least_budget(case, "total", mip_gap=0)
    independent = fresh(raw.write(tmp_path / "min_cost.xlsx", total=None, objective="min_cost"))
    assert has_plan(least.status) == has_plan(independent.status)
    if least.budget is None:
        return
    assert close(least.budget, independent.objective)
    # brute force: the cheapest portfolio that keeps every rule with the total row lifted
    cheapest = min(raw.spend(s, "total") for s in raw.subsets() if raw.keeps_all_rules(s, None))
    assert close(least.budget, cheapest)
    at = fresh(raw.write(tmp_path / "at.xlsx", total=least.budget))
    assert at.status == "optimal" and at.targets_met
    below = fresh(raw.write(tmp_path / "below.xlsx", total=least.budget - 0.5))
    assert below.status == "infeasible"
    # the frontier agrees: infeasible below the least budget, feasible from it on
    points = budget_sweep(case, [least.budget - 0.5, least.budget, least.budget + 50], mip_gap=0)
    assert [has_plan(p.status) for p in points] == [False, True, True]


def test_least_budget_of_another_pool(tmp_path):
    raw = random_raw(41, n=8)
    case = load_case(raw.write(tmp_path / "case.xlsx"))
    least = least_budget(case, "fund_a", mip_gap=0)
    cheapest = min((raw.spend(s, "fund_a") for s in raw.subsets()
                    if Raw(raw.projects, raw.total, None, raw.energy_target, raw.overlaps).keeps_all_rules(s, raw.total)),
                   default=None)
    assert (least.budget is None) == (cheapest is None)
    if cheapest is not None:
        assert close(least.budget, cheapest)
        assert fresh(raw.write(tmp_path / "at.xlsx", fund_a=least.budget)).targets_met
        assert fresh(raw.write(tmp_path / "below.xlsx", fund_a=least.budget - 0.5)).status == "infeasible"


def test_no_budget_meets_an_unreachable_target(tmp_path):
    raw = random_raw(2, n=6)
    raw.energy_target = sum(p.energy for p in raw.projects) + 1
    case = load_case(raw.write(tmp_path / "case.xlsx"))
    least = least_budget(case, mip_gap=0)
    assert least.status == "infeasible" and least.budget is None and least.plan == {}


# ----------------------------------------------------------------------------- Pareto
def dominated(raw, x_name, y_name, point, total):
    """Is (x, y) of ``point`` dominated by some portfolio that keeps every rule?"""
    def q(s, name):
        return raw.totals(s)[name]
    x_min = x_name == "capex"
    for s in raw.subsets():
        if not raw.keeps_all_rules(s, total):
            continue
        x, y = q(s, x_name), q(s, y_name)
        x_ok = x <= point.x + 1e-9 if x_min else x >= point.x - 1e-9
        y_ok = y >= point.y - 1e-9
        strict = (x < point.x - 1e-9 if x_min else x > point.x + 1e-9) or y > point.y + 1e-9
        if x_ok and y_ok and strict:
            return True
    return False


@pytest.mark.parametrize("seed", range(5))
def test_pareto_capex_against_co2_is_non_dominated_and_equals_epsilon_solves(seed, tmp_path):
    raw = random_raw(50 + seed, n=8)
    case = load_case(raw.write(tmp_path / "case.xlsx"))
    front = pareto_frontier(case, "capex", "co2_reduction", 6, mip_gap=0)
    feasible = [s for s in raw.subsets() if raw.keeps_all_rules(s, raw.total)]
    if not feasible:
        assert front.status == "infeasible" and front.points == []
        return
    assert front.points
    xs = [p.x for p in front.points]
    ys = [p.y for p in front.points]
    assert xs == sorted(xs) and ys == sorted(ys) and len(set(xs)) == len(xs)
    assert close(xs[0], min(raw.totals(s)["capex"] for s in feasible))
    assert close(ys[-1], max(raw.totals(s)["co2_reduction"] for s in feasible))
    for k, point in enumerate(front.points):
        assert not dominated(raw, "capex", "co2_reduction", point, raw.total), (point.x, point.y)
        chosen = frozenset(point.plan)
        assert raw.keeps_all_rules(chosen, raw.total)
        assert close(raw.totals(chosen)["capex"], point.x) and close(raw.totals(chosen)["co2_reduction"], point.y)
        assert point.x <= point.epsilon + 1e-6
        # independent ε solve: the case with capex ≤ ε as its total budget, maximising CO2
        result = fresh(raw.write(tmp_path / f"eps{k}.xlsx", total=min(raw.total, point.epsilon), objective="max_co2"))
        assert close(result.objective, point.y)


def test_pareto_of_two_maximised_metrics(tmp_path):
    raw = random_raw(61, n=8)
    case = load_case(raw.write(tmp_path / "case.xlsx"))
    front = pareto_frontier(case, "energy_saving", "co2_reduction", 5, mip_gap=0)
    assert front.points and not front.x_minimised and not front.y_minimised
    for k, point in enumerate(front.points):
        assert not dominated(raw, "energy_saving", "co2_reduction", point, raw.total)
        assert point.x >= point.epsilon - 1e-6
        target = max(raw.energy_target or 0.0, point.epsilon)
        result = fresh(raw.write(tmp_path / f"eps{k}.xlsx", energy_target=target, objective="max_co2"))
        assert close(result.objective, point.y)


# ----------------------------------------------------------------------------- the command
def run_cli(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


def test_sweep_command_end_to_end(tmp_path):
    raw = random_raw(3, n=8)
    path = raw.write(tmp_path / "case.xlsx")
    out = tmp_path / "sweep.xlsx"
    capex = sum(p.capex for p in raw.projects)
    result = run_cli("sweep", path, "--budget-from", 0, "--budget-to", capex, "--steps", 6, "--pareto",
                     "capex:co2_reduction", "--pareto-steps", 4, "--mip-gap", 0, "-o", out, "--json",
                     "--lang", "en")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    case = load_case(path)
    expected = budget_sweep(case, budget_levels(0, capex, 6), mip_gap=0)
    assert [p["level"] for p in data["points"]] == [p.level for p in expected]
    for got, want in zip(data["points"], expected):
        assert got["status"] == want.status
        assert (got["objective"] is None) == (want.objective is None)
        if want.objective is not None:
            assert close(got["objective"], want.objective)
            assert sorted(got["selected"]) == sorted(want.plan)
    assert close(data["least_budget"]["budget"], least_budget(case, mip_gap=0).budget)
    assert data["pareto"]["x"] == "capex" and data["pareto"]["points"]
    assert data["priority"]["list"] and data["priority"]["weights_from"] == "equal"
    assert data["units"]["money"] == "万元"
    assert "Results:" in result.stderr and "sweep" in result.stderr  # summary and progress on stderr

    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames == ["Frontier", "Pareto", "Priority list", "Run info"]
    for name in ("Frontier", "Pareto", "Priority list"):
        assert wb[name]._charts, name
    frontier = wb["Frontier"]
    header = next(r for r in range(1, 30) if frontier.cell(r, 1).value == "Budget level (万元)")
    levels = [frontier.cell(header + 1 + k, 1).value for k in range(6)]
    assert levels == pytest.approx([p.level for p in expected])
    objectives = [frontier.cell(header + 1 + k, 3).value for k in range(6)]
    assert objectives == [p.objective for p in expected]
    texts = [c.value for row in frontier.iter_rows() for c in row if isinstance(c.value, str)]
    assert "Least budget (万元)" in texts


def test_sweep_command_in_chinese_with_scenario_levels_and_no_priority(tmp_path):
    raw = random_raw(4, n=6)
    scenarios = [["情景名称", "budget:total", "权重"], ["低", 150, 2], ["高", 350, 1]]
    path = raw.write(tmp_path / "case.xlsx", scenarios=scenarios)
    out = tmp_path / "zh.xlsx"
    result = run_cli("sweep", path, "--budget-from", 100, "--budget-to", 400, "--steps", 3, "-o", out, "--json",
                     "--lang", "zh")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["priority"]["weights_from"] == "scenarios"
    assert data["priority"]["levels"] == [150.0, 350.0] and data["priority"]["weights"] == [2.0, 1.0]
    assert openpyxl.load_workbook(out).sheetnames == ["预算曲线", "优先序列", "运行信息"]
    out2 = tmp_path / "nopri.xlsx"
    result = run_cli("sweep", path, "--budget-from", 100, "--budget-to", 400, "--steps", 2, "-o", out2,
                     "--no-priority", "--jobs", 2)
    assert result.exit_code == 0, result.output
    assert openpyxl.load_workbook(out2).sheetnames == ["Frontier", "Run info"]


def test_sweep_command_exit_codes(tmp_path):
    raw = random_raw(6, n=6)
    path = raw.write(tmp_path / "case.xlsx")
    out = tmp_path / "out.xlsx"
    unreachable = raw.write(tmp_path / "unreachable.xlsx", energy_target=sum(p.energy for p in raw.projects) + 1)
    result = run_cli("sweep", unreachable, "--budget-from", 0, "--budget-to", 500, "--steps", 3, "-o", out)
    assert result.exit_code == 1, result.output
    assert "no budget on this pool meets every target" in result.output
    assert out.exists()
    out.unlink()
    bad = [
        ("--budget-from", 500, "--budget-to", 100),
        ("--budget-from", 0, "--budget-to", 100, "--pool", "no_such_pool"),
        ("--budget-from", 0, "--budget-to", 100, "--pareto", "capex"),
        ("--budget-from", 0, "--budget-to", 100, "--pareto", "capex:nonsense"),
        ("--budget-from", 0, "--budget-to", 100, "--pareto", "capex:capex"),
        ("--budget-from", -5, "--budget-to", 100),
        ("--budget-from", 0),
        ("--budget-from", 0, "--budget-to", 100, "--steps", 0),
    ]
    for args in bad:
        result = run_cli("sweep", path, *args, "-o", out)
        assert result.exit_code == 2, (args, result.output)
        assert "Traceback" not in result.output
        assert not out.exists()
    result = run_cli("sweep", path, "--budget-from", 0, "--budget-to", 100, "--pool", "no_such_pool", "-o", out)
    assert "fund_a" in result.output and "total" in result.output  # the pools the case has
    result = run_cli("sweep", path, "--budget-from", 0, "--budget-to", 100, "-o", path)
    assert result.exit_code == 2 and "case file itself" in result.output
    broken = write_workbook(tmp_path / "broken.xlsx", {"projects": [["id", "name"], ["P1", "x"]]})
    result = run_cli("sweep", broken, "--budget-from", 0, "--budget-to", 100, "-o", out)
    assert result.exit_code == 2 and "capex" in result.output and not out.exists()
    # pool and Pareto names match like headers: 总预算 is total, 二氧化碳减排量 is co2_reduction
    result = run_cli("sweep", path, "--budget-from", 0, "--budget-to", 300, "--steps", 2, "--pool", "总预算",
                     "--pareto", "投资:二氧化碳减排量", "--pareto-steps", 2, "--no-priority", "-o", out, "--json")
    assert result.exit_code in (0, 1), result.output
    data = json.loads(result.stdout)
    assert data["pool"] == "total" and data["pareto"]["y"] == "co2_reduction"


def test_every_command_help_has_an_example():
    for command in ("compare", "sweep"):
        result = run_cli(command, "--help")
        assert result.exit_code == 0 and "Example:" in result.output, command
    assert "万元" in run_cli("sweep", "--help").output


def test_plain_raw_helper_is_consistent():
    """The brute force's own evaluation agrees with itself on a hand case."""
    raw = Raw([RawProject("A", 100, 50, 100), RawProject("B", 60, 40, 80, pool="fund_a", requires=("A",))],
              total=150, fund_a=None, energy_target=40, overlaps=[("A", "B", 10, 20)])
    both = frozenset({"A", "B"})
    assert raw.totals(both) == {"energy_saving": 80, "co2_reduction": 160, "capex": 160}
    assert not raw.keeps_all_rules(both, 150) and raw.keeps_all_rules(both, 160)
    assert not raw.keeps_lower_rules(frozenset({"B"}), 1000)
