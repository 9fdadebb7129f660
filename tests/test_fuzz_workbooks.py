"""Fuzzing whole case workbooks: hypothesis mutates the minimal valid case (tests/workbooks.py)
the ways real spreadsheets go wrong, writes a real .xlsx, and runs
``retrofit-opt solve CASE -o OUT --json`` through click's CliRunner.

Whatever the mutation, the run ends with exit 0 or 1 and a complete results workbook, or
exit 2 with a numbered problem on stderr and nothing written — never a traceback, never a
partial or temporary file, and the input file is unchanged (SHA-256).

Mutations: wrong types, NaN, ±inf and huge numbers in cells; empty and whitespace-only
rows between the data (and above the header); merged cells; formulas instead of values,
with a cached value (written into the sheet XML, as Excel saves it) or without one (as
openpyxl writes them); hidden and very hidden sheets; duplicate headers (the same name,
or its Chinese alias); stray spaces, BOMs (U+FEFF), zero-width and no-break spaces in
headers and sheet names; full-width headers and sheet names (ｃａｐｅｘ（万元）); a second
copy of a sheet under its Chinese name.

The semantics chosen (and tested, one family at a time, below):

* **Hidden sheets are read** like visible ones — a hidden ``parameters`` sheet is a common
  way to tuck settings away, and the file's data is what it is — with a *warning* naming
  the sheet, so nobody is surprised by data they cannot see.
* **Merged cells are an error** when the merged range touches a column the tool reads, at
  or below the header row, and its top-left cell holds a value: the file stores the value
  in the top-left cell only, so the other cells would silently read as blank (a merged
  ``enterprise`` or ``mandatory`` over three projects would apply to the first only).  The
  message names the range; the fix is to unmerge and fill every cell.  A merged range
  whose top-left cell is blank loses nothing and is accepted.  (The header is the first
  non-empty row, so a merged title banner above the table is read as the header and
  reported as unknown / missing columns.)
* **Formulas** are read through their cached values (what Excel shows); a formula without a
  cached value is an error naming sheet, row and column — in a data cell or a header.
* **Duplicate headers** (also English + Chinese alias of one column) and **two copies of a
  sheet** are errors; **empty rows** are skipped and row numbers stay Excel's;
  **invisible characters and full-width forms** in headers and sheet names are ignored.
"""
from __future__ import annotations

import copy
import hashlib
import json
import math
import re
import shutil
import tempfile
import zipfile
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path
from xml.sax.saxutils import escape

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook, load_workbook
from openpyxl.cell.cell import MergedCell
from openpyxl.utils import get_column_letter
from openpyxl.utils.exceptions import IllegalCharacterError

from retrofit_opt import schema
from retrofit_opt.cli import main
from workbooks import minimal_case

BASE = minimal_case()
SHEETS = tuple(BASE)  # projects, budgets, targets, parameters
NUMERIC = {("projects", 2), ("projects", 3), ("projects", 4), ("budgets", 2), ("targets", 3)}  # 0-based columns
BASE_SELECTED, BASE_OBJECTIVE = ["P1", "P2"], 1100.0
NUMBERED_PROBLEM = re.compile(r"^\s+1\. \S", re.MULTILINE)
RESULT_SHEETS = {"Summary", "Portfolio", "Not selected", "Run info"}

NOISE = ["  {}  ", "\ufeff{}", "{}\ufeff", "\u200b{}\u200b", "\xa0{}", "{}\u3000", "\t{}", " \ufeff {} \u200d",
         "\u2060{}"]
TITLE_NOISE = [n for n in NOISE if "\t" not in n]  # Excel allows no control characters in sheet names
BAD_NUMBERS = [float("nan"), float("inf"), -float("inf"), 1e308, -1e308, 1e16, 2 ** 70, "abc", "12 万",
               True, datetime(2024, 1, 1), date(2030, 5, 1), time(12, 0), "=1+1", "#DIV/0!"]
