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


ZH_UNITS = {
    "tce/yr": "吨标准煤/年", "tce": "吨标准煤", "t/yr": "吨/年", "t": "吨", "MWh/yr": "兆瓦时/年",
    "MWh": "兆瓦时", "GJ/yr": "吉焦/年", "GJ": "吉焦", "m³/yr": "立方米/年", "m³": "立方米",
    "万元/yr": "万元/年", "yr": "年", "s": "秒", "fraction": "比例", "t CO2/yr": "吨二氧化碳/年",
    "元/t CO2": "元/吨二氧化碳", "元/tce": "元/吨标准煤", "tce/万元": "吨标准煤/万元", "t/万元": "吨/万元",
    "m³/万元": "立方米/万元",
}


def unit_text(unit: str, lang: str) -> str:
    """A canonical unit as the report's language writes it: ``tce/yr`` → 吨标准煤/年 in
    Chinese (as plans write it); English keeps the canonical spelling.  A ``/yr`` unit not
    in the table becomes ``/年``."""
    if lang != "zh" or not unit:
        return unit
    if unit in ZH_UNITS:
        return ZH_UNITS[unit]
    return unit[:-3] + "/年" if unit.endswith("/yr") else unit


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
