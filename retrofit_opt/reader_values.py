"""The values pass of the reader through python-calamine (a Rust reader), when it is safe.

openpyxl's read-only mode parses each cell into Python objects: about 140 µs a project
row, 7 s for a 50,000-project sheet.  calamine reads the same cached values in a tenth of
that.  Its values are mapped to what openpyxl's ``iter_rows(values_only=True)`` gives, so
that validation sees exactly the same values and words every message the same way:

* a blank cell is ``None`` (calamine: ``""``);
* a whole number is an ``int`` (calamine: a ``float``; openpyxl: an ``int`` when the stored
  text has no decimal point or exponent, as Excel writes whole numbers); a whole number of
  2⁵³ or more, whose stored text calamine does not tell, and a NaN or infinity (which no
  spreadsheet writes; openpyxl cannot read the sheet) send the sheet to openpyxl;
* text, other floats and booleans as calamine reads them; a sheet holding a value of any
  other type (a date or time, an error) is read by openpyxl instead, whose types and
  texts the messages about such cells are written for.

calamine builds a dense grid from the first to the last used cell, so a sheet with two
cells a million rows and 16,000 columns apart would need hundreds of GB (the process
aborts; it cannot be caught), and it reads an Excel error value (``#N/A``) as a blank cell.
:func:`sheet_rows` therefore first scans the sheet's XML (regular expressions over the
bytes, no parsing) and uses calamine only when the grid is small and dense enough and no
cell holds an error; otherwise, and when calamine is not
installed or fails in any way, it returns ``None`` and the reader streams the sheet with
openpyxl as before (which also reports damaged sheets).
"""
from __future__ import annotations

import itertools
import math
import re

import numpy as np

MAX_GRID_CELLS = 20_000_000  # cells of calamine's dense grid (about 0.6 GB at most)
DENSITY = 5  # … and at most this many times the sheet's cell elements (plus a margin)
GRID_MARGIN = 1_000_000
_CELL_REF = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?c\s+r=\"([A-Z]{1,3})([0-9]{1,7})\"")
_CELL_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?c[\s/>]")
_ERROR_CELL = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?c\s[^>]*\bt=\"e\"")  # calamine reads an error as blank
_WHOLE = float(2 ** 53)


def open_book(path):
    """The calamine workbook of ``path``, or ``None`` (not installed, or it cannot read it)."""
    try:
        from python_calamine import CalamineWorkbook
    except ImportError:  # pragma: no cover - a declared dependency
        return None
    try:
        with open(path, "rb") as f:
            return CalamineWorkbook.from_filelike(f)
    except Exception:  # calamine raises its own types for files openpyxl may still read
        return None


def _column_number(letters: bytes) -> int:
    number = 0
    for ch in letters:
        number = number * 26 + ch - 64
    return number


def grid_is_safe(xml: bytes) -> bool:
    """Does the sheet XML address every cell (``r="B7"``) within a grid small and dense
    enough for calamine, with no Excel error value (``t="e"``) among them?

    The same answer as :func:`grid_is_safe_by_regex`; for the usual sheet (every cell tag
    written ``<c r="B7"`` with no namespace prefix) the references are decoded with numpy
    over the bytes instead of a regular expression per cell."""
    if b't="e"' in xml and _ERROR_CELL.search(xml):  # the search only where it can match
        return False  # openpyxl reads "#N/A"; calamine a blank, which would pass as "missing"
    bounds = _plain_reference_bounds(xml)
    if bounds is None:
        return grid_is_safe_by_regex(xml)
    count, min_row, max_row, min_col, max_col = bounds
    if not count:
        return True
    grid = (max_row - min_row + 1) * (max_col - min_col + 1)
    return grid <= MAX_GRID_CELLS and grid <= DENSITY * count + GRID_MARGIN


_TAG_ENDS = np.frombuffer(b" \t\n\r\f\v/>", dtype=np.uint8)  # what may follow "<c" in a cell tag
_REF_START = np.frombuffer(b' r="', dtype=np.uint8)


