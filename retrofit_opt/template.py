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

# Names of the quantity kinds of units.CANONICAL, for the instructions sheet.
KIND_LABELS = {
    "zh": {"money": "金额", "money_per_year": "年金额", "energy": "节能量（标准煤）",
           "energy_stock": "能源消费量（标准煤）", "electricity": "电量", "mass": "质量（减排量、节煤量）",
           "mass_stock": "排放量", "gas": "天然气", "heat": "热力", "water": "水量",
           "water_stock": "用水量", "years": "年限", "share": "比例"},
    "en": {"money": "money", "money_per_year": "money per year", "energy": "energy saving (standard coal)",
           "energy_stock": "energy consumption (standard coal)", "electricity": "electricity",
           "mass": "mass (emissions, coal)", "mass_stock": "emissions", "gas": "natural gas",
           "heat": "heat / steam", "water": "water", "water_stock": "water use", "years": "years",
           "share": "share"},
}

TEXT = {
    "zh": {
        "instructions": "说明",
        "title": "retrofit-opt 案例模板 — 填写说明",
        "steps_head": "填写步骤",
        "steps": [
            "每个工作表第一行是表头，从第二行起每行一条记录；不要改动表头文字（可改表头括号内的单位）。",
            "黄色表头为必填列，蓝色表头为选填列；把鼠标停在表头上可看到该列的含义、单位、默认值。",
            "“{projects}”表必填，每行一个候选项目；其余工作表按需填写，不需要的可以留空或删除。",
            "是/否列、目标类型、目标函数等单元格有下拉列表；留空的单元格取默认值。",
            "“{parameters}”表已列出全部参数及默认值（默认值的依据见下方参数表），按本案例修改“值”列即可。",
            "填好后运行 retrofit-opt validate 文件名.xlsx 检查，再运行 retrofit-opt solve 文件名.xlsx 求解。",
            "本“说明”表在读取时被忽略。",
        ],
        "units_head": "单位",
        "units_intro": ("表中数值按标准单位填写。表头可在括号中注明其他单位，读取时自动换算为标准单位，"
                        "例如 {example1} 或 {example2}；括号中的单位不认识时报错，从不猜测。"
                        "年度量的单位可带“/年”或“/yr”。"),
        "units_cols": ["量", "标准单位", "表头中可用的单位"],
        "yesno": "是/否列可填：{yes} 或 {no}（也接受 yes/no、1/0 等，见下方“选项”）。",
        "sheets_head": "工作表",
        "sheets_cols": ["工作表", "英文名", "其他名称", "是否必需", "说明"],
        "columns_head": "各表的列",
        "columns_cols": ["工作表", "列（表头）", "英文名", "类型", "单位", "默认值", "必填", "说明"],
        "parameters_head": "参数",
        "parameters_cols": ["参数", "英文键", "单位", "默认值", "说明", "默认值依据"],
        "choices_head": "选项",
        "choices_cols": ["字段", "可填值"],
        "dynamic_head": "可增加的列和参数",
        "dynamic": [
            "{projects}表可增加自定义指标列 {benefit}名称(单位)，例如 {benefit}占地(亩)，目标可引用该指标。",
            "{scenarios}表可增加覆盖列：{budget}资金池、{target}指标，以及任一参数（如 折现率）。",
            "目标函数为“加权”时，在{parameters}表增加行 weight:指标（如 weight:energy_saving），值为权重。",
        ],
        "yes": "是", "no": "否", "required": "必填", "optional": "选填", "sheet_required": "必需",
        "sheet_optional": "可选", "unit": "单位", "default": "默认值", "values": "可填值", "type": "类型",
        "source": "依据", "sep": "：", "semi": "；", "other_units": "可在表头括号中改用其他单位，如 {examples}",
        "share_note": "填 0–1 的小数；表头写 (%) 时按百分数填写，如 30",
        "types": {"id": "编号", "text": "文本", "number": "数值", "integer": "整数", "year": "年份",
                  "bool": "是/否", "idlist": "项目编号列表", "profile": "分年度比例", "share": "比例（0–1）",
                  "choice": "选项", "any": "任意"},
        "dv_title": "请选择", "dv_error": "请从下拉列表中选择：{values}",
    },
    "en": {
        "instructions": "instructions",
        "title": "retrofit-opt case template — how to fill it in",
        "steps_head": "Steps",
        "steps": [
            "Row 1 of every sheet is the header; enter one record per row from row 2. Keep the header "
            "names (you may change the unit in brackets).",
            "Yellow headers are required columns, blue ones optional; hover over a header for its meaning, "
            "unit and default.",
            "The '{projects}' sheet is required, one row per candidate project; fill the other sheets as "
            "needed and leave empty (or delete) the ones you do not need.",
            "Yes/no columns, target kind and objective have drop-down lists; a blank cell takes the default.",
            "The '{parameters}' sheet lists every parameter with its default (sources in the parameter table "
            "below); change the value column for your case.",
            "Then run  retrofit-opt validate FILE.xlsx  to check it and  retrofit-opt solve FILE.xlsx  to "
            "solve it.",
            "This instructions sheet is ignored when the case is read.",
        ],
        "units_head": "Units",
        "units_intro": ("Enter values in the canonical units. A header may name another unit in brackets and "
                        "the values are converted to the canonical unit, e.g. {example1} or {example2}; an "
                        "unknown unit is an error, never a guess. Annual quantities may add '/yr' or '/年'."),
        "units_cols": ["quantity", "canonical unit", "units accepted in a header"],
        "yesno": "Yes/no columns take {yes} or {no} (also 是/否, 1/0 and more, see Choices below).",
        "sheets_head": "Sheets",
        "sheets_cols": ["sheet", "Chinese name", "other names", "required", "description"],
        "columns_head": "Columns of each sheet",
        "columns_cols": ["sheet", "column (header)", "Chinese name", "type", "unit", "default", "required",
                         "description"],
        "parameters_head": "Parameters",
        "parameters_cols": ["parameter", "Chinese name", "unit", "default", "description", "source of default"],
        "choices_head": "Choices",
        "choices_cols": ["field", "values"],
        "dynamic_head": "Extra columns and parameters",
        "dynamic": [
            "The {projects} sheet may add metric columns {benefit}<name> (<unit>), e.g. '{benefit}land (mu)'; "
            "targets may name them.",
            "The {scenarios} sheet may add override columns {budget}<pool>, {target}<metric> and any parameter "
            "key (e.g. discount_rate).",
            "For the objective 'weighted', add rows weight:<metric> (e.g. weight:energy_saving) to the "
            "{parameters} sheet with the weight as value.",
        ],
        "yes": "yes", "no": "no", "required": "required", "optional": "optional", "sheet_required": "yes",
        "sheet_optional": "no", "unit": "Unit", "default": "Default", "values": "Values", "type": "Type",
        "source": "Source", "sep": ": ", "semi": "; ",
        "other_units": "another unit in the header brackets is converted, e.g. {examples}", "share_note": "a fraction 0–1; with (%) in the header enter percent, e.g. 30",
        "types": {"id": "id", "text": "text", "number": "number", "integer": "whole number", "year": "year",
                  "bool": "yes/no", "idlist": "project ids", "profile": "shares per year, e.g. 40/60",
                  "share": "share (0–1)", "choice": "choice", "any": "any"},
        "dv_title": "Choose", "dv_error": "Choose from the list: {values}",
    },
}


