"""Native Excel charts that cannot mislead (issue 13): straight lines, visible markers,
value axes from 0 (or marked in the axis title where they are not), integer or 万元
number formats, a title with units on every chart, a CJK-capable font.

Sheets build their charts with :func:`scatter` and :func:`bar_chart` (or openpyxl
directly); :func:`finish_charts` then applies the common rules to every chart of the
workbook, including charts other modules add.  Helper numbers a chart needs but a reader
does not go on the hidden chart-data sheet (:class:`ChartData`).
"""
from __future__ import annotations

from openpyxl.chart import BarChart, Reference, ScatterChart, Series
from openpyxl.chart.axis import NumericAxis
from openpyxl.chart.data_source import NumFmt
from openpyxl.chart.label import DataLabelList
from openpyxl.chart.text import RichText
from openpyxl.drawing.text import CharacterProperties, Font as DrawingFont, Paragraph, ParagraphProperties

from retrofit_opt.report import labels as L

WIDTH, HEIGHT = 18.0, 9.0  # cm
FONT = "Microsoft YaHei"  # has Latin and CJK glyphs; LibreOffice substitutes a CJK sans where absent
CHART_DATA_KEY = "chart_data"


def _axes(chart, x_title: str, y_title: str) -> None:
    chart.x_axis.title = x_title or None
    chart.y_axis.title = y_title
    # openpyxl ≥ 3.1 leaves axes to be deleted unless told otherwise (Excel then hides them)
    chart.x_axis.delete = False
    chart.y_axis.delete = False
    chart.width, chart.height = WIDTH, HEIGHT


def reference(ws, col: int, first_row: int, last_row: int) -> Reference:
    return Reference(ws, min_col=col, min_row=first_row, max_row=last_row)


def scatter(ws, anchor: str, title: str, x_title: str, y_title: str, series: list[dict]) -> ScatterChart:
    """A scatter chart with straight lines; each series is ``dict(x=Reference,
    y=Reference, title=str, line=bool, marker=str | None)``."""
    chart = ScatterChart()
    chart.title = title
    chart.style = 13
    chart.scatterStyle = "lineMarker"
    _axes(chart, x_title, y_title)
    for spec in series:
        s = Series(spec["y"], spec["x"], title=spec["title"])
        marker = spec.get("marker", "circle")
        if marker:
            s.marker.symbol = marker
            s.marker.size = 7
        if not spec.get("line", True):
            s.graphicalProperties.line.noFill = True
        elif spec.get("dash"):
            s.graphicalProperties.line.dashStyle = "dash"
        s.smooth = False
        chart.series.append(s)
    ws.add_chart(chart, anchor)
    return chart


def bars(ws, anchor: str, title: str, x_title: str, y_title: str, categories: Reference,
         data: list[Reference]) -> BarChart:
    """A clustered column chart; each data reference starts at its header cell (the
    series title)."""
    return bar_chart(ws, anchor, title, x_title, y_title, categories, data)


def bar_chart(ws, anchor: str, title: str, x_title: str, y_title: str, categories: Reference,
              data: list[Reference], *, number_format: str = "#,##0", colours=(), width: float = WIDTH,
              height: float = HEIGHT, labels: bool = False) -> BarChart:
    """A clustered column chart from 0, each data reference starting at its header cell."""
    chart = BarChart()
    chart.type = "col"
    chart.grouping = "clustered"
    chart.title = title
    chart.style = 10
    _axes(chart, x_title, y_title)
    chart.width, chart.height = width, height
    for ref in data:
        chart.add_data(ref, titles_from_data=True)
    chart.set_categories(categories)
    for series, colour in zip(chart.series, colours):
        series.graphicalProperties.solidFill = colour
        series.graphicalProperties.line.solidFill = colour
    chart.y_axis.number_format = number_format
    chart.y_axis.numFmt = NumFmt(formatCode=number_format, sourceLinked=False)
    if labels:
        chart.dataLabels = DataLabelList(showVal=True)
    ws.add_chart(chart, anchor)
    return chart


