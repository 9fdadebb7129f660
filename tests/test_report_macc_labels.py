"""The MACC chart labels at most a fixed number of bars (issue 19): a curve of more bars than
the cap labels only the widest ones (largest CO2 reduction; of equal widths the earlier on
the curve), listed in curve order, with a note in the report's language saying so; a curve
of at most the cap labels every bar.  Each case is solved with the real solver, written with
the real writer to .xlsx and read back with openpyxl; which bars must carry a label is worked
out here from the MACC table on the sheet, independently of the writer."""
from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest
from openpyxl import load_workbook

from workbooks import write_workbook

import retrofit_opt
from retrofit_opt.report import write_results
from retrofit_opt.report.macc_sheet import LABELLED_BARS

from test_report import rows_of
from test_report_economics import chart_points, macc_table

REPO = Path(__file__).resolve().parents[1]
SHEET = {"en": "MACC", "zh": "边际减排成本曲线"}
LABELS_TITLE = {"en": "Bar labels (top centre of each bar)", "zh": "柱标签（各柱顶部中点）"}
COLUMNS = {"en": ("Order", "id", "CO2 reduction (t CO2/yr)", "Abatement cost (元/t CO2)",
                  "Cumulative CO2 from (t CO2/yr)", "Cumulative CO2 to (t CO2/yr)"),
           "zh": ("序号", "项目编号", "二氧化碳减排量（吨二氧化碳/年）", "减排成本（元/吨二氧化碳）",
                  "累计减排量起点（吨二氧化碳/年）", "累计减排量终点（吨二氧化碳/年）")}
LABEL_HEADER = {"en": ["Project", "Cumulative CO2 (t CO2/yr)", "Abatement cost (元/t CO2)"],
                "zh": ["项目", "累计二氧化碳减排量（吨二氧化碳/年）", "减排成本（元/吨二氧化碳）"]}


def note_text(lang: str, shown: int, bars: int) -> str:
    if lang == "zh":
        return f"图中仅标注减排量最大的 {shown:,} 个项目（共 {bars:,} 个）；全部项目见本工作表顶部的列表。"
    return (f"The chart labels only the {shown:,} projects with the largest CO2 reduction ({bars:,} bars in all); "
            "every project is listed in the table at the top of this sheet.")


