"""The Python API: ``read_case``, ``Case.from_frames`` and ``solve``.

A case built from DataFrames goes through the workbook's validation (the reader's raw
tables, then ``validate``): the bundled cases read sheet by sheet with pandas solve exactly
as the workbooks do, and the same broken input gets the same problems — word for word —
from a workbook and from DataFrames (built directly, or read from that workbook by pandas).
"""
from __future__ import annotations

import copy
import dataclasses
import datetime
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import retrofit_opt
from retrofit_opt import Case, CaseError
from workbooks import minimal_case, write_workbook

CASES = Path(__file__).resolve().parents[1] / "cases"
BUNDLED = ["tiny.xlsx", "ganhe_2024.xlsx", "qinghai_2025.xlsx"]
# pandas reads .xlsx with openpyxl today and will default to python-calamine (pandas 4):
# the consultant's route must give the same case with either.
ENGINES = ["openpyxl", "calamine"]


def frames_of(sheets: dict[str, list[list]]) -> dict[str, pd.DataFrame]:
    """The DataFrames of ``{title: [header, row, …]}`` — what a consultant types in Python."""
    return {title: pd.DataFrame(rows[1:], columns=rows[0]) for title, rows in sheets.items()}


def problems_of(call) -> list[str]:
    """Every problem ``call()`` reports, as text (location, message, value, fix)."""
    with pytest.raises(CaseError) as info:
        call()
    return [str(p) for p in info.value.problems]


def findings_of(call) -> list[str]:
    """The problems of a rejected case, or the warnings of an accepted one, as text."""
    try:
        case = call()
    except CaseError as error:
        return ["error raised"] + [str(p) for p in error.problems]
    return [str(p) for p in case.warnings]


# ------------------------------------------------------------------------ same case, same plan
@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("name", BUNDLED)
def test_bundled_case_from_pandas_frames_is_the_workbook_case(name, engine):
    path = CASES / name
    from_file = retrofit_opt.read_case(path)
    from_frames = Case.from_frames(pd.read_excel(path, sheet_name=None, engine=engine))
    for field in dataclasses.fields(Case):
        if field.name not in ("source_name", "source_sha256"):
            assert getattr(from_frames, field.name) == getattr(from_file, field.name), field.name
    assert from_frames.source_name == "DataFrames" and len(from_frames.source_sha256) == 64


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("name", BUNDLED)
def test_bundled_case_from_pandas_frames_solves_identically(name, engine):
    path = CASES / name
    a = retrofit_opt.solve(retrofit_opt.read_case(path), explain=False)
    b = retrofit_opt.solve(Case.from_frames(pd.read_excel(path, sheet_name=None, engine=engine)), explain=False)
    assert a.status == b.status == "optimal"
    assert b.objective == a.objective
    assert b.plan == a.plan  # the selection (and start years in the multi-year case)
    assert b.to_json()["targets"] == a.to_json()["targets"] and b.to_json()["totals"] == a.to_json()["totals"]


def test_keywords_and_mapping_give_the_same_case():
    sheets = minimal_case()
    frames = frames_of(sheets)
    by_keyword = Case.from_frames(projects=frames["projects"], budgets=frames["budgets"],
                                  targets=frames["targets"], parameters=frames["parameters"])
    assert by_keyword == Case.from_frames(frames)
    result = retrofit_opt.solve(by_keyword, explain=False)
    # brute force over the 8 subsets of the minimal case: budget 1500, P3 requires P2
    best = max((s for s in range(8)), key=lambda s: (
        -1 if (s & 4 and not s & 2) or 1000 * (s & 1) + 400 * (s >> 1 & 1) + 300 * (s >> 2 & 1) > 1500
        else 800 * (s & 1) + 300 * (s >> 1 & 1) + 200 * (s >> 2 & 1)))
    assert result.plan.keys() == {f"P{i + 1}" for i in range(3) if best >> i & 1}
    assert result.objective == 800 * (best & 1) + 300 * (best >> 1 & 1) + 200 * (best >> 2 & 1)


