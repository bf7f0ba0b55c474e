"""Plain data the calendar adapter works on: calendar items, working hours, plan changes.

Nothing here imports icalendar: the policy (:mod:`._policy`) is pure and works on these
records only; :mod:`._ics_read` builds them from a calendar and :mod:`._ics_write` applies a plan.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, tzinfo
from typing import Any

from heartmind.errors import ConfigError

__all__ = ["Change", "Item", "Period", "Plan", "PolicyOptions", "WorkingHours", "iso"]

_HOURS = re.compile(r"^\s*(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})\s*$")
_DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def iso(moment: datetime | None) -> str:
    """ISO 8601 UTC (``...Z``) of an aware datetime, ``""`` for ``None``."""
    if moment is None:
        return ""
    return moment.astimezone(_utc()).strftime("%Y-%m-%dT%H:%M:%SZ")


def _utc() -> tzinfo:
    from datetime import UTC

    return UTC


@dataclass(frozen=True)
class Item:
    """One occurrence of a calendar event inside the planning horizon.

    Attributes
    ----------
    uid
        The event's UID.
    recurrence_id
        ISO 8601 UTC of the original start for an instance of a recurring series,
        ``""`` for a single event. ``(uid, recurrence_id)`` identifies the occurrence.
    start, end
        Timezone-aware start and end (for all-day events: midnight in the calendar zone).
    all_day
        True for DATE-valued events; they are never moved.
    busy
        False for ``TRANSP:TRANSPARENT`` or cancelled events (and all-day events not
        explicitly opaque): they do not block time.
    movable
        ``X-HEARTMIND-MOVABLE:TRUE`` or the category ``movable``.
    demand
        ``"high"`` (default) or ``"low"`` from ``X-HEARTMIND-DEMAND``.
    deadline
        ``X-HEARTMIND-DEADLINE``: the event must end by then; ``None`` if not set.
    attendees
        Addresses of the other attendees (the user's own addresses removed).
    last_changed
        When heartmind last changed this occurrence (``X-HEARTMIND-CHANGED``), if ever.
    is_break
        A recovery break heartmind inserted earlier (``X-HEARTMIND-BREAK:TRUE``).
    """

    uid: str
    start: datetime
    end: datetime
    recurrence_id: str = ""
    summary: str = ""
    all_day: bool = False
    busy: bool = True
    movable: bool = False
    demand: str = "high"
    deadline: datetime | None = None
    attendees: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()
    priority: int = 0
    last_changed: datetime | None = None
    is_break: bool = False

    @property
    def key(self) -> tuple[str, str]:
        """``(uid, recurrence_id)``: identifies the occurrence."""
        return (self.uid, self.recurrence_id)

    @property
    def is_meeting(self) -> bool:
        """True when other people attend: never moved automatically."""
        return bool(self.attendees)


@dataclass(frozen=True)
class Period:
    """A stretch of sustained high stress, ``[start, end)``; ``ongoing`` if it had not
    ended by the last sample (its end is then a projection)."""

    start: datetime
    end: datetime
    peak: float = 0.0
    ongoing: bool = False


@dataclass(frozen=True)
class WorkingHours:
    """When work may be scheduled: a daily window on some weekdays, in a time zone.

    Parameters
    ----------
    start, end
        Local wall-clock times of the daily window (``end`` after ``start``).
    days
        Weekdays (0 = Monday … 6 = Sunday).
    tz
        Zone the times are in (default: the calendar's zone, set by the reader).
    """

    start: time = time(9, 0)
    end: time = time(18, 0)
    days: frozenset[int] = frozenset(range(5))
    tz: tzinfo | None = None

    @classmethod
    def parse(cls, text: str, days: str = "mon-fri", tz: tzinfo | None = None) -> WorkingHours:
        """Parse ``"09:00-18:00"`` and ``"mon-fri"`` (or ``"mon,tue,thu"``).

        Raises
        ------
        ConfigError
            If the text is not ``HH:MM-HH:MM`` with the end after the start.
        """
        match = _HOURS.match(text)
        if not match:
            raise ConfigError(
                f"working hours {text!r} are not HH:MM-HH:MM; write e.g. '09:00-18:00'."
            )
        h0, m0, h1, m1 = (int(g) for g in match.groups())
        if h0 > 23 or h1 > 24 or m0 > 59 or m1 > 59 or (h1 == 24 and m1):
            raise ConfigError(f"working hours {text!r}: hours 0-24 and minutes 0-59 only.")
        start = time(h0, m0)
        end = time(23, 59, 59) if h1 == 24 else time(h1, m1)
        if end <= start:
            raise ConfigError(
                f"working hours {text!r} end before they start; overnight windows are not "
                "supported, give e.g. '09:00-18:00'."
            )
        return cls(start=start, end=end, days=_parse_days(days), tz=tz)

    def with_tz(self, tz: tzinfo) -> WorkingHours:
        """The same hours in ``tz`` (kept if a zone was already set)."""
        if self.tz is not None:
            return self
        return WorkingHours(self.start, self.end, self.days, tz)

    def windows(self, start: datetime, end: datetime) -> Iterator[tuple[datetime, datetime]]:
        """Working windows (aware datetimes) that intersect ``[start, end)``, in order."""
        tz = self.tz or start.tzinfo or _utc()
        day = start.astimezone(tz).date() - timedelta(days=1)
        last = end.astimezone(tz).date()
        while day <= last:
            if day.weekday() in self.days:
                w0 = _local(day, self.start, tz)
                w1 = _local(day, self.end, tz)
                if w1 > start and w0 < end:
                    yield w0, w1
            day += timedelta(days=1)

    def contains(self, start: datetime, end: datetime) -> bool:
        """True if ``[start, end)`` lies inside one working window."""
        return any(w0 <= start and end <= w1 for w0, w1 in self.windows(start, end))

    def describe(self) -> str:
        """E.g. ``"09:00-18:00 Mon-Fri"``."""
        days = ",".join(_DAYS[d].capitalize() for d in sorted(self.days))
        if self.days == frozenset(range(5)):
            days = "Mon-Fri"
        return f"{self.start:%H:%M}-{self.end:%H:%M} {days}"


def _local(day: date, clock: time, tz: tzinfo) -> datetime:
    naive = datetime.combine(day, clock)
    return naive.replace(tzinfo=tz)


def _parse_days(text: str) -> frozenset[int]:
    out: set[int] = set()
    for part in text.lower().replace(" ", "").split(","):
        ends = part.split("-")
        if not part or len(ends) > 2 or any(e[:3] not in _DAYS for e in ends):
            raise ConfigError(
                f"working days {text!r}: use day names like 'mon-fri' or 'mon,wed,fri'."
            )
        a, b = _DAYS.index(ends[0][:3]), _DAYS.index(ends[-1][:3])
        out.update(range(a, b + 1) if a <= b else [*range(a, 7), *range(0, b + 1)])
    return frozenset(out)


@dataclass(frozen=True)
class PolicyOptions:
    """Tuning of the rescheduling policy.

    Attributes
    ----------
    enter, leave
        Hysteresis thresholds on ``Stress.level`` (0-1): a period starts when the level
        stays above ``enter`` for ``min_high``, and ends when it drops below ``leave``.
    min_high
        How long the level must stay above ``enter`` (default 10 min).
    lookahead
        How long a period still ongoing at the last sample is assumed to last after it.
    break_length
        Length of an inserted recovery break (default 10 min).
    min_change_interval
        No-thrashing: an occurrence changed less than this long ago is left alone.
    step
        Grid new start times are aligned to (default 5 min).
    working_hours
        Where moved work and breaks may go.
    """

    enter: float = 0.7
    leave: float = 0.5
    min_high: timedelta = timedelta(minutes=10)
    lookahead: timedelta = timedelta(hours=2)
    break_length: timedelta = timedelta(minutes=10)
    min_change_interval: timedelta = timedelta(hours=2)
    step: timedelta = timedelta(minutes=5)
    working_hours: WorkingHours = field(default_factory=WorkingHours)

    def __post_init__(self) -> None:
        if not 0.0 <= self.leave <= self.enter <= 1.0:
            raise ConfigError(
                f"stress thresholds enter={self.enter} leave={self.leave}: need "
                "0 <= leave <= enter <= 1 (e.g. enter 0.7, leave 0.5)."
            )
        for name in ("min_high", "lookahead", "break_length", "min_change_interval", "step"):
            if getattr(self, name) < timedelta(0):
                raise ConfigError(f"policy option {name} must not be negative.")
        if self.step <= timedelta(0) or self.break_length <= timedelta(0):
            raise ConfigError("policy options step and break_length must be positive.")


@dataclass(frozen=True)
class Change:
    """One entry of a plan.

    ``action`` is ``"move"`` (applied to the calendar), ``"insert_break"`` (a new event)
    or ``"suggest"`` (only reported: meetings, or work for which no slot was found).
    ``new_start``/``new_end`` are ``None`` for a suggestion without a free slot.
    """

    action: str
    uid: str
    summary: str
    reason: str
    recurrence_id: str = ""
    old_start: datetime | None = None
    old_end: datetime | None = None
    new_start: datetime | None = None
    new_end: datetime | None = None

    @property
    def key(self) -> tuple[str, str]:
        """``(uid, recurrence_id)`` of the occurrence."""
        return (self.uid, self.recurrence_id)

    def to_dict(self) -> dict[str, Any]:
        """JSON-compatible fields, times as ISO 8601 UTC."""
        return {
            "action": self.action,
            "uid": self.uid,
            "recurrence_id": self.recurrence_id,
            "summary": self.summary,
            "old_start": iso(self.old_start),
            "old_end": iso(self.old_end),
            "new_start": iso(self.new_start),
            "new_end": iso(self.new_end),
            "reason": self.reason,
        }


@dataclass(frozen=True)
class Plan:
    """What the policy proposes: ordered changes, the stress periods, and notes."""

    changes: tuple[Change, ...] = ()
    periods: tuple[Period, ...] = ()
    notes: tuple[str, ...] = ()

    @property
    def writes(self) -> tuple[Change, ...]:
        """Changes that alter the calendar (moves and breaks; not suggestions)."""
        return tuple(c for c in self.changes if c.action != "suggest")
