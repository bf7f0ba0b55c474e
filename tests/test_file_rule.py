"""The plugin file rule of docs/architecture.md, for the plugins and adapters that follow it.

Each package holds ``__init__.py`` (specs and hooks, cheap to import), ``api.py`` (its public
functions and classes), ``events.py`` (its event types) and private ``_*.py`` modules only;
importing the package loads none of its private modules and none of its heavy dependencies,
and the names it re-exports lazily are exactly its ``api.__all__``. A package joins
``FOLLOWING`` once it follows the rule.
"""

from __future__ import annotations

import importlib
import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

#: package -> (source folder, modules that importing the package or its api must not load).
FOLLOWING: dict[str, tuple[str, tuple[str, ...]]] = {
    "heartmind.adapters.calendar": (
        "adapters/calendar",
        ("icalendar", "recurring_ical_events", "caldav"),
    ),
    "heartmind.plugins.console": ("plugins/console", ()),
    "heartmind.plugins.demo": ("plugins/demo", ("rich", "matplotlib", "icalendar", "pyxdf")),
    "heartmind.plugins.lsl": ("plugins/lsl", ("pylsl",)),
    "heartmind.plugins.simulator": ("plugins/simulator", ("heartmind.sim", "scipy", "pylsl")),
    "heartmind.plugins.replay": (
        "plugins/replay",
        ("heartmind.io", "heartmind.xdf", "mne", "wfdb", "pandas", "pylsl"),
    ),
    "heartmind.plugins.analysis": (
        "plugins/analysis",
        ("heartmind.io", "heartmind.xdf", "matplotlib", "mne", "wfdb", "pandas", "neurokit2"),
    ),
    "heartmind.plugins.record": ("plugins/record", ("heartmind.xdf", "rich", "pylsl")),
}
#: Packages with an ``api`` module, and the heavy modules importing it may load (the
#: simulator's api is the simulator). The demo has none: its command is its interface.
WITH_API: dict[str, tuple[str, ...]] = {
    "heartmind.adapters.calendar": (),
    "heartmind.plugins.console": (),
    "heartmind.plugins.lsl": (),
    "heartmind.plugins.simulator": ("heartmind.sim", "scipy"),
    "heartmind.plugins.analysis": ("heartmind.io", "heartmind.xdf"),
    "heartmind.plugins.record": ("heartmind.xdf",),
}
#: Packages that re-export their api lazily (``from heartmind.plugins.lsl import ensure_lsl``).
REEXPORTING = (
    "heartmind.adapters.calendar",
    "heartmind.plugins.analysis",
    "heartmind.plugins.console",
    "heartmind.plugins.lsl",
    "heartmind.plugins.record",
)
PUBLIC = {"__init__.py", "api.py", "events.py"}


def _loaded_after(statement: str, prefixes: tuple[str, ...]) -> list[str]:
    """Modules matching ``prefixes`` that a fresh interpreter has loaded after ``statement``."""
    code = (
        "import json, sys\n"
        f"{statement}\n"
        f"print(json.dumps(sorted(m for m in sys.modules if m.startswith({prefixes!r}))))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=True
    )
    return list(json.loads(out.stdout))


@pytest.mark.parametrize("package", sorted(FOLLOWING))
def test_every_module_is_public_by_name_or_private(package: str) -> None:
    folder = ROOT / FOLLOWING[package][0]
    odd = [
        str(p.relative_to(folder))
        for p in folder.rglob("*.py")
        if p.name not in PUBLIC and not p.name.startswith("_")
    ]
    assert not odd, f"{package}: name these modules _<what they hold>.py: {odd}"


@pytest.mark.parametrize("package", sorted(FOLLOWING))
def test_importing_the_package_is_cheap(package: str) -> None:
    heavy = FOLLOWING[package][1]
    loaded = _loaded_after(f"import {package}", (*heavy, f"{package}."))
    assert [m for m in loaded if m not in (f"{package}.events",)] == []


@pytest.mark.parametrize("package", sorted(WITH_API))
def test_importing_the_api_loads_no_optional_dependency(package: str) -> None:
    heavy = tuple(m for m in FOLLOWING[package][1] if m not in WITH_API[package])
    assert _loaded_after(f"import {package}.api", heavy) == []


@pytest.mark.parametrize("package", REEXPORTING)
def test_lazy_reexports_are_the_api(package: str) -> None:
    pkg = importlib.import_module(package)
    api = importlib.import_module(f"{package}.api")
    for name in api.__all__:
        assert getattr(pkg, name) is getattr(api, name)
    for missing in ("nosuch", "_private", "heartmind_misspelled_hook"):
        with pytest.raises(AttributeError, match=f"no attribute '{missing}'"):
            getattr(pkg, missing)
