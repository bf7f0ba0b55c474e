"""The policy's guarantees as one checker: :func:`check_plan` lists what a plan breaks.

Used by the property-based tests (on the policy's plan over plain items) and by the demo
(on the calendar the engine wrote). Importing this module is cheap: icalendar loads only
when a calendar is given as bytes.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from datetime import datetime, timedelta, tzinfo

from ._types import Change, Item, Plan, PolicyOptions

__all__ = ["check_plan"]

Key = tuple[str, str]

#: How far before ``now`` calendars given as bytes are read (to see what moved from there).
READ_BEFORE = timedelta(days=1)


def check_plan(
    before: Iterable[Item] | bytes,
    plan: Plan | Iterable[Change],
    *,
    now: datetime,
    horizon_end: datetime,
    options: PolicyOptions,
    after: Iterable[Item] | bytes | None = None,
    me: Iterable[str] = (),
) -> list[str]:
    """Check the rescheduling policy's guarantees on a plan; ``[]`` when all hold.

    Parameters
    ----------
    before
        The occurrences the plan was made on, or the original calendar (``.ics`` bytes).
    plan
        The plan (or its changes).
    now, horizon_end
        The planning moment and the end of the planning horizon.
    options
        The policy options; their working hours are where moves and breaks may go (in the
        calendar's zone when unset and a calendar is given as bytes).
    after
        The occurrences or calendar the plan led to; ``None`` applies the plan to
        ``before`` (to check a plan alone). Calendars given as bytes are read from
        ``now - 1 day`` to ``horizon_end``.
    me
        The user's own addresses (not counted as other attendees) for calendars as bytes.

    Returns
    -------
    list of str
        One readable line per violation: every change has a one-line reason; each
        occurrence is changed at most once; moved and inserted events lie at or after
        ``now``, inside working hours and the horizon, and overlap nothing busy; only
        recovery breaks are inserted; moves concern only movable, demanding, timed work
        without other attendees that had not started, and keep its length and deadline;
        everything else is exactly where it was, and the result holds the planned times.
    """
    changes = tuple(plan.changes if isinstance(plan, Plan) else plan)
    zone: list[tzinfo] = []
    old = _items(before, now, horizon_end, me, zone)
    hours = options.working_hours
    problems = _check_changes(changes, old)
    writes = {c.key: c for c in changes if c.action != "suggest"}
    new = _applied(old, writes) if after is None else _items(after, now, horizon_end, me, zone)
    if hours.tz is None and zone:
        hours = hours.with_tz(zone[0])
    for key, item in old.items():
        if key not in writes and key not in new:
            problems.append(f"{_name(item)} disappeared from the proposed calendar")
        elif key not in writes and _span(new[key]) != _span(item):
            problems.append(f"{_name(item)} changed without a planned change")
    for key, item in new.items():
        if key not in old and key not in writes:
            problems.append(f"{_name(item)} appeared without a planned change")
    for key, change in writes.items():
        placed = new.get(key)
        if placed is None:
            problems.append(f"{_name(change)}: planned but missing from the calendar")
            continue
        if (placed.start, placed.end) != (change.new_start, change.new_end):
            problems.append(f"{_name(change)} is not at the planned time in the calendar")
        problems += _check_placed(placed, old.get(key), change, now, horizon_end, options)
        if not hours.contains(placed.start, placed.end):
            problems.append(f"{_name(placed)} placed outside working hours")
        for other_key, other in new.items():
            if other_key != key and other.busy and _overlaps(placed, other):
                problems.append(f"{_name(placed)} overlaps {_name(other)}")
    return problems


def _check_changes(changes: tuple[Change, ...], old: dict[Key, Item]) -> list[str]:
    out = []
    seen: set[Key] = set()
    for c in changes:
        if not c.reason or "\n" in c.reason:
            out.append(f"{_name(c)}: the reason is not one line of text")
        if c.action not in ("move", "insert_break", "suggest"):
            out.append(f"{_name(c)}: unknown action {c.action!r}")
            continue
        if c.action == "suggest":
            continue
        if c.new_start is None or c.new_end is None:
            out.append(f"{_name(c)}: {c.action} without new times")
        if c.key in seen:
            out.append(f"{_name(c)} changed more than once in one plan")
        seen.add(c.key)
        if c.action == "move" and c.key not in old:
            out.append(f"{_name(c)}: moved but not in the calendar it was planned on")
        if c.action == "insert_break" and c.key in old:
            out.append(f"{_name(c)}: inserted with the key of an existing event")
    return out


def _check_placed(
    new: Item,
    old: Item | None,
    change: Change,
    now: datetime,
    horizon_end: datetime,
    options: PolicyOptions,
) -> list[str]:
    out = []
    if new.start < now:
        out.append(f"{_name(new)} placed in the past ({new.start} < {now})")
    if new.end > horizon_end:
        out.append(f"{_name(new)} placed beyond the horizon")
    if old is None or change.action == "insert_break":
        if not new.is_break:
            out.append(f"{_name(new)} inserted but not a recovery break")
        return out
    fixed = not old.movable or old.demand != "high" or old.is_meeting or old.all_day
    if fixed or old.is_break:
        out.append(f"{_name(old)} is fixed (or a meeting) but was moved")
    if old.start < now:
        out.append(f"{_name(old)} had already started but was moved")
    if new.end - new.start != old.end - old.start:
        out.append(f"{_name(old)} changed its length")
    if old.deadline is not None and new.end > old.deadline:
        out.append(f"{_name(old)} now ends after its deadline")
    return out


def _items(
    source: Iterable[Item] | bytes,
    now: datetime,
    horizon_end: datetime,
    me: Iterable[str],
    zone: list[tzinfo],
) -> dict[Key, Item]:
    """Occurrences by key; a calendar (bytes) is read in the first calendar's zone."""
    if not isinstance(source, bytes):
        return {it.key: it for it in source}
    from ._ics_read import calendar_zone, occurrences, parse_calendar

    cal = parse_calendar(source, "calendar")
    if not zone:
        zone.append(calendar_zone(cal))
    found = occurrences(cal, now - READ_BEFORE, horizon_end, zone[0], me)
    return {it.key: it for it in found}


def _applied(old: dict[Key, Item], writes: dict[Key, Change]) -> dict[Key, Item]:
    """``old`` with the plan's moves and breaks applied."""
    new = dict(old)
    for key, c in writes.items():
        if c.new_start is None or c.new_end is None:
            continue
        if c.action == "move" and key in old:
            new[key] = replace(old[key], start=c.new_start, end=c.new_end)
        elif c.action == "insert_break":
            new[key] = Item(
                uid=c.uid,
                recurrence_id=c.recurrence_id,
                start=c.new_start,
                end=c.new_end,
                summary=c.summary,
                is_break=True,
            )
    return new


def _span(item: Item) -> tuple[datetime, datetime]:
    return (item.start, item.end)


def _overlaps(a: Item, b: Item) -> bool:
    return a.start < b.end and b.start < a.end


def _name(thing: Item | Change) -> str:
    return repr(thing.summary or thing.uid)