def _plain_reference_bounds(xml: bytes):
    """(cells, first row, last row, first column, last column) when every cell tag of the
    sheet is ``<c r="…"`` with a reference of 1–3 capitals and 1–7 digits (what
    ``_CELL_REF`` would find at each tag ``_CELL_TAG`` finds), else ``None``."""
    if b":c" in xml:
        return None  # maybe a namespace prefix (<x:c …>): left to the regular expressions
    buf = np.frombuffer(xml, dtype=np.uint8)
    padded = np.concatenate([buf, np.zeros(16, dtype=np.uint8)])
    opens = np.flatnonzero((buf[:-1] == 60) & (buf[1:] == 99))  # "<c"
    tags = opens[np.isin(padded[opens + 2], _TAG_ENDS)]
    if not len(tags):
        return 0, 0, 0, 0, 0
    window = np.lib.stride_tricks.sliding_window_view(padded, 15)[tags + 2]  # 15 bytes after each "<c"
    if not (window[:, :4] == _REF_START).all():
        return None
    ref = window[:, 4:]  # 11 bytes: up to 3 capitals, 7 digits and the closing quote
    capital = (ref >= 65) & (ref <= 90)
    digit = (ref >= 48) & (ref <= 57)
    letters = np.argmin(np.hstack([capital, np.zeros((len(ref), 1), dtype=bool)]), axis=1)
    if letters.min() < 1 or letters.max() > 3:
        return None
    rows = np.zeros(len(ref), dtype=np.int64)
    cols = np.zeros(len(ref), dtype=np.int64)
    digits = np.zeros(len(ref), dtype=np.int64)
    for k in (1, 2, 3):
        at = letters == k
        if not at.any():
            continue
        run = np.argmin(np.hstack([digit[at, k:k + 8], np.zeros((int(at.sum()), 1), dtype=bool)]), axis=1)
        digits[at] = run
        for j in range(k):
            cols[at] = cols[at] * 26 + ref[at, j].astype(np.int64) - 64
    if digits.min() < 1 or digits.max() > 7:
        return None
    ends = ref[np.arange(len(ref)), letters + digits]
    if not (ends == 34).all():  # the closing quote
        return None
    for j in range(7):
        value = ref[np.arange(len(ref)), np.minimum(letters + j, 10)].astype(np.int64) - 48
        rows = np.where(j < digits, rows * 10 + value, rows)
    return len(tags), int(rows.min()), int(rows.max()), int(cols.min()), int(cols.max())


def grid_is_safe_by_regex(xml: bytes) -> bool:
    """:func:`grid_is_safe` by regular expressions over every cell (the reference)."""
    if _ERROR_CELL.search(xml):
        return False
    refs = _CELL_REF.findall(xml)
    if len(refs) != len(_CELL_TAG.findall(xml)):
        return False  # a cell without a reference (allowed, rare): openpyxl places it
    if not refs:
        return True
    rows = [int(r) for _, r in refs]
    cols = [_column_number(c) for c in set(c for c, _ in refs)]
    height = max(rows) - min(rows) + 1
    width = max(cols) - min(cols) + 1
    grid = height * width
    return grid <= MAX_GRID_CELLS and grid <= DENSITY * len(refs) + GRID_MARGIN


def sheet_rows(book, title: str, xml: bytes, max_columns: int) -> list[tuple] | None:
    """The rows of sheet ``title`` from row 1 and column A, as openpyxl's values pass gives
    them (see the module docstring), at most ``max_columns`` wide; ``None`` when calamine
    should not or could not read it."""
    if book is None or not grid_is_safe(xml):
        return None
    try:
        data = book.get_sheet_by_name(title).to_python(skip_empty_area=False)
    except Exception:
        return None
    if len(set(map(len, data))) == 1 and data[0]:
        return _mapped_by_column(data, max_columns)
    return _mapped_by_cell(data, max_columns)


def _mapped_by_cell(data: list[list], max_columns: int) -> list[tuple] | None:
    """:func:`sheet_rows`'s mapping of calamine's values to openpyxl's, cell by cell."""
    out = []
    for row in data:
        values = []
        for v in row[:max_columns]:
            kind = type(v)
            if kind is str:
                if not v:
                    v = None
            elif kind is float:
                if not math.isfinite(v):
                    return None  # stored as "nan"/"inf": openpyxl's pass reports the sheet as damaged
                if v.is_integer():
                    if not -_WHOLE < v < _WHOLE:
                        return None  # openpyxl's type follows the stored text ("1E+20" or "100…0")
                    v = int(v)
            elif kind is not bool and kind is not int:
                return None
            values.append(v)
        out.append(tuple(values))
    return out


_PLAIN = frozenset({str, float, int, bool})


def _mapped_by_column(data: list[list], max_columns: int) -> list[tuple] | None:
    """The same mapping as :func:`_mapped_by_cell` for a rectangular grid, a column at a
    time: the types of a column are checked at once, and a column of text (or of floats)
    is mapped by one comprehension."""
    columns = []
    for column in itertools.islice(zip(*data), max_columns):
        kinds = set(map(type, column))
        if not kinds <= _PLAIN:
            return None  # a date, time or error: openpyxl's types and texts
        if float in kinds:
            floats = [v for v in column if type(v) is float] if len(kinds) > 1 else column
            if not all(map(math.isfinite, floats)) or max(floats) >= _WHOLE or min(floats) <= -_WHOLE:
                return None  # NaN/infinity, or a whole number whose stored text calamine does not tell
        if kinds == {str}:
            columns.append([v or None for v in column])
        elif kinds == {float}:
            columns.append([int(v) if v.is_integer() else v for v in column])
        else:
            columns.append([None if type(v) is str and not v else int(v) if type(v) is float and v.is_integer()
                            else v for v in column])
    return list(zip(*columns))