# ------------------------------------------------------------------ same broken input, same problems
def _broken(edit):
    sheets = copy.deepcopy(minimal_case())
    edit(sheets)
    return sheets


def _set(sheet, row, column, value):
    def edit(sheets):
        table = sheets[sheet]
        table[row][table[0].index(column)] = value
    return edit


def _drop_column(sheet, column):
    def edit(sheets):
        index = sheets[sheet][0].index(column)
        for row in sheets[sheet]:
            del row[index]
    return edit


def _add_sheet(title, rows):
    def edit(sheets):
        sheets[title] = rows
    return edit


def _chinese(sheets):
    """The minimal case with Chinese sheet names and headers, one capex in 亿元 and one bad."""
    sheets["项目"] = [["编号", "项目名称", "投资(亿元)", "节能量(吨标准煤/年)"],
                    ["P1", "余热回收", 0.1, 800], ["P2", "电机变频", "四百", 300]]
    for name in ("projects", "budgets", "targets", "parameters"):
        del sheets[name]
    sheets["参数"] = [["参数", "值"], ["目标函数", "最大节能量"]]


BREAKAGES = {
    "text in a number column": _set("projects", 2, "capex (万元)", "abc"),
    "a date in a number column": _set("projects", 1, "capex (万元)", datetime.datetime(2024, 3, 1)),
    "a yes/no column with a number": _set("projects", 1, "mandatory", 7),
    "unknown unit": lambda s: s["projects"][0].__setitem__(2, "capex (美元)"),
    "duplicate id": _set("projects", 2, "id", "P1"),
    "unknown prerequisite": _set("projects", 3, "requires", "P9"),
    "missing required column": _drop_column("projects", "capex (万元)"),
    "unknown and repeated parameters": _add_sheet("parameters", [["parameter", "value"], ["objective", "max_saving"],
                                                                 ["time_limit", -5], ["colour", "red"],
                                                                 ["objective", "min_cost"]]),
    "bad target": _add_sheet("targets", [["metric", "year", "kind", "value"],
                                         ["energy_savings", None, "minimum", "lots"]]),
    "yearly budget in a single-period case": _set("budgets", 1, "year", 2024),
    "unknown sheet and notes sheets": lambda s: s.update({"Sheet1": [["x"], [1]], "sources": [["note"], ["a"]],
                                                         "来源": [["说明"], ["b"]], "notes": [["n"], ["c"]]}),
    "unknown column": lambda s: [row.append(value) for row, value in zip(s["projects"], ["colour", "red", "", "blue"])],
    "two projects sheets": _add_sheet("项目", [["id", "name", "capex"], ["Q1", "x", 1]]),
    "no projects sheet": lambda s: s.pop("projects"),
    "Chinese sheets": _chinese,
}


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("breakage", list(BREAKAGES))
def test_same_problems_from_workbook_and_frames(breakage, engine, tmp_path):
    sheets = _broken(BREAKAGES[breakage])
    path = write_workbook(tmp_path / "broken.xlsx", sheets)
    from_workbook = findings_of(lambda: retrofit_opt.read_case(path))
    assert from_workbook  # the breakage is found (as errors, or as warnings)
    assert findings_of(lambda: Case.from_frames(frames_of(sheets))) == from_workbook
    # the consultant's route: pandas reads the workbook, the frames go in
    assert findings_of(lambda: Case.from_frames(pd.read_excel(path, sheet_name=None, engine=engine))) == from_workbook


def test_same_warnings_on_a_valid_case(tmp_path):
    sheets = minimal_case()
    sheets["projects"][0].append("colour")
    for row in sheets["projects"][1:]:
        row.append("red")
    sheets["Sheet1"] = [["x"], [1]]
    path = write_workbook(tmp_path / "warned.xlsx", sheets)
    from_workbook = [str(p) for p in retrofit_opt.read_case(path).warnings]
    assert len(from_workbook) == 2, from_workbook
    assert [str(p) for p in Case.from_frames(frames_of(sheets)).warnings] == from_workbook