EXCEL_ERRORS = ["#N/A", "#REF!", "#VALUE!", "#DIV/0!", "#NAME?", "#NULL!", "#NUM!", "#GETTING_DATA"]
WRONG_VALUES = BAD_NUMBERS + EXCEL_ERRORS + [
    None, "", "   ", -0.0, 5e-324, 0, -1, 1e-300, 1e-320, "１２３", "1,000", "\ufeff", 3000, 1e6, 10 ** 9, "2021年",
    timedelta(days=2), "是", "yes", "P1", "P1,P2", "🙂" * 5, "x" * 5000]


# ------------------------------------------------------------------------ mutations
@dataclass(frozen=True)
class Mutation:
    kind: str
    sheet: str
    row: int = 0  # 0-based row of the table (0 = header)
    col: int = 0  # 0-based column
    arg: object = None


def _full_width(text: str) -> str:
    return "".join("\u3000" if ch == " " else chr(ord(ch) + 0xFEE0) if "!" <= ch <= "~" else ch for ch in text)


def _cell(rows, row, col):
    return rows[row][col] if row < len(rows) and col < len(rows[row]) else None


def _formula_for(value) -> str:
    """A formula that computes ``value`` (its cached value is then ``value`` itself)."""
    if isinstance(value, bool) or value is None or value == "":
        return '=""' if not isinstance(value, bool) else ("=TRUE()" if value else "=FALSE()")
    if isinstance(value, (int, float)):
        return f"={value!r}*1"
    return '="' + str(value).replace('"', '""') + '"'


@dataclass
class Built:
    path: Path
    sheets: dict  # final title → rows as written (before merges / formulas)
    titles: dict  # canonical sheet → title as written


def build(folder: Path, mutations: list[Mutation], name: str = "case.xlsx") -> Built:
    """The minimal case with ``mutations`` applied, written to ``folder / name``."""
    tables = copy.deepcopy(BASE)
    titles = {s: s for s in SHEETS}
    for m in mutations:  # table-level edits first, row insertions last (positions are the base's)
        rows = tables[m.sheet]
        if m.kind == "value":
            while len(rows[m.row]) <= m.col:
                rows[m.row].append(None)
            rows[m.row][m.col] = m.arg
        elif m.kind == "dup_header":
            header = str(rows[0][m.col])
            if m.arg == "alias":
                name_part, unit = schema.split_header(header)
                key = schema.column_lookup(m.sheet)[schema.normalise_name(name_part)]
                header = schema.column(m.sheet, key).zh + (f"（{unit}）" if unit else "")
            for r, row in enumerate(rows):
                row.append(header if r == 0 else row[m.col])
        elif m.kind == "header_noise":
            rows[0][m.col] = m.arg.format(rows[0][m.col])
        elif m.kind == "header_full_width":
            rows[0][m.col] = _full_width(str(rows[0][m.col]))
        elif m.kind == "title_noise":
            titles[m.sheet] = m.arg.format(titles[m.sheet])
        elif m.kind == "title_full_width":
            titles[m.sheet] = _full_width(titles[m.sheet])
        elif m.kind == "dup_sheet":
            pass  # added when writing
    for m in mutations:
        if m.kind == "blank_rows":
            count, filler = m.arg
            rows = tables[m.sheet]
            at = min(m.row, len(rows))
            for _ in range(count):
                rows.insert(at, [filler] * len(rows[0]) if filler is not None else [])
    wb = Workbook()
    wb.remove(wb.active)
    worksheets, literals = {}, []
    for sheet in SHEETS:
        worksheets[sheet] = ws = wb.create_sheet(titles[sheet])
        literals.append({})
        _fill(ws, tables[sheet], literals[-1])
    for m in mutations:
        if m.kind == "dup_sheet":
            literals.append({})
            _fill(wb.create_sheet(_zh_title(m.sheet)), tables[m.sheet], literals[-1])
    cached: dict[tuple[int, str], object] = {}
    for m in mutations:
        ws = worksheets[m.sheet]
        if m.kind == "formula":
            value = _cell(tables[m.sheet], m.row, m.col)
            cell = ws.cell(row=m.row + 1, column=m.col + 1)
            cell.value = _formula_for(value)
            if m.arg:  # with a cached value
                cached[(SHEETS.index(m.sheet), cell.coordinate)] = value
            else:
                cached.pop((SHEETS.index(m.sheet), cell.coordinate), None)
        elif m.kind == "hidden":
            ws.sheet_state = m.arg
    for m in mutations:  # merges last: like Excel, merging keeps only the top-left cell's content
        if m.kind == "merge":
            height, width = m.arg
            worksheets[m.sheet].merge_cells(start_row=m.row + 1, start_column=m.col + 1, end_row=m.row + height,
                                            end_column=m.col + width)
    cached = {(index, ref): value for (index, ref), value in cached.items()
              if not isinstance(worksheets[SHEETS[index]][ref], MergedCell)}
    path = folder / name
    try:
        wb.save(path)
    except IllegalCharacterError:
        assume(False)
    add_cached_values(path, cached)
    for index, replace in enumerate(literals):
        if replace:
            patch_sheet_xml(path, index, {f"<v>{k}</v>": f"<v>{v}</v>" for k, v in replace.items()}, strict=False)
    return Built(path, tables, titles)


