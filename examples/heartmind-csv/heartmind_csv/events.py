"""Event type of the heartmind-csv plugin: ``signal_rms``."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from heartmind import Event, quantity

__all__ = ["SignalRMS"]


@dataclass(frozen=True, kw_only=True)
class SignalRMS(Event):
    """Root mean square of every channel over one window (``timestamp``: its last sample)."""

    topic: ClassVar[str] = "signal_rms"
    channels: tuple[str, ...] = quantity(doc="channel labels")
    rms: tuple[float, ...] = quantity(doc="RMS of each channel, in the channel's unit")
    window: float = quantity("s", 0.0, None, "length of the window")
    stream: str = quantity(doc="stream measured", default="")
