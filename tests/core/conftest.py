"""Fixtures of the core test suite: a clean plugin environment and fake distributions."""

from __future__ import annotations

import importlib
import sys
import textwrap
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

_HERE = str(Path(__file__).resolve().parent)
if _HERE not in sys.path:  # make core_testkit importable under every import mode
    sys.path.insert(0, _HERE)

_PLUGIN_ENV = ("HEARTMIND_STRICT_PLUGINS", "HEARTMIND_PLUGINS", "HEARTMIND_DISABLE_PLUGINS")


@pytest.fixture(autouse=True)
def _clean_plugin_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every test starts without plugin-selection or strict-mode variables."""
    for name in _PLUGIN_ENV:
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def fake_dist(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[..., Path]]:
    """Write a fake installed distribution with ``[heartmind]`` entry points.

    ``fake_dist("dist-name", {"ep": "module"}, {"module": "source"})`` creates
    ``<dist>-0.1.dist-info/`` (METADATA, entry_points.txt) plus the plugin modules in a
    folder put on ``sys.path``; the modules are removed from ``sys.modules`` afterwards.
    """
    root = tmp_path / "site"
    root.mkdir()
    monkeypatch.syspath_prepend(str(root))
    added: list[str] = []

    def make(dist: str, entry_points: dict[str, str], modules: dict[str, str]) -> Path:
        info = root / f"{dist.replace('-', '_')}-0.1.dist-info"
        info.mkdir()
        (info / "METADATA").write_text(
            f"Metadata-Version: 2.1\nName: {dist}\nVersion: 0.1\n", encoding="utf-8"
        )
        lines = ["[heartmind]", *(f"{k} = {v}" for k, v in entry_points.items())]
        (info / "entry_points.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
        for module, source in modules.items():
            (root / f"{module}.py").write_text(textwrap.dedent(source), encoding="utf-8")
            added.append(module)
        importlib.invalidate_caches()
        return root

    yield make
    for module in added:
        sys.modules.pop(module, None)
    importlib.invalidate_caches()
