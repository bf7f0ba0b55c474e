"""Fixtures of the demo tests: one shortened demo run shared by the folder's tests."""

from __future__ import annotations

import pytest
from demo_testkit import DemoRun, run_short


@pytest.fixture(scope="session")
def short_run(tmp_path_factory: pytest.TempPathFactory) -> DemoRun:
    """One shortened demo run, shared by the tests of this folder."""
    run = run_short(tmp_path_factory.mktemp("demo") / "out")
    assert run.returncode == 0, run.stderr
    return run
