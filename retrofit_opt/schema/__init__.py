"""The input schema as data: ``sheets.csv``, ``columns.csv``, ``parameters.csv`` and
``notes_sheets.csv`` (sheets of notes for people, which the reader skips without a warning).

These tables drive reading, validation, the template and the report headers; nothing
else in the package lists sheet or column names.  Header matching ignores case, spaces,
underscores and full- or half-width brackets, and splits a trailing bracketed unit off.
"""
from __future__ import annotations

import csv
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

_HERE = Path(__file__).parent


@dataclass(frozen=True)
class SheetSpec:
    name: str
    aliases: tuple[str, ...]  # Chinese names, first one used in Chinese templates
    required: bool
    description: str
    description_zh: str

    @property
    def zh(self) -> str:
        return self.aliases[0]


@dataclass(frozen=True)
class ColumnSpec:
    sheet: str
    name: str
    aliases: tuple[str, ...]
    type: str  # id, text, number, integer, year, bool, idlist, profile, share, choice, any
    unit: str  # quantity kind (see units.CANONICAL) or ""
    default: str
    required: bool
    description: str
    description_zh: str

    @property
    def zh(self) -> str:
        return self.aliases[0]


@dataclass(frozen=True)
class ParameterSpec:
    key: str
    aliases: tuple[str, ...]
    type: str
    unit: str  # fixed unit label, e.g. 元/kWh
    default: str
    choices: tuple[str, ...]
    description: str
    description_zh: str
    source: str

    @property
    def zh(self) -> str:
        return self.aliases[0]


def _rows(name: str) -> list[dict[str, str]]:
    with open(_HERE / name, encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


@lru_cache(maxsize=None)
def sheets() -> tuple[SheetSpec, ...]:
    return tuple(SheetSpec(r["sheet"], tuple(r["zh"].split("|")), r["required"] == "yes",
                           r["description"], r["description_zh"]) for r in _rows("sheets.csv"))


@lru_cache(maxsize=None)
def columns() -> tuple[ColumnSpec, ...]:
    return tuple(ColumnSpec(r["sheet"], r["column"], tuple(r["zh"].split("|")), r["type"],
                            r["unit"], r["default"], r["required"] == "yes", r["description"],
                            r["description_zh"]) for r in _rows("columns.csv"))


@lru_cache(maxsize=None)
def parameters() -> tuple[ParameterSpec, ...]:
    return tuple(ParameterSpec(r["key"], tuple(r["zh"].split("|")), r["type"], r["unit"],
                               r["default"], tuple(c for c in r["choices"].split("|") if c),
                               r["description"], r["description_zh"], r["source"])
                 for r in _rows("parameters.csv"))


def sheet_columns(sheet: str) -> tuple[ColumnSpec, ...]:
    return tuple(c for c in columns() if c.sheet == sheet)


def column(sheet: str, name: str) -> ColumnSpec:
    for c in columns():
        if c.sheet == sheet and c.name == name:
            return c
    raise KeyError((sheet, name))


def parameter(key: str) -> ParameterSpec:
    for p in parameters():
        if p.key == key:
            return p
    raise KeyError(key)


# Choices of `choice` columns, with Chinese aliases.  Kept here so that the template's
# drop-downs and the reader agree.
CHOICES: dict[str, dict[str, tuple[str, ...]]] = {
    "objective": {"max_saving": ("最大节能量", "节能量最大"), "min_cost": ("最小投资", "投资最小"),
                  "max_npv": ("最大净现值", "净现值最大"), "max_co2": ("最大减排量", "减排量最大"),
                  "weighted": ("加权", "加权目标")},
    "kind": {"min_total": ("不低于", "下限"), "max_total": ("不高于", "上限"),
             "intensity_reduction": ("强度下降", "强度目标")},
    "electricity_tce_method": {"calorific": ("当量值",), "equivalent": ("等价值",)},
    "green_power_tce_method": {"electricity": ("按电力折标",), "none": ("不计入",)},
    "uncertainty_distribution": {"triangular": ("三角分布", "三角"), "uniform": ("均匀分布", "均匀"),
                                 "pert": ("PERT分布", "贝塔分布"), "two_point": ("两点分布", "高低两点")},
    "uncertainty_group": {"category": ("类别", "项目类别"), "sector": ("行业",)},
    "applies_to": {"all": ("全部", "所有项目"), "category": ("类别", "项目类别"), "sector": ("行业",),
                   "enterprise": ("企业",), "projects": ("指定项目", "项目")},
}
YES = ("yes", "y", "是", "1", "true", "t", "√", "✓")
NO = ("no", "n", "否", "0", "false", "f", "×", "✗")

# Numeric per-project metrics a target, an objective weight or an overlap may name.
METRICS = ("energy_saving", "co2_reduction", "so2_reduction", "nox_reduction", "pm_reduction",
           "water_saving", "electricity_saving", "coal_saving", "gas_saving", "steam_saving",
           "green_power")
CARRIERS = ("electricity_saving", "coal_saving", "gas_saving", "steam_saving", "green_power")
BENEFIT_PREFIX = "benefit:"

_BRACKETED_UNIT = re.compile(r"^(.*?)\s*[(\[【]([^()\[\]【】]*)[)\]】]\s*$")
_INVISIBLE = dict.fromkeys(map(ord, "\ufeff\u200b\u200c\u200d\u2060\xa0"), None)


def normalise_name(text: str) -> str:
    """Key for matching names: NFKC (full-width → half-width), lower case, no spaces,
    underscores or invisible characters."""
    text = unicodedata.normalize("NFKC", str(text).translate(_INVISIBLE))
    return re.sub(r"[\s_]+", "", text.lower())


def split_header(header: str) -> tuple[str, str | None]:
    """``'投资（万元）'`` → ``('投资', '万元')``; a header without brackets has no unit."""
    text = unicodedata.normalize("NFKC", str(header).translate(_INVISIBLE)).strip()
    match = _BRACKETED_UNIT.match(text)
    if match and match.group(1).strip():
        return match.group(1).strip(), match.group(2).strip()
    return text, None


@lru_cache(maxsize=None)
def sheet_lookup() -> dict[str, str]:
    table = {}
    for s in sheets():
        for alias in (s.name, *s.aliases):
            table[normalise_name(alias)] = s.name
    return table


@lru_cache(maxsize=None)
def notes_sheet_names() -> frozenset[str]:
    """Normalised titles of the sheets that hold notes for people (说明, 来源, sources, …):
    not part of the case, read by no one, skipped without a warning."""
    return frozenset(normalise_name(r["name"]) for r in _rows("notes_sheets.csv"))


@lru_cache(maxsize=None)
def column_lookup(sheet: str) -> dict[str, str]:
    table = {}
    for c in sheet_columns(sheet):
        for alias in (c.name, *c.aliases):
            table[normalise_name(alias)] = c.name
    return table


@lru_cache(maxsize=None)
def parameter_lookup() -> dict[str, str]:
    table = {}
    for p in parameters():
        for alias in (p.key, *p.aliases):
            table[normalise_name(alias)] = p.key
    return table


@lru_cache(maxsize=None)
def choice_lookup(field: str) -> dict[str, str]:
    table = {}
    for canonical, aliases in CHOICES[field].items():
        for alias in (canonical, *aliases):
            table[normalise_name(alias)] = canonical
    return table


@lru_cache(maxsize=None)
def metric_lookup() -> dict[str, str]:
    """Metric names as targets may write them: English key or any Chinese alias."""
    table = {}
    for name in METRICS:
        c = column("projects", name)
        for alias in (c.name, *c.aliases):
            table[normalise_name(alias)] = name
    return table
