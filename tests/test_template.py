"""`retrofit-opt template`: the empty workbook is documented, driven by the schema, and a
filled-in template is a valid case in either language and in any known money unit."""
from __future__ import annotations

import pytest
from click.testing import CliRunner
from openpyxl import Workbook, load_workbook

from retrofit_opt import cells, schema, units
from retrofit_opt.cli import main
from retrofit_opt.errors import CaseError, OutputError
from retrofit_opt.loader import load_case
from retrofit_opt.template import write_template

LANGS = ("zh", "en")
INSTRUCTIONS = {"zh": "说明", "en": "instructions"}


# ----------------------------------------------------------------------------- helpers
def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


def make_template(tmp_path, lang, name=None):
    path = tmp_path / (name or f"template_{lang}.xlsx")
    result = run("template", path, "--lang", lang)
    assert result.exit_code == 0, result.output
    assert path.is_file()
    return path


def sheet_of(wb, sheet, lang):
    spec = next(s for s in schema.sheets() if s.name == sheet)
    return wb[spec.zh if lang == "zh" else spec.name]


def column_of(ws, sheet, column):
    """1-based index of the header of ``column`` (canonical name), matched as the reader does."""
    lookup = schema.column_lookup(sheet)
    for cell in ws[1]:
        name = schema.split_header(cell.value)[0] if cell.value is not None else ""
        if name and lookup.get(schema.normalise_name(name)) == column:
            return cell.column
    raise AssertionError(f"no header for {sheet}.{column} in {[c.value for c in ws[1]]}")


def put(ws, sheet, row, values):
    for column, value in values.items():
        ws.cell(row=row, column=column_of(ws, sheet, column), value=value)


def set_parameter(ws, key, value):
    for (name, _value) in ws.iter_rows(min_row=2, max_col=2):
        if schema.parameter_lookup().get(schema.normalise_name(name.value)) == key:
            _value.value = value
            return
    raise AssertionError(f"parameter {key} is not pre-filled")


def word(field, key, lang):
    """How a user of ``lang`` writes a choice: the Chinese alias or the key."""
    return schema.CHOICES[field][key][0] if lang == "zh" else key


def fill(path, lang):
    """Three projects, a budget and a target, typed into the template as a user would."""
    yes, no = ("是", "否") if lang == "zh" else ("yes", "no")
    wb = load_workbook(path)
    ws = sheet_of(wb, "projects", lang)
    put(ws, "projects", 2, {"id": "P1", "name": "余热发电", "capex": 1200, "energy_saving": 3000,
                            "co2_reduction": 7800, "annual_cost_saving": 450, "mandatory": yes})
    put(ws, "projects", 3, {"id": "P2", "name": "电机变频改造", "capex": 800, "electricity_saving": 1000,
                            "excluded": no})
    put(ws, "projects", 4, {"id": "P3", "name": "空压机改造", "capex": 500, "energy_saving": 900,
                            "co2_reduction": 2300, "annual_cost_saving": 120, "requires": "P2"})
    put(sheet_of(wb, "budgets", lang), "budgets", 2, {"pool": "total", "limit": 2000})
    metric = schema.column("projects", "energy_saving")
    put(sheet_of(wb, "targets", lang), "targets", 2,
        {"metric": metric.zh if lang == "zh" else metric.name, "kind": word("kind", "min_total", lang),
         "value": 1000})
    set_parameter(sheet_of(wb, "parameters", lang), "electricity_price", 0.6)
    wb.save(path)


def list_values(validation):
    return [v.strip() for v in validation.formula1.strip('"').split(",")]


def validations_at(ws, coordinate):
    return [dv for dv in ws.data_validations.dataValidation if coordinate in dv.sqref]


