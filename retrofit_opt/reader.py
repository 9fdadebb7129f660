"""Read a case workbook into raw tables: headers matched to the schema, units resolved,
cell values as Excel stored them.  Typing and every rule are :mod:`retrofit_opt.validate`'s.

Problems found here (an unreadable file, a missing sheet, an unknown unit, a formula
without a cached value) are collected, never raised one by one.
"""
from __future__ import annotations

import hashlib
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from retrofit_opt import schema, units
from retrofit_opt.errors import CaseError, Problem

DYNAMIC_PREFIXES = {"projects": ("benefit:",), "scenarios": ("budget:", "target:")}
MAX_ROWS = 200_000
MAX_COLUMNS = 500
# Bounds against archive bombs: an .xlsx case is a few MB at most.
MAX_UNPACKED_BYTES = 500 * 1024 * 1024
MAX_COMPRESSION_RATIO = 200


@dataclass
class RawColumn:
    key: str  # canonical column name, or a dynamic one such as "benefit:land"
    letter: str
    header: str  # as written in the workbook
    unit: str | None  # unit written in brackets, if any
    factor: float = 1.0  # converts the written unit to the canonical one

    @property
    def label(self) -> str:
        return f"{self.letter} '{self.header}'"


@dataclass
class RawRow:
    row: int  # Excel row number
    cells: dict[str, object]  # column key → value as stored


@dataclass
class RawSheet:
    name: str  # canonical sheet name
    title: str  # sheet title as written in the workbook
    columns: dict[str, RawColumn] = field(default_factory=dict)
    rows: list[RawRow] = field(default_factory=list)
    language: str = "en"
    header_row: int | None = None
    unusable: set = field(default_factory=set)  # columns present but dropped (e.g. unknown unit)


@dataclass
class RawCase:
    sheets: dict[str, RawSheet]
    source_name: str
    sha256: str
    language: str


def read_case(path: str | Path, problems: list[Problem]) -> RawCase | None:
    """Read the workbook at ``path``; append problems; ``None`` when it cannot be read."""
    path = Path(path)
    if not _check_file(path, problems):
        return None
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    try:
        values_wb = load_workbook(path, read_only=True, data_only=True)
        formulas_wb = load_workbook(path, read_only=True, data_only=False)
    except Exception as exc:  # openpyxl raises many types for corrupt files
        problems.append(Problem(f"the file could not be read as an Excel workbook ({type(exc).__name__}: {exc})",
                                "save it from Excel as .xlsx (Excel Workbook) and try again"))
        return None
    try:
        sheets = _read_sheets(values_wb, formulas_wb, problems)
    finally:
        values_wb.close()
        formulas_wb.close()
    zh = sum(1 for s in sheets.values() if s.language == "zh")
    language = "zh" if zh * 2 >= len(sheets) and zh else "en"
    return RawCase(sheets, path.name, digest, language)


def _check_file(path: Path, problems: list[Problem]) -> bool:
    fix_format = "save the case from Excel as .xlsx (Excel Workbook) and pass that file"
    if not path.exists():
        problems.append(Problem(f"file not found: {path}", "check the path"))
        return False
    if path.is_dir():
        problems.append(Problem(f"{path} is a folder, not a case workbook", "pass an .xlsx file"))
        return False
    suffix = path.suffix.lower()
    if suffix in (".xls", ".csv", ".ods", ".xlsb", ".et"):
        problems.append(Problem(f"{path.name} is a {suffix} file; retrofit-opt reads .xlsx workbooks", fix_format))
        return False
    try:
        with open(path, "rb") as fh:
            head = fh.read(8)
    except OSError as exc:
        problems.append(Problem(f"cannot open {path.name}: {exc.strerror}", "check the file's permissions"))
        return False
    if not head.startswith(b"PK"):
        what = "an old .xls file" if head.startswith(b"\xd0\xcf\x11\xe0") else "not an .xlsx workbook"
        problems.append(Problem(f"{path.name} is {what}", fix_format))
        return False
    try:
        with zipfile.ZipFile(path) as archive:
            infos = archive.infolist()
            unpacked = sum(i.file_size for i in infos)
            packed = max(1, sum(i.compress_size for i in infos))
            names = {i.filename for i in infos}
    except (zipfile.BadZipFile, OSError) as exc:
        problems.append(Problem(f"{path.name} is damaged or not an .xlsx workbook ({exc})", fix_format))
        return False
    if unpacked > MAX_UNPACKED_BYTES or unpacked / packed > MAX_COMPRESSION_RATIO and unpacked > 50 * 1024 * 1024:
        problems.append(Problem(f"{path.name} unpacks to {unpacked / 2**20:.0f} MiB; refusing to read it "
                                "(a case workbook is a few MiB)", "check that this is the right file"))
        return False
    if "xl/workbook.xml" not in names:
        problems.append(Problem(f"{path.name} is a zip archive but not an Excel workbook", fix_format))
        return False
    return True


def _read_sheets(values_wb, formulas_wb, problems: list[Problem]) -> dict[str, RawSheet]:
    lookup = schema.sheet_lookup()
    found: dict[str, RawSheet] = {}
    for title in values_wb.sheetnames:
        key = lookup.get(schema.normalise_name(title))
        if key is None:
            if schema.normalise_name(title) not in ("instructions", "说明", "填写说明", "readme"):
                problems.append(Problem(f"sheet '{title}' is not part of the case format and is ignored",
                                        "rename it to one of: " + ", ".join(s.name for s in schema.sheets()),
                                        severity="warning"))
            continue
        if key in found:
            problems.append(Problem(f"sheets '{found[key].title}' and '{title}' are both the '{key}' sheet",
                                    "keep one of them", sheet=title))
            continue
        sheet = RawSheet(key, title, language="en" if schema.normalise_name(title) == key else "zh")
        _read_sheet(sheet, values_wb[title], formulas_wb[title], problems)
        found[key] = sheet
    for spec in schema.sheets():
        if spec.required and spec.name not in found:
            problems.append(Problem(f"the case has no '{spec.name}' ({spec.zh}) sheet",
                                    f"add a sheet named '{spec.name}' or '{spec.zh}' (see `retrofit-opt template`)"))
    return found


