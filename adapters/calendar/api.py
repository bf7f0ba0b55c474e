"""Public API of the calendar adapter: read calendars, find stress periods, plan, check,
format and write.

Applications, the demo and tests use the adapter through this module only (its other
modules are private). The usual path is one call::

    from heartmind.adapters.calendar.api import PolicyOptions, WorkingHours, plan_calendar

    options = PolicyOptions(working_hours=WorkingHours.parse("09:00-18:00", "mon-fri"))
    result = plan_calendar(ics_bytes, samples, now=now, horizon=timedelta(hours=48),
                           options=options)
    print(format_plan(result))          # the readable diff
    check_plan(ics_bytes, result.plan, after=result.data, now=now,
               horizon_end=now + timedelta(hours=48), options=result.options)  # [] if ok

The pieces are public too: :func:`parse_calendar`, :func:`calendar_zone` and
:func:`occurrences` (iCalendar → :class:`Item`), :func:`read_stress_jsonl`,
:func:`parse_time` and :func:`high_periods` (``Stress`` samples → :class:`Period`),
:func:`plan` (the policy on plain items), :func:`apply_changes` (a plan → iCalendar), and
the undo files (:func:`write_undo`, :func:`read_undo`, :func:`restore`).

Importing this module is cheap: icalendar and recurring-ical-events load when a calendar is
read or written, caldav when a CalDAV server is used (``pip install "heartmind[calendar]"``).
Times are aware ``datetime``s; levels are 0-1.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from ._caldav import CalDAVSource, fetch, push
from ._checks import check_plan
from ._ics_read import IcsError, calendar_zone, occurrences, parse_calendar
from ._ics_write import apply_changes, read_undo, restore, write_undo
from ._planning import PlanResult, format_plan, plan_calendar
from ._policy import plan
from ._stress_periods import Sample, high_periods, parse_time, read_stress_jsonl
from ._types import Change, Item, Period, Plan, PolicyOptions, WorkingHours

__all__ = [
    "CalDAVSource",
    "Change",
    "IcsError",
    "Item",
    "Period",
    "Plan",
    "PlanResult",
    "PolicyOptions",
    "Sample",
    "WorkingHours",
    "apply_changes",
    "calendar_zone",
    "check_plan",
    "fetch",
    "format_plan",
    "high_periods",
    "occurrences",
    "parse_calendar",
    "parse_time",
    "plan",
    "plan_calendar",
    "push",
    "read_stress_jsonl",
    "read_undo",
    "restore",
    "sample_calendar",
    "write_undo",
]


def sample_calendar() -> Path:
    """Path of the bundled sample calendar, ``data/sample-workday.ics``.

    A Tuesday (2026-11-24) in Europe/Berlin with movable work, meetings, a recurring
    stand-up and deadlines; the docs' examples and the demo plan on it.
    """
    return Path(str(resources.files(__package__).joinpath("data", "sample-workday.ics")))
