"""Writing cells safely and legibly: text stays text, formulas are declared with the number
they must evaluate to, numbers carry their unit's format, widths follow the content.

Every string that reaches a cell goes through :meth:`SheetWriter.put` (or a table row,
:meth:`SheetWriter.row`, which writes it as ``put`` would) and is stored as a string cell,
even when it starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return — text from
the input never becomes a formula.  The only formulas in the workbook
are :class:`Formula` values, each carrying the tool's own number for it (``expected``), so
that a test can recalculate the workbook and compare.
"""
from __future__ import annotations

import math
import unicodedata
from array import array
from copy import copy
from dataclasses import dataclass
from itertools import repeat

from openpyxl import LXML
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.styles.cell_style import StyleArray
from openpyxl.utils import get_column_letter

from retrofit_opt.report.streamed import EMPTY, attach

# Number formats by canonical unit (PRODUCT.md §2); money in 万元 with thousands separators.
MONEY = "#,##0.00"
FORMATS = {
    "万元": MONEY, "万元/yr": MONEY,
    "tce/yr": "#,##0.0", "tce": "#,##0.0",
    "t/yr": "#,##0.0", "t": "#,##0.0",
    "MWh/yr": "#,##0.0", "GJ/yr": "#,##0.0",
    "m³/yr": "#,##0", "m³": "#,##0",
    "yr": "0.0",
}
def _with_chinese_units(formats: dict) -> dict:
    from retrofit_opt.report.labels import ZH_UNITS
    return {**formats, **{ZH_UNITS[unit]: fmt for unit, fmt in formats.items() if unit in ZH_UNITS}}


DEFAULT_NUMBER = "#,##0.00"
RATIO = "#,##0.000"  # 万元 per tce/yr, 万元 per t/yr, per-万元 contributions
PERCENT = "0.0%"
GAP = "0.00%"
SECONDS = "0.000"
YEAR = "0"
INTEGER = "0"
SIGNED_PERCENT_NUMBER = '+0.0" %";"−"0.0" %";0.0" %"'  # a number already in percent
RISKY_START = ("=", "+", "-", "@", "\t", "\r", "\n")

HEADER_FONT = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="DDE4EE")
SECTION_FONT = Font(bold=True, size=12)
TITLE_FONT = Font(bold=True, size=14)
NOTE_FONT = Font(italic=True, color="555555")
TOTAL_FONT = Font(bold=True)
WRAP = Alignment(wrap_text=True, vertical="top")
# Wrapped text set off from a column of numbers on its left (By enterprise's id lists).
WRAP_INDENTED = Alignment(wrap_text=True, vertical="top", horizontal="left", indent=1)
HEADER_ALIGNMENT = Alignment(wrap_text=True, vertical="center")
NUMBER_HEADER_ALIGNMENT = Alignment(wrap_text=True, vertical="center", horizontal="right")
PLACEHOLDERS = frozenset({"—", "-", "–", "n/a", "N/A"})  # a number's stand-in in a numeric column
HEADER_LOOKAHEAD = 20  # rows below a header looked at to tell a column of numbers
FITTED_LINES = 8  # the most lines a row grows to for a wrapped cell (SheetWriter.fit_height)
MIN_WIDTH, MAX_WIDTH, HEADER_WIDTH = 6, 60, 22
NOTE_MAX_SPAN = 12  # a note spans the table's columns, at most this many
NOTE_WIDTH = 120  # characters across one landscape A4 page at 100 %


def number_format(unit: str) -> str:
    """The number format of a unit, canonical (``tce/yr``) or as a Chinese report writes it."""
    global _ALL_FORMATS
    if _ALL_FORMATS is None:
        _ALL_FORMATS = _with_chinese_units(FORMATS)
    return _ALL_FORMATS.get(unit, DEFAULT_NUMBER)


_ALL_FORMATS = None


@dataclass(frozen=True, eq=False)
class _Look:
    """A font (or ``None``) and a fill given together to cells (:meth:`SheetWriter.put`'s
    ``fill``): passed where a font goes, so that a filled cell's style is resolved once per
    sheet like any other (its identity is part of the style's key)."""

    font: Font | None
    fill: PatternFill


@dataclass(frozen=True)
class Formula:
    """A live formula, e.g. ``=SUM(H2:H9)``, and the tool's own number it must equal."""

    text: str
    expected: float


