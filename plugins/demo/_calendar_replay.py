"""The demo's calendar outputs: the proposed calendar, its diff, and a policy audit.

The live ``calendar`` processor proposes changes the moment a period of high (fused) stress
is confirmed. :func:`final_plan` replays exactly that decision — the same stress samples up
to the same moment, the same options — through the adapter's planning engine, to write the
proposed ``.ics`` and the readable diff. :func:`policy_violations` then re-reads both
calendars and checks the adapter's guarantees on the result (the adapter's ``check_plan``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta, tzinfo

from heartmind.adapters.calendar.api import (
    Item,
    PlanResult,
    PolicyOptions,
    Sample,
    check_plan,
    format_plan,
    occurrences,
    parse_calendar,
    parse_time,
    plan_calendar,
)
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

    result: PlanResult
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

    Re-reads the original and the proposed calendar and checks them against the plan with
    :func:`heartmind.adapters.calendar.api.check_plan` (no overlaps, nothing in the past,
    working hours and horizon, deadlines and lengths kept, fixed events, meetings and work
    already started exactly where they were).
    """
    return check_plan(
        outcome.original,
        outcome.result.plan,
        after=outcome.result.data,
        now=outcome.now,
        horizon_end=outcome.horizon_end,
        options=outcome.result.options,
    )
