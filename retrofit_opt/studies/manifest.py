"""What a batch runs: case files, folders of them, or a manifest (``.xlsx`` / ``.csv``).

A manifest has one row per run on its ``runs`` (批量运行) sheet — or is the CSV itself —
with the columns of ``schema/manifest.csv``: ``case``, ``command`` (solve | compare |
sweep | risk), ``output``, ``park``, and the command's options as columns (``budget_from``, …)
and/or as command-line text in ``options``.  An ``.xlsx`` manifest may add a
``province_targets`` (省级目标) sheet: the province-level rows the parks' plans should add
up to.  The manifest is validated like a case sheet: every problem with its sheet, row,
column, the value and a fix, all in one :class:`~retrofit_opt.errors.CaseError`; nothing
runs while any remains.  A case's own problems are not the manifest's: they become that
run's error row.
"""
from __future__ import annotations

import csv
import math
import shlex
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from openpyxl.utils import get_column_letter

from retrofit_opt import cells, schema
from retrofit_opt.errors import CaseError, Problem
from retrofit_opt.results_batch import COMMANDS, ROLLUP_METRICS, ProvinceTarget, RunSpec

RUNS, PROVINCE = "runs", "province_targets"
SHEET_ALIASES = {RUNS: ("runs", "批量运行", "运行清单", "manifest", "清单"),
                 PROVINCE: ("province_targets", "省级目标", "全省目标")}
ROLLUP_ALIASES = {"capex": ("投资", "总投资"), "annual_cost_saving": ("年节约费用",)}
DEFAULT_OUTPUT = {"solve": "{stem}_result.xlsx", "compare": "{stem}_compare.xlsx", "sweep": "{stem}_sweep.xlsx",
                  "risk": "{stem}_risk.xlsx"}
OUTPUT_SUFFIXES = ("_result", "_compare", "_sweep", "_risk")  # a folder's results are not taken for cases
SUMMARY_NAME = "batch_summary.xlsx"
MAX_RUNS = 100_000


@dataclass(frozen=True)
class Column:
    sheet: str
    name: str
    aliases: tuple[str, ...]
    type: str
    commands: tuple[str, ...]  # commands that accept this option ("": not an option)
    low: float | None
    high: float | None
    description: str

    @property
    def flag(self) -> str:
        return "--" + self.name.replace("_", "-")


@dataclass(frozen=True)
class BatchPlan:
    runs: tuple[RunSpec, ...]
    province_targets: tuple[ProvinceTarget, ...] = ()


@lru_cache(maxsize=None)
def manifest_columns() -> tuple[Column, ...]:
    with open(Path(schema.__file__).parent / "manifest.csv", encoding="utf-8", newline="") as fh:
        return tuple(Column(r["sheet"], r["column"], tuple(a for a in r["zh"].split("|") if a), r["type"],
                            tuple(c for c in r["commands"].split("|") if c),
                            float(r["low"]) if r["low"] else None, float(r["high"]) if r["high"] else None,
                            r["description"]) for r in csv.DictReader(fh))


def columns_of(sheet: str) -> dict[str, Column]:
    return {c.name: c for c in manifest_columns() if c.sheet == sheet}


def option_columns() -> dict[str, Column]:
    return {name: c for name, c in columns_of(RUNS).items() if c.commands}


def _lookup(sheet: str) -> dict[str, str]:
    table = {}
    for c in columns_of(sheet).values():
        for alias in (c.name, *c.aliases):
            table[schema.normalise_name(alias)] = c.name
    return table