def _zh_title(sheet: str) -> str:
    return next(s.zh for s in schema.sheets() if s.name == sheet)


# How a non-finite number can stand in a file: openpyxl reads "1E999" as a float (infinity);
# "NaN" it cannot read at all (the sheet is then reported as damaged).
NON_FINITE_TEXT = {"nan": "NaN", "inf": "1E999", "-inf": "-1E999"}


def _fill(ws, rows, literal: dict) -> None:
    """Write ``rows``; a NaN or infinity goes in as a placeholder number that ``literal``
    (placeholder text → what the file should say) later replaces in the sheet XML."""
    for r, row in enumerate(rows, start=1):
        for c, value in enumerate(row, start=1):
            if value is None:
                continue
            cell = ws.cell(row=r, column=c)
            if isinstance(value, float) and not math.isfinite(value):
                placeholder = 987654321.0 + len(literal) + 0.125
                literal[repr(placeholder)] = NON_FINITE_TEXT[repr(value)]
                value = placeholder
            try:
                cell.value = value
            except (ValueError, TypeError):
                assume(False)  # a value openpyxl cannot hold
            if isinstance(value, str):
                cell.data_type = "s"  # text that starts with '=' stays text, as typed with a quote


def add_cached_values(path: Path, cached: dict[tuple[int, str], object]) -> None:
    """Give formula cells a cached value, as Excel stores it: ``<f>…</f><v>value</v>``
    (openpyxl itself writes formulas with an empty ``<v/>``).  Keys: (sheet index, "C2")."""
    if not cached:
        return
    parts: dict[str, dict[str, object]] = {}
    for (index, coordinate), value in cached.items():
        parts.setdefault(f"xl/worksheets/sheet{index + 1}.xml", {})[coordinate] = value
    source = path.with_suffix(".src")
    shutil.move(path, source)
    with zipfile.ZipFile(source) as zin, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info.filename)
            if info.filename in parts:
                text = data.decode("utf-8")
                for coordinate, value in parts[info.filename].items():
                    pattern = re.compile(rf'<c r="{coordinate}"([^>]*)><f>(.*?)</f><v\s*/></c>', re.S)
                    match = pattern.search(text)
                    assert match, f"no formula cell {coordinate} in {info.filename}"
                    attrs, kind = match.group(1), ""
                    if isinstance(value, bool):
                        kind, shown = ' t="b"', "1" if value else "0"
                    elif isinstance(value, (int, float)):
                        shown = repr(value)
                    else:
                        kind, shown = ' t="str"', escape("" if value is None else str(value))
                    text = text[:match.start()] + (f'<c r="{coordinate}"{attrs}{kind}><f>{match.group(2)}</f>'
                                                   f"<v>{shown}</v></c>") + text[match.end():]
                data = text.encode("utf-8")
            zout.writestr(info, data)
    source.unlink()