def safe_text(value: str) -> str:
    """The text as a cell can hold it: XML-illegal control characters removed and line
    ends normalised (a bare CR would not survive the file format unchanged)."""
    value = value.replace("\r\n", "\n").replace("\r", "\n")
    return ILLEGAL_CHARACTERS_RE.sub("", value)


class _CharacterWidths(dict):
    """Character → the columns it takes (2 for East Asian wide and fullwidth characters,
    else 1), looked up in :mod:`unicodedata` once per distinct character."""

    def __missing__(self, ch: str) -> int:
        width = self[ch] = 2 if unicodedata.east_asian_width(ch) in "WF" else 1
        return width


_CHARACTER_WIDTHS = _CharacterWidths()


def display_width(text: str) -> int:
    """Columns a text needs: East Asian wide characters count twice."""
    if text.isascii():  # no wide character: the longest line's length
        return max(map(len, text.split("\n"))) if "\n" in text else len(text)
    width_of = _CHARACTER_WIDTHS.__getitem__
    return max(sum(map(width_of, line)) for line in text.split("\n"))


_UNSEEN = object()
_new_cell_object = Cell.__new__
_new_array = array.__new__  # StyleArray(template) without its Python-level __new__


def wrapped_lines(text: str, width: float) -> int:
    """Lines ``text`` takes when wrapped in a column (or merged span) ``width`` characters
    wide (:func:`display_width`: a CJK character counts two), each line break starting one."""
    return sum(max(1, math.ceil(display_width(part) / max(width * 0.95, 1.0))) for part in text.split("\n"))


def line_height(lines: int, size: float = 11) -> float:
    """Points for ``lines`` lines of ``size``-point text."""
    return lines * size * 1.45 + 4


def _plain_cell(ws, row: int, col: int, value, data_type: str, template: StyleArray | None) -> Cell:
    """``Cell(ws, row, col, value, style_array=template)`` without openpyxl's generic checks
    (a third of the time of a 50,000-project workbook's cells): ``value`` must already be
    what the cell stores (text cut to 32,767 characters, a finite number).  The cell gets
    its own copy of the style."""
    cell = _new_cell_object(Cell)
    cell.parent = ws
    cell._style = _new_array(StyleArray, "i", template) if template is not None else None
    cell.row = row
    cell.column = col
    cell._value = value
    cell.data_type = data_type
    cell._hyperlink = None
    cell._comment = None
    return cell


