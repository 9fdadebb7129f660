"""The MACC sheet: the marginal abatement cost curve of every candidate project.

A table of the projects that are not excluded and reduce CO2, cheapest tonne first
(:func:`retrofit_opt.economics.macc_points`: width = CO2 reduction, t CO2/yr; height =
abatement cost, 元/t CO2), the chosen ones marked, with each bar's cumulative start and
end; and a native Excel chart of the curve.

Excel has no variable-width bar chart, so the chart is a scatter chart with straight lines
that draws each bar's outline exactly: four points per project, (x₀, 0), (x₀, h), (x₁, h),
(x₁, 0), with x₀ … x₁ its span of cumulative CO2 and h its abatement cost.  The points are
written below the table (the chart reads them from the sheet); one series traces the chosen
projects' bars, another the others' (a blank cell breaks a series' line, so each series
shows only its own bars), and, when the case sets a carbon price, a third draws it as a
horizontal line: a project whose bar lies below the line has a positive NPV.

Bars are labelled with their project id, each by a series of one point at the bar's top
centre (the "Bar labels" table below the points).  A curve of at most :data:`LABELLED_BARS`
bars labels every bar; a longer one labels only the :data:`LABELLED_BARS` widest (largest
CO2 reduction, ties by curve order), listed in curve order, turns their text upright (8 pt,
reading upwards: each takes one line's width, so labels of nearby bars seldom overlap) and
says so in a note under the table's title: a chart of thousands of labels is unreadable,
and each label is a chart series (at 50,000 bars building and saving them took most of the
workbook's writing).

Every number is written as a number (no formulas): the cumulative widths are running sums
of the CO2 reductions shown.
"""
from __future__ import annotations

import heapq
from dataclasses import dataclass

from openpyxl.chart import Reference, ScatterChart, Series
from openpyxl.chart.data_source import AxDataSource, NumDataSource, NumRef
from openpyxl.chart.marker import Marker
from openpyxl.chart.series import SeriesLabel, XYSeries
from openpyxl.chart.shapes import GraphicalProperties
from openpyxl.chart.label import DataLabelList
from openpyxl.chart.legend import LegendEntry
from openpyxl.chart.text import RichText
from openpyxl.drawing.text import (CharacterProperties, Font as DrawingFont, Paragraph, ParagraphProperties,
                                   RichTextProperties)
from openpyxl.utils import get_column_letter

from retrofit_opt import economics
from retrofit_opt.indicators import indicator_table
from retrofit_opt.report import labels as L
from retrofit_opt.report.cash_flow_sheet import nice_floor
from retrofit_opt.report.charts import FONT
from retrofit_opt.report.common import yes_no
from retrofit_opt.report.writer import INTEGER, MONEY, SECTION_FONT, TITLE_FONT, SheetWriter

CO2_FORMAT = "#,##0.0"
COST_FORMAT = "#,##0.0"
HEADER_ROW = 5  # the table's header; its rows follow
COLOURS = {"chosen": "2E7D32", "other": "9E9E9E", "carbon_price": "C62828"}
LABELLED_BARS = 40  # the most bars the chart labels with their project id


@dataclass(frozen=True)
class Bar:
    """One project on the curve."""

    order: int  # 1 = the cheapest tonne
    project: object
    chosen: bool
    width: float  # t CO2/yr
    height: float  # 元/t CO2
    start: float  # cumulative CO2 before this bar, t CO2/yr
    end: float  # cumulative CO2 after it

    @property
    def net_cost(self) -> float:
        """万元/yr: the yearly net cost the bar stands for (height × width / 10⁴)."""
        return self.height * self.width / 1e4


def bars(result) -> list[Bar]:
    """The curve's bars: candidates not excluded with a positive CO2 reduction, by
    abatement cost (ties in the input order), each starting where the previous ended."""
    case = result.case
    table = indicator_table(result)
    candidates = [p for p in case.projects if not p.excluded]
    points = economics.macc_points(candidates, case.parameters, lambda p: table.get("abatement_cost", p))
    out, cumulative = [], 0.0
    for order, point in enumerate(points, start=1):
        start, cumulative = cumulative, cumulative + point.width
        out.append(Bar(order, case.project(point.project_id), point.project_id in result.plan,
                       point.width, point.height, start, cumulative))
    return out


