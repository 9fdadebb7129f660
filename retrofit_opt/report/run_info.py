"""The Run info sheet: input file and its SHA-256, tool, solver and library versions,
options, case parameters, time stamp and timings — enough to reproduce the result."""
from __future__ import annotations

import platform
from dataclasses import fields
from datetime import datetime, timezone
from importlib import metadata

import retrofit_opt
from retrofit_opt.accounting import factor_table
from retrofit_opt.report import labels as L
from retrofit_opt.report.writer import SECONDS, SECTION_FONT, TITLE_FONT, SheetWriter

LIBRARIES = ("highspy", "pyomo", "openpyxl", "pandas", "click")


def library_versions(lang: str) -> dict[str, str]:
    """Installed versions, read from package metadata (no solver or Pyomo import)."""
    versions = {}
    for name in LIBRARIES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = L.label("run.not_installed", lang)
    return versions


def _shown(value) -> str | int | float:
    if value is None:
        return "—"
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, (int, float)):
        return value
    if isinstance(value, dict) or hasattr(value, "items"):
        return ", ".join(f"{k}={v}" for k, v in value.items()) or "—"
    return str(value)


def write_run_info(w: SheetWriter, result, lang: str, written_at: datetime | None = None,
                   provenance: dict | None = None) -> None:
    case = result.case
    t = lambda key, **fmt: L.label(key, lang, **fmt)  # noqa: E731
    stamp = (written_at or datetime.now(timezone.utc)).astimezone(timezone.utc).isoformat(timespec="seconds")
    w.put(1, 1, t("run.title"), font=TITLE_FONT, measure=False)
    w.header(2, 1, [t("run.item"), t("run.value")])
    row = 3
    for key, value in (("run.input", case.source_name or "—"), ("run.sha256", case.source_sha256 or "—"),
                       ("run.case_language", case.language), ("run.report_language", lang),
                       ("run.tool", retrofit_opt.__version__), ("run.timestamp", stamp),
                       ("run.status", f"{result.status} / {result.termination}")):
        w.row(row, 1, [t(key), value])
        row += 1
    row += 1
    sections = [
        ("run.versions", {"python": platform.python_version(), **library_versions(lang),
                          "platform": platform.platform()}, None),
        ("run.options", dict(result.options), None),
        ("run.parameters", {f.name: getattr(case.parameters, f.name) for f in fields(case.parameters)}, None),
        ("run.timings", dict(result.timings), SECONDS),
    ]
    for title, items, fmt in sections:
        w.put(row, 1, t(title), font=SECTION_FONT, measure=False)
        row += 1
        for name, value in items.items():
            shown = _shown(value)
            w.row(row, 1, [name, shown], [None, fmt if isinstance(shown, float) else None])
            row += 1
        row += 1
        if title == "run.parameters":
            row = write_factors(w, case.parameters, lang, row)
    if provenance:
        row = write_batch_provenance(w, provenance, lang, row)
    w.finish("A3")


# ---------------------------------------------------------------- batch runs (issue 17, --resume)
BATCH_KEYS = ("batch.command", "batch.options", "batch.sha256", "batch.record")


def write_batch_provenance(w: SheetWriter, provenance: dict, lang: str, row: int) -> int:
    """The rows ``retrofit-opt batch --resume`` compares before skipping a run: command,
    options (canonical JSON), the input's SHA-256, and the run's roll-up row (JSON).
    Column A holds the label, column B the value, column C the key (language-independent)."""
    w.put(row, 1, L.label("batch.section", lang), font=SECTION_FONT, measure=False)
    row += 1
    for key in BATCH_KEYS:
        if key in provenance:
            w.row(row, 1, [L.label(key, lang), str(provenance[key]), key])
            row += 1
    return row + 1


def write_factors(w: SheetWriter, params, lang: str, row: int) -> int:
    """The conversion and emission factors the run used (:func:`accounting.factor_table`):
    value, unit, source, and whether it is the documented default or set by the case.
    Returns the next free row."""
    t = lambda key, **fmt: L.label(key, lang, **fmt)  # noqa: E731
    w.put(row, 1, t("run.factors"), font=SECTION_FONT, measure=False)
    row += 1
    w.header(row, 1, [t("run.factor"), t("run.key"), t("run.factor_value"), t("run.unit"), t("run.set_by"),
                      t("run.source")])
    row += 1
    for factor in factor_table(params):
        w.row(row, 1, [factor["label_zh"] if lang == "zh" else factor["label"], factor["key"], factor["value"],
                       factor["unit"], t("run.default" if factor["default"] else "run.case")])
        w.put(row, 6, factor["source"], wrap=True)  # the column is at most 60 wide; longer sources wrap
        row += 1
    return row + 1
