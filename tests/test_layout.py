"""The layers hold: the import contract passes, the store stays light, every module says its job."""

from __future__ import annotations

import ast
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from screening.core.conditions import OPERATORS

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "src" / "screening"
MODULES = sorted(PACKAGE.rglob("*.py"))


def _lint_imports(folder: Path) -> subprocess.CompletedProcess[str]:
    exe = Path(sys.executable).with_name("lint-imports")
    return subprocess.run(
        [str(exe)], cwd=folder, capture_output=True, text=True, timeout=120, check=False
    )


def test_import_contract_holds() -> None:
    result = _lint_imports(ROOT)
    assert result.returncode == 0, result.stdout


def test_import_contract_catches_the_core_reaching_out(tmp_path: Path) -> None:
    copy = tmp_path / "project"
    shutil.copytree(ROOT / "src", copy / "src")
    shutil.copy(ROOT / "pyproject.toml", copy)
    rules = copy / "src" / "screening" / "core" / "rules.py"
    rules.write_text(rules.read_text() + "\nfrom screening.adapters import store  # noqa\n")
    env_path = f"{copy / 'src'}"
    result = subprocess.run(
        [str(Path(sys.executable).with_name("lint-imports"))],
        cwd=copy,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env={"PYTHONPATH": env_path, "PATH": "/usr/bin:/bin"},
    )
    assert result.returncode != 0
    assert "screening.core.rules -> screening.adapters.store" in result.stdout


@pytest.mark.parametrize(
    "modules",
    [
        "screening.adapters.store",
        "screening.core.records",
        # What `records list` needs: no models, no templates, no prompts.
        "screening.cli, screening.app.records, screening.adapters.tables",
    ],
)
def test_light_paths_import_no_models_or_templates(modules: str) -> None:
    code = (
        f"import sys, {modules}; "
        "print([m for m in ('pydantic', 'jinja2', 'questionary') if m in sys.modules])"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert out.strip() == "[]"


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_every_module_says_its_job(path: Path) -> None:
    doc = ast.get_docstring(ast.parse(path.read_text()))
    if path.name in ("__main__.py",):
        return
    assert doc, f"{path} has no docstring"


def test_readme_lists_exactly_the_operators() -> None:
    readme = (ROOT / "README.md").read_text()
    start = readme.index("Operators:", readme.index("- Conditions are data"))
    listed = re.findall(r"`([a-z_]+)`", readme[start : readme.index("Unknown ids", start)])
    assert sorted(listed) == sorted(OPERATORS)


@pytest.mark.parametrize(
    "path",
    [
        p
        for p in MODULES
        if p.parent.name in ("core", "adapters", "app") and p.name != "__init__.py"
    ],
    ids=lambda p: p.name,
)
def test_readme_layout_names_every_module(path: Path) -> None:
    readme = (ROOT / "README.md").read_text()
    layout = readme[readme.index("## Layout") :]
    assert f" {path.name} " in layout, (
        f"README Layout has no line for {path.parent.name}/{path.name}"
    )
