"""The rescheduling policy on concrete calendars: moves, overrides, suggestions, breaks,
deadlines, hysteresis, no-thrashing, and untouched events parsed back property by property."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import icalendar
import pytest
from calendar_testkit import NOW, SAMPLE, components, high_morning, props, run_plan, stress

from heartmind.adapters.calendar.api import (
    Item,
    Period,
    PolicyOptions,
    WorkingHours,
    high_periods,
    plan,
)
from heartmind.errors import ConfigError

BERLIN = ZoneInfo("Europe/Berlin")


def berlin(moment: datetime | None) -> str:
    assert moment is not None
    return moment.astimezone(BERLIN).strftime("%d %H:%M")


def test_sample_plan_moves_work_suggests_meetings_and_adds_a_break() -> None:
    data = SAMPLE.read_bytes()
    result = run_plan(data, high_morning())
    by_action = {(c.action, c.uid.split("@")[0]): c for c in result.plan.changes}
    move = by_action[("move", "code-review-2026")]
    assert (berlin(move.old_start), berlin(move.new_start)) == ("24 11:00", "24 17:00")
    assert move.recurrence_id == "2026-11-24T10:00:00Z"
    suggest = by_action[("suggest", "design-review-20261124")]  # movable, but a meeting
    assert "not moved automatically" in suggest.reason and suggest.new_start is not None
    brk = next(c for c in result.plan.changes if c.action == "insert_break")
    assert berlin(brk.new_start) == "24 10:45" and berlin(brk.new_end) == "24 10:55"
    assert all(c.reason and "\n" not in c.reason for c in result.plan.changes)
    assert len(result.plan.changes) == 3

    before, after = components(data), components(result.data)
    # the series stays; the moved instance becomes a RECURRENCE-ID override
    override = after[("code-review-2026@example.org", "20261124T110000")]
    assert override["RECURRENCE-ID"].params["TZID"] == "Europe/Berlin"
    assert berlin(override["DTSTART"].dt) == "24 17:00"
    assert override["DTSTART"].params["TZID"] == "Europe/Berlin"
    assert "RRULE" not in override and int(override["SEQUENCE"]) == 1
    assert props(after[("code-review-2026@example.org", "")]) == props(
        before[("code-review-2026@example.org", "")]
    )
    # every other event parses back equivalent, property by property
    untouched = set(before) - {("code-review-2026@example.org", "20261124T110000")}
    for key in untouched:
        assert props(after[key]) == props(before[key]), key
    assert set(after) - set(before) == {
        ("code-review-2026@example.org", "20261124T110000"),
        (brk.uid, ""),
    }
    assert [t["TZID"] for t in icalendar.Calendar.from_ical(result.data).walk("VTIMEZONE")] == [
        "Europe/Berlin",
        "America/New_York",
    ]


OVERRIDDEN = b"""BEGIN:VCALENDAR\r
VERSION:2.0\r
PRODID:test\r
BEGIN:VEVENT\r
UID:focus@x\r
DTSTART;TZID=Europe/Berlin:20261123T110000\r
DTEND;TZID=Europe/Berlin:20261123T120000\r
RRULE:FREQ=DAILY;COUNT=5\r
X-HEARTMIND-MOVABLE:TRUE\r
SUMMARY:Focus\r
END:VEVENT\r
BEGIN:VEVENT\r
UID:focus@x\r
RECURRENCE-ID;TZID=Europe/Berlin:20261124T110000\r
DTSTART;TZID=Europe/Berlin:20261124T103000\r
DTEND;TZID=Europe/Berlin:20261124T113000\r
X-HEARTMIND-MOVABLE:TRUE\r
SUMMARY:Focus (earlier today)\r
SEQUENCE:3\r
END:VEVENT\r
END:VCALENDAR\r
"""


def test_an_overridden_instance_has_its_override_moved() -> None:
    result = run_plan(OVERRIDDEN, high_morning())
    (move,) = [c for c in result.plan.changes if c.action == "move"]
    assert berlin(move.old_start) == "24 10:30"
    after = components(result.data)
    assert len([k for k in after if k[0] == "focus@x"]) == 2  # no second override
    override = after[("focus@x", "20261124T110000")]
    assert berlin(override["DTSTART"].dt) == berlin(move.new_start)
    assert int(override["SEQUENCE"]) == 4 and str(override["SUMMARY"]) == "Focus (earlier today)"
    assert berlin(move.new_start) >= "24 12:30"


def test_deadline_respected_or_kept_with_a_suggestion() -> None:
    text = SAMPLE.read_bytes().replace(b"20261125T180000", b"20261124T160000")
    # stress all day until 15:00 Berlin: the report (13-15) must end by 16:00 -> no room
    result = run_plan(text, stress([0.9] * 60 + [0.2] * 4))
    report = next(c for c in result.plan.changes if c.uid.startswith("quarterly"))
    assert report.action == "suggest" and report.new_start is None
    assert "no free slot" in report.reason and "deadline" in report.reason
    loose = run_plan(SAMPLE.read_bytes(), stress([0.9] * 60 + [0.2] * 4))
    moved = next(c for c in loose.plan.changes if c.uid.startswith("quarterly"))
    assert moved.action == "move" and moved.new_end is not None
    assert moved.new_end <= datetime(2026, 11, 25, 17, 0, tzinfo=UTC)  # 18:00 Berlin


def test_hysteresis_needs_sustained_high_and_leaves_below_the_low_threshold() -> None:
    opts = PolicyOptions()
    spikes = stress([0.9, 0.9, 0.3] * 10)  # never 10 min above 0.7
    assert high_periods(spikes, opts) == []
    wobbly = stress([0.8] * 4 + [0.6, 0.75, 0.6] * 5 + [0.4, 0.9])  # 0.6 does not end it
    (period,) = high_periods(wobbly, opts)
    assert period.start == NOW and period.end == NOW + timedelta(minutes=5 * 19)
    (ongoing,) = high_periods(stress([0.8] * 5), opts)
    assert ongoing.ongoing and ongoing.end == NOW + timedelta(minutes=20) + opts.lookahead
    assert run_plan(SAMPLE.read_bytes(), spikes).plan.changes == ()


def test_no_thrashing_and_idempotent_replanning() -> None:
    first = run_plan(SAMPLE.read_bytes(), high_morning())
    # the next hour: stress again in the afternoon; the moved block was changed at NOW
    later = NOW + timedelta(hours=1)
    samples = high_morning() + stress([0.9] * 40, start=NOW + timedelta(hours=6))
    second = run_plan(first.data, samples, now=later)
    assert not [c for c in second.plan.changes if c.uid.startswith("code-review")]
    assert any("changed 60 min ago" in n for n in second.plan.notes)
    # the morning already has its break: no second one
    breaks = [c for c in second.plan.changes if c.action == "insert_break"]
    assert all(c.new_start and c.new_start > NOW + timedelta(hours=5) for c in breaks)
    # with state given explicitly (live sessions), same rule
    key = ("code-review-2026@example.org", "2026-11-24T10:00:00Z")
    again = run_plan(SAMPLE.read_bytes(), high_morning(), state={key: NOW})
    assert not [c for c in again.plan.changes if c.action == "move"]


def test_working_hours_option_and_errors() -> None:
    opts = PolicyOptions(working_hours=WorkingHours.parse("08:00-13:00"))
    result = run_plan(SAMPLE.read_bytes(), high_morning(), options=opts)
    move = next(c for c in result.plan.changes if c.action == "move")
    assert berlin(move.new_start) == "25 08:00"  # the 24th afternoon is outside the hours
    with pytest.raises(ConfigError, match="HH:MM-HH:MM"):
        WorkingHours.parse("9-5")
    with pytest.raises(ConfigError, match="end before"):
        WorkingHours.parse("18:00-09:00")
    with pytest.raises(ConfigError, match="day names"):
        WorkingHours.parse("09:00-17:00", "weekdays")
    with pytest.raises(ConfigError, match="leave <= enter"):
        PolicyOptions(enter=0.4, leave=0.6)


def test_moved_transparent_work_holds_its_new_slot() -> None:
    """Two pieces of work in the same stress, one transparent: not moved onto each other."""
    t0 = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
    free = Item("a", t0, t0 + timedelta(minutes=15), summary="A", movable=True, busy=False)
    busy = Item("b", t0, t0 + timedelta(minutes=15), summary="B", movable=True)
    opts = PolicyOptions(working_hours=WorkingHours.parse("09:00-18:00", tz=UTC))
    period = Period(t0, t0 + timedelta(hours=2))
    result = plan([free, busy], [period], now=t0, horizon_end=t0 + timedelta(days=1), options=opts)
    moves = {c.uid: (c.new_start, c.new_end) for c in result.changes if c.action == "move"}
    (a0, a1), (b0, b1) = moves["a"], moves["b"]
    assert a0 is not None and a1 is not None and b0 is not None and b1 is not None
    assert not (a0 < b1 and b0 < a1)
