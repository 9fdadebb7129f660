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
from openpyxl.writer.excel import ExcelWriter

_NUMBER_TYPES = (int, float)


def _escape(text: str) -> str:
    """Character data as ``xml.etree.ElementTree`` escapes it (``&``, ``<``, ``>``)."""
    if "&" in text:
        text = text.replace("&", "&amp;")
    if "<" in text:
        text = text.replace("<", "&lt;")
    if ">" in text:
        text = text.replace(">", "&gt;")
    return text


class _TextRowsWriter(WorksheetWriter):
    """openpyxl's worksheet writer with the plain cells of each row written as text."""

    def __init__(self, ws, out=None):
        super().__init__(ws, out)
        self._style_ids: dict[tuple, str] = {}
        self._letters: dict[int, str] = {}

    def _style_id(self, style) -> str:
        key = tuple(style)
        sid = self._style_ids.get(key)
        if sid is None:
            sid = self._style_ids[key] = str(self.ws.parent._cell_styles.add(style))
        return sid

    def write_row(self, xf, row, row_idx):
        raw = getattr(xf, "_file", None)
        if raw is None:  # pragma: no cover - not the et_xmlfile writer
            return super().write_row(xf, row, row_idx)
        attrs = {"r": f"{row_idx}"}
        attrs.update(self.ws.row_dimensions.get(row_idx, {}))
        letters = self._letters
        with xf.element("row", attrs):
            for cell in row:
                if cell._comment is not None:
                    self.ws._comments.append(CommentRecord.from_cell(cell))
                value = cell._value
                style = cell._style
                styled = style is not None and any(style)
                if value is None and not styled and not cell._comment:
                    continue
                kind = cell.data_type
                plain = (value is not None and value != "" and cell._comment is None and cell._hyperlink is None
                         and ((kind == "n" and type(value) in _NUMBER_TYPES) or (kind == "s" and type(value) is str)))
                if not plain:
                    write_cell(xf, self.ws, cell, styled)
                    continue
                col = cell.column
                letter = letters.get(col)
                if letter is None:
                    letter = letters[col] = get_column_letter(col)
                s = f' s="{self._style_id(style)}"' if styled else ""
                if kind == "n":
                    if value != value or value in (float("inf"), float("-inf")):
                        text = ""  # openpyxl's safe_string writes nan/inf as empty (never reached: put refuses them)
                    else:
                        text = "%.16g" % value
                    raw(f'<c r="{letter}{row_idx}"{s} t="n"><v>{text}</v></c>')
                else:
                    stripped = value.strip()
                    space = ' xml:space="preserve"' if stripped and value != stripped else ""
                    raw(f'<c r="{letter}{row_idx}"{s} t="inlineStr"><is><t{space}>{_escape(value)}</t></is></c>')


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