def _read_sheet(sheet: RawSheet, ws_values, ws_formulas, problems: list[Problem]) -> None:
    rows = ws_values.iter_rows(values_only=True, max_col=MAX_COLUMNS)
    formula_rows = ws_formulas.iter_rows(values_only=True, max_col=MAX_COLUMNS)
    header_row = None
    headers: dict[int, RawColumn] = {}
    for number, (values, formulas) in enumerate(zip(rows, formula_rows), start=1):
        if number > MAX_ROWS:
            problems.append(Problem(f"more than {MAX_ROWS} rows; the rest is not read", "split the case",
                                    sheet=sheet.title, severity="error"))
            break
        if header_row is None:
            if any(v is not None and str(v).strip() for v in values):
                header_row = number
                sheet.header_row = number
                headers = _resolve_headers(sheet, values, problems, number)
            continue
        cells: dict[str, object] = {}
        for index, column in headers.items():
            value = values[index] if index < len(values) else None
            formula = formulas[index] if index < len(formulas) else None
            if value is None and isinstance(formula, str) and formula.startswith("="):
                problems.append(Problem("formula has no saved value", "open the file in Excel, let it calculate and "
                                        "save it, or type the value", sheet=sheet.title, row=number,
                                        column=column.label, value=formula))
            if isinstance(value, str):
                value = value.strip()
                if value == "":
                    value = None
            if value is not None:
                cells[column.key] = value
        if cells:
            sheet.rows.append(RawRow(number, cells))


def _resolve_headers(sheet: RawSheet, values, problems: list[Problem], header_row: int) -> dict[int, RawColumn]:
    lookup = schema.column_lookup(sheet.name)
    specs = {c.name: c for c in schema.sheet_columns(sheet.name)}
    resolved: dict[int, RawColumn] = {}
    zh_headers = en_headers = 0
    for index, raw in enumerate(values):
        if raw is None or not str(raw).strip():
            continue
        letter = get_column_letter(index + 1)
        written = str(raw).strip()
        name, unit = schema.split_header(written)
        norm = schema.normalise_name(name)
        key = lookup.get(norm)
        label = f"{letter} '{written}'"
        if key is None and any(norm.startswith(p) for p in DYNAMIC_PREFIXES.get(sheet.name, ())):
            prefix, _, rest = name.partition(":")
            key = f"{prefix.strip().lower()}:{rest.strip()}"
            if not rest.strip():
                problems.append(Problem(f"'{written}' names no metric after '{prefix}:'",
                                        f"write e.g. '{prefix}:land (mu)'", sheet=sheet.title, row=header_row, column=label))
                continue
        if key is None and sheet.name == "scenarios":
            key = schema.parameter_lookup().get(norm)
        if key is None:
            problems.append(Problem(f"unknown column '{written}' is ignored",
                                    "check the spelling against `retrofit-opt template`", sheet=sheet.title,
                                    row=header_row, column=label, severity="warning"))
            continue
        if key in {c.key for c in resolved.values()}:
            problems.append(Problem(f"column '{key}' appears twice", "delete or rename one of them",
                                    sheet=sheet.title, row=header_row, column=label))
            continue
        if norm == schema.normalise_name(key.split(":")[0]) or norm.isascii():
            en_headers += 1
        else:
            zh_headers += 1
        factor = _header_factor(sheet, key, specs.get(key), unit, label, header_row, problems)
        if factor is None:
            sheet.unusable.add(key)
            continue
        resolved[index] = RawColumn(key, letter, written, unit, factor)
    if zh_headers > en_headers:
        sheet.language = "zh"
    sheet.columns = {c.key: c for c in resolved.values()}
    return resolved


def _header_factor(sheet: RawSheet, key: str, spec, unit: str | None, label: str, header_row: int,
                   problems: list[Problem]) -> float | None:
    """Factor to canonical units for a header's bracketed unit; None (and a problem) if unknown."""
    if key.startswith("benefit:"):
        return 1.0  # a user-defined metric keeps its own unit
    if key.startswith("budget:"):
        kind = "money"
    elif key.startswith("target:") or spec is None:
        kind = ""
    else:
        kind = spec.unit
    if unit is None:
        return 1.0
    if not kind:
        if spec is not None and spec.type == "share" and units.conversion_factor("share", unit):
            return units.conversion_factor("share", unit)
        problems.append(Problem(f"column '{key}' takes no unit, but the header gives '{unit}'",
                                "remove the bracketed unit", sheet=sheet.title, row=header_row, column=label))
        return None
    factor = units.conversion_factor(kind, unit)
    if factor is None:
        problems.append(Problem(f"unknown unit '{unit}' for {key} (a {kind.replace('_', ' ')} quantity)",
                                f"use one of: {', '.join(units.known_units(kind))}; canonical is "
                                f"{units.CANONICAL[kind]}", sheet=sheet.title, row=header_row, column=label))
        return None
    return factor


def ensure_readable(path: str | Path) -> RawCase:
    """Read or raise :class:`CaseError` with every problem found while reading."""
    problems: list[Problem] = []
    raw = read_case(path, problems)
    if raw is None or any(p.severity == "error" for p in problems):
        raise CaseError(problems, Path(path).name)
    return raw
