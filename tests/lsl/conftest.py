"""Fixtures of the LSL tests: unique stream ids and outlet processes that are always killed."""

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
OUTLET_SCRIPT = HERE / "lsl_outlet_proc.py"


def lsl_env() -> dict[str, str]:
    """The environment of a child process: the parent's LSL scope (machine-only)."""
    from heartmind.plugins.lsl.api import lsl_subprocess_env

    return lsl_subprocess_env()


@pytest.fixture
def uid() -> str:
    """A unique id for stream names and source ids."""
    return uuid.uuid4().hex[:12]


def kill_group(proc: subprocess.Popen[str]) -> None:
    """Kill a child started with its own process group, and reap it."""
    if proc.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
    proc.wait(timeout=10)


@pytest.fixture
def spawn_outlet() -> Iterator[Callable[..., subprocess.Popen[str]]]:
    """Start ``lsl_outlet_proc.py`` with the given options; returns once ``READY``."""
    procs: list[subprocess.Popen[str]] = []

    def spawn(**options: object) -> subprocess.Popen[str]:
        args = [sys.executable, str(OUTLET_SCRIPT)]
        for key, value in options.items():
            args += [f"--{key.replace('_', '-')}", str(value)]
        proc = subprocess.Popen(
            args,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            env=lsl_env(),
            start_new_session=True,  # own process group, killed as a whole
        )
        procs.append(proc)
        assert proc.stdout is not None
        line = proc.stdout.readline()
        assert line.startswith("READY"), f"outlet process did not start: {line!r}"
        return proc

    yield spawn
    for proc in procs:
        kill_group(proc)


@pytest.fixture
def spawn_reader() -> Iterator[Callable[..., subprocess.Popen[str]]]:
    """Start ``lsl_reader_proc.py`` on a stream name; returns once it is connected."""
    procs: list[subprocess.Popen[str]] = []

    def spawn(name: str, count: int, timeout: float = 3.0) -> subprocess.Popen[str]:
        script = HERE / "lsl_reader_proc.py"
        proc = subprocess.Popen(
            [sys.executable, str(script), name, str(count), str(timeout)],
            stdout=subprocess.PIPE,
            text=True,
            env=lsl_env(),
            start_new_session=True,
        )
        procs.append(proc)
        assert proc.stdout is not None
        line = proc.stdout.readline()
        assert line.startswith("CONNECTED"), f"reader did not connect: {line!r}"
        return proc

    yield spawn
    for proc in procs:
        kill_group(proc)
