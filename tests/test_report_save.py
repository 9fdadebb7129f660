"""The fast save (report/save.py) writes the package openpyxl's own writer writes, byte for
byte: every part of the results workbook of each bundled case, in both languages, with
explanations, charts, formulas, merged notes and print setup; of generated cases of 2,000
projects (one year) and 600 projects over three years (bench/generate.py: thousands of
rows with row heights, every sheet of a large case); and a sheet of hostile text
(leading/trailing spaces, XML specials, a text that looks like a formula, control
characters, very long text, wide characters) and odd numbers."""
from __future__ import annotations

import io
import sys
import zipfile
from datetime import datetime
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook

from retrofit_opt.loader import load_case
from retrofit_opt.report import workbook as W
from retrofit_opt.report.save import save_workbook
from retrofit_opt.report.writer import MONEY, SheetWriter
from retrofit_opt.studies.solve import solve_case

ROOT = Path(__file__).resolve().parent.parent
CASES = ROOT / "cases"
WRITTEN_AT = datetime(2026, 1, 2, 3, 4, 5)


def parts(save, build) -> dict[str, bytes]:
    """The zip parts of a workbook built fresh by ``build()`` and saved by ``save``; the
    modification time in docProps/core.xml is the clock's and is left out."""
    buffer = io.BytesIO()
    save(build(), buffer)
    with zipfile.ZipFile(buffer) as archive:
        return {name: archive.read(name) for name in archive.namelist() if name != "docProps/core.xml"}


def openpyxl_save(workbook, target) -> None:
    workbook.save(target)


def builder(result, lang, streamed: bool = True):
    """A function building the finished results workbook of ``result`` afresh (each save
    gets its own copy; the clock is fixed); without ``streamed``, every table row is made of
    openpyxl cells (what openpyxl's own save can write)."""
    def build():
        kept = W.STREAMED_SHEETS
        W.STREAMED_SHEETS = kept if streamed else frozenset()
        try:
            report = W.build_workbook(result, lang, written_at=WRITTEN_AT)
        finally:
            W.STREAMED_SHEETS = kept
        W.finish_workbook(report, result.case, WRITTEN_AT)
        return report.workbook
    return build


def streamed_and_cells(result, lang) -> tuple[dict, dict]:
    """The parts of the workbook saved by the fast save with its long tables streamed, and
    the parts openpyxl's own save writes for the same workbook made of cells only; the
    fast save of the cells-only workbook must write the latter too."""
    ours = parts(save_workbook, builder(result, lang))
    theirs = parts(openpyxl_save, builder(result, lang, streamed=False))
    assert parts(save_workbook, builder(result, lang, streamed=False)) == theirs
    return ours, theirs


@pytest.fixture(scope="module")
def results():
    return {stem: solve_case(load_case(CASES / f"{stem}.xlsx"), time_limit=60)
            for stem in ("tiny", "ganhe_2024", "qinghai_2025")}


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("stem", ["tiny", "ganhe_2024", "qinghai_2025"])
def test_the_fast_save_writes_openpyxls_bytes(results, stem, lang):
    ours, theirs = streamed_and_cells(results[stem], lang)
    assert sorted(ours) == sorted(theirs)
    assert any(name.startswith("xl/charts/") for name in theirs) or stem == "tiny"
    different = [name for name in theirs if ours[name] != theirs[name]]
    assert different == []


@pytest.mark.parametrize("projects, years, lang", [(2000, 1, "zh"), (600, 3, "en")])
def test_the_fast_save_writes_openpyxls_bytes_for_a_generated_case(projects, years, lang):
    sys.path.insert(0, str(ROOT / "bench"))
    try:
        from generate import generate_case
    finally:
        sys.path.remove(str(ROOT / "bench"))
    result = solve_case(generate_case(projects, years, seed=7), explain=False, mip_gap=1e-2, time_limit=60)
    assert result.plan and len(result.plan) < projects  # both tables of projects are long

    ours, theirs = streamed_and_cells(result, lang)
    assert sorted(ours) == sorted(theirs)
    assert len([name for name in theirs if name.startswith("xl/worksheets/sheet")]) >= 6
    assert [name for name in theirs if ours[name] != theirs[name]] == []


