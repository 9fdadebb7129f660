"""A worksheet without a ``<dimension>`` element (openpyxl's write-only mode writes none) is
read without the full parse openpyxl's read-only mode spends on finding out that it has
none (``reader._sized_without_a_scan``), and reads as the same case: the same values, the
same problems, for a case whose sheets have the element and one whose sheets lack it, also
with formulas and an empty sheet; a sheet with the element keeps openpyxl's own size."""
from __future__ import annotations

import dataclasses
import zipfile
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook
from workbooks import minimal_case, write_workbook

from retrofit_opt import reader
from retrofit_opt.errors import CaseError
from retrofit_opt.loader import load_case


def write_only(path: Path, sheets: dict[str, list[list]]) -> Path:
    wb = Workbook(write_only=True)
    for title, rows in sheets.items():
        ws = wb.create_sheet(title)
        for row in rows:
            ws.append(list(row))
    wb.save(path)
    return path


def has_dimension(path: Path) -> list[bool]:
    with zipfile.ZipFile(path) as archive:
        return [b"<dimension" in archive.read(name) for name in archive.namelist()
                if name.startswith("xl/worksheets/sheet")]


def sizes(path: Path, patched: bool) -> list[tuple]:
    def load():
        return load_workbook(path, read_only=True, data_only=True)
    if patched:
        with reader._sized_without_a_scan():
            wb = load()
    else:
        wb = load()
    try:
        return [(ws.min_row, ws.min_column, ws._max_row, ws._max_column, [tuple(r) for r in ws.iter_rows(values_only=True)])
                for ws in wb.worksheets]
    finally:
        wb.close()


def cases(tmp_path, sheets):
    normal = write_workbook(tmp_path / "normal.xlsx", sheets)
    streamed = write_only(tmp_path / "write_only.xlsx", sheets)
    assert all(has_dimension(normal)) and not any(has_dimension(streamed))
    return normal, streamed


def test_sheets_without_a_dimension_read_as_openpyxl_reads_them(tmp_path):
    sheets = minimal_case()
    sheets["projects"] += [[f"Q{k}", "more", 10 + k, 5, 7, "no", "", ""] for k in range(300)]
    sheets["notes"] = []  # an empty sheet
    normal, streamed = cases(tmp_path, sheets)
    for path in (normal, streamed):
        assert sizes(path, patched=True) == sizes(path, patched=False)
    read = load_case(streamed)
    assert read == dataclasses.replace(load_case(normal), source_name=read.source_name,
                                       source_sha256=read.source_sha256)
    assert len(read.projects) == 303


def test_the_same_problems_are_found_in_a_broken_case_without_dimensions(tmp_path):
    sheets = minimal_case()
    sheets["projects"][2][2] = "lots"  # P2's capex is not a number
    sheets["projects"].append(["P1", "again", 5, 1, 1, "no", "", ""])  # a repeated id
    normal, streamed = cases(tmp_path, sheets)
    messages = []
    for path in (normal, streamed):
        with pytest.raises(CaseError) as raised:
            load_case(path)
        messages.append([(p.sheet, p.row, p.column, p.message) for p in raised.value.problems])
    assert messages[0] == messages[1] and messages[0]


def test_formulas_in_a_sheet_without_a_dimension_are_read(tmp_path):
    sheets = minimal_case()
    sheets["projects"][1][2] = "=400+600"  # P1's capex by a formula, no cached value
    normal, streamed = cases(tmp_path, sheets)
    for path in (normal, streamed):
        with pytest.raises(CaseError) as raised:  # a formula without a cached value: recalculate and save
            load_case(path)
        assert any(p.row == 2 and "formula" in p.message for p in raised.value.problems)
