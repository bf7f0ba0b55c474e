"""Reading iCalendar data: validation with clear errors, time zones, recurrence expansion.

icalendar and recurring-ical-events load lazily (``heartmind.extras.require``).
"""

from __future__ import annotations

import logging
import zoneinfo
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from typing import Any

from heartmind.errors import ConfigError
from heartmind.extras import require

from ._types import Item

__all__ = ["IcsError", "calendar_zone", "occurrences", "parse_calendar", "to_aware"]

log = logging.getLogger(__name__)

_TRUE = {"TRUE", "YES", "1"}
_BOOLS = _TRUE | {"FALSE", "NO", "0"}


class IcsError(ConfigError):
    """Malformed iCalendar input; ``problems`` lists each one (what, where, what to do)."""

    def __init__(self, source: str, problems: Sequence[str]) -> None:
        self.problems = list(problems)
        lines = "\n".join(f"  - {p}" for p in self.problems)
        super().__init__(
            f"{source}: {len(self.problems)} problem(s) in the calendar; nothing was written. "
            f"Fix them in the file (or re-export it from your calendar app):\n{lines}"
        )


def icalendar() -> Any:
    """The icalendar module, or a MissingExtraError naming the ``calendar`` extra."""
    return require("icalendar", "the calendar adapter")


@dataclass
class _Where:
    """Line numbers of components, in file order (the order of ``Calendar.walk()``)."""

    lines: list[str]
    begins: list[int]

    @classmethod
    def scan(cls, data: bytes) -> _Where:
        text = data.decode("utf-8", errors="replace").replace("\r\n", "\n").split("\n")
        begins = [i for i, line in enumerate(text) if line.upper().startswith("BEGIN:")]
        return cls(text, begins)

    def component(self, index: int) -> int:
        """1-based line of the ``index``-th component's BEGIN."""
        return self.begins[index] + 1 if index < len(self.begins) else 0

    def prop(self, index: int, name: str) -> int:
        """1-based line of property ``name`` in the ``index``-th component (or its BEGIN)."""
        first = self.component(index)
        for i in range(first, len(self.lines)):
            line = self.lines[i].upper()
            if line.startswith(("BEGIN:", "END:")):
                break
            if line.startswith((f"{name.upper()}:", f"{name.upper()};")):
                return i + 1
        return first


def parse_calendar(data: bytes, source: str) -> Any:
    """Parse and check a calendar; raise :class:`IcsError` listing every problem.

    Checks what icalendar records in ``component.errors`` (it does not raise for bad
    property values), events without UID or DTSTART, ends before starts, and the
    ``X-HEARTMIND-*`` properties.
    """
    ical = icalendar()
    try:
        cal = ical.Calendar.from_ical(data)
    except (ValueError, IndexError, KeyError) as exc:
        raise IcsError(
            source, [f"not a valid iCalendar file ({exc}); it must start with BEGIN:VCALENDAR"]
        ) from None
    if getattr(cal, "name", "") != "VCALENDAR":
        raise IcsError(source, ["the file does not contain a VCALENDAR"])
    where = _Where.scan(data)
    problems: list[str] = []
    for index, comp in enumerate(cal.walk()):
        problems.extend(_check(comp, index, where, cal))
    if problems:
        raise IcsError(source, problems)
    return cal


def _check(comp: Any, index: int, where: _Where, cal: Any) -> list[str]:
    uid = str(comp.get("UID", "")) or "(no UID)"
    label = f"{comp.name} {uid}" if comp.name in ("VEVENT", "VTODO") else comp.name
    out = []
    for name, message in getattr(comp, "errors", []):
        line = where.prop(index, str(name)) if name else where.component(index)
        out.append(f"line {line}, {label}: property {name} is invalid ({message}); correct it")
    if comp.name != "VEVENT" or out:
        return out
    line = where.component(index)
    if "UID" not in comp:
        out.append(f"line {line}, VEVENT: no UID; every event needs a unique UID")
    if "DTSTART" not in comp:
        out.append(f"line {line}, {label}: no DTSTART; give the event a start")
        return out
    start, end = comp["DTSTART"].dt, _end(comp)
    if end is not None and _sort_key(end) < _sort_key(start):
        out.append(f"line {where.prop(index, 'DTEND')}, {label}: DTEND is before DTSTART")
    for name, ok, hint in _XCHECKS:
        if name in comp and not ok(comp, cal):
            out.append(f"line {where.prop(index, name)}, {label}: {name} {hint}")
    return out