def patch_sheet_xml(path: Path, index: int, replacements: dict[str, str], strict: bool = True) -> None:
    """Replace text in the XML of the ``index``-th sheet (0-based, openpyxl's part names);
    ``strict``: each text must be there (a merge may have removed a placeholder)."""
    part = f"xl/worksheets/sheet{index + 1}.xml"
    with zipfile.ZipFile(path) as archive:
        parts = [(info, archive.read(info.filename)) for info in archive.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for info, data in parts:
            if info.filename == part:
                text = data.decode("utf-8")
                for old, new in replacements.items():
                    assert old in text or not strict, f"{old} not in {part}"
                    text = text.replace(old, new)
                data = text.encode("utf-8")
            archive.writestr(info, data)


# --------------------------------------------------------------------- strategies
def _position(sheet: str, header: bool = True, data: bool = True):
    rows = BASE[sheet]
    low = 0 if header else 1
    high = len(rows) - 1 if data else 0
    return st.tuples(st.integers(low, high), st.integers(0, len(rows[0]) - 1))


@st.composite
def wrong_value(draw):
    sheet = draw(st.sampled_from(SHEETS))
    row, col = draw(_position(sheet, header=False))
    return Mutation("value", sheet, row, col, draw(st.sampled_from(WRONG_VALUES) | st.floats()))


@st.composite
def bad_number(draw):
    sheet, col = draw(st.sampled_from(sorted(NUMERIC)))
    row = draw(st.integers(1, len(BASE[sheet]) - 1))
    return Mutation("value", sheet, row, col, draw(st.sampled_from(BAD_NUMBERS)))


@st.composite
def blank_rows(draw):
    sheet = draw(st.sampled_from(SHEETS))
    return Mutation("blank_rows", sheet, draw(st.integers(0, len(BASE[sheet]))), 0,
                    (draw(st.integers(1, 3)), draw(st.sampled_from([None, "", "  ", "\u3000"]))))


@st.composite
def merge(draw, touching: bool = False):
    sheet = draw(st.sampled_from(SHEETS))
    rows = BASE[sheet]
    if touching:  # top-left in the table and not blank
        cells = [(r, c) for r in range(len(rows)) for c in range(len(rows[0])) if rows[r][c] not in (None, "")]
        row, col = draw(st.sampled_from(cells))
    else:
        row, col = draw(st.integers(0, len(rows) + 1)), draw(st.integers(0, len(rows[0]) + 1))
    height, width = draw(st.sampled_from([(2, 1), (1, 2), (2, 2), (3, 1), (1, 3)]))
    return Mutation("merge", sheet, row, col, (height, width))


@st.composite
def formula(draw, cached=None, header=True):
    sheet = draw(st.sampled_from(SHEETS))
    row, col = draw(_position(sheet, header=header))
    return Mutation("formula", sheet, row, col, draw(st.booleans()) if cached is None else cached)


@st.composite
def hidden(draw, first_too: bool = True):
    sheet = draw(st.sampled_from(SHEETS if first_too else SHEETS[1:]))
    return Mutation("hidden", sheet, arg=draw(st.sampled_from(["hidden", "veryHidden"])))


@st.composite
def dup_header(draw):
    sheet = draw(st.sampled_from(SHEETS))
    return Mutation("dup_header", sheet, 0, draw(st.integers(0, len(BASE[sheet][0]) - 1)),
                    draw(st.sampled_from(["same", "alias"])))


@st.composite
def header_noise(draw):
    sheet = draw(st.sampled_from(SHEETS))
    col = draw(st.integers(0, len(BASE[sheet][0]) - 1))
    if draw(st.booleans()):
        return Mutation("header_full_width", sheet, 0, col)
    return Mutation("header_noise", sheet, 0, col, draw(st.sampled_from(NOISE)))


@st.composite
def title_noise(draw):
    sheet = draw(st.sampled_from(SHEETS))
    if draw(st.booleans()):
        return Mutation("title_full_width", sheet)
    return Mutation("title_noise", sheet, arg=draw(st.sampled_from(TITLE_NOISE)))


def dup_sheet():
    return st.builds(lambda s: Mutation("dup_sheet", s), st.sampled_from(SHEETS))


def unique_titles(mutations) -> bool:
    """At most one title mutation per sheet (two could give the same title twice)."""
    titles = [m.sheet for m in mutations if m.kind.startswith("title_")]
    return len(titles) == len(set(titles))


ANY_MUTATION = st.one_of(wrong_value(), bad_number(), blank_rows(), merge(), formula(), hidden(), dup_header(),
                         header_noise(), title_noise(), dup_sheet())
BENIGN = st.one_of(blank_rows(), hidden(), header_noise(), title_noise(), formula(cached=True))
FUZZ = settings(max_examples=120, deadline=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                       HealthCheck.filter_too_much])


