"""The fast reading and validation paths give exactly what the straightforward ones give.

Three ways through read + validate are compared on the same workbook:

* fast — the default: calamine's values mapped a column at a time, the sheet scan by numpy,
  formula-free rows without per-cell formula work, project columns typed a column at a
  time (``validate._project_cells``);
* by cell — calamine's values mapped cell by cell (``reader_values._mapped_by_cell``), the
  sheet scanned by regular expressions (``grid_is_safe_by_regex``) and its rows read one by
  one (``_read_sheet``'s loop instead of ``_read_table_by_column``);
* reference — no calamine (openpyxl's values), the formulas pass forced on (so every row
  goes through the reader's per-cell branch with its formula checks), and every project
  cell typed by ``_Sheet.get`` one at a time, blank or not (``_reference_project_cells``).

The outcome is the case's ``repr`` (every field, ``-0.0`` and ``1`` vs ``1.0`` told apart)
or the full problem list (message, fix, sheet, row, column, value and its type, severity)
of the :class:`CaseError`.  Inputs: random generated cases (tests/random_cases.py), the
same with several junk cells of different kinds at once (text in number columns,
negatives, blanks in required columns, NaN-like strings, huge and tiny numbers, dates,
Excel errors, unit headers), and the lower layers on generated inputs directly.
"""
from __future__ import annotations

import random
import tempfile
from datetime import datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from openpyxl.utils.exceptions import IllegalCharacterError

import retrofit_opt.reader as reader
import retrofit_opt.reader_values as reader_values
import retrofit_opt.validate as validate
from random_cases import random_case
from retrofit_opt import schema
from retrofit_opt.errors import CaseError, Problem
from retrofit_opt.loader import load_case
from retrofit_opt.reader import RawColumn, RawRow, RawSheet
from test_junk_cells import JUNK, _base_case
from workbooks import write_workbook

SETTINGS = settings(max_examples=60, deadline=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])


def _reference_project_cells(sheet, metric_units):
    """Every project cell typed by ``_Sheet.get``, one at a time, blank or not."""
    for row in sheet.rows:
        yield (row, {k: sheet.get(row, k) for k in validate.PROJECT_SCALARS},
               {m: sheet.get(row, m) for m in metric_units})


_read_sheet = reader._read_sheet


def _read_sheet_row_by_row(sheet, ws_values, ws_formulas, problems, fast_rows=None, xml=None):
    """The reader's row-by-row loop for calamine's rows too: an empty row of another
    length appended at the end (skipped, as every empty row) makes them unequal, which
    leaves them to that loop instead of ``_read_table_by_column``."""
    rows = fast_rows + [()] if fast_rows is not None else None
    return _read_sheet(sheet, ws_values, ws_formulas, problems, rows, xml)


def _problems(problems: list[Problem]) -> list[tuple]:
    return [(p.message, p.fix, p.sheet, p.row, p.column, repr(p.value), type(p.value).__name__, p.severity)
            for p in problems]


def _outcome(path: Path, way: str):
    with pytest.MonkeyPatch.context() as m:
        if way == "by cell":
            m.setattr(reader_values, "_mapped_by_column", reader_values._mapped_by_cell)
            m.setattr(reader_values, "grid_is_safe", reader_values.grid_is_safe_by_regex)
            m.setattr(reader, "_read_sheet", _read_sheet_row_by_row)
        elif way == "reference":
            m.setattr(reader, "open_book", lambda path: None)
            m.setattr(reader, "_has_formulas", lambda path: True)
            m.setattr(validate, "_project_cells", _reference_project_cells)
            m.setattr(validate, "_pool_name", validate._spelt_pool)
        try:
            case = load_case(path)
        except CaseError as exc:
            return "CaseError", _problems(exc.problems)
        return repr(case), _problems(list(case.warnings))


def _assert_same_three_ways(path: Path, context) -> None:
    fast = _outcome(path, "fast")
    assert _outcome(path, "by cell") == fast, context
    assert _outcome(path, "reference") == fast, context


@pytest.mark.parametrize("seed", range(0, 200, 7))
def test_random_cases_read_the_same_three_ways(seed, tmp_path):
    case = random_case(seed)
    path = case.write(tmp_path / "case.xlsx")
    fast = _outcome(path, "fast")
    assert fast[0] != "CaseError", fast
    _assert_same_three_ways(path, seed)


