"""Reading .ics: zones, all-day, recurrence, X-HEARTMIND-* properties, malformed input."""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from calendar_testkit import ME, NOW, SAMPLE

from heartmind.adapters.calendar.api import (
    IcsError,
    calendar_zone,
    occurrences,
    parse_calendar,
)

BERLIN = ZoneInfo("Europe/Berlin")


def items() -> dict:
    cal = parse_calendar(SAMPLE.read_bytes(), "sample")
    tz = calendar_zone(cal)
    got = occurrences(cal, NOW - timedelta(hours=2), NOW + timedelta(days=3), tz, ME)
    return {
        (it.uid.split("@")[0], it.start.astimezone(BERLIN).strftime("%d %H:%M")): it for it in got
    }


def test_sample_expands_zones_recurrence_and_flags() -> None:
    got = items()
    # the stand-up: override on the 24th (09:45), normal on the 25th, EXDATE on the 27th
    standups = sorted(k[1] for k in got if k[0] == "standup-2026")
    assert standups == ["24 09:45", "25 09:15", "26 09:15"]
    ny = got[("ny-sync-20261124", "24 16:30")]  # 10:30 in New York is 16:30 in Berlin
    assert ny.is_meeting and not ny.movable
    freeze = got[("release-freeze-20261124", "24 00:00")]
    assert freeze.all_day and not freeze.busy
    assert not got[("gym-20261124", "24 18:30")].busy  # TRANSP:TRANSPARENT
    report = got[("quarterly-report-20261124", "24 13:00")]
    assert report.movable and report.demand == "high" and not report.is_meeting
    assert report.deadline is not None and report.deadline.astimezone(BERLIN).hour == 18
    assert report.priority == 2 and "focus" in report.categories
    review = got[("code-review-2026", "24 11:00")]
    assert review.movable and review.recurrence_id == "2026-11-24T10:00:00Z"  # category
    assert got[("expenses-20261124", "24 15:30")].demand == "low"
    design = got[("design-review-20261124", "24 10:00")]
    assert design.movable and design.attendees == ("anna@example.org",)


BAD_VALUE = b"""BEGIN:VCALENDAR\r
VERSION:2.0\r
PRODID:test\r
BEGIN:VEVENT\r
UID:ok@x\r
DTSTART:20261124T100000Z\r
DTEND:20261124T110000Z\r
END:VEVENT\r
BEGIN:VEVENT\r
UID:broken@x\r
DTSTART:2026BAD\r
END:VEVENT\r
BEGIN:VEVENT\r
DTSTART:20261124T100000Z\r
X-HEARTMIND-DEMAND:MAYBE\r
END:VEVENT\r
BEGIN:VEVENT\r
UID:back@x\r
DTSTART:20261124T100000Z\r
DTEND:20261124T090000Z\r
X-HEARTMIND-DEADLINE:tomorrow\r
END:VEVENT\r
END:VCALENDAR\r
"""


def test_malformed_input_reports_every_problem_with_where() -> None:
    with pytest.raises(IcsError) as info:
        parse_calendar(BAD_VALUE, "bad.ics")
    text = str(info.value)
    assert "nothing was written" in text
    assert "line 11, VEVENT broken@x: property DTSTART is invalid" in text
    assert "line 13, VEVENT: no UID" in text
    assert "X-HEARTMIND-DEMAND must be HIGH or LOW" in text
    assert "line 20, VEVENT back@x: DTEND is before DTSTART" in text
    assert "line 21, VEVENT back@x: X-HEARTMIND-DEADLINE must be a DATE-TIME" in text
    assert len(info.value.problems) == 5


@pytest.mark.parametrize("data", [b"", b"hello", b"BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\n"])
def test_not_a_calendar(data: bytes) -> None:
    with pytest.raises(IcsError, match="problem"):
        parse_calendar(data, "x.ics")