@pytest.mark.parametrize("title", ["说明", "来源", "sources", "Notes", "README", "填写说明", "数据来源"])
def test_notes_sheets_are_skipped_alike_without_warning(title, make_case):
    sheets = minimal_case()
    sheets[title] = [["these numbers come from the 2024 report"], ["see page 3"]]
    case = retrofit_opt.read_case(make_case(sheets))
    assert not case.warnings, [str(w) for w in case.warnings]


def test_an_unknown_sheet_still_draws_a_warning(make_case):
    sheets = minimal_case()
    sheets["Sheet2"] = [["x"], [1]]
    case = retrofit_opt.read_case(make_case(sheets))
    assert [w.message for w in case.warnings] == ["sheet 'Sheet2' is not part of the case format and is ignored"]


# --------------------------------------------------------------------------- DataFrame specifics
def test_pandas_types_read_as_workbook_cells():
    """float64 columns with NaN (what pandas makes of a year column with blanks), numpy
    integers and booleans, pd.NA and padded text read as the workbook's cells would."""
    sheets = minimal_case()
    frames = frames_of(sheets)
    projects = frames["projects"]
    projects["capex (万元)"] = projects["capex (万元)"].astype("int64")
    projects["energy_saving (tce/yr)"] = projects["energy_saving (tce/yr)"].astype("float64")
    projects["mandatory"] = np.array([False, False, False])
    projects["requires"] = pd.array([pd.NA, pd.NA, " P2 "], dtype="string")
    frames["budgets"] = pd.DataFrame({"pool": ["total"], "year": [np.nan], "limit (万元)": [np.float64(1500)]})
    case = Case.from_frames(frames)
    plain = Case.from_frames(frames_of(sheets))  # "no" for mandatory, "" for no prerequisite
    assert dataclasses.replace(case, source_sha256="") == dataclasses.replace(plain, source_sha256="")
    assert case.project("P3").requires == ("P2",)


def test_a_cell_holding_a_list_is_an_error_with_its_location():
    sheets = minimal_case()
    sheets["projects"][2][2] = [400, 500]
    frames = frames_of(sheets)
    problems = problems_of(lambda: Case.from_frames(frames))
    assert problems[0] == ("sheet 'projects', row 3, column C 'capex (万元)': the cell holds a list, which a "
                           "workbook cell cannot (found '[400, 500]') — put one number, text, date or yes/no in "
                           "each cell")
    sheets["projects"][2][2] = "[400, 500]"  # the rest: what a workbook with that text gets
    assert problems[1:] == problems_of(lambda: Case.from_frames(frames_of(sheets)))
    assert problems[1].startswith("sheet 'projects', row 3, column C 'capex (万元)': capex is not a number")


def test_not_a_dataframe_and_several_header_rows_are_refused():
    problems = problems_of(lambda: Case.from_frames(projects=[["id", "name"], ["P1", "x"]]))
    assert problems == ["sheet 'projects': the 'projects' sheet is a list, not a pandas DataFrame — pass a "
                        "DataFrame, e.g. pandas.DataFrame(rows, columns=[…])"]
    frame = pd.DataFrame([[1, 2]], columns=pd.MultiIndex.from_tuples([("a", "id"), ("a", "capex")]))
    assert "several header rows" in problems_of(lambda: Case.from_frames(projects=frame))[0]
    assert "the 'projects' sheet is given twice" in problems_of(
        lambda: Case.from_frames({"projects": frame}, projects=frame))[0]


def test_from_frames_needs_projects():
    assert problems_of(lambda: Case.from_frames(budgets=pd.DataFrame({"pool": ["total"], "limit": [1]}))) == [
        "the case has no 'projects' (项目) sheet — add a sheet named 'projects' or '项目' (see `retrofit-opt template`)"]


