"""Validation rules, one broken minimal case per rule.

Every test starts from ``minimal_case()`` (tests/workbooks.py), breaks it one way, writes a
real .xlsx file and checks both the library (``load_case`` → ``CaseError.problems``) and the
command line (``retrofit-opt validate`` → exit code and the block on stderr): the sheet as
titled in the workbook, the Excel row number, the column (letter and header as written),
the bad value and a fix.

Layout of the minimal case, for reading the expectations below::

    projects    A id | B name | C capex (万元) | D energy_saving (tce/yr) | E co2_reduction (t/yr)
                F mandatory | G exclusive_group | H requires        rows 2 P1, 3 P2, 4 P3 (requires P2)
    budgets     A pool | B year | C limit (万元)                     row 2 total, 1500
    targets     A metric | B year | C kind | D value                 row 2 energy_saving min_total 500
    parameters  A parameter | B value                                row 2 objective max_saving
"""
from __future__ import annotations

import hashlib
import os
import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Callable

import pytest
from click.testing import CliRunner
from openpyxl.utils import get_column_letter

from retrofit_opt.cli import main
from retrofit_opt.errors import CaseError, Problem
from retrofit_opt.loader import load_case
from workbooks import minimal_case

# ------------------------------------------------------------------------------ helpers
PROJECT_COLUMNS = {"id": "A", "name": "B", "capex": "C", "energy_saving": "D", "co2_reduction": "E",
                   "mandatory": "F", "exclusive_group": "G", "requires": "H"}


def problems_of(path) -> list[Problem]:
    """Every problem the library reports for ``path``: the errors and warnings of a
    ``CaseError``, or the warnings of a valid case."""
    try:
        case = load_case(path)
    except CaseError as err:
        return list(err.problems)
    return list(case.warnings)


def run_validate(path):
    """``retrofit-opt validate PATH`` in-process; stderr separate from stdout."""
    result = CliRunner().invoke(main, ["validate", str(path)])
    output = (result.stdout or "") + (result.stderr or "")
    assert "Traceback" not in output, output
    assert result.exception is None or isinstance(result.exception, SystemExit), \
        f"validate raised {result.exception!r}:\n{output}"
    return result


def listing(problems) -> str:
    return "\n".join(f"  [{p.severity}] sheet={p.sheet!r} row={p.row!r} column={p.column!r} "
                     f"value={p.value!r}: {p.message} — {p.fix}" for p in problems) or "  (none)"


def _column_matches(label: str | None, letter: str | None, header: str | None) -> bool:
    if letter is None and header is None:
        return True
    if label is None:
        return False
    if letter is not None and not label.startswith(f"{letter} "):
        return False
    return header is None or header in label


def find_problem(problems, *, sheet, row, letter=None, header=None, severity="error",
                 text: str | None = None) -> Problem:
    """The problem at sheet/row/column (``row`` may be a set of acceptable rows)."""
    rows = row if isinstance(row, (set, frozenset)) else {row}
    matches = [p for p in problems
               if p.severity == severity and p.sheet == sheet and p.row in rows
               and _column_matches(p.column, letter, header)
               and (text is None or text.lower() in p.message.lower())]
    assert matches, (f"no {severity} at sheet {sheet!r}, row {row!r}, column {letter} {header!r}"
                     + (f" mentioning {text!r}" if text else "") + "; reported:\n" + listing(problems))
    return matches[0]


def check(path, *, sheet, row, letter=None, header=None, shows=(), severity="error", text=None) -> Problem:
    """Assert the library and the CLI both report the problem with its location, the bad
    value (each string of ``shows``) and a fix; return the library's problem."""
    problems = problems_of(path)
    problem = find_problem(problems, sheet=sheet, row=row, letter=letter, header=header,
                           severity=severity, text=text)
    assert problem.fix.strip(), f"no fix given for: {problem}"
    rendered = str(problem)
    for fragment in shows:
        assert fragment in rendered, f"{fragment!r} not named in: {rendered}"

    result = run_validate(path)
    assert result.exit_code == (2 if any(p.severity == "error" for p in problems) else 0), result.stderr
    where = [f"sheet '{sheet}'", f"row {problem.row}"]
    if letter is not None:
        where.append(f"column {letter} '")
    if header is not None:
        where.append(header)
    lines = [line for line in result.stderr.splitlines() if all(w in line for w in where)]
    assert lines, f"no stderr line with {where}:\n{result.stderr}"
    line = lines[0]
    for fragment in shows:
        assert fragment in line, f"{fragment!r} not in stderr line: {line}"
    assert "—" in line and problem.fix in line, f"no fix on the stderr line: {line}"
    if severity == "error":
        assert result.stdout.strip() == "", "an invalid case must not print a success line"
    else:
        assert "valid" in result.stdout
    return problem


