"""The workbook of one batch run: built in the worker as bytes (the same workbook the
single command writes, plus the batch rows of Run info), written atomically by the
caller, and read back by ``--resume``."""
from __future__ import annotations

import io
from pathlib import Path

from retrofit_opt.report.output import write_atomically
from retrofit_opt.report.run_info import BATCH_KEYS


class RunWorkbooks:
    """Passed to :func:`retrofit_opt.studies.batch.run_batch` (and pickled to its workers)."""

    def to_bytes(self, command: str, study, lang: str | None, provenance: dict) -> bytes:
        from retrofit_opt.report.workbook import (build_comparison_workbook, build_sweep_workbook, build_workbook,
                                                  fit_to_page_width)
        from retrofit_opt.report.risk_sheet import build_risk_workbook
        from retrofit_opt.report.save import save_workbook
        build = {"solve": build_workbook, "compare": build_comparison_workbook, "sweep": build_sweep_workbook,
                 "risk": build_risk_workbook}[command]
        report = build(study, lang, provenance=provenance)
        case = getattr(study, "case", None) or getattr(getattr(study, "result", None), "case", None)
        if case is None and isinstance(study, (list, tuple)) and study:  # compare: the runs, base first
            case = study[0].result.case
        fit_to_page_width(report.workbook, case, report.lang)  # as write_results / write_comparison / … do
        buffer = io.BytesIO()
        save_workbook(report.workbook, buffer)
        return buffer.getvalue()

    def write(self, path: Path, data: bytes) -> None:
        write_atomically(Path(path), lambda temp: Path(temp).write_bytes(data))

    def recorded(self, path: Path) -> dict | None:
        """The batch rows of ``path``'s Run info (key → text), None when it has none or
        cannot be read."""
        from openpyxl import load_workbook
        from retrofit_opt.report import labels as L
        titles = {L.sheet_title("run_info", lang) for lang in L.LANGUAGES}
        try:
            wb = load_workbook(path, read_only=True)
        except Exception:  # noqa: BLE001 - damaged or not ours: run again
            return None
        try:
            sheet = next((wb[t] for t in wb.sheetnames if t in titles), None)
            if sheet is None:
                return None
            found = {}
            for row in sheet.iter_rows(min_col=1, max_col=3, values_only=True):
                if len(row) >= 3 and row[2] in BATCH_KEYS and row[1] is not None:
                    found[row[2]] = str(row[1])
            return found or None
        finally:
            wb.close()


WORKBOOKS = RunWorkbooks()
