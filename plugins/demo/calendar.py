"""The demo's calendar outputs: the proposed calendar, its diff, and a policy audit.

The live ``calendar`` processor proposes changes the moment a period of high (fused) stress
is confirmed. :func:`final_plan` replays exactly that decision — the same stress samples up
to the same moment, the same options — through the adapter's planning engine, to write the
proposed ``.ics`` and the readable diff. :func:`policy_violations` then re-reads both
calendars and checks the adapter's guarantees on the result.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta, tzinfo

from heartmind.adapters.calendar._engine import Result, format_plan, plan_calendar
from heartmind.adapters.calendar._ics import occurrences, parse_calendar
from heartmind.adapters.calendar._model import Item, PolicyOptions, WorkingHours
from heartmind.adapters.calendar._stress import Sample, parse_time
from heartmind.events import CalendarChange

__all__ = ["CalendarOutcome", "final_plan", "items_of", "policy_violations"]


@dataclass(frozen=True)
class CalendarOutcome:
    """The replayed plan and what it leads to.

    Attributes
    ----------
    result
        Plan, proposed calendar bytes, the calendar's zone and effective options.
    now
        The planning moment (UTC): when the live processor proposed its first change.
    horizon_end
        End of the planning horizon (UTC).
    original
        The input calendar's bytes (never modified).
    diff
        The readable plan (``calendar-diff.txt``).
    """

    result: Result
    now: datetime
    horizon_end: datetime
    original: bytes
    diff: str

    @property
    def moves(self) -> int:
        """Number of moved events."""
        return sum(c.action == "move" for c in self.result.plan.changes)


def final_plan(
    original: bytes,
    samples: Sequence[Sample],
    changes: Sequence[CalendarChange],
    *,
    options: PolicyOptions,
    horizon: timedelta,
    source: str = "calendar",
) -> CalendarOutcome:
    """Replay the live processor's first plan (or plan at the last sample if it had none).

    Parameters
    ----------
    original
        Calendar bytes the live processor planned on.
    samples
        Fused ``(UTC time, level 0-1)`` stress samples of the whole run, in time order.
    changes
        The live processor's ``CalendarChange`` events.
    options, horizon
        The live processor's policy options and planning horizon.
    source
        Name of the calendar in error messages.
    """
    if changes:
        now = parse_time(changes[0].time, "calendar change")
    elif samples:
        now = samples[-1][0]
    else:
        now = datetime.fromisoformat("2026-11-24T07:00:00+00:00")
    upto = [s for s in samples if s[0] <= now]
    result = plan_calendar(original, upto, now=now, horizon=horizon, options=options, source=source)
    return CalendarOutcome(result, now, now + horizon, original, format_plan(result) + "\n")


def items_of(data: bytes, outcome: CalendarOutcome, tz: tzinfo) -> dict[tuple[str, str], Item]:
    """Occurrences of the calendar ``data`` from a day before ``now`` to the horizon."""
    start = outcome.now - timedelta(days=1)
    cal = parse_calendar(data, "calendar")
    return {it.key: it for it in occurrences(cal, start, outcome.horizon_end, tz)}


def policy_violations(outcome: CalendarOutcome) -> list[str]:
    """Check the adapter's guarantees on the proposed calendar; ``[]`` when all hold.

    Re-reads the original and the proposed calendar and checks: moved/inserted events lie
    at or after ``now``, inside working hours and the horizon, and overlap nothing busy;
    moves keep their length and deadline and concern only movable, demanding work without
    other attendees; everything else (fixed events, meetings, work already started) is
    exactly where it was.
    """
    tz = outcome.result.tz
    hours = outcome.result.options.working_hours
    before = items_of(outcome.original, outcome, tz)
    after = items_of(outcome.result.data, outcome, tz)
    problems: list[str] = []
    written = {c.key: c for c in outcome.result.plan.writes}
    for key, item in before.items():
        moved = after.get(key)
        if moved is None:
            problems.append(f"{item.summary!r} disappeared from the proposed calendar")
        elif key not in written and (moved.start, moved.end) != (item.start, item.end):
            problems.append(f"{item.summary!r} changed without a planned change")
    for key, change in written.items():
        new = after.get(key)
        if new is None:
            problems.append(f"{change.summary!r}: planned but missing from the calendar")
            continue
        problems += _check_placed(new, before.get(key), outcome.now, outcome.horizon_end, hours)
        for other_key, other in after.items():
            if other_key != key and other.busy and new.start < other.end and other.start < new.end:
                problems.append(f"{new.summary!r} overlaps {other.summary!r}")
    return problems


def _check_placed(
    new: Item, old: Item | None, now: datetime, horizon_end: datetime, hours: WorkingHours
) -> list[str]:
    out = []
    if new.start < now:
        out.append(f"{new.summary!r} placed in the past ({new.start} < {now})")
    if new.end > horizon_end:
        out.append(f"{new.summary!r} placed beyond the horizon")
    if not hours.contains(new.start, new.end):
        out.append(f"{new.summary!r} placed outside working hours")
    if old is None:
        if not new.is_break:
            out.append(f"{new.summary!r} inserted but not a recovery break")
        return out
    if not (old.movable and old.demand == "high" and not old.is_meeting and not old.all_day):
        out.append(f"{old.summary!r} is fixed (or a meeting) but was moved")
    if old.start < now:
        out.append(f"{old.summary!r} had already started but was moved")
    if new.end - new.start != old.end - old.start:
        out.append(f"{old.summary!r} changed its length")
    if old.deadline is not None and new.end > old.deadline:
        out.append(f"{old.summary!r} now ends after its deadline")
    return out
