"""Stress-aware calendar adapter: reads .ics calendars, proposes and applies rescheduling.

Provides

* the ``calendar`` **processor** (``events=("stress",)``, outputs ``calendar_change``):
  a processor rather than a consumer because it publishes ``CalendarChange`` events;
* the ``heartmind calendar plan|undo`` **command**;
* :mod:`heartmind.adapters.calendar.api`: reading, planning, checking (:func:`check_plan`),
  formatting and writing calendars offline; its names are re-exported here lazily.

The ``CalendarChange`` event type is a core event (:mod:`heartmind.events`). Importing this
package is cheap: icalendar, recurring-ical-events and caldav load only when a calendar is
read (extra ``heartmind[calendar]``). See ``docs/adapters/calendar.md``.
"""

from __future__ import annotations

import argparse
import importlib
from collections.abc import Iterator
from typing import Any

import heartmind
from heartmind import CommandSpec, Option, ProcessorSpec

__all__ = ["heartmind_commands", "heartmind_processors"]


def __getattr__(name: str) -> Any:
    """Lazily re-export the names of :mod:`.api` (loaded on first use), e.g.
    ``from heartmind.adapters.calendar import check_plan``."""
    if not name.startswith("_"):
        api = importlib.import_module(".api", __name__)
        if name in api.__all__:
            return getattr(api, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


@heartmind.hookimpl
def heartmind_processors() -> Iterator[ProcessorSpec]:
    yield ProcessorSpec(
        name="calendar",
        factory=_make_processor,
        events=("stress",),
        outputs=("calendar_change",),
        description="Propose (optionally apply) calendar changes when stress stays high.",
        options={
            "ics": Option(str, help="calendar file (.ics) to plan on"),
            "apply": Option(bool, False, "write changes to the file (default: only propose)"),
            "working_hours": Option(str, "09:00-18:00", "daily window, calendar's zone"),
            "working_days": Option(str, "mon-fri", "days work may be moved to"),
            "enter": Option(float, 0.7, "stress level (0-1) that starts a period", min=0, max=1),
            "leave": Option(float, 0.5, "stress level (0-1) that ends it", min=0, max=1),
            "min_high": Option(
                float, 10.0, "min the level must stay above enter", min=0, unit="min"
            ),
            "horizon": Option(float, 48.0, "planning horizon, h", min=0.1, unit="h"),
            "break_minutes": Option(float, 10.0, "recovery break length, min", min=1, unit="min"),
            "min_change": Option(
                float, 120.0, "no-thrash: min between changes of one event", unit="min"
            ),
            "me": Option(list, [], "your own e-mail addresses", item=str),
        },
    )


@heartmind.hookimpl
def heartmind_commands() -> Iterator[CommandSpec]:
    yield CommandSpec(
        name="calendar",
        factory=_run,
        configure=_configure,
        description="Stress-aware calendar: plan (propose/apply) and undo changes to an .ics.",
    )


def _configure(parser: argparse.ArgumentParser) -> None:
    from ._cli import configure

    configure(parser)


def _run(args: argparse.Namespace, manager: Any) -> int:
    from ._cli import run

    return run(args, manager)


def _make_processor(**options: Any) -> heartmind.Processor:
    from ._processor import CalendarProcessor

    return CalendarProcessor(**options)
