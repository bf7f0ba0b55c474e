"""Meta-tests of the plugin contract: every hook is tested and documented, and every event
topic a spec declares exists as soon as the plugins are loaded."""

from __future__ import annotations

import inspect
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from heartmind import hookspecs

ROOT = Path(__file__).resolve().parents[1]
HOOKS_DOC = ROOT / "docs" / "hooks.md"


def hook_names() -> list[str]:
    """Every hookspec of heartmind (the functions pluggy's spec marker decorated)."""
    marker = f"{hookspecs.PROJECT}_spec"
    return sorted(
        name
        for name, fn in inspect.getmembers(hookspecs, inspect.isfunction)
        if hasattr(fn, marker)
    )


def test_the_hookspecs_are_found() -> None:
    assert {"heartmind_sensors", "heartmind_processors", "heartmind_event"} <= set(hook_names())


@pytest.mark.parametrize("hook", hook_names())
def test_every_hook_has_a_test_that_implements_it(hook: str) -> None:
    # "@hookimpl" then "def <hook>(" with no other def between (also in plugin sources
    # that tests write as strings)
    implemented = re.compile(rf"hookimpl(?:(?!\bdef\b).){{0,200}}\bdef {hook}\(", re.S)
    tests = [
        path.relative_to(ROOT)
        for path in sorted((ROOT / "tests").rglob("test_*.py"))
        if implemented.search(path.read_text(encoding="utf-8"))
    ]
    assert tests, f"no test implements {hook} with @hookimpl; add one under tests/"


@pytest.mark.parametrize("hook", hook_names())
def test_every_hook_has_a_section_in_the_hook_reference(hook: str) -> None:
    headings = re.findall(r"^#{2,4} `([a-z_]+)", HOOKS_DOC.read_text(encoding="utf-8"), re.M)
    assert hook in headings, f"docs/hooks.md has no '### `{hook}`' section"


def test_every_declared_topic_exists_right_after_loading() -> None:
    """In a fresh interpreter: load the plugins, then every event topic a processor spec
    declares (outputs and inputs) must be a registered event type — before any processor
    is built, as ``heartmind events`` and ``event_from_json`` need."""
    code = (
        "import json, heartmind\n"
        "pm = heartmind.PluginManager(strict=True)\n"
        "known = set(heartmind.event_types())\n"
        "missing = {n: [t for t in (*s.output_topics, *s.events) if t not in known]\n"
        "           for n, s in pm.processors().items()}\n"
        "print(json.dumps({n: m for n, m in missing.items() if m}))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=True
    )
    assert json.loads(out.stdout) == {}, "spec topics without a registered event type"


def test_output_topics_and_streams_are_told_apart() -> None:
    from heartmind import ProcessorSpec

    spec = ProcessorSpec(
        name="x", factory=object, outputs=("heart_rate", "KEYS_FEATURES", "stress")
    )
    assert spec.output_topics == ("heart_rate", "stress")
    assert spec.output_streams == ("KEYS_FEATURES",)