def _end(comp: Any) -> Any:
    if "DTEND" in comp:
        return comp["DTEND"].dt
    if "DURATION" in comp:
        return comp["DTSTART"].dt + comp["DURATION"].dt
    return None


def _sort_key(value: Any) -> datetime:
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    return datetime.combine(value, time(), tzinfo=UTC)


def _deadline_ok(comp: Any, cal: Any) -> bool:
    try:
        deadline(comp, cal, UTC)
    except (ValueError, TypeError, zoneinfo.ZoneInfoNotFoundError):
        return False
    return True


_XCHECKS: tuple[tuple[str, Callable[[Any, Any], bool], str], ...] = (
    (
        "X-HEARTMIND-MOVABLE",
        lambda c, _: _text(c, "X-HEARTMIND-MOVABLE").upper() in _BOOLS,
        "must be TRUE or FALSE",
    ),
    (
        "X-HEARTMIND-DEMAND",
        lambda c, _: _text(c, "X-HEARTMIND-DEMAND").upper() in ("HIGH", "LOW"),
        "must be HIGH or LOW",
    ),
    (
        "X-HEARTMIND-DEADLINE",
        _deadline_ok,
        "must be a DATE-TIME like 20261125T180000Z or ;TZID=Europe/Berlin:20261125T180000",
    ),
)


def _text(comp: Any, name: str) -> str:
    value = comp.get(name)
    if value is None:
        return ""
    raw = value.to_ical() if hasattr(value, "to_ical") else value
    return (raw.decode() if isinstance(raw, bytes) else str(raw)).strip()


def deadline(comp: Any, cal: Any, tz: tzinfo) -> datetime | None:
    """``X-HEARTMIND-DEADLINE`` as an aware datetime (a DATE means the end of that day)."""
    text = _text(comp, "X-HEARTMIND-DEADLINE")
    if not text:
        return None
    prop = comp["X-HEARTMIND-DEADLINE"]
    value = icalendar().vDDDTypes.from_ical(text)
    tzid = getattr(prop, "params", {}).get("TZID")
    zone = resolve_tz(cal, tzid) if tzid else tz
    if isinstance(value, datetime):
        return to_aware(value, zone)
    if isinstance(value, date):
        return datetime.combine(value + timedelta(days=1), time(), tzinfo=zone)
    raise ValueError(f"unexpected deadline value {text!r}")


def resolve_tz(cal: Any, tzid: str) -> tzinfo:
    """The zone named ``tzid``: an IANA name, or a VTIMEZONE of the calendar."""
    for vtz in cal.walk("VTIMEZONE"):
        if str(vtz.get("TZID")) == tzid:
            zone: tzinfo = vtz.to_tz()
            return zone
    return zoneinfo.ZoneInfo(tzid)


def calendar_zone(cal: Any) -> tzinfo:
    """The calendar's own zone: ``X-WR-TIMEZONE``, else the first VTIMEZONE, else the most
    common TZID of event starts, else UTC."""
    names = [str(cal.get("X-WR-TIMEZONE", ""))]
    names += [str(v.get("TZID", "")) for v in cal.walk("VTIMEZONE")]
    for name in filter(None, names):
        try:
            return resolve_tz(cal, name)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            log.warning("calendar time zone %r is unknown; trying the next one", name)
    return UTC


def to_aware(value: datetime, tz: tzinfo) -> datetime:
    """A floating (naive) time is taken in ``tz``; aware times are kept."""
    return value if value.tzinfo is not None else value.replace(tzinfo=tz)


