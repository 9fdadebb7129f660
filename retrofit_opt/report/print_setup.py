"""Print setup of a results workbook (issue 13): every sheet on A4 with a header (case
name, sheet) and a footer (date, page x of y); title rows and the id/name columns
repeated on every page; narrow sheets one page wide; the executive summary on one page;
and one CJK-capable font for every cell, so that bold headers do not fall back to a serif
face."""
from __future__ import annotations

from copy import copy
from datetime import datetime, timezone

from openpyxl.styles.cell_style import StyleArray
from openpyxl.utils import get_column_letter
from openpyxl.utils.cell import coordinate_to_tuple

from retrofit_opt.report import labels as L
from retrofit_opt.report.charts import FONT
from retrofit_opt.report.streamed import max_column, streamed_rows

FIT_COLUMNS = 14  # sheets up to this wide print one page wide
PORTRAIT_COLUMNS = 7  # sheets up to this wide print portrait
ONE_PAGE = ("summary",)  # sheets printed on exactly one page
ONE_WIDE = ("enterprises", "cash_flow", "baseline", "yearly_plan")  # one page wide, however wide
# very wide sheets: this many pages wide, the first columns repeated (the scenario; the id and
# name of a project left out, whose detail sentence needs a page of its own)
PAGES_WIDE = {"scenarios": 3, "not_selected": 3}
FONT_ID = StyleArray.__dict__["fontId"].key  # the font's index in a cell's style array (0)


def prepare_for_print(workbook, case_name: str, lang: str, written_at: datetime | None = None) -> None:
    stamp = (written_at or datetime.now(timezone.utc)).date().isoformat()
    one_page = {L.sheet_title(key, lang) for key in ONE_PAGE}
    one_wide = {L.sheet_title(key, lang) for key in ONE_WIDE}
    pages_wide = {L.sheet_title(key, lang): n for key, n in PAGES_WIDE.items()}
    set_font(workbook)
    for ws in workbook.worksheets:
        if ws.sheet_state != "visible":
            continue
        setup = ws.page_setup
        setup.paperSize = ws.PAPERSIZE_A4
        setup.orientation = "portrait" if max_column(ws) <= PORTRAIT_COLUMNS else "landscape"
        ws.print_options.horizontalCentered = False
        ws.page_margins.top, ws.page_margins.bottom = 0.75, 0.75
        ws.page_margins.header, ws.page_margins.footer = 0.3, 0.3
        ws.page_margins.left = ws.page_margins.right = 0.5
        if ws.title in one_page:
            ws.sheet_properties.pageSetUpPr.fitToPage = True
            setup.fitToWidth, setup.fitToHeight = 1, 1
        elif ws.title in pages_wide:
            ws.sheet_properties.pageSetUpPr.fitToPage = True
            setup.fitToWidth, setup.fitToHeight = pages_wide[ws.title], 0
        elif max_column(ws) <= FIT_COLUMNS or ws.title in one_wide:
            ws.sheet_properties.pageSetUpPr.fitToPage = True
            setup.fitToWidth, setup.fitToHeight = 1, 0
        repeat_titles(ws)
        header_footer(ws, case_name, stamp, lang)


def repeat_titles(ws) -> None:
    """The frozen header rows and, on tables frozen after their id/name columns, those
    columns repeat on every printed page."""
    if not ws.freeze_panes:
        return
    row, column = coordinate_to_tuple(ws.freeze_panes)  # not ws[…]: that would make a cell there
    if row > 1:
        ws.print_title_rows = f"1:{row - 1}"
    if column > 1:
        ws.print_title_cols = f"A:{get_column_letter(column - 1)}"


def header_footer(ws, case_name: str, stamp: str, lang: str) -> None:
    for part in (ws.oddHeader, ws.evenHeader, ws.firstHeader):
        part.left.text = _escape(case_name) or "retrofit-opt"
        part.right.text = "&A"
        part.left.size = part.right.size = 9
    for part in (ws.oddFooter, ws.evenFooter, ws.firstFooter):
        part.left.text = _escape(L.label("print.written", lang, date=stamp))
        part.right.text = L.label("print.page", lang, page="&P", pages="&N")
        part.left.size = part.right.size = 9


def _escape(text: str) -> str:
    """Header text with its ampersands doubled (a single & starts a header code)."""
    return text.replace("&", "&&")


def set_font(workbook) -> None:
    """One font for every styled cell and for the default style.

    Each distinct font of the workbook is renamed once and every cell that uses it is
    pointed at the renamed copy (a font object per cell took minutes at 50,000 projects)."""
    try:
        normal = next(s for s in workbook._named_styles if s.name == "Normal")
        normal.font = copy(normal.font)
        normal.font.name = FONT
    except StopIteration:  # pragma: no cover - openpyxl always has Normal
        pass
    fonts = workbook._fonts
    renamed: dict[int, int] = {}  # font id → id of the same font in FONT
    for ws in workbook.worksheets:
        for cell in getattr(ws, "_cells", {}).values():
            style = cell._style
            if style is None:
                if cell._value is None:
                    continue  # an empty unstyled cell is not written
                style = cell._style = StyleArray()  # a plain cell: the workbook's default font (id 0)
            elif cell._value is None and not any(style):
                continue
            _rename_font(style, fonts, renamed)
        streamed = streamed_rows(ws)
        if streamed is not None:
            # After the sheet's cells: each streamed style's font was first used by a real
            # cell (the first cell of each style is one), so the fonts are added in the order
            # a cell-by-cell workbook adds them.
            for style in streamed.styles.values():
                _rename_font(style, fonts, renamed)


def _rename_font(style: StyleArray, fonts, renamed: dict[int, int]) -> None:
    """Point ``style`` at the copy of its font in FONT (made and added on first use)."""
    old_id = style[FONT_ID]  # style.fontId without its descriptor (millions of cells)
    font_id = renamed.get(old_id)
    if font_id is None:
        changed = copy(fonts[old_id])
        changed.name = FONT
        font_id = renamed[old_id] = fonts.add(changed)
    style[FONT_ID] = font_id
