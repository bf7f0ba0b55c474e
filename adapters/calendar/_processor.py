"""The live ``calendar`` processor: stress events in, ``CalendarChange`` events out.

It is a *processor*, not a consumer, because it publishes events (a consumer only
receives). It subscribes to ``stress``; whenever a new period of sustained high stress is
confirmed it plans over the horizon and emits one ``CalendarChange`` per proposed change.
With ``apply=True`` it also writes the moves and breaks to the ``.ics`` file (0600),
keeping ``<ics>.undo.json`` from before the first change of the session.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from pathlib import Path

from heartmind.components import Context, Output, Processor
from heartmind.errors import ConfigError
from heartmind.events import CalendarChange, Event, Stress
from heartmind.streams import Chunk

from ._stress_periods import Sample, high_periods, parse_time
from ._types import Change, PolicyOptions, WorkingHours, iso

__all__ = ["CalendarProcessor"]

log = logging.getLogger(__name__)


class CalendarProcessor(Processor):
    """Propose (and optionally apply) calendar changes from a live stress estimate.

    Parameters
    ----------
    ics
        Calendar file (read at every plan, so outside edits are seen).
    apply
        Write changes to ``ics`` (default False: only propose).
    working_hours, working_days
        E.g. ``"09:00-18:00"`` and ``"mon-fri"``, in the calendar's zone.
    enter, leave
        Hysteresis thresholds on the stress level (0-1).
    min_high
        Minutes the level must stay above ``enter``.
    horizon
        Planning horizon, in h.
    break_minutes, min_change
        Recovery break length and no-thrash interval, in min.
    me
        The user's own e-mail addresses (other attendees make a meeting).
    """

    def __init__(
        self,
        *,
        ics: str,
        apply: bool = False,
        working_hours: str = "09:00-18:00",
        working_days: str = "mon-fri",
        enter: float = 0.7,
        leave: float = 0.5,
        min_high: float = 10.0,
        horizon: float = 48.0,
        break_minutes: float = 10.0,
        min_change: float = 120.0,
        me: Iterable[str] = (),
    ) -> None:
        self.ics = Path(ics)
        self.apply = apply
        self.horizon = timedelta(hours=horizon)
        self.me = tuple(me)
        self.options = PolicyOptions(
            enter=enter,
            leave=leave,
            min_high=timedelta(minutes=min_high),
            break_length=timedelta(minutes=break_minutes),
            min_change_interval=timedelta(minutes=min_change),
            working_hours=WorkingHours.parse(working_hours, working_days),
        )
        self._samples: list[Sample] = []
        self._planned: set[datetime] = set()
        self._state: dict[tuple[str, str], datetime] = {}
        self._undo_written = False
        self._context: Context | None = None

    def start(self, context: Context) -> None:
        if not self.ics.is_file():
            raise ConfigError(
                f"calendar processor: {self.ics} does not exist; give the path of an .ics file."
            )
        self._context = context

    def process(self, chunk: Chunk) -> Iterable[Output]:
        return ()

    def on_event(self, event: Event) -> Iterable[Output]:
        if not isinstance(event, Stress):
            return ()
        moment = self._time(event)
        self._samples.append((moment, event.level))
        periods = high_periods(self._samples, self.options)
        fresh = [p for p in periods if p.start not in self._planned]
        if not fresh:
            return ()
        self._planned.update(p.start for p in fresh)
        return self._plan(moment, event.timestamp)

    def _time(self, event: Event) -> datetime:
        if event.time:
            return parse_time(event.time, "stress event").astimezone(UTC)
        assert self._context is not None
        return parse_time(self._context.clock.iso(event.timestamp), "clock").astimezone(UTC)

    def _plan(self, now: datetime, timestamp: float) -> list[Output]:
        from heartmind.files import write_private

        from ._ics_write import write_undo
        from ._planning import plan_calendar

        original = self.ics.read_bytes()
        result = plan_calendar(
            original,
            self._samples,
            now=now,
            horizon=self.horizon,
            options=self.options,
            me=self.me,
            source=str(self.ics),
            state=self._state,
        )
        applied = self.apply and bool(result.plan.writes)
        if applied:
            if not self._undo_written:
                write_undo(f"{self.ics}.undo.json", self.ics, original, result.data)
                self._undo_written = True
            write_private(self.ics, result.data)
        for change in result.plan.writes:
            self._state[change.key] = now
        for note in result.plan.notes:
            log.info("calendar: %s", note)
        return [self._event(c, timestamp, applied) for c in result.plan.changes]

    def _event(self, change: Change, timestamp: float, applied: bool) -> CalendarChange:
        return CalendarChange(
            timestamp=timestamp,
            uid=change.uid,
            action=change.action,
            recurrence_id=change.recurrence_id,
            summary=change.summary,
            old_start=iso(change.old_start),
            old_end=iso(change.old_end),
            new_start=iso(change.new_start),
            new_end=iso(change.new_end),
            reason=change.reason,
            applied=applied and change.action != "suggest",
        )