class SheetWriter:
    """Cells of one worksheet.  ``formulas`` collects (cell reference, expected number)."""

    def __init__(self, ws, registry: dict, *, streamed: bool = False):
        """``streamed``: table rows (:meth:`row`) are kept as values, not cells, until the
        workbook is saved (:mod:`retrofit_opt.report.streamed`) — for tables that are
        written and never read back or restyled in memory."""
        self.ws = ws
        self._streamed = attach(ws) if streamed and not LXML else None  # lxml: openpyxl's own save
        self.registry = registry  # (sheet title, "H12") → expected value, for every formula
        self.widths: dict[int, int] = {}
        self.header_widths: dict[int, int] = {}
        self.header_cells: list[tuple[int, int]] = []  # (row, column) of every header cell
        self.fitted_cells: list[tuple[int, int]] = []  # wrapped cells whose row grows to show them (fit_height)
        self.notes: list[tuple[int, int, str]] = []  # (row, first column, text): merged and wrapped at finish
        self.note_span = 0  # columns a note spans (0: the sheet's used width, at most NOTE_MAX_SPAN)
        self._styles: dict[tuple, StyleArray | None] = {}  # (format, id(font), wrap, quote prefix) → style
        self._fonts: list = []  # the fonts of the style keys, alive as long as the keys
        self._number_bounds: dict[tuple, tuple] = {}  # (column, format) → (least, greatest, widest) measured
        self._looks: dict[tuple, _Look] = {}  # (id(font), id(fill)) → the look of a filled cell

    # ------------------------------------------------------------------ cells
    def put(self, row: int, col: int, value, fmt: str | None = None, *, font=None, measure: bool = True,
            wrap: bool = False, fill=None):
        """One cell: ``value`` in ``fmt``, with ``font``, wrapped (``wrap``: True, or an
        ``Alignment`` that wraps), filled with ``fill``."""
        if fill is not None:
            font = self._look(font, fill)
        kind = type(value)
        if kind is str and value:
            return self._text(row, col, value, font, wrap, measure)
        if kind is float or kind is int:
            return self._number(row, col, value, fmt, font, wrap, measure)
        if value is None or value == "":
            return self.ws.cell(row=row, column=col)
        if isinstance(value, str):
            return self._text(row, col, value, font, wrap, measure)
        if isinstance(value, Formula):
            cell = self.ws.cell(row=row, column=col)
            cell.value = value.text
            if cell.data_type != "f":  # pragma: no cover - a Formula always starts with '='
                raise ValueError(f"not a formula: {value.text!r}")
            self.registry[(self.ws.title, cell.coordinate)] = value.expected
            if fmt:
                cell.number_format = fmt
            self._style_cell(cell, font, wrap)
            if measure:
                self._measure_text(col, self._number_text(value.expected, fmt))
            return cell
        if isinstance(value, bool):
            raise TypeError("write yes/no as a label, not a bool")
        if isinstance(value, (int, float)):
            return self._number(row, col, value, fmt, font, wrap, measure)
        raise TypeError(f"unexpected cell value {value!r}")

    def _text(self, row: int, col: int, value: str, font, wrap: bool, measure: bool):
        """A string cell: never a formula, whatever the first character."""
        text = value if value.isprintable() else safe_text(value)  # printable: no control character
        quote = text.startswith(RISKY_START)
        cell = self._new_cell(row, col, None, font, wrap, quote)
        if cell is None:
            cell = self.ws.cell(row=row, column=col)
            cell.value = text
            cell.data_type = "s"  # never a formula, whatever the first character
            if quote:
                cell.quotePrefix = True  # Excel's leading apostrophe: stays text when edited
            self._style_cell(cell, font, wrap)
        else:
            cell._value = text[:32767]  # as openpyxl's check_string
            cell.data_type = "s"
        if measure:
            self._measure_text(col, text)
        return cell

    def _number(self, row: int, col: int, value, fmt, font, wrap: bool, measure: bool):
        """A number cell in ``fmt``; NaN and infinities are refused."""
        if isinstance(value, float) and not math.isfinite(value):
            raise ValueError(f"cannot write {value} to {get_column_letter(col)}{row}")
        cell = self._new_cell(row, col, fmt, font, wrap, False)
        if cell is None:
            cell = self.ws.cell(row=row, column=col)
            cell.value = value
            if fmt:
                cell.number_format = fmt
            self._style_cell(cell, font, wrap)
        else:
            cell._value = value
        if measure:
            self._measure_number(col, value, fmt)
        return cell

    def _measure_text(self, col: int, text: str) -> None:
        """The column's width grows to the text's :func:`display_width`.  The width is
        only computed when it can exceed the current one: it is at most the text's length,
        twice that with wide characters."""
        widths = self.widths
        current = widths.get(col, -1)
        length = len(text)
        if length > current or (2 * length > current and not text.isascii()):
            width = display_width(text)
            if width > current:
                widths[col] = width

    def _measure_number(self, col: int, value, fmt) -> None:
        """The column's width grows to the number as shown (:meth:`_number_text`).

        The shown text's length never decreases with the magnitude (a minus sign adds a
        character), so a number strictly between the smallest and the largest numbers
        already measured in this column and format is no wider than the widest of them."""
        key = (col, fmt)
        bounds = self._number_bounds.get(key)
        current = self.widths.get(col, -1)
        if bounds is not None and bounds[0] < value < bounds[1] and current >= bounds[2]:
            return
        width = len(self._number_text(value, fmt))  # ASCII, one line
        if width > current:
            self.widths[col] = width
        if bounds is None:
            self._number_bounds[key] = (value, value, width)
        else:
            self._number_bounds[key] = (min(bounds[0], value), max(bounds[1], value), max(bounds[2], width))

    def _look(self, font, fill) -> "_Look":
        """The one :class:`_Look` of ``font`` and ``fill`` (a style key holds its id)."""
        key = (id(font), id(fill))
        look = self._looks.get(key)
        if look is None:
            look = self._looks[key] = _Look(font, fill)
        return look

    @staticmethod
    def _style_cell(cell, font, wrap) -> None:
        """``font``: a Font, or a :class:`_Look` (a font and a fill); ``wrap``: True for
        :data:`WRAP`, or an ``Alignment`` of its own (e.g. :data:`WRAP_INDENTED`)."""
        if type(font) is _Look:
            if font.font is not None:
                cell.font = font.font
            cell.fill = font.fill
        elif font is not None:
            cell.font = font
        if wrap:
            cell.alignment = wrap if isinstance(wrap, Alignment) else WRAP

    def _new_cell(self, row: int, col: int, fmt, font, wrap: bool, quote: bool):
        """A new cell at (row, col) styled as asked, or ``None`` when the cell exists already
        (then :meth:`put` styles it through openpyxl).

        openpyxl resolves a style (number format, font, alignment) to indices of the
        workbook's style tables on every assignment; a sheet of 50,000 rows uses a handful
        of styles, so each is resolved once, through openpyxl, on the first cell that uses
        it, and later cells get a copy of the resulting indices (the same indices, in the
        same order, as assigning them cell by cell).  Every cell has its own copy: callers
        restyle single cells afterwards (a header's fill, a wrapped detail).  The cell is
        made as ``Cell(ws, row, column, style_array)`` and ``ws._add_cell`` would make it,
        without their generic checks (a third of the time of a 50,000-project workbook's
        cells)."""
        ws = self.ws
        cells = ws._cells
        if (row, col) in cells:
            return None
        style_key = (fmt, id(font) if font is not None else None, wrap, quote)
        template = self._styles.get(style_key, _UNSEEN)
        if template is _UNSEEN:
            cell = ws.cell(row=row, column=col)
            if fmt:
                cell.number_format = fmt
            if quote:
                cell.quotePrefix = True
            self._style_cell(cell, font, wrap)
            self._styles[style_key] = StyleArray(cell._style) if cell._style is not None else None
            self._fonts.append(font)  # keeps id(font) of the key unique while the writer lives
            return cell
        cell = cells[(row, col)] = _plain_cell(ws, row, col, None, "n", template)
        if row > ws._current_row:
            ws._current_row = row
        return cell

    @staticmethod
    def _number_text(value: float, fmt: str | None) -> str:
        if fmt in (PERCENT, GAP):
            return f"{value:.2%}"
        if fmt == SIGNED_PERCENT_NUMBER:
            return f"{value:+.1f} %"
        if fmt in (YEAR, INTEGER):
            return f"{value:.0f}"
        return f"{value:,.2f}"

    def header(self, row: int, col: int, values: list[str]) -> None:
        for offset, text in enumerate(values):
            cell = self.put(row, col + offset, text, font=HEADER_FONT, measure=False)
            cell.fill = HEADER_FILL
            cell.alignment = HEADER_ALIGNMENT
            self.header_cells.append((row, col + offset))
            self.header_widths[col + offset] = max(self.header_widths.get(col + offset, 0),
                                                   min(display_width(text), HEADER_WIDTH))

    def row(self, row: int, col: int, values: list, formats: list | None = None, *, font=None,
            measure: bool = True, wrap: bool = False, blanks: bool = False, fill=None) -> None:
        """A table row: ``values[i]`` in column ``col + i`` with ``formats[i]``, as
        :meth:`put` writes each.  A blank value (``None`` or ``""``) leaves its cell absent
        rather than creating an empty one, which openpyxl would not write anyway; with
        ``blanks`` it makes an empty cell, as :meth:`put` does (the cell counts for the
        sheet's used range).

        A plain text (printable: no control character to remove) or a finite ``int`` or
        ``float``, in a new cell of a style the sheet has used before, is made here
        directly; anything else goes through :meth:`put`.  In a ``streamed`` writer the
        row is kept as values (:meth:`_streamed_row`).  ``fill``: every cell's fill."""
        if fill is not None:
            font = self._look(font, fill)
        if self._streamed is not None:
            return self._streamed_row(row, col, values, formats, font, measure, wrap, blanks)
        ws = self.ws
        cells = ws._cells
        styles = self._styles
        font_key = id(font) if font is not None else None
        made = False
        for offset, value in enumerate(values):
            column = col + offset
            kind = type(value)
            if kind is str:
                if not value:
                    if blanks:
                        ws.cell(row=row, column=column)
                    continue
                if value.isprintable() and (row, column) not in cells:
                    template = styles.get((None, font_key, wrap, value.startswith(RISKY_START)), _UNSEEN)
                    if template is not _UNSEEN:
                        cells[(row, column)] = _plain_cell(ws, row, column, value[:32767], "s", template)
                        made = True
                        if measure:
                            self._measure_text(column, value)
                        continue
            elif kind is float or kind is int:
                fmt = formats[offset] if formats else None
                if value - value == 0 and (row, column) not in cells:  # finite: NaN and ±inf go to put
                    template = styles.get((fmt, font_key, wrap, False), _UNSEEN)
                    if template is not _UNSEEN:
                        cells[(row, column)] = _plain_cell(ws, row, column, value, "n", template)
                        made = True
                        if measure:
                            self._measure_number(column, value, fmt)
                        continue
            elif value is None or value == "":
                if blanks:
                    ws.cell(row=row, column=column)
                continue
            self.put(row, column, value, formats[offset] if formats else None, font=font, measure=measure,
                     wrap=wrap)
        if made and row > ws._current_row:  # as ws._add_cell keeps it
            ws._current_row = row

    def _streamed_row(self, row: int, col: int, values: list, formats, font, measure: bool, wrap: bool,
                      blanks: bool) -> None:
        """:meth:`row` keeping the cells it would make directly as one record of the sheet's
        streamed rows; what it would hand to :meth:`put` goes there (a real cell)."""
        cells = self.ws._cells
        styles = self._styles
        plain = self._streamed.plain
        font_key = id(font) if font is not None else None
        stored: list = []
        used_styles: list = []
        first_used = last_used = None
        for offset, value in enumerate(values):
            column = col + offset
            kind = type(value)
            template = _UNSEEN
            if kind is str:
                if not value:
                    stored.append(EMPTY if blanks and (row, column) not in cells else None)
                    used_styles.append(None)
                    continue
                if value.isprintable() and (row, column) not in cells:
                    template = styles.get((None, font_key, wrap, value.startswith(RISKY_START)), _UNSEEN)
                    if template is not _UNSEEN:
                        if measure:
                            self._measure_text(column, value)
                        value = value[:32767]
            elif kind is float or kind is int:
                fmt = formats[offset] if formats else None
                if value - value == 0 and (row, column) not in cells:  # finite: NaN and ±inf go to put
                    template = styles.get((fmt, font_key, wrap, False), _UNSEEN)
                    if template is not _UNSEEN and measure:
                        self._measure_number(column, value, fmt)
            elif value is None or value == "":
                stored.append(EMPTY if blanks and (row, column) not in cells else None)
                used_styles.append(None)
                continue
            if template is _UNSEEN:
                self.put(row, column, value, formats[offset] if formats else None, font=font, measure=measure,
                         wrap=wrap)
                stored.append(None)
                used_styles.append(None)
            else:
                stored.append(value)
                used_styles.append(template if template is not None else plain)
                if first_used is None:
                    first_used = offset
                last_used = offset
        if blanks:  # empty cells count too: the record finds its own extent
            added = self._streamed.add(row, col, stored, used_styles)
        else:
            added = first_used is not None and self._streamed.add(row, col, stored, used_styles,
                                                                  (first_used, last_used))
        if added and row > self.ws._current_row:
            self.ws._current_row = row

    def rows(self, row: int, col: int, rows: list, formats: list | None = None, *, font=None,
             measure: bool = True, wrap: bool = False, blanks: bool = False, fill=None) -> None:
        """A table: ``rows[i]`` at row ``row + i``, each as :meth:`row` writes it — the same
        cells, styles, widths and used range, in the same order.

        In a ``streamed`` writer the table is sorted out a column at a time (a column of
        finite numbers, of plain texts or of blanks needs no look at each cell) and every
        row whose cells have styles the sheet has met is kept as its record directly; a row
        with anything else (a style met for the first time, a cell that exists already, a
        text to clean or quote, NaN) is written by :meth:`row` itself."""
        if fill is not None:
            font = self._look(font, fill)
        rows = rows if isinstance(rows, list) else list(rows)
        width = len(rows[0]) if rows else 0
        if self._streamed is None or not width or any(len(values) != width for values in rows):
            for offset, values in enumerate(rows):
                self.row(row + offset, col, values, formats, font=font, measure=measure, wrap=wrap, blanks=blanks)
            return
        _StreamedTable(self, row, col, rows, width, formats, font, measure, wrap, blanks).write()

    def empty(self, row: int, col: int, *, wrap: bool = False):
        """An empty cell, styled (wrapped) as a text cell of the same options would be: as
        ``ws.cell(row, col)`` with ``alignment = WRAP``, the style resolved once per sheet.
        The cell made, or ``None`` when a streamed writer keeps it in the row's record."""
        if self._streamed is not None and (row, col) not in self.ws._cells:
            template = self._styles.get((None, None, wrap, False), _UNSEEN)
            if template is not _UNSEEN:  # kept in the row's record: written as openpyxl writes it
                self._streamed.add(row, col, [EMPTY], [template if template is not None else self._streamed.plain],
                                   (0, 0))
                if row > self.ws._current_row:
                    self.ws._current_row = row
                return None
        cell = self._new_cell(row, col, None, None, wrap, False)
        if cell is None:  # the cell exists: style it through openpyxl
            cell = self.ws.cell(row=row, column=col)
            self._style_cell(cell, None, wrap)
        return cell

    def note(self, row: int, text: str, col: int = 1) -> None:
        """A note under a table: merged across the table's width and wrapped at
        :meth:`finish`, so that it never overflows onto a page of its own."""
        self.put(row, col, text, font=NOTE_FONT, measure=False)
        self.notes.append((row, col, text))

    def line(self, row: int, text: str, *, font=None, span: int | None = None, col: int = 1) -> None:
        """A sentence (headline, explanation) merged across ``span`` columns and wrapped."""
        self.put(row, col, text, font=font, measure=False)
        self.notes.append((row, col, text) if span is None else (row, col, text, span))

    # ------------------------------------------------------------------ layout
    def finish(self, freeze: str | None) -> None:
        """Freeze panes at ``freeze``, set the column widths, merge and wrap the notes, and
        right-align the header of every column of numbers (:meth:`_heads_numbers`)."""
        if freeze:
            self.ws.freeze_panes = freeze
        header_rows = {row for row, _ in self.header_cells}
        for row, col in self.header_cells:
            if self._heads_numbers(row, col, header_rows):
                cell = self.ws.cell(row=row, column=col)
                if cell.alignment == HEADER_ALIGNMENT:
                    cell.alignment = NUMBER_HEADER_ALIGNMENT
                else:  # a header the sheet aligned itself keeps its other settings
                    aligned = copy(cell.alignment)
                    aligned.horizontal = "right"
                    cell.alignment = aligned
        for col in set(self.widths) | set(self.header_widths):
            width = max(self.widths.get(col, 0), self.header_widths.get(col, 0)) + 2
            self.ws.column_dimensions[get_column_letter(col)].width = max(MIN_WIDTH, min(MAX_WIDTH, width))
        self._fit_header_heights()
        self._merge_notes()

    def widen(self, col: int, text: str, at_most: int) -> None:
        """Column ``col`` grows to show ``text`` on one line, but to no more than
        ``at_most`` characters (a long text then wraps: :meth:`fit_height`)."""
        width = min(display_width(text), at_most)
        if width > self.widths.get(col, -1):
            self.widths[col] = width

    def fit_height(self, row: int, col: int) -> None:
        """At :meth:`finish`, row ``row`` grows to show the wrapped text of the cell at
        (row, col) in its column's final width — at most :data:`FITTED_LINES` lines (the
        cell keeps all of its text)."""
        self.fitted_cells.append((row, col))

    def _fit_header_heights(self) -> None:
        """A header row is as tall as its most wrapped header (a header is at most
        :data:`HEADER_WIDTH` wide and wraps): a second line would otherwise cover the
        first row of the table.  Likewise each row of a :meth:`fit_height` cell."""
        lines: dict[int, int] = {}
        for row, col in (*self.header_cells, *self.fitted_cells):
            cell = self.ws._cells.get((row, col))
            text = cell.value if cell is not None else None
            if not isinstance(text, str):
                continue
            width = self.ws.column_dimensions[get_column_letter(col)].width or 8.43
            lines[row] = max(lines.get(row, 1), min(FITTED_LINES, wrapped_lines(text, width)))
        for row, count in lines.items():
            if count > 1:
                current = self.ws.row_dimensions[row].height or 0
                self.ws.row_dimensions[row].height = max(current, line_height(count))

    def _heads_numbers(self, row: int, col: int, header_rows: set[int]) -> bool:
        """Does the header at (row, col) head numbers?  Numbers are right-aligned, so a
        left-aligned header over them stands over the column's left edge — nearer the
        previous column's numbers than its own.  Looks at the column's cells below, up to
        the next header row or :data:`HEADER_LOOKAHEAD` rows: more numbers (or formulas)
        than texts, a placeholder such as "—" counting as neither."""
        numbers = texts = 0
        for below in range(row + 1, row + 1 + HEADER_LOOKAHEAD):
            if below in header_rows:
                break
            value = self._value_at(below, col)
            if value is None:
                continue
            if isinstance(value, (int, float)) and not isinstance(value, bool):
                numbers += 1
            elif isinstance(value, str) and value.startswith("=") and self._is_formula(below, col):
                numbers += 1  # a formula (the totals): a number once calculated
            elif not (isinstance(value, str) and value.strip() in PLACEHOLDERS):
                texts += 1
        return numbers > texts

    def _is_formula(self, row: int, col: int) -> bool:
        cell = self.ws._cells.get((row, col))
        return cell is not None and cell.data_type == "f"

    def _value_at(self, row: int, col: int):
        """The value of the cell at (row, col): a real cell's, else a streamed record's; None
        for no cell."""
        cell = self.ws._cells.get((row, col))
        if cell is not None:
            return cell._value
        if self._streamed is None:
            return None
        for record in self._streamed.rows.get(row, ()):
            offset = col - record.first
            if 0 <= offset < len(record.values):
                value = record.values[offset]
                return None if value is EMPTY else value
        return None

    def _fitting_span(self, col: int, used: int) -> int:
        """Columns from ``col`` that fit across one landscape A4 page (NOTE_WIDTH
        characters), at most the table's width: a note never runs onto a second page."""
        span, width = 0, 0.0
        for c in range(col, max(used, col) + 1):
            width += self.ws.column_dimensions[get_column_letter(c)].width or 8.43
            if span and width > NOTE_WIDTH:
                break
            span += 1
        return max(1, min(span, NOTE_MAX_SPAN))

    def _merge_notes(self) -> None:
        used = max([*self.widths, *self.header_widths, 1])
        for note in self.notes:
            row, col, text = note[:3]
            span = note[3] if len(note) > 3 else (self.note_span or self._fitting_span(col, used))
            last = col + span - 1
            if last > col:
                self.ws.merge_cells(start_row=row, start_column=col, end_row=row, end_column=last)
            width = sum(self.ws.column_dimensions[get_column_letter(c)].width or 8.43
                        for c in range(col, last + 1))
            cell = self.ws.cell(row=row, column=col)
            cell.alignment = Alignment(wrap_text=True, vertical="top")
            lines = wrapped_lines(text, width)
            size = (cell.font.sz or 11) if cell.font is not None else 11
            height = line_height(lines, size)
            current = self.ws.row_dimensions[row].height or 0
            self.ws.row_dimensions[row].height = max(current, height)