def add_column(case: dict, sheet: str, header: str, values: list) -> str:
    """Append a column (header + one value per data row); return its Excel letter."""
    rows = case[sheet]
    rows[0].append(header)
    for i, row in enumerate(rows[1:]):
        row.append(values[i] if i < len(values) else None)
    return get_column_letter(len(rows[0]))


def set_cell(case: dict, sheet: str, excel_row: int, column: str, value) -> None:
    case[sheet][excel_row - 1][ord(column) - ord("A")] = value


def multi_year(case: dict, start=2024, end=2030) -> dict:
    case["parameters"] += [["start_year", start], ["end_year", end]]
    return case


def sha256(path) -> str:
    return hashlib.sha256(open(path, "rb").read()).hexdigest()


# ---------------------------------------------------------- one broken cell, one problem
@dataclass
class Broken:
    """One way to break the minimal case and where the problem must be reported."""

    mutate: Callable[[dict], None]
    sheet: str
    row: int | set
    letter: str | None
    header: str | None
    shows: tuple = ()
    text: str | None = None
    severity: str = "error"
    extra: dict = field(default_factory=dict)


def _cell(sheet, row, column, value):
    return lambda case: set_cell(case, sheet, row, column, value)


def _steps(*steps):
    def mutate(case):
        for step in steps:
            step(case)
    return mutate


def _column(sheet, header, values):
    return lambda case: add_column(case, sheet, header, values)


def _append(sheet, row):
    return lambda case: case[sheet].append(row)


def _interactions(*pairs):
    def mutate(case):
        case["interactions"] = [["project_a", "project_b", "energy_overlap (tce/yr)"]] + [list(p) for p in pairs]
    return mutate


def _intensity_without_baseline(case):
    case["targets"] = [["metric", "year", "kind", "value", "base_year"],
                       ["energy_saving", 2025, "intensity_reduction", 12.5, 2020]]


