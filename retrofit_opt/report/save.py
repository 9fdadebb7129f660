"""Saving a results workbook fast: openpyxl's own writer, with the cells of each row
serialised as text instead of one XML element object per cell.

openpyxl builds an ``Element`` for every cell and runs the generic serialiser on it, about
15 µs a cell — 30 s for the 2 million cells of a 50,000-project results workbook.
:func:`save_workbook` writes the same package with openpyxl's ``ExcelWriter``; only the
``<c>`` elements of plain cells (a number, or text that is not rich text, without a comment
or hyperlink) are written directly as the XML openpyxl would write for them, byte for byte
(``tests/test_report_save.py`` compares every sheet of the bundled results workbooks).
Formulas, empty styled cells and everything else go through openpyxl's own ``write_cell``.

The text path needs openpyxl's standard-library XML writer (``et_xmlfile``); when openpyxl
uses lxml instead (``openpyxl.LXML``), the whole save is openpyxl's own.
"""
from __future__ import annotations

import contextlib
import datetime
import operator
import re
from zipfile import ZIP_DEFLATED, ZipFile

from openpyxl import LXML
from openpyxl.cell._writer import write_cell
from openpyxl.comments.comment_sheet import CommentRecord
from openpyxl.utils.cell import get_column_letter
from openpyxl.worksheet._writer import WorksheetWriter
from openpyxl.worksheet.dimensions import SheetDimension
from openpyxl.writer.excel import ExcelWriter

from retrofit_opt.report.gc_pause import cyclic_gc_paused
from retrofit_opt.report.streamed import EMPTY, streamed_rows
from retrofit_opt.report.zip_thread import ArchiveOnAThread


# zlib's fastest level: a 50,000-project workbook (110 MB of XML) deflates in 0.7 s instead of
# 2.2 s at openpyxl's default (6), into a file a quarter larger (21 MB instead of 17 MB).
COMPRESS_LEVEL = 1

# Table rows written to the sheet's file at a time: one write of 500 rows' text instead of
# 500 writes (at 50,000 projects the 300,000 rows' writes took 0.4 s).
_BATCH_ROWS = 500


# A text that the plain pattern of a row cannot write as it is: an XML special to escape, or
# white space at either end (openpyxl's xml:space="preserve").  Searched in the row's texts
# joined by \x01, which no stored text holds (a text with a control character is a real cell).
_NEEDS_CARE = re.compile(r"[&<>]|\x01\s|\s\x01")


def _escape(text: str) -> str:
    """Character data as ``xml.etree.ElementTree`` escapes it (``&``, ``<``, ``>``)."""
    if "&" in text:
        text = text.replace("&", "&amp;")
    if "<" in text:
        text = text.replace("<", "&lt;")
    if ">" in text:
        text = text.replace(">", "&gt;")
    return text


_ATTRIBUTE_ESCAPES = (("&", "&amp;"), ("<", "&lt;"), (">", "&gt;"), ('"', "&quot;"), ("\r", "&#13;"),
                      ("\n", "&#10;"), ("\t", "&#09;"))


def _escape_attribute(text: str) -> str:
    """An attribute value as ``xml.etree.ElementTree`` escapes it (et_xmlfile calls its
    ``_escape_attrib``): ``& < > "`` as entities, CR, LF and tab as character references."""
    for char, escaped in _ATTRIBUTE_ESCAPES:
        if char in text:
            text = text.replace(char, escaped)
    return text


