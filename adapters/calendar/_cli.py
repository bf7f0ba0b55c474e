"""``heartmind calendar plan`` and ``heartmind calendar undo``.

This module imports only the standard library at import time; the CLI wiring must stay
cheap, the calendar libraries load when a command runs.
"""

from __future__ import annotations

import argparse
import json
import os
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from heartmind.errors import ConfigError

__all__ = ["configure", "parse_duration", "run"]

_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([dhm])\s*$")


def parse_duration(text: str) -> timedelta:
    """``"2d"``, ``"36h"`` or ``"90m"`` as a timedelta."""
    match = _DURATION.match(text)
    if not match or float(match.group(1)) <= 0:
        raise ConfigError(f"duration {text!r} must be a positive number with d, h or m: '2d'.")
    unit = {"d": "days", "h": "hours", "m": "minutes"}[match.group(2)]
    return timedelta(**{unit: float(match.group(1))})


def configure(parser: argparse.ArgumentParser) -> None:
    """Add the ``plan`` and ``undo`` sub-commands."""
    sub = parser.add_subparsers(dest="calendar_command", metavar="ACTION", required=True)
    p = sub.add_parser("plan", help="propose (or apply) stress-aware changes to a calendar")
    src = p.add_mutually_exclusive_group(required=True)
    src.add_argument("--ics", metavar="IN.ics", help="calendar file to read")
    src.add_argument("--caldav", metavar="URL", help="CalDAV calendar collection to read")
    p.add_argument("--caldav-user", metavar="NAME", help="CalDAV user name")
    p.add_argument(
        "--caldav-password-env",
        metavar="VAR",
        help="environment variable holding the CalDAV password (never on the command line)",
    )
    p.add_argument("--stress", required=True, metavar="STRESS.jsonl", help="stress events")
    p.add_argument("--now", metavar="ISO", help="current time (default: the clock's)")
    p.add_argument("--horizon", default="2d", help="planning horizon: 2d, 36h, 90m")
    p.add_argument("--out", required=True, metavar="OUT.ics", help="proposed calendar (0600)")
    p.add_argument("--apply", action="store_true", help="write the change back to the source")
    p.add_argument("--undo", metavar="UNDO.json", help="undo file (default IN.ics.undo.json)")
    p.add_argument("--working-hours", default="09:00-18:00", metavar="HH:MM-HH:MM")
    p.add_argument("--working-days", default="mon-fri", metavar="DAYS")
    p.add_argument("--enter", type=float, default=0.7, help="stress level that starts a period")
    p.add_argument("--leave", type=float, default=0.5, help="stress level that ends it")
    p.add_argument("--min-high", type=float, default=10.0, metavar="MIN", help="minutes above")
    p.add_argument("--break-minutes", type=float, default=10.0, metavar="MIN")
    p.add_argument("--min-change", type=float, default=120.0, metavar="MIN", help="no-thrash")
    p.add_argument("--me", action="append", default=[], metavar="EMAIL", help="your address")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    u = sub.add_parser("undo", help="restore the calendar an --apply changed, byte for byte")
    u.add_argument("undo_file", metavar="UNDO.json")
    u.add_argument("--force", action="store_true", help="restore even if edited since")


def run(args: argparse.Namespace, manager: Any = None) -> int:
    """Run ``heartmind calendar ...``; returns the exit status."""
    from heartmind.cli.commands import stop_on_signals

    stop_on_signals()
    if args.calendar_command == "undo":
        from ._ics_write import restore

        target = restore(args.undo_file, force=args.force)
        print(f"restored {target} from {args.undo_file}")
        return 0
    return _plan(args)


def _options(args: argparse.Namespace) -> Any:
    from ._types import PolicyOptions, WorkingHours

    return PolicyOptions(
        enter=args.enter,
        leave=args.leave,
        min_high=timedelta(minutes=args.min_high),
        break_length=timedelta(minutes=args.break_minutes),
        min_change_interval=timedelta(minutes=args.min_change),
        working_hours=WorkingHours.parse(args.working_hours, args.working_days),
    )


def _plan(args: argparse.Namespace) -> int:
    from heartmind.files import write_private

    from ._ics_write import write_undo
    from ._planning import format_plan, plan_calendar
    from ._stress_periods import parse_time, read_stress_jsonl

    now = parse_time(args.now, "--now") if args.now else datetime.now(UTC)
    samples = read_stress_jsonl(args.stress)
    source, original, remote = _read_source(args)
    result = plan_calendar(
        original,
        samples,
        now=now,
        horizon=parse_duration(args.horizon),
        options=_options(args),
        me=args.me,
        source=source,
    )
    write_private(args.out, result.data)
    applied = bool(args.apply and result.plan.writes)
    if applied and remote is not None:
        from ._caldav import push

        push(remote, result.data, [c.uid for c in result.plan.writes])
    elif applied:
        undo = args.undo or f"{args.ics}.undo.json"
        write_undo(undo, args.ics, original, result.data)
        write_private(args.ics, result.data)
    _report(args, result, format_plan(result), applied)
    return 0


def _read_source(args: argparse.Namespace) -> tuple[str, bytes, Any]:
    if args.ics:
        try:
            return args.ics, Path(args.ics).read_bytes(), None
        except OSError as exc:
            raise ConfigError(f"cannot read calendar {args.ics}: {exc.strerror}.") from None
    from ._caldav import CalDAVSource, fetch

    password = os.environ.get(args.caldav_password_env) if args.caldav_password_env else None
    remote = CalDAVSource(args.caldav, username=args.caldav_user, password=password)
    return args.caldav, fetch(remote), remote


def _report(args: argparse.Namespace, result: Any, text: str, applied: bool) -> None:
    from heartmind.events import CalendarChange

    if args.json:
        changes = [
            CalendarChange(
                timestamp=0.0,
                source="calendar",
                time=c.to_dict()["new_start"] or c.to_dict()["old_start"],
                uid=c.uid,
                action=c.action,
                recurrence_id=c.recurrence_id,
                summary=c.summary,
                old_start=c.to_dict()["old_start"],
                old_end=c.to_dict()["old_end"],
                new_start=c.to_dict()["new_start"],
                new_end=c.to_dict()["new_end"],
                reason=c.reason,
                applied=applied and c.action != "suggest",
            ).to_dict()
            for c in result.plan.changes
        ]
        notes = list(result.plan.notes)
        print(json.dumps({"out": args.out, "applied": applied, "changes": changes, "notes": notes}))
        return
    print(text)
    target = args.ics or args.caldav
    if applied:
        where = "the CalDAV server" if args.caldav else f"{target} (undo: heartmind calendar undo"
        where += "" if args.caldav else f" {args.undo or f'{args.ics}.undo.json'})"
        print(f"\napplied to {where}; proposal also in {args.out}")
    elif result.plan.writes:
        print(f"\nproposal written to {args.out}; {target} is untouched (use --apply to write it)")
    else:
        print(f"\nnothing to change; {args.out} is a copy of {target}")
