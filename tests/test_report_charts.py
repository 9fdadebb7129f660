"""The chart XML of every bundled output (solve on each case, compare and sweep on Ganhe,
both languages): no smoothed line, every value axis starts at 0 or below (or its title says
where it starts), every chart has a title, every bar or line series has its own data
(issue 13: charts that cannot mislead)."""
from __future__ import annotations

import re
import zipfile

import pytest
from xml.etree import ElementTree as etree

from bundled_outputs import LANGS, commands

C = "{http://schemas.openxmlformats.org/drawingml/2006/chart}"
A = "{http://schemas.openxmlformats.org/drawingml/2006/main}"
AXIS_FROM = re.compile(r"axis from|坐标轴起点")


def charts_of(path):
    with zipfile.ZipFile(path) as z:
        for name in sorted(n for n in z.namelist() if re.fullmatch(r"xl/charts/chart\d+\.xml", n)):
            yield name, etree.fromstring(z.read(name))


def text_of(element) -> str:
    return "".join(t.text or "" for t in element.iter(f"{A}t")) if element is not None else ""


def chart_problems(name, root) -> list[str]:
    problems = []
    chart = root.find(f"{C}chart")
    title = chart.find(f"{C}title")
    if not text_of(title).strip():
        problems.append(f"{name}: no title")
    deleted = chart.find(f"{C}autoTitleDeleted")
    if deleted is not None and deleted.get("val") in ("1", "true"):
        problems.append(f"{name}: title deleted")
    for kind in ("lineChart", "scatterChart"):
        for plot in chart.iter(f"{C}{kind}"):
            style = plot.find(f"{C}scatterStyle")
            if style is not None and "smooth" in (style.get("val") or "").lower():
                problems.append(f"{name}: scatter style {style.get('val')}")
            for series in plot.findall(f"{C}ser"):
                smooth = series.find(f"{C}smooth")
                if smooth is None or smooth.get("val") not in ("0", "false"):
                    problems.append(f"{name}: a {kind} series is smoothed (or does not say it is not)")
    for axis in chart.iter(f"{C}valAx"):
        minimum = axis.find(f"{C}scaling/{C}min")
        marked = AXIS_FROM.search(text_of(axis.find(f"{C}title")))
        if not marked and (minimum is None or float(minimum.get("val")) > 0):
            problems.append(f"{name}: value axis {text_of(axis.find(f'{C}title'))!r} does not start at 0 "
                            f"(min {None if minimum is None else minimum.get('val')}) and is not marked")
        fmt = axis.find(f"{C}numFmt")
        if fmt is None or "E" in (fmt.get("formatCode") or ""):
            problems.append(f"{name}: value axis without a plain number format")
    return problems


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("name", list(commands()))
def test_charts_cannot_mislead(bundled_outputs, name, lang):
    path = bundled_outputs[(name, lang)]
    found = list(charts_of(path))
    assert found, "every bundled output has charts (at least the executive summary's)"
    problems = [p for chart_name, root in found for p in chart_problems(chart_name, root)]
    assert not problems, "\n".join(problems[:30])


def test_the_rules_catch_a_misleading_chart(tmp_path):
    """The checker itself fails a smoothed line, an axis from 34,000 and an untitled chart."""
    from openpyxl import Workbook
    from openpyxl.chart import LineChart, Reference
    wb = Workbook()
    ws = wb.active
    for row in ([1, 34000], [2, 36000]):
        ws.append(row)
    chart = LineChart()
    chart.add_data(Reference(ws, min_col=2, min_row=1, max_row=2))
    chart.series[0].smooth = True
    chart.y_axis.scaling.min = 34000
    ws.add_chart(chart, "D2")
    wb.save(tmp_path / "bad.xlsx")
    problems = [p for n, root in charts_of(tmp_path / "bad.xlsx") for p in chart_problems(n, root)]
    assert any("no title" in p for p in problems)
    assert any("smoothed" in p for p in problems)
    assert any("does not start at 0" in p for p in problems)