class _TextRowsWriter(WorksheetWriter):
    """openpyxl's worksheet writer with the plain cells of each row written as text, each
    row as one string."""

    def __init__(self, ws, out=None):
        super().__init__(ws, out)
        self._style_attrs: dict[bytes, str] = {}  # style indices → ' s="id"', "" for no style
        self._letters: dict[int, str] = {}
        self._grouped: list | None = None
        self._streamed = streamed_rows(ws)
        self._record_style_attrs: dict[tuple, list] = {}  # (id of a row of styles, first column) → parts
        self._row_templates: dict[tuple, tuple] = {}  # a record's shape → _row_template
        self._row_attrs: dict[tuple, str] = {}  # an unstyled row dimension's fields → its attributes

    def _style_attr(self, style) -> str:
        """The ``s`` attribute of a cell of style ``style`` (a ``StyleArray``), as openpyxl
        writes it: the style's index in the workbook's table of cell styles (added there,
        in the order openpyxl adds them, the first time a cell has it); none for a cell
        without style."""
        key = style.tobytes()
        attr = self._style_attrs.get(key)
        if attr is None:
            attr = self._style_attrs[key] = f' s="{self.ws.parent._cell_styles.add(style)}"' if any(style) else ""
        return attr

    def _cell_rows(self) -> list[tuple[int, list]]:
        """The rows that have cells, each with its cells in column order (computed once)."""
        if self._grouped is None:
            cells = self.ws._cells
            rows = self._grouped = []
            row_cells = None
            current = None
            for key in sorted(cells):
                if key[0] != current:
                    current = key[0]
                    row_cells = []
                    rows.append((current, row_cells))
                row_cells.append(cells[key])
        return self._grouped

    def rows(self):
        """Every row, with its cells in column order, as openpyxl's ``rows`` (rows with
        dimensions but no cell, and rows with streamed cells only, included), sorting the
        cell coordinates only."""
        rows = self._cell_rows()
        others = self.ws.row_dimensions.keys()
        if self._streamed is not None:
            others = others | self._streamed.rows.keys()
        empty = others - {row for row, _ in rows}
        return sorted(rows + [(row, []) for row in empty]) if empty else rows

    def write_dimensions(self):
        """``<dimension>`` as openpyxl writes it (``ws.calculate_dimension()``: the range
        from the least to the greatest row and column of any cell), from the rows' cells
        and the streamed ones."""
        rows = self._cell_rows()
        bounds = []
        if rows:
            bounds.append((rows[0][0], rows[-1][0], min(cells[0].column for _, cells in rows),
                           max(cells[-1].column for _, cells in rows)))
        streamed = self._streamed
        if streamed is not None and streamed.min_row is not None:
            bounds.append((streamed.min_row, streamed.max_row, streamed.min_col, streamed.max_col))
        if bounds:
            first_row, last_row = min(b[0] for b in bounds), max(b[1] for b in bounds)
            first_col, last_col = min(b[2] for b in bounds), max(b[3] for b in bounds)
            ref = f"{get_column_letter(first_col)}{first_row}:{get_column_letter(last_col)}{last_row}"
        else:
            ref = "A1:A1"
        self.xf.send(SheetDimension(ref).to_tree())

    def write_rows(self):
        xf = self.xf.send(True)
        raw = getattr(xf, "_file", None)
        streamed = self._streamed.rows if self._streamed is not None else {}
        if streamed and raw is None:  # pragma: no cover - SheetWriter streams only without lxml
            raise RuntimeError(f"sheet {self.ws.title!r}: streamed rows need the et_xmlfile writer")
        with xf.element("sheetData"):
            batch: list[str] = []  # table rows' text not yet written: one write per _BATCH_ROWS rows
            for row_idx, row in self.rows():
                records = streamed.get(row_idx)
                if records is not None:
                    text = self._table_row_text(row, records, row_idx)
                    if text is not None:
                        batch.append(text)
                        if len(batch) >= _BATCH_ROWS:
                            raw("".join(batch))
                            batch.clear()
                        continue
                if batch:  # written before anything else, in row order
                    raw("".join(batch))
                    batch.clear()
                if records is not None:
                    self._write_streamed_row(xf, raw, row, records, row_idx)
                elif raw is None:  # pragma: no cover - not the et_xmlfile writer
                    super().write_row(xf, row, row_idx)
                else:
                    self._write_text_row(xf, raw, row, row_idx)
            if batch:
                raw("".join(batch))
        self.xf.send(None)  # return control to the generator, as openpyxl's write_rows

    def _write_text_row(self, xf, raw, row, row_idx):
        """``<row>`` and its cells as openpyxl's ``write_row`` writes them: the row's
        attributes (``r`` and its dimensions) escaped as ``xml.etree`` escapes them, each
        plain cell (a number, or text that is not rich text, without comment or hyperlink)
        as text, every other cell through openpyxl's ``write_cell`` (the text so far
        written first); the row's text is written as one string."""
        parts = self._cells_text(xf, raw, row, f"{row_idx}", self._row_start(row_idx))
        parts.append("</row>")
        raw("".join(parts))

    def _cells_text(self, xf, raw, row, number: str, parts: list[str]) -> list[str]:
        """The cells ``row`` (of row ``number``) appended to ``parts`` as text, or written
        through openpyxl's ``write_cell`` (``parts`` written first); the text not yet written."""
        ws = self.ws
        letters = self._letters
        style_attrs = self._style_attrs
        for cell in row:
            comment = cell._comment
            if comment is not None:
                ws._comments.append(CommentRecord.from_cell(cell))
            value = cell._value
            style = cell._style
            if style is None:
                s = ""
            else:
                s = style_attrs.get(style.tobytes())
                if s is None:
                    s = self._style_attr(style)
            if value is None and not s and not comment:
                continue
            kind = cell.data_type
            value_type = type(value)
            if comment is None and cell._hyperlink is None and (
                    (kind == "n" and (value_type is float or value_type is int))
                    or (kind == "s" and value_type is str and value)):
                col = cell.column
                letter = letters.get(col)
                if letter is None:
                    letter = letters[col] = get_column_letter(col)
                if kind == "n":
                    # openpyxl's safe_string: 16 significant digits; nan and inf as empty
                    # (never reached: SheetWriter.put refuses them)
                    text = "%.16g" % value if value - value == 0 else ""
                    parts.append(f'<c r="{letter}{number}"{s} t="n"><v>{text}</v></c>')
                else:
                    space = ' xml:space="preserve"' if (value[0].isspace() or value[-1].isspace()) \
                        and not value.isspace() else ""  # openpyxl's whitespace(): strip() changes it
                    parts.append(f'<c r="{letter}{number}"{s} t="inlineStr"><is><t{space}>'
                                 f'{_escape(value)}</t></is></c>')
            else:
                raw("".join(parts))
                parts = []
                write_cell(xf, ws, cell, bool(s))
        return parts

    def _row_start(self, row_idx: int) -> list[str]:
        """``<row r="…" …>``: the row's number and its dimensions' attributes (height …)."""
        dimension = self.ws.row_dimensions.get(row_idx)
        if dimension is None:
            return [f'<row r="{row_idx}">']
        if dimension._style is None or not any(dimension._style):
            # without a style, the attributes are these fields' (openpyxl's RowDimension
            # __iter__: customHeight follows ht, customFormat and s the style); rendered once
            key = (dimension.ht, dimension.hidden, dimension.outlineLevel, dimension.collapsed, dimension.thickBot,
                   dimension.thickTop)
            rest = self._row_attrs.get(key)
            if rest is None:
                rest = self._row_attrs[key] = "".join(f' {name}="{_escape_attribute(value)}"'
                                                      for name, value in dimension)
            return [f'<row r="{row_idx}"{rest}>']
        attrs = {"r": f"{row_idx}"}
        attrs.update(dimension)
        return ["<row", *[f' {key}="{_escape_attribute(value)}"' for key, value in attrs.items()], ">"]

    def _table_row_text(self, cells, records, row_idx) -> str | None:
        """The whole ``<row>`` of a table row — one record, no real cell, no text to escape
        or to keep its spaces — from its shape's :meth:`_row_template`; ``None`` for any
        other row (:meth:`_write_streamed_row` writes it cell by cell)."""
        if len(records) != 1 or cells:
            return None
        record = records[0]
        values = record.values
        shape = (id(record.styles), record.first, tuple(map(type, values)))
        template = self._row_templates.get(shape)
        if template is None:
            template = self._row_templates[shape] = self._row_template(record)
        cells_format, texts, row_format = template
        if texts is not None and _NEEDS_CARE.search("\x01".join(("", *texts(values), ""))):
            return None
        if row_idx not in self.ws.row_dimensions:  # no attributes beside r: one format call
            return row_format.format(row_idx, *values)
        start = self._row_start(row_idx)
        start.append(cells_format.format(row_idx, *values))
        start.append("</row>")
        return "".join(start)

    def _write_streamed_row(self, xf, raw, cells, records, row_idx):
        """A row with streamed cells (:mod:`retrofit_opt.report.streamed`), and perhaps real
        ones, in column order, each written as :meth:`_write_text_row` writes the same cell
        (the rows :meth:`_table_row_text` cannot write)."""
        number = f"{row_idx}"
        parts = self._row_start(row_idx)
        entries = []
        for record in records:
            col = record.first
            for value, style in zip(record.values, record.styles):
                if value is not None:
                    entries.append((col, value, style))
                col += 1
        entries.extend((cell.column, cell, None) for cell in cells)
        entries.sort(key=_column)
        for before, after in zip(entries, entries[1:]):
            if before[0] == after[0]:
                raise RuntimeError(f"sheet {self.ws.title!r}: two cells at "
                                   f"{get_column_letter(before[0])}{row_idx} (a streamed row overwritten)")
        for col, value, style in entries:
            if style is None:
                if value is not EMPTY:
                    parts = self._cells_text(xf, raw, [value], number, parts)  # a real cell
                continue
            style_attr = self._style_attr(style)
            attr = f'<c r="{get_column_letter(col)}{number}"{style_attr}'
            if value is EMPTY:
                if style_attr:  # an empty cell is written only when styled, as openpyxl writes it
                    parts.append(f'{attr} t="n" />')
            elif type(value) is str:
                parts.append(f'{attr} t="inlineStr"><is><t{_space(value)}>{_escape(value)}</t></is></c>')
            else:
                parts.append(f'{attr} t="n"><v>{"%.16g" % value}</v></c>')
        parts.append("</row>")
        raw("".join(parts))

    def _row_template(self, record) -> tuple:
        """The cells of a row of ``record``'s shape (its row of styles, first column and the
        type of each value) as one ``str.format`` pattern — ``{0}`` the row's number,
        ``{k + 1}`` value ``k`` —, a function picking the row's texts out of its values
        (``None`` when it has none), and the pattern of the whole ``<row>`` of a row without
        dimensions.  The pattern writes the bytes of the cell-by-cell branch
        of :meth:`_write_streamed_row` for every row whose texts need neither escaping nor ``xml:space``
        (:data:`_NEEDS_CARE`); numbers as ``"%.16g" % value`` writes them."""
        pieces, text_positions = [], []
        for k, (value, part) in enumerate(zip(record.values, self._record_parts(record))):
            if part is None:
                continue
            letter, attr = part
            if value is EMPTY:
                if attr:
                    pieces.append(f'<c r="{letter}{{0}}"{attr} t="n" />')
            elif type(value) is str:
                text_positions.append(k)
                pieces.append(f'<c r="{letter}{{0}}"{attr} t="inlineStr"><is><t>{{{k + 1}}}</t></is></c>')
            else:
                pieces.append(f'<c r="{letter}{{0}}"{attr} t="n"><v>{{{k + 1}:.16g}}</v></c>')
        if not text_positions:
            texts = None
        elif len(text_positions) == 1:
            only = text_positions[0]
            texts = lambda values: (values[only],)  # noqa: E731
        else:
            texts = operator.itemgetter(*text_positions)
        cells = "".join(pieces)
        return cells, texts, f'<row r="{{0}}">{cells}</row>'

    def _record_parts(self, record) -> list:
        """For each cell of ``record``: its column letter and ``s`` attribute, ``None`` where
        the record has no cell.  The styles are resolved in column order, as a row of cells
        meets them (:meth:`_style_attr`), once per row of styles."""
        key = (id(record.styles), record.first)
        known = self._record_style_attrs.get(key)
        if known is None:
            known = self._record_style_attrs[key] = [
                None if style is None else (get_column_letter(record.first + k), self._style_attr(style))
                for k, style in enumerate(record.styles)]
        return known


