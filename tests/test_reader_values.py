"""The values pass through python-calamine (:mod:`retrofit_opt.reader_values`) reads every
workbook exactly as openpyxl's values pass does: the same Case, or the same problems word
for word — checked against openpyxl itself (the reader with calamine switched off) on the
bundled cases, on junk in any one cell (the property of tests/test_junk_cells.py), and on a
sheet whose used area calamine could not hold in memory."""
from __future__ import annotations

import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

import pytest
from hypothesis import example, given

import retrofit_opt.reader as reader
from retrofit_opt.errors import CaseError
from retrofit_opt.loader import load_case
from retrofit_opt.reader_values import grid_is_safe, open_book, sheet_rows
from test_junk_cells import JUNK_SETTINGS, _write, junk_cell

ROOT = Path(__file__).resolve().parent.parent
WORKBOOKS = sorted((ROOT / "cases").glob("*.xlsx")) + sorted((ROOT / "tests" / "data").glob("*.xlsx"))


def _outcome(path: Path, fast: bool, monkeypatch) -> str:
    """The loaded case's repr, or the error report's text."""
    with monkeypatch.context() as m:
        if not fast:
            m.setattr(reader, "open_book", lambda path: None)
        try:
            return repr(load_case(path))
        except CaseError as exc:
            return "CaseError: " + str(exc)


@pytest.mark.parametrize("path", WORKBOOKS, ids=lambda p: p.name)
def test_bundled_and_test_workbooks_read_the_same_as_with_openpyxl(path, monkeypatch):
    book = open_book(path)
    assert book is not None
    with_openpyxl = _outcome(path, False, monkeypatch)
    assert _outcome(path, True, monkeypatch) == with_openpyxl
    assert not with_openpyxl.startswith("CaseError")


def test_the_fast_pass_is_taken_on_an_ordinary_case(monkeypatch):
    """Not a silent fallback: the project sheet of a bundled case is read by calamine."""
    taken = []
    original = reader.sheet_rows

    def spy(book, title, xml, max_columns):
        rows = original(book, title, xml, max_columns)
        taken.append((title, rows is not None))
        return rows
    monkeypatch.setattr(reader, "sheet_rows", spy)
    load_case(ROOT / "cases" / "tiny.xlsx")
    assert ("projects", True) in taken


@JUNK_SETTINGS
@given(junk_cell())
@example(("projects", 0, 8, "=0"))  # a header formula right of the table: calamine's grid ends before it
@example(("budgets", 0, 3, "=0"))
@example(("budgets", 1, 3, "=0"))
def test_junk_in_any_cell_reads_the_same_as_with_openpyxl(cell):
    sheet, row, column, value = cell
    with tempfile.TemporaryDirectory() as folder:
        path = _write(Path(folder), sheet, row, column, value)
        with pytest.MonkeyPatch.context() as m:
            assert _outcome(path, True, m) == _outcome(path, False, m), (sheet, row, column, value)


def test_a_sparse_sheet_is_left_to_openpyxl(tmp_path):
    """Two cells a million rows and 16,000 columns apart: calamine would allocate a dense
    grid of 512 GB and abort the process; the guard sends the sheet to openpyxl, and the
    command answers (here: a clear error about the case) instead of dying."""
    from openpyxl import Workbook
    wb = Workbook()
    ws = wb.active
    ws.title = "projects"
    ws["A1"] = "id"
    ws.cell(row=1_000_000, column=16_000, value=1)
    path = tmp_path / "sparse.xlsx"
    wb.save(path)
    with zipfile.ZipFile(path) as archive:
        xml = archive.read("xl/worksheets/sheet1.xml")
    assert not grid_is_safe(xml)
    assert sheet_rows(open_book(path), "projects", xml, 500) is None
    done = subprocess.run([sys.executable, "-m", "retrofit_opt.cli", "validate", str(path)],
                          capture_output=True, text=True, timeout=600, cwd=ROOT)
    assert done.returncode == 2, done.stderr[-2000:]
    assert "Traceback" not in done.stderr


def test_grid_guard_counts_cells_without_a_reference():
    assert grid_is_safe(b'<row r="1"><c r="A1" t="n"><v>1</v></c><c r="B1"><v>2</v></c></row>')
    assert not grid_is_safe(b'<row r="1"><c r="A1"><v>1</v></c><c><v>2</v></c></row>')
    assert not grid_is_safe(b'<c r="A1"><v>1</v></c><c r="A9000000"><v>2</v></c>')


def test_an_excel_error_cell_sends_the_sheet_to_openpyxl():
    """calamine reads ``#N/A`` as a blank: the cell would pass as "missing" instead of
    "is the Excel error #N/A"."""
    assert not grid_is_safe(b'<row r="1"><c r="A1" t="e"><v>#N/A</v></c></row>')
    assert not grid_is_safe(b'<row r="1"><c r="A1" s="3" t="e"><f>1/0</f><v>#DIV/0!</v></c></row>')
    assert grid_is_safe(b'<row r="1"><c r="A1" t="s"><v>0</v></c></row>')