# ------------------------------------------------------------------- a filled template
@pytest.mark.parametrize("lang", LANGS)
def test_filled_template_is_a_valid_case(tmp_path, lang):
    path = make_template(tmp_path, lang)
    fill(path, lang)

    result = run("validate", path)
    assert result.exit_code == 0, result.output
    assert "3 projects" in result.output
    assert "warning" not in result.output

    case = load_case(path)
    assert case.warnings == ()
    assert case.language == lang
    assert [p.id for p in case.projects] == ["P1", "P2", "P3"]
    p1, p2, p3 = case.projects
    assert p1.mandatory and not p2.excluded and p3.requires == ("P2",)
    # P2's energy saving, CO2 and cost come from 1000 MWh/yr of electricity through the
    # template's pre-filled defaults (当量值 0.1229 kgce/kWh, grid 0.5703 t/MWh) and the price
    assert p2.metric("energy_saving") == pytest.approx(122.9)
    assert p2.metric("co2_reduction") == pytest.approx(570.3)
    assert p2.annual_cost_saving == pytest.approx(60.0)  # 1000 MWh × 0.6 元/kWh = 60 万元
    assert p2.computed == {"energy_saving", "co2_reduction", "annual_cost_saving"}
    assert p1.capex == 1200 and p1.lifetime == 15  # the schema default
    assert [(b.pool, b.limit, b.year) for b in case.budgets] == [("total", 2000, None)]
    assert [(t.metric, t.kind, t.value) for t in case.targets] == [("energy_saving", "min_total", 1000)]
    params = case.parameters
    assert (params.objective, params.electricity_tce_method, params.discount_rate) == \
        ("max_saving", "calorific", 0.08)
    assert params.electricity_price == 0.6 and not case.multi_year


@pytest.mark.parametrize("lang", LANGS)
def test_money_units_in_headers_read_to_the_same_canonical_numbers(tmp_path, lang):
    """The same case with capex and budget headers in 元, 万元 and 亿元 reads to identical 万元."""
    written = {"元": 1e4, "万元": 1.0, "亿元": 1e-4}  # factor from 万元 to the written unit
    capexes, limits = {}, {}
    for unit, factor in written.items():
        path = make_template(tmp_path, lang, f"{lang}_{unit}.xlsx")
        fill(path, lang)
        wb = load_workbook(path)
        for sheet, column in (("projects", "capex"), ("budgets", "limit")):
            ws = sheet_of(wb, sheet, lang)
            spec = schema.column(sheet, column)
            header = ws.cell(row=1, column=column_of(ws, sheet, column))
            header.value = f"{spec.zh}({unit})" if lang == "zh" else f"{spec.name} ({unit})"
            for row in range(2, ws.max_row + 1):
                cell = ws.cell(row=row, column=header.column)
                if cell.value is not None:
                    cell.value *= factor
        wb.save(path)
        case = load_case(path)
        capexes[unit] = [p.capex for p in case.projects]
        limits[unit] = [b.limit for b in case.budgets]
    for unit in written:
        assert capexes[unit] == pytest.approx([1200, 800, 500], rel=1e-12)
        assert limits[unit] == pytest.approx([2000], rel=1e-12)


def test_header_examples_from_the_brief_read_as_money():
    """``capex (元)``, ``投资(万元)`` and ``capex (亿元)`` resolve to capex with the right factors."""
    for header, factor in (("capex (元)", 1e-4), ("投资(万元)", 1.0), ("capex (亿元)", 1e4),
                           ("投资（亿元）", 1e4)):
        name, unit = schema.split_header(header)
        assert schema.column_lookup("projects")[schema.normalise_name(name)] == "capex"
        assert units.conversion_factor("money", unit) == pytest.approx(factor)


# ------------------------------------------------------------------ the empty template
@pytest.mark.parametrize("lang", LANGS)
def test_empty_template_is_not_a_valid_case(tmp_path, lang):
    path = make_template(tmp_path, lang)
    with pytest.raises(CaseError) as info:
        load_case(path)
    error = info.value
    assert [p.message for p in error.errors] == ["the projects sheet has no projects"]
    assert error.errors[0].sheet == ("项目" if lang == "zh" else "projects")
    assert error.warnings == []  # the instructions sheet and the pre-filled parameters are silent
    result = run("validate", path)
    assert result.exit_code == 2
    assert "the projects sheet has no projects" in result.output
    assert "Traceback" not in result.output