# --------------------------------------------------------------------------- running
@dataclass
class Outcome:
    code: int
    stdout: str
    stderr: str
    report: dict | None  # the --json object when the run solved
    output: Path


def solve(built: Built) -> Outcome:
    """Run ``solve --json`` and check what must hold whatever the input."""
    folder = built.path.parent
    out = folder / "result.xlsx"
    before = hashlib.sha256(built.path.read_bytes()).hexdigest()
    files = sorted(p.name for p in folder.iterdir())
    result = CliRunner().invoke(main, ["solve", str(built.path), "-o", str(out), "--json"])
    stdout, stderr = result.stdout or "", result.stderr or ""
    assert result.exception is None or isinstance(result.exception, SystemExit), (
        f"solve crashed: {result.exception!r}\n{stderr}")
    assert "Traceback" not in stdout + stderr, stderr
    assert result.exit_code in (0, 1, 2), (result.exit_code, stderr)
    assert hashlib.sha256(built.path.read_bytes()).hexdigest() == before, "the input file was modified"
    after = sorted(p.name for p in folder.iterdir())
    report = None
    if result.exit_code == 2:
        assert NUMBERED_PROBLEM.search(stderr), f"no numbered problem on stderr:\n{stderr}"
        assert stdout.strip() == ""
        assert after == files, f"a refused case must leave nothing behind: {sorted(set(after) - set(files))}"
    else:
        assert after == sorted(files + ["result.xlsx"]), f"unexpected files: {sorted(set(after) - set(files))}"
        wb = load_workbook(out)  # complete: it opens, with every sheet
        assert RESULT_SHEETS <= set(wb.sheetnames) or {"概要", "项目组合"} <= set(wb.sheetnames), wb.sheetnames
        report = json.loads(stdout)
        assert report["status"] in ("optimal", "feasible", "infeasible", "timeout")
    return Outcome(result.exit_code, stdout, stderr, report, out)


def _located(stderr: str, sheet_title: str, row: int | None = None, letter: str | None = None) -> bool:
    """Some numbered problem names this sheet (as written), Excel row and column letter."""
    for line in stderr.splitlines():
        if not re.match(r"^\s+\d+\. ", line) or f"sheet '{sheet_title}'" not in line:
            continue
        if row is not None and f"row {row}," not in line and not line.rstrip().endswith(f"row {row}") \
                and f"row {row}:" not in line:
            continue
        if letter is not None and f"column {letter}" not in line:
            continue
        return True
    return False


# ------------------------------------------------------------------- the properties
@FUZZ
@given(st.lists(ANY_MUTATION, min_size=1, max_size=5).filter(unique_titles))
@example([Mutation("value", "projects", 1, 2, float("nan"))])
@example([Mutation("value", "projects", 1, 2, float("inf")), Mutation("merge", "budgets", 0, 0, (2, 2))])
@example([Mutation("formula", "projects", 1, 2, False), Mutation("hidden", "parameters", arg="hidden")])
@example([Mutation("dup_sheet", "projects"), Mutation("dup_header", "targets", 0, 3, "alias")])
@example([Mutation("blank_rows", "projects", 0, 0, (3, None)), Mutation("header_noise", "projects", 0, 2, "\ufeff{}")])
def test_any_mutation_ends_in_a_result_or_a_clear_refusal(mutations):
    with tempfile.TemporaryDirectory() as folder:
        solve(build(Path(folder), mutations))


