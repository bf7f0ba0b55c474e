"""Fixtures of the core test suite: a clean plugin environment and fake distributions."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from heartmind.testing import FakeDistribution, fake_distribution

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
def fake_dist(tmp_path: Path) -> Iterator[Callable[..., Path]]:
    """Write fake installed distributions with ``[heartmind]`` entry points
    (:func:`heartmind.testing.fake_distribution`), removed again after the test.

    ``fake_dist("dist-name", {"ep": "module"}, {"module": "source"})`` returns the folder put
    on ``sys.path``.
    """
    root = tmp_path / "site"
    installed: list[FakeDistribution] = []

    def make(dist: str, entry_points: dict[str, str], modules: dict[str, str]) -> Path:
        installed.append(fake_distribution(dist, entry_points, modules, folder=root).install())
        return root

    yield make
    for dist in reversed(installed):
        dist.uninstall()
