"""CalDAV round trip against a real Radicale server on loopback (no mocks)."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from calendar_testkit import SAMPLE, components, high_morning, props, run_plan

caldav = pytest.importorskip("caldav")
pytest.importorskip("radicale")

from heartmind.adapters.calendar.api import CalDAVSource, fetch, push  # noqa: E402


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def radicale(tmp_path: Path) -> Iterator[str]:
    port = free_port()
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "radicale",
            "--server-hosts",
            f"127.0.0.1:{port}",
            "--storage-filesystem-folder",
            str(tmp_path / "store"),
            "--auth-type",
            "none",
            "--rights-type",
            "authenticated",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    base = f"http://127.0.0.1:{port}/"
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                urllib.request.urlopen(base, timeout=1)  # loopback only
                break
            except OSError:
                if time.monotonic() > deadline or proc.poll() is not None:
                    pytest.fail("Radicale did not start")
                time.sleep(0.1)
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)


@pytest.mark.slow
def test_caldav_round_trip(radicale: str) -> None:
    url = f"{radicale}alice/work/"
    client = caldav.DAVClient(url=radicale, username="alice", password="x", timeout=10)
    remote = client.principal().make_calendar(name="work", cal_id="work")
    # upload the sample, one resource per UID
    cal = __import__("icalendar").Calendar.from_ical(SAMPLE.read_bytes())
    from heartmind.adapters.calendar._caldav import _resource

    for uid in dict.fromkeys(str(ev["UID"]) for ev in cal.walk("VEVENT")):
        remote.save_event(_resource(cal, uid))
    source = CalDAVSource(url, username="alice", password="x", timeout=10)
    data = fetch(source)
    result = run_plan(data, high_morning())
    assert result.plan.writes
    push(source, result.data, [c.uid for c in result.plan.writes])
    back = components(fetch(source))
    want = components(result.data)
    assert set(back) == set(want)
    for key in want:
        assert props(back[key]) == props(want[key]), key
    assert len(remote.events()) == len({k[0] for k in want})
