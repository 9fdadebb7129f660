"""``retrofit-opt compare`` end to end (real .xlsx case files, real solver): every scenario
solved into one workbook, each scenario's result equal to an independent solve of the case
written with that scenario's budgets, targets or objective by hand; the project × scenario
matrix; native charts; JSON; exit codes."""
from __future__ import annotations

import json
import math

import openpyxl
import pytest
from click.testing import CliRunner
from sweep_cases import random_raw
from test_sweep import multi_year_sheets
from workbooks import write_workbook

from retrofit_opt.cli import main
from retrofit_opt.studies.compare import compare_scenarios
from retrofit_opt.loader import load_case
from retrofit_opt.studies.solve import solve_case


def run_cli(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


def close(a, b):
    return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-6)


SCENARIOS = [["name", "description", "budget_scale", "target_scale", "budget:total", "objective"],
             ["tight", "budgets × 0.8", 0.8, None, None, None],
             ["easy targets", "targets × 0.5", None, 0.5, None, None],
             ["big total", "total budget set", None, None, 2000, None],
             ["co2", "maximise CO2", None, None, None, "max_co2"]]


def by_hand(raw, tmp_path, name):
    """The case written with the scenario's overrides applied by hand."""
    total, fund, target = raw.total, raw.fund_a, raw.energy_target
    kw = {"tight": dict(total=total * 0.8, fund_a=fund * 0.8), "easy targets": dict(energy_target=target * 0.5),
          "big total": dict(total=2000), "co2": dict(objective="max_co2"), "base": {}}[name]
    return raw.write(tmp_path / f"hand_{name.replace(' ', '_')}.xlsx", **kw)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_compare_command_end_to_end(seed, tmp_path):
    raw = random_raw(seed, n=8)
    path = raw.write(tmp_path / "case.xlsx", scenarios=SCENARIOS)
    out = tmp_path / "compare.xlsx"
    result = run_cli("compare", path, "-o", out, "--json", "--mip-gap", 0, "--lang", "en")
    data = json.loads(result.stdout)
    names = [s["name"] for s in data["scenarios"]]
    assert names == ["base", "tight", "easy targets", "big total", "co2"]
    independent = {name: solve_case(load_case(by_hand(raw, tmp_path, name)), mip_gap=0, explain=False)
                   for name in names}
    for s in data["scenarios"]:
        want = independent[s["name"]]
        assert s["status"] == want.status, s["name"]
        if want.objective is not None:
            assert close(s["objective"], want.objective), s["name"]
            objective = "max_co2" if s["name"] == "co2" else raw.objective
            assert close(raw.value(frozenset(s["selected"]), objective), want.objective)
        assert s["targets_met"] == want.targets_met
    all_met = all(s["targets_met"] for s in data["scenarios"])
    assert result.exit_code == (0 if all_met else 1), result.output

    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames[:3] == ["Scenarios", "Scenario matrix", "Summary"]
    assert {"Portfolio", "Not selected", "Run info"} <= set(wb.sheetnames)
    scenarios = wb["Scenarios"]
    assert len(scenarios._charts) == 2
    header = [c.value for c in scenarios[4]]
    rows = {scenarios.cell(r, 1).value: [c.value for c in scenarios[r]] for r in range(5, 10)}
    assert list(rows) == names
    col = {h: k for k, h in enumerate(header)}
    for s in data["scenarios"]:
        row = rows[s["name"]]
        if s["objective"] is not None:
            assert close(row[col["Objective value"]], s["objective"])
        assert row[col["All targets met"]] == ("yes" if s["targets_met"] else "no")
        used = row[col["total (whole horizon): used (万元)"]]
        if s["status"] in ("optimal", "feasible"):
            assert close(used, raw.spend(frozenset(s["selected"]), "total"))
            assert close(row[col["energy_saving ≥: achieved"]], raw.totals(frozenset(s["selected"]))["energy_saving"])
        else:
            assert used is None

    matrix = wb["Scenario matrix"]
    assert [matrix.cell(4, 4 + k).value for k in range(len(names))] == names
    for r, project in enumerate(raw.projects, start=5):
        assert matrix.cell(r, 1).value == project.id
        for k, s in enumerate(data["scenarios"]):
            expected = 1 if project.id in s["selected"] else None
            assert matrix.cell(r, 4 + k).value == expected, (project.id, s["name"])
        assert matrix.cell(r, 4 + len(names)).value == sum(project.id in s["selected"] for s in data["scenarios"])