BROKEN = {
    # wrong type
    "capex is text": Broken(_cell("projects", 2, "C", "abc"), "projects", 2, "C", "capex", ("'abc'",)),
    "capex with a unit in the cell": Broken(_cell("projects", 3, "C", "400万元"), "projects", 3, "C", "capex",
                                            ("'400万元'",)),
    "capex is a date": Broken(_cell("projects", 2, "C", datetime(2024, 1, 5)), "projects", 2, "C", "capex",
                              ("2024-01-05",), text="date"),
    "energy_saving is text": Broken(_cell("projects", 3, "D", "lots"), "projects", 3, "D", "energy_saving",
                                    ("'lots'",)),
    "mandatory is not yes/no": Broken(_cell("projects", 2, "F", "maybe"), "projects", 2, "F", "mandatory",
                                      ("'maybe'",)),
    "budget limit is text": Broken(_cell("budgets", 2, "C", "plenty"), "budgets", 2, "C", "limit", ("'plenty'",)),
    "target value is text": Broken(_cell("targets", 2, "D", "high"), "targets", 2, "D", "value", ("'high'",)),
    "target year is text": Broken(_steps(lambda c: multi_year(c), _cell("targets", 2, "B", "soon")),
                                  "targets", 2, "B", "year", ("'soon'",)),
    "objective unknown": Broken(_cell("parameters", 2, "B", "max_happiness"), "parameters", 2, "B", "value",
                                ("'max_happiness'",)),
    # capex must be positive
    "capex zero": Broken(_cell("projects", 2, "C", 0), "projects", 2, "C", "capex", ("0",), text="capex"),
    "capex negative": Broken(_cell("projects", 3, "C", -5), "projects", 3, "C", "capex", ("-5",), text="capex"),
    # required values
    "id missing": Broken(_cell("projects", 3, "A", None), "projects", 3, "A", "id", text="missing"),
    "name missing": Broken(_cell("projects", 3, "B", None), "projects", 3, "B", "name", text="missing"),
    "capex missing": Broken(_cell("projects", 4, "C", None), "projects", 4, "C", "capex", text="missing"),
    "budget limit missing": Broken(_cell("budgets", 2, "C", None), "budgets", 2, "C", "limit", text="missing"),
    "target value missing": Broken(_cell("targets", 2, "D", None), "targets", 2, "D", "value", text="missing"),
    # ids
    "duplicate id": Broken(_cell("projects", 3, "A", "P1"), "projects", 3, "A", "id", ("'P1'", "row 2"),
                           text="duplicate"),
    "requires unknown id": Broken(_cell("projects", 4, "H", "P9"), "projects", 4, "H", "requires", ("P9",)),
    "requires list with one unknown id": Broken(_cell("projects", 4, "H", "P2、P9"), "projects", 4, "H",
                                                "requires", ("P9",)),
    "circular prerequisites": Broken(_cell("projects", 3, "H", "P3"), "projects", {3, 4}, "H", "requires",
                                     ("P2", "P3"), text="circular"),
    "project requires itself": Broken(_cell("projects", 2, "H", "P1"), "projects", 2, "H", "requires", ("P1",)),
    # mandatory conflicts
    "mandatory and excluded": Broken(_steps(_cell("projects", 2, "F", "yes"), _column("projects", "excluded",
                                                                                      ["yes"])),
                                     "projects", 2, None, None, text="excluded"),
    "mandatory requires an excluded project": Broken(
        _steps(_cell("projects", 4, "F", "yes"), _column("projects", "excluded", [None, "yes"])),
        "projects", 4, "H", "requires", ("P2",), text="excluded"),
    "two mandatory projects in one exclusive group": Broken(
        _steps(_cell("projects", 2, "F", "yes"), _cell("projects", 3, "F", "yes"),
               _cell("projects", 2, "G", "boiler"), _cell("projects", 3, "G", "boiler")),
        "projects", {2, 3}, None, None, ("P1", "P2", "boiler"), text="mandatory"),
    # capex_profile
    "capex_profile entries differ from build_years": Broken(
        _steps(multi_year, _column("projects", "build_years", [2]), _column("projects", "capex_profile",
                                                                             ["20/30/50"])),
        "projects", 2, "J", "capex_profile", ("20/30/50", "2")),
    "capex_profile does not add up": Broken(
        _steps(multi_year, _column("projects", "build_years", [2]), _column("projects", "capex_profile", ["40/50"])),
        "projects", 2, "J", "capex_profile", ("40/50",)),
    "capex_profile amounts do not add up to capex": Broken(
        _steps(multi_year, _column("projects", "build_years", [2]), _column("projects", "capex_profile",
                                                                             ["400/500"])),
        "projects", 2, "J", "capex_profile", ("400/500",)),
    "capex_profile turned into a date by Excel": Broken(
        _steps(multi_year, _column("projects", "build_years", [2]),
               _column("projects", "capex_profile", [datetime(2024, 4, 6)])),
        "projects", 2, "J", "capex_profile", ("2024-04-06",), text="date"),
    "capex_profile is not numbers": Broken(
        _steps(multi_year, _column("projects", "build_years", [2]), _column("projects", "capex_profile",
                                                                             ["half/half"])),
        "projects", 2, "J", "capex_profile", ("'half/half'",)),
    # targets
    "target names an unknown metric": Broken(_cell("targets", 2, "A", "happiness"), "targets", 2, "A", "metric",
                                             ("'happiness'",)),
    "target names an unknown kind": Broken(_cell("targets", 2, "C", "max_fun"), "targets", 2, "C", "kind",
                                           ("'max_fun'",)),
    "intensity target without a baseline": Broken(_steps(multi_year, _intensity_without_baseline),
                                                  "targets", 2, None, None, text="baseline"),
    # years outside the horizon
    "earliest_year after the horizon": Broken(_steps(lambda c: multi_year(c, 2024, 2026),
                                                     _column("projects", "earliest_year", [2035])),
                                              "projects", 2, "I", "earliest_year", ("2035", "2024", "2026")),
    "latest_year before the horizon": Broken(_steps(lambda c: multi_year(c, 2024, 2026),
                                                    _column("projects", "latest_year", [None, 2020])),
                                             "projects", 3, "I", "latest_year", ("2020",)),
    "budget year outside the horizon": Broken(_steps(lambda c: multi_year(c, 2024, 2026),
                                                     _append("budgets", ["total", 2019, 100])),
                                              "budgets", 3, "B", "year", ("2019",)),
    "target year outside the horizon": Broken(_steps(lambda c: multi_year(c, 2024, 2026),
                                                     _cell("targets", 2, "B", 2030)),
                                              "targets", 2, "B", "year", ("2030",)),
    # budgets
    "duplicate budget row": Broken(_append("budgets", ["total", None, 900]), "budgets", 3, "A", "pool",
                                   ("total", "row 2")),
    "negative budget limit": Broken(_cell("budgets", 2, "C", -100), "budgets", 2, "C", "limit", ("-100",)),
    # subsidy rate
    "subsidy_rate 30 without a percent header": Broken(_column("projects", "subsidy_rate", [30]),
                                                       "projects", 2, "I", "subsidy_rate", ("30",)),
    "subsidy_rate 130 %": Broken(_column("projects", "subsidy_rate (%)", [130]),
                                 "projects", 2, "I", "subsidy_rate", ("130",)),
    # interactions
    "interaction names an unknown project_b": Broken(_interactions(["P1", "P9", 10]), "interactions", 2, "B",
                                                     "project_b", ("'P9'",)),
    "interaction names an unknown project_a": Broken(_interactions(["P8", "P1", 10]), "interactions", 2, "A",
                                                     "project_a", ("'P8'",)),
    "interaction names the same project twice": Broken(_interactions(["P1", "P1", 10]), "interactions", 2, None,
                                                       None, ("P1",)),
    "interaction pair listed twice": Broken(_interactions(["P1", "P2", 10], ["P2", "P1", 5]), "interactions", 3,
                                            None, None, ("P1", "P2", "row 2")),
    # parameters
    "parameter given twice": Broken(_append("parameters", ["objective", "min_cost"]), "parameters", 3, "A",
                                    "parameter", ("objective",)),
    # warnings (the case stays valid: exit code 0)
    "unknown parameter (warning)": Broken(_append("parameters", ["colour", "red"]), "parameters", 3, "A",
                                          "parameter", ("colour",), severity="warning"),
    "budget pool nobody draws from (warning)": Broken(_append("budgets", ["ghost", None, 100]), "budgets", 3, "A",
                                                      "pool", ("'ghost'",), severity="warning"),
}


