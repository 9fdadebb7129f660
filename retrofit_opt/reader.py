"""Read a case workbook into raw tables: headers matched to the schema, units resolved,
cell values as Excel stored them.  Typing and every rule are :mod:`retrofit_opt.validate`'s.

Problems found here (an unreadable file, a missing sheet, an unknown unit, a formula
without a cached value) are collected, never raised one by one.
"""
from __future__ import annotations

import errno
import hashlib
import itertools
import re
import stat
import warnings
import zipfile
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from defusedxml import DefusedXmlException
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter, range_boundaries
from openpyxl.worksheet.formula import ArrayFormula, DataTableFormula
from openpyxl.xml.constants import SHEET_MAIN_NS
from openpyxl.xml.functions import iterparse

from retrofit_opt import limits, schema, units
from retrofit_opt.errors import CaseError, Problem
from retrofit_opt.reader_values import open_book, sheet_rows

DYNAMIC_PREFIXES = {"projects": ("benefit:",), "scenarios": ("budget:", "target:")}
MAX_ROWS = limits.MAX_DATA_ROWS  # rows with data; empty rows are skipped, not counted
MAX_COLUMNS = 500
# Bounds against archive bombs: an .xlsx case is a few MB at most.
MAX_UNPACKED_BYTES = 500 * 1024 * 1024
MAX_COMPRESSION_RATIO = 200
FIX_FORMAT = "save the case from Excel as .xlsx (Excel Workbook) and pass that file"
MERGE_CELL_TAG = f"{{{SHEET_MAIN_NS}}}mergeCell"
CELL_TAG = f"{{{SHEET_MAIN_NS}}}c"
ROW_TAG = f"{{{SHEET_MAIN_NS}}}row"


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
    digest = _sha256(path)
    # openpyxl warns (UserWarning) about unsupported extensions and out-of-range date serials;
    # those cells reach validation as errors, so the warnings would only add noise on stderr.
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", module=r"openpyxl(\.|$)")
        try:
            with _sized_without_a_scan():
                values_wb = load_workbook(_source(path), read_only=True, data_only=True)
        except Exception as exc:  # openpyxl raises many types for corrupt files
            problems.append(_unreadable(path, exc))
            return None
        try:
            # The formulas pass is needed only where there are formulas: a workbook without
            # any is read once, not twice.
            with _sized_without_a_scan():
                formulas_wb = load_workbook(_source(path), read_only=True, data_only=False) \
                    if _has_formulas(path) else None
        except Exception as exc:
            values_wb.close()
            problems.append(_unreadable(path, exc))
            return None
        fast = open_book(path)
        try:
            sheets = _read_sheets(values_wb, formulas_wb, problems, fast)
        except _DamagedSheet as exc:
            problems.append(_unreadable(path, exc.__cause__, exc.title))
            return None
        finally:
            values_wb.close()
            if fast is not None:
                fast.close()
            if formulas_wb is not None:
                formulas_wb.close()
    return RawCase(sheets, path.name, digest, case_language(sheets))


_SIZE_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?(dimension|sheetData)[\s>/]")
_SIZE_HEAD = 1 << 16  # bytes of a sheet's XML searched for its <dimension> before <sheetData>


@contextmanager
def _sized_without_a_scan():
    """openpyxl's read-only worksheets find their size at opening (``_get_size``): the
    ``<dimension>`` element, which the schema puts before ``<sheetData>`` — but a sheet
    without one (written by openpyxl's write-only mode, among others) is parsed to its end
    just to learn that there is none, and then has no size, which is what this replacement
    gives at once when the sheet's XML reaches ``<sheetData>`` first (0.75 s of a
    10,000-project case).  Every other sheet is sized by openpyxl's own code."""
    from openpyxl.worksheet._read_only import ReadOnlyWorksheet
    original = ReadOnlyWorksheet._get_size

    def get_size(ws):
        with ws._get_source() as src:
            first = _SIZE_TAG.search(src.read(_SIZE_HEAD))
        if first is not None and first.group(1) == b"sheetData":
            return  # no <dimension> (one after the rows would be out of order, and openpyxl ignores it too)
        original(ws)

    ReadOnlyWorksheet._get_size = get_size
    try:
        yield
    finally:
        ReadOnlyWorksheet._get_size = original


