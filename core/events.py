"""Events: the low-rate results applications subscribe to.

Every event is a frozen dataclass with a ``topic`` (snake_case), a ``timestamp`` in seconds
on the session clock, ``time`` (the same instant as ISO 8601 UTC, filled in by the session),
the ``source`` that produced it, and typed fields whose unit and range are declared once,
in the field's metadata (see :func:`quantity`). That declaration drives validation, the JSON
schema in ``docs/events.md`` and ``heartmind events``.

Plugins add event types by subclassing :class:`Event` with a new ``topic``::

    @dataclass(frozen=True, kw_only=True)
    class Blink(Event):
        topic: ClassVar[str] = "blink"
        duration: float = quantity("s", 0.0, 2.0, "closure duration")

Subclasses register themselves; two classes claiming one topic is an error naming both.
"""

from __future__ import annotations

import json
import math
from dataclasses import MISSING, dataclass, field, fields
from typing import Any, ClassVar

from .errors import EventError

__all__ = [
    "HRV",
    "SCHEMA_VERSION",
    "CalendarChange",
    "Dropped",
    "Emotion",
    "Event",
    "Gap",
    "HeartBeat",
    "HeartRate",
    "Marker",
    "SignalQuality",
    "Stress",
    "event_from_dict",
    "event_from_json",
    "event_types",
    "quantity",
    "stress_label",
]

#: Version of the JSON layout of events; bumped when a field changes meaning or is removed.
SCHEMA_VERSION = 1

_REGISTRY: dict[str, type[Event]] = {}


def quantity(
    unit: str = "",
    lo: float | None = None,
    hi: float | None = None,
    doc: str = "",
    default: Any = MISSING,
) -> Any:
    """Declare an event field with its unit, inclusive range and description.

    Parameters
    ----------
    unit
        Unit of the value (``"bpm"``, ``"s"``, ``"ms"``, ``"ms^2"``, ``"dB"``, ``""`` if none).
    lo, hi
        Inclusive bounds checked when the event is built; ``None`` for unbounded.
    doc
        One-line description, shown in the event schema.
    default
        Default value; ``None`` marks an optional value that may be missing.
    """
    meta = {"unit": unit, "range": (lo, hi), "doc": doc}
    if default is MISSING:
        return field(metadata=meta)
    return field(default=default, metadata=meta)


@dataclass(frozen=True, kw_only=True)
class Event:
    """Base class of all events.

    Attributes
    ----------
    timestamp
        When it happened, in s on the session clock (LSL clock, or virtual clock).
    source
        Name of the processor, sensor or consumer instance that produced it.
    time
        The same instant as ISO 8601 UTC; the session fills it in if empty.
    """

    topic: ClassVar[str] = "event"
    timestamp: float = quantity("s", doc="time on the session clock")
    source: str = quantity(doc="instance that produced the event", default="")
    time: str = quantity(doc="the same instant in ISO 8601 UTC", default="")

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        topic = cls.__dict__.get("topic")
        if topic is None:
            return  # an abstract intermediate class
        other = _REGISTRY.get(topic)
        name = f"{cls.__module__}.{cls.__qualname__}"
        if other is not None and f"{other.__module__}.{other.__qualname__}" != name:
            raise EventError(
                f"event topic {topic!r} is declared twice: by {other.__module__}."
                f"{other.__qualname__} and by {name}; give one of them another topic."
            )
        if topic != topic.lower() or not topic.replace("_", "").isalnum():
            raise EventError(f"event topic {topic!r} of {name} must be snake_case.")
        _REGISTRY[topic] = cls

    def __post_init__(self) -> None:
        for f in fields(self):
            value = getattr(self, f.name)
            if isinstance(value, bool) or not isinstance(value, int | float):
                continue
            label = f"{self.topic}.{f.name}"
            if not math.isfinite(value):
                raise EventError(f"{label} is {value}; every number in an event must be finite.")
            lo, hi = f.metadata.get("range", (None, None))
            if (lo is not None and value < lo) or (hi is not None and value > hi):
                unit = f.metadata.get("unit", "")
                raise EventError(
                    f"{label} = {value} {unit} is outside its range [{lo}, {hi}]; "
                    "check the producer's units and scaling."
                )

    def to_dict(self) -> dict[str, Any]:
        """The event as a JSON-compatible dict: ``topic``, ``schema_version``, then fields."""
        out: dict[str, Any] = {"topic": self.topic, "schema_version": SCHEMA_VERSION}
        for f in fields(self):
            value = getattr(self, f.name)
            out[f.name] = list(value) if isinstance(value, tuple) else value
        return out

    def to_json(self) -> str:
        """One line of JSON (no newline inside), as written to ``events.jsonl``."""
        return json.dumps(self.to_dict(), separators=(",", ":"), ensure_ascii=False)

    @classmethod
    def schema(cls) -> list[dict[str, Any]]:
        """Field descriptions: name, type, unit, range and doc, for docs and tooling."""
        rows = []
        for f in fields(cls):
            lo, hi = f.metadata.get("range", (None, None))
            rows.append(
                {
                    "name": f.name,
                    "type": str(f.type),
                    "unit": f.metadata.get("unit", ""),
                    "range": [lo, hi],
                    "doc": f.metadata.get("doc", ""),
                    "required": f.default is MISSING and f.default_factory is MISSING,
                }
            )
        return rows