# ------------------------------------------------------------------------------ entry point
def plan_batch(inputs: list[Path], outdir: Path, defaults: dict | None = None) -> BatchPlan:
    """The runs ``inputs`` ask for, with outputs in ``outdir``; ``defaults``: options of the
    batch command line (time_limit, mip_gap, lang, no_explain), applied to every run whose
    command takes them and whose manifest row does not set them.  Raises CaseError with
    every problem of the inputs."""
    defaults = {k: v for k, v in (defaults or {}).items() if v is not None and v is not False}
    problems: list[Problem] = []
    entries: list[tuple] = []  # (case text, case path, command, options, output text, park, origin, base)
    targets: list[ProvinceTarget] = []
    for given in inputs:
        path = Path(given)
        if path.is_dir():
            cases = sorted(p for p in path.iterdir() if _is_case_file(p))
            if not cases:
                problems.append(Problem(f"the folder {given} holds no case workbooks (.xlsx)",
                                        "give case files, a folder of them, or a manifest"))
            entries += [(str(p), p, "solve", {}, None, p.stem, "", None) for p in cases]
        elif not path.is_file():
            problems.append(Problem(f"{given} does not exist", "check the path"))
        elif path.suffix.lower() == ".csv":
            entries += _read_csv_manifest(path, problems)
        elif path.suffix.lower() in (".xlsx", ".xlsm") and _manifest_sheets(path):
            found, province = _read_xlsx_manifest(path, problems)
            entries += found
            targets += province
        else:
            entries.append((str(given), path, "solve", {}, None, path.stem, "", None))
    runs = _runs(entries, Path(outdir), defaults, inputs, problems)
    if not runs and not problems:
        problems.append(Problem("the batch has no runs", "give case files, a folder of them, or a manifest with "
                                "at least one row"))
    if any(p.severity == "error" for p in problems):
        raise CaseError(problems, ", ".join(Path(p).name for p in inputs))
    return BatchPlan(tuple(runs), tuple(targets))


def _is_case_file(path: Path) -> bool:
    name = path.name
    return (path.is_file() and path.suffix.lower() == ".xlsx" and not name.startswith(("~$", "."))
            and not path.stem.endswith(OUTPUT_SUFFIXES) and name != SUMMARY_NAME and not _manifest_sheets(path))


def _manifest_sheets(path: Path) -> dict[str, str]:
    """Manifest sheets of an .xlsx (canonical name → title); empty for a case workbook."""
    from openpyxl import load_workbook
    try:
        wb = load_workbook(path, read_only=True)
    except Exception:  # noqa: BLE001 - not readable: then it is a (bad) case, reported by its run
        return {}
    try:
        found = {}
        for title in wb.sheetnames:
            for name, aliases in SHEET_ALIASES.items():
                if schema.normalise_name(title) in {schema.normalise_name(a) for a in aliases}:
                    found[name] = title
        return found if RUNS in found else {}
    finally:
        wb.close()


# ------------------------------------------------------------------------------ reading
def _read_xlsx_manifest(path: Path, problems: list[Problem]):
    from openpyxl import load_workbook
    sheets = _manifest_sheets(path)
    wb = load_workbook(path, read_only=True, data_only=True)
    try:
        rows = [list(r) for r in wb[sheets[RUNS]].iter_rows(values_only=True)]
        province = ([list(r) for r in wb[sheets[PROVINCE]].iter_rows(values_only=True)]
                    if PROVINCE in sheets else None)
    finally:
        wb.close()
    entries = _run_rows(path, sheets[RUNS], rows, problems)
    targets = _province_rows(sheets[PROVINCE], province, problems) if province is not None else []
    return entries, targets


def _read_csv_manifest(path: Path, problems: list[Problem]):
    try:
        with open(path, encoding="utf-8-sig", newline="") as fh:
            rows = [[cell if cell.strip() else None for cell in row] for row in csv.reader(fh)]
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        problems.append(Problem(f"{path.name} cannot be read as a UTF-8 CSV manifest ({exc})",
                                "save it as 'CSV UTF-8 (comma delimited)'"))
        return []
    return _run_rows(path, path.name, rows, problems)


