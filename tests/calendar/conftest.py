"""Fixtures of the calendar adapter tests (helpers live in ``calendar_testkit``)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from calendar_testkit import SAMPLE


@pytest.fixture
def sample_ics(tmp_path: Path) -> Path:
    """A private copy of the bundled sample calendar."""
    path = tmp_path / "in.ics"
    shutil.copyfile(SAMPLE, path)
    return path
