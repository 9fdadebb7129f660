"""A whole table at once (``SheetWriter.rows``, report/writer.py): in a streamed writer the
table is sorted out a column at a time and most rows are kept as records without a look at
each cell.  It must write exactly what ``row()`` called row by row writes, and that is what
openpyxl's own assignments store (the oracle of test_report_writer_rows.py): the saved
package byte for byte, the column widths, the used range and the last row, for tables of
every kind of column — numbers, plain texts (Chinese too), blanks, and columns that mix
them with texts to clean or quote, NaN, text past Excel's limit — with cells that exist
before the table, fills, fonts and wrapping."""
from __future__ import annotations

import random

import pytest
from openpyxl import Workbook

from retrofit_opt.report.streamed import max_column, streamed_rows
from retrofit_opt.report.writer import MONEY, TOTAL_FONT, SheetWriter
from test_report_streamed import fast_saved_parts
from test_report_writer_rows import FORMATS, TEXTS, openpyxl_writes, row_both_ways, saved_parts

PLAIN_TEXTS = ["P-0001", "余热回收改造", "节能量（吨标准煤/年）", "a b", "宽" * 30, "mixed 中文 text", "x" * 70]


def column_values(rng: random.Random, kind: str, n: int) -> list:
    """``n`` values of one column of a kind."""
    number = lambda: rng.choice([0, 1, -1, 7, 2025, 10 ** 12, -0.004, 0.995, 9.995, 99.995, 0.1 + 0.2, 1.5e300,  # noqa: E731
                                 rng.uniform(-1e6, 1e6), rng.uniform(-1, 1), rng.lognormvariate(5, 3)])
    text = lambda: rng.choice(PLAIN_TEXTS) if rng.random() < 0.3 else f"项目 {rng.randrange(10 ** rng.randrange(1, 8))}"  # noqa: E731
    if kind == "numbers":
        return [number() for _ in range(n)]
    if kind == "texts":
        return [text() for _ in range(n)]
    if kind == "ascii":
        return [f"P-{rng.randrange(10 ** rng.randrange(1, 9))}" for _ in range(n)]
    if kind == "blanks":
        return [rng.choice([None, ""]) for _ in range(n)]
    if kind == "numbers or blank":
        return [number() if rng.random() < 0.8 else None for _ in range(n)]
    if kind == "numbers or text":
        return [number() if rng.random() < 0.8 else rng.choice(["never", "n/a", "不适用"]) for _ in range(n)]
    # anything: the writer's hard cases (texts to clean, quote or cut) among plain ones
    return [rng.choice(TEXTS + [None, "", 3.5, -2, "plain"]) if rng.random() < 0.2
            else text() for _ in range(n)]


KINDS = ["numbers", "texts", "ascii", "blanks", "numbers or blank", "numbers or text", "anything"]


def random_table(rng: random.Random) -> tuple:
    width = rng.randrange(1, 10)
    kinds = [rng.choice(KINDS) for _ in range(width)]
    n = rng.choice([1, 2, 5, 40, 150])
    columns = [column_values(rng, kind, n) for kind in kinds]
    formats = [rng.choice(FORMATS) for _ in range(width)]
    return [list(values) for values in zip(*columns)], formats


class CountingWriter(SheetWriter):
    """A streamed writer that counts the rows its tables hand to ``row()``."""

    def __init__(self, ws):
        super().__init__(ws, {}, streamed=True)
        self.by_row = 0

    def row(self, *args, **kwargs):
        self.by_row += 1
        return super().row(*args, **kwargs)


