"""``heartmind demo``: a simulated workday through the whole SDK, with calendar changes.

A synthetic participant's four office hours (ECG, PPG, EDA, respiration, keyboard and mouse
timings, a deadline crunch in the middle) run through the real pipeline — cardiac and
physiological processors, emotion and stress models, fusion, the stress-aware ``calendar``
processor and the XDF recorder — on a virtual clock set to the day of the bundled sample
calendar. It shows live progress and writes a recording, the events, the proposed calendar,
its diff and a one-page figure. See ``docs/demo.md``.

The plugin declares the command only; its modules are private, and it uses the calendar
adapter through :mod:`heartmind.adapters.calendar.api`. Importing this package is cheap:
rich, matplotlib and icalendar load in the command.
"""

from __future__ import annotations

import argparse
from collections.abc import Iterator
from typing import Any

import heartmind
from heartmind.specs import CommandSpec

__all__ = ["heartmind_commands"]


def _configure(parser: argparse.ArgumentParser) -> None:
    from ._cli import configure

    configure(parser)


def _run(args: argparse.Namespace, manager: Any) -> int:
    from ._cli import run

    return run(args, manager)


@heartmind.hookimpl
def heartmind_commands() -> Iterator[CommandSpec]:
    """Declare ``heartmind demo``."""
    yield CommandSpec(
        name="demo",
        factory=_run,
        configure=_configure,
        description="run a simulated workday through the whole SDK (processors, emotion, "
        "stress, calendar, XDF) and write a recording, events, calendar diff and figure",
    )
