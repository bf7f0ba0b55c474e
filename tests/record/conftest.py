"""Fixtures of the record tests: outlet and ``heartmind`` processes, always killed."""

from __future__ import annotations

import uuid
from collections.abc import Callable

import pytest
from lsl_children import Child, Children, children

__all__ = ["children", "spawn_heartmind", "spawn_outlet", "uid"]

#: s an outlet waits for its first inlet before it pushes (then it exits with NO-CONSUMER).
CONSUMER_WAIT = 30.0


@pytest.fixture
def uid() -> str:
    """A unique id for stream names and source ids."""
    return uuid.uuid4().hex[:10]


@pytest.fixture
def spawn_heartmind(children: Children) -> Callable[..., Child]:
    """Start ``heartmind ARGS...`` in its own process group (stderr captured)."""
    return children.heartmind


@pytest.fixture
def spawn_outlet(children: Children) -> Callable[..., Child]:
    """A plain pylsl outlet process that pushes once a recorder is connected."""

    def spawn(**options: object) -> Child:
        return children.outlet(**{"wait_consumer": CONSUMER_WAIT, **options})

    return spawn
