"""Applying a plan to iCalendar data, and writing files privately (0600) with undo.

Moves keep each event's own time zone (the TZID parameter stays as it was). An instance of
a recurring series is moved by adding a RECURRENCE-ID override (the series is untouched);
an instance that already has an override gets that override moved. Every component that
is not changed is written back as it was parsed.
"""

from __future__ import annotations

import base64
import copy
import hashlib
import json
from collections.abc import Sequence
from datetime import UTC, datetime, tzinfo
from pathlib import Path
from typing import Any

from heartmind.errors import ConfigError
from heartmind.files import write_private

from ._ics_read import icalendar, to_aware
from ._types import Change

__all__ = ["apply_changes", "read_undo", "restore", "write_undo"]

_SERIES_ONLY = ("RRULE", "RDATE", "EXDATE", "EXRULE", "RECURRENCE-ID")
UNDO_VERSION = 1


def apply_changes(cal: Any, changes: Sequence[Change], *, now: datetime, tz: tzinfo) -> Any:
    """A copy of ``cal`` with the moves and breaks of ``changes`` (suggestions skipped).

    Parameters
    ----------
    cal
        Parsed ``icalendar.Calendar`` (not modified).
    changes
        The plan's changes.
    now
        Stamped as ``DTSTAMP`` and ``X-HEARTMIND-CHANGED`` on changed events.
    tz
        The calendar's zone, for floating times.
    """
    out = copy.deepcopy(cal)
    for change in changes:
        if change.action == "move":
            _move(out, change, now, tz)
        elif change.action == "insert_break":
            out.add_component(_break(change, now))
    return out


def _move(cal: Any, change: Change, now: datetime, tz: tzinfo) -> None:
    events = [
        c for c in cal.subcomponents if c.name == "VEVENT" and str(c.get("UID")) == change.uid
    ]
    if not change.recurrence_id:
        target = next((c for c in events if "RECURRENCE-ID" not in c), None)
    else:
        target = next((c for c in events if _recid(c, tz) == change.recurrence_id), None)
        if target is None:
            master = next((c for c in events if "RECURRENCE-ID" not in c), None)
            target = _override(cal, master, change, tz) if master is not None else None
    if target is None or change.new_start is None or change.new_end is None:
        raise ConfigError(
            f"event {change.uid} ({change.recurrence_id or 'single'}) is not in the calendar "
            "any more; re-run the plan on the current file."
        )
    _set_time(target, "DTSTART", change.new_start, tz)
    if "DTEND" in target:
        _set_time(target, "DTEND", change.new_end, tz)
    _stamp(target, now, change.reason)


def _recid(comp: Any, tz: tzinfo) -> str:
    if "RECURRENCE-ID" not in comp:
        return ""
    value = comp["RECURRENCE-ID"].dt
    if not isinstance(value, datetime):
        value = datetime(value.year, value.month, value.day)
    return to_aware(value, tz).astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _override(cal: Any, master: Any, change: Change, tz: tzinfo) -> Any:
    ical = icalendar()
    new = ical.Event()
    for name, value in master.property_items(recursive=False, sorted=False):
        if name in ("BEGIN", "END") or name in _SERIES_ONLY:
            continue
        new.add(name, copy.deepcopy(value), encode=False)
    original = datetime.fromisoformat(change.recurrence_id.replace("Z", "+00:00"))
    new.add("RECURRENCE-ID", _like(master["DTSTART"], original, tz), encode=False)
    new.pop("SEQUENCE", None)
    index = cal.subcomponents.index(master)
    cal.subcomponents.insert(index + 1, new)
    return new


def _like(prop: Any, moment: datetime, tz: tzinfo) -> Any:
    """A vDDDTypes for ``moment`` written like ``prop``: same TZID parameter, UTC or floating."""
    old = prop.dt
    if not isinstance(old, datetime) or old.tzinfo is None:
        value = moment.astimezone(tz).replace(tzinfo=None)
    elif "TZID" in prop.params:
        value = moment.astimezone(old.tzinfo).replace(tzinfo=None)
    else:
        value = moment.astimezone(UTC)
    new = icalendar().vDDDTypes(value)
    new.params = copy.deepcopy(prop.params)
    return new


def _set_time(comp: Any, name: str, moment: datetime, tz: tzinfo) -> None:
    new = _like(comp[name], moment, tz)
    del comp[name]
    comp.add(name, new, encode=False)


def _stamp(comp: Any, now: datetime, reason: str) -> None:
    for name in ("DTSTAMP", "X-HEARTMIND-CHANGED", "X-HEARTMIND-REASON", "SEQUENCE"):
        seq = int(comp.get("SEQUENCE", 0)) if name == "SEQUENCE" else 0
        comp.pop(name, None)
        if name == "SEQUENCE":
            comp.add(name, seq + 1)
    comp.add("DTSTAMP", now.astimezone(UTC))
    comp.add("X-HEARTMIND-CHANGED", now.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ"))
    comp.add("X-HEARTMIND-REASON", icalendar().vText(reason))


def _break(change: Change, now: datetime) -> Any:
    assert change.new_start is not None and change.new_end is not None
    ev = icalendar().Event()
    ev.add("UID", change.uid)
    ev.add("DTSTAMP", now.astimezone(UTC))
    ev.add("DTSTART", change.new_start.astimezone(UTC))
    ev.add("DTEND", change.new_end.astimezone(UTC))
    ev.add("SUMMARY", change.summary)
    ev.add("DESCRIPTION", change.reason)
    ev.add("TRANSP", "OPAQUE")
    ev.add("CATEGORIES", ["heartmind-break"])
    ev.add("X-HEARTMIND-BREAK", "TRUE")
    ev.add("X-HEARTMIND-CHANGED", now.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ"))
    return ev


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def write_undo(path: str | Path, target: str | Path, original: bytes, applied: bytes) -> None:
    """Keep what is needed to restore ``target`` to ``original`` byte for byte (0600)."""
    record = {
        "heartmind_calendar_undo": UNDO_VERSION,
        "path": str(Path(target).resolve()),
        "created": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "original_sha256": _sha(original),
        "applied_sha256": _sha(applied),
        "original": base64.b64encode(original).decode("ascii"),
    }
    write_private(path, (json.dumps(record, indent=1) + "\n").encode())


def read_undo(path: str | Path) -> dict[str, Any]:
    """Read and check an undo file written by :func:`write_undo`."""
    try:
        record = json.loads(Path(path).read_text(encoding="utf-8"))
        version = record["heartmind_calendar_undo"]
        original = base64.b64decode(record["original"], validate=True)
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise ConfigError(
            f"{path} is not a heartmind calendar undo file ({exc}); pass the file written "
            "by 'heartmind calendar plan --apply --undo FILE'."
        ) from None
    if version != UNDO_VERSION or _sha(original) != record.get("original_sha256"):
        raise ConfigError(f"{path}: undo file is damaged or from another version; not used.")
    return {**record, "original": original}


def restore(undo_path: str | Path, *, force: bool = False) -> Path:
    """Write the original calendar back, exactly; refuse if it was edited since (unless
    ``force``). Returns the restored path."""
    record = read_undo(undo_path)
    target = Path(record["path"])
    current = target.read_bytes() if target.exists() else b""
    if not force and current and _sha(current) != record["applied_sha256"]:
        raise ConfigError(
            f"{target} changed after heartmind applied the plan; restoring would lose those "
            "edits. Pass --force to restore the original anyway."
        )
    write_private(target, record["original"])
    return target