@FUZZ
@given(st.lists(BENIGN, min_size=1, max_size=4).filter(unique_titles))
@example([Mutation("title_full_width", "projects"), Mutation("header_full_width", "projects", 0, 2)])
@example([Mutation("title_noise", "budgets", arg="\ufeff{}\u200b"), Mutation("hidden", "parameters", arg="veryHidden")])
@example([Mutation("blank_rows", "projects", 2, 0, (2, "  ")), Mutation("formula", "projects", 1, 2, True)])
@example([Mutation("formula", "projects", 0, 2, True), Mutation("formula", "targets", 1, 2, True)])
def test_harmless_mutations_give_the_same_plan(mutations):
    """Empty rows, hidden sheets, invisible characters and full-width forms in names, and
    formulas whose cached value is the original value change nothing but warnings."""
    with tempfile.TemporaryDirectory() as folder:
        outcome = solve(build(Path(folder), mutations))
    assert outcome.code == 0, outcome.stderr
    assert outcome.report["selected"] == BASE_SELECTED
    assert math.isclose(outcome.report["objective"], BASE_OBJECTIVE)
    hidden_titles = [m for m in mutations if m.kind == "hidden"]
    if hidden_titles:
        assert "hidden in Excel" in outcome.stderr, outcome.stderr
    else:
        assert "hidden" not in outcome.stderr


@FUZZ
@given(formula(cached=False), st.lists(st.one_of(hidden(), header_noise(), title_noise()), max_size=2)
       .filter(unique_titles))
@example(Mutation("formula", "projects", 1, 2, False), [])
@example(Mutation("formula", "projects", 2, 6, False), [])  # a blank exclusive_group cell
@example(Mutation("formula", "parameters", 0, 1, False), [])  # the 'value' header
def test_formula_without_cached_value_is_an_error_naming_the_cell(mutation, others):
    with tempfile.TemporaryDirectory() as folder:
        built = build(Path(folder), [mutation, *others])
        outcome = solve(built)
    assert outcome.code == 2, outcome.stderr
    title = built.titles[mutation.sheet]
    row, letter = mutation.row + 1, get_column_letter(mutation.col + 1)
    text = "the header is a formula without a saved value" if mutation.row == 0 else "formula has no saved value"
    assert text in outcome.stderr
    assert _located(outcome.stderr, title, row, letter), f"{title} {letter}{row} not named:\n{outcome.stderr}"


@FUZZ
@given(merge(touching=True))
@example(Mutation("merge", "projects", 1, 5, (3, 1)))  # 'no' merged over three projects' mandatory
@example(Mutation("merge", "projects", 0, 0, (1, 2)))  # two headers merged
def test_merged_cells_over_read_columns_are_an_error_naming_the_range(mutation):
    with tempfile.TemporaryDirectory() as folder:
        built = build(Path(folder), [mutation])
        outcome = solve(built)
    assert outcome.code == 2, outcome.stderr
    height, width = mutation.arg
    ref = (f"{get_column_letter(mutation.col + 1)}{mutation.row + 1}:"
           f"{get_column_letter(mutation.col + width)}{mutation.row + height}")
    assert f"cells {ref} are merged" in outcome.stderr, outcome.stderr
    assert _located(outcome.stderr, built.titles[mutation.sheet], mutation.row + 1)


def test_merged_cells_outside_the_table_or_blank_are_accepted(tmp_path):
    """A merged note to the right of the table, and a merged blank range, lose nothing."""
    built = build(tmp_path, [Mutation("merge", "projects", 1, 10, (3, 2)),
                             Mutation("merge", "projects", 1, 6, (2, 1))])  # exclusive_group: blank
    outcome = solve(built)
    assert outcome.code == 0, outcome.stderr
    assert outcome.report["selected"] == BASE_SELECTED


@FUZZ
@given(bad_number())
@example(Mutation("value", "projects", 1, 2, float("nan")))
@example(Mutation("value", "projects", 2, 3, float("inf")))
@example(Mutation("value", "projects", 3, 4, -float("inf")))
@example(Mutation("value", "budgets", 1, 2, 1e308))
@example(Mutation("value", "targets", 1, 3, 2 ** 70))
def test_a_bad_number_is_an_error_at_its_cell(mutation):
    with tempfile.TemporaryDirectory() as folder:
        built = build(Path(folder), [mutation])
        outcome = solve(built)
    assert outcome.code == 2, outcome.stderr
    if isinstance(mutation.arg, float) and math.isnan(mutation.arg):  # "NaN" in the XML: no number at all
        assert f"sheet '{mutation.sheet}': case.xlsx could not be read" in outcome.stderr, outcome.stderr
        return
    assert _located(outcome.stderr, mutation.sheet, mutation.row + 1, get_column_letter(mutation.col + 1)), (
        outcome.stderr)


