"""netz/'s layout (README.md, "Layout"): every module in its group, nothing else at the
top, and a group imports only from itself and the groups before it."""

import ast
import importlib
from pathlib import Path

import pytest

NETZ = Path(__file__).resolve().parent.parent / "netz"
#: The groups in dependency order, with their modules.
GROUPS = {
    "messages": [],
    "core": ["errors", "graph", "io", "limits", "metrics", "model", "printed", "validate", "vocabulary"],
    "analysis": ["_overrides", "charts", "gaps", "handout", "health", "layout", "privacy", "report",
        "revision", "support", "survey", "text", "waves", "whatif"],
    "cohort": ["batch", "compare", "compare_text", "programme", "programme_charts", "programme_report",
        "synthetic", "trends"],
}
TOP = {"__init__", "cli", *GROUPS}


@pytest.mark.parametrize(("group", "module"), [(g, m) for g, ms in GROUPS.items() for m in ms])
def test_module_lives_in_its_group(group: str, module: str) -> None:
    importlib.import_module(f"netz.{group}.{module}")


def test_nothing_else_sits_at_the_top() -> None:
    found = {p.stem for p in NETZ.iterdir()
             if (p.suffix == ".py" and p.is_file()) or (p.is_dir() and any(p.glob("*.py")))}
    assert found == TOP


@pytest.mark.parametrize("group", list(GROUPS))
def test_group_imports_only_from_itself_and_earlier_groups(group: str) -> None:
    allowed = list(GROUPS)[:list(GROUPS).index(group) + 1]
    for path in (NETZ / group).rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else [
                node.module or ""] if isinstance(node, ast.ImportFrom) else []
            for name in (n for n in names if n.startswith("netz.")):
                assert name.split(".")[1] in allowed, f"{path} imports {name}"