def _source(path: Path):
    """What openpyxl opens: the path, or — for a real workbook under another extension
    (case.dat, case.xlsx.bak; checked by content in :func:`_check_file`) — an open file,
    since openpyxl refuses unknown extensions by name."""
    if path.suffix.lower() in (".xlsx", ".xltx", ".xlsm", ".xltm"):
        return path
    return open(path, "rb")  # noqa: SIM115 (read-only workbooks read from it until closed)


_FORMULA_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?f[\s>/]")  # <f>, <f t="shared" …/>, <x:f>


def _has_formulas(path: Path) -> bool:
    """Does any worksheet hold a formula (an ``<f>`` element)?  Streams the sheets' XML out
    of the archive; text in cells cannot match, as XML escapes its ``<``."""
    with zipfile.ZipFile(path) as archive:
        for info in archive.infolist():
            if not info.filename.startswith("xl/worksheets/") or not info.filename.endswith(".xml"):
                continue
            with archive.open(info) as src:
                tail = b""
                for chunk in iter(lambda: src.read(1 << 20), b""):
                    text = tail + chunk
                    # the regular expression only where a formula tag can start (<f …> or <x:f …>)
                    if (b"<f" in text or b":f" in text) and _FORMULA_TAG.search(text):
                        return True
                    tail = chunk[-32:]
    return False


class _DamagedSheet(Exception):
    """openpyxl failed while streaming a sheet (read-only mode parses sheets lazily): damaged
    XML, a bad checksum, a forbidden entity.  Raised only for openpyxl's own failures."""

    def __init__(self, title: str):
        super().__init__(title)
        self.title = title


def _stream(rows, title: str):
    try:
        yield from rows
    except Exception as exc:
        raise _DamagedSheet(title) from exc


