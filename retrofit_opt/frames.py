"""pandas DataFrames → the reader's raw tables, so that a case built in Python goes through
exactly the validation a workbook goes through (:func:`retrofit_opt.validate.validate`).

Each DataFrame is one sheet: its column labels are the header row (matched to the schema
like workbook headers, units in brackets and all), its rows the data rows.  Sheet names
are the workbook's — English or Chinese (``projects`` or ``项目``).  Messages locate a
problem as they would in the workbook the frames would make with the header in row 1: data
row *i* (0-based position, whatever the index) is row *i* + 2, and columns have their Excel
letters (the first column is A).  The frame is read as it is: its index is not a column.

Cell values are taken as a workbook cell would hold them: blanks (``None``, NaN, ``NaT``,
``pd.NA``, empty text) are blank, text is stripped, numpy scalars become Python numbers, an
integral float becomes an int (Excel stores no difference; openpyxl reads ``2024`` as an
int), timestamps become datetimes (and are then refused where a number is expected, as in
a workbook).  A cell holding anything else (a list, a dict, an object) is an error (and is
validated as its text, so that the rest of its row is still checked).
"""
from __future__ import annotations

import datetime
import decimal
import hashlib
import json
import math
import numbers
import re
from collections.abc import Mapping

import pandas as pd

from retrofit_opt import schema
from retrofit_opt.case import Case
from retrofit_opt.errors import CaseError, Problem, shown_value
from retrofit_opt.reader import (RawCase, RawRow, RawSheet, case_language, check_required_sheets, clean_value,
                                 open_sheet, resolve_headers)
from retrofit_opt.validate import validate

SHEET_NAMES = tuple(s.name for s in schema.sheets())
HEADER_ROW = 1  # the frames are numbered as a sheet with its header in row 1
DEFAULT_NAME = "DataFrames"
# The labels pandas gives to blank header cells when it reads a sheet (``Unnamed: 3``):
# blank headers, as the workbook reader sees them.
_PANDAS_BLANK_HEADER = re.compile(r"^Unnamed: \d+(_level_\d+)?$")


def case_from_frames(frames: Mapping[str, object] | None = None, *, name: str = DEFAULT_NAME,
                     **sheets: object) -> Case:
    """The validated case of the DataFrames in ``frames`` (sheet name → DataFrame, e.g. what
    ``pandas.read_excel(path, sheet_name=None)`` returns) and the keyword sheets
    (``projects=…``, ``budgets=…``); raises :class:`CaseError` listing every problem, with
    the messages a workbook of the same tables gets."""
    problems: list[Problem] = []
    tables: dict[str, object] = {}
    if frames is not None:
        if not isinstance(frames, Mapping):
            raise CaseError([Problem(f"the sheets must be a mapping of sheet name → DataFrame, not "
                                     f"{type(frames).__name__}", "pass e.g. {'projects': projects_df}")], name)
        tables.update((str(title), table) for title, table in frames.items())
    for key, table in sheets.items():
        if key not in SHEET_NAMES:
            problems.append(Problem(f"unknown sheet keyword '{key}'",
                                    "use one of: " + ", ".join(SHEET_NAMES) + " (or pass a mapping of sheet "
                                    "names as the first argument)"))
        elif table is not None:
            if key in tables:
                problems.append(Problem(f"the '{key}' sheet is given twice, in the mapping and as a keyword",
                                        "pass it once", sheet=key))
                continue
            tables[key] = table
    raw = raw_case(tables, problems, name)
    if raw is None:
        raise CaseError(problems, name)
    return validate(raw, problems)


def raw_case(tables: Mapping[str, object], problems: list[Problem], name: str = DEFAULT_NAME) -> RawCase | None:
    """The raw tables of ``tables`` (sheet title → DataFrame); problems appended; ``None``
    when a table is not a DataFrame (nothing can be validated then)."""
    found: dict[str, RawSheet] = {}
    unusable = False
    for title, table in tables.items():
        if not isinstance(table, pd.DataFrame):
            problems.append(Problem(f"the '{title}' sheet is a {type(table).__name__}, not a pandas DataFrame",
                                    "pass a DataFrame, e.g. pandas.DataFrame(rows, columns=[…])", sheet=title))
            unusable = True
            continue
        if isinstance(table.columns, pd.MultiIndex):
            problems.append(Problem("the DataFrame has several header rows (MultiIndex columns)",
                                    "give it one header row: one column label per column", sheet=title))
            unusable = True
            continue
        sheet = open_sheet(title, found, problems)
        if sheet is None:
            continue
        _fill_sheet(sheet, table, problems)
        found[sheet.name] = sheet
    if unusable:
        return None
    check_required_sheets(found, problems)
    return RawCase(found, name, _fingerprint(found), case_language(found))


def _fill_sheet(sheet: RawSheet, table: pd.DataFrame, problems: list[Problem]) -> None:
    headers_written = [_header(label) for label in table.columns]
    if not any(h is not None for h in headers_written) and table.empty:
        return  # an empty sheet, as in a workbook: no header row
    sheet.header_row = HEADER_ROW
    headers = resolve_headers(sheet, headers_written, problems, HEADER_ROW)
    for position, values in enumerate(table.itertuples(index=False, name=None)):
        row = HEADER_ROW + 1 + position
        cells: dict[str, object] = {}
        for index, column in headers.items():
            value = _cell(values[index])
            if value is _UNUSABLE:
                problems.append(Problem(f"the cell holds a {type(values[index]).__name__}, which a workbook cell "
                                        "cannot", "put one number, text, date or yes/no in each cell",
                                        sheet.title, row, column.label, shown_value(values[index])))
                value = str(values[index])  # validated as its text, so that the row's other checks still run
            if value is not None:
                cells[column.key] = value
        if cells:
            sheet.rows.append(RawRow(row, cells))


def _header(label) -> str | None:
    """A column label as the header text a workbook would have (``None`` when blank)."""
    value = _cell(label)
    if value is None or value is _UNUSABLE:
        return None
    text = str(value)
    return None if _PANDAS_BLANK_HEADER.match(text) else text


_UNUSABLE = object()


def _cell(value):
    """A DataFrame cell as the workbook reader would have read it (see the module's doc)."""
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, pd.Timestamp):
        return value.to_pydatetime()
    if hasattr(value, "item") and not isinstance(value, (str, bytes)) and getattr(value, "ndim", 1) == 0:
        value = value.item()  # numpy scalar → Python scalar
    if isinstance(value, bool):
        return value
    if isinstance(value, decimal.Decimal):
        value = float(value)
    if isinstance(value, numbers.Integral):
        return int(value)
    if isinstance(value, numbers.Real):
        value = float(value)
        if math.isnan(value):
            return None
        return int(value) if value.is_integer() and abs(value) < 2 ** 53 else value
    if isinstance(value, str):
        return clean_value(value)
    if isinstance(value, (datetime.datetime, datetime.date, datetime.time, datetime.timedelta)):
        return value
    return _UNUSABLE


def _fingerprint(sheets: dict[str, RawSheet]) -> str:
    """SHA-256 of the tables' content (titles, headers, cells): the frames' stand-in for a
    file's hash in the run info."""
    content = [[s.title, [[c.key, c.header] for c in s.columns.values()],
                [[r.row, sorted((k, repr(v)) for k, v in r.cells.items())] for r in s.rows]]
               for s in sheets.values()]
    return hashlib.sha256(json.dumps(content, ensure_ascii=False).encode()).hexdigest()