@pytest.mark.parametrize("lang", LANGS)
def test_template_has_every_schema_sheet_after_the_instructions(tmp_path, lang):
    wb = load_workbook(make_template(tmp_path, lang))
    expected = [INSTRUCTIONS[lang]] + [s.zh if lang == "zh" else s.name for s in schema.sheets()]
    assert wb.sheetnames == expected
    assert wb.active.title == INSTRUCTIONS[lang]
    for spec in schema.sheets():
        ws = sheet_of(wb, spec.name, lang)
        headers = [c.value for c in ws[1]]
        names = [schema.split_header(h)[0] for h in headers]
        columns = schema.sheet_columns(spec.name)
        assert names == [c.zh if lang == "zh" else c.name for c in columns]
        assert ws.freeze_panes == "A2"
        for cell, column in zip(ws[1], columns):
            assert cell.font.bold
            assert 8 <= ws.column_dimensions[cell.column_letter].width <= 40
        if spec.name != "parameters":
            assert ws.max_row == 1  # nothing below the header


@pytest.mark.parametrize("lang", LANGS)
def test_headers_carry_the_canonical_unit_and_a_note(tmp_path, lang):
    wb = load_workbook(make_template(tmp_path, lang))
    required_word = {"zh": "必填", "en": "required"}[lang]
    for spec in schema.sheets():
        ws = sheet_of(wb, spec.name, lang)
        for cell, column in zip(ws[1], schema.sheet_columns(spec.name)):
            name, unit = schema.split_header(cell.value)
            note = cell.comment.text if cell.comment else ""
            assert note, f"{spec.name}.{column.name} has no header note"
            assert (column.description_zh if lang == "zh" else column.description) in note
            assert (required_word in note.split("\n")) == column.required
            if column.default:
                assert ("默认值：" if lang == "zh" else "Default: ") in note
                if column.type != "bool":
                    assert column.default in note
            if column.unit:
                canonical = units.CANONICAL[column.unit]
                assert cell.value.endswith(f"({canonical})")
                assert canonical in note
                # the reader takes the header's unit as the canonical one
                assert units.conversion_factor(column.unit, unit) == 1.0
            else:
                assert unit is None
    projects = sheet_of(wb, "projects", lang)
    assert "万元" in projects.cell(row=1, column=column_of(projects, "projects", "capex")).comment.text
    assert projects.cell(row=1, column=column_of(projects, "projects", "capex")).value == \
        ("投资(万元)" if lang == "zh" else "capex (万元)")
    assert projects.cell(row=1, column=column_of(projects, "projects", "energy_saving")).value == \
        ("节能量(tce/yr)" if lang == "zh" else "energy_saving (tce/yr)")


@pytest.mark.parametrize("lang", LANGS)
def test_drop_downs_for_yes_no_kind_and_objective(tmp_path, lang):
    wb = load_workbook(make_template(tmp_path, lang))
    bool_columns = [c for c in schema.columns() if c.type == "bool"]
    assert bool_columns
    for column in bool_columns:
        ws = sheet_of(wb, column.sheet, lang)
        letter = ws.cell(row=1, column=column_of(ws, column.sheet, column.name)).column_letter
        for row in (2, 500):
            (dv,) = validations_at(ws, f"{letter}{row}")
            assert dv.type == "list" and dv.showErrorMessage
            values = list_values(dv)
            assert values == (["是", "否"] if lang == "zh" else ["yes", "no"])
            assert [cells.to_bool(v) for v in values] == [True, False]
        assert not validations_at(ws, f"{letter}1")  # not on the header

    def choices_ok(dv, field):
        assert dv.type == "list"
        values = list_values(dv)
        assert {cells.to_choice(v, field) for v in values} == set(schema.CHOICES[field])
        assert len(values) == len(schema.CHOICES[field])

    targets = sheet_of(wb, "targets", lang)
    letter = targets.cell(row=1, column=column_of(targets, "targets", "kind")).column_letter
    (dv,) = validations_at(targets, f"{letter}2")
    choices_ok(dv, "kind")
    assert "不低于" in list_values(dv) if lang == "zh" else "min_total" in list_values(dv)

    scenarios = sheet_of(wb, "scenarios", lang)
    letter = scenarios.cell(row=1, column=column_of(scenarios, "scenarios", "objective")).column_letter
    (dv,) = validations_at(scenarios, f"{letter}2")
    choices_ok(dv, "objective")

    parameters = sheet_of(wb, "parameters", lang)
    rows = {schema.parameter_lookup()[schema.normalise_name(r[0].value)]: r[0].row
            for r in parameters.iter_rows(min_row=2, max_col=1)}
    for key in ("objective", "electricity_tce_method"):
        (dv,) = validations_at(parameters, f"B{rows[key]}")
        choices_ok(dv, key)
    assert not validations_at(parameters, f"B{rows['discount_rate']}")


