"""Write an empty, documented case workbook (``retrofit-opt template``).

Everything case-specific comes from the schema tables (``schema/*.csv``, ``CHOICES``,
``YES``/``NO``) and from :data:`retrofit_opt.units.CANONICAL`: sheets, headers, units,
defaults, header notes, drop-downs and the instructions sheet.  This module only holds
the wording around them, in Chinese and English.

The file is written atomically (a temporary file in the same folder, then
:func:`os.replace`), so an interrupted run never leaves half a workbook behind.  The
function replaces ``path`` if it exists: refusing to overwrite without ``--force`` is the
command line's job.
"""
from __future__ import annotations

import unicodedata
from pathlib import Path

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from retrofit_opt import schema, units
from retrofit_opt.atomic import write_atomically
from retrofit_opt.errors import OutputError
from retrofit_opt.reader import DYNAMIC_PREFIXES
from retrofit_opt.schema import labels as label_table
from retrofit_opt.template_example import EXAMPLES

LANGUAGES = ("zh", "en")
LAST_ROW = 1_048_576  # validations cover the whole column below the header
MAX_LIST_FORMULA = 255  # Excel's limit for an inline drop-down list
AUTHOR = "retrofit-opt"

HEADER_FONT = Font(bold=True)
REQUIRED_FILL = PatternFill("solid", fgColor="FFF2CC")  # required columns
OPTIONAL_FILL = PatternFill("solid", fgColor="DDEBF7")
TITLE_FONT = Font(bold=True, size=14)
SECTION_FONT = Font(bold=True, size=12)
WRAP = Alignment(wrap_text=True, vertical="top")

# Every word of the template comes from the one bilingual label table
# (retrofit_opt/schema/labels.csv, keys template.*): TEXT[lang] is that group rebuilt.
TEXT = {lang: label_table.group("template", lang) for lang in LANGUAGES}
KIND_LABELS = {lang: TEXT[lang].pop("kind") for lang in LANGUAGES}  # names of units.CANONICAL kinds


def write_template(path: str | Path, lang: str = "zh", example: str | None = None) -> Path:
    """Write an empty, documented case workbook to ``path`` (replacing it) and return the path.

    ``lang`` is ``"zh"`` (Chinese sheet names, headers and notes) or ``"en"``; ``example``
    (``"single"`` or ``"multi"``) fills it with a small case that validates and solves.
    """
    if example is not None and example not in EXAMPLES:
        raise OutputError(f"unknown example '{example}'; use one of: {', '.join(EXAMPLES)}")
    if lang not in LANGUAGES:
        raise OutputError(f"unknown template language '{lang}'; use one of: {', '.join(LANGUAGES)}")
    path = Path(path)
    if path.suffix.lower() != ".xlsx":
        raise OutputError(f"{path.name}: a case workbook is an .xlsx file; "
                          f"name it e.g. {path.stem or 'case'}.xlsx")
    if path.is_dir():
        raise OutputError(f"{path} is a folder; pass the name of the .xlsx file to write")
    if not path.parent.is_dir():
        raise OutputError(f"folder {path.parent} does not exist; create it or write the template elsewhere")
    workbook = build_template(lang, example)
    write_atomically(path, workbook.save)
    return path


def build_template(lang: str = "zh", example: str | None = None) -> Workbook:
    """The template as an in-memory workbook (see :func:`write_template`)."""
    text = TEXT[lang]
    workbook = Workbook()
    _instructions(workbook.active, lang)
    data = EXAMPLES[example] if example else {}
    for spec in schema.sheets():
        ws = workbook.create_sheet(sheet_title(spec, lang))
        _data_sheet(ws, spec, lang)
        if spec.name == "parameters":
            _fill_parameters(ws, lang, data.get("parameters", {}))
        elif data.get(spec.name):
            _fill_rows(ws, spec, data[spec.name], lang)
        _group_columns(ws, spec)
    for ws in workbook.worksheets:
        _print_layout(ws)
    workbook.active = 0
    workbook.properties.creator = AUTHOR
    workbook.properties.title = text["title"]
    return workbook


# ------------------------------------------------------------------------- names and labels
def sheet_title(spec: schema.SheetSpec, lang: str) -> str:
    return spec.zh if lang == "zh" else spec.name


def column_name(spec: schema.ColumnSpec, lang: str) -> str:
    return spec.zh if lang == "zh" else spec.name


def unit_label(kind: str) -> str | None:
    """The canonical unit written in a header's brackets, e.g. ``tce/yr``; None without a unit."""
    return units.CANONICAL.get(kind) if kind else None