def _unreadable(path: Path, exc: BaseException | None, sheet: str | None = None) -> Problem:
    chain = []
    while exc is not None and exc not in chain:
        chain.append(exc)
        exc = exc.__cause__ or exc.__context__
    if any(isinstance(e, DefusedXmlException) for e in chain):
        return Problem(f"{path.name} contains XML entity or DTD declarations, which Excel never writes; it is "
                       "refused as a possible XML bomb", "do not use a file of unknown origin; if it is yours, "
                       "open it in Excel and save it again as .xlsx", sheet=sheet)
    detail = ""
    if chain:  # the innermost error says most; its first line only (openpyxl adds a paragraph)
        root = chain[-1]
        detail = f" ({type(root).__name__}: {(str(root).strip().splitlines() or [''])[0]})"
    return Problem(f"{path.name} could not be read as an Excel workbook: it is damaged or not a real .xlsx{detail}",
                   "open it in Excel (which repairs damaged files) and save it again as .xlsx (Excel Workbook)",
                   sheet=sheet)


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _check_file(path: Path, problems: list[Problem]) -> bool:
    try:
        mode = path.stat().st_mode
    except OSError as exc:
        if exc.errno in (errno.ENOENT, errno.ENOTDIR):
            problems.append(Problem(f"file not found: {path}", "check the path"))
        else:
            problems.append(Problem(f"cannot open {path}: {exc.strerror or exc}",
                                    "check the path and the file's permissions"))
        return False
    if stat.S_ISDIR(mode):
        problems.append(Problem(f"{path} is a folder, not a case workbook", "pass an .xlsx file"))
        return False
    if not stat.S_ISREG(mode):
        problems.append(Problem(f"{path} is not a regular file (a pipe, device or socket)",
                                "pass an .xlsx file saved on disk"))
        return False
    suffix = path.suffix.lower()
    if suffix in (".xls", ".csv", ".ods", ".xlsb", ".et"):
        problems.append(Problem(f"{path.name} is a {suffix} file; retrofit-opt reads .xlsx workbooks", FIX_FORMAT))
        return False
    if suffix in (".xlsm", ".xltm"):
        problems.append(Problem(f"{path.name} is a macro-enabled workbook ({suffix}); retrofit-opt reads .xlsx "
                                "workbooks", "save a copy as .xlsx (Excel Workbook) and pass that file"))
        return False
    try:
        with open(path, "rb") as fh:
            head = fh.read(8)
    except OSError as exc:
        problems.append(Problem(f"cannot read {path.name}: {exc.strerror or exc}",
                                "check the file's permissions, or copy it to a local disk and try again"))
        return False
    if not head.startswith(b"PK"):
        if head.startswith(b"\xd0\xcf\x11\xe0") and _is_encrypted_ooxml(path):
            problems.append(Problem(f"{path.name} is password-protected (an encrypted workbook), so its sheets "
                                    "cannot be read", "open it in Excel, remove the password (File → Info → Protect "
                                    "Workbook → Encrypt with Password, clear it), save, and pass that file"))
            return False
        what = "an old .xls file" if head.startswith(b"\xd0\xcf\x11\xe0") else (
            "empty" if not head else "not an .xlsx workbook")
        problems.append(Problem(f"{path.name} is {what}", FIX_FORMAT))
        return False
    try:
        with zipfile.ZipFile(path) as archive:
            infos = archive.infolist()
            unpacked = sum(i.file_size for i in infos)
            packed = max(1, sum(i.compress_size for i in infos))
            names = {i.filename for i in infos}
    except (zipfile.BadZipFile, OSError) as exc:
        problems.append(Problem(f"{path.name} is damaged or not an .xlsx workbook ({exc})", FIX_FORMAT))
        return False
    if unpacked > MAX_UNPACKED_BYTES or unpacked / packed > MAX_COMPRESSION_RATIO and unpacked > 50 * 1024 * 1024:
        problems.append(Problem(f"{path.name} unpacks to {unpacked / 2**20:.0f} MiB; refusing to read it "
                                "(a case workbook is a few MiB)", "check that this is the right file"))
        return False
    if "xl/workbook.xml" not in names:
        problems.append(Problem(f"{path.name} is a zip archive but not an Excel workbook", FIX_FORMAT))
        return False
    return _check_parts(path, names, problems)


def _is_encrypted_ooxml(path: Path) -> bool:
    """An OLE compound file holding an ``EncryptionInfo`` stream: Excel's password-protected
    .xlsx (an old .xls has a ``Workbook`` stream instead)."""
    try:
        with open(path, "rb") as fh:
            data = fh.read(4 * 1024 * 1024)
    except OSError:
        return False
    return "EncryptionInfo".encode("utf-16-le") in data or "EncryptedPackage".encode("utf-16-le") in data