# ------------------------------------------------------------------------- the data sheet
class ChartData:
    """The hidden sheet of chart numbers (图表数据 / Chart data): tables stacked one under
    another, each with a title row and a header row."""

    def __init__(self, workbook, lang: str):
        self.workbook = workbook
        self.lang = lang
        self.ws = None
        self.row = 1

    def _sheet(self):
        if self.ws is None:
            self.ws = self.workbook.create_sheet(L.sheet_title(CHART_DATA_KEY, self.lang))
            self.ws.sheet_state = "hidden"
        return self.ws

    def table(self, title: str, header: list[str], rows: list[list]) -> list[Reference]:
        """Write a table; returns [categories, series 1 (from its header), series 2, …]."""
        ws = self._sheet()
        ws.cell(row=self.row, column=1, value=title)
        top = self.row + 1
        for col, text in enumerate(header, start=1):
            ws.cell(row=top, column=col, value=text).data_type = "s"
        for offset, values in enumerate(rows, start=1):
            for col, value in enumerate(values, start=1):
                cell = ws.cell(row=top + offset, column=col, value=value)
                if isinstance(value, str):
                    cell.data_type = "s"
        last = top + len(rows)
        self.row = last + 2
        refs = [Reference(ws, min_col=1, min_row=top + 1, max_row=last)]
        refs += [Reference(ws, min_col=col, min_row=top, max_row=last) for col in range(2, len(header) + 1)]
        return refs


# ------------------------------------------------------------------------- common rules
def _text_properties(size: int = 900, bold: bool = False) -> RichText:
    props = CharacterProperties(latin=DrawingFont(typeface=FONT), ea=DrawingFont(typeface=FONT),
                                cs=DrawingFont(typeface=FONT), sz=size, b=bold)
    return RichText(p=[Paragraph(pPr=ParagraphProperties(defRPr=props), endParaRPr=props)])


def _value_axes(chart) -> list:
    axes = [chart.y_axis]
    if isinstance(chart.x_axis, NumericAxis):
        axes.append(chart.x_axis)
    return axes


def finish_charts(workbook) -> None:
    """Apply the rules to every chart: no smoothing, markers kept, value axes from 0 unless
    the chart set its own minimum (then its axis title says so), blanks as gaps, fonts."""
    for ws in workbook.worksheets:
        for chart in getattr(ws, "_charts", []):
            finish_chart(chart)


def finish_chart(chart) -> None:
    # every chart has a title with its units: tests/test_report_charts.py checks each output
    for part in getattr(chart, "_charts", [chart]):
        for series in part.series:
            if hasattr(series, "smooth"):
                series.smooth = False
    chart.display_blanks = "gap"
    chart.visible_cells_only = False  # the chart-data sheet is hidden
    chart.x_axis.tickLblPos = "low"  # category labels below negative bars, not across them
    for axis in [chart.x_axis, chart.y_axis]:
        axis.delete = False
        axis.txPr = _text_properties()
    for axis in _value_axes(chart):
        if axis.scaling.min is None:
            axis.scaling.min = 0
        if axis.numFmt is None:
            axis.numFmt = NumFmt(formatCode="#,##0", sourceLinked=False)
    if chart.legend is not None:
        chart.legend.position = "b"
        chart.legend.txPr = _text_properties()
    _title_font(chart.title)


def _title_font(title) -> None:
    """The chart title in the CJK-capable font, 12 pt bold."""
    rich = getattr(getattr(title, "tx", None), "rich", None)
    if rich is None:
        return
    for paragraph in rich.p:
        for run in paragraph.r or []:
            run.rPr = CharacterProperties(latin=DrawingFont(typeface=FONT), ea=DrawingFont(typeface=FONT),
                                          sz=1200, b=True)


def axis_marked(text: str, start: str, lang: str) -> str:
    """An axis title that says where a value axis not starting at 0 starts."""
    return L.label("chart.axis_from", lang, title=text, start=start)
