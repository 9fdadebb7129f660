"""Result as pandas DataFrames (``.portfolio``, ``.not_selected``, ``.targets``,
``.budgets``) and ``.to_excel``: the same numbers as the JSON and the workbook."""
import math
from pathlib import Path

import pytest
from openpyxl import load_workbook

from retrofit_opt import load_case
from retrofit_opt.report import write_results
from retrofit_opt.studies.solve import solve_case

CASES = Path(__file__).resolve().parents[1] / "cases"


@pytest.fixture(scope="module", params=["tiny", "qinghai_2025"])
def result(request):
    return solve_case(load_case(CASES / f"{request.param}.xlsx"), mip_gap=0)


def test_portfolio_lists_the_plan_with_units_in_the_column_names(result):
    frame = result.portfolio
    assert list(frame["id"]) == result.selected()
    assert math.isclose(frame["capex_万元"].sum(), result.totals["capex"], rel_tol=1e-9)
    assert math.isclose(frame["npv_万元"].sum(), result.totals["npv"], rel_tol=1e-9)
    assert "energy_saving_tce_per_yr" in frame.columns
    if result.case.multi_year:
        assert list(frame["start_year"]) == [result.plan[pid] for pid in result.selected()]
    else:
        assert "start_year" not in frame.columns


def test_not_selected_holds_every_other_project_with_its_reason(result):
    frame = result.not_selected
    left_out = [p.id for p in result.case.projects if p.id not in result.plan]
    assert list(frame["id"]) == left_out
    assert list(frame["reason"]) == [result.exclusions[pid].reason for pid in left_out]


def test_targets_and_budgets_frames_match_the_json(result):
    data = result.to_json()
    targets = result.targets
    assert list(targets["target"]) == [t["target"] for t in data["targets"]]
    assert targets["achieved"].tolist() == pytest.approx([t["achieved"] for t in data["targets"]])
    assert list(targets["met"]) == [t["met"] for t in data["targets"]]
    budgets = result.budgets
    assert budgets["used_万元"].tolist() == pytest.approx([b["used"] for b in data["budgets"]])
    assert budgets["limit_万元"].tolist() == pytest.approx([b["limit"] for b in data["budgets"]])
    assert (budgets["left_万元"] == budgets["limit_万元"] - budgets["used_万元"]).all()


def test_to_excel_writes_the_solve_workbook(result, tmp_path):
    ours, theirs = tmp_path / "api.xlsx", tmp_path / "cli.xlsx"
    result.to_excel(ours, lang="en")
    write_results(result, theirs, "en")
    a, b = load_workbook(ours), load_workbook(theirs)
    assert a.sheetnames == b.sheetnames
    for name in a.sheetnames:
        if name == "Run info":
            continue  # written-at stamp
        rows_a = list(a[name].iter_rows(values_only=True))
        assert rows_a == list(b[name].iter_rows(values_only=True)), name
