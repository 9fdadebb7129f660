"""Native Excel charts (openpyxl.chart) for the Scenarios, Frontier, Pareto and Priority
sheets: the charts read their numbers from the sheet's own cells, so they stay live."""
from __future__ import annotations

from openpyxl.chart import BarChart, Reference, ScatterChart, Series

WIDTH, HEIGHT = 18.0, 9.0  # cm


def _axes(chart, x_title: str, y_title: str) -> None:
    chart.x_axis.title = x_title
    chart.y_axis.title = y_title
    # openpyxl ≥ 3.1 leaves axes to be deleted unless told otherwise (Excel then hides them)
    chart.x_axis.delete = False
    chart.y_axis.delete = False
    chart.width, chart.height = WIDTH, HEIGHT


def reference(ws, col: int, first_row: int, last_row: int) -> Reference:
    return Reference(ws, min_col=col, min_row=first_row, max_row=last_row)


def scatter(ws, anchor: str, title: str, x_title: str, y_title: str, series: list[dict]) -> ScatterChart:
    """A scatter chart; each series is ``dict(x=Reference, y=Reference, title=str,
    line=bool, marker=str | None)``."""
    chart = ScatterChart()
    chart.title = title
    chart.style = 13
    _axes(chart, x_title, y_title)
    for spec in series:
        s = Series(spec["y"], spec["x"], title=spec["title"])
        marker = spec.get("marker", "circle")
        if marker:
            s.marker.symbol = marker
            s.marker.size = 6
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
    chart = BarChart()
    chart.type = "col"
    chart.grouping = "clustered"
    chart.title = title
    chart.style = 10
    _axes(chart, x_title, y_title)
    for ref in data:
        chart.add_data(ref, titles_from_data=True)
    chart.set_categories(categories)
    ws.add_chart(chart, anchor)
    return chart