_NUMBER, _TEXT, _BLANK, _OTHER = range(4)  # what a table cell is (:class:`_StreamedTable`)


def _cell_kind(value) -> int:
    """A finite number, a plain text (printable, not starting as a formula would, not cut),
    a blank (``None`` or ``""``), or anything else (written by :meth:`SheetWriter.row`)."""
    kind = type(value)
    if kind is float or kind is int:
        return _NUMBER if value - value == 0 else _OTHER
    if kind is str:
        if not value:
            return _BLANK
        return _TEXT if len(value) <= 32767 and value.isprintable() and not value.startswith(RISKY_START) \
            else _OTHER
    return _BLANK if value is None else _OTHER


def _column_kind(column: tuple):
    """The kind every cell of ``column`` has, or each cell's kind when they differ."""
    types = set(map(type, column))
    if types <= {float, int}:
        try:
            if all(map(math.isfinite, column)):
                return _NUMBER
        except OverflowError:  # an int beyond any float: each cell on its own
            pass
    if types == {str} and "" not in column and max(map(len, column)) <= 32767 \
            and "".join(column).isprintable() and not any(map(str.startswith, column, repeat(RISKY_START))):
        return _TEXT
    if types <= {str, type(None)} and not any(column):
        return _BLANK
    return [_cell_kind(value) for value in column]


