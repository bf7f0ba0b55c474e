"""The built-in console and jsonl consumers, inside real sessions."""

from __future__ import annotations

import io
import stat
from pathlib import Path

import numpy as np

import heartmind as hm
from heartmind.plugins.console import format_event as lazy_format_event
from heartmind.plugins.console._consumers import ConsoleConsumer
from heartmind.plugins.console.api import format_event


class Beats(hm.Sensor):
    """A generated source that emits one HeartRate event per second of virtual time."""

    live = False

    def __init__(self, n: int) -> None:
        self.n = n
        self.i = 0
        self.info = hm.StreamInfo("beats", "MARKERS", ("m",), "", 0.0, "string")

    @property
    def streams(self) -> tuple[hm.StreamInfo, ...]:
        return (self.info,)

    def read(self, timeout: float) -> hm.Output | None:
        if self.i >= self.n:
            return None
        self.i += 1
        return hm.HeartRate(timestamp=float(self.i), bpm=60.0 + self.i, window=10.0)

    @property
    def finished(self) -> bool:
        return self.i >= self.n


def _session() -> hm.Session:
    return hm.Session(clock="virtual", start="2026-11-24T09:00:00Z")


def test_jsonl_file_is_private_and_parses_back(tmp_path: Path) -> None:
    path = tmp_path / "out" / "events.jsonl"
    session = _session()
    session.add_sensor(Beats(5), name="beats")
    session.add_consumer("jsonl", path=str(path))
    session.run()
    mode = stat.S_IMODE(path.stat().st_mode)
    assert mode == 0o600, oct(mode)
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    events = [hm.event_from_json(line) for line in path.read_text().splitlines()]
    assert [e.bpm for e in events] == [61.0, 62.0, 63.0, 64.0, 65.0]  # type: ignore[attr-defined]
    assert events[0].time == "2026-11-24T09:00:01.000000Z"
    assert events[0].source == "beats"


def test_jsonl_append_keeps_earlier_lines(tmp_path: Path) -> None:
    path = tmp_path / "events.jsonl"
    for append in (False, True):
        session = _session()
        session.add_sensor(Beats(2), name="beats")
        session.add_consumer("jsonl", path=str(path), append=append)
        session.run()
    assert len(path.read_text().splitlines()) == 4


def test_console_prints_selected_topics_readably() -> None:
    out = io.StringIO()
    session = _session()
    session.add_sensor(Beats(3), name="beats")
    session.add_consumer(ConsoleConsumer(stream=out), name="console", topics=["heart_rate"])
    session.run()
    lines = out.getvalue().splitlines()
    assert len(lines) == 3
    assert lines[0].startswith("09:00:01.000  heart_rate")
    assert "bpm=61.0" in lines[0] and "[beats]" in lines[0]


def test_console_jsonl_format_round_trips() -> None:
    out = io.StringIO()
    session = _session()
    session.add_sensor(Beats(2), name="beats")
    session.add_consumer(ConsoleConsumer(format="jsonl", stream=out), name="console")
    session.run()
    events = [hm.event_from_json(line) for line in out.getvalue().splitlines()]
    assert [type(e) for e in events] == [hm.HeartRate, hm.HeartRate]


def test_format_event_shows_units_and_skips_empty_fields() -> None:
    line = format_event(hm.HeartBeat(timestamp=1.5, rr=0.8123, source="hr", time=""))
    assert "rr=0.812s" in line and "stream=" not in line
    assert np.isclose(float(line.split()[0].rstrip("s")), 1.5)


def test_the_package_declares_specs_only_and_re_exports_format_event_lazily() -> None:
    import subprocess
    import sys

    code = (
        "import sys, heartmind.plugins.console as c\n"
        "print('heartmind.plugins.console._consumers' in sys.modules,"
        " 'heartmind.plugins.console.api' in sys.modules)\n"
        "c.format_event\n"
        "print('heartmind.plugins.console.api' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "False", "True"]
    assert lazy_format_event is format_event