def _header(sheet: str, title: str, rows: list[list], problems: list[Problem]):
    """(header row number, {column index: canonical name}) or None."""
    lookup = _lookup(sheet)
    for number, row in enumerate(rows[:20], 1):
        names = [schema.normalise_name(schema.split_header(str(v))[0]) if v is not None else "" for v in row]
        if any(lookup.get(n) for n in names):
            mapping = {}
            for k, (value, name) in enumerate(zip(row, names)):
                if value is None or not str(value).strip():
                    continue
                canonical = lookup.get(name)
                if canonical is None:
                    problems.append(Problem(f"unknown column '{value}'", "use one of: " + ", ".join(columns_of(sheet)),
                                            sheet=title, row=number, column=get_column_letter(k + 1)))
                elif canonical in mapping.values():
                    problems.append(Problem(f"column '{value}' appears twice", "keep one of them", sheet=title,
                                            row=number, column=get_column_letter(k + 1)))
                else:
                    mapping[k] = canonical
            return number, mapping
    problems.append(Problem("no header row found", "put the column names (e.g. case, command, output) in the first "
                            "row", sheet=title))
    return None


def _column_label(k: int, rows: list[list], header_row: int) -> str:
    return f"{get_column_letter(k + 1)} '{rows[header_row - 1][k]}'"


def _run_rows(path: Path, title: str, rows: list[list], problems: list[Problem]) -> list[tuple]:
    found = _header(RUNS, title, rows, problems)
    if found is None:
        return []
    header_row, mapping = found
    if "case" not in mapping.values():
        problems.append(Problem("the manifest has no 'case' column", "add a column 'case' (案例) with the case "
                                "workbook of each run", sheet=title, row=header_row))
        return []
    columns = columns_of(RUNS)
    entries = []
    for number, row in enumerate(rows[header_row:], header_row + 1):
        cellmap = {name: row[k] for k, name in mapping.items() if k < len(row) and _filled(row[k])}
        if not cellmap:
            continue
        if len(entries) >= MAX_RUNS:
            problems.append(Problem(f"more than {MAX_RUNS} runs", "split the manifest", sheet=title, row=number))
            break
        where = dict(sheet=title, row=number)
        col = {name: _column_label(k, rows, header_row) for k, name in mapping.items()}
        case_text = cellmap.get("case")
        if case_text is None:
            problems.append(Problem("the case is blank", "enter the case workbook of this run, or delete the row",
                                    column=col["case"], **where))
            continue
        case_text = str(case_text).strip()
        case_path = Path(case_text) if Path(case_text).is_absolute() else path.parent / case_text
        if not case_path.is_file():
            problems.append(Problem("the case file does not exist", "check the name; a relative path is taken from "
                                    f"the manifest's folder ({path.parent})", column=col["case"],
                                    value=case_text, **where))
        command = "solve"
        if "command" in cellmap:
            command = schema.normalise_name(str(cellmap["command"]))
            if command not in COMMANDS:
                problems.append(Problem("is not a command a batch runs", "enter solve, compare, sweep or risk",
                                        column=col["command"], value=cellmap["command"], **where))
                continue
        options: dict = {}
        for name, value in cellmap.items():
            if name in ("case", "command", "output", "park", "options"):
                continue
            _set_option(options, columns[name], value, command, problems, column=col[name], **where)
        if "options" in cellmap:
            _parse_options_text(options, str(cellmap["options"]), command, problems, column=col["options"], **where)
        if command == "sweep":
            for needed in ("budget_from", "budget_to"):
                if needed not in options:
                    problems.append(Problem(f"a sweep needs {columns[needed].flag}",
                                            f"add a '{needed}' column, or '{columns[needed].flag} N' in options "
                                            "(万元)", **where))
            if (options.get("budget_from") or 0) > options.get("budget_to", math.inf):
                problems.append(Problem("budget_from is above budget_to", "give the lower level first", **where))
        output = cellmap.get("output")
        park = str(cellmap["park"]).strip() if "park" in cellmap else case_path.stem
        entries.append((case_text, case_path, command, options, str(output).strip() if output is not None else None,
                        park, f"{title} row {number}", (title, number, col.get("output"))))
    return entries