def occurrences(
    cal: Any, start: datetime, end: datetime, tz: tzinfo, me: Iterable[str] = ()
) -> list[Item]:
    """Every event occurrence overlapping ``[start, end)``, recurrences expanded.

    Parameters
    ----------
    cal
        A parsed ``icalendar.Calendar``.
    start, end
        The planning horizon (aware datetimes).
    tz
        The calendar's zone, for floating times, all-day events and deadlines.
    me
        The user's own e-mail addresses: attendees other than these make a meeting.
    """
    rie = require("recurring_ical_events", "recurring events in the calendar adapter")
    try:
        expanded = rie.of(cal).between(start - timedelta(days=1), end)
    except Exception as exc:  # the library raises its own types for bad RRULEs
        problem = f"cannot expand recurring events ({exc}); check the RRULE"
        raise IcsError("calendar", [problem]) from exc
    series = _series_uids(cal)
    mine = {m.lower().removeprefix("mailto:") for m in me}
    items = [_item(ev, cal, tz, series, mine) for ev in expanded if ev.name == "VEVENT"]
    items = [it for it in items if it.end > start and it.start < end]
    return sorted(items, key=lambda it: (it.start, it.uid, it.recurrence_id))


def _series_uids(cal: Any) -> set[str]:
    out = set()
    for comp in cal.walk("VEVENT"):
        if "RRULE" in comp or "RDATE" in comp or "RECURRENCE-ID" in comp:
            out.add(str(comp.get("UID", "")))
    return out


def _item(ev: Any, cal: Any, tz: tzinfo, series: set[str], mine: set[str]) -> Item:
    uid = str(ev.get("UID", ""))
    raw_start, raw_end = ev["DTSTART"].dt, _end(ev)
    all_day = not isinstance(raw_start, datetime)
    start = _moment(raw_start, tz)
    end = _moment(raw_end, tz) if raw_end is not None else start + timedelta(days=all_day)
    recid = ""
    if uid in series and "RECURRENCE-ID" in ev:
        recid = _iso(_moment(ev["RECURRENCE-ID"].dt, tz))
    transp = _text(ev, "TRANSP").upper()
    cancelled = _text(ev, "STATUS").upper() == "CANCELLED"
    busy = not cancelled and (transp == "OPAQUE" if all_day else transp != "TRANSPARENT")
    categories = _categories(ev)
    attendees = tuple(
        a
        for a in (str(x).lower().removeprefix("mailto:") for x in _as_list(ev.get("ATTENDEE")))
        if a not in mine
    )
    changed = _text(ev, "X-HEARTMIND-CHANGED")
    return Item(
        uid=uid,
        start=start,
        end=max(end, start),
        recurrence_id=recid,
        summary=str(ev.get("SUMMARY", "")),
        all_day=all_day,
        busy=busy,
        movable=_text(ev, "X-HEARTMIND-MOVABLE").upper() in _TRUE or "movable" in categories,
        demand=(_text(ev, "X-HEARTMIND-DEMAND") or "HIGH").lower(),
        deadline=deadline(ev, cal, tz),
        attendees=attendees,
        categories=categories,
        priority=int(ev.get("PRIORITY", 0) or 0),
        last_changed=_moment(icalendar().vDDDTypes.from_ical(changed), UTC) if changed else None,
        is_break=_text(ev, "X-HEARTMIND-BREAK").upper() in _TRUE,
    )


def _moment(value: Any, tz: tzinfo) -> datetime:
    if isinstance(value, datetime):
        return to_aware(value, tz)
    return datetime.combine(value, time(), tzinfo=tz)


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return list(value) if isinstance(value, list) else [value]


def _categories(ev: Any) -> tuple[str, ...]:
    out: list[str] = []
    for prop in _as_list(ev.get("CATEGORIES")):
        cats = getattr(prop, "cats", None)
        out.extend(str(c).strip().lower() for c in (cats if cats is not None else [prop]))
    return tuple(out)