def test_from_frames_never_modifies_the_frames():
    frames = frames_of(minimal_case())
    before = {k: v.copy(deep=True) for k, v in frames.items()}
    Case.from_frames(frames)
    for name, frame in frames.items():
        pd.testing.assert_frame_equal(frame, before[name])


# -------------------------------------------------------------------------------------- solve()
def test_solve_options_are_checked_before_solving():
    case = retrofit_opt.read_case(CASES / "tiny.xlsx")
    problems = problems_of(lambda: retrofit_opt.solve(case, timelimit=10, mip_gap=2, explain="yes",
                                                      time_limit=float("nan"), explain_limit=-1))
    assert len(problems) == 5
    assert problems[0].startswith("unknown option 'timelimit' for solve() — did you mean time_limit?")
    assert any(p.startswith("mip_gap must be between 0 and 1 (found 2)") for p in problems)
    assert any(p.startswith("explain must be True or False (found 'yes')") for p in problems)
    assert any(p.startswith("time_limit must be a finite number (found nan)") for p in problems)
    assert any(p.startswith("explain_limit must be a whole number of 0 or more (found -1)") for p in problems)
    for bad in (0, -1, True, "60"):
        assert problems_of(lambda: retrofit_opt.solve(case, time_limit=bad))[0].startswith("time_limit must be")
    assert problems_of(lambda: retrofit_opt.solve("cases/tiny.xlsx"))[0].startswith("solve() needs a Case, not str")


def test_solve_passes_checked_options_through():
    case = retrofit_opt.read_case(CASES / "tiny.xlsx")
    result = retrofit_opt.solve(case, time_limit=np.float64(30), mip_gap=0, explain=False, diagnose=False)
    assert result.status == "optimal" and result.objective == 125.0  # cases/README.md: the hand-worked optimum
    assert result.options["time_limit"] == 30.0 and result.options["mip_gap"] == 0.0
    assert result.exclusions == {}
    explained = retrofit_opt.solve(case, explain_limit=np.int64(1))
    analysed = [e for e in explained.exclusions.values() if e.reason != "not_computed"]
    assert len(analysed) == 1 and len(explained.exclusions) == 2


def test_solve_is_callable_whatever_was_imported_first():
    """``retrofit_opt.solve`` is also the name of the solver module; importing it must not
    hide the API function."""
    import retrofit_opt.solve as solver_module
    assert hasattr(solver_module, "Solver")
    case = retrofit_opt.read_case(CASES / "tiny.xlsx")
    assert retrofit_opt.solve(case, explain=False).objective == 125.0
    from retrofit_opt import solve
    assert solve(case, explain=False).objective == 125.0


def test_read_case_raises_the_cli_problems(tmp_path):
    path = write_workbook(tmp_path / "bad.xlsx", _broken(_set("projects", 2, "capex (万元)", "abc")))
    from click.testing import CliRunner
    from retrofit_opt.cli import main
    run = CliRunner().invoke(main, ["validate", str(path)])
    assert run.exit_code == 2
    for text in problems_of(lambda: retrofit_opt.read_case(path)):
        assert text in run.output


# ----------------------------------------------------------------------- CLI progress, not a terminal
def test_sweep_prints_readable_progress_lines_to_a_log(tmp_path):
    """stderr is not a terminal under CliRunner (as in a log file): one line per finished
    stage, never a bare stage name."""
    from click.testing import CliRunner
    from retrofit_opt.cli import main
    run = CliRunner().invoke(main, ["sweep", str(CASES / "tiny.xlsx"), "--budget-from", "100", "--budget-to", "200",
                                    "--steps", "3", "-o", str(tmp_path / "tiny_sweep.xlsx")])
    assert run.exit_code == 0, run.output
    progress = [line for line in run.stderr.splitlines() if not line.startswith("3 budget levels")]
    assert progress == ["sweep: 3 of 3 done", "least budget: 1 of 1 done", "priority list: 1 of 1 done"], run.stderr