@pytest.mark.parametrize("years, lang", [(1, "zh"), (3, "en")])
def test_the_fast_save_writes_openpyxls_bytes_for_a_comparison_workbook(years, lang):
    """The comparison workbook (Scenarios, the streamed Scenario matrix with its filled
    chosen cells, the base case's sheets), single-period and multi-year (start years in the
    matrix)."""
    from retrofit_opt.case import Scenario
    from retrofit_opt.results import ScenarioResult
    from retrofit_opt.scenarios import apply_scenario
    sys.path.insert(0, str(ROOT / "bench"))
    try:
        from generate import generate_case
    finally:
        sys.path.remove(str(ROOT / "bench"))
    case = generate_case(300, years, seed=11)
    scenarios = [Scenario("base", "as given"), Scenario("tight", "budgets × 0.7", {"budget_scale": 0.7})]
    runs = [ScenarioResult(s, solve_case(case if k == 0 else apply_scenario(case, s), explain=False, mip_gap=1e-2,
                                         time_limit=60)) for k, s in enumerate(scenarios)]
    assert runs[0].result.plan and runs[1].result.plan != runs[0].result.plan

    def build(streamed: bool):
        def make():
            kept = W.STREAMED_SHEETS
            W.STREAMED_SHEETS = kept if streamed else frozenset()
            try:
                report = W.build_comparison_workbook(runs, lang, WRITTEN_AT)
            finally:
                W.STREAMED_SHEETS = kept
            W.finish_workbook(report, case, WRITTEN_AT)
            return report.workbook
        return make

    ours, theirs = parts(save_workbook, build(True)), parts(openpyxl_save, build(False))
    assert sorted(ours) == sorted(theirs)
    assert [name for name in theirs if ours[name] != theirs[name]] == []
    matrix = load_workbook(io.BytesIO(_saved(build(True)))).worksheets[1]
    filled = {(cell.row, cell.column) for row in matrix.iter_rows(min_row=5, min_col=4, max_col=5) for cell in row
              if cell.fill.fgColor.rgb not in (None, "00000000")}
    chosen = {(5 + k, 4 + s) for s, run in enumerate(runs) for k, p in enumerate(case.projects) if p.id in run.result.plan}
    assert filled == chosen


def _saved(make) -> bytes:
    buffer = io.BytesIO()
    save_workbook(make(), buffer)
    return buffer.getvalue()


HOSTILE = ["  leading", "trailing  ", "   ", "a & b < c > d", '"quoted" \'single\'', "=SUM(A1:A2)", "+1", "-2",
           "@x", "tab\there", "line\nbreak", "bell\x07char", "x" * 40000, "节能量（吨标准煤/年）", "#N/A", "]]>",
           "\u00a0nbsp\u00a0", "emoji 😀"]
NUMBERS = [0, -0.0, 1, -1, 2 ** 53 + 1, 10 ** 20, 1e-300, 1.5e300, 0.1 + 0.2, 123456.789, -987654321.123456789]


@pytest.mark.parametrize("stem", ["ganhe_2024", "qinghai_2025"])
def test_a_workbook_serialised_ahead_saves_the_same_bytes(results, stem):
    """``compare`` serialises the base case's finished sheets ahead of the save
    (:func:`serialise_ahead`, on the thread that built them); the saved workbook is the one
    saved without it, part for part, and a second save serialises afresh."""
    from retrofit_opt.report.save import serialise_ahead
    build = builder(results[stem], "zh")

    def ahead():
        workbook = build()
        assert serialise_ahead(workbook)
        return workbook

    assert parts(save_workbook, ahead) == parts(save_workbook, build)
    workbook = ahead()
    first, second = io.BytesIO(), io.BytesIO()
    save_workbook(workbook, first)
    save_workbook(workbook, second)
    with zipfile.ZipFile(first) as a, zipfile.ZipFile(second) as b:
        assert {n: a.read(n) for n in a.namelist() if n.startswith("xl/worksheets/sheet")} == \
            {n: b.read(n) for n in b.namelist() if n.startswith("xl/worksheets/sheet")}


def test_hostile_text_and_odd_numbers_are_saved_as_openpyxl_saves_them():
    def build():
        wb = Workbook()
        ws = wb.active
        w = SheetWriter(ws, {})
        w.header(1, 1, ["text", "number"])
        for row, text in enumerate(HOSTILE, start=2):
            w.put(row, 1, text)
        for row, number in enumerate(NUMBERS, start=2):
            w.put(row, 2, number, MONEY)
        ws.cell(row=30, column=3).number_format = MONEY  # an empty, styled cell
        ws.row_dimensions[40].height = 30  # a row with a height and no cell
        ws.row_dimensions[5].height = 45  # a row with a height and cells
        w.finish("A2")
        return wb

    ours, theirs = parts(save_workbook, build), parts(openpyxl_save, build)
    assert ours == theirs
    buffer = io.BytesIO()
    save_workbook(build(), buffer)
    ws = load_workbook(buffer).active
    assert ws.cell(row=2, column=1).value == "  leading"
    assert ws.cell(row=7, column=1).value == "=SUM(A1:A2)" and ws.cell(row=7, column=1).data_type == "s"
    assert ws.cell(row=13, column=1).value == "bellchar"  # the control character is removed
    assert len(ws.cell(row=14, column=1).value) == 32767  # Excel's limit, as openpyxl truncates
    assert ws.cell(row=6, column=2).value == float("%.16g" % (2 ** 53 + 1))  # openpyxl keeps 16 digits


def test_row_attributes_are_escaped_as_xml_etree_escapes_them():
    from xml.etree.ElementTree import _escape_attrib  # what et_xmlfile escapes attribute values with

    from retrofit_opt.report.save import _escape_attribute
    for text in ['a&b<c>d"e\rf\ng\th', "&amp;", "15.75", "", '""', "\r\n\t&<>", "宽 'x'"]:
        assert _escape_attribute(text) == _escape_attrib(text)
