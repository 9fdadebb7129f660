"""What a reader sees of a table's layout: a column of numbers has its header over the
numbers (right-aligned, as the numbers are), a header that wraps gets a row tall enough
for its lines, and By enterprise's id lists are on one line up to 40 characters and wrap,
with a taller row, beyond.  Checked in real results workbooks (the bundled Ganhe case,
and a case of one enterprise with many projects), read back with openpyxl."""
from __future__ import annotations

import math
import shutil
from pathlib import Path

import pytest
from openpyxl import load_workbook

from workbooks import minimal_case, write_workbook

import retrofit_opt
from retrofit_opt.report import write_results

CASES = Path(__file__).resolve().parents[1] / "cases"
ONE_LINE = 16  # points: the default row height is 15


@pytest.fixture(scope="module")
def ganhe(tmp_path_factory):
    folder = tmp_path_factory.mktemp("layout")
    shutil.copy(CASES / "ganhe_2024.xlsx", folder / "ganhe.xlsx")
    result = retrofit_opt.solve(retrofit_opt.read_case(folder / "ganhe.xlsx"), explain=False)
    write_results(result, folder / "out.xlsx", "en")
    return load_workbook(folder / "out.xlsx")


def header_row(ws, first: str) -> int:
    return next(r for r in range(1, 40) if ws.cell(row=r, column=1).value == first)


def headers(ws, row: int) -> dict[str, object]:
    return {ws.cell(row=row, column=c).value: ws.cell(row=row, column=c)
            for c in range(1, ws.max_column + 1) if ws.cell(row=row, column=c).value}


@pytest.mark.parametrize("sheet, first, numeric, text", [
    ("Portfolio", "Priority rank", ["Priority rank", "capex (万元)"], ["id", "name", "enterprise"]),
    ("By enterprise", "enterprise", ["Projects chosen", "capex (万元)", "water_saving"],
     ["enterprise", "sector", "Chosen", "Left out"]),
    ("Cash flow", "Year from the start", ["Year from the start", "Capex (万元)", "Discount factor"], []),
])
def test_a_header_stands_over_its_column_of_numbers(ganhe, sheet, first, numeric, text):
    ws = ganhe[sheet]
    cells = headers(ws, header_row(ws, first))
    for name in numeric:
        cell = next(c for h, c in cells.items() if str(h).startswith(name))
        assert cell.alignment.horizontal == "right", (sheet, name)
        below = ws.cell(row=cell.row + 1, column=cell.column).value
        assert isinstance(below, (int, float)), (sheet, name, below)
    for name in text:
        cell = next(c for h, c in cells.items() if str(h) == name)
        assert cell.alignment.horizontal in (None, "general", "left"), (sheet, name)


def test_a_wrapped_header_gets_a_row_tall_enough_for_its_lines(ganhe):
    ws = ganhe["Cash flow"]
    row = header_row(ws, "Year from the start")
    widest = max((c for c in headers(ws, row).values()), key=lambda c: len(str(c.value)) /
                 ws.column_dimensions[c.column_letter].width)
    lines = math.ceil(len(str(widest.value)) / (ws.column_dimensions[widest.column_letter].width * 0.95))
    assert lines >= 2  # the subsidy column's long header wraps
    assert ws.row_dimensions[row].height >= 2 * 11 * 1.45  # two lines of 11-point text


def test_short_id_lists_are_on_one_line_in_a_column_wide_enough(ganhe):
    ws = ganhe["By enterprise"]
    row = header_row(ws, "enterprise")
    chosen = headers(ws, row)["Chosen"]
    total = next(r for r in range(row + 1, row + 40) if ws.cell(row=r, column=1).value == "Total")
    table = range(row + 1, total)
    lists = [v for v in (ws.cell(row=r, column=chosen.column).value for r in table) if v]
    assert max(map(len, lists)) > 10  # a list longer than the header
    assert ws.column_dimensions[chosen.column_letter].width >= max(map(len, lists))
    assert all((ws.row_dimensions[r].height or 15) < ONE_LINE for r in table)
    # set off from the column of numbers on their left: the lists and their header indented
    assert chosen.alignment.indent >= 1 and chosen.alignment.horizontal == "left"
    assert all(ws.cell(row=r, column=chosen.column).alignment.indent >= 1 for r in table
               if ws.cell(row=r, column=chosen.column).value)


def test_a_long_id_list_wraps_in_a_taller_row(tmp_path):
    sheets = minimal_case()
    header = [*sheets["projects"][0], "enterprise"]
    rows = [[f"PROJECT-{k:03d}", f"Retrofit {k}", 10, 50, 100, "no", "", "", "One enterprise"] for k in range(40)]
    sheets["projects"] = [header, *rows]
    path = write_workbook(tmp_path / "many.xlsx", sheets)
    result = retrofit_opt.solve(retrofit_opt.read_case(path), explain=False)
    assert len(result.plan) == 40  # every project fits the budget
    write_results(result, tmp_path / "out.xlsx", "en")
    ws = load_workbook(tmp_path / "out.xlsx")["By enterprise"]
    row = header_row(ws, "enterprise")
    chosen = headers(ws, row)["Chosen"]
    ids = ws.cell(row=row + 1, column=chosen.column).value
    assert ids.startswith("PROJECT-000, PROJECT-001") and len(ids) > 3 * 40  # forty ids
    assert ws.column_dimensions[chosen.column_letter].width <= 40 + 2
    height = ws.row_dimensions[row + 1].height
    assert height is not None and ONE_LINE < height <= 8 * 11 * 1.45 + 4  # taller, at most eight lines


def test_which_headers_are_right_aligned_in_a_sheet_writer():
    """Numbers (and formulas, and numbers with a "—" among them) right-align their header;
    texts, or a column of mostly texts, leave it; a header the sheet aligned itself keeps
    its own vertical alignment; the look stops at the next header row."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment

    from retrofit_opt.report.writer import Formula, SheetWriter
    for streamed in (False, True):
        wb = Workbook()
        w = SheetWriter(wb.active, {}, streamed=streamed)
        w.header(1, 1, ["name", "capex", "irr", "total", "mixed", "own"])
        w.ws.cell(row=1, column=6).alignment = Alignment(vertical="top", wrap_text=True)
        for r in range(2, 6):
            w.row(r, 1, [f"P{r}", 10.0 * r, "—" if r == 2 else 0.1, None, "text" if r != 3 else 1, 5])
        w.put(6, 4, Formula("=SUM(B2:B5)", 140.0))
        w.header(8, 1, ["name", "capex"])  # a second table: its column B holds texts
        w.row(9, 1, ["Q1", "not a number"])
        w.finish(None)
        aligned = {c: w.ws.cell(row=1, column=c).alignment for c in range(1, 7)}
        assert [aligned[c].horizontal for c in range(1, 7)] == \
            [None, "right", "right", "right", None, "right"], streamed
        assert aligned[6].vertical == "top" and aligned[2].vertical == "center"
        assert w.ws.cell(row=8, column=2).alignment.horizontal is None