def event_types() -> dict[str, type[Event]]:
    """All registered event classes by topic (core and plugins imported so far)."""
    return dict(_REGISTRY)


def event_from_dict(data: dict[str, Any]) -> Event:
    """Rebuild an event from :meth:`Event.to_dict` output (one line of ``events.jsonl``)."""
    topic = data.get("topic")
    cls = _REGISTRY.get(str(topic))
    if cls is None:
        raise EventError(
            f"unknown event topic {topic!r}; known topics: {', '.join(sorted(_REGISTRY))}. "
            "Import the plugin that defines it first."
        )
    version = data.get("schema_version", SCHEMA_VERSION)
    if version != SCHEMA_VERSION:
        raise EventError(
            f"event schema_version {version} is not supported by this heartmind "
            f"(it reads version {SCHEMA_VERSION}); use a matching heartmind version."
        )
    names = {f.name: f for f in fields(cls)}
    kwargs: dict[str, Any] = {}
    for key, value in data.items():
        if key in ("topic", "schema_version"):
            continue
        if key not in names:
            raise EventError(f"{topic} events have no field {key!r}.")
        kwargs[key] = tuple(value) if isinstance(value, list) else value
    try:
        return cls(**kwargs)
    except TypeError as exc:
        raise EventError(f"cannot build a {topic} event from {sorted(data)}: {exc}") from None


def event_from_json(line: str) -> Event:
    """Parse one line of ``events.jsonl``."""
    try:
        data = json.loads(line)
    except json.JSONDecodeError as exc:
        raise EventError(f"not a JSON event line: {exc}") from None
    if not isinstance(data, dict):
        raise EventError("an event line must be a JSON object.")
    return event_from_dict(data)


# --------------------------------------------------------------------------- cardiac


@dataclass(frozen=True, kw_only=True)
class HeartBeat(Event):
    """One detected heartbeat (R-peak of the ECG, or pulse onset of PPG/radar).

    ``timestamp`` is the time of the beat itself, not of its detection.
    """

    topic: ClassVar[str] = "heart_beat"
    rr: float | None = quantity("s", 0.2, 3.0, "interval from the previous beat", None)
    stream: str = quantity(doc="stream the beat was detected in", default="")
    usable: bool = quantity(
        doc="False if the beat lies in a window of unusable signal", default=True
    )
    ectopic: bool = quantity(
        doc="True if the RR interval was judged ectopic/artefactual", default=False
    )


@dataclass(frozen=True, kw_only=True)
class HeartRate(Event):
    """Heart rate over a trailing window."""

    topic: ClassVar[str] = "heart_rate"
    bpm: float = quantity("bpm", 20.0, 300.0, "heart rate")
    window: float = quantity("s", 0.0, None, "length of the trailing window", 0.0)
    stream: str = quantity(doc="stream the rate was computed from", default="")


@dataclass(frozen=True, kw_only=True)
class HRV(Event):
    """Heart-rate variability over a trailing window of NN intervals.

    Frequency-domain values need a window of at least 2 min and are ``None`` otherwise.
    """

    topic: ClassVar[str] = "hrv"
    window: float = quantity("s", 0.0, None, "length of the window")
    n_beats: int = quantity("", 0, None, "NN intervals used")
    n_corrected: int = quantity("", 0, None, "ectopic/artefact intervals corrected", 0)
    mean_nn: float = quantity("ms", 0.0, None, "mean NN interval")
    sdnn: float = quantity("ms", 0.0, None, "standard deviation of NN intervals")
    rmssd: float = quantity("ms", 0.0, None, "root mean square of successive differences")
    pnn50: float = quantity("%", 0.0, 100.0, "share of successive differences > 50 ms")
    sd1: float | None = quantity("ms", 0.0, None, "Poincaré SD1", None)
    sd2: float | None = quantity("ms", 0.0, None, "Poincaré SD2", None)
    lf: float | None = quantity("ms^2", 0.0, None, "power 0.04-0.15 Hz", None)
    hf: float | None = quantity("ms^2", 0.0, None, "power 0.15-0.4 Hz", None)
    lf_hf: float | None = quantity("", 0.0, None, "LF/HF ratio", None)
    stress_index: float | None = quantity("", 0.0, None, "Baevsky SI = AMo/(2 Mo MxDMn)", None)
    stream: str = quantity(doc="stream the beats came from", default="")