def header_text(spec: schema.ColumnSpec, lang: str) -> str:
    """``节能量(tce/yr)`` / ``energy_saving (tce/yr)``; no brackets for unitless columns."""
    name, unit = column_name(spec, lang), unit_label(spec.unit)
    if unit is None:
        return name
    return f"{name}({unit})" if lang == "zh" else f"{name} ({unit})"


def parameter_name(spec: schema.ParameterSpec, lang: str) -> str:
    return spec.zh if lang == "zh" else spec.key


def yes_no(lang: str) -> tuple[str, str]:
    """The words for yes and no in ``lang``, taken from the reader's own lists."""
    def pick(words):
        return next(w for w in words if w.isalpha() and w.isascii() == (lang == "en"))
    return pick(schema.YES), pick(schema.NO)


def choice_values(field: str, lang: str) -> list[str]:
    """Drop-down entries for a choice field: the first Chinese alias (zh) or the key (en)."""
    choices = schema.CHOICES.get(field)
    if choices is None:  # a parameter choice without Chinese aliases
        return list(schema.parameter(field).choices)
    return [aliases[0] if lang == "zh" and aliases else key for key, aliases in choices.items()]


def display_value(value: str, type_: str, field: str, lang: str) -> str:
    """A default as the user would type it in ``lang`` (是/否, 不低于, ...)."""
    if value == "":
        return ""
    if type_ == "bool":
        yes, no = yes_no(lang)
        return yes if schema.normalise_name(value) in schema.YES else no
    if type_ == "choice" and field in schema.CHOICES and lang == "zh":
        aliases = schema.CHOICES[field].get(value)
        if aliases:
            return f"{aliases[0]} ({value})"
    return value


def typed_default(spec: schema.ParameterSpec, lang: str):
    """A parameter's default as the cell value: a number, a choice word, or None."""
    if spec.default == "":
        return None
    if spec.type == "choice":
        aliases = schema.CHOICES.get(spec.key, {}).get(spec.default)
        return aliases[0] if lang == "zh" and aliases else spec.default
    if spec.type in ("year", "integer"):
        return int(spec.default)
    if spec.type in ("number", "share"):
        number = float(spec.default)
        return int(number) if number.is_integer() else number
    return spec.default


def _other_units(kind: str, lang: str) -> list[str]:
    """Example units for a header: the smallest and the largest other unit of the kind,
    written in ``lang`` where the unit table has a spelling in it."""
    groups: dict[float, list[str]] = {}
    for unit in units.known_units(kind):
        groups.setdefault(units.FACTORS[kind][unit], []).append(unit)
    factors = sorted(f for f in groups if f != 1.0)
    picked = []
    for factor in dict.fromkeys(factors[:1] + factors[-1:]):
        names = groups[factor]
        if lang == "en":
            preferred = [u for u in names if u.isascii() and not any(c.isdigit() for c in u)]
        else:  # a unit written the Chinese way: no Latin letters (亿千瓦时, 万吉焦, not 亿kwh, 万gj)
            preferred = [u for u in names if not any(c.isascii() and c.isalpha() for c in u)]
        picked.append(UNIT_SPELLING.get((preferred or names)[0], (preferred or names)[0]))
    return picked


# The unit table keeps units lower-cased for matching; these are their written forms.
UNIT_SPELLING = {"kwh": "kWh", "mwh": "MWh", "gwh": "GWh", "gj": "GJ", "mj": "MJ", "tj": "TJ", "nm³": "Nm³",
                 "万kwh": "万kWh", "亿kwh": "亿kWh", "万gj": "万GJ", "万nm³": "万Nm³"}


# ------------------------------------------------------------------------------ examples
_CANONICAL_WORDS = {"总预算": "total", "补贴资金": "subsidy", "是": "yes", "否": "no", "不低于": "min_total",
                    "不高于": "max_total", "强度下降": "intensity_reduction"}


def _example_value(spec: schema.ColumnSpec, value, lang: str):
    """An example cell as a user of ``lang`` would type it: an English template names
    metrics, kinds, special pools and yes/no by their English keys."""
    if lang == "en" and isinstance(value, str):
        if spec.sheet == "targets" and spec.name == "metric":
            return next((c.name for c in schema.columns() if c.sheet == "projects" and value in c.aliases), value)
        return _CANONICAL_WORDS.get(value, value)
    return value