def _filled(value) -> bool:
    return value is not None and not (isinstance(value, str) and not value.strip())


def _set_option(options: dict, spec: Column, value, command: str, problems: list[Problem], **where) -> None:
    if command not in spec.commands:
        problems.append(Problem(f"'{command}' has no option {spec.flag}",
                                f"leave it blank for {command} runs (it is for: {', '.join(spec.commands)})",
                                value=value, **where))
        return
    try:
        options[spec.name] = _typed(spec, value)
    except cells.CellError as err:
        problems.append(Problem(err.message, err.fix, value=value, **where))


def _typed(column: Column, value):
    kind, low, high = column.type, column.low, column.high
    if kind == "bool":
        return cells.to_bool(value)
    if kind == "lang":
        text = schema.normalise_name(str(value))
        lang = {"zh": "zh", "中文": "zh", "cn": "zh", "en": "en", "english": "en", "英文": "en"}.get(text)
        if lang is None:
            raise cells.CellError("is not a report language", "enter zh or en")
        return lang
    if kind == "text":
        text = cells.to_text(value)
        if not text:
            raise cells.CellError("is blank", "enter a value or leave the cell empty")
        return text
    if kind == "integer":
        number = cells.to_integer(value)
    else:
        number = cells.to_number(value, " (万元)" if kind == "money" else "")
    if kind == "number" and low is not None and number <= low:
        raise cells.CellError(f"must be above {low:g}", f"enter a number above {low:g}")
    if kind != "number" and low is not None and number < low:
        raise cells.CellError(f"must be at least {low:g}", f"enter a number of at least {low:g}")
    if high is not None and number > high:
        raise cells.CellError(f"must be at most {high:g}", f"enter a number of at most {high:g}")
    return number


FLAGS = {"--no-explain": ("no_explain", True), "--priority": ("priority", True), "--no-priority": ("priority", False)}


def _parse_options_text(options: dict, text: str, command: str, problems: list[Problem], **where) -> None:
    """``--budget-from 150000 --budget-to 260000 --no-priority`` → options (same checks as columns)."""
    try:
        words = shlex.split(text)
    except ValueError as exc:
        problems.append(Problem(f"the options cannot be split into words ({exc})", "check the quotes",
                                value=text, **where))
        return
    by_flag = {c.flag: c for c in option_columns().values()}
    k = 0
    while k < len(words):
        word = words[k]
        name, _, inline = word.partition("=")
        if name in FLAGS and not inline:
            key, value = FLAGS[name]
            _set_option(options, option_columns()[key], value, command, problems, **where)
            k += 1
            continue
        spec = by_flag.get(name)
        if spec is None or spec.type == "bool":
            problems.append(Problem(f"unknown option '{word}'", "use options of `retrofit-opt " + command +
                                    " --help` (without the case and -o), e.g. --time-limit 60", value=text, **where))
            return
        if inline:
            value, k = inline, k + 1
        elif k + 1 < len(words):
            value, k = words[k + 1], k + 2
        else:
            problems.append(Problem(f"option {name} has no value", f"write {name} VALUE", value=text, **where))
            return
        if spec.name in options:
            problems.append(Problem(f"{name} is set twice (in its column and in options)", "keep one",
                                    value=text, **where))
            continue
        _set_option(options, spec, value, command, problems, **where)