@FUZZ
@given(dup_header())
def test_duplicate_header_is_an_error_at_the_header_row(mutation):
    with tempfile.TemporaryDirectory() as folder:
        built = build(Path(folder), [mutation])
        outcome = solve(built)
    assert outcome.code == 2, outcome.stderr
    assert "appears twice" in outcome.stderr
    assert _located(outcome.stderr, mutation.sheet, 1, get_column_letter(len(BASE[mutation.sheet][0]) + 1))


@pytest.mark.parametrize("sheet", SHEETS)
def test_a_second_copy_of_a_sheet_under_its_chinese_name_is_an_error(tmp_path, sheet):
    outcome = solve(build(tmp_path, [Mutation("dup_sheet", sheet)]))
    assert outcome.code == 2
    assert f"sheets '{sheet}' and '{_zh_title(sheet)}' are both the '{sheet}' sheet" in outcome.stderr


def test_empty_rows_keep_excel_row_numbers(tmp_path):
    """Blank rows above the header and between projects: errors still name Excel's rows."""
    built = build(tmp_path, [Mutation("value", "projects", 3, 2, "lots"),  # P3's capex
                             Mutation("blank_rows", "projects", 0, 0, (2, None)),
                             Mutation("blank_rows", "projects", 2, 0, (3, "  "))])
    outcome = solve(built)
    assert outcome.code == 2
    # P3 was table row 3; 2 blank rows above the header and 3 after P1 put it on Excel row 9
    assert _located(outcome.stderr, "projects", 9, "C"), outcome.stderr


def test_hidden_sheet_is_read_with_a_warning(tmp_path):
    """A hidden budgets sheet still limits the plan: with its budget lowered, the plan follows."""
    budgets = Mutation("value", "budgets", 1, 2, 700)  # room for P2 + P3 only
    built = build(tmp_path, [budgets, Mutation("hidden", "budgets", arg="veryHidden")])
    outcome = solve(built)
    assert outcome.code == 0, outcome.stderr
    assert outcome.report["selected"] == ["P2", "P3"]
    assert "sheet 'budgets': the sheet is very hidden in Excel; it is read like the other sheets" in outcome.stderr


# ------------------------------------------------------------------- formulas, for real
def test_formulas_with_cached_values_are_read_through_them(tmp_path):
    """capex and savings as formulas, each with the cached value Excel would save."""
    mutations = [Mutation("formula", "projects", r, c, True) for r in (1, 2, 3) for c in (2, 3, 4)]
    mutations += [Mutation("formula", "budgets", 1, 2, True), Mutation("formula", "parameters", 1, 1, True)]
    outcome = solve(build(tmp_path, mutations))
    assert outcome.code == 0, outcome.stderr
    assert outcome.report["selected"] == BASE_SELECTED
    assert math.isclose(outcome.report["objective"], BASE_OBJECTIVE)


def test_cached_value_not_formula_text_decides(tmp_path):
    """The cached value is what Excel shows; it is used even when the formula says otherwise."""
    built = build(tmp_path, [Mutation("formula", "budgets", 1, 2, True)])
    # rewrite the cached budget to 700 while the formula still says 1500*1
    patch_sheet_xml(built.path, 1, {"<v>1500</v>": "<v>700</v>"})
    outcome = solve(built)
    assert outcome.code == 0, outcome.stderr
    assert outcome.report["selected"] == ["P2", "P3"]


