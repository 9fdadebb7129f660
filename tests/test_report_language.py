"""Every sheet of every bundled output (solve on each case in cases/, compare and sweep on
Ganhe) speaks the report's language: a Chinese report has no English word outside an
explicit allow-list (project ids, file names, formula names, library names) and the text
the user wrote in the case; an English report has no Chinese outside 万元/元 and the
case's own text; no number anywhere is shown in exponent form (issue 13)."""
from __future__ import annotations

import platform
import re
from pathlib import Path

import pytest
from openpyxl import load_workbook

from bundled_outputs import CASES, LANGS, commands

# Words a Chinese report may contain: formula and function names, chemical formulas,
# library / tool / platform names, hash and time standards, the MACC acronym.
ZH_ALLOWED = {"GB", "T", "CO2", "SO2", "NOx", "CRF", "SUM", "NPV", "IRR", "MACC", "SHA", "UTC", "HiGHS", "Python",
              "highspy", "pyomo", "openpyxl", "pandas", "click", "retrofit", "opt", "xlsx", "PV",
              "Linux", "glibc", "x86_64", "with", "generic", "amd64", "aarch64", "Darwin", "Windows", "libc"}
EN_ALLOWED_CJK = {"万元", "元", "亿元", "万", "亿"}
# Chinese proper names an English report cites as they are: standards' and documents' titles,
# the electricity accounting methods' own names, the publishing body.
EN_ALLOWED_NAMES = re.compile(r"《[^》]*》|环办气候函〔\d+〕\d+号|\(第三版\)|中电联|当量值|等价值")
ENGLISH_WORD = re.compile(r"[A-Za-z][A-Za-z_]+")
CJK = re.compile(r"[\u3400-\u9fff\u3000-\u303f\uff00-\uffef]+")
EXPONENT = re.compile(r"(?<![0-9A-Za-z])\d(?:\.\d+)?[eE][+-]?\d+(?![0-9A-Za-z])")
HASH = re.compile(r"\b[0-9a-f]{64}\b")
TOOL = ("retrofit-opt", ".xlsx")


def case_texts(path: Path) -> set[str]:
    """Every text cell and sheet name of a case workbook: what the user wrote."""
    wb = load_workbook(path, read_only=True)
    texts = set(wb.sheetnames)
    for ws in wb.worksheets:
        for row in ws.iter_rows(values_only=True):
            texts.update(v.strip() for v in row if isinstance(v, str) and v.strip())
    wb.close()
    for text in list(texts):  # a header's name without its unit, a list's items
        texts.update(part.strip() for part in re.split(r"[,，、;/|()（）]", text) if part.strip())
    return texts


def workbook_texts(path: Path):
    """(where, text) for every string cell, sheet name, chart title and axis title."""
    wb = load_workbook(path)
    for ws in wb.worksheets:
        yield f"{ws.title}!name", ws.title
        for row in ws.iter_rows():
            for cell in row:
                if isinstance(cell.value, str) and cell.data_type != "f":
                    yield f"{ws.title}!{cell.coordinate}", cell.value
                elif isinstance(cell.value, (int, float)) and cell.number_format and \
                        re.search(r"E[+-]", cell.number_format):
                    yield f"{ws.title}!{cell.coordinate} format", f"1E+0 {cell.number_format}"
        for chart in ws._charts:
            for where, title in chart_titles(chart):
                yield f"{ws.title} chart {where}", title


def _rich(title) -> str:
    if title is None or title.tx is None or title.tx.rich is None:
        return ""
    return "".join(run.t for p in title.tx.rich.p for run in (p.r or []))


def chart_titles(chart):
    yield "title", _rich(chart.title)
    for name in ("x_axis", "y_axis"):
        yield name, _rich(getattr(chart, name).title)


def strip_allowed(text: str, allowed: list[str]) -> str:
    """The text without the phrases it may contain: the case's own text (as whole
    phrases; short ones only as whole words), hashes and the tool's name."""
    text = HASH.sub(" ", text)
    for phrase in TOOL:
        text = text.replace(phrase, " ")
    for phrase in allowed:
        if len(phrase) < 3:
            text = re.sub(rf"(?<![A-Za-z]){re.escape(phrase)}(?![A-Za-z])", " ", text)
            continue
        if phrase in text:
            text = text.replace(phrase, " ")
    return text


def offending(path: Path, lang: str, user_texts: set[str]) -> list[str]:
    allowed = sorted(user_texts, key=len, reverse=True)
    problems = []
    for where, text in workbook_texts(path):
        if EXPONENT.search(text):
            problems.append(f"{where}: exponent form in {text!r}")
        rest = strip_allowed(EN_ALLOWED_NAMES.sub(" ", text) if lang == "en" else text, allowed)
        if lang == "zh":
            words = [w for w in ENGLISH_WORD.findall(rest) if w not in ZH_ALLOWED and w.lower() != "retrofit"]
            if words:
                problems.append(f"{where}: English {words} in {text[:90]!r}")
        else:
            rest = EN_ALLOWED_NAMES.sub(" ", rest)
            chars = [c for c in CJK.findall(rest) if c not in EN_ALLOWED_CJK and not set(c) <= set("（）：，、")]
            if chars:
                problems.append(f"{where}: Chinese {chars} in {text[:90]!r}")
    return problems


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("name", list(commands()))
def test_every_sheet_speaks_the_report_language(bundled_outputs, name, lang):
    path = bundled_outputs[(name, lang)]
    case_file = CASES / ("ganhe_2024.xlsx" if not name.startswith("solve_") else name[len("solve_"):] + ".xlsx")
    user = case_texts(case_file) | {case_file.name, case_file.stem, path.name, platform.platform(), platform.python_version()}
    problems = offending(path, lang, user)
    assert not problems, f"{len(problems)} problems, e.g.:\n" + "\n".join(problems[:40])
