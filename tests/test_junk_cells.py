"""Property: junk in any one cell of a valid case never crashes the validator.

Hypothesis puts a generated value (text, huge / negative / NaN / infinite numbers,
booleans, dates, long strings, unicode, formulas-as-strings) into a randomly chosen cell
of the minimal case (any sheet, any column, the header row included), writes a real
.xlsx, and runs ``retrofit-opt validate`` through click's CliRunner.  The answer must be
exit code 0 (still valid) or 2 (a numbered problem on stderr), never a traceback.
"""
from __future__ import annotations

import re
import tempfile
from datetime import date, datetime, timedelta
from pathlib import Path

from click.testing import CliRunner
from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st
from openpyxl.utils.exceptions import IllegalCharacterError

from retrofit_opt.cli import main
from retrofit_opt.errors import CaseError
from retrofit_opt.loader import load_case
from workbooks import minimal_case, write_workbook

SHEETS = ("projects", "budgets", "targets", "parameters", "interactions")
NUMBERED_PROBLEM = re.compile(r"^\s+1\. \S", re.MULTILINE)

# Characters openpyxl can store (no C0 controls other than tab/newline, no surrogates).
_cell_text = st.characters(blacklist_categories=("Cs", "Cc")) | st.sampled_from("\t\n")
_suspicious = st.sampled_from([
    "=1+1", "=SUM(A1:A3)", "=1/0", "=A1", "=\"P1\"", "+1", "-", "#N/A", "#DIV/0!", "#REF!", "nan", "NaN",
    "inf", "-inf", "Infinity", "1e400", "-1e400", "1e309", "0x10", "1_000", "1,000,000", "１２３", "½", "²",
    "٣", "𝟕", "12%", "30 %", "40/60", "40//60", "/", "//", "0/0", "-40/140", "1e300/1e300", "P1,P1",
    "、", "，", ",,,", "P1、、P2", "yes", "是", "TRUE", "2024-01-01", "2024", "20240", "0", "-0", "00",
    "  ", " ", "\u200b", "\ufeff", "\xa0", "NULL", "None", "null", "[]", "{}", "()", "()" * 50,
    "capex (万元)", "benefit:", "budget:", "weight:", "min_total", "intensity_reduction",
    "max_npv", "weighted", "subsidy", "total", "𠀀" * 10, "😀", "\u202e", "' OR 1=1 --", "${jndi:x}",
])
JUNK = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10 ** 20), max_value=10 ** 20),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from([float("nan"), float("inf"), -float("inf"), 1e308, -1e308, 5e-324, -0.0, 1e15, 1e16,
                     2 ** 53 + 1, 0.5, 1e-9, 3000, 1899, 2201, 30, 100.0000001]),
    st.datetimes(min_value=datetime(1900, 3, 1), max_value=datetime(2200, 1, 1)),
    st.dates(min_value=date(1900, 3, 1), max_value=date(2200, 1, 1)),
    st.times(),
    st.timedeltas(min_value=timedelta(0), max_value=timedelta(days=1000)),
    st.text(_cell_text, max_size=40),
    st.text(_cell_text, min_size=300, max_size=3000),
    _suspicious,
)


@st.composite
def junk_cell(draw):
    """(sheet, row index, column index, value): a cell of the minimal case (row 0 is the
    header) or of an interactions sheet added to it."""
    sheet = draw(st.sampled_from(SHEETS))
    rows = _base_case()[sheet]
    row = draw(st.integers(0, len(rows) - 1))
    column = draw(st.integers(0, len(rows[0])))  # one past the last column: a new column
    return sheet, row, column, draw(JUNK)


def _base_case() -> dict:
    case = minimal_case()
    case["interactions"] = [["project_a", "project_b", "energy_overlap (tce/yr)", "co2_overlap (t/yr)"],
                            ["P1", "P2", 10, 20]]
    return case


def _write(folder: Path, sheet: str, row: int, column: int, value) -> Path:
    case = _base_case()
    cells = case[sheet][row]
    while len(cells) <= column:
        cells.append(None)
    cells[column] = value
    try:
        return write_workbook(folder / "case.xlsx", case)
    except IllegalCharacterError:
        assume(False)  # openpyxl refuses to store it: no workbook to validate
    except (ValueError, TypeError) as exc:  # a value openpyxl cannot write into a cell
        if "Cannot convert" in str(exc) or "not supported" in str(exc):
            assume(False)
        raise


JUNK_SETTINGS = settings(max_examples=150, deadline=None,
                         suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])


@JUNK_SETTINGS
@given(junk_cell())
@example(("projects", 1, 2, "=1+1"))        # a formula without a cached value in capex
@example(("projects", 1, 2, float("nan")))
@example(("projects", 1, 2, float("inf")))
@example(("projects", 0, 2, 42))            # a number as the capex header
@example(("projects", 0, 0, None))          # the id header removed
@example(("parameters", 1, 1, "weighted"))  # weighted objective without weights
@example(("parameters", 1, 0, "start_year"))
@example(("parameters", 1, 0, "end_year"))
@example(("targets", 1, 2, "intensity_reduction"))
@example(("interactions", 1, 1, "P1"))
@example(("projects", 3, 7, "P3"))         # P3 requires itself
@example(("budgets", 1, 1, 2025))           # a yearly budget in a single-period case
def test_junk_in_any_cell_gives_exit_0_or_2_never_a_traceback(cell):
    sheet, row, column, value = cell
    with tempfile.TemporaryDirectory() as folder:
        path = _write(Path(folder), sheet, row, column, value)
        result = CliRunner().invoke(main, ["validate", str(path)])
    output = (result.stdout or "") + (result.stderr or "")
    assert result.exception is None or isinstance(result.exception, SystemExit), (
        f"validate crashed on {value!r} in {sheet} row {row + 1} column {column + 1}: {result.exception!r}")
    assert "Traceback" not in output, output
    assert result.exit_code in (0, 2), (result.exit_code, output)
    if result.exit_code == 2:
        assert NUMBERED_PROBLEM.search(result.stderr), f"no numbered problem on stderr:\n{result.stderr}"
        assert result.stdout.strip() == ""
    else:
        assert "valid" in result.stdout


@settings(max_examples=150, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(junk_cell())
def test_junk_in_any_cell_raises_only_case_error_with_located_problems(cell):
    """The library gives a case or a CaseError; each error names its sheet (when the cell
    is in one) and carries a fix."""
    sheet, row, column, value = cell
    with tempfile.TemporaryDirectory() as folder:
        path = _write(Path(folder), sheet, row, column, value)
        try:
            load_case(path)
        except CaseError as err:
            assert err.errors, "a CaseError without errors"
            for problem in err.errors:
                assert problem.message and problem.fix, problem
                assert len(str(problem)) < 2000, "a message must stay readable"
