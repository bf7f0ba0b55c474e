"""The signal plugins built on the kit follow the plugin file rule (docs/architecture.md).

``__init__`` declares specs and hooks, imports ``.events`` and re-exports the ``api``
names lazily; ``api.py`` holds the public functions and classes; everything else is
private. Importing a plugin loads no scipy, mne, neurokit2 or torch, yet registers its
event types.
"""

from __future__ import annotations

import importlib
import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PLUGINS = ("cardiac", "physio", "eeg", "radar")
#: Event topics each plugin defines (registered when it is imported).
TOPICS = {
    "cardiac": (),
    "physio": ("respiration_rate", "skin_conductance", "scr"),
    "eeg": ("band_power", "alpha_asymmetry"),
    "radar": ("respiration_rate",),
}
HEAVY = ("scipy", "mne", "neurokit2", "torch")


def _fresh(code: str) -> object:
    """Run ``code`` (which prints one JSON value) in a fresh interpreter."""
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return json.loads(out.stdout)


@pytest.mark.parametrize("plugin", PLUGINS)
def test_import_is_cheap_and_registers_the_events(plugin: str) -> None:
    watch = (*HEAVY, f"heartmind.plugins.{plugin}.api")
    code = (
        f"import json, sys; import heartmind.plugins.{plugin}; "
        "from heartmind.events import event_types; "
        f"print(json.dumps([[m for m in {watch!r} if m in sys.modules], sorted(event_types())]))"
    )
    loaded, topics = _fresh(code)  # type: ignore[misc]
    assert loaded == []
    assert set(TOPICS[plugin]) <= set(topics)


def test_event_types_are_known_once_the_plugins_are_loaded() -> None:
    code = (
        "import json; import heartmind; heartmind.PluginManager(strict=True); "
        "from heartmind.events import event_types; print(json.dumps(sorted(event_types())))"
    )
    topics = _fresh(code)
    assert {t for ts in TOPICS.values() for t in ts} <= set(topics)  # type: ignore[arg-type]


@pytest.mark.parametrize("plugin", PLUGINS)
def test_api_names_are_re_exported_lazily(plugin: str) -> None:
    package = importlib.import_module(f"heartmind.plugins.{plugin}")
    api = importlib.import_module(f"heartmind.plugins.{plugin}.api")
    assert set(package._API) == set(api.__all__)
    for name in api.__all__:
        assert getattr(package, name) is getattr(api, name), name
    with pytest.raises(AttributeError, match="no attribute 'nosuch'"):
        package.nosuch  # noqa: B018


def test_from_package_import_works() -> None:
    from heartmind.plugins.cardiac import ecg_peaks
    from heartmind.plugins.cardiac.api import ecg_peaks as direct

    assert ecg_peaks is direct


@pytest.mark.parametrize("plugin", PLUGINS)
def test_modules_other_than_init_api_events_are_private(plugin: str) -> None:
    folder = ROOT / "plugins" / plugin
    public = {p.stem for p in folder.glob("*.py") if not p.stem.startswith("_")}
    assert public <= {"api", "events"}, public
    assert not [p for p in folder.iterdir() if p.is_dir() and p.name != "__pycache__"]
