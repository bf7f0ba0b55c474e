"""The rescheduling policy: pure and deterministic.

Given the occurrences in the planning horizon, the periods of high stress, ``now`` and
the options, :func:`plan` proposes

* **moves** of demanding (``X-HEARTMIND-DEMAND:HIGH``) movable work that falls in a high
  stress period, to the earliest free slot outside every such period, inside working
  hours, at or after ``now`` and ending by the event's deadline and the horizon;
* **suggestions** for meetings with other attendees (never moved automatically), and for
  work for which no slot exists;
* one short **recovery break** per high-stress period, in its first free time.

Guarantees (tested property-based with :func:`.api.check_plan`): nothing moved or
inserted overlaps anything busy (transparent events do not block where they are, but moved
work holds its new slot), nothing is placed before ``now``, deadlines hold,
fixed events are never touched, new times lie inside working hours, and an occurrence
changed less than ``min_change_interval`` ago is left alone (no thrashing). The same
inputs always give the same plan.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime, timedelta, tzinfo

from ._types import Change, Item, Period, Plan, PolicyOptions, WorkingHours

__all__ = ["find_slot", "plan"]

Interval = tuple[datetime, datetime]


def plan(
    items: Sequence[Item],
    periods: Sequence[Period],
    *,
    now: datetime,
    horizon_end: datetime,
    options: PolicyOptions,
    state: Mapping[tuple[str, str], datetime] | None = None,
) -> Plan:
    """Propose changes for the occurrences ``items`` given the high-stress ``periods``.

    Parameters
    ----------
    items
        Occurrences overlapping the horizon (aware datetimes).
    periods
        High-stress periods (see :func:`._stress_periods.high_periods`).
    now
        Current time: nothing is moved before it, and occurrences that already started
        stay where they are.
    horizon_end
        Latest end of anything moved or inserted.
    options
        Thresholds, break length, no-thrash interval, working hours.
    state
        Last change time per ``(uid, recurrence_id)``, e.g. from an earlier plan in the same
        session; merged with the items' own ``last_changed``.
    """
    hours = options.working_hours
    occupied: dict[tuple[str, str], Interval] = {
        it.key: (it.start, it.end) for it in items if it.busy
    }
    stress = [(p.start, p.end) for p in periods]
    changes: list[Change] = []
    notes: list[str] = []
    for item in _candidates(items, periods, now):
        last = _last_change(item, state)
        if last is not None and now - last < options.min_change_interval:
            minutes = int((now - last).total_seconds() // 60)
            notes.append(
                f"kept {item.summary!r}: changed {minutes} min ago "
                f"(no changes within {_minutes(options.min_change_interval)} min)"
            )
            continue
        period = next(p for p in periods if _overlaps((p.start, p.end), (item.start, item.end)))
        blocked = sorted(v for k, v in occupied.items() if k != item.key) + stress
        latest = min(horizon_end, item.deadline) if item.deadline else horizon_end
        slot = find_slot(item.end - item.start, now, latest, blocked, hours, options.step)
        change = _decide(item, slot, period, options)
        if change.action == "move" and slot is not None:
            occupied[item.key] = slot  # even transparent: no later move or break lands on it
        changes.append(change)
    for period in periods:
        brk = _recovery_break(period, items, occupied, now, horizon_end, options)
        if brk is not None:
            occupied[brk.key] = (brk.new_start, brk.new_end)  # type: ignore[assignment]
            changes.append(brk)
    return Plan(tuple(changes), tuple(periods), tuple(notes))


def _candidates(items: Sequence[Item], periods: Sequence[Period], now: datetime) -> list[Item]:
    out = [
        it
        for it in items
        if it.movable
        and not it.all_day
        and not it.is_break
        and it.demand == "high"
        and it.start >= now
        and any(_overlaps((p.start, p.end), (it.start, it.end)) for p in periods)
    ]
    return sorted(out, key=lambda it: (it.start, it.uid, it.recurrence_id))


def _last_change(item: Item, state: Mapping[tuple[str, str], datetime] | None) -> datetime | None:
    known = [t for t in (item.last_changed, (state or {}).get(item.key)) if t is not None]
    return max(known) if known else None


def _decide(item: Item, slot: Interval | None, period: Period, options: PolicyOptions) -> Change:
    tz = options.working_hours.tz
    why = (
        f"stress stayed above {options.enter:g} from {_hm(period.start, tz)}"
        f"{' (ongoing)' if period.ongoing else ' to ' + _hm(period.end, tz)}"
    )
    base = {
        "uid": item.uid,
        "recurrence_id": item.recurrence_id,
        "summary": item.summary,
        "old_start": item.start,
        "old_end": item.end,
    }
    new = {"new_start": slot[0], "new_end": slot[1]} if slot else {}
    if item.is_meeting:
        others = len(item.attendees)
        where = f"; a free slot is {_hm(slot[0], tz)}-{_hm(slot[1], tz)}" if slot else ""
        reason = (
            f"{why}; meeting with {others} other attendee{'s' * (others != 1)}, so not "
            f"moved automatically: ask them to reschedule{where}"
        )
        return Change(action="suggest", reason=reason, **base, **new)  # type: ignore[arg-type]
    if slot is None:
        deadline = f" before its deadline {_hm(item.deadline, tz)}" if item.deadline else ""
        reason = f"{why}; no free slot in working hours{deadline}: kept, consider freeing time"
        return Change(action="suggest", reason=reason, **base)  # type: ignore[arg-type]
    deadline = f", before its deadline {_hm(item.deadline, tz)}" if item.deadline else ""
    reason = f"{why}; demanding work moved to the first calm free slot in working hours{deadline}"
    return Change(action="move", reason=reason, **base, **new)  # type: ignore[arg-type]


def _recovery_break(
    period: Period,
    items: Sequence[Item],
    occupied: Mapping[tuple[str, str], Interval],
    now: datetime,
    horizon_end: datetime,
    options: PolicyOptions,
) -> Change | None:
    span = (period.start, period.end)
    tz = options.working_hours.tz
    if any(it.is_break and _overlaps(span, (it.start, it.end)) for it in items):
        return None  # a break is already there: do not add another one
    earliest = max(period.start, now)
    latest = min(horizon_end, max(period.end, earliest) + timedelta(hours=1))
    blocked = sorted(occupied.values())
    slot = find_slot(
        options.break_length, earliest, latest, blocked, options.working_hours, options.step
    )
    if slot is None:
        return None
    stamp = slot[0].astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
    reason = (
        f"stress stayed above {options.enter:g} since {_hm(period.start, tz)}: "
        f"a {_minutes(options.break_length)}-minute recovery break in the first free time"
    )
    return Change(
        action="insert_break",
        uid=f"heartmind-break-{stamp}@heartmind.local",
        summary="Recovery break",
        reason=reason,
        new_start=slot[0],
        new_end=slot[1],
    )


def find_slot(
    duration: timedelta,
    earliest: datetime,
    latest_end: datetime,
    blocked: Sequence[Interval],
    hours: WorkingHours,
    step: timedelta,
) -> Interval | None:
    """The earliest ``[start, start + duration)`` that is free and inside working hours.

    Parameters
    ----------
    duration
        Length of the slot.
    earliest
        No start before this.
    latest_end
        No end after this.
    blocked
        Busy intervals (any order).
    hours
        Working hours the slot must lie in (one window, not across two).
    step
        Start times are aligned to this grid (e.g. 5 min) in UTC.

    Returns
    -------
    (datetime, datetime) or None
        The slot, or ``None`` if there is none.
    """
    if duration <= timedelta(0) or latest_end - earliest < duration:
        return None
    ordered = sorted(blocked)
    for w0, w1 in hours.windows(earliest, latest_end):
        stop = min(w1, latest_end)
        t = _ceil(max(w0, earliest), step).astimezone(w0.tzinfo)
        while t + duration <= stop:
            clash = next((b for b in ordered if _overlaps(b, (t, t + duration))), None)
            if clash is None:
                return (t, t + duration)
            t = _ceil(max(clash[1], t + step), step).astimezone(w0.tzinfo)
    return None


def _ceil(moment: datetime, step: timedelta) -> datetime:
    seconds = moment.timestamp()
    size = step.total_seconds()
    aligned = math.ceil(round(seconds / size, 9)) * size
    return moment + timedelta(seconds=aligned - seconds)


def _overlaps(a: Interval, b: Interval) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def _hm(moment: datetime | None, tz: tzinfo | None = None) -> str:
    if moment is None:
        return ""
    return (moment.astimezone(tz) if tz else moment).strftime("%a %H:%M")


def _minutes(delta: timedelta) -> int:
    return int(delta.total_seconds() // 60)