def _check_parts(path: Path, names: set[str], problems: list[Problem]) -> bool:
    """The workbook part: not Strict Open XML (which openpyxl reads as a workbook without
    sheets), and every worksheet it lists present in the archive."""
    try:
        with zipfile.ZipFile(path) as archive:
            workbook = archive.read("xl/workbook.xml")[:1 << 20]
            rels = archive.read("xl/_rels/workbook.xml.rels") if "xl/_rels/workbook.xml.rels" in names else b""
    except (zipfile.BadZipFile, OSError, KeyError) as exc:
        problems.append(Problem(f"{path.name} is damaged or not an .xlsx workbook ({exc})", FIX_FORMAT))
        return False
    if b"purl.oclc.org/ooxml/spreadsheetml" in workbook:
        problems.append(Problem(f"{path.name} is saved as 'Strict Open XML Spreadsheet', which retrofit-opt does "
                                "not read", "in Excel: File → Save As → Excel Workbook (.xlsx), and pass that file"))
        return False
    targets = {rid.decode(): target.decode("utf-8", "replace") for rid, target in
               re.findall(rb'<Relationship\b[^>]*?\bId="([^"]+)"[^>]*?\bTarget="([^"]+)"', rels)}
    targets |= {rid.decode(): target.decode("utf-8", "replace") for target, rid in
                re.findall(rb'<Relationship\b[^>]*?\bTarget="([^"]+)"[^>]*?\bId="([^"]+)"', rels)}
    charts = []
    for title, rid in re.findall(rb'<(?:\w+:)?sheet\b[^>]*?\bname="([^"]*)"[^>]*?\br:id="([^"]+)"', workbook):
        name = title.decode("utf-8", "replace")
        if "chartsheets/" in targets.get(rid.decode(), "") and schema.sheet_lookup().get(schema.normalise_name(name)):
            charts.append(name)
    for name in charts:
        problems.append(Problem(f"sheet '{name}' is a chart sheet, not a table of cells",
                                f"put the table on an ordinary worksheet named '{name}', and rename or delete the "
                                "chart sheet", sheet=name))
    if charts:
        return False
    missing = []
    for target in re.findall(rb'Target="([^"]*worksheets/[^"]+)"', rels):
        part = target.decode("utf-8", "replace").lstrip("/")
        part = part if part.startswith("xl/") else "xl/" + part
        if part not in names:
            missing.append(part)
    if missing:
        problems.append(Problem(f"{path.name} is damaged: the workbook lists sheet data that is not in the file "
                                f"({', '.join(missing[:5])})", "open it in Excel (which repairs damaged files) and "
                                "save it again as .xlsx, or pass the right file"))
        return False
    return True


def _read_sheets(values_wb, formulas_wb, problems: list[Problem], fast=None) -> dict[str, RawSheet]:
    """Every case sheet of the workbook; ``fast``: the python-calamine workbook of the same
    file for the values pass (:mod:`retrofit_opt.reader_values`), or ``None``."""
    found: dict[str, RawSheet] = {}
    for title in values_wb.sheetnames:
        sheet = open_sheet(title, found, problems)
        if sheet is None:
            continue
        if not hasattr(values_wb[title], "iter_rows"):  # a chart sheet holds a chart, not cells
            problems.append(Problem(f"sheet '{title}' is a chart sheet, not a table of cells",
                                    f"put the {sheet.name} table on an ordinary worksheet named '{title}', and "
                                    "rename or delete the chart sheet", sheet=title))
            continue
        state = getattr(values_wb[title], "sheet_state", "visible")
        if state != "visible":
            problems.append(Problem(f"the sheet is {'very hidden' if state == 'veryHidden' else 'hidden'} in Excel; "
                                    "it is read like the other sheets", "unhide it (right-click a sheet tab → "
                                    "Unhide) and check it, or delete it if it is not part of the case",
                                    sheet=title, severity="warning"))
        fast_rows, xml = _fast_rows(fast, values_wb[title], title)
        _read_sheet(sheet, values_wb[title], formulas_wb[title] if formulas_wb is not None else None, problems,
                    fast_rows, xml)
        found[sheet.name] = sheet
    check_required_sheets(found, problems)
    return found


def open_sheet(title: str, found: dict[str, RawSheet], problems: list[Problem]) -> RawSheet | None:
    """The empty raw sheet for a sheet titled ``title``, or ``None`` (with a problem) when it
    is not part of the case or repeats one in ``found``.  Sheets of notes for people
    (``schema/notes_sheets.csv``: 说明, 来源, sources, …) are skipped without a warning.
    Shared by the workbook reader and :mod:`retrofit_opt.frames`."""
    norm = schema.normalise_name(title)
    key = schema.sheet_lookup().get(norm)
    if key is None:
        if norm not in schema.notes_sheet_names():
            problems.append(Problem(f"sheet '{title}' is not part of the case format and is ignored",
                                    "rename it to one of: " + ", ".join(s.name for s in schema.sheets()),
                                    severity="warning"))
        return None
    if key in found:
        problems.append(Problem(f"sheets '{found[key].title}' and '{title}' are both the '{key}' sheet",
                                "keep one of them", sheet=title))
        return None
    return RawSheet(key, title, language="en" if norm == key else "zh")