def _fill_rows(ws, spec: schema.SheetSpec, rows: list[dict], lang: str) -> None:
    columns = {c.name: index for index, c in enumerate(schema.sheet_columns(spec.name), start=1)}
    specs = {c.name: c for c in schema.sheet_columns(spec.name)}
    for number, record in enumerate(rows, start=2):
        for name, value in record.items():
            ws.cell(row=number, column=columns[name], value=_example_value(specs[name], value, lang))


# ------------------------------------------------------------------------------ layout
# Column groups of the projects sheet (outline level 1); the optional ones start collapsed.
COLUMN_GROUPS = {
    "savings": (("energy_saving", "water_saving"), False),
    "economics": (("annual_cost_saving", "lifetime"), False),
    "timing": (("earliest_year", "capex_profile"), True),
    "rules": (("npv", "subsidy_rate"), True),
    "uncertainty": (("saving_low", "saving_high"), True),
}


def _group_columns(ws, spec: schema.SheetSpec) -> None:
    """Group the projects sheet's columns (savings, economics, timing, rules, uncertainty),
    the rarely needed groups collapsed; the required columns stay ungrouped."""
    if spec.name != "projects":
        return
    index = {c.name: i for i, c in enumerate(schema.sheet_columns(spec.name), start=1)}
    for (first, last), collapsed in COLUMN_GROUPS.values():
        if first in index and last in index:
            ws.column_dimensions.group(get_column_letter(index[first]), get_column_letter(index[last]),
                                       outline_level=1, hidden=collapsed)
    ws.sheet_properties.outlinePr.summaryRight = False


def _print_layout(ws) -> None:
    """Landscape A4, one page wide, the header row repeated: not 31 portrait pages."""
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "landscape"
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    if ws.freeze_panes:
        ws.print_title_rows = "1:1"


def _input_validation(spec: schema.ColumnSpec, lang: str) -> DataValidation | None:
    """Number, year and whole-number checks with a message in the template's language;
    a suggestion list for pool names (other names allowed)."""
    text = TEXT[lang]
    if spec.name in ("pool", "budget_pool"):
        pools = [label_table.text("pool.total", lang), label_table.text("pool.subsidy", lang)] if lang == "zh" \
            else ["total", "subsidy"]
        validation = DataValidation(type="list", formula1='"' + ",".join(pools) + '"', allow_blank=True,
                                    showErrorMessage=False)
        validation.promptTitle, validation.prompt = text["dv_pool_title"], text["dv_pool"]
        validation.showInputMessage = True
        return validation
    if spec.sheet == "targets" and spec.name == "metric":
        names = [c.zh if lang == "zh" else c.name for c in schema.columns()
                 if c.sheet == "projects" and c.name in schema.METRICS]
        formula = '"' + ",".join(names) + '"'
        if len(formula) <= MAX_LIST_FORMULA:
            validation = DataValidation(type="list", formula1=formula, allow_blank=True, showErrorMessage=True,
                                        errorStyle="warning")
            validation.errorTitle, validation.error = text["dv_title"], text["dv_metric"]
            return validation
    if spec.type == "year":
        validation = DataValidation(type="whole", operator="between", formula1="1990", formula2="2100",
                                    allow_blank=True, showErrorMessage=True)
        validation.errorTitle, validation.error = text["dv_title_number"], text["dv_year"]
        return validation
    if spec.type == "integer":
        validation = DataValidation(type="whole", operator="greaterThanOrEqual", formula1="1", allow_blank=True,
                                    showErrorMessage=True)
        validation.errorTitle, validation.error = text["dv_title_number"], text["dv_integer"]
        return validation
    if spec.type in ("number", "share"):
        low = "0" if spec.name in ("capex", "limit", "lifetime", "subsidy_rate") or spec.type == "share" \
            else "-1000000000000"
        validation = DataValidation(type="decimal", operator="between", formula1=low, formula2="1000000000000",
                                    allow_blank=True, showErrorMessage=True)
        validation.errorTitle = text["dv_title_number"]
        validation.error = text["dv_nonnegative" if low == "0" else "dv_number"]
        return validation
    return None


# ------------------------------------------------------------------------------ comments
def column_note(spec: schema.ColumnSpec, lang: str) -> str:
    text = TEXT[lang]

    def line(label, value):
        return f"{text[label]}{text['sep']}{value}"

    lines = [spec.description_zh if lang == "zh" else spec.description,
             text["required"] if spec.required else text["optional"],
             line("type", text["types"].get(spec.type, spec.type))]
    unit = unit_label(spec.unit)
    if unit is not None:
        others = _other_units(spec.unit, lang)
        unit_line = line("unit", unit)
        if others:
            unit_line += text["semi"] + text["other_units"].format(examples=", ".join(f"({u})" for u in others))
        lines.append(unit_line)
    elif spec.type == "share":
        lines.append(text["share_note"])
    if spec.default != "":
        lines.append(line("default", display_value(spec.default, spec.type, spec.name, lang)))
    values = _list_values(spec, lang)
    if values:
        lines.append(line("values", " / ".join(values)))
    return "\n".join(lines)