def has_curve(result) -> bool:
    """A candidate has a bar (:func:`bars`): it is not excluded and has an abatement cost."""
    table = indicator_table(result)
    return any(table.get("abatement_cost", p) is not None for p in result.case.projects if not p.excluded)


def labelled_bars(curve: list[Bar], limit: int = LABELLED_BARS) -> list[Bar]:
    """The bars that carry a label, in curve order: every bar of a curve of at most
    ``limit`` bars, else the ``limit`` widest (largest CO2 reduction; of equal widths the
    earlier on the curve)."""
    if len(curve) <= limit:
        return list(curve)
    widest = heapq.nsmallest(limit, curve, key=lambda bar: (-bar.width, bar.order))
    return sorted(widest, key=lambda bar: bar.order)


def _upright_labels() -> RichText:
    """Label text turned a quarter turn (reading upwards), 8 pt: each label takes the
    width of one line of text, so labels of nearby bars of a long curve seldom overlap."""
    props = CharacterProperties(latin=DrawingFont(typeface=FONT), ea=DrawingFont(typeface=FONT),
                                cs=DrawingFont(typeface=FONT), sz=800)
    return RichText(bodyPr=RichTextProperties(rot=-5400000, vert="horz"),
                    p=[Paragraph(pPr=ParagraphProperties(defRPr=props), endParaRPr=props)])


def _label_series(ws, label_rows, upright: bool = False) -> list:
    """One series per labelled bar, a single point at its top centre labelled with the
    project id (no line, no marker; ``upright``: the text turned, see :func:`_upright_labels`).
    As ``Series(y, x, title=id)`` with the marker, line and label settings below, but the
    settings are one shared object each instead of three new ones per bar."""
    marker = Marker(symbol="none")
    lines = GraphicalProperties()
    lines.line.noFill = True
    labels = DataLabelList(showSerName=True, showVal=False, showLegendKey=False, showCatName=False, dLblPos="t")
    if upright:
        labels.txPr = _upright_labels()
    out = []
    for label_row, project_id in label_rows:
        y = Reference(ws, min_col=3, min_row=label_row)
        x = Reference(ws, min_col=2, min_row=label_row)
        out.append(XYSeries(tx=SeriesLabel(v=project_id), yVal=NumDataSource(numRef=NumRef(f=y)),
                            xVal=AxDataSource(numRef=NumRef(f=x)), spPr=lines, marker=marker, smooth=False,
                            dLbls=labels))
    return out