def check_required_sheets(found: dict[str, RawSheet], problems: list[Problem]) -> None:
    for spec in schema.sheets():
        if spec.required and spec.name not in found:
            problems.append(Problem(f"the case has no '{spec.name}' ({spec.zh}) sheet",
                                    f"add a sheet named '{spec.name}' or '{spec.zh}' (see `retrofit-opt template`)"))


def case_language(sheets: dict[str, RawSheet]) -> str:
    """"zh" when at least half the sheets are Chinese, else "en"."""
    zh = sum(1 for s in sheets.values() if s.language == "zh")
    return "zh" if zh * 2 >= len(sheets) and zh else "en"


def clean_value(value):
    """A cell value as the validator sees it: text stripped, blank text ``None``."""
    if isinstance(value, str):
        value = value.strip()
        if value == "":
            return None
    return value


def _fast_rows(fast, ws, title: str) -> tuple[list[tuple] | None, bytes | None]:
    """The sheet's values read by calamine, or ``None`` (then openpyxl streams them), and
    the sheet's XML when it was read (for :func:`_merged_ranges`)."""
    if fast is None:
        return None, None
    try:
        with ws._get_source() as src:
            xml = src.read()
    except Exception:
        return None, None  # openpyxl's own pass reports the damage
    return sheet_rows(fast, title, xml, MAX_COLUMNS), xml


def _read_sheet(sheet: RawSheet, ws_values, ws_formulas, problems: list[Problem],
                fast_rows: list[tuple] | None = None, xml: bytes | None = None) -> None:
    merged = _merged_ranges(ws_formulas if ws_formulas is not None else ws_values, sheet.title, xml)
    if fast_rows is not None and ws_formulas is None and not merged and len(set(map(len, fast_rows))) <= 1:
        _read_table_by_column(sheet, fast_rows, problems)
        return
    top_left: dict[str, object] = {}  # merged range → the value in its top-left cell
    if fast_rows is not None:
        rows = iter(fast_rows)
    else:
        rows = _stream(ws_values.iter_rows(values_only=True, max_col=MAX_COLUMNS), sheet.title)
    if ws_formulas is not None:
        formula_rows = _stream(ws_formulas.iter_rows(values_only=True, max_col=MAX_COLUMNS), sheet.title)
        # calamine's rows end at the last value; a formula without one may come later
        pairs = itertools.zip_longest(rows, formula_rows, fillvalue=())
    else:
        pairs = zip(rows, itertools.repeat(()))  # no formulas in the workbook
    header_row = None
    headers: dict[int, RawColumn] = {}
    keys: list[tuple[int, str]] = []  # (index, column key) of the headers
    last_index = -1
    uncached = []  # (row, column index, RawColumn or None for a header, formula): no value read
    for number, (values, formulas) in enumerate(pairs, start=1):
        if len(values) < len(formulas):  # calamine's grid ends at the last value, not at a formula past it
            values = values + (None,) * (len(formulas) - len(values))
        if values.count(None) == len(values) and formulas.count(None) == len(formulas):
            continue  # an empty row is not a row: trailing blank rows and stray formatting cost nothing
        if len(sheet.rows) >= MAX_ROWS:
            problems.append(Problem(f"more than {MAX_ROWS} rows with data; the rest is not read (row {number} "
                                    "and below)", "split the case, or delete stray content below the table",
                                    sheet=sheet.title, row=number, severity="error"))
            break
        for ref, (min_col, min_row, _, _) in merged.items():
            if min_row == number and min_col - 1 < len(values):
                top_left[ref] = values[min_col - 1] if values[min_col - 1] is not None else (
                    formulas[min_col - 1] if min_col - 1 < len(formulas) else None)
        if header_row is None:
            if any(v is not None and str(v).strip() for v in values):
                header_row = number
                sheet.header_row = number
                headers = resolve_headers(sheet, values, problems, number)
                keys = [(index, column.key) for index, column in headers.items()]
                last_index = max(headers, default=-1)
                for index, (value, formula) in enumerate(zip(values, formulas)):
                    if value is None and _formula_text(formula):
                        uncached.append((number, index, None, _formula_text(formula)))
            continue
        cells: dict[str, object] = {}
        if not formulas and len(values) > last_index:  # the common row: no formulas, as wide as the table
            for index, key in keys:
                value = values[index]
                if value is not None:
                    if isinstance(value, str):  # clean_value, inline: this loop runs once per cell
                        value = value.strip()
                        if not value:
                            continue
                    cells[key] = value
        else:
            for index, column in headers.items():
                value = values[index] if index < len(values) else None
                formula = _formula_text(formulas[index] if index < len(formulas) else None)
                if value is None and formula:
                    uncached.append((number, index, column, formula))
                value = clean_value(value)
                if value is not None:
                    cells[column.key] = value
        if cells:
            sheet.rows.append(RawRow(number, cells))
    _check_uncached(sheet, ws_formulas, uncached, problems)
    if header_row is not None:
        _check_merged(sheet, merged, top_left, headers, header_row, problems)


