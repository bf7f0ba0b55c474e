"""Child processes of the LSL tests (lsl, record, simulate, replay): always killed.

Every child runs in its own process group with machine-only LSL (the parent's scope) and
its standard input on a pipe, so that it also ends when the test process does. The
fixtures ``children`` and ``spawn_outlet`` are imported by the conftests that use them.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

import pytest

#: The plain pylsl outlet process (``READY``, ``DONE <n>``; see its docstring).
OUTLET_SCRIPT = Path(__file__).resolve().parent / "lsl_outlet_proc.py"
#: ``heartmind`` run from this interpreter.
HEARTMIND = (sys.executable, "-m", "heartmind.cli.main")

Child = subprocess.Popen[str]


def child_env() -> dict[str, str]:
    """A child's environment: machine-only LSL, as in this process."""
    from heartmind.plugins.lsl.api import lsl_subprocess_env

    return lsl_subprocess_env()


def kill_group(proc: Child) -> None:
    """Kill a child started in its own process group, and reap it."""
    if proc.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
    proc.wait(timeout=10)


def wait_line(proc: Child, prefix: str) -> str:
    """The child's next line on standard output; fails unless it starts with ``prefix``."""
    assert proc.stdout is not None
    line = proc.stdout.readline()
    assert line.startswith(prefix), f"expected {prefix!r} from {proc.args!r}, got {line!r}"
    return line


class Children:
    """Children of one test; :meth:`close` kills them, outlets last (inlets close first)."""

    def __init__(self) -> None:
        self.procs: list[Child] = []
        self.outlets: list[Child] = []

    def start(
        self, args: Sequence[str], *, ready: str = "", stderr: bool = False, cwd: str | Path = "/"
    ) -> Child:
        """Start ``args``; with ``ready``, return once its first line starts with it.

        ``cwd`` defaults to ``/``: a stale ``*.egg-info`` in the working directory would
        shadow the entry points.
        """
        proc = subprocess.Popen(
            list(args),
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE if stderr else None,
            text=True,
            env=child_env(),
            start_new_session=True,  # own process group, killed as a whole
            cwd=cwd,
        )
        self.procs.append(proc)
        if ready:
            wait_line(proc, ready)
        return proc

    def outlet(self, **options: object) -> Child:
        """Start ``lsl_outlet_proc.py`` (``--key value``; ``True``: a flag); once ``READY``."""
        args = [sys.executable, str(OUTLET_SCRIPT)]
        for key, value in options.items():
            flag = f"--{key.replace('_', '-')}"
            args += [flag] if value is True else [flag, str(value)]
        proc = self.start(args, ready="READY")
        self.procs.remove(proc)
        self.outlets.append(proc)
        return proc

    def heartmind(self, *args: str) -> Child:
        """Start ``heartmind ARGS...`` (standard error captured)."""
        return self.start([*HEARTMIND, *args], stderr=True)

    def close(self) -> None:
        """Kill every child, newest first, outlets last."""
        for proc in [*reversed(self.procs), *reversed(self.outlets)]:
            kill_group(proc)


@pytest.fixture
def children() -> Iterator[Children]:
    """The test's child processes, killed at teardown."""
    kids = Children()
    try:
        yield kids
    finally:
        kids.close()


@pytest.fixture
def spawn_outlet(children: Children) -> Callable[..., Child]:
    """``spawn_outlet(**options)``: a plain pylsl outlet process (see ``Children.outlet``)."""
    return children.outlet