def _column(entry) -> int:
    return entry[0]


def _space(text: str) -> str:
    """openpyxl's ``xml:space="preserve"`` on a text that ``strip()`` changes (not all space)."""
    return ' xml:space="preserve"' if (text[0].isspace() or text[-1].isspace()) and not text.isspace() else ""


# A worksheet's XML serialised ahead of the save (:func:`serialise_ahead`): (the sheet's XML,
# its relationships), kept on the worksheet under this attribute until the save writes it.
_AHEAD = "_retrofit_opt_sheet_xml"


def serialise_ahead(workbook) -> bool:
    """Serialise every worksheet of ``workbook`` now, as :func:`save_workbook` would, and
    keep the XML with the sheet: the save then writes it as it is.  ``compare`` does this
    for the base case's sheets on the thread that built them, while the scenarios solve
    (issue 19: at 10,000 projects their serialisation was most of the final save).

    Only for sheets that are finished: fonts (:func:`~retrofit_opt.report.print_setup.set_font`),
    print setup and tab selection as they will be saved; a later change to a cell of such a
    sheet would not be saved.  The cell styles are numbered in the workbook's table as they
    are met here (before the sheets serialised later).  False (nothing kept) when the save
    is openpyxl's own (lxml)."""
    if LXML or workbook.write_only:
        return False
    from io import BytesIO

    for ws in workbook.worksheets:
        writer = _TextRowsWriter(ws, out=BytesIO())
        # openpyxl's writer keeps the columns' outline level for the next save's sheetFormatPr:
        # left as it was, so that a later save of the sheet by openpyxl writes what this wrote
        outline, level = ws.column_dimensions.max_outline, ws.sheet_format.outlineLevelCol
        writer.write()
        ws.column_dimensions.max_outline, ws.sheet_format.outlineLevelCol = outline, level
        setattr(ws, _AHEAD, (writer.out.getvalue(), writer._rels))
    return True


