"""Typing of single cell values by the schema's column types.

Each converter returns the typed value or raises :class:`CellError` with the message and
the fix; the caller attaches sheet, row and column.
"""
from __future__ import annotations

import math
import re
from datetime import date, datetime, time

from retrofit_opt import limits, schema

ID_SEPARATORS = re.compile(r"[,，、;；\s]+")
PROFILE_SEPARATORS = re.compile(r"[/／,，、;；]")
YEAR_RANGE = (1900, 2200)
YEAR_SUFFIX = re.compile(r"^\s*(\d{4})\s*年\s*$")  # 2021年, as planners write years
# Excel's error values: what a cell shows when its formula failed (a VLOOKUP without a match,
# a deleted reference, …).  They are errors in every column, never data.
EXCEL_ERRORS = frozenset({"#N/A", "#REF!", "#VALUE!", "#DIV/0!", "#NAME?", "#NULL!", "#NUM!", "#GETTING_DATA",
                          "#SPILL!", "#CALC!", "#FIELD!", "#BLOCKED!", "#CONNECT!", "#BUSY!", "#UNKNOWN!"})
FIX_EXCEL_ERROR = "the formula in this cell failed in Excel — fix it or type the value"


class CellError(ValueError):
    def __init__(self, message: str, fix: str):
        super().__init__(message)
        self.message = message
        self.fix = fix


def is_excel_error(value) -> bool:
    """Is ``value`` one of Excel's error values (#N/A, #REF!, …) as stored in a cell?"""
    return isinstance(value, str) and value.strip().upper() in EXCEL_ERRORS


def check_not_excel_error(value) -> None:
    """Raise :class:`CellError` for an Excel error value, whatever the column's type."""
    if is_excel_error(value):
        raise CellError(f"is the Excel error {value.strip().upper()}", FIX_EXCEL_ERROR)


def to_number(value, unit_hint: str = "") -> float:
    check_not_excel_error(value)
    if isinstance(value, bool):
        raise CellError("is TRUE/FALSE, not a number", f"enter a number{unit_hint}")
    if isinstance(value, (int, float)):
        number = float(value)
    elif isinstance(value, str):
        text = value.replace(",", "").replace("，", "").replace(" ", "")
        try:
            number = float(text)
        except ValueError:
            raise CellError("is not a number", f"enter a number{unit_hint}; put units in the header, "
                            "e.g. 'capex (万元)'") from None
    elif isinstance(value, (datetime, date, time)):
        raise CellError("is a date, not a number", f"format the cell as a number{unit_hint}")
    else:
        raise CellError("is not a number", f"enter a number{unit_hint}")
    if not math.isfinite(number):
        raise CellError("is not a finite number", f"enter a finite number{unit_hint}")
    if abs(number) > 1e15:
        raise CellError("is implausibly large", "check the value and the unit in the header")
    return number


def to_integer(value) -> int:
    number = to_number(value)
    if number != int(number):
        raise CellError("is not a whole number", "enter a whole number")
    return int(number)


def to_year(value) -> int:
    if isinstance(value, (datetime, date)):
        raise CellError("is a date, not a year", "enter the year as a number, e.g. 2025")
    if isinstance(value, str) and YEAR_SUFFIX.match(value):
        value = YEAR_SUFFIX.match(value).group(1)  # 2021年 is the year 2021
    year = to_integer(value)
    if not YEAR_RANGE[0] <= year <= YEAR_RANGE[1]:
        raise CellError("is not a plausible year", "enter a four-digit year, e.g. 2025")
    return year


def to_bool(value) -> bool:
    check_not_excel_error(value)
    if isinstance(value, bool):
        return value
    text = schema.normalise_name(str(value))
    if isinstance(value, float) and value in (0.0, 1.0):
        text = str(int(value))
    if text in schema.YES:
        return True
    if text in schema.NO:
        return False
    raise CellError("is not yes or no", "enter yes/no (是/否)")


def to_text(value) -> str:
    check_not_excel_error(value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, (datetime, date, time)):
        raise CellError("is a date", "format the cell as text")
    if isinstance(value, bool):
        raise CellError("is TRUE/FALSE, not text", "enter text")
    return str(value).strip()


def to_id_list(value) -> tuple[str, ...]:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return (to_text(value),)
    return tuple(part for part in ID_SEPARATORS.split(to_text(value)) if part)


def to_share(value, factor: float = 1.0) -> float:
    number = to_number(value) * factor
    if not 0 <= number <= 1:
        if factor == 1.0 and 1 < number <= 100:
            raise CellError("is above 1", "write a fraction (0.3), or mark the header in percent, e.g. "
                            "'subsidy_rate (%)'")
        raise CellError("is not between 0 and 1 (0 % and 100 %)", "enter a share between 0 and 1")
    return number


def to_profile(value) -> tuple[float, ...]:
    if isinstance(value, (datetime, date, time)):
        raise CellError("was turned into a date by Excel", "format the cell as text and type e.g. 40/60")
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return (to_number(value),)
    text = to_text(value)
    # 40/60 is the documented form; 40,60 40、60 40;60 are accepted too.  With a / in the
    # text, commas are thousands separators (1,200/800).
    separators = re.compile(r"[/／]") if re.search(r"[/／]", text) else PROFILE_SEPARATORS
    parts = separators.split(text)
    if len(parts) > limits.MAX_PROFILE_ENTRIES:
        raise CellError(f"has {len(parts)} entries; at most {limits.MAX_PROFILE_ENTRIES} build years are "
                        "supported", "give one entry per build year, e.g. 40/60")
    try:
        numbers = tuple(to_number(p.strip().rstrip("%").rstrip("％")) for p in parts)
    except CellError:
        raise CellError("is not a list of numbers separated by /", "write e.g. 40/60") from None
    return numbers  # a negative entry is capital returned in that year; validate checks the total


def to_choice(value, field: str) -> str:
    check_not_excel_error(value)
    lookup = schema.choice_lookup(field)
    key = lookup.get(schema.normalise_name(to_text(value)))
    if key is None:
        raise CellError(f"is not a known {field.replace('_', ' ')}",
                        "use one of: " + ", ".join(f"{k} ({v[0]})" for k, v in schema.CHOICES[field].items()))
    return key
