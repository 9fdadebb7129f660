"""The plan-free indicator table (retrofit_opt/indicators.py): each value is the economics
function's own, whether computed on demand, filled in the background while HiGHS solves, or
not remembered at all; the results workbook is byte for byte the same with and without it;
an error in the background fill reaches the caller."""
from __future__ import annotations

import dataclasses
import io
import math
import sys
import zipfile
from datetime import datetime
from pathlib import Path

import pytest

from retrofit_opt import economics, indicators
from retrofit_opt.indicators import IndicatorTable, indicator_table
from retrofit_opt.loader import load_case
from retrofit_opt.report import workbook as W
from retrofit_opt.report.save import save_workbook
from retrofit_opt.studies.solve import solve_case

ROOT = Path(__file__).resolve().parent.parent
WRITTEN_AT = datetime(2026, 1, 2, 3, 4, 5)
FUNCTIONS = {"irr": economics.irr, "discounted_payback": economics.discounted_payback,
             "simple_payback": economics.simple_payback, "lcse": economics.levelised_cost_of_saved_energy,
             "abatement_cost": economics.abatement_cost,
             "npv_contradicts_flows": economics.given_npv_contradicts_flows,
             "npv_at_start": economics.npv_at_start, "enterprise_npv_at_start": economics.enterprise_npv_at_start}


def generated(projects: int, years: int, seed: int):
    sys.path.insert(0, str(ROOT / "bench"))
    try:
        from generate import generate_case
    finally:
        sys.path.remove(str(ROOT / "bench"))
    return generate_case(projects, years, seed=seed)


def same(a, b) -> bool:
    return a == b or (isinstance(a, float) and isinstance(b, float) and math.isnan(a) and math.isnan(b))


@pytest.mark.parametrize("source", ["ganhe_2024", "qinghai_2025", "tiny", "generated"])
def test_every_value_is_the_economics_functions_own(source):
    case = generated(300, 1, 3) if source == "generated" else load_case(ROOT / "cases" / f"{source}.xlsx")
    assert set(indicators.PLAN_FREE) == set(FUNCTIONS)
    on_demand, filled = IndicatorTable(case), IndicatorTable(case).fill_in_background()
    for project in case.projects:
        for name, function in FUNCTIONS.items():
            want = function(project, case.parameters)
            assert same(on_demand.get(name, project), want) and same(filled.get(name, project), want), (name, project.id)
        for start in (None, *case.start_years(project)):
            assert filled.npv(project, start) == economics.npv(project, case.parameters, start)
            assert filled.npv_enterprise(project, start) == economics.npv_enterprise(project, case.parameters, start)


def workbook_parts(result, lang: str) -> dict[str, bytes]:
    report = W.build_workbook(result, lang, written_at=WRITTEN_AT)
    W.finish_workbook(report, result.case, WRITTEN_AT)
    buffer = io.BytesIO()
    save_workbook(report.workbook, buffer)
    with zipfile.ZipFile(buffer) as archive:
        return {name: archive.read(name) for name in archive.namelist() if name != "docProps/core.xml"}


@pytest.mark.parametrize("source, lang", [("ganhe_2024", "zh"), ("qinghai_2025", "en"), ("generated", "zh")])
def test_the_workbook_is_the_same_with_and_without_the_table(source, lang):
    case = generated(800, 1, 5) if source == "generated" else load_case(ROOT / "cases" / f"{source}.xlsx")
    result = solve_case(case, explain=source != "generated", mip_gap=1e-3, time_limit=60)
    assert result.indicators is not None and result.indicators.case is result.case
    assert indicator_table(result) is result.indicators
    without = dataclasses.replace(result, indicators=None)
    assert indicator_table(without) is not result.indicators
    assert workbook_parts(result, lang) == workbook_parts(without, lang)


def test_a_table_for_another_case_is_not_used():
    result = solve_case(load_case(ROOT / "cases" / "tiny.xlsx"), time_limit=30)
    other = dataclasses.replace(result, case=load_case(ROOT / "cases" / "tiny.xlsx"))
    assert indicator_table(other) is not result.indicators and indicator_table(other).case is other.case


def test_an_error_in_the_background_fill_is_raised_to_the_caller(monkeypatch):
    case = load_case(ROOT / "cases" / "tiny.xlsx")

    def broken(project, params):
        raise ZeroDivisionError("broken indicator")
    monkeypatch.setitem(indicators.PLAN_FREE, "irr", broken)
    table = IndicatorTable(case).fill_in_background()
    with pytest.raises(ZeroDivisionError, match="broken indicator"):
        table.wait()
    table.wait()  # raised once; the table still answers what it can
    assert table.get("lcse", case.projects[0]) == economics.levelised_cost_of_saved_energy(case.projects[0],
                                                                                          case.parameters)


def test_compare_remembers_the_indicators_of_the_base_case_only():
    """Only the base case's sheets are written by ``compare``: the scenarios' solves do not
    spend a thread on indicators nobody reads."""
    from retrofit_opt.studies.compare import compare_scenarios
    case = load_case(ROOT / "cases" / "ganhe_2024.xlsx")
    runs = compare_scenarios(case, time_limit=30, explain=False)
    assert len(runs) > 1 and runs[0].result.indicators is not None
    assert all(run.result.indicators is None for run in runs[1:])


@pytest.mark.parametrize("source", ["qinghai_2025", "generated"])
def test_the_plans_npv_total_read_from_the_table_is_the_economics_one(source):
    """solve_case totals the plan's NPV from the indicator table; the same sum, to the bit,
    as evaluate.metric_totals computes it from the economics functions."""
    from retrofit_opt import evaluate
    case = generated(300, 3, 5) if source == "generated" else load_case(ROOT / "cases" / f"{source}.xlsx")
    result = solve_case(case, explain=False, mip_gap=1e-2, time_limit=60)
    assert result.indicators is not None and len(result.plan) > 3
    assert result.totals == evaluate.metric_totals(case, result.plan)
    assert result.totals["npv"] == evaluate.metric_totals(case, result.plan, IndicatorTable(case).npv)["npv"]