def write_template(path: str | Path, lang: str = "zh") -> Path:
    """Write an empty, documented case workbook to ``path`` (replacing it) and return the path.

    ``lang`` is ``"zh"`` (Chinese sheet names, headers and notes) or ``"en"``.
    """
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
    workbook = build_template(lang)
    write_atomically(path, workbook.save)
    return path


def build_template(lang: str = "zh") -> Workbook:
    """The template as an in-memory workbook (see :func:`write_template`)."""
    text = TEXT[lang]
    workbook = Workbook()
    _instructions(workbook.active, lang)
    for spec in schema.sheets():
        ws = workbook.create_sheet(sheet_title(spec, lang))
        _data_sheet(ws, spec, lang)
        if spec.name == "parameters":
            _fill_parameters(ws, lang)
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
        else:
            preferred = [u for u in names if not u.isascii()]
        picked.append((preferred or names)[0])
    return picked


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
        validation = _validation(_list_values(column, lang), lang)
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


def _fill_parameters(ws, lang: str) -> None:
    name_width = 12
    for row, spec in enumerate(schema.parameters(), start=2):
        name_cell = ws.cell(row=row, column=1, value=parameter_name(spec, lang))
        name_cell.comment = _comment(parameter_note(spec, lang))
        ws.cell(row=row, column=2, value=typed_default(spec, lang))
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