def test_compare_exit_code_zero_when_every_scenario_meets_its_targets(tmp_path):
    raw = random_raw(8, n=6)
    scenarios = [["name", "budget_scale"], ["more", 1.5], ["same", 1.0]]
    path = raw.write(tmp_path / "case.xlsx", scenarios=scenarios)
    result = run_cli("compare", path, "-o", tmp_path / "out.xlsx")
    assert result.exit_code == 0, result.output
    assert result.output.count("all targets met") == 3


def test_compare_multi_year_matrix_shows_start_years_in_chinese(tmp_path):
    sheets = multi_year_sheets(0)
    sheets["情景"] = [["情景名称", "说明", "预算系数"], ["宽松", "预算×1.3", 1.3], ["紧缩", "预算×0.9", 0.9]]
    path = write_workbook(tmp_path / "case.xlsx", sheets)
    out = tmp_path / "zh.xlsx"
    result = run_cli("compare", path, "-o", out, "--lang", "zh", "--no-explain")
    assert result.exit_code in (0, 1), result.output
    runs = compare_scenarios(load_case(path))
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames[:3] == ["情景对比", "情景项目矩阵", "概要"]
    assert "运行信息" in wb.sheetnames
    matrix = wb["情景项目矩阵"]
    case = load_case(path)
    for r, project in enumerate(case.projects, start=5):
        for k, run in enumerate(runs):
            value = matrix.cell(r, 4 + k).value
            if project.id in run.result.plan:
                assert value == run.result.plan[project.id] and 2025 <= value <= 2027
            else:
                assert value is None
    assert wb["情景对比"]._charts


def test_compare_without_scenarios_or_with_bad_ones_is_a_usage_error(tmp_path):
    raw = random_raw(9, n=5)
    out = tmp_path / "out.xlsx"
    result = run_cli("compare", raw.write(tmp_path / "plain.xlsx"), "-o", out)
    assert result.exit_code == 2 and "no scenarios" in result.output and not out.exists()
    bad = raw.write(tmp_path / "bad.xlsx", scenarios=[["name", "budget_scale"], ["neg", -1]])
    result = run_cli("compare", bad, "-o", out)
    assert result.exit_code == 2 and "budget_scale" in result.output and not out.exists()
    assert "Traceback" not in result.output
    result = run_cli("compare", bad, "-o", bad)
    assert result.exit_code == 2 and "case file itself" in result.output


@pytest.mark.parametrize("seed", [4, 5])
def test_compare_matrix_fills_exactly_the_chosen_cells(seed, tmp_path):
    """The Scenario matrix's chosen cells carry the green fill (given by style index, not
    cell by cell through openpyxl) and keep their number format; no other cell is filled."""
    raw = random_raw(seed, n=10)
    path = raw.write(tmp_path / "case.xlsx", scenarios=SCENARIOS)
    out = tmp_path / "compare.xlsx"
    result = run_cli("compare", path, "-o", out, "--json", "--no-explain", "--lang", "en")
    data = json.loads(result.stdout)
    matrix = openpyxl.load_workbook(out)["Scenario matrix"]
    chosen_cells = 0
    for r, project in enumerate(raw.projects, start=5):
        for k, s in enumerate(data["scenarios"]):
            cell = matrix.cell(r, 4 + k)
            if project.id in s["selected"]:
                chosen_cells += 1
                assert cell.fill.fill_type == "solid" and cell.fill.fgColor.rgb == "00C6EFCE", (project.id, k)
                assert cell.number_format == "0"
            else:
                assert cell.fill.fill_type is None, (project.id, k)
        assert matrix.cell(r, 4 + len(data["scenarios"])).fill.fill_type is None
    assert chosen_cells == sum(len(s["selected"]) for s in data["scenarios"]) > 0
