"""What the demo keeps of a run: time series for the figure and the latest values for the
live display, collected by one session subscriber."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from heartmind.events import (
    HRV,
    CalendarChange,
    Emotion,
    Event,
    HeartRate,
    Stress,
)

__all__ = ["TOPICS", "DemoSeries"]

#: Event topics the series subscribes to.
TOPICS = (
    "heart_rate",
    "hrv",
    "stress",
    "emotion",
    "calendar_change",
    "respiration_rate",
    "skin_conductance",
)

Series = list[tuple[float, ...]]


@dataclass
class DemoSeries:
    """Series of the demo's key quantities, by session time (s).

    Attributes
    ----------
    heart_rate, pulse_rate
        ``(t, bpm)`` from the ECG (``heart-rate``) and the PPG (``ppg-rate``).
    rmssd
        ``(t, ms)`` RMSSD of the ECG beats (``hrv``, 5-min window).
    stress
        ``(t, level)`` per source: ``"fused"``, ``"heart"`` (``stress``: HRV + EDA),
        ``"behaviour"`` (``behaviour-emotion``).
    emotion
        ``(t, valence, arousal)`` of the fused estimate.
    changes
        ``CalendarChange`` events of the live ``calendar`` processor.
    latest
        The newest value of each quantity, for the live display.
    """

    heart_rate: Series = field(default_factory=list)
    pulse_rate: Series = field(default_factory=list)
    rmssd: Series = field(default_factory=list)
    stress: dict[str, Series] = field(default_factory=dict)
    emotion: Series = field(default_factory=list)
    changes: list[CalendarChange] = field(default_factory=list)
    latest: dict[str, Any] = field(default_factory=dict)

    def __call__(self, event: Event) -> None:
        """Session subscriber: file ``event`` (runs on the session's delivery thread)."""
        t = event.timestamp
        if isinstance(event, HeartRate):
            is_ecg = event.stream.endswith("-ECG")
            (self.heart_rate if is_ecg else self.pulse_rate).append((t, event.bpm))
            if is_ecg:
                self.latest["hr"] = event.bpm
        elif isinstance(event, HRV):
            if event.stream.endswith("-ECG") and event.window >= 120.0:
                self.rmssd.append((t, event.rmssd))
                self.latest["rmssd"] = event.rmssd
        elif isinstance(event, Stress):
            kind = event.modality if event.modality in ("fused", "behaviour") else "heart"
            self.stress.setdefault(kind, []).append((t, event.level))
            if kind == "fused":
                self.latest["stress"] = (event.level, event.label)
        elif isinstance(event, Emotion):
            if event.modality == "fused":
                self.emotion.append((t, event.valence, event.arousal))
                self.latest["emotion"] = (event.valence, event.arousal)
        elif isinstance(event, CalendarChange):
            self.changes.append(event)
        elif event.topic == "respiration_rate":
            self.latest["rsp"] = getattr(event, "rate", None)
        elif event.topic == "skin_conductance":
            self.latest["eda"] = getattr(event, "tonic", None)