@pytest.mark.parametrize("broken", BROKEN.values(), ids=BROKEN.keys())
def test_one_broken_rule_is_reported_with_its_location(make_case, broken: Broken):
    case = minimal_case()
    broken.mutate(case)
    path = make_case(case)
    check(path, sheet=broken.sheet, row=broken.row, letter=broken.letter, header=broken.header,
          shows=broken.shows, severity=broken.severity, text=broken.text)


# ---------------------------------------------------------------- problems with a header
def test_unknown_column_is_a_warning_at_the_header_row(make_case):
    case = minimal_case()
    add_column(case, "projects", "colour", ["red", "blue", "green"])
    problem = check(make_case(case), sheet="projects", row=1, letter="I", header="colour",
                    shows=("colour",), severity="warning")
    assert "colour" in problem.message


def test_duplicate_header_is_an_error_at_the_header_row(make_case):
    case = minimal_case()
    add_column(case, "projects", "capex", [5, 6, 7])
    check(make_case(case), sheet="projects", row=1, letter="I", header="capex", text="twice")


def test_duplicate_header_in_chinese_and_english_is_an_error(make_case):
    case = minimal_case()
    add_column(case, "projects", "投资（万元）", [5, 6, 7])
    check(make_case(case), sheet="projects", row=1, letter="I", header="投资", text="twice")


@pytest.mark.parametrize("sheet, column", [("projects", "capex"), ("projects", "id"), ("projects", "name"),
                                           ("budgets", "limit"), ("targets", "metric"), ("targets", "value")])
def test_missing_required_column_names_sheet_header_row_and_column(make_case, sheet, column):
    case = minimal_case()
    header = case[sheet][0]
    index = next(i for i, h in enumerate(header) if h.split(" (")[0] == column)
    for row in case[sheet]:
        del row[index]
    path = make_case(case)
    problems = problems_of(path)
    problem = find_problem(problems, sheet=sheet, row=1, text=f"'{column}'")
    assert "missing" in problem.message and problem.fix
    result = run_validate(path)
    assert result.exit_code == 2
    assert any(f"sheet '{sheet}'" in line and "row 1" in line and f"'{column}'" in line
               for line in result.stderr.splitlines()), result.stderr


def test_missing_required_column_is_reported_once_not_once_per_row(make_case):
    case = minimal_case()
    for row in case["projects"]:
        del row[2]  # capex
    problems = problems_of(make_case(case))
    about_capex = [p for p in problems if p.severity == "error" and "capex" in f"{p.message} {p.column}"]
    assert len(about_capex) == 1, "a missing column is one problem, not one per row:\n" + listing(problems)


