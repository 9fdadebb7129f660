"""Streamed table rows (report/streamed.py): a ``SheetWriter(..., streamed=True)`` keeps its
table rows as values until the save, and the fast save writes the same bytes openpyxl's own
save writes for the same cells made one by one (the oracle of test_report_writer_rows.py);
mixed rows (a real cell among streamed ones, a formula, a cell that existed first), empty
cells, the print setup's width and font, and the guards: a streamed cell overwritten is an
error at save, never a silently wrong sheet, and no module saves a workbook past the fast
save (openpyxl's own save cannot see streamed rows)."""
from __future__ import annotations

import io
import random
import re
import zipfile
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook

from retrofit_opt.report.print_setup import prepare_for_print
from retrofit_opt.report.save import save_workbook
from retrofit_opt.report.streamed import max_column, streamed_rows
from retrofit_opt.report.writer import MONEY, Formula, SheetWriter, display_width
from test_report_writer_rows import openpyxl_writes, random_row, row_both_ways, saved_parts, shown

ROOT = Path(__file__).resolve().parent.parent


def fast_saved_parts(workbook) -> dict[str, bytes]:
    buffer = io.BytesIO()
    save_workbook(workbook, buffer)
    with zipfile.ZipFile(buffer) as archive:
        return {name: archive.read(name) for name in archive.namelist() if name != "docProps/core.xml"}


@pytest.mark.parametrize("finished", [False, True])
@pytest.mark.parametrize("seed", range(4))
def test_streamed_rows_save_as_the_same_cells_made_one_by_one(seed, finished):
    rng = random.Random(seed)
    ours, theirs = Workbook(), Workbook()
    w = SheetWriter(ours.active, {}, streamed=True)
    widths: dict[int, int] = {}
    for row in range(1, 301):
        first, values, formats, font, wrap, blanks, measure = random_row(rng)
        if rng.random() < 0.1:  # a real cell first, where the row then writes (it goes through put)
            col = first + rng.randrange(len(values))
            w.put(row, col, "existing", MONEY)
            openpyxl_writes(theirs.active, row, col, "existing", MONEY, None, False, False)
        row_both_ways(w, theirs.active, widths, row, first, values, formats, font, wrap, blanks, measure)
        if rng.random() < 0.05:  # a formula after the row, in the same row (past its cells)
            w.put(row, 18, Formula("=1+1", 2.0), MONEY)
            cell = theirs.active.cell(row=row, column=18)
            cell.value = "=1+1"
            cell.number_format = MONEY
            widths[18] = max(widths.get(18, -1), display_width(shown(2.0, MONEY)))
        if rng.random() < 0.05:  # a second row() call into the same row, further right
            w.row(row, 15, ["right", 1.25], [None, MONEY])
            openpyxl_writes(theirs.active, row, 15, "right", None, None, False, False)
            openpyxl_writes(theirs.active, row, 16, 1.25, MONEY, None, False, False)
            widths[15] = max(widths.get(15, -1), len("right"))
            widths[16] = max(widths.get(16, -1), len(shown(1.25, MONEY)))
    rows = streamed_rows(ours.active)
    assert rows is not None and len(rows.rows) > 250  # the rows were streamed, not made as cells
    assert len(ours.active._cells) < len(theirs.active._cells) / 4
    assert w.widths == widths
    assert max_column(ours.active) == theirs.active.max_column
    assert ours.active._current_row == theirs.active._current_row
    if finished:  # one font for every cell, A4 print setup (the finishing of every results workbook)
        for workbook in (ours, theirs):
            prepare_for_print(workbook, "case", "en")
    mine, oracle = fast_saved_parts(ours), saved_parts(theirs)
    assert sorted(mine) == sorted(oracle)
    assert [name for name in oracle if mine[name] != oracle[name]] == []


@pytest.mark.parametrize("seed", range(3))
def test_rows_of_one_shape_save_as_the_same_cells_whatever_their_texts(seed):
    """Table rows of one shape (the same formats and kinds of value, as a sheet's rows are)
    are written through one pattern per shape; a row whose text needs escaping or
    ``xml:space`` (XML specials, spaces at either end, all spaces) must still be written
    as openpyxl writes it, and so must the plain rows before and after it."""
    rng = random.Random(seed)
    texts = ["P-0001", "余热回收改造", "  leading", "trailing  ", "   ", "a & b", "x < y", "]]>", "\u00a0nbsp",
             "nbsp\u00a0", "{0} {1:.16g} {", "plain text", "项目 7"]
    ours, theirs = Workbook(), Workbook()
    w = SheetWriter(ours.active, {}, streamed=True)
    widths: dict[int, int] = {}
    formats = [None, MONEY, None, "0.0", None]
    for row in range(1, 401):
        values = [rng.choice(texts), rng.choice([1.5, -2, 10 ** 17, 0.1 + 0.2]), rng.choice(texts),
                  rng.uniform(-1e6, 1e6), rng.choice(texts)]
        row_both_ways(w, theirs.active, widths, row, 1, values, formats, None, False, True, True)
    assert len(streamed_rows(ours.active).rows) > 390
    assert w.widths == widths
    mine, oracle = fast_saved_parts(ours), saved_parts(theirs)
    assert [name for name in oracle if mine[name] != oracle[name]] == []


