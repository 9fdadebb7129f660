"""Table rows kept as their values and styles, not as openpyxl cells, until the workbook is
saved (issue 19: the two million cells of a 50,000-project results workbook).

An openpyxl ``Cell`` with its own style array costs about 300 bytes and a microsecond to
make; the rows of the Portfolio, Not selected and MACC tables are only ever written, never
read back or restyled, so :class:`~retrofit_opt.report.writer.SheetWriter` (made with
``streamed=True``) keeps each such row as one :class:`Record` — its values and one shared
tuple of styles — on the worksheet's :class:`StreamedRows`.  :mod:`retrofit_opt.report.save`
writes them as the XML openpyxl writes for the same cells, byte for byte
(``tests/test_report_streamed.py`` compares the whole package with the cells' one).

A record never holds what needs openpyxl: the first cell of each style (openpyxl resolves
the style on it, in the order a cell-by-cell workbook resolves it), text with characters to
remove, formulas, and a position where a cell exists already are real cells, written in
their place among the record's values.
"""
from __future__ import annotations

from typing import NamedTuple

from openpyxl.styles.cell_style import StyleArray

EMPTY = object()  # a cell that exists without a value (counted in the sheet's used range; written only when styled)


class Record(NamedTuple):
    """Cells ``first``, ``first + 1``, … of one row: ``values[i]`` is the stored value (text
    already cut to Excel's 32,767 characters, or a finite number), ``None`` for no cell here
    (a blank, or a real cell), :data:`EMPTY` for an empty cell; ``styles[i]`` its style
    (``None`` for no cell and for an empty cell without style, which openpyxl does not
    write; an empty cell with a style is written, as openpyxl writes it)."""

    first: int
    values: tuple
    styles: tuple


class StreamedRows:
    """The streamed rows of one worksheet and the range they use."""

    def __init__(self):
        self.rows: dict[int, list[Record]] = {}
        self.min_row = self.max_row = self.min_col = self.max_col = None
        self.styles: dict[int, StyleArray] = {}  # id → every style array a record uses
        self._style_tuples: dict[tuple, tuple] = {}  # each distinct tuple of styles, shared
        self.plain = StyleArray()  # the style of a valued cell made without one

    def add(self, row: int, first: int, values: list, styles: list, used: tuple[int, int] | None = None) -> bool:
        """A record of ``values`` from column ``first``; ``None`` entries are no cell.
        ``used``: the offsets of the first and last entry that is a cell, when the caller
        knows them.  False when there is no cell to keep."""
        if used is None:
            offsets = [k for k, value in enumerate(values) if value is not None]
            used = (offsets[0], offsets[-1]) if offsets else None
        if used is None:
            return False
        self.keep(row, first, tuple(values), self.shared(styles), used)
        return True

    def keep(self, row: int, first: int, values: tuple, shared: tuple, used: tuple[int, int]) -> None:
        """:meth:`add` of a record whose values are a tuple, its styles the :meth:`shared`
        tuple and ``used`` known.  A record that goes on where the row's last one ends joins
        it: the row is one record (a table row written in parts, e.g. Not selected's, is
        then saved as one)."""
        records = self.rows.get(row)
        if records is None:
            self.rows[row] = [Record(first, values, shared)]
        else:
            last = records[-1]
            if last.first + len(last.values) == first:  # it goes on where the row's last record ends: one record
                records[-1] = Record(last.first, last.values + values, self.shared(last.styles + shared))
            else:
                records.append(Record(first, values, shared))
        low, high = first + used[0], first + used[1]
        if self.min_row is None:
            self.min_row = self.max_row = row
            self.min_col, self.max_col = low, high
        else:
            if row < self.min_row:
                self.min_row = row
            elif row > self.max_row:
                self.max_row = row
            if low < self.min_col:
                self.min_col = low
            if high > self.max_col:
                self.max_col = high

    def keep_rows(self, first: int, kept: list[tuple[int, tuple, tuple, tuple[int, int]]]) -> None:
        """:meth:`keep` of records ``(row, values, shared, used)`` from column ``first``, rows
        ascending (a table's): a row without a record gets its own list, the used range
        grows once."""
        if not kept:
            return
        rows = self.rows
        for row, values, shared, used in kept:
            if row in rows:
                self.keep(row, first, values, shared, used)
            else:
                rows[row] = [Record(first, values, shared)]
        low = first + min(used[0] for _, _, _, used in kept)
        high = first + max(used[1] for _, _, _, used in kept)
        top, bottom = kept[0][0], kept[-1][0]
        if self.min_row is None:
            self.min_row, self.max_row, self.min_col, self.max_col = top, bottom, low, high
        else:
            self.min_row, self.max_row = min(self.min_row, top), max(self.max_row, bottom)
            self.min_col, self.max_col = min(self.min_col, low), max(self.max_col, high)

    def shared(self, styles) -> tuple:
        """The one tuple of these styles every record with the same styles holds."""
        key = tuple(map(id, styles))
        shared = self._style_tuples.get(key)
        if shared is None:
            shared = self._style_tuples[key] = tuple(styles)
            for style in shared:
                if style is not None:
                    self.styles[id(style)] = style
        return shared


def streamed_rows(ws) -> StreamedRows | None:
    """The streamed rows of ``ws``, ``None`` when it has none."""
    return getattr(ws, "retrofit_streamed_rows", None)


def attach(ws) -> StreamedRows:
    """The worksheet's streamed rows, made on first use."""
    rows = streamed_rows(ws)
    if rows is None:
        rows = StreamedRows()
        ws.retrofit_streamed_rows = rows
    return rows


def max_column(ws) -> int:
    """``ws.max_column`` counting the streamed cells too."""
    rows = streamed_rows(ws)
    if rows is None or rows.max_col is None:
        return ws.max_column
    return max(rows.max_col, ws.max_column if ws._cells else 1)