def _province_rows(title: str, rows: list[list], problems: list[Problem]) -> list[ProvinceTarget]:
    found = _header(PROVINCE, title, rows, problems)
    if found is None:
        return []
    header_row, mapping = found
    for needed in ("metric", "value"):
        if needed not in mapping.values():
            problems.append(Problem(f"the sheet has no '{needed}' column", f"add a column '{needed}'",
                                    sheet=title, row=header_row))
            return []
    metrics = {schema.normalise_name(m): m for m in ROLLUP_METRICS}
    metrics.update({k: v for k, v in schema.metric_lookup().items() if v in ROLLUP_METRICS})
    for metric, aliases in ROLLUP_ALIASES.items():
        metrics.update({schema.normalise_name(a): metric for a in aliases})
    targets = []
    for number, row in enumerate(rows[header_row:], header_row + 1):
        cellmap = {name: (row[k], _column_label(k, rows, header_row)) for k, name in mapping.items()
                   if k < len(row) and _filled(row[k])}
        if not cellmap:
            continue
        where = dict(sheet=title, row=number)
        bad = False
        metric = None
        if "metric" not in cellmap:
            problems.append(Problem("the metric is blank", "enter " + ", ".join(ROLLUP_METRICS), **where))
            bad = True
        else:
            metric = metrics.get(schema.normalise_name(str(cellmap["metric"][0])))
            if metric is None:
                problems.append(Problem("is not a metric the roll-up sums", "enter " + ", ".join(ROLLUP_METRICS),
                                        column=cellmap["metric"][1], value=cellmap["metric"][0], **where))
                bad = True
        kind = "min_total"
        if "kind" in cellmap:
            kind = {"mintotal": "min_total", "maxtotal": "max_total", "不低于": "min_total", "不高于": "max_total",
                    "下限": "min_total", "上限": "max_total"}.get(schema.normalise_name(str(cellmap["kind"][0])))
            if kind is None:
                problems.append(Problem("is not a target kind", "enter min_total (sum ≥ value) or max_total "
                                        "(sum ≤ value)", column=cellmap["kind"][1], value=cellmap["kind"][0], **where))
                bad = True
        value = None
        if "value" not in cellmap:
            problems.append(Problem("the value is blank", "enter the province-level value", **where))
            bad = True
        else:
            try:
                value = cells.to_number(cellmap["value"][0])
            except cells.CellError as err:
                problems.append(Problem(err.message, err.fix, column=cellmap["value"][1], value=cellmap["value"][0],
                                        **where))
                bad = True
        if not bad:
            label = str(cellmap["label"][0]).strip() if "label" in cellmap else f"{metric} {kind}"
            targets.append(ProvinceTarget(metric, kind, value, label, number))
    return targets


# ------------------------------------------------------------------------------ runs
def _runs(entries: list[tuple], outdir: Path, defaults: dict, inputs: list[Path],
          problems: list[Problem]) -> list[RunSpec]:
    columns = option_columns()
    runs: list[RunSpec] = []
    taken: dict[Path, str] = {}
    inputs_resolved = {Path(p).resolve() for p in inputs} | {e[1].resolve() for e in entries}
    for case_text, case_path, command, options, output, park, origin, where in entries:
        merged = {k: v for k, v in defaults.items() if command in columns[k].commands}
        merged.update(options)
        name = output or DEFAULT_OUTPUT[command].format(stem=case_path.stem)
        sheet, row, column = where or (None, None, None)
        if not name.lower().endswith(".xlsx"):
            problems.append(Problem("the output must be an .xlsx workbook", f"e.g. {Path(name).stem}.xlsx",
                                    sheet=sheet, row=row, column=column, value=name))
            continue
        out = Path(name) if Path(name).is_absolute() else outdir / name
        resolved = out.resolve()
        label = origin or case_text
        if resolved in inputs_resolved:
            problems.append(Problem("the output would overwrite an input", "choose another output name",
                                    sheet=sheet, row=row, column=column, value=name))
        elif resolved == (outdir / SUMMARY_NAME).resolve():
            problems.append(Problem(f"the output {SUMMARY_NAME} is the batch's roll-up", "choose another name",
                                    sheet=sheet, row=row, column=column, value=name))
        elif resolved in taken:
            problems.append(Problem(f"two runs write {out.name} ({taken[resolved]} and {label})",
                                    "give each run its own output name (a manifest's 'output' column)",
                                    sheet=sheet, row=row, column=column, value=name))
        taken.setdefault(resolved, label)
        runs.append(RunSpec(len(runs) + 1, case_text, case_path, command, tuple(sorted(merged.items())), out,
                            park, origin))
    return runs
