"""SheetWriter's table rows (report/writer.py) store what openpyxl's own cell assignments
store, and measure the widths that measuring every value gives.

``row()`` and ``put()`` make most cells without openpyxl's per-cell machinery (a style
resolved once per sheet and copied, widths measured only when they can grow); the oracle
here writes the same values the plain openpyxl way — ``cell.value = …``, ``data_type =
"s"`` for text, ``quotePrefix`` for a text that starts like a formula, ``number_format``,
``font``, ``alignment`` assigned cell by cell — and both workbooks, saved by openpyxl's own
``workbook.save``, must be byte-identical.  Then: restyling one cell after the fact
(a header's fill) leaves every other cell of its style alone; NaN, infinities and bools are
refused in a row as in ``put``."""
from __future__ import annotations

import io
import math
import random
import zipfile

import pytest
from openpyxl import Workbook, load_workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from retrofit_opt.report.writer import (GAP, INTEGER, MONEY, PERCENT, RATIO, RISKY_START, SIGNED_PERCENT_NUMBER,
                                        TOTAL_FONT, WRAP, YEAR, Formula, SheetWriter, display_width)

FORMATS = [None, MONEY, PERCENT, GAP, SIGNED_PERCENT_NUMBER, YEAR, INTEGER, RATIO, "0.0", "#,##0.0"]
TEXTS = ["P-0001", "余热回收改造", "节能量（吨标准煤/年）", "  leading", "trailing  ", "a & b < c > d", "=SUM(A1:A2)",
         "+1", "-2", "@x", "tab\there", "line\nbreak", "cr\rline", "crlf\r\nline", "bell\x07char", "\x07", "#N/A",
         "x" * 40000, "宽" * 30, "emoji 😀", "\u00a0nbsp", "]]>", "mixed 中文 text"]


def random_value(rng: random.Random):
    kind = rng.random()
    if kind < 0.35:
        return rng.choice(TEXTS) if rng.random() < 0.3 else f"项目 {rng.randrange(10 ** rng.randrange(1, 8))}"
    if kind < 0.55:
        return rng.choice([0, 1, -1, 7, 2025, 2 ** 53 + 1, 10 ** 20, -(10 ** 12), rng.randrange(-10 ** 6, 10 ** 6)])
    if kind < 0.9:
        return rng.choice([0.0, -0.0, 0.5, -0.004, 0.995, 9.995, 99.995, 1e-300, 1.5e300, -2.5, 0.1 + 0.2,
                           rng.uniform(-1e6, 1e6), rng.uniform(-1, 1), rng.lognormvariate(5, 3)])
    return rng.choice([None, ""])


def openpyxl_writes(ws, row: int, col: int, value, fmt, font, wrap: bool, blanks: bool) -> None:
    """The oracle: one value as plain openpyxl assignments would store it."""
    if value is None or value == "":
        if blanks:
            ws.cell(row=row, column=col)
        return
    cell = ws.cell(row=row, column=col)
    if isinstance(value, str):
        text = ILLEGAL_CHARACTERS_RE.sub("", value.replace("\r\n", "\n").replace("\r", "\n"))
        cell.value = text
        cell.data_type = "s"
        if text.startswith(RISKY_START):
            cell.quotePrefix = True
    else:
        cell.value = value
        if fmt:
            cell.number_format = fmt
    if font is not None:
        cell.font = font
    if wrap:
        cell.alignment = WRAP


def random_row(rng: random.Random) -> tuple:
    """A random table row: first column, values, formats, font, wrap, blanks, measure."""
    first = rng.choice([1, 1, 1, 3])
    values = [random_value(rng) for _ in range(rng.randrange(1, 12))]
    formats = [rng.choice(FORMATS) for _ in values]
    font = rng.choice([None, None, None, TOTAL_FONT])
    return first, values, formats, font, rng.random() < 0.15, rng.random() < 0.5, rng.random() < 0.9


def row_both_ways(w, oracle_ws, widths: dict, row: int, first: int, values, formats, font, wrap: bool,
                  blanks: bool, measure: bool) -> None:
    """One table row by ``w.row`` and by the oracle's assignments into ``oracle_ws``; the
    widths the oracle expects grow in ``widths``."""
    w.row(row, first, values, formats, font=font, wrap=wrap, blanks=blanks, measure=measure)
    for offset, (value, fmt) in enumerate(zip(values, formats)):
        openpyxl_writes(oracle_ws, row, first + offset, value, fmt, font, wrap, blanks)
        if measure and value is not None and value != "":
            text = shown(value, fmt)
            if isinstance(value, str):
                text = ILLEGAL_CHARACTERS_RE.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))
            widths[first + offset] = max(widths.get(first + offset, -1), display_width(text))


def shown(value, fmt) -> str:
    return value if isinstance(value, str) else SheetWriter._number_text(value, fmt)


def saved_parts(workbook) -> dict[str, bytes]:
    buffer = io.BytesIO()
    workbook.save(buffer)
    with zipfile.ZipFile(buffer) as archive:
        return {name: archive.read(name) for name in archive.namelist() if name != "docProps/core.xml"}