@pytest.mark.parametrize("lang", LANGS)
def test_parameters_sheet_lists_every_parameter_with_its_default(tmp_path, lang):
    wb = load_workbook(make_template(tmp_path, lang))
    ws = sheet_of(wb, "parameters", lang)
    rows = list(ws.iter_rows(min_row=2, max_col=2, values_only=True))
    specs = schema.parameters()
    assert [name for name, _ in rows] == [p.zh if lang == "zh" else p.key for p in specs]
    for (name, value), spec in zip(rows, specs):
        if spec.default == "":
            assert value is None, spec.key
        elif spec.type == "choice":
            assert cells.to_choice(value, spec.key) == spec.default
        else:
            assert float(value) == float(spec.default), spec.key
        note = ws.cell(row=rows.index((name, value)) + 2, column=1).comment.text
        if spec.source:
            assert spec.source in note
        if spec.unit:
            assert spec.unit in note


@pytest.mark.parametrize("lang", LANGS)
def test_instructions_explain_units_parameters_and_sheets(tmp_path, lang):
    wb = load_workbook(make_template(tmp_path, lang))
    ws = wb[INSTRUCTIONS[lang]]
    text = "\n".join(str(v) for row in ws.iter_rows(values_only=True) for v in row if v is not None)
    for kind in ("money", "energy", "electricity", "mass", "gas", "heat", "water"):
        assert units.CANONICAL[kind] in text
    assert "(亿元)" in text  # a header unit in brackets is converted
    for spec in schema.parameters():
        assert (spec.zh if lang == "zh" else spec.key) in text
        assert (spec.description_zh if lang == "zh" else spec.description) in text
        if spec.source:
            assert spec.source in text
    for spec in schema.sheets():
        assert (spec.description_zh if lang == "zh" else spec.description) in text
    assert "GB/T 2589-2020" in text


# ------------------------------------------------------------------- writing the file
def test_template_refuses_to_overwrite_without_force(tmp_path):
    path = tmp_path / "case.xlsx"
    path.write_bytes(b"the user's own case")
    result = run("template", path)
    assert result.exit_code == 2
    assert "exists" in result.output and "--force" in result.output
    assert path.read_bytes() == b"the user's own case"

    result = run("template", path, "--lang", "en", "--force")
    assert result.exit_code == 0, result.output
    assert load_workbook(path).sheetnames[0] == "instructions"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["case.xlsx"]  # no temporary file left


def test_failed_write_leaves_the_existing_file_and_no_temporary(tmp_path, monkeypatch):
    path = tmp_path / "case.xlsx"
    path.write_bytes(b"old")

    def broken_save(self, filename):
        with open(filename, "wb") as fh:
            fh.write(b"half a workbook")
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(Workbook, "save", broken_save)
    with pytest.raises(OutputError, match="No space left"):
        write_template(path, "zh")
    assert path.read_bytes() == b"old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["case.xlsx"]


def test_write_template_rejects_bad_arguments(tmp_path):
    with pytest.raises(OutputError, match="xlsx"):
        write_template(tmp_path / "case.xls")
    with pytest.raises(OutputError, match="language"):
        write_template(tmp_path / "case.xlsx", "fr")
    with pytest.raises(OutputError, match="does not exist"):
        write_template(tmp_path / "missing" / "case.xlsx")
    assert list(tmp_path.iterdir()) == []
    result = run("template", tmp_path / "nowhere" / "case.xlsx")
    assert result.exit_code == 2 and "Traceback" not in result.output


def test_write_template_default_language_is_chinese(tmp_path):
    path = write_template(tmp_path / "case.xlsx")
    assert load_workbook(path).sheetnames[:2] == ["说明", "项目"]