# Bad values of every kind, several at once.
BAD = st.one_of(JUNK, st.sampled_from([
    "abc", "12 万元", "nan", "NaN", "-nan", "inf", "1e16", "1e400", "#N/A", "#1", " #REF! ", "1,200", " 12 ",
    -1, -0.0, 0, 1e-9, 1e-7, 1e13, 1e15, 1e16, 2 ** 53, 2 ** 53 + 1, 10 ** 15, 10 ** 15 + 1, 10 ** 400 // 10 ** 380,
    5.0, 7, 1.5, 30, 101, True, False, "是", "否", "maybe", "P1", "P1,P2", "2021年", 2021, 1899, 2201.0,
    "40/60", "40", "a/b", "", " ", None, datetime(2024, 1, 1),
]))
UNIT_HEADERS = {"capex": ["capex (元)", "capex (亿元)", "capex (万元)", "capex (furlongs)", "投资（千元）"],
                "energy_saving": ["energy_saving (万tce)", "energy_saving (kgce)", "节能量（吨标准煤）"],
                "subsidy_rate": ["subsidy_rate (%)", "subsidy_rate (percent)", "subsidy_rate (万元)"],
                "lifetime": ["lifetime (yr)", "lifetime (年)", "lifetime (months)"]}
EXTRA_COLUMNS = ["subsidy_rate", "lifetime", "build_years", "earliest_year", "capex_profile", "saving_low",
                 "co2_high", "capex_low", "budget_pool", "enterprise", "excluded", "salvage_value", "note",
                 "benefit:land (mu)", "annual_cost_saving (万元/yr)", "electricity_saving (MWh/yr)"]


@st.composite
def broken_case(draw):
    """A random or the minimal case with extra columns, unit headers and 2–8 bad cells."""
    seed = draw(st.integers(0, 300))
    sheets = random_case(seed).sheets if draw(st.booleans()) else _base_case()
    sheets = {name: [list(row) for row in rows] for name, rows in sheets.items()}
    projects = next(rows for name, rows in sheets.items() if schema.sheet_lookup().get(
        schema.normalise_name(name)) == "projects")
    for column in draw(st.lists(st.sampled_from(EXTRA_COLUMNS), max_size=4, unique=True)):
        projects[0].append(column)
        for row in projects[1:]:
            row.append(draw(BAD) if draw(st.booleans()) else None)
    for index, header in enumerate(projects[0]):
        name = schema.split_header(str(header))[0] if header else ""
        if name in UNIT_HEADERS and draw(st.booleans()):
            projects[0][index] = draw(st.sampled_from(UNIT_HEADERS[name]))
    names = sorted(sheets)
    for _ in range(draw(st.integers(2, 8))):
        rows = sheets[draw(st.sampled_from(names))]
        r = draw(st.integers(1, max(1, len(rows) - 1))) if len(rows) > 1 else 0
        c = draw(st.integers(0, len(rows[0])))
        while len(rows[r]) <= c:
            rows[r].append(None)
        rows[r][c] = draw(BAD)
    return sheets


def _write(folder: Path, sheets) -> Path:
    try:
        return write_workbook(folder / "case.xlsx", sheets)
    except IllegalCharacterError:
        assume(False)
    except (ValueError, TypeError) as exc:
        if "Cannot convert" in str(exc) or "not supported" in str(exc):
            assume(False)
        raise


@SETTINGS
@given(broken_case())
def test_broken_cases_give_the_same_problems_three_ways(sheets):
    with tempfile.TemporaryDirectory() as folder:
        path = _write(Path(folder), sheets)
        _assert_same_three_ways(path, sheets)


def test_a_broken_case_with_many_kinds_of_bad_cells(tmp_path):
    """Hand-picked: every kind of bad cell at once, and the problems are many."""
    sheets = _base_case()
    sheets["projects"][0] += ["subsidy_rate (%)", "lifetime (yr)", "earliest_year", "capex_profile"]
    sheets["projects"][1] += [150, 20.5, "2021年", "40/60"]
    sheets["projects"][2] += ["nan", -3, 1899, None]
    sheets["projects"][3] += ["30 %", 10 ** 15 + 1, 2021.0, "a/b"]
    sheets["projects"][1][2] = "1,2OO"           # text in a number column
    sheets["projects"][2][2] = -400              # negative capex
    sheets["projects"][3][1] = None              # a blank required name
    sheets["projects"][2][3] = "#N/A"            # an Excel error
    sheets["projects"][3][3] = 1e16              # huge
    sheets["projects"][1][4] = 1e-9              # below the resolution
    sheets["projects"][3][5] = "maybe"           # not yes/no
    sheets["projects"][2][1] = "#REF!"           # an Excel error in a text column
    sheets["projects"][1][6] = "#1"              # text that only starts like one
    sheets["projects"][0][2] = "capex (元)"       # a unit header
    sheets["budgets"][1][2] = "inf"
    path = write_workbook(tmp_path / "case.xlsx", sheets)
    fast = _outcome(path, "fast")
    assert fast[0] == "CaseError" and len(fast[1]) >= 10, fast
    _assert_same_three_ways(path, "hand-picked")


