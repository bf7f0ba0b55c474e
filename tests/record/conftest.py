"""Fixtures of the record tests: outlet and recorder processes, always killed."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
OUTLET = HERE / "record_outlet_proc.py"
HEARTMIND = [sys.executable, "-m", "heartmind.cli.main"]


def child_env() -> dict[str, str]:
    """A child's environment: machine-only LSL (as this process), no cwd egg-info shadowing."""
    from heartmind.plugins.lsl.api import lsl_subprocess_env

    return lsl_subprocess_env()


def kill_group(proc: subprocess.Popen[str]) -> None:
    """Kill a child started in its own process group, and reap it."""
    if proc.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
    proc.wait(timeout=10)


@pytest.fixture
def uid() -> str:
    """A unique id for stream names and source ids."""
    return uuid.uuid4().hex[:10]


@pytest.fixture
def procs() -> Iterator[list[subprocess.Popen[str]]]:
    """Children to kill at teardown (outlets after recorders: inlets close first)."""
    started: list[subprocess.Popen[str]] = []
    yield started
    for proc in reversed(started):
        kill_group(proc)


@pytest.fixture
def spawn_outlet(procs: list[subprocess.Popen[str]]) -> Callable[..., subprocess.Popen[str]]:
    """Start ``record_outlet_proc.py``; returns once its outlet exists."""

    def spawn(**options: object) -> subprocess.Popen[str]:
        args = [sys.executable, str(OUTLET)]
        for key, value in options.items():
            flag = f"--{key.replace('_', '-')}"
            args += [flag] if value is True else [flag, str(value)]
        proc = subprocess.Popen(
            args,
            stdout=subprocess.PIPE,
            text=True,
            env=child_env(),
            start_new_session=True,
            cwd=HERE,
        )
        procs.insert(0, proc)  # killed last
        assert proc.stdout is not None
        line = proc.stdout.readline()
        assert line.startswith("READY"), f"outlet did not start: {line!r}"
        return proc

    return spawn


@pytest.fixture
def spawn_heartmind(procs: list[subprocess.Popen[str]]) -> Callable[..., subprocess.Popen[str]]:
    """Start ``heartmind ARGS...`` in its own process group (stderr captured)."""

    def spawn(*args: str) -> subprocess.Popen[str]:
        proc = subprocess.Popen(
            [*HEARTMIND, *args],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=child_env(),
            start_new_session=True,
            cwd=HERE,
        )
        procs.append(proc)
        return proc

    return spawn