def test_table_rows_written_in_batches_keep_their_order_among_every_other_kind_of_row():
    """The save writes table rows several hundred at a time (``save._BATCH_ROWS``); a row
    it writes cell by cell (a text to escape, a real cell among streamed ones), a row with
    a height and a row of real cells only must still land in their places, before and
    after a batch boundary, as openpyxl writes them."""
    from retrofit_opt.report.save import _BATCH_ROWS

    rng = random.Random(7)
    ours, theirs = Workbook(), Workbook()
    w = SheetWriter(ours.active, {}, streamed=True)
    widths: dict[int, int] = {}
    formats = [None, MONEY, "0.0"]
    rows = 3 * _BATCH_ROWS + 17
    careful = set(rng.sample(range(1, rows + 1), 40))
    with_cell = set(rng.sample(range(1, rows + 1), 20))
    high = set(rng.sample(range(1, rows + 1), 30)) | {_BATCH_ROWS, _BATCH_ROWS + 1}
    for row in range(1, rows + 1):
        values = ["a & b" if row in careful else f"P-{row:05d}", rng.uniform(-1e5, 1e5), float(row)]
        row_both_ways(w, theirs.active, widths, row, 1, values, formats, None, False, False, True)
        if row in with_cell:
            w.put(row, 5, "real", MONEY)
            openpyxl_writes(theirs.active, row, 5, "real", MONEY, None, False, False)
            widths[5] = max(widths.get(5, -1), len("real"))
        if row in high:
            for ws in (ours.active, theirs.active):
                ws.row_dimensions[row].height = 21
    for ws in (ours.active, theirs.active):  # rows of real cells only, below the table
        ws.cell(row=rows + 2, column=1, value="under the table")
    assert len(streamed_rows(ours.active).rows) > rows - 5
    assert w.widths == widths
    mine, oracle = fast_saved_parts(ours), saved_parts(theirs)
    assert [name for name in oracle if mine[name] != oracle[name]] == []


def test_a_streamed_cell_overwritten_is_an_error_at_save_not_a_wrong_sheet():
    wb = Workbook()
    w = SheetWriter(wb.active, {}, streamed=True)
    w.row(1, 1, ["first style", 1.0], [None, MONEY])  # real cells: the first of each style
    w.row(2, 1, ["streamed", 2.0], [None, MONEY])
    w.put(2, 2, 3.0, MONEY)  # over a streamed cell
    with pytest.raises(RuntimeError, match="two cells at B2"):
        save_workbook(wb, io.BytesIO())


def test_an_overwrite_by_a_second_row_is_an_error_too():
    wb = Workbook()
    w = SheetWriter(wb.active, {}, streamed=True)
    w.row(1, 1, ["a", 1.0], [None, MONEY])
    w.row(2, 1, ["b", 2.0], [None, MONEY])
    w.row(2, 2, [4.0], [MONEY])
    with pytest.raises(RuntimeError, match="two cells at B2"):
        save_workbook(wb, io.BytesIO())


def test_streamed_cells_read_back_from_the_saved_file():
    wb = Workbook()
    w = SheetWriter(wb.active, {}, streamed=True)
    for row in range(1, 6):
        w.row(row, 1, [f"P-{row}", row * 1.5, "=not a formula", None, ""], [None, MONEY, None, None, None],
              blanks=True)
    buffer = io.BytesIO()
    save_workbook(wb, buffer)
    ws = load_workbook(buffer).active
    assert [[c.value for c in r] for r in ws.iter_rows(min_row=1, max_row=5, max_col=3)] == [
        [f"P-{row}", row * 1.5, "=not a formula"] for row in range(1, 6)]
    assert ws["C3"].data_type == "s" and ws["C3"].quotePrefix and ws["B4"].number_format == MONEY
    # the empty cells count for the used range, as openpyxl's own (they are not written)
    assert max_column(wb.active) == 5 and ws.max_column == 3
    with zipfile.ZipFile(buffer) as archive:
        assert '<dimension ref="A1:E5"' in archive.read("xl/worksheets/sheet1.xml").decode()


SAVES = re.compile(r"(?<!report)\.save\b(?!_)")  # wb.save, report.workbook.save(…); not the module


def test_no_module_saves_a_results_workbook_past_the_fast_save():
    """openpyxl's own ``Workbook.save`` cannot see streamed rows: every results workbook is
    saved through report/save.py (``save_workbook`` / ``saver``).  The template workbook
    (template.py) has no streamed sheet."""
    offenders = []
    for path in sorted((ROOT / "retrofit_opt").rglob("*.py")):
        if path.name in ("save.py", "template.py"):
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            code = line.split("#", 1)[0]
            if SAVES.search(code) and "save_workbook" not in code:
                offenders.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    assert offenders == []
