"""The layer rules of docs/architecture.md, checked on the source by parsing every import.

* The core (``core/`` = ``heartmind.*`` outside ``plugins``/``adapters``) imports no plugin
  and no adapter — not even lazily inside a function.
* A plugin or adapter imports another plugin or adapter only through its package
  (``heartmind.plugins.P``), its ``api`` module or its ``events`` module. Anything else —
  a private module, or a public-looking module that is not ``api``/``events`` — fails.
* The example third-party plugin follows the same rule (it is what a plugin author copies).

A failure names the file, the line and the import, and says what to use instead.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
#: Source folder → import package prefix (as pyproject's package-dir maps them).
PACKAGES = {"core": "heartmind", "plugins": "heartmind.plugins", "adapters": "heartmind.adapters"}
EXTENSION_ROOTS = ("heartmind.plugins", "heartmind.adapters")
#: What one extension may import of another.
PUBLIC_MODULES = ("api", "events")


@dataclass(frozen=True)
class Import:
    path: Path
    line: int
    module: str  # the absolute module imported (``from X import y`` gives X.y if y is a module)
    text: str


def _module_of(path: Path, root: Path) -> str:
    rel = path.relative_to(root)
    if rel.parts[0] == "examples":
        # examples/heartmind-csv/heartmind_csv/x.py -> heartmind_csv.x
        parts = list(rel.parts[2:])
    else:
        parts = [*PACKAGES[rel.parts[0]].split("."), *rel.parts[1:]]
    parts[-1] = parts[-1].removesuffix(".py")
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _source_dir(module: str, root: Path) -> Path | None:
    """Folder or file of a heartmind module in this repository (None if not ours)."""
    for folder, prefix in sorted(PACKAGES.items(), key=lambda kv: -len(kv[1])):
        if module == prefix or module.startswith(prefix + "."):
            rest = module[len(prefix) :].lstrip(".")
            return root / folder / rest.replace(".", "/") if rest else root / folder
    return None


def _is_module(module: str, root: Path = ROOT) -> bool:
    base = _source_dir(module, root)
    return base is not None and (base.is_dir() or base.with_suffix(".py").is_file())


def _imports(path: Path, root: Path) -> Iterator[Import]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    here = _module_of(path, root)
    package = here if path.name == "__init__.py" else here.rpartition(".")[0]
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield Import(path, node.lineno, alias.name, f"import {alias.name}")
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - (node.level - 1)]
                target = ".".join([*base, node.module] if node.module else base)
            else:
                target = node.module or ""
            text = f"from {'.' * node.level}{node.module or ''} import ..."
            for alias in node.names:
                sub = f"{target}.{alias.name}"
                yield Import(path, node.lineno, sub if _is_module(sub, root) else target, text)


def _extension(module: str) -> str | None:
    """``heartmind.plugins.cardiac`` for any module inside that plugin (None outside)."""
    for root in EXTENSION_ROOTS:
        if module.startswith(root + "."):
            name = module[len(root) + 1 :].split(".")[0]
            return f"{root}.{name}"
    return None


def _sources(root: Path) -> Iterator[Path]:
    for folder in ("core", "plugins", "adapters"):
        yield from sorted((root / folder).rglob("*.py"))
    yield from sorted((root / "examples").glob("*/*/**/*.py"))


def violations(root: Path = ROOT) -> list[str]:
    """Every import that breaks a layer rule, as 'file:line: import -> why' (sorted, unique)."""
    out: set[str] = set()
    for path in _sources(root):
        me = _module_of(path, root)
        mine = _extension(me)
        in_core = me.startswith("heartmind") and mine is None and me != "heartmind.plugins"
        for imp in _imports(path, root):
            other = _extension(imp.module)
            if other is None or other == mine:
                continue
            where = f"{path.relative_to(root)}:{imp.line}: {imp.module}"
            if in_core:
                out.add(f"{where} -> the core must not import plugins or adapters")
                continue
            rest = imp.module[len(other) :].lstrip(".")
            if rest and rest.split(".")[0] not in PUBLIC_MODULES:
                out.add(
                    f"{where} -> use {other}, {other}.api or {other}.events "
                    "(or move the shared piece into the core kit)"
                )
    return sorted(out)


#: Imports that broke the rules when the check was written (issue #11 empties this list;
#: nothing may be added to it).
KNOWN: set[str] = set()


def test_layer_rules_hold() -> None:
    found = [v for v in violations() if re.sub(r":\d+: ", ": ", v.split(" -> ")[0]) not in KNOWN]
    assert not found, "imports across the layers:\n" + "\n".join(found)


def test_the_check_can_fail(tmp_path: Path) -> None:
    """The checker finds a private cross-plugin import and a core -> plugin import."""
    fake = tmp_path / "repo"
    for folder in ("core", "plugins/alpha", "plugins/beta", "adapters", "examples"):
        (fake / folder).mkdir(parents=True)
    (fake / "plugins/beta/_private.py").write_text("X = 1\n")
    (fake / "plugins/beta/api.py").write_text("Y = 1\n")
    (fake / "plugins/beta/__init__.py").write_text("")
    (fake / "plugins/alpha/__init__.py").write_text(
        "from heartmind.plugins.beta import api\n"
        "from heartmind.plugins.beta.api import Y\n"
        "from heartmind.plugins.beta._private import X\n"
        "def f():\n    from heartmind.plugins.beta import _private\n"
    )
    (fake / "core/thing.py").write_text("def g():\n    import heartmind.plugins.beta.api\n")
    found = violations(fake)
    assert len(found) == 3, found
    assert sum("core must not import" in f for f in found) == 1
    assert sum("_private" in f for f in found) == 2


@pytest.mark.parametrize(
    ("module", "expected"),
    [
        ("heartmind.plugins.cardiac", True),
        ("heartmind.plugins.cardiac.api", True),
        ("heartmind.streams", True),
        ("heartmind.plugins.cardiac.nosuch", False),
    ],
)
def test_module_resolution(module: str, expected: bool) -> None:
    assert _is_module(module) is expected
