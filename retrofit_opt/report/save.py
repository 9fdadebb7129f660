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

import datetime
from zipfile import ZIP_DEFLATED, ZipFile

from openpyxl import LXML
from openpyxl.cell._writer import write_cell
from openpyxl.comments.comment_sheet import CommentRecord
from openpyxl.utils.cell import get_column_letter
from openpyxl.worksheet._writer import WorksheetWriter
from openpyxl.worksheet.dimensions import SheetDimension
from openpyxl.writer.excel import ExcelWriter

from retrofit_opt.report.gc_pause import cyclic_gc_paused


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
        dimensions but no cell included), sorting the cell coordinates only."""
        rows = self._cell_rows()
        empty = self.ws.row_dimensions.keys() - {row for row, _ in rows}
        return sorted(rows + [(row, []) for row in empty]) if empty else rows

    def write_dimensions(self):
        """``<dimension>`` as openpyxl writes it (``ws.calculate_dimension()``: the range
        from the least to the greatest row and column of any cell), from the rows' cells."""
        rows = self._cell_rows()
        if rows:
            first_col = min(cells[0].column for _, cells in rows)
            last_col = max(cells[-1].column for _, cells in rows)
            ref = f"{get_column_letter(first_col)}{rows[0][0]}:{get_column_letter(last_col)}{rows[-1][0]}"
        else:
            ref = "A1:A1"
        self.xf.send(SheetDimension(ref).to_tree())

    def write_rows(self):
        xf = self.xf.send(True)
        raw = getattr(xf, "_file", None)
        with xf.element("sheetData"):
            for row_idx, row in self.rows():
                if raw is None:  # pragma: no cover - not the et_xmlfile writer
                    super().write_row(xf, row, row_idx)
                else:
                    self._write_text_row(xf, raw, row, row_idx)
        self.xf.send(None)  # return control to the generator, as openpyxl's write_rows

    def _write_text_row(self, xf, raw, row, row_idx):
        """``<row>`` and its cells as openpyxl's ``write_row`` writes them: the row's
        attributes (``r`` and its dimensions) escaped as ``xml.etree`` escapes them, each
        plain cell (a number, or text that is not rich text, without comment or hyperlink)
        as text, every other cell through openpyxl's ``write_cell`` (the text so far
        written first); the row's text is written as one string."""
        ws = self.ws
        attrs = {"r": f"{row_idx}"}
        attrs.update(ws.row_dimensions.get(row_idx, {}))
        parts = ["<row", *[f' {key}="{_escape_attribute(value)}"' for key, value in attrs.items()], ">"]
        number = f"{row_idx}"
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
        parts.append("</row>")
        raw("".join(parts))


class _TextRowsExcelWriter(ExcelWriter):
    def write_worksheet(self, ws):
        if self.workbook.write_only:
            return super().write_worksheet(ws)
        from openpyxl.drawing.spreadsheet_drawing import SpreadsheetDrawing
        ws._drawing = SpreadsheetDrawing()
        ws._drawing.charts = ws._charts
        ws._drawing.images = ws._images
        writer = _TextRowsWriter(ws)
        writer.write()
        ws._rels = writer._rels
        self._archive.write(writer.out, ws.path[1:])
        self.manifest.append(ws)
        writer.cleanup()


@cyclic_gc_paused()
def save_workbook(workbook, filename) -> None:
    """Save ``workbook`` to ``filename`` (a path), as ``workbook.save`` would, faster."""
    if LXML or workbook.write_only:
        workbook.save(filename)
        return
    archive = ZipFile(filename, "w", ZIP_DEFLATED, allowZip64=True)
    workbook.properties.modified = datetime.datetime.now(tz=datetime.timezone.utc).replace(tzinfo=None)
    _TextRowsExcelWriter(workbook, archive).save()


def saver(workbook):
    """``save(path)`` for :func:`retrofit_opt.atomic.write_atomically`."""
    return lambda path: save_workbook(workbook, path)