class _StreamedTable:
    """:meth:`SheetWriter.rows` in a streamed writer.  Each row's cells have kinds
    (:func:`_cell_kind`); the kinds of a row decide its record's styles and extent.  A row
    of kinds whose styles the sheet has all met is kept as a record here; its cells' widths
    are measured a column at a time (the widest text, the least and the greatest number:
    the width of a number as shown grows with its magnitude).  Any other row goes through
    :meth:`SheetWriter.row`, in the table's order, so that styles are met in the order
    a row-by-row table meets them."""

    def __init__(self, writer: SheetWriter, row: int, col: int, rows: list, width: int, formats, font,
                 measure: bool, wrap: bool, blanks: bool):
        self.writer, self.row, self.col, self.rows, self.width = writer, row, col, rows, width
        self.formats, self.font, self.measure, self.wrap, self.blanks = formats, font, measure, wrap, blanks

    def write(self) -> None:
        w, row, col, width = self.writer, self.row, self.col, self.width
        columns = list(zip(*self.rows))
        kinds = [_column_kind(column) for column in columns]
        varying = [j for j, kind in enumerate(kinds) if type(kind) is list]
        last = row + len(self.rows) - 1
        occupied = {r for r, c in w.ws._cells if row <= r <= last and col <= c < col + width}
        stored = self._stored_columns(columns, kinds)
        records = list(zip(*stored))
        fast: list[int] = []  # offsets of the rows kept here
        kept: list[tuple] = []  # their records: (row, values, styles, extent)
        shapes: dict[tuple, tuple | None] = {}  # the varying columns' kinds → (styles, extent), None: not yet met
        constant = tuple(kind if type(kind) is int else None for kind in kinds)
        keys = list(zip(*[kinds[j] for j in varying])) if varying else None
        for offset, values in enumerate(self.rows):
            key = keys[offset] if keys is not None else ()
            shape = shapes.get(key)
            if shape is None or row + offset in occupied:
                if shape is None and _OTHER not in key and row + offset not in occupied:
                    shape = self._shape(constant, varying, key)
                    if shape is not None:
                        shapes[key] = shape
                if shape is None or row + offset in occupied:
                    w.row(row + offset, col, values, self.formats, font=self.font, measure=self.measure,
                          wrap=self.wrap, blanks=self.blanks)
                    continue
            styles, used = shape
            if used is not None:
                kept.append((row + offset, records[offset], styles, used))
                fast.append(offset)
        w._streamed.keep_rows(col, kept)
        if fast and row + fast[-1] > w.ws._current_row:
            w.ws._current_row = row + fast[-1]
        if self.measure and fast:
            self._measure(columns, kinds, fast)

    def _stored_columns(self, columns: list[tuple], kinds: list) -> list:
        """Each column as a record stores it: a blank as :data:`EMPTY` (with ``blanks``) or
        no cell."""
        blank = EMPTY if self.blanks else None
        stored = []
        for column, kind in zip(columns, kinds):
            if kind == _BLANK:
                stored.append((blank,) * len(column))
            elif type(kind) is list and _BLANK in kind:
                stored.append([blank if k == _BLANK else value for value, k in zip(column, kind)])
            else:
                stored.append(column)
        return stored

    def _shape(self, constant: tuple, varying: list[int], key: tuple):
        """The shared styles and the extent of a row of these kinds, as :meth:`SheetWriter.row`
        would keep it; ``None`` while a style of it is not met (the row goes through ``row``)."""
        w = self.writer
        styles = w._styles
        font_key = id(self.font) if self.font is not None else None
        plain = w._streamed.plain
        kinds = list(constant)
        for j, kind in zip(varying, key):
            kinds[j] = kind
        row_styles, used = [], []
        for j, kind in enumerate(kinds):
            if kind == _BLANK:
                row_styles.append(None)
                if self.blanks:
                    used.append(j)
                continue
            fmt = (self.formats[j] if self.formats else None) if kind == _NUMBER else None
            template = styles.get((fmt, font_key, self.wrap, False), _UNSEEN)
            if template is _UNSEEN:
                return None
            row_styles.append(template if template is not None else plain)
            used.append(j)
        return w._streamed.shared(row_styles), ((used[0], used[-1]) if used else None)

    def _measure(self, columns: list[tuple], kinds: list, fast: list[int]) -> None:
        """The widths of the kept rows' cells, a column at a time."""
        w = self.writer
        every = len(fast) == len(self.rows)
        for j, (column, kind) in enumerate(zip(columns, kinds)):
            if kind == _BLANK:
                continue
            target = self.col + j
            if type(kind) is list:
                numbers = [column[i] for i in fast if kind[i] == _NUMBER]
                texts = [column[i] for i in fast if kind[i] == _TEXT]
            elif kind == _NUMBER:
                numbers, texts = (column if every else [column[i] for i in fast]), ()
            else:
                numbers, texts = (), (column if every else [column[i] for i in fast])
            if numbers:
                fmt = self.formats[j] if self.formats else None
                w._measure_number(target, min(numbers), fmt)
                w._measure_number(target, max(numbers), fmt)
            if texts:
                self._measure_texts(target, texts)

    def _measure_texts(self, col: int, texts) -> None:
        """The widest of ``texts`` (:func:`display_width`), as measuring each would find it:
        a text is at most as wide as twice its length, so from the longest down."""
        w = self.writer
        longest = max(texts, key=len)
        if "".join(texts).isascii():  # printable ASCII: one line, its length
            w._measure_text(col, longest)
            return
        for text in sorted(texts, key=len, reverse=True):
            if 2 * len(text) <= w.widths.get(col, -1):
                break
            w._measure_text(col, text)