def parameter_note(spec: schema.ParameterSpec, lang: str) -> str:
    text = TEXT[lang]

    def line(label, value):
        return f"{text[label]}{text['sep']}{value}"

    lines = [spec.description_zh if lang == "zh" else spec.description,
             line("unit", spec.unit) if spec.unit else line("type", text["types"].get(spec.type, spec.type))]
    if spec.default != "":
        lines.append(line("default", display_value(spec.default, spec.type, spec.key, lang)))
    if spec.source:
        lines.append(line("source", spec.source))
    if spec.type == "choice":
        lines.append(line("values", " / ".join(choice_values(spec.key, lang))))
    return "\n".join(lines)


def _comment(note: str) -> Comment:
    lines = note.split("\n")
    wrapped = sum(1 + _display_width(line) // 40 for line in lines)
    comment = Comment(note, AUTHOR)
    comment.width = 300
    comment.height = max(60, 16 * wrapped + 12)
    return comment


def _display_width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in str(text))


# ---------------------------------------------------------------------------- data sheets
def _list_values(spec: schema.ColumnSpec, lang: str) -> list[str]:
    if spec.type == "bool":
        return list(yes_no(lang))
    if spec.type == "choice" and (spec.name in schema.CHOICES
                                  or spec.name in {p.key for p in schema.parameters()}):
        return choice_values(spec.name, lang)
    return []


def _validation(values: list[str], lang: str) -> DataValidation | None:
    """An in-cell drop-down that only accepts ``values``; None if Excel cannot hold the list."""
    formula = '"' + ",".join(values) + '"'
    if not values or len(formula) > MAX_LIST_FORMULA or any("," in v or '"' in v for v in values):
        return None
    text = TEXT[lang]
    validation = DataValidation(type="list", formula1=formula, allow_blank=True, showErrorMessage=True)
    validation.errorTitle = text["dv_title"]
    validation.error = text["dv_error"].format(values=" / ".join(values))
    return validation


def _data_sheet(ws, spec: schema.SheetSpec, lang: str) -> None:
    columns = schema.sheet_columns(spec.name)
    for index, column in enumerate(columns, start=1):
        cell = ws.cell(row=1, column=index, value=header_text(column, lang))
        cell.font = HEADER_FONT
        cell.fill = REQUIRED_FILL if column.required else OPTIONAL_FILL
        cell.alignment = Alignment(vertical="center")
        cell.comment = _comment(column_note(column, lang))
        letter = get_column_letter(index)
        ws.column_dimensions[letter].width = _column_width(column, lang)
        validation = _validation(_list_values(column, lang), lang) or _input_validation(column, lang)
        if validation is not None:
            ws.add_data_validation(validation)
            validation.add(f"{letter}2:{letter}{LAST_ROW}")
    ws.freeze_panes = "A2"
    if spec.required:
        ws.sheet_properties.tabColor = "FFC000"


def _column_width(spec: schema.ColumnSpec, lang: str) -> float:
    width = _display_width(header_text(spec, lang)) + 4
    if spec.type == "text":
        width = max(width, 20)
    elif spec.type in ("id", "idlist", "choice", "any", "profile"):
        width = max(width, 14)
    return float(min(max(width, 10), 40))


def _fill_parameters(ws, lang: str, values: dict | None = None) -> None:
    name_width = 12
    values = values or {}
    for row, spec in enumerate(schema.parameters(), start=2):
        name_cell = ws.cell(row=row, column=1, value=parameter_name(spec, lang))
        name_cell.comment = _comment(parameter_note(spec, lang))
        value = values[spec.key] if spec.key in values else typed_default(spec, lang)
        if spec.key in values and spec.type == "choice":
            aliases = schema.CHOICES.get(spec.key, {}).get(value)
            value = aliases[0] if lang == "zh" and aliases else value
        ws.cell(row=row, column=2, value=value)
        name_width = max(name_width, _display_width(name_cell.value) + 4)
        if spec.type == "choice":
            validation = _validation(choice_values(spec.key, lang), lang)
            if validation is not None:
                ws.add_data_validation(validation)
                validation.add(f"B{row}")
    ws.column_dimensions["A"].width = min(name_width, 40)
    ws.column_dimensions["B"].width = 16


