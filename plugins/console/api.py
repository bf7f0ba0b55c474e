"""The console plugin's offline function: one readable line per event.

from heartmind.plugins.console.api import format_event

print(format_event(event))   # 09:02:13.000  heart_rate  bpm=74.2 window=10.0s …  [hr]
"""

from __future__ import annotations

from dataclasses import fields

from heartmind.events import Event

__all__ = ["format_event"]

_BASE_FIELDS = {"timestamp", "source", "time"}


def format_event(event: Event) -> str:
    """One readable line: UTC time of day, topic, the event's own fields, source.

    Numbers are rounded for reading (the JSON output keeps full precision).
    """
    clock = event.time[11:23] if len(event.time) >= 23 else f"{event.timestamp:.3f}s"
    parts = []
    for f in fields(event):
        if f.name in _BASE_FIELDS:
            continue
        value = getattr(event, f.name)
        if value is None or value == "":
            continue
        unit = f.metadata.get("unit", "")
        if isinstance(value, float):
            text = f"{value:.3g}" if abs(value) < 1 else f"{value:.1f}"
        else:
            text = str(value)
        parts.append(f"{f.name}={text}{unit if unit != f.name else ''}")
    return f"{clock}  {event.topic:<16} {' '.join(parts)}  [{event.source}]"