# ----------------------------------------------------------------------------- issue 13
@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("example", ["single", "multi"])
def test_example_template_validates_and_solves(tmp_path, lang, example):
    """``template --example`` writes a filled case that validate accepts and solve meets."""
    from click.testing import CliRunner
    from retrofit_opt.cli import main
    path = tmp_path / "example.xlsx"
    runner = CliRunner()
    result = runner.invoke(main, ["template", str(path), "--lang", lang, "--example", example])
    assert result.exit_code == 0, result.output
    checked = runner.invoke(main, ["validate", str(path)])
    assert checked.exit_code == 0, checked.output
    solved = runner.invoke(main, ["solve", str(path), "-o", str(tmp_path / "out.xlsx")])
    met = "全部目标完成" if lang == "zh" else "all targets met"  # the line speaks the case's language
    assert solved.exit_code == 0 and met in solved.output, solved.output
    wb = load_workbook(path)
    projects = wb["项目" if lang == "zh" else "projects"]
    assert projects.max_row >= 6 and projects["A2"].value is not None
    multi = example == "multi"
    assert ("2024–2026" in checked.output) == multi


def test_plain_template_stays_empty(tmp_path):
    from retrofit_opt.template import write_template
    wb = load_workbook(write_template(tmp_path / "t.xlsx", "zh"))
    assert all(ws.max_row == 1 for ws in wb.worksheets[1:] if ws.title != "参数")


def _validations(ws):
    return [(dv.type, str(dv.sqref), dv.error or "", dv.formula1 or "") for dv in ws.data_validations.dataValidation]


def test_template_drop_downs_and_checks(tmp_path):
    """Drop-downs for 目标·指标, 类型, 预算·资金池, 资金来源; number and year checks with
    Chinese messages."""
    from retrofit_opt.template import write_template
    wb = load_workbook(write_template(tmp_path / "t.xlsx", "zh"))
    headers = {ws.title: [c.value for c in ws[1]] for ws in wb.worksheets[1:]}

    def rule(sheet, header_start):
        col = next(i for i, h in enumerate(headers[sheet], start=1) if h and h.startswith(header_start))
        letter = chr(ord("A") + col - 1) if col <= 26 else "A" + chr(ord("A") + col - 27)
        return [v for v in _validations(wb[sheet]) if v[1].split(":")[0] == f"{letter}2"]

    (metric,) = rule("目标", "指标")
    assert metric[0] == "list" and "节能量" in metric[3] and "二氧化碳减排量" in metric[3]
    (kind,) = rule("目标", "类型")
    assert kind[0] == "list" and "不低于" in kind[3]
    (pool,) = rule("预算", "资金池")
    assert pool[0] == "list" and "总预算" in pool[3]
    (source,) = rule("项目", "资金来源")
    assert source[0] == "list" and "补贴资金" in source[3]
    (capex,) = rule("项目", "投资")
    assert capex[0] == "decimal" and "数值" in capex[2]
    (year,) = rule("项目", "最早开工年份")
    assert year[0] == "whole" and "年份" in year[2]


def test_template_groups_units_and_print_layout(tmp_path):
    from retrofit_opt.template import write_template
    wb = load_workbook(write_template(tmp_path / "t.xlsx", "zh"))
    ws = wb["项目"]
    header = [c.value for c in ws[1]]
    col = lambda start: next(i for i, h in enumerate(header) if h.startswith(start))  # noqa: E731
    def level(index):  # a grouped range is stored once, as min..max columns
        return max([d.outline_level for d in ws.column_dimensions.values()
                    if d.min and d.max and d.min <= index <= d.max] or [0])
    levels = {h: level(i + 1) for i, h in enumerate(header)}
    assert levels[header[col("项目编号")]] == 0 and levels[header[col("投资")]] == 0  # required: ungrouped
    assert levels[header[col("节能量")]] == 1 and levels[header[col("互斥组")]] == 1
    dims = ws.column_dimensions
    assert any(d.hidden for d in dims.values() if d.outline_level == 1)  # optional groups collapsed
    notes = [c.value for c in wb["说明"]["A"] if isinstance(c.value, str)]
    assert any("节电量" in n and "二者择一" in n for n in notes)  # which of 节能量 or carriers to fill
    comment = ws.cell(row=1, column=col("节电量") + 1).comment.text
    assert "亿千瓦时" in comment and "亿kwh" not in comment
    steam = ws.cell(row=1, column=col("节汽量") + 1).comment.text
    assert "万吉焦" in steam and "万gj" not in steam
    for sheet in wb.worksheets:
        assert sheet.page_setup.orientation == "landscape" and sheet.page_setup.fitToWidth == 1