class _TextRowsExcelWriter(ExcelWriter):
    def write_worksheet(self, ws):
        if self.workbook.write_only:
            return super().write_worksheet(ws)
        from openpyxl.drawing.spreadsheet_drawing import SpreadsheetDrawing
        ws._drawing = SpreadsheetDrawing()
        ws._drawing.charts = ws._charts
        ws._drawing.images = ws._images
        ahead = ws.__dict__.pop(_AHEAD, None)
        if ahead is not None:  # serialised already (serialise_ahead)
            xml, ws._rels = ahead
            self._archive.writestr(ws.path[1:], xml)
            self.manifest.append(ws)
            return
        writer = _TextRowsWriter(ws)
        writer.write()
        ws._rels = writer._rels
        self._archive.write(writer.out, ws.path[1:], after=writer.cleanup)  # deflated on the archive's thread
        self.manifest.append(ws)


@cyclic_gc_paused()
def save_workbook(workbook, filename) -> None:
    """Save ``workbook`` to ``filename`` (a path), as ``workbook.save`` would, faster."""
    if LXML or workbook.write_only:
        workbook.save(filename)
        return
    archive = ZipFile(filename, "w", ZIP_DEFLATED, allowZip64=True, compresslevel=COMPRESS_LEVEL)
    workbook.properties.modified = datetime.datetime.now(tz=datetime.timezone.utc).replace(tzinfo=None)
    threaded = ArchiveOnAThread(archive)
    try:
        _TextRowsExcelWriter(workbook, threaded).save()
    except BaseException:
        threaded.abandon()
        with contextlib.suppress(Exception):  # the save's own error is the one to report
            archive.close()
        raise


def saver(workbook):
    """``save(path)`` for :func:`retrofit_opt.atomic.write_atomically`."""
    return lambda path: save_workbook(workbook, path)
