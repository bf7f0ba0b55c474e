"""docs/events.md is generated from ``Event.schema()`` and must stay in step with the code."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

import heartmind
from heartmind import events as ev

DOCS = Path(__file__).resolve().parents[1] / "docs"
EVENTS_MD = DOCS / "events.md"


@pytest.fixture(scope="module")
def gen() -> ModuleType:
    """``docs/gen_events.py`` imported as a module (docs/ is not a package)."""
    spec = importlib.util.spec_from_file_location("gen_events", DOCS / "gen_events.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_events_md_tables_are_up_to_date(gen: ModuleType) -> None:
    text = EVENTS_MD.read_text(encoding="utf-8")
    assert gen.BEGIN in text and gen.END in text, "the generated-section markers are missing"
    expected = gen.splice(text, gen.render())
    assert text == expected, (
        "docs/events.md is out of date with heartmind.events; "
        "run: .venv/bin/python docs/gen_events.py --write"
    )


def test_every_core_topic_is_documented(gen: ModuleType) -> None:
    text = EVENTS_MD.read_text(encoding="utf-8")
    core = [t for t, cls in heartmind.event_types().items() if cls.__module__ == ev.__name__]
    assert set(core) >= {"heart_rate", "emotion", "stress", "dropped", "calendar_change"}
    assert [cls.topic for cls in gen.core_event_types()] == core
    missing = [t for t in core if f"### `{t}`" not in text]
    assert not missing, f"core topics without a section in docs/events.md: {missing}"
    for topic in core:  # every field of every core type is in the table
        for row in heartmind.event_types()[topic].schema():
            assert f"| `{row['name']}` |" in text


def test_public_event_classes_are_core_topics() -> None:
    core = {cls for cls in heartmind.event_types().values() if cls.__module__ == ev.__name__}
    public = {getattr(heartmind, n) for n in heartmind.__all__}
    exported = {c for c in public if isinstance(c, type) and issubclass(c, heartmind.Event)}
    assert exported - {heartmind.Event} == core


def test_the_json_example_line_parses() -> None:
    text = EVENTS_MD.read_text(encoding="utf-8")
    block = text.split("```json\n", 1)[1].split("\n```", 1)[0]
    event = heartmind.event_from_json(block)
    assert event.to_json() == block
    assert f'"schema_version":{ev.SCHEMA_VERSION}' in block


def test_gen_events_script_prints_the_tables(gen: ModuleType) -> None:
    out = subprocess.run(
        [sys.executable, str(DOCS / "gen_events.py")],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    assert out.stdout == gen.render()