def test_missing_projects_sheet(make_case):
    case = minimal_case()
    del case["projects"]
    path = make_case(case)
    problems = problems_of(path)
    problem = next((p for p in problems if p.severity == "error" and "'projects'" in p.message), None)
    assert problem is not None, listing(problems)
    assert "项目" in problem.message + problem.fix and problem.fix
    result = run_validate(path)
    assert result.exit_code == 2 and "'projects'" in result.stderr


def test_empty_projects_sheet(make_case):
    case = minimal_case()
    case["projects"] = case["projects"][:1]
    path = make_case(case)
    problems = problems_of(path)
    problem = next((p for p in problems if p.severity == "error" and p.sheet == "projects"
                    and "no projects" in p.message), None)
    assert problem is not None, listing(problems)
    assert problem.fix
    result = run_validate(path)
    assert result.exit_code == 2 and "sheet 'projects'" in result.stderr and "no projects" in result.stderr


def test_empty_projects_sheet_without_a_header(make_case):
    case = minimal_case()
    case["projects"] = []
    result = run_validate(make_case(case))
    assert result.exit_code == 2 and "projects" in result.stderr


# -------------------------------------------------------------------- parameters: horizon
@pytest.mark.parametrize("given, missing", [("start_year", "end_year"), ("end_year", "start_year")])
def test_start_year_without_end_year(make_case, given, missing):
    case = minimal_case()
    case["parameters"].append([given, 2025])
    check(make_case(case), sheet="parameters", row=3, letter="A", header="parameter", text=missing)


def test_start_year_after_end_year(make_case):
    case = minimal_case()
    case["parameters"] += [["start_year", 2030], ["end_year", 2024]]
    path = make_case(case)
    problems = problems_of(path)
    problem = find_problem(problems, sheet="parameters", row={3, 4}, text="start_year")
    assert "2030" in str(problem) and "2024" in str(problem) and problem.fix
    assert run_validate(path).exit_code == 2


# ---------------------------------------------------------------------- subsidy_rate (%)
def test_subsidy_rate_30_with_percent_header_is_a_fraction(make_case):
    case = minimal_case()
    add_column(case, "projects", "subsidy_rate (%)", [30, None, 12.5])
    path = make_case(case)
    loaded = load_case(path)
    rates = {p.id: p.subsidy_rate for p in loaded.projects}
    assert rates == pytest.approx({"P1": 0.3, "P2": 0.0, "P3": 0.125})
    assert run_validate(path).exit_code == 0


def test_subsidy_rate_as_fraction_without_header_unit(make_case):
    case = minimal_case()
    add_column(case, "projects", "subsidy_rate", [0.3])
    assert load_case(make_case(case)).projects[0].subsidy_rate == pytest.approx(0.3)


# ------------------------------------------------------------------ valid capex profiles
@pytest.mark.parametrize("profile", ["40/60", "0.4/0.6", "400/600", "40 / 60", "40／60"])
def test_capex_profile_shares_percentages_or_amounts(make_case, profile):
    case = multi_year(minimal_case())
    add_column(case, "projects", "build_years", [2])
    add_column(case, "projects", "capex_profile", [profile])
    loaded = load_case(make_case(case))
    assert loaded.projects[0].capex_shares == pytest.approx((0.4, 0.6))


# ------------------------------------------------------------------------- row numbers
def test_row_numbers_are_excel_rows_with_a_blank_row_in_between(make_case):
    case = minimal_case()
    case["projects"].insert(2, [None] * 8)  # Excel row 3 left blank: P2 moves to row 4
    set_cell(case, "projects", 4, "C", "abc")
    check(make_case(case), sheet="projects", row=4, letter="C", header="capex", shows=("'abc'",))


def test_sheet_title_is_reported_as_written(make_case):
    case = minimal_case()
    case["项目"] = case.pop("projects")
    set_cell(case, "项目", 3, "C", "abc")
    check(make_case(case), sheet="项目", row=3, letter="C", header="capex", shows=("'abc'",))


