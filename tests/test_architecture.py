"""The package's layer rules (README "Architecture"), read from the source with ``ast``:
no import cycle; Pyomo only in model/, studies/ and solve.py; highspy only in solve.py;
nothing in report/ reaches Pyomo, even through another module; no private name imported
from another module.  Every import counts, also one inside a function."""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

import retrofit_opt

PACKAGE = Path(retrofit_opt.__file__).resolve().parent
NAME = "retrofit_opt"


def module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


MODULES = {module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def absolute(module: str, node: ast.ImportFrom) -> str:
    """The absolute module an ``ImportFrom`` names (relative imports resolved)."""
    if not node.level:
        return node.module or ""
    base = module.split(".")
    if not MODULES[module].name == "__init__.py":
        base = base[:-1]
    base = base[:len(base) - node.level + 1]
    return ".".join(base + ([node.module] if node.module else []))


def imports(module: str) -> list[tuple[str, str | None, int]]:
    """(imported module, imported name or None, line) of every import in ``module``."""
    tree = ast.parse(MODULES[module].read_text(encoding="utf-8"))
    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out += [(alias.name, None, node.lineno) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            source = absolute(module, node)
            for alias in node.names:
                submodule = f"{source}.{alias.name}"
                if submodule in MODULES:
                    out.append((submodule, None, node.lineno))  # ``from package import module``
                else:
                    out.append((source, alias.name, node.lineno))
    return out


def internal_edges(module: str) -> set[str]:
    """The package modules ``module`` imports (a module's parents are not counted: they
    are packages whose ``__init__`` Python runs anyway)."""
    edges = set()
    for target, _, _ in imports(module):
        while target and target not in MODULES:
            target = target.rpartition(".")[0]
        if target.startswith(NAME) and target != module and target != NAME:
            edges.add(target)
    return edges


GRAPH = {m: internal_edges(m) for m in MODULES}


def external(module: str) -> set[str]:
    return {target.split(".")[0] for target, _, _ in imports(module) if not target.startswith(NAME)}


def in_layer(module: str, *layers: str) -> bool:
    return any(module == f"{NAME}.{layer}" or module.startswith(f"{NAME}.{layer}.") for layer in layers)


def reaches(start: str) -> set[str]:
    """Every package module ``start`` imports, directly or through others."""
    seen, todo = set(), [start]
    while todo:
        for nxt in GRAPH[todo.pop()]:
            if nxt not in seen:
                seen.add(nxt)
                todo.append(nxt)
    return seen


def test_the_source_is_read():
    assert {"retrofit_opt.model", "retrofit_opt.studies.solve", "retrofit_opt.report.workbook",
            "retrofit_opt.results", "retrofit_opt.solve"} <= set(MODULES)
    assert "retrofit_opt.model.variants" in GRAPH["retrofit_opt.studies.explain"]


def test_no_import_cycle():
    state: dict[str, int] = {}  # 1: on the path, 2: done

    def visit(module, path):
        state[module] = 1
        for nxt in sorted(GRAPH[module]):
            if state.get(nxt) == 1:
                cycle = path[path.index(nxt):] + [nxt]
                pytest.fail("import cycle: " + " → ".join(cycle))
            if nxt not in state:
                visit(nxt, path + [nxt])
        state[module] = 2

    for module in sorted(GRAPH):
        if module not in state:
            visit(module, [module])


def test_only_model_studies_and_solve_import_pyomo():
    offenders = [m for m in MODULES if "pyomo" in external(m) and not in_layer(m, "model", "studies", "solve")]
    assert not offenders, offenders


def test_only_solve_imports_highspy():
    offenders = [m for m in MODULES if "highspy" in external(m) and m != f"{NAME}.solve"]
    assert not offenders, offenders


def test_the_report_reaches_no_module_that_imports_pyomo():
    pyomo_modules = {m for m in MODULES if "pyomo" in external(m) or "highspy" in external(m)}
    for module in (m for m in MODULES if in_layer(m, "report")):
        reached = (reaches(module) | {module}) & pyomo_modules
        assert not reached, (module, sorted(reached))


def test_no_private_name_is_imported_from_another_module():
    offenders = []
    for module in MODULES:
        for source, name, line in imports(module):
            if name and name.startswith("_") and not name.startswith("__") and source != module:
                offenders.append(f"{MODULES[module].relative_to(PACKAGE.parent)}:{line} imports {name} from {source}")
            if not name and source.startswith(NAME) and any(part.startswith("_") and not part.startswith("__")
                                                            for part in source.split(".")):
                offenders.append(f"{module}:{line} imports private module {source}")
    assert not offenders, offenders
