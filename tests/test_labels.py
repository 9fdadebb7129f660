"""The one bilingual label table, retrofit_opt/schema/labels.csv (issue 12): every row has
both languages with the same {placeholders}; the report, the template and the sweep's
status words all read it."""
from __future__ import annotations

import csv
import string
from pathlib import Path

import retrofit_opt
from retrofit_opt.schema import labels

TABLE = Path(retrofit_opt.__file__).parent / "schema" / "labels.csv"


def placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_table_rows_are_complete_and_placeholders_match():
    with open(TABLE, encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert list(rows[0]) == ["key", "en", "zh"]
    keys = [r["key"] for r in rows]
    assert len(keys) == len(set(keys)), "duplicate keys"
    for r in rows:
        assert r["en"] and r["zh"], r["key"]
        assert placeholders(r["en"]) == placeholders(r["zh"]), r["key"]
        assert not placeholders(r["en"]) & {"key", "lang"}, f"{r['key']}: a placeholder shadows label()'s arguments"


def test_report_and_template_read_the_one_table():
    from retrofit_opt.report import labels as report_labels
    from retrofit_opt.template import TEXT
    table = labels.table()
    assert report_labels.LABELS is table
    assert report_labels.label("sheet.summary", "zh") == table["sheet.summary"][1] == "概要"
    assert TEXT["zh"]["instructions"] == table["template.instructions"][1]
    assert TEXT["en"]["steps"][0] == table["template.steps.1"][0]
    assert labels.group("template", "zh")["types"]["year"] == table["template.types.year"][1]