# ----------------------------------------------------------------------------- cases
def tied_case(n: int, seed: int = 7) -> dict:
    """``n`` projects whose CO2 reductions take only ten values (many equal widths) and
    whose costs are drawn independently (the curve's order is not the input order)."""
    rng = np.random.default_rng(seed)
    header = ["id", "name", "capex (万元)", "energy_saving (tce/yr)", "co2_reduction (t/yr)",
              "annual_cost_saving (万元/yr)", "lifetime"]
    rows = []
    for k in range(1, n + 1):
        co2 = int(rng.choice([100, 200, 300, 400, 500, 600, 700, 800, 900, 1000]))
        capex = int(rng.integers(50, 1500))
        rows.append([f"P{k:03d}", f"Measure {k}", capex, int(co2 // 2.5), co2,
                     int(rng.integers(5, 200)), int(rng.integers(8, 21))])
    total = sum(r[2] for r in rows)
    return {"projects": [header, *rows],
            "budgets": [["pool", "year", "limit (万元)"], ["total", None, total // 2]],
            "targets": [["metric", "year", "kind", "value"], ["energy_saving", None, "min_total", 100]],
            "parameters": [["parameter", "value"], ["objective", "max_saving"]]}


def solved(path: Path):
    return retrofit_opt.solve_case(retrofit_opt.load_case(path))


def generated_case(tmp_path: Path, n: int) -> Path:
    sys.path.insert(0, str(REPO / "bench"))
    try:
        from generate import generate_case, write_case
    finally:
        sys.path.remove(str(REPO / "bench"))
    return write_case(generate_case(n, seed=3), tmp_path / "generated.xlsx")


# ----------------------------------------------------------------------------- reading the sheet
def curve(ws, lang: str) -> list[dict]:
    """The MACC table as (order, id, width, height, from, to) per bar."""
    names = ("order", "id", "width", "height", "start", "end")
    return [{name: r[col] for name, col in zip(names, COLUMNS[lang])} for r in macc_table(ws)]


def label_block(ws, lang: str) -> tuple[list[str], list[tuple[int, list]]]:
    """The notes under the Bar labels title and its table as (sheet row, [id, x, y])."""
    rows = rows_of(ws)
    start = next(i for i, r in enumerate(rows) if r[0] == LABELS_TITLE[lang])
    notes, i = [], start + 1
    while rows[i][1] is None and isinstance(rows[i][0], str):  # a note fills only the first cell
        notes.append(rows[i][0])
        i += 1
    assert rows[i][:3] == LABEL_HEADER[lang]
    table = []
    for k in range(i + 1, len(rows)):
        if rows[k][0] is None:
            break
        table.append((k + 1, rows[k][:3]))
    return notes, table


def expected_labelled(bars: list[dict], cap: int) -> list[dict]:
    """Every bar when there are at most ``cap``; else the ``cap`` widest (equal widths: the
    smaller curve order first), in curve order."""
    if len(bars) <= cap:
        return bars
    ranked = sorted(bars, key=lambda b: (-b["width"], b["order"]))
    return sorted(ranked[:cap], key=lambda b: b["order"])


def check_labels(path: Path, lang: str) -> tuple[list[dict], list[dict], list[str]]:
    """Read the written workbook and check the label series against the MACC table:
    returns the bars, the bars expected to be labelled and the notes under the title."""
    ws = load_workbook(path)[SHEET[lang]]
    bars = curve(ws, lang)
    assert [b["order"] for b in bars] == list(range(1, len(bars) + 1))
    want = expected_labelled(bars, LABELLED_BARS)
    notes, table = label_block(ws, lang)
    # the table: one row per labelled bar, at the top centre of its bar
    assert [r[0] for _, r in table] == [b["id"] for b in want]
    for (_, (pid, x, y)), b in zip(table, want):
        assert x == pytest.approx((b["start"] + b["end"]) / 2) and y == pytest.approx(b["height"])
    # the chart: the outline series over every bar's four points unchanged, then one
    # series per labelled bar, named by its id, reading its own table row
    (chart,) = ws._charts
    points, first = chart_points(ws)
    assert len(points) == 4 * len(bars) + (2 if points and points[-1][3] is not None else 0)
    last = first + len(points) - 1
    outlines = [s for s in chart.series if s.dLbls is None]
    labels = [s for s in chart.series if s.dLbls is not None]
    assert chart.series[:len(outlines)] == outlines  # outlines first, then the labels
    assert 2 <= len(outlines) <= 3
    assert all(s.xVal.numRef.f == f"'{ws.title}'!$A${first}:$A${last}" for s in outlines)
    assert [s.tx.v for s in labels] == [b["id"] for b in want]
    assert all(s.dLbls.showSerName and not s.dLbls.showVal for s in labels)
    for s, (row, _) in zip(labels, table):
        assert s.xVal.numRef.f == f"'{ws.title}'!$B${row}" and s.yVal.numRef.f == f"'{ws.title}'!$C${row}"
    # a capped curve's labels read upwards in 8 pt; an uncapped one keeps the chart's own text
    turns = {label_turn(s) for s in labels}
    assert turns == ({(-5400000, 800)} if len(want) < len(bars) else {(None, None)})
    return bars, want, notes


def label_turn(series) -> tuple:
    """(rotation in 60,000ths of a degree, size in 100ths of a point) of a series' labels."""
    text = series.dLbls.txPr
    if text is None:
        return None, None
    return text.bodyPr.rot, text.p[0].pPr.defRPr.sz


# ----------------------------------------------------------------------------- tests
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_more_bars_than_the_cap_label_the_widest_in_curve_order_with_a_note(tmp_path, lang):
    n = LABELLED_BARS + 25
    result = solved(write_workbook(tmp_path / "tied.xlsx", tied_case(n)))
    out = tmp_path / f"out_{lang}.xlsx"
    write_results(result, out, lang)
    bars, want, notes = check_labels(out, lang)
    assert len(bars) == n and len(want) == LABELLED_BARS
    # the case exercises the tie rule: equal widths straddle the cut, and breaking the tie
    # by input order instead of curve order would pick other bars
    ranked = sorted(bars, key=lambda b: (-b["width"], b["order"]))
    assert ranked[LABELLED_BARS - 1]["width"] == ranked[LABELLED_BARS]["width"]
    by_input = sorted(bars, key=lambda b: (-b["width"], b["id"]))[:LABELLED_BARS]
    assert {b["id"] for b in by_input} != {b["id"] for b in want}
    # every bar left unlabelled is no wider than the narrowest labelled one
    assert max(b["width"] for b in bars if b not in want) <= min(b["width"] for b in want)
    assert notes == [note_text(lang, LABELLED_BARS, n)]


def test_a_generated_case_labels_its_widest_bars(tmp_path):
    result = solved(generated_case(tmp_path, 120))
    out = tmp_path / "out.xlsx"
    write_results(result, out, "zh")
    bars, want, notes = check_labels(out, "zh")
    assert len(bars) > LABELLED_BARS and len(want) == LABELLED_BARS
    assert notes == [note_text("zh", LABELLED_BARS, len(bars))]


@pytest.mark.parametrize("n", [3, LABELLED_BARS])
def test_at_most_the_cap_labels_every_bar_without_a_note(tmp_path, n):
    result = solved(write_workbook(tmp_path / "tied.xlsx", tied_case(n)))
    out = tmp_path / "out.xlsx"
    write_results(result, out, "en")
    bars, want, notes = check_labels(out, "en")
    assert len(bars) == n and want == bars
    assert notes == []


def test_one_bar_over_the_cap_leaves_exactly_one_unlabelled(tmp_path):
    n = LABELLED_BARS + 1
    result = solved(write_workbook(tmp_path / "tied.xlsx", tied_case(n, seed=11)))
    out = tmp_path / "out.xlsx"
    write_results(result, out, "en")
    bars, want, notes = check_labels(out, "en")
    (left,) = [b for b in bars if b not in want]
    narrowest = [b for b in bars if b["width"] == min(b["width"] for b in bars)]
    assert left == narrowest[-1]  # of equally narrow bars, the last on the curve
    assert notes == [note_text("en", LABELLED_BARS, n)]
