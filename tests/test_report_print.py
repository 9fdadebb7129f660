"""Every bundled output printed by LibreOffice (to PDF, as a user would print it): the
executive summary is one page; no page is empty (only header and footer); every page
carries the header (case file, sheet) and the footer (date, page x of y).  The page
texts come from pdftotext (poppler-utils; tests/run.sh installs it)."""
from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from bundled_outputs import LANGS, commands
from test_report_libreoffice import CONVERT_TIMEOUT, soffice

PAGE = {"zh": re.compile(r"第 (\d+) 页，共 (\d+) 页"), "en": re.compile(r"Page (\d+) of (\d+)")}
WRITTEN = {"zh": "生成日期", "en": "Written"}
SUMMARY = {"zh": "概要", "en": "Summary"}
NOT_SELECTED = {"zh": "未入选", "en": "Not selected"}


def to_pdf(workbook: Path, folder: Path) -> Path:
    profile = folder / "profile"
    profile.mkdir(parents=True, exist_ok=True)
    home = folder / "home"
    home.mkdir(exist_ok=True)
    env = {**os.environ, "HOME": str(home), "TMPDIR": str(folder)}
    subprocess.run([soffice(), "--headless", "--norestore", "--nologo", "--nodefault", "--nolockcheck",
                    f"-env:UserInstallation={profile.as_uri()}", "--convert-to", "pdf", "--outdir", str(folder),
                    str(workbook)], env=env, capture_output=True, text=True, timeout=CONVERT_TIMEOUT, check=True)
    pdf = folder / (workbook.stem + ".pdf")
    assert pdf.is_file(), f"LibreOffice wrote no PDF for {workbook.name}"
    return pdf


def page_texts(pdf: Path) -> list[str]:
    tool = shutil.which("pdftotext")
    if tool is None:
        pytest.fail("pdftotext is missing: apt-get install poppler-utils (tests/run.sh does)", pytrace=False)
    text = subprocess.run([tool, "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    pages = text.split("\f")
    return pages[:-1] if pages and not pages[-1].strip() else pages


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("name", list(commands()))
def test_printed_pages(bundled_outputs, tmp_path, name, lang):
    workbook = bundled_outputs[(name, lang)]
    case_file = "ganhe_2024.xlsx" if not name.startswith("solve_") else name[len("solve_"):] + ".xlsx"
    from openpyxl import load_workbook
    titles = [ws.title for ws in load_workbook(workbook, read_only=True).worksheets if ws.sheet_state == "visible"]
    pages = page_texts(to_pdf(workbook, tmp_path))
    assert pages
    summary_pages = not_selected_pages = 0
    for number, text in enumerate(pages, start=1):
        lines = [line.strip() for line in text.splitlines() if line.strip()]
        # chart text may come out of pdftotext before the header line: find both by content
        header = next((line for line in lines if line.startswith(case_file)), None)
        footer = next((line for line in lines if PAGE[lang].search(line)), None)
        assert header is not None, f"page {number}: no header naming {case_file}: {lines[:3]}"
        assert footer is not None, f"page {number}: no footer with the page number: {lines[-3:]}"
        sheet = header[len(case_file):].strip()
        if not sheet:  # chart text at the header's height can split the header's line in two
            sheet = next((line for line in lines if line in titles), "")
        assert sheet in titles, f"page {number}: the header does not name the sheet ({sheet!r})"
        found = PAGE[lang].search(footer)
        assert int(found.group(1)) == number and int(found.group(2)) == len(pages), f"page {number}: {footer!r}"
        assert WRITTEN[lang] in footer, f"page {number}: footer {footer!r} has no date"
        body = [line for line in lines if line not in (header, footer)]
        assert any(re.search(r"\w", line) for line in body), f"page {number} ({sheet}) prints only empty cells"
        summary_pages += sheet == SUMMARY[lang]
        not_selected_pages += sheet == NOT_SELECTED[lang]
    # three pages wide (ids and names repeated), not one page per column group: at most
    # 3 × 2 pages for the bundled cases' left-out projects (it printed on 12 before)
    assert not_selected_pages <= 6, f"Not selected prints on {not_selected_pages} pages"
    if not name.startswith("sweep"):
        assert summary_pages == 1, f"the executive summary prints on {summary_pages} pages"
