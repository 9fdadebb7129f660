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


def setting_name(name: str, lang: str) -> str:
    """An option, parameter, timing or library name in the report's language (the
    schema's Chinese name for a parameter; library names stay as they are)."""
    from retrofit_opt import schema
    if lang != "zh":
        return name  # English: the key as the case, the CLI and the API spell it
    key = f"setting.{name}"
    if L.label_exists(key):
        return L.label(key, lang)
    if lang == "zh":
        try:
            return schema.parameter(name).zh
        except (KeyError, StopIteration, AttributeError):
            pass
    return name


def _shown_value(name: str, value, lang: str):
    """A setting's value in the report's language: yes/no, an objective's or a choice's name."""
    from retrofit_opt import schema
    if lang != "zh":
        return _shown(value)
    if isinstance(value, bool):
        return L.label("yes" if value else "no", lang)
    if isinstance(value, str) and name == "pool":
        from retrofit_opt.report.common import pool_name
        return pool_name(value, lang)
    if isinstance(value, str) and lang == "zh":
        if name == "objective" and L.label_exists(f"objective.{value}"):
            return L.label(f"objective.{value}", lang)
        aliases = schema.CHOICES.get(name, {}).get(value)
        if aliases:
            return aliases[0]
    if isinstance(value, dict) or hasattr(value, "items"):
        return ", ".join(f"{setting_name(k, lang)}={_shown_value(k, v, lang)}" for k, v in value.items()) or "—"
    return _shown(value)


def write_run_info(w: SheetWriter, result, lang: str, written_at: datetime | None = None,
                   provenance: dict | None = None) -> None:
    case = result.case
    t = lambda key, **fmt: L.label(key, lang, **fmt)  # noqa: E731
    stamp = (written_at or datetime.now(timezone.utc)).astimezone(timezone.utc).isoformat(timespec="seconds")
    w.put(1, 1, t("run.title"), font=TITLE_FONT, measure=False)
    row = 3
    if hasattr(result, "plan"):
        row = write_solution(w, result, lang, row)
    w.put(row, 1, t("run.inputs"), font=SECTION_FONT, measure=False)
    w.header(row + 1, 1, [t("run.item"), t("run.value")])
    row += 2
    from retrofit_opt.report.common import status_text
    from retrofit_opt.report.run_info import termination_text as _termination
    status = (f"{status_text(result, lang)} / {_termination(result.termination, lang)}" if hasattr(result, "plan")
              else result.status)
    for key, value in (("run.input", case.source_name or "—"), ("run.sha256", case.source_sha256 or "—"),
                       ("run.case_language", t(f"language.{case.language}")),
                       ("run.report_language", t(f"language.{lang}")),
                       ("run.tool", retrofit_opt.__version__), ("run.timestamp", stamp),
                       ("run.status", status)):
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
            shown = _shown_value(name, value, lang)
            w.row(row, 1, [setting_name(name, lang), shown], [None, fmt if isinstance(shown, float) else None])
            row += 1
        row += 1
        if title == "run.parameters":
            row = write_factors(w, case.parameters, lang, row)
    if provenance:
        row = write_batch_provenance(w, provenance, lang, row)
    w.finish("A3")


FACTOR_UNITS_ZH = {"kgce/kWh": "千克标准煤/千瓦时", "kgce/kg": "千克标准煤/千克", "kgce/m³": "千克标准煤/立方米",
                   "kgce/MJ": "千克标准煤/兆焦", "t/t": "吨/吨", "kg/m³": "千克/立方米", "t/MWh": "吨/兆瓦时",
                   "t/GJ": "吨/吉焦", "fraction": "比例"}


def factor_unit(unit: str, lang: str) -> str:
    return FACTOR_UNITS_ZH.get(unit, unit) if lang == "zh" else unit


def factor_source(factor: dict, params, lang: str) -> str:
    """A factor's source in the report's language (the label table holds each default
    source in both languages; the English text comes from the schema itself)."""
    if lang != "zh":
        return factor["source"]
    key = factor["key"]
    label = f"factor_source.{key}"
    if key == "electricity_tce_factor":
        label += f".{params.electricity_tce_method}"
    source = L.label(label, lang) if L.label_exists(label) else factor["source"]
    if factor["default"] or key == "green_power_tce_method":
        return source
    from retrofit_opt import schema
    spec = schema.parameter(key)
    default = float(spec.default) if key != "electricity_tce_factor" else None
    if default is None:
        from retrofit_opt.accounting import ELECTRICITY_TCE_DEFAULTS
        default = ELECTRICITY_TCE_DEFAULTS[params.electricity_tce_method]
    return L.label("factor_source.overridden", lang, name=setting_name(key, lang), value=f"{default:g}",
                   unit=factor_unit(spec.unit, lang), source=source)


def write_solution(w: SheetWriter, result, lang: str, row: int) -> int:
    """The solver's side of the result (moved here from the executive summary): status,
    termination, objective and its value, best bound, gap, times, projects chosen."""
    from retrofit_opt.report.common import objective_of, objective_unit, status_text, unit_text, yes_no
    from retrofit_opt.report.writer import GAP, number_format
    t = lambda key, **fmt: L.label(key, lang, **fmt)  # noqa: E731
    case = result.case
    w.put(row, 1, t("run.solution"), font=SECTION_FONT, measure=False)
    w.header(row + 1, 1, [t("summary.item"), t("summary.value"), t("summary.unit")])
    row += 2
    objective = objective_of(result)
    unit = objective_unit(case, objective, lang)
    value_format = number_format(unit)
    items = [
        ("summary.case", case.source_name or "", None, ""),
        ("summary.status", status_text(result, lang), None, ""),
        ("summary.termination", termination_text(result.termination, lang), None, ""),
        ("summary.objective", f"{objective}: {t('objective.' + objective)}" if lang == "en"
         else t("objective." + objective), None, ""),
        ("summary.objective_value", result.objective, value_format, unit_text(unit, lang)),
        ("summary.bound", result.bound, value_format, unit_text(unit, lang)),
        ("summary.gap", result.gap if result.gap is not None else "—", GAP, ""),
        ("summary.solve_time", result.timings.get("solve"), SECONDS, unit_text("s", lang)),
        ("summary.total_time", result.timings.get("total"), SECONDS, unit_text("s", lang)),
        ("summary.chosen", len(result.plan), "0", ""),
        ("summary.candidates", len(case.projects), "0", ""),
        ("summary.targets_met", yes_no(result.targets_met, lang), None, ""),
    ]
    for key, value, fmt, unit_shown in items:
        w.put(row, 1, t(key))
        w.put(row, 2, value if value is not None else "—", fmt)
        w.put(row, 3, unit_shown)
        row += 1
    return row + 1


def termination_text(termination: str, lang: str) -> str:
    """The solver's termination condition in words (the raw name in brackets)."""
    key = f"termination.{termination}"
    if not termination or termination == "—" or not L.label_exists(key):
        return termination or "—"
    return f"{L.label(key, lang)} ({termination})" if lang == "en" else f"{L.label(key, lang)}"


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
        w.row(row, 1, [factor["label_zh"] if lang == "zh" else factor["label"], setting_name(factor["key"], lang),
                       factor["value"], factor_unit(factor["unit"], lang),
                       t("run.default" if factor["default"] else "run.case")])
        w.put(row, 6, factor_source(factor, params, lang), wrap=True)  # at most 60 wide; longer sources wrap
        row += 1
    return row + 1
