"""The one bilingual label table, ``labels.csv`` (key, en, zh): every user-visible label of
the results workbook, the template and the report-facing CLI messages.

A new label is a new row; keys are dotted (``sheet.summary``, ``template.steps.1``).
:func:`text` picks the language and fills ``{placeholders}``; :func:`group` rebuilds the
nested lists and mappings a module keeps under one prefix (``template.steps.1``, ``.2`` …
become a list).
"""
from __future__ import annotations

import csv
from functools import lru_cache
from pathlib import Path

LANGUAGES = ("en", "zh")
_FILE = Path(__file__).with_name("labels.csv")


@lru_cache(maxsize=None)
def table() -> dict[str, tuple[str, str]]:
    """key → (en, zh), in file order; a duplicate key is an error in the table itself."""
    out: dict[str, tuple[str, str]] = {}
    with open(_FILE, encoding="utf-8", newline="") as fh:
        for number, row in enumerate(csv.DictReader(fh), start=2):
            key = row["key"]
            if key in out:
                raise ValueError(f"{_FILE.name} line {number}: duplicate label key {key!r}")
            if not row["en"] or not row["zh"]:
                raise ValueError(f"{_FILE.name} line {number}: label {key!r} needs both en and zh")
            out[key] = (row["en"], row["zh"])
    return out


def text(key: str, lang: str, **fmt) -> str:
    en, zh = table()[key]
    chosen = zh if lang == "zh" else en
    return chosen.format(**fmt) if fmt else chosen


def has(key: str) -> bool:
    return key in table()


def group(prefix: str, lang: str):
    """Every label under ``prefix.`` as nested data: numeric parts make lists (in order),
    other parts make dicts.  ``group("template", "zh")["steps"]`` is the list of steps."""
    root: dict = {}
    for key, (en, zh) in table().items():
        if not key.startswith(prefix + "."):
            continue
        parts = key[len(prefix) + 1:].split(".")
        node = root
        for part in parts[:-1]:
            node = node.setdefault(part, {})
        node[parts[-1]] = zh if lang == "zh" else en
    return _lists(root)


def _lists(node):
    if not isinstance(node, dict):
        return node
    if node and all(k.isdigit() for k in node):
        return [_lists(node[k]) for k in sorted(node, key=int)]
    return {k: _lists(v) for k, v in node.items()}