def _read_table_by_column(sheet: RawSheet, rows: list[tuple], problems: list[Problem]) -> None:
    """What :func:`_read_sheet` reads from equally long rows without formulas or merged
    cells, a column at a time: the header row found as there, the data rows' text cleaned
    by one comprehension per column (:func:`clean_value`), each row's cells gathered by one
    dict comprehension.  Empty rows are skipped and the row limit applies as there."""
    for position, values in enumerate(rows):
        if values.count(None) != len(values) and any(v is not None and str(v).strip() for v in values):
            break
    else:
        return  # no header: nothing to read
    number = position + 1
    sheet.header_row = number
    headers = resolve_headers(sheet, values, problems, number)
    numbered = [(start, values) for start, values in enumerate(rows[position + 1:], start=number + 1)
                if values.count(None) != len(values)]
    if not numbered or not headers:
        return  # nothing to keep (and the row limit cannot be reached without rows kept)
    table = list(zip(*(values for _, values in numbered)))
    columns = []
    for index in headers:
        column = table[index]
        if any(isinstance(v, str) for v in column):
            column = [(v.strip() or None) if isinstance(v, str) else v for v in column]  # clean_value
        columns.append(column)
    keys = [column.key for column in headers.values()]
    for (number, _), values in zip(numbered, zip(*columns)):
        if len(sheet.rows) >= MAX_ROWS:
            problems.append(Problem(f"more than {MAX_ROWS} rows with data; the rest is not read (row {number} "
                                    "and below)", "split the case, or delete stray content below the table",
                                    sheet=sheet.title, row=number, severity="error"))
            break
        cells = {key: value for key, value in zip(keys, values) if value is not None}
        if cells:
            sheet.rows.append(RawRow(number, cells))


def _check_uncached(sheet: RawSheet, ws, uncached, problems: list[Problem]) -> None:
    """Formula cells that read as blank: an error unless the file saved an empty text as
    their value (``t="str"`` with an empty ``<v>``, e.g. ``=IF(A2>0, A2, "")``), which
    openpyxl cannot tell from a missing value."""
    if not uncached:
        return
    wanted = {f"{get_column_letter(index + 1)}{row}" for row, index, _, _ in uncached}
    empty_text = {ref for ref, kind in _cell_types(ws, sheet.title, wanted).items() if kind == "str"}
    for row, index, column, formula in uncached:
        if f"{get_column_letter(index + 1)}{row}" in empty_text:
            continue
        if column is None:
            problems.append(Problem("the header is a formula without a saved value", "type the header as text",
                                    sheet=sheet.title, row=row, column=get_column_letter(index + 1), value=formula))
        else:
            problems.append(Problem("formula has no saved value", "open the file in Excel, let it calculate and "
                                    "save it, or type the value", sheet=sheet.title, row=row,
                                    column=column.label, value=formula))


