"""Fixtures of the LSL tests: unique stream ids, outlet and reader processes (always killed)."""

from __future__ import annotations

import sys
import uuid
from collections.abc import Callable
from pathlib import Path

import pytest
from lsl_children import Child, Children, children, spawn_outlet

__all__ = ["children", "spawn_markers", "spawn_outlet", "spawn_reader", "uid"]

READER_SCRIPT = Path(__file__).resolve().parent / "lsl_reader_proc.py"


@pytest.fixture
def uid() -> str:
    """A unique id for stream names and source ids."""
    return uuid.uuid4().hex[:12]


@pytest.fixture
def spawn_reader(children: Children) -> Callable[..., Child]:
    """Start ``lsl_reader_proc.py`` on a stream name; returns once it is connected."""

    def spawn(name: str, count: int, timeout: float = 3.0) -> Child:
        args = [sys.executable, str(READER_SCRIPT), name, str(count), str(timeout)]
        return children.start(args, ready="CONNECTED")

    return spawn


@pytest.fixture
def spawn_markers(children: Children) -> Callable[..., Child]:
    """A marker outlet process (source id = name) pushing ``m0, m1, …`` once an inlet is in."""

    def spawn(name: str, count: int) -> Child:
        options = {"type": "Markers", "markers": True, "wait_consumer": 10.0}
        return children.outlet(name=name, source_id=name, count=count, **options)

    return spawn
