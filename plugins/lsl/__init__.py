"""Lab Streaming Layer (LSL) acquisition and publishing for heartmind.

* ``lsl-inlet`` (sensor): reads one LSL stream, resolved by name, type, source id or an
  XPath predicate; converts timestamps to the session clock; survives outlet restarts,
  reporting the lost interval as a :class:`heartmind.Gap`.
* ``lsl-streams`` (sensor): follows many LSL streams at once, selected by name, type,
  source id or predicate (or all), picking up streams that appear later; one inlet and
  reader thread per stream. ``heartmind record`` uses it.
* ``lsl-outlet`` (consumer): republishes streams and events as LSL streams.

This package declares the specs only. The functions and classes other code uses —
:func:`~heartmind.plugins.lsl.api.ensure_lsl` (LSL is machine-only unless you opt in),
stream-info conversion, resolving, the inlet/outlet classes — live in
:mod:`heartmind.plugins.lsl.api` and are re-exported here lazily. Importing this package
does not import pylsl; building a sensor or consumer does (``pip install "heartmind[lsl]"``).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterator
from typing import Any

import heartmind
from heartmind.extras import require
from heartmind.specs import ConsumerSpec, Option, SensorSpec

__all__ = [
    "INLET_OPTIONS",
    "OUTLET_OPTIONS",
    "STREAMS_OPTIONS",
    "heartmind_consumers",
    "heartmind_sensors",
]


def __getattr__(name: str) -> Any:
    """Lazily re-export the names of :mod:`.api` (loaded on first use), e.g.
    ``from heartmind.plugins.lsl import ensure_lsl``."""
    if not name.startswith("_"):
        api = importlib.import_module(".api", __name__)
        if name in api.__all__:
            return getattr(api, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


_SCOPE = Option(
    str, "machine", "LSL scope: 'machine' (default) or 'lan' (opt in)", choices=("machine", "lan")
)

#: Options every reading sensor has (each ``lsl-streams`` inlet gets them too).
_READING: dict[str, Option] = {
    "clock_sync": Option(bool, True, "add liblsl's time correction to timestamps"),
    "max_samples": Option(int, 1024, "largest chunk per read, samples", min=1, unit="samples"),
    "max_buflen": Option(int, 360, "inlet buffer, s (x100 samples if irregular)", min=1, unit="s"),
    "watchdog": Option(float, 1.0, "silence before an outlet is checked, s", min=0.05, unit="s"),
    "scope": _SCOPE,
}

#: Options of the ``lsl-inlet`` sensor.
INLET_OPTIONS: dict[str, Option] = {
    "lsl_name": Option(str, "", "LSL stream name to match"),
    "lsl_type": Option(str, "", "LSL stream type to match (e.g. 'EEG', 'Markers')"),
    "source_id": Option(str, "", "LSL source_id to match"),
    "predicate": Option(str, "", "XPath predicate, e.g. \"starts-with(name,'ECG')\""),
    "timeout": Option(float, 5.0, "how long to wait for the stream at start, s", min=0.0, unit="s"),
    "rename": Option(str, "", "name of the stream in heartmind (default: LSL name)"),
    "dejitter": Option(bool, False, "smooth timestamps of regular streams"),
    "gap_threshold": Option(
        float, 0.0, "timestamp jump that is a gap, s (0: auto)", min=0.0, unit="s"
    ),
    **_READING,
}

#: Options of the ``lsl-streams`` sensor.
STREAMS_OPTIONS: dict[str, Option] = {
    "lsl_names": Option(list, [], "LSL stream names to follow", item=str),
    "lsl_types": Option(list, [], "LSL stream types to follow (e.g. 'EEG')", item=str),
    "source_ids": Option(list, [], "LSL source_ids to follow", item=str),
    "predicates": Option(list, [], "XPath predicates; a stream matching one is followed", item=str),
    "all_streams": Option(bool, False, "follow every visible stream instead of a selection"),
    "wait": Option(
        float, 2.0, "how long start waits for the selected streams, s", min=0.0, unit="s"
    ),
    "resolve_interval": Option(
        float, 0.5, "time between looks for new streams, s", min=0.05, unit="s"
    ),
    "forget_after": Option(
        float, 5.0, "resolver forgets unseen outlets after, s", min=0.5, unit="s"
    ),
    "open_timeout": Option(
        float, 5.0, "wait for a found stream's info and clock, s", min=0.1, unit="s"
    ),
    "poll_interval": Option(
        float, 0.2, "wait after a short read (fewer, larger chunks), s", min=0.0, unit="s"
    ),
    "queue_chunks": Option(int, 4096, "chunks queued per stream before its reader waits", min=1),
    "queue_mb": Option(
        float, 64.0, "sample data queued per stream before it waits, MB", min=0.1, unit="MB"
    ),
    **_READING,
}

#: Options of the ``lsl-outlet`` consumer.
OUTLET_OPTIONS: dict[str, Option] = {
    "prefix": Option(str, "heartmind-", "prefix of every LSL stream name"),
    "event_topics": Option(list, ["*"], "event topics to publish as JSON markers", item=str),
    "events_name": Option(str, "events", "name of the marker stream (after the prefix)"),
    "chunk_size": Option(
        int, 0, "LSL transmission chunk size, samples (0: per push)", min=0, unit="samples"
    ),
    "max_buffered": Option(
        int, 360, "outlet buffer, s (x100 samples if irregular)", min=1, unit="s"
    ),
    "scope": _SCOPE,
}


def _from_api(cls: str, what: str) -> Callable[..., Any]:
    """A spec factory building ``api.<cls>``: imports the plugin's modules and pylsl on first
    use (a missing pylsl raises ``MissingExtraError`` naming ``what`` and the extra)."""

    def factory(**options: Any) -> Any:
        require("pylsl", what)
        return getattr(importlib.import_module(".api", __name__), cls)(**options)

    factory.__name__ = factory.__qualname__ = cls
    return factory


#: The sensors: name, class in :mod:`.api`, options, description.
_SENSORS = (
    (
        "lsl-inlet",
        "LSLInlet",
        INLET_OPTIONS,
        "Read one Lab Streaming Layer stream (machine-only unless scope='lan').",
    ),
    (
        "lsl-streams",
        "LSLStreams",
        STREAMS_OPTIONS,
        "Follow many LSL streams (by name, type, source id, predicate or all).",
    ),
)


@heartmind.hookimpl
def heartmind_sensors() -> Iterator[SensorSpec]:
    """The ``lsl-inlet`` and ``lsl-streams`` sensors."""
    for name, cls, options, description in _SENSORS:
        yield SensorSpec(
            name=name,
            produces=("*",),
            factory=_from_api(cls, f"the {name} sensor"),
            options=options,
            description=description,
        )


@heartmind.hookimpl
def heartmind_consumers() -> Iterator[ConsumerSpec]:
    """The ``lsl-outlet`` consumer."""
    yield ConsumerSpec(
        name="lsl-outlet",
        factory=_from_api("LSLOutlet", "the lsl-outlet consumer"),
        options=OUTLET_OPTIONS,
        description="Publish streams and events (JSON markers) as LSL streams.",
    )