@dataclass(frozen=True, kw_only=True)
class SignalQuality(Event):
    """Quality of one window of a physiological signal."""

    topic: ClassVar[str] = "signal_quality"
    stream: str = quantity(doc="stream assessed", default="")
    window: float = quantity("s", 0.0, None, "length of the window")
    quality: float = quantity("", 0.0, 1.0, "quality index (1 = clean)")
    usable: bool = quantity(doc="whether beats in this window are trustworthy", default=True)
    snr_db: float | None = quantity("dB", None, None, "SNR estimate of the raw signal", None)
    snr_db_clean: float | None = quantity("dB", None, None, "SNR estimate after cleaning", None)


# --------------------------------------------------------------------------- affect


@dataclass(frozen=True, kw_only=True)
class Emotion(Event):
    """Estimated emotional state on the valence/arousal/dominance (VAD) axes."""

    topic: ClassVar[str] = "emotion"
    valence: float = quantity("", -1.0, 1.0, "unpleasant (-1) to pleasant (+1)")
    arousal: float = quantity("", -1.0, 1.0, "calm (-1) to excited (+1)")
    dominance: float = quantity("", -1.0, 1.0, "controlled (-1) to in control (+1)")
    confidence: float = quantity("", 0.0, 1.0, "confidence of the estimate")
    model: str = quantity(doc="model name", default="")
    model_version: str = quantity(doc="model version", default="")
    modality: str = quantity(doc="input it came from: heart, behaviour, face, fused", default="")


@dataclass(frozen=True, kw_only=True)
class Stress(Event):
    """Estimated stress level relative to the user's own baseline.

    ``label`` follows ``level`` by :func:`stress_label`: low < 1/3 ≤ moderate < 2/3 ≤ high.
    """

    topic: ClassVar[str] = "stress"
    level: float = quantity("", 0.0, 1.0, "stress level (0 = baseline, 1 = maximal)")
    label: str = quantity(doc="low, moderate or high", default="")
    confidence: float = quantity("", 0.0, 1.0, "confidence of the estimate", 1.0)
    model: str = quantity(doc="model or method name", default="")
    modality: str = quantity(doc="input it came from: heart, behaviour, eda, fused", default="")


def stress_label(level: float) -> str:
    """The ``Stress.label`` of a level in [0, 1]: ``"low"`` below 1/3, ``"moderate"`` below
    2/3, else ``"high"`` (every stress estimator labels its events this way)."""
    return "low" if level < 1 / 3 else "moderate" if level < 2 / 3 else "high"


# --------------------------------------------------------------------------- stream bookkeeping


@dataclass(frozen=True, kw_only=True)
class Marker(Event):
    """A text marker (stimulus onset, annotation, ground-truth state change)."""

    topic: ClassVar[str] = "marker"
    text: str = quantity(doc="marker text")
    stream: str = quantity(doc="marker stream it came from", default="")


@dataclass(frozen=True, kw_only=True)
class Gap(Event):
    """A stretch of a stream that was lost (outlet gone, device off, samples dropped).

    ``timestamp`` is when the gap was detected; ``start``/``end`` bound the missing data.
    """

    topic: ClassVar[str] = "gap"
    stream: str = quantity(doc="stream with missing data")
    start: float = quantity("s", doc="timestamp of the last sample before the gap")
    end: float = quantity("s", doc="timestamp of the first sample after the gap")
    n_lost: int = quantity("", 0, None, "samples missing (from the nominal rate)", 0)
    reason: str = quantity(doc="why, in words", default="")


@dataclass(frozen=True, kw_only=True)
class Dropped(Event):
    """Items a bounded queue had to drop since the previous report (real-time sessions)."""

    topic: ClassVar[str] = "dropped"
    where: str = quantity(doc="queue that dropped: 'sensor:<name>' or 'subscriber:<name>'")
    chunks: int = quantity("", 0, None, "chunks dropped", 0)
    samples: int = quantity("", 0, None, "samples inside the dropped chunks", 0)
    events: int = quantity("", 0, None, "events dropped", 0)


# --------------------------------------------------------------------------- adapters


@dataclass(frozen=True, kw_only=True)
class CalendarChange(Event):
    """A proposed or applied change to the user's calendar."""

    topic: ClassVar[str] = "calendar_change"
    uid: str = quantity(doc="UID of the calendar event (or of the inserted break)")
    action: str = quantity(doc="move, insert_break or suggest")
    recurrence_id: str = quantity(
        doc="RECURRENCE-ID of the moved instance of a recurring event, ISO 8601", default=""
    )
    summary: str = quantity(doc="title of the calendar event", default="")
    old_start: str = quantity(doc="previous start, ISO 8601 (empty for inserts)", default="")
    old_end: str = quantity(doc="previous end, ISO 8601", default="")
    new_start: str = quantity(doc="new start, ISO 8601", default="")
    new_end: str = quantity(doc="new end, ISO 8601", default="")
    reason: str = quantity(doc="one-line explanation", default="")
    applied: bool = quantity(doc="True once written to the calendar", default=False)
