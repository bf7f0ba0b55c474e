"""Test kit of the behaviour tests: a private virtual X display (Xvfb) and xdotool."""

from __future__ import annotations

import os
import select
import shutil
import subprocess
from collections.abc import Iterator

import pytest

XVFB = shutil.which("Xvfb")
XDOTOOL = shutil.which("xdotool")


def _read_display(fd: int, timeout: float) -> str:
    """The display number Xvfb writes to ``-displayfd`` once it accepts connections."""
    text = b""
    while not text.endswith(b"\n"):
        ready, _, _ = select.select([fd], [], [], timeout)
        if not ready:
            raise TimeoutError(f"Xvfb did not report its display within {timeout} s")
        part = os.read(fd, 64)
        if not part:
            raise RuntimeError("Xvfb exited before reporting its display")
        text += part
    return f":{text.decode().strip()}"


@pytest.fixture(scope="module")
def xvfb() -> Iterator[str]:
    """Start ``Xvfb -displayfd`` on a free display; yields ``":N"``; killed on teardown."""
    if XVFB is None or XDOTOOL is None:
        pytest.skip("Xvfb and xdotool are needed (make system-deps installs them)")
    r, w = os.pipe()
    proc = subprocess.Popen(
        [
            XVFB,
            "-displayfd",
            str(w),
            "-nolisten",
            "tcp",
            "-noreset",
            "-screen",
            "0",
            "1280x1024x24",
        ],
        pass_fds=(w,),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    os.close(w)
    try:
        display = _read_display(r, 15.0)
    except BaseException:
        proc.kill()
        proc.wait(5)
        raise
    finally:
        os.close(r)
    try:
        yield display
    finally:
        proc.terminate()
        try:
            proc.wait(5)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(5)


@pytest.fixture
def display(xvfb: str, monkeypatch: pytest.MonkeyPatch) -> str:
    """DISPLAY set to the private Xvfb for this test."""
    monkeypatch.setenv("DISPLAY", xvfb)
    return xvfb


def xdotool(display: str, *args: str, timeout: float = 20.0) -> None:
    """Run xdotool on ``display`` (injects real X input events)."""
    assert XDOTOOL is not None
    env = {**os.environ, "DISPLAY": display}
    subprocess.run([XDOTOOL, *args], env=env, check=True, timeout=timeout)
