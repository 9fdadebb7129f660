"""Every sheet title, label and note of the results workbook, in English and Chinese.

The labels live in the one bilingual table ``retrofit_opt/schema/labels.csv`` (key, en,
zh); ``LABELS`` is that table as key → ``(en, zh)`` and :func:`label` picks the language.
Headers of project fields and metrics come from the input schema instead (the English
column name or its first Chinese alias) with the canonical unit in brackets, so that the
results read like the case the user wrote.
"""
from __future__ import annotations

from retrofit_opt import schema, units
from retrofit_opt.schema import labels as label_table

LANGUAGES = ("en", "zh")

LABELS = label_table.table()  # key → (en, zh): retrofit_opt/schema/labels.csv


def label(key: str, lang: str, **fmt) -> str:
    return label_table.text(key, lang, **fmt)


def label_exists(key: str) -> bool:
    return label_table.has(key)


def sheet_title(key: str, lang: str) -> str:
    return label(f"sheet.{key}", lang)


def unit_of_column(sheet: str, name: str) -> str:
    spec = schema.column(sheet, name)
    return units.CANONICAL.get(spec.unit, "") if spec.unit else ""


def with_unit(text: str, unit: str, lang: str) -> str:
    if not unit:
        return text
    from retrofit_opt.report.common import unit_text
    unit = unit_text(unit, lang)
    return f"{text}（{unit}）" if lang == "zh" else f"{text} ({unit})"


def field_name(sheet: str, name: str, lang: str) -> str:
    """A schema column's name in the language: the English name or the first Chinese alias."""
    spec = schema.column(sheet, name)
    return spec.zh if lang == "zh" else spec.name


def column_header(sheet: str, name: str, lang: str, unit: str | None = None) -> str:
    """``capex (万元)`` / ``投资（万元）``: a schema column with its canonical unit."""
    return with_unit(field_name(sheet, name, lang), unit_of_column(sheet, name) if unit is None else unit, lang)


def metric_name(metric: str, lang: str) -> str:
    """A metric as the case's schema names it; ``benefit:<name>`` columns keep their name."""
    if metric.startswith(schema.BENEFIT_PREFIX):
        return metric
    try:
        return field_name("projects", metric, lang)
    except KeyError:
        return metric


def metric_header(metric: str, unit: str, lang: str) -> str:
    return with_unit(metric_name(metric, lang), unit, lang)