def _cell_types(ws, title: str, wanted: set[str]) -> dict[str, str]:
    """The ``t`` attribute (default "n") of the cells ``wanted`` ("C2", ...) in the sheet's XML."""
    found: dict[str, str] = {}
    try:
        with ws._get_source() as src:
            for _, element in iterparse(src):
                if element.tag == CELL_TAG:
                    if element.get("r") in wanted:
                        found[element.get("r")] = element.get("t", "n")
                elif element.tag == ROW_TAG:
                    element.clear()
    except Exception as exc:
        raise _DamagedSheet(title) from exc
    return found


def _formula_text(cell) -> str | None:
    """The formula in a cell of the formulas pass (``data_only=False``), else ``None``."""
    if isinstance(cell, str):
        return cell if cell.startswith("=") else None
    if isinstance(cell, ArrayFormula):
        return cell.text or "{array formula}"
    if isinstance(cell, DataTableFormula):
        return "{data table}"
    return None


def _merged_ranges(ws, title: str, xml: bytes | None = None) -> dict[str, tuple[int, int, int, int]]:
    """Merged ranges of more than one cell: "C2:C4" → (min_col, min_row, max_col, max_row).
    Read-only worksheets do not expose them, so the sheet's XML (``xml`` when the caller
    has read it already) is scanned, and parsed only when it mentions a merge at all."""
    if xml is not None and b"mergeCell" not in xml:
        return {}
    try:
        with ws._get_source() as src:
            tail = b""
            for chunk in iter(lambda: src.read(1 << 20), b""):
                if b"mergeCell" in tail + chunk:
                    break
                tail = chunk[-16:]
            else:
                return {}
        ranges = {}
        with ws._get_source() as src:
            for _, element in iterparse(src):
                if element.tag == MERGE_CELL_TAG and element.get("ref"):
                    bounds = range_boundaries(element.get("ref"))
                    if bounds[0] != bounds[2] or bounds[1] != bounds[3]:
                        ranges[element.get("ref")] = bounds
                if len(element):
                    element.clear()
        return ranges
    except Exception as exc:
        raise _DamagedSheet(title) from exc


def _check_merged(sheet: RawSheet, merged, top_left, headers: dict[int, RawColumn], header_row: int,
                  problems: list[Problem]) -> None:
    """A merged range in the table shows one value over several cells, but the file stores
    it in the top-left cell only: the others would silently read as blank."""
    for ref, (min_col, min_row, max_col, max_row) in merged.items():
        if max_row < header_row:
            continue  # a title above the table
        touched = [headers[i] for i in sorted(headers) if min_col - 1 <= i <= max_col - 1]
        value = top_left.get(ref)
        if not touched or value is None or isinstance(value, str) and not value.strip():
            continue
        problems.append(Problem(f"cells {ref} are merged: the file keeps the value only in "
                                f"{get_column_letter(min_col)}{min_row}, so the other cells would read as blank",
                                "unmerge them (Home → Merge & Center) and enter the value in every cell that needs it",
                                sheet=sheet.title, row=min_row, column=touched[0].label, value=value))


def resolve_headers(sheet: RawSheet, values, problems: list[Problem], header_row: int) -> dict[int, RawColumn]:
    """Match a header row to the schema (units resolved); column index → column.  Sets
    ``sheet.columns`` and the sheet's language; shared with :mod:`retrofit_opt.frames`."""
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