# ------------------------------------------------------------------ every problem at once
def _many_problems() -> dict:
    case = multi_year(minimal_case(), 2024, 2026)
    set_cell(case, "projects", 2, "C", "abc")            # 1 capex not a number
    set_cell(case, "projects", 3, "A", "P1")             # 2 duplicate id
    set_cell(case, "projects", 4, "H", "P9")             # 3 requires unknown id
    set_cell(case, "projects", 4, "F", "maybe")          # 4 mandatory not yes/no
    set_cell(case, "projects", 3, "D", "lots")           # 5 energy_saving not a number
    case["projects"].append(["P5", "Lighting", -3, 10, 20, "no", "", ""])  # 6 capex negative (row 5)
    case["projects"].append(["P6", None, 50, 10, 20, "no", "", ""])        # 7 name missing (row 6)
    set_cell(case, "targets", 2, "A", "happiness")       # 8 unknown metric
    case["targets"].append(["energy_saving", 2030, "min_total", 100])      # 9 year outside horizon
    case["targets"].append(["energy_saving", None, "max_fun", 100])        # 10 unknown kind
    case["budgets"].append(["total", None, 900])         # 11 duplicate budget row
    case["budgets"].append(["total", 2019, 100])         # 12 budget year outside horizon
    case["budgets"].append(["ghost", None, 100])         # warning: nobody draws from ghost
    case["parameters"].append(["colour", "red"])         # warning: unknown parameter
    case["interactions"] = [["project_a", "project_b", "energy_overlap"],
                            ["P1", "P7", 5],             # 13 unknown id
                            ["P2", "P2", 5]]             # 14 same project twice
    add_column(case, "projects", "colour", [])           # warning: unknown column
    return case


def test_all_problems_are_reported_in_one_go(make_case):
    path = make_case(_many_problems())
    with pytest.raises(CaseError) as raised:
        load_case(path)
    errors, warnings = raised.value.errors, raised.value.warnings
    assert len(errors) >= 14, listing(raised.value.problems)
    assert len(warnings) >= 3, listing(raised.value.problems)
    assert {p.sheet for p in errors} >= {"projects", "targets", "budgets", "interactions"}

    result = run_validate(path)
    assert result.exit_code == 2
    numbered = [line for line in result.stderr.splitlines() if line.lstrip()[:1].isdigit() and ". " in line]
    assert len(numbered) >= 14, result.stderr
    assert int(re.search(r"(\d+) error\(s\)", result.stderr).group(1)) == len(errors)
    assert "warning(s)" in result.stderr
    assert result.stdout.strip() == ""
    assert "Traceback" not in result.output


def test_warnings_alone_still_exit_0(make_case):
    case = minimal_case()
    add_column(case, "projects", "colour", ["red"])
    case["parameters"].append(["colour", "red"])
    case["budgets"].append(["ghost", None, 100])
    path = make_case(case)
    loaded = load_case(path)
    assert len(loaded.warnings) >= 3
    assert all(p.severity == "warning" for p in loaded.warnings)
    result = run_validate(path)
    assert result.exit_code == 0
    assert "warning" in result.stderr and "colour" in result.stderr and "ghost" in result.stderr
    assert "valid" in result.stdout and "3 projects" in result.stdout


def test_valid_minimal_case_exits_0_quietly(make_case):
    result = run_validate(make_case())
    assert result.exit_code == 0
    assert result.stderr.strip() == ""
    assert "valid" in result.stdout


def test_cli_error_block_is_one_readable_block(make_case):
    case = minimal_case()
    set_cell(case, "projects", 2, "C", "abc")
    set_cell(case, "targets", 2, "A", "happiness")
    result = run_validate(make_case(case))
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert lines[0].startswith("case.xlsx") and "2 error(s)" in lines[0]
    assert lines[1].lstrip().startswith("1. sheet 'projects', row 2, column C 'capex (万元)'")
    assert lines[2].lstrip().startswith("2. sheet 'targets', row 2, column A 'metric'")


@pytest.mark.parametrize("name, content", [("missing.xlsx", None), ("notes.txt.xlsx", b"just text"),
                                           ("old.xls", b"\xd0\xcf\x11\xe0rest")])
def test_unreadable_files_exit_2_without_traceback(tmp_path, name, content):
    path = tmp_path / name
    if content is not None:
        path.write_bytes(content)
    result = run_validate(path)
    assert result.exit_code == 2
    assert result.stderr.strip()


# ------------------------------------------------------------------ input left untouched
@pytest.mark.parametrize("broken", [False, True])
def test_validate_leaves_the_input_file_unchanged(make_case, broken):
    case = _many_problems() if broken else minimal_case()
    path = make_case(case)
    before, mtime = sha256(path), os.stat(path).st_mtime_ns
    listing_before = sorted(os.listdir(path.parent))
    result = run_validate(path)
    assert result.exit_code == (2 if broken else 0)
    assert sha256(path) == before
    assert os.stat(path).st_mtime_ns == mtime
    assert sorted(os.listdir(path.parent)) == listing_before, "validate must not write files"
