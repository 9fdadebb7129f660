"""The robust options of solve, compare and sweep through the CLI (issue 14): JSON fields,
the Robustness sheet, bad options (exit 2, nothing written), sweeps and scenarios solved
robustly, and Γ-robust milestones of a multi-year case against brute force."""
from __future__ import annotations

import itertools
import json
import math

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from robust_cases import best, gamma_robust, random_small_case, write_case
from retrofit_opt.cli import main
from retrofit_opt.loader import load_case
from retrofit_opt.studies.robust import solve_robust
from workbooks import write_workbook


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


@pytest.fixture
def small(tmp_path):
    case = random_small_case(3, n=8, objectives=("max_saving",))
    return case, write_case(tmp_path / "case.xlsx", case)


def test_solve_robust_gamma_json_and_sheet(tmp_path, small):
    case, path = small
    out = tmp_path / "out.xlsx"
    result = run("solve", path, "--robust-gamma", 2, "-o", out, "--json", "--lang", "zh")
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert doc["gamma"] == 2 and doc["confidence"] is None
    expected = best(case, lambda c: gamma_robust(case, c, 2))
    assert math.isclose(doc["objective"], expected)
    deterministic = best(case, lambda c: gamma_robust(case, c, 0))
    assert math.isclose(doc["price_of_robustness"], deterministic - expected, abs_tol=1e-9)
    assert doc["robust"]["price_curve"][0]["gamma"] == 0
    assert [p["gamma"] for p in doc["robust"]["price_curve"]][:3] == [0, 1, 2]
    target = doc["robust"]["targets"][0]
    assert target["worst_case"] >= target["required"] - 1e-6
    wb = load_workbook(out)
    assert wb.sheetnames[1] == "稳健性"
    ws = wb["稳健性"]
    assert ws._charts, "the price-of-robustness chart"
    texts = [c.value for row in ws.iter_rows() for c in row if isinstance(c.value, str)]
    assert any("稳健性代价" in t for t in texts)


def test_solve_confidence_json(tmp_path, small):
    _, path = small
    result = run("solve", path, "--confidence", 0.9, "--samples", 80, "--seed", 4, "-o", tmp_path / "o.xlsx",
                 "--json", "--lang", "en")
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert doc["confidence"] == 0.9 and doc["gamma"] is None
    robust = doc["robust"]
    assert robust["samples"] == 80 and robust["seed"] == 4 and robust["out_of_sample_seed"] != 4
    t = robust["targets"][0]
    assert t["in_sample_probability"] >= 0.9
    low, high = t["out_of_sample_interval"]
    assert low <= t["out_of_sample_probability"] <= high
    assert "energy_saving ≥" in next(iter(robust["big_m"]))
    assert "Robustness" in load_workbook(tmp_path / "o.xlsx").sheetnames


@pytest.mark.parametrize("options, message", [
    (["--confidence", "1.5"], "--confidence"),
    (["--robust-gamma", "-1"], "--robust-gamma"),
    (["--robust-gamma", "1", "--confidence", "0.9"], "choose one robust variant"),
    (["--cvar-alpha", "0.9", "--risk-aversion", "0.5"], "needs the objective max_npv"),
    (["--cvar-alpha", "0.9"], "go together"),
    (["--samples", "0", "--confidence", "0.9"], "--samples"),
])
def test_bad_robust_options_exit_2_without_output(tmp_path, small, options, message):
    _, path = small
    out = tmp_path / "never.xlsx"
    result = run("solve", path, *options, "-o", out)
    assert result.exit_code == 2, result.output
    assert message in result.output
    assert "Traceback" not in result.output
    assert not out.exists()


def test_compare_robust_gamma(tmp_path):
    case = random_small_case(7, n=7, objectives=("max_saving",))
    path = write_case(tmp_path / "c.xlsx", case)
    wb = load_workbook(path)
    ws = wb.create_sheet("scenarios")
    ws.append(["name", "budget_scale"])
    ws.append(["tight", 0.8])
    ws.append(["loose", 1.3])
    wb.save(path)
    result = run("compare", path, "--robust-gamma", 1, "-o", tmp_path / "cmp.xlsx", "--json", "--no-explain")
    assert result.exit_code in (0, 1), result.output
    doc = json.loads(result.stdout)
    loaded = load_case(path)
    from retrofit_opt.scenarios import apply_scenario
    for entry, variant in zip(doc["scenarios"], [loaded, *[apply_scenario(loaded, s) for s in loaded.scenarios]]):
        assert entry["gamma"] == 1
        alone = solve_robust(variant, gamma=1, explain=False, price_curve=False)
        assert entry["objective"] == pytest.approx(alone.result.objective) if alone.has_plan else \
            entry["status"] == "infeasible"
    assert "Robustness" in load_workbook(tmp_path / "cmp.xlsx").sheetnames


