"""One planning step: calendar bytes + stress samples -> plan + new calendar bytes."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta, tzinfo

from ._ics_read import calendar_zone, occurrences, parse_calendar
from ._ics_write import apply_changes
from ._policy import plan
from ._stress_periods import Sample, high_periods
from ._types import Change, Plan, PolicyOptions

__all__ = ["PlanResult", "format_plan", "plan_calendar"]


@dataclass(frozen=True)
class PlanResult:
    """A plan and the calendar it leads to (``data`` equals the input when nothing moves)."""

    plan: Plan
    data: bytes
    tz: tzinfo
    options: PolicyOptions


def plan_calendar(
    data: bytes,
    samples: Sequence[Sample],
    *,
    now: datetime,
    horizon: timedelta,
    options: PolicyOptions,
    me: Iterable[str] = (),
    source: str = "calendar",
    state: Mapping[tuple[str, str], datetime] | None = None,
) -> PlanResult:
    """One planning step: calendar bytes and stress samples to a plan and a new calendar.

    Parameters
    ----------
    data
        The calendar (``.ics`` bytes); never modified.
    samples
        ``(aware UTC datetime, stress level 0-1)`` in time order (``Stress`` events).
    now
        The planning moment (aware); nothing is placed before it.
    horizon
        How far ahead changes may be placed (``[now, now + horizon)``).
    options
        The policy (working hours, hysteresis levels, break length, no-thrash interval).
    me
        The user's own e-mail addresses (other attendees make a meeting "suggest only").
    source
        Name of the calendar in error messages.
    state
        When each occurrence (``(uid, recurrence id)``) was last changed (no-thrash state).

    Returns
    -------
    PlanResult
        The plan, the new calendar bytes (equal to ``data`` when nothing is written), the
        calendar's zone and the options with the working hours in that zone.

    Raises
    ------
    IcsError
        If the calendar is malformed (the message names the line and what to fix).
    """
    cal = parse_calendar(data, source)
    tz = calendar_zone(cal)
    options = replace(options, working_hours=options.working_hours.with_tz(tz))
    end = now + horizon
    periods = [p for p in high_periods(samples, options) if p.end > now and p.start < end]
    # from the first period's start: breaks already taken in it count
    items = occurrences(cal, min([now, *(p.start for p in periods)]), end, tz, me)
    result = plan(items, periods, now=now, horizon_end=end, options=options, state=state)
    if not result.writes:
        return PlanResult(result, data, tz, options)
    new = apply_changes(cal, result.writes, now=now, tz=tz)
    return PlanResult(result, new.to_ical(), tz, options)


_LABEL = {"move": "moved", "insert_break": "break", "suggest": "suggest"}


def format_plan(result: PlanResult) -> str:
    """The readable diff of a plan: stress periods, one block per change (from -> to, why),
    then notes; times in the calendar's zone."""
    tz = result.tz
    out = []
    for p in result.plan.periods:
        end = "ongoing" if p.ongoing else _t(p.end, tz)
        out.append(f"high stress {_t(p.start, tz)} - {end} (peak {p.peak:.2f})")
    if not result.plan.periods:
        out.append("no period of sustained high stress in the horizon: nothing to change")
    for c in result.plan.changes:
        out.append(f"{_LABEL[c.action]:<8} {c.summary or c.uid}")
        out.append(f"         {_span(c, tz)}")
        out.append(f"         why: {c.reason}")
    out.extend(f"note     {n}" for n in result.plan.notes)
    return "\n".join(out)


def _span(c: Change, tz: tzinfo) -> str:
    old = f"{_t(c.old_start, tz)}-{_hm(c.old_end, tz)}" if c.old_start else ""
    new = f"{_t(c.new_start, tz)}-{_hm(c.new_end, tz)}" if c.new_start else ""
    if c.action == "insert_break":
        return f"+ {new}"
    if c.action == "suggest":
        return f"{old} (kept)" + (f"; free slot {new}" if new else "; no free slot")
    return f"{old} -> {new}"


def _t(moment: datetime | None, tz: tzinfo) -> str:
    return "" if moment is None else moment.astimezone(tz).strftime("%a %Y-%m-%d %H:%M")


def _hm(moment: datetime | None, tz: tzinfo) -> str:
    return "" if moment is None else moment.astimezone(tz).strftime("%H:%M")