@pytest.mark.parametrize("seed", range(4))
def test_rows_store_what_openpyxl_assignments_store(seed):
    rng = random.Random(seed)
    ours, theirs = Workbook(), Workbook()
    w = SheetWriter(ours.active, {})
    widths: dict[int, int] = {}
    for step in range(1, 301):
        row = step
        first, values, formats, font, wrap, blanks, measure = random_row(rng)
        if step > 1 and rng.random() < 0.1:  # a row written over cells that exist already
            row = rng.randrange(1, step)
        row_both_ways(w, theirs.active, widths, row, first, values, formats, font, wrap, blanks, measure)
        if rng.random() < 0.05:
            w.put(row, 13, Formula("=1+1", 2.0), MONEY)
            cell = theirs.active.cell(row=row, column=13)
            cell.value = "=1+1"
            cell.number_format = MONEY
            widths[13] = max(widths.get(13, -1), display_width(shown(2.0, MONEY)))
    assert w.widths == widths
    assert ours.active._current_row == theirs.active._current_row
    mine, oracle = saved_parts(ours), saved_parts(theirs)
    assert sorted(mine) == sorted(oracle)
    assert [name for name in oracle if mine[name] != oracle[name]] == []


def test_a_text_that_looks_like_a_formula_stays_text_and_long_text_is_cut():
    wb = Workbook()
    w = SheetWriter(wb.active, {})
    w.row(1, 1, ["=SUM(A1:A2)", "x" * 40000, "bell\x07", 1.5], [None, None, None, MONEY])
    w.row(2, 1, ["=HYPERLINK(\"http://x\")", "-1"])  # the quoted style is resolved already
    buffer = io.BytesIO()
    wb.save(buffer)
    ws = load_workbook(buffer).active
    for ref, text in (("A1", "=SUM(A1:A2)"), ("A2", '=HYPERLINK("http://x")'), ("B2", "-1")):
        assert ws[ref].value == text and ws[ref].data_type == "s" and ws[ref].quotePrefix
    assert len(ws["B1"].value) == 32767 and ws["C1"].value == "bell" and not ws["C1"].quotePrefix
    assert ws["D1"].value == 1.5 and ws["D1"].number_format == MONEY


def test_each_cell_has_its_own_style():
    """A header fill or a wrapped detail set on one cell after the fact changes that cell
    only, not the others of the same style (a shared style array would restyle them all)."""
    wb = Workbook()
    ws = wb.active
    w = SheetWriter(ws, {})
    for row in range(1, 6):
        w.row(row, 1, ["text", 1.0, 2], [None, MONEY, MONEY])
    ws.cell(row=3, column=1).alignment = WRAP
    ws.cell(row=3, column=2).number_format = PERCENT
    assert [ws.cell(row=r, column=1).alignment.wrap_text for r in range(1, 6)] == [None, None, True, None, None]
    assert [ws.cell(row=r, column=2).number_format for r in range(1, 6)] == [MONEY, MONEY, PERCENT, MONEY, MONEY]
    assert len({id(ws.cell(row=r, column=c)._style) for r in range(1, 6) for c in (2, 3)}) == 10


@pytest.mark.parametrize("bad, error", [(math.nan, ValueError), (math.inf, ValueError), (-math.inf, ValueError),
                                        (True, TypeError), (object(), TypeError)])
def test_a_row_refuses_what_put_refuses(bad, error):
    w = SheetWriter(Workbook().active, {})
    w.row(1, 1, [1.0, 2.0], [MONEY, MONEY])  # the style is known: the row's own path is taken
    with pytest.raises(error):
        w.row(2, 1, [1.0, bad], [MONEY, MONEY])
    with pytest.raises(error):
        w.put(3, 2, bad, MONEY)


@pytest.mark.parametrize("fmt", [MONEY, PERCENT, SIGNED_PERCENT_NUMBER, YEAR])
@pytest.mark.parametrize("values", [[0.0, 5.0, -0.0], [0, 5, -0.0], [-1.0, 1.0, -0.0], [1.0, 9.0, 9.999],
                                    [-9.0, 9.0, -9.999], [0.5, 2.5, 1.5, 9.5], [1, 999, 1000.0, 999.999]])
def test_a_number_between_those_measured_is_measured_when_it_may_be_wider(values, fmt):
    """Widths skip a number strictly between the least and greatest measured in its column,
    never one as wide as a bound but shown wider (-0.0 shows its sign, rounding carries)."""
    w = SheetWriter(Workbook().active, {})
    for row, value in enumerate(values, start=1):
        w.row(row, 1, [value], [fmt])
    assert w.widths == {1: max(display_width(shown(v, fmt)) for v in values)}


def test_display_width_is_the_per_character_definition():
    """display_width looks each distinct character up once (issue 19: the per-character
    unicodedata lookup was a tenth of the write at 50,000 projects); the width is still,
    line by line, the characters plus one more for each East Asian wide or fullwidth one."""
    import unicodedata

    def plain(text: str) -> int:
        return max(sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in line)
                   for line in text.split("\n"))

    rng = random.Random(19)
    alphabet = [chr(c) for c in [*range(32, 127), *range(0x3000, 0x3040), *range(0x4E00, 0x4E60),
                                 *range(0xFF00, 0xFFEF), 0x1F600, 0x20000, 0xE000, 0x0301, 0x00E9, 0xAC00]] + ["\n"]
    texts = TEXTS + ["".join(rng.choice(alphabet) for _ in range(rng.randint(0, 50))) for _ in range(5000)]
    assert all(display_width(t) == plain(t) for t in texts)
    assert display_width("宽" * 30) == 60 and display_width("ab\n中文字") == 6 and display_width("") == 0