# --------------------------------------------------------------------------- instructions
def _instructions(ws, lang: str) -> None:
    text = TEXT[lang]
    ws.title = text["instructions"]
    names = {s.name: sheet_title(s, lang) for s in schema.sheets()}
    prefixes = {p: p for prefixes in DYNAMIC_PREFIXES.values() for p in prefixes}
    rows: list[tuple[str, list]] = []  # (style, cells)

    def section(title, header=None):
        rows.append(("blank", []))
        rows.append(("section", [title]))
        if header:
            rows.append(("header", header))

    rows.append(("title", [text["title"]]))
    section(text["steps_head"])
    for number, step in enumerate(text["steps"], start=1):
        rows.append(("line", [f"{number}. " + step.format(**names)]))

    section(text["units_head"])
    money = next(c for c in schema.columns() if c.unit == "money")
    energy = next(c for c in schema.columns() if c.unit == "energy")
    example1 = _bracketed(column_name(money, lang), _other_units("money", "zh")[-1], lang)
    example2 = _bracketed(column_name(energy, lang), _other_units("energy", "zh")[-1], lang)
    rows.append(("line", [text["units_intro"].format(example1=example1, example2=example2)]))
    rows.append(("header", text["units_cols"]))
    kinds = [k for k in units.CANONICAL if any(c.unit == k for c in schema.columns())]
    for kind in kinds:
        rows.append(("row", [KIND_LABELS[lang].get(kind, kind), units.CANONICAL[kind],
                             ", ".join(units.known_units(kind))]))
    yes, no = yes_no(lang)
    rows.append(("line", [text["yesno"].format(yes=yes, no=no)]))

    section(text["sheets_head"], text["sheets_cols"])
    for spec in schema.sheets():
        other = spec.name if lang == "zh" else spec.zh
        rows.append(("row", [names[spec.name], other, ", ".join(a for a in spec.aliases[1:]),
                             text["sheet_required"] if spec.required else text["sheet_optional"],
                             spec.description_zh if lang == "zh" else spec.description]))

    section(text["columns_head"], text["columns_cols"])
    for spec in schema.columns():
        other = spec.name if lang == "zh" else " | ".join(spec.aliases)
        rows.append(("row", [names[spec.sheet], header_text(spec, lang), other,
                             text["types"].get(spec.type, spec.type),
                             unit_label(spec.unit) or "",
                             display_value(spec.default, spec.type, spec.name, lang),
                             text["required"] if spec.required else text["optional"],
                             spec.description_zh if lang == "zh" else spec.description]))

    section(text["parameters_head"], text["parameters_cols"])
    for spec in schema.parameters():
        other = spec.key if lang == "zh" else " | ".join(spec.aliases)
        rows.append(("row", [parameter_name(spec, lang), other, spec.unit,
                             display_value(spec.default, spec.type, spec.key, lang),
                             spec.description_zh if lang == "zh" else spec.description, spec.source]))

    section(text["choices_head"], text["choices_cols"])
    for field, choices in schema.CHOICES.items():
        listed = "; ".join(f"{key} ({' / '.join(aliases)})" for key, aliases in choices.items())
        rows.append(("row", [field, listed]))
    rows.append(("row", ["yes / no", f"{', '.join(schema.YES)}  |  {', '.join(schema.NO)}"]))

    section(text["dynamic_head"])
    for line in text["dynamic"]:
        rows.append(("line", ["• " + line.format(**names, benefit=prefixes.get("benefit:", "benefit:"),
                                                 budget=prefixes.get("budget:", "budget:"),
                                                 target=prefixes.get("target:", "target:"))]))

    for number, (style, values) in enumerate(rows, start=1):
        for col, value in enumerate(values, start=1):
            cell = ws.cell(row=number, column=col, value=value if value != "" else None)
            if style == "title":
                cell.font = TITLE_FONT
            elif style == "section":
                cell.font = SECTION_FONT
            elif style == "header":
                cell.font = HEADER_FONT
                cell.fill = OPTIONAL_FILL
            elif style == "row":
                cell.alignment = WRAP
    for letter, width in zip("ABCDEFGH", (22, 22, 22, 14, 14, 12, 10, 60)):
        ws.column_dimensions[letter].width = width
    ws.sheet_properties.tabColor = "70AD47"


def _bracketed(name: str, unit: str, lang: str) -> str:
    return f"{name}({unit})" if lang == "zh" else f"{name} ({unit})"