# ---------------------------------------------------------------- the layers on their own
_FLOATS = st.one_of(st.floats(), st.sampled_from([0.0, -0.0, 1e-6, 1e-7, 9.99e-7, 1e12, 1.0000001e12, 1e15, 1.5e15,
                                                   1e-320, 2.5, 15.0, 2021.0, 0.3]))
_NUMBERS = st.one_of(_FLOATS, st.integers(-(10 ** 16), 10 ** 16), st.sampled_from([10 ** 15, 10 ** 15 + 1, 2021, 0]))
_TEXTS = st.sampled_from(["a", " b ", "#N/A", "#1", " #REF! ", "#", "", "  ", "是", "否", "yes", "P1,P2", "P1、P2",
                          "40/60", "1,200", "nan", "total", "补贴资金", "2021年", "0.3", "30%"])
_TYPES = {spec.name: spec.type for spec in schema.sheet_columns("projects")}
_FACTORS = [1.0, 1e-4, 1e4, 0.01, 100.0]


@settings(SETTINGS, max_examples=300)
@given(st.data())
def test_project_columns_type_as_cell_by_cell(data):
    """``_project_cells`` against ``_Sheet.get`` cell by cell on a raw projects sheet of
    random columns, unit factors and values: the same typed values and the same problems in
    the same order."""
    keys = data.draw(st.lists(st.sampled_from(sorted(_TYPES)), min_size=1, max_size=12, unique=True))
    if data.draw(st.booleans()):
        keys.append("benefit:land")
    columns = {k: RawColumn(k, chr(65 + i), k, None, data.draw(st.sampled_from(_FACTORS)))
               for i, k in enumerate(keys)}
    # a column of anything, or of numbers only (the comprehension for whole columns of floats)
    pools = {k: data.draw(st.sampled_from([BAD, _FLOATS, _NUMBERS, _TEXTS])) for k in keys}
    rows = []
    for number in range(2, 2 + data.draw(st.integers(1, 12))):
        cells = {k: data.draw(pools[k]) for k in keys if data.draw(st.integers(0, 3))}
        rows.append(RawRow(number, {k: v for k, v in cells.items() if v is not None}))
    raw = RawSheet("projects", "projects", columns=columns, rows=rows)
    metric_units = {m: "" for m in schema.METRICS} | ({"benefit:land": ""} if "benefit:land" in keys else {})
    fast_problems, reference_problems = [], []
    fast = list(validate._project_cells(validate._Sheet(raw, "projects", fast_problems), metric_units))
    reference = list(_reference_project_cells(validate._Sheet(raw, "projects", reference_problems), metric_units))
    assert repr(fast) == repr(reference)
    assert _problems(fast_problems) == _problems(reference_problems)


_GRID_VALUES = st.sampled_from(["", "x", " a ", "#N/A", 0.0, -0.0, 1.0, 2.5, -7.0, float("nan"), float("inf"),
                                -float("inf"), 2.0 ** 53, -(2.0 ** 53), 2.0 ** 53 - 1, 1e300, 5, True, False,
                                datetime(2024, 1, 1), None])


@SETTINGS
@given(st.integers(1, 6), st.integers(0, 8), st.integers(1, 8), st.data())
def test_calamine_values_map_the_same_by_column(width, height, max_columns, data):
    grid = [[data.draw(_GRID_VALUES) for _ in range(width)] for _ in range(height)]
    by_cell = reader_values._mapped_by_cell(grid, max_columns)
    by_column = reader_values._mapped_by_column(grid, max_columns) if height else by_cell
    assert repr(by_column) == repr(by_cell)


def _xml(cells: list[str]) -> bytes:
    return ("<worksheet><sheetData><row r=\"1\">" + "".join(cells) + "</row></sheetData></worksheet>").encode()


