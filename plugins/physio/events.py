"""Event types of the physio plugin (also used by the radar plugin).

Importing this module registers the topics ``respiration_rate``, ``skin_conductance`` and
``scr``. Pulse beats, pulse rate and pulse-rate variability use the core ``HeartBeat``,
``HeartRate`` and ``HRV`` events with ``stream`` set to the PPG (or radar) stream.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from heartmind.events import Event, quantity

__all__ = ["SCR", "RespirationRate", "SkinConductance"]


@dataclass(frozen=True, kw_only=True)
class RespirationRate(Event):
    """Breathing rate over a trailing window (from RSP, radar, …)."""

    topic: ClassVar[str] = "respiration_rate"
    rate: float = quantity("breaths/min", 2.0, 80.0, "breathing rate")
    window: float = quantity("s", 0.0, None, "length of the trailing window", 0.0)
    n_breaths: int = quantity("", 0, None, "breath cycles in the window", 0)
    amplitude: float | None = quantity("", 0.0, None, "mean breath depth (signal units)", None)
    stream: str = quantity(doc="stream the rate was computed from", default="")


@dataclass(frozen=True, kw_only=True)
class SkinConductance(Event):
    """Electrodermal activity summary: tonic level, phasic level and SCR rate."""

    topic: ClassVar[str] = "skin_conductance"
    tonic: float = quantity("µS", None, None, "skin conductance level (SCL) at the timestamp")
    phasic: float = quantity("µS", None, None, "phasic component at the timestamp")
    scr_rate: float = quantity("1/min", 0.0, None, "SCRs per minute in the window", 0.0)
    window: float = quantity("s", 0.0, None, "length of the trailing window for scr_rate", 0.0)
    stream: str = quantity(doc="EDA stream", default="")


@dataclass(frozen=True, kw_only=True)
class SCR(Event):
    """One skin conductance response; ``timestamp`` is its onset (trough)."""

    topic: ClassVar[str] = "scr"
    peak_time: float = quantity("s", doc="time of the response peak")
    amplitude: float = quantity("µS", 0.0, None, "peak minus onset level")
    rise_time: float = quantity("s", 0.0, None, "peak time minus onset time")
    stream: str = quantity(doc="EDA stream", default="")