def test_sweep_robust_gamma_levels_equal_robust_solves(tmp_path, small):
    case, path = small
    levels = [case.budget * f for f in (0.6, 0.8, 1.0, 1.2)]
    result = run("sweep", path, "--budget-from", levels[0], "--budget-to", levels[-1], "--steps", 4,
                 "--robust-gamma", 1, "--no-priority", "-o", tmp_path / "s.xlsx", "--json")
    assert result.exit_code in (0, 1), result.output
    doc = json.loads(result.stdout)
    assert doc["options"]["robust_gamma"] == 1
    for point in doc["points"]:
        scaled = type(case)(case.items, point["level"], case.target, case.objective)
        expected = best(scaled, lambda c: gamma_robust(scaled, c, 1))
        if expected is None:
            assert point["objective"] is None or point["carried"]
        else:
            assert point["objective"] == pytest.approx(expected)


# ----------------------------------------------------------------------------- multi-year milestones
MULTI = [  # id, capex, saving, low, earliest, latest
    ("A", 300, 100, 60, 2021, 2023), ("B", 200, 80, 30, 2021, 2022), ("C", 250, 90, 80, 2022, 2023),
    ("D", 150, 50, 20, 2021, 2023), ("E", 400, 140, 100, 2023, 2023)]
MILESTONES = {2022: 150, 2023: 260}


def _multi_case(tmp_path):
    rows = [["id", "name", "capex (万元)", "energy_saving (tce/yr)", "saving_low (tce/yr)", "earliest_year",
             "latest_year", "build_years", "lifetime"]]
    rows += [[i, f"project {i}", c, s, lo, e, la, 1, 10] for i, c, s, lo, e, la in MULTI]
    return write_workbook(tmp_path / "multi.xlsx", {
        "projects": rows,
        "budgets": [["pool", "year", "limit (万元)"], ["total", None, 5000]],
        "targets": [["metric", "year", "kind", "value"]] + [["energy_saving", y, "min_total", v]
                                                            for y, v in MILESTONES.items()],
        "parameters": [["parameter", "value"], ["objective", "min_cost"], ["start_year", 2021], ["end_year", 2023],
                       ["mip_gap", 0]],
    })


def _multi_brute_force(gamma: int) -> float | None:
    """Every plan = each project off or started in a year of its window (capacity counts
    from its start year on, build 1 year); each milestone must hold when any ``gamma``
    projects counted by then fall to their low ends."""
    choices = [[None] + list(range(e, la + 1)) for _, _, _, _, e, la in MULTI]
    costs = []
    for starts in itertools.product(*choices):
        ok = True
        for year, value in MILESTONES.items():
            counted = [(s, lo) for (_, _, s, lo, _, _), t in zip(MULTI, starts) if t is not None and t <= year]
            total = sum(s for s, _ in counted)
            for size in range(min(gamma, len(counted)) + 1):
                for fallen in itertools.combinations(counted, size):
                    if total - sum(s - lo for s, lo in fallen) < value - 1e-9:
                        ok = False
        if ok:
            costs.append(sum(c for (_, c, *_), t in zip(MULTI, starts) if t is not None))
    return min(costs) if costs else None


@pytest.mark.parametrize("gamma", [0, 1, 2, 3])
def test_multi_year_milestones_gamma_robust_against_brute_force(tmp_path, gamma):
    case = load_case(_multi_case(tmp_path))
    got = solve_robust(case, gamma=gamma, explain=False, price_curve=False)
    expected = _multi_brute_force(gamma)
    assert (got.result.objective if got.has_plan else None) == (pytest.approx(expected) if expected is not None
                                                                else None)
    if got.has_plan:
        assert all(t.robust_met for t in got.targets) and len(got.targets) == 2