_REFS = st.builds(lambda letters, digits: letters + digits,
                  st.text("ABCXYZa", min_size=0, max_size=4), st.text("0123456789", min_size=0, max_size=8))
_CELLS = st.one_of(
    _REFS.map(lambda r: f'<c r="{r}"><v>1</v></c>'),
    _REFS.map(lambda r: f'<c r="{r}"/>'),
    _REFS.map(lambda r: f'<c r="{r}" t="e"><v>#N/A</v></c>'),
    _REFS.map(lambda r: f'<c  r="{r}"><v>1</v></c>'),
    _REFS.map(lambda r: f'<c\nr="{r}"><v>1</v></c>'),
    _REFS.map(lambda r: f'<x:c r="{r}"><x:v>1</x:v></x:c>'),
    _REFS.map(lambda r: f'<c t="n" r="{r}"><v>1</v></c>'),
    st.sampled_from(['<c><v>1</v></c>', '<c/>', '<cx r="A1"/>', '<col r="A1"/>', '<c r=\'A1\'/>',
                     '<c r="A1" t="inlineStr"><is><t>a:c b</t></is></c>', '<f>1+1</f>', '<c>']),
    st.builds(lambda row, col: f'<c r="{col}{row}"/>', st.integers(1, 1_048_576),
              st.sampled_from(["A", "B", "Z", "AA", "XFD", "ZZZ"])),
)


@settings(max_examples=400, deadline=None)
@given(st.lists(_CELLS, max_size=12))
def test_the_sheet_scan_answers_as_the_regular_expressions(cells):
    xml = _xml(cells)
    assert reader_values.grid_is_safe(xml) == reader_values.grid_is_safe_by_regex(xml)


def test_the_sheet_scan_on_large_and_sparse_grids():
    rng = random.Random(5)
    for _ in range(50):
        cells = [f'<c r="{rng.choice(["A", "P", "AB", "XFD"])}{rng.randint(1, 1_048_576)}"/>'
                 for _ in range(rng.randint(1, 200))]
        xml = _xml(cells)
        assert reader_values.grid_is_safe(xml) == reader_values.grid_is_safe_by_regex(xml)
    dense = _xml([f'<c r="{c}{r}"><v>1</v></c>' for r in range(1, 400) for c in "ABCDEFGHIJKLMNOP"])
    assert reader_values._plain_reference_bounds(dense) == (399 * 16, 1, 399, 1, 16)
    assert reader_values.grid_is_safe(dense) and reader_values.grid_is_safe_by_regex(dense)


@st.composite
def laid_out_case(draw):
    """The minimal case with blank rows, rows of spaces, a title row above the header,
    stray values right of the table and junk cells: what the row loop skips or keeps."""
    sheets = _base_case()
    projects = sheets["projects"]
    width = len(projects[0])
    for _ in range(draw(st.integers(1, 6))):
        at = draw(st.integers(1, len(projects)))
        kind = draw(st.sampled_from(["blank", "spaces", "stray", "junk"]))
        if kind == "blank":
            row = [None] * width
        elif kind == "spaces":
            row = [" ", "\t", None] + [None] * (width - 3)
        elif kind == "stray":
            row = [None] * width + [None, draw(BAD)]
        else:
            row = [draw(BAD) for _ in range(width)]
        projects.insert(at, row)
    if draw(st.booleans()):
        projects.insert(0, [None] * width)
    if draw(st.booleans()):
        projects.insert(0, ["  "] + [None] * (width - 1))
    return sheets, draw(st.sampled_from([None, 1, 2, 3]))


@SETTINGS
@given(laid_out_case())
def test_blank_rows_stray_cells_and_the_row_limit_read_the_same(drawn):
    """With the row limit lowered, only the two calamine ways are compared: calamine reads
    a cell of spaces as empty text, so a row of spaces is an empty row for it and a row
    with data for openpyxl, and the row named in "more than N rows" can differ (as it did
    before the fast paths; nothing else depends on it, spaces clean to blank either way)."""
    sheets, limit = drawn
    with tempfile.TemporaryDirectory() as folder, pytest.MonkeyPatch.context() as m:
        path = _write(Path(folder), sheets)
        if limit is None:
            _assert_same_three_ways(path, drawn)
            return
        m.setattr(reader, "MAX_ROWS", limit)
        assert _outcome(path, "by cell") == _outcome(path, "fast"), drawn
