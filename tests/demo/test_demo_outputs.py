"""What a (shortened) demo run writes: files, permissions, recording, events, calendar, figure."""

from __future__ import annotations

import json
import stat
import struct
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import pyxdf
from demo_testkit import CRUNCH, RUN_TIMEOUT, DemoRun

import heartmind.plugins.physio.events  # noqa: F401 - registers respiration_rate, …
from heartmind.adapters.calendar.api import PolicyOptions, WorkingHours
from heartmind.events import CalendarChange, Event, Stress, event_from_json
from heartmind.plugins.demo._calendar_replay import final_plan, policy_violations
from heartmind.plugins.demo._pipeline import calendar_path

# The first test here waits for the shared shortened demo run (a busy machine may be slow).
pytestmark = [pytest.mark.timeout(RUN_TIMEOUT + 60)]

OUTPUTS = ("demo.xdf", "events.jsonl", "calendar-proposed.ics", "calendar-diff.txt", "demo.png")


def events(run: DemoRun) -> list[Event]:
    with open(run.out / "events.jsonl", encoding="utf-8") as fh:
        return [event_from_json(line) for line in fh]


def test_every_output_exists_and_is_private(short_run: DemoRun) -> None:
    assert stat.S_IMODE(short_run.out.stat().st_mode) == 0o700
    for name in OUTPUTS:
        path = short_run.out / name
        assert path.is_file(), name
        assert path.stat().st_size > 0, name
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, name
    assert not [p.name for p in short_run.out.iterdir() if p.name not in OUTPUTS]
    assert "× real time" in short_run.stderr
    assert "calendar policy check: ok" in short_run.stderr


def test_recording_loads_in_pyxdf_with_every_stream(short_run: DemoRun) -> None:
    streams, _header = pyxdf.load_xdf(str(short_run.out / "demo.xdf"), synchronize_clocks=False)
    by_name = {s["info"]["name"][0]: s for s in streams}
    for kind in ("ECG", "PPG", "EDA", "RSP", "KEYS", "MOUSE", "BEATS", "STATE", "MARKERS"):
        assert f"sim-{kind}" in by_name, sorted(by_name)
    assert "heartmind-events" in by_name
    ecg = by_name["sim-ECG"]
    assert float(ecg["info"]["nominal_srate"][0]) == 250.0
    span = ecg["time_stamps"][-1] - ecg["time_stamps"][0]
    assert 3590.0 < span <= 3600.0  # the whole hour
    markers = by_name["heartmind-events"]["time_series"]
    topics = {json.loads(m[0])["topic"] for m in markers}
    assert {"heart_rate", "hrv", "stress", "emotion", "calendar_change"} <= topics


def test_events_parse_and_every_model_contributes(short_run: DemoRun) -> None:
    evs = events(short_run)
    sources = {(e.topic, e.source) for e in evs}
    for pair in [
        ("heart_rate", "heart-rate"),
        ("heart_rate", "ppg-rate"),
        ("hrv", "hrv"),
        ("respiration_rate", "respiration"),
        ("skin_conductance", "eda"),
        ("emotion", "heart-emotion"),
        ("emotion", "behaviour-emotion"),
        ("emotion", "fusion"),
        ("stress", "stress"),
        ("stress", "behaviour-emotion"),
        ("stress", "fusion"),
        ("calendar_change", "calendar"),
    ]:
        assert pair in sources, pair
    assert all(e.time.startswith("2026-11-24T") for e in evs)


def test_stress_rises_during_the_scripted_episode(short_run: DemoRun) -> None:
    fused = [e for e in events(short_run) if isinstance(e, Stress) and e.modality == "fused"]
    before = [e.level for e in fused if 300.0 < e.timestamp < CRUNCH[0]]
    during = [e.level for e in fused if CRUNCH[0] + 300.0 < e.timestamp < CRUNCH[1]]
    after = [e.level for e in fused if e.timestamp > CRUNCH[1] + 600.0]
    assert before and during and after
    mean = lambda xs: sum(xs) / len(xs)  # noqa: E731
    assert mean(during) > 0.8 > 0.3 > max(mean(before), mean(after))


def test_calendar_moves_work_and_keeps_the_policy(short_run: DemoRun) -> None:
    import icalendar

    evs = events(short_run)
    changes = [e for e in evs if isinstance(e, CalendarChange)]
    assert any(c.action == "move" for c in changes)
    assert all(not c.applied for c in changes)  # only proposed
    proposed = (short_run.out / "calendar-proposed.ics").read_bytes()
    cal = icalendar.Calendar.from_ical(proposed)
    moved = [c for c in cal.walk("VEVENT") if "X-HEARTMIND-CHANGED" in c]
    assert any(c.get("X-HEARTMIND-BREAK") is None for c in moved)
    # Replaying the plan from the recorded events gives the same calendar, and the adapter's
    # guarantees hold on it (no overlaps, working hours, deadlines, fixed events, the past).
    samples = [
        (datetime.fromisoformat(e.time.replace("Z", "+00:00")).astimezone(UTC), e.level)
        for e in evs
        if isinstance(e, Stress) and e.modality == "fused"
    ]
    original = Path(calendar_path()).read_bytes()
    options = PolicyOptions(working_hours=WorkingHours.parse("09:00-18:00", "mon-fri"))
    outcome = final_plan(original, samples, changes, options=options, horizon=timedelta(hours=48))
    assert outcome.result.data == proposed
    assert outcome.moves >= 1
    assert policy_violations(outcome) == []
    diff = (short_run.out / "calendar-diff.txt").read_text()
    assert "moved    Code review block" in diff


def test_figure_is_a_one_page_png(short_run: DemoRun) -> None:
    data = (short_run.out / "demo.png").read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", data[16:24])
    assert (width, height) == (1240, 1753)  # A4 portrait (8.27 x 11.69 in) at 150 dpi
    assert 100_000 < len(data) < 3_000_000


def test_the_policy_audit_catches_a_broken_calendar(short_run: DemoRun) -> None:
    """The audit is not vacuous: a fixed event moved by hand, or work placed at night, fail."""
    evs = events(short_run)
    samples = [
        (datetime.fromisoformat(e.time.replace("Z", "+00:00")).astimezone(UTC), e.level)
        for e in evs
        if isinstance(e, Stress) and e.modality == "fused"
    ]
    changes = [e for e in evs if isinstance(e, CalendarChange)]
    options = PolicyOptions(working_hours=WorkingHours.parse("09:00-18:00", "mon-fri"))
    original = Path(calendar_path()).read_bytes()
    outcome = final_plan(original, samples, changes, options=options, horizon=timedelta(hours=48))
    data = outcome.result.data
    lunch = data.replace(b"20261124T121500", b"20261124T123000")  # a fixed event moved
    night = data.replace(b"20261124T170000", b"20261124T200000").replace(
        b"20261124T180000", b"20261124T210000"
    )  # moved work out of working hours
    for broken, expected in ((lunch, "'Lunch' changed"), (night, "outside working hours")):
        bad = replace(outcome, result=replace(outcome.result, data=broken))
        assert any(expected in v for v in policy_violations(bad)), expected