def test_formulas_saved_by_libreoffice_are_read_with_their_computed_values(tmp_path):
    """A case typed with formulas (arithmetic, SUM, a reference to another sheet, text) and
    saved by LibreOffice Calc, which stores the computed values as Excel does; one cell
    divides by zero and must be reported at its place."""
    from test_report_libreoffice import convert
    sheets = copy.deepcopy(BASE)
    sheets["projects"][1][2] = "=budgets!C2-500"  # 1000
    sheets["projects"][1][3] = "=SUM(300,500)"  # 800
    sheets["projects"][2][2] = "=4*100"  # 400
    sheets["projects"][3][1] = '="Compressed "&"air"'
    sheets["projects"][1][6] = '=IF(1>2,"boilers","")'  # an empty text result: blank, not an error
    good = _write_formulas(tmp_path / "good.xlsx", sheets)
    sheets["projects"][2][3] = "=1/0"
    bad = _write_formulas(tmp_path / "bad.xlsx", sheets)
    converted = convert([good, bad], tmp_path)
    for name in ("good.xlsx", "bad.xlsx"):
        with zipfile.ZipFile(converted / name) as archive:
            sheet1 = archive.read("xl/worksheets/sheet1.xml").decode()
        assert re.search(r"<f[^>]*>budgets!C2-500</f><v>1000</v>", sheet1), "LibreOffice keeps formula and value"
        assert re.search(r't="str"><f[^>]*>IF\(.*?</f><v\s*/?>(</v>)?</c>', sheet1), "an empty text result"
    folder = tmp_path / "run"
    folder.mkdir()
    outcome = solve(Built(shutil.copy(converted / "good.xlsx", folder / "good.xlsx"), sheets, {}))
    assert outcome.code == 0, outcome.stderr
    assert outcome.report["selected"] == BASE_SELECTED
    assert math.isclose(outcome.report["objective"], BASE_OBJECTIVE)
    outcome = solve(Built(shutil.copy(converted / "bad.xlsx", folder / "bad.xlsx"), sheets, {}))
    assert outcome.code == 2
    assert _located(outcome.stderr, "projects", 3, "D") and "#DIV/0!" in outcome.stderr, outcome.stderr


def _write_formulas(path: Path, sheets: dict) -> Path:
    wb = Workbook()
    wb.remove(wb.active)
    for title, rows in sheets.items():
        ws = wb.create_sheet(title)
        for row in rows:
            ws.append(row)  # strings starting with '=' become formulas (no cached value)
    wb.save(path)
    return path


# ------------------------------------------------- issue 18: one cell at a time, the contract
@FUZZ
@given(wrong_value())
@example(Mutation("value", "projects", 2, 6, "#N/A"))  # a failed VLOOKUP in exclusive_group
@example(Mutation("value", "projects", 1, 1, "#REF!"))  # in the name
@example(Mutation("value", "parameters", 1, 0, "#NAME?"))  # as a parameter's name
@example(Mutation("value", "budgets", 1, 0, "#N/A"))  # the pool
@example(Mutation("value", "projects", 1, 2, 1e-320))  # below the resolution
@example(Mutation("value", "targets", 1, 1, "2021年"))
def test_one_wrong_cell_is_read_or_refused_where_it_is(mutation):
    """Whatever one cell holds: exit 0/1 with a full workbook, or exit 2 with a problem list
    that names the sheet and a row (the mutated one, or the row its value breaks), nothing
    written, the input unchanged, no traceback (all checked by ``solve``).  An Excel error
    value is never data: always exit 2, naming the Excel error at the mutated cell."""
    with tempfile.TemporaryDirectory() as folder:
        built = build(Path(folder), [mutation])
        outcome = solve(built)
    if outcome.code == 2 and not (isinstance(mutation.arg, float) and math.isnan(mutation.arg)):
        assert re.search(rf"sheet '{re.escape(mutation.sheet)}'(, row \d+|: )", outcome.stderr), outcome.stderr
    if isinstance(mutation.arg, str) and mutation.arg in EXCEL_ERRORS:
        assert outcome.code == 2, outcome.stderr
        assert f"the Excel error {mutation.arg}" in outcome.stderr, outcome.stderr
        assert _located(outcome.stderr, mutation.sheet, mutation.row + 1, get_column_letter(mutation.col + 1)), (
            outcome.stderr)