def write_macc(w: SheetWriter, result, lang: str) -> None:
    case = result.case
    t = lambda key, **fmt: L.label(key, lang, **fmt)  # noqa: E731
    head = lambda name: L.column_header("projects", name, lang)  # noqa: E731
    carbon_price = case.parameters.carbon_price
    curve = bars(result)
    w.put(1, 1, t("macc.title"), font=TITLE_FONT, measure=False)
    w.note(2, t("macc.note_bars"))
    w.note(3, t("macc.note_cost"))
    if carbon_price:
        w.note(4, t("macc.note_carbon_price", price=f"{carbon_price:g}"))
    headers = [t("macc.order"), head("id"), head("name"), t("macc.chosen"), t("macc.width"), t("macc.height"),
               t("macc.from"), t("macc.to"), t("macc.net_cost")]
    w.header(HEADER_ROW, 1, headers)
    row = HEADER_ROW + 1
    if not curve:
        w.put(row, 1, t("macc.empty"), measure=False)
        w.finish(None)
        return
    w.rows(row, 1, [[bar.order, bar.project.id, bar.project.name, yes_no(bar.chosen, lang), bar.width, bar.height,
                     bar.start, bar.end, bar.net_cost] for bar in curve],
           [INTEGER, None, None, None, CO2_FORMAT, COST_FORMAT, CO2_FORMAT, CO2_FORMAT, MONEY])
    row += len(curve)
    table = indicator_table(result)
    left_out = [p for p in case.projects if not p.excluded and table.get("abatement_cost", p) is None]
    if left_out:
        w.note(row, t("macc.note_left_out", ids=", ".join(p.id for p in left_out)))
        row += 1

    # The chart's points: the outline of each bar, in the series of its group.
    row += 1
    w.put(row, 1, t("macc.points"), font=SECTION_FONT, measure=False)
    row += 1
    series_names = [t("macc.series_chosen"), t("macc.series_other")]
    point_headers = [t("macc.x"), *[f"{name} ({t('macc.unit_cost')})" for name in series_names]]
    if carbon_price:
        point_headers.append(t("macc.series_carbon_price"))
    w.header(row, 1, point_headers)
    first = row + 1
    row = first
    used = {2 if bar.chosen else 3 for bar in curve}
    points = []
    for bar in curve:
        for x, y in ((bar.start, 0.0), (bar.start, bar.height), (bar.end, bar.height), (bar.end, 0.0)):
            points.append([x, y, None] if bar.chosen else [x, None, y])  # a blank is no cell
    w.rows(row, 1, points, [CO2_FORMAT, COST_FORMAT, COST_FORMAT], measure=False)
    row += len(points)
    if carbon_price:
        used.add(4)
        for x in (0.0, curve[-1].end):
            w.put(row, 1, x, CO2_FORMAT, measure=False)
            w.put(row, 4, float(carbon_price), COST_FORMAT, measure=False)
            row += 1
    last = row - 1

    # One label point (top centre) per labelled bar, carrying its project id.
    row += 1
    w.put(row, 1, t("macc.labels"), font=SECTION_FONT, measure=False)
    row += 1
    labelled = labelled_bars(curve)
    if len(labelled) < len(curve):
        w.note(row, t("macc.note_labels", shown=f"{len(labelled):,}", bars=f"{len(curve):,}"))
        row += 1
    w.header(row, 1, [t("macc.label_id"), t("macc.x"), t("macc.height")])
    w.rows(row + 1, 1, [[bar.project.id, (bar.start + bar.end) / 2, bar.height] for bar in labelled],
           [None, CO2_FORMAT, COST_FORMAT], measure=False)
    label_rows = [(row + 1 + k, bar.project.id) for k, bar in enumerate(labelled)]
    row += len(labelled)

    chart = ScatterChart()
    chart.title = t("macc.chart_title")
    chart.style = 13
    chart.height, chart.width = 11, 22  # cm
    chart.x_axis.title = t("macc.axis_x")
    chart.y_axis.title = t("macc.axis_y")
    chart.x_axis.number_format = "#,##0"
    chart.y_axis.number_format = "#,##0"
    chart.scatterStyle = "line"
    chart.x_axis.scaling.min = 0
    chart.x_axis.axPos = "b"
    chart.x_axis.tickLblPos = "low"  # the labels under the plot, also when costs are negative
    chart.x_axis.majorGridlines = None
    chart.x_axis.delete = False  # openpyxl ≥ 3.1 hides the axes unless told otherwise
    chart.y_axis.delete = False
    chart.legend.position = "b"
    chart.display_blanks = "gap"  # a blank cell ends a line: each series draws only its own bars
    xvalues = Reference(w.ws, min_col=1, min_row=first, max_row=last)
    for col, name, key in ((2, series_names[0], "chosen"), (3, series_names[1], "other"),
                           (4, t("macc.series_carbon_price"), "carbon_price")):
        if col not in used:
            continue
        series = Series(Reference(w.ws, min_col=col, min_row=first, max_row=last), xvalues, title=name)
        series.marker.symbol = "none"
        series.smooth = False
        series.graphicalProperties.line.solidFill = COLOURS[key]
        series.graphicalProperties.line.width = 22000 if key != "carbon_price" else 19050  # EMU
        if key == "carbon_price":
            series.graphicalProperties.line.dashStyle = "dash"
        chart.series.append(series)
    shown = len(chart.series)
    chart.series.extend(_label_series(w.ws, label_rows, upright=len(labelled) < len(curve)))
    chart.legend.legendEntry = [LegendEntry(idx=i, delete=True) for i in range(shown, len(chart.series))]
    heights = [bar.height for bar in curve] + ([float(carbon_price)] if carbon_price else [])
    chart.y_axis.scaling.min = nice_floor(min(heights))  # negative costs stay visible; 0 otherwise
    w.finish(f"A{HEADER_ROW + 1}")
    w.ws.add_chart(chart, f"A{row + 3}")  # below the tables