@pytest.mark.parametrize("seed", range(6))
def test_a_table_writes_what_its_rows_written_one_by_one_write(seed):
    rng = random.Random(seed)
    ours, by_rows, theirs = Workbook(), Workbook(), Workbook()
    w = CountingWriter(ours.active)
    one_by_one = SheetWriter(by_rows.active, {}, streamed=True)
    widths: dict[int, int] = {}
    row, written = 1, 0
    for _ in range(8):
        rows, formats = random_table(rng)
        first = rng.choice([1, 1, 2])
        font = rng.choice([None, None, TOTAL_FONT])
        wrap, blanks, measure = rng.random() < 0.15, rng.random() < 0.5, rng.random() < 0.9
        for _ in range(rng.choice([0, 0, 2])):  # a cell that exists before the table, where it writes
            at = (row + rng.randrange(len(rows)), first + rng.randrange(len(rows[0])))
            w.put(*at, "existing", MONEY)
            one_by_one.put(*at, "existing", MONEY)
            openpyxl_writes(theirs.active, *at, "existing", MONEY, None, False, False)
            widths[at[1]] = max(widths.get(at[1], -1), len("existing"))  # put measures it
        w.rows(row, first, rows, formats, font=font, wrap=wrap, blanks=blanks, measure=measure)
        written += len(rows)
        for offset, values in enumerate(rows):
            row_both_ways(one_by_one, theirs.active, widths, row + offset, first, values, formats, font, wrap, blanks,
                          measure)
        row += len(rows) + rng.choice([0, 1])
    assert w.by_row < written / 2  # most rows were kept as records without row()
    assert w.widths == one_by_one.widths == widths
    assert w._number_bounds == one_by_one._number_bounds
    assert ours.active._current_row == by_rows.active._current_row == theirs.active._current_row
    assert max_column(ours.active) == max_column(by_rows.active) == theirs.active.max_column
    mine = fast_saved_parts(ours)
    assert mine == fast_saved_parts(by_rows)
    oracle = saved_parts(theirs)
    assert sorted(mine) == sorted(oracle)
    assert [name for name in oracle if mine[name] != oracle[name]] == []


def test_a_filled_table_and_a_table_of_uneven_rows():
    """``fill`` styles every cell as ``row(fill=…)`` does; rows of different lengths are
    written row by row."""
    from openpyxl.styles import PatternFill
    fill = PatternFill("solid", fgColor="E2EFDA")
    ours, theirs = Workbook(), Workbook()
    w, v = SheetWriter(ours.active, {}, streamed=True), SheetWriter(theirs.active, {}, streamed=True)
    table = [[1.5, "是"], [2.5, "否"], [None, "是"]]
    w.rows(1, 4, table, [MONEY, None], fill=fill)
    uneven = [["a", 1.0], ["b"], ["c", 2.0, 3.0]]
    w.rows(5, 1, uneven, [None, MONEY, MONEY])
    for k, values in enumerate(table):
        v.row(1 + k, 4, values, [MONEY, None], fill=fill)
    for k, values in enumerate(uneven):
        v.row(5 + k, 1, values, [None, MONEY, MONEY])
    assert w.widths == v.widths
    assert fast_saved_parts(ours) == fast_saved_parts(theirs)


def test_a_table_in_a_writer_that_makes_cells():
    """Without streaming, ``rows`` is ``row`` row by row: real cells, saved by openpyxl."""
    ours, theirs = Workbook(), Workbook()
    w, v = SheetWriter(ours.active, {}), SheetWriter(theirs.active, {})
    table = [["P-1", 1.5, None], ["P-2", 2.5, "x"]]
    w.rows(2, 1, table, [None, MONEY, None], blanks=True)
    for k, values in enumerate(table):
        v.row(2 + k, 1, values, [None, MONEY, None], blanks=True)
    assert streamed_rows(ours.active) is None and len(ours.active._cells) == len(theirs.active._cells)
    assert saved_parts(ours) == saved_parts(theirs)


def test_nan_in_a_table_is_refused_as_in_a_row():
    w = SheetWriter(Workbook().active, {}, streamed=True)
    with pytest.raises(ValueError, match="nan"):
        w.rows(1, 1, [[1.0], [float("nan")]], [MONEY])
    with pytest.raises(ValueError, match="inf"):
        w.rows(1, 1, [[1.0, "a"], [2.0, "b"], [float("inf"), "c"]], [MONEY, None])
