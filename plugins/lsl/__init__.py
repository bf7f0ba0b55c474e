"""Lab Streaming Layer (LSL) acquisition and publishing for heartmind.

* ``lsl-inlet`` (sensor): reads one LSL stream, resolved by name, type, source id or an
  XPath predicate; converts timestamps to the session clock; survives outlet restarts,
  reporting the lost interval as a :class:`heartmind.Gap`.
* ``lsl-streams`` (sensor): follows many LSL streams at once, selected by name, type,
  source id or predicate (or all), picking up streams that appear later; one inlet and
  reader thread per stream. ``heartmind record`` uses it.
* ``lsl-outlet`` (consumer): republishes streams and events as LSL streams.

LSL is machine-only unless you opt in: see :func:`ensure_lsl`. Importing this module does
not import pylsl; the factories do (``pip install "heartmind[lsl]"``).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import heartmind
from heartmind.extras import require
from heartmind.specs import ConsumerSpec, Option, SensorSpec

from .config import LSLUnsafeError, ensure_lsl, lsl_scope, lsl_subprocess_env
from .resolve import StreamNotFoundError

if TYPE_CHECKING:
    from .inlet import LSLInlet
    from .multi import LSLStreams
    from .outlet import LSLOutlet

__all__ = [
    "LSLUnsafeError",
    "StreamNotFoundError",
    "ensure_lsl",
    "lsl_scope",
    "lsl_subprocess_env",
    "open_inlet",
    "open_outlet",
    "open_streams",
]

_SCOPE = Option(
    str, "machine", "LSL scope: 'machine' (default) or 'lan' (opt in)", choices=("machine", "lan")
)

INLET_OPTIONS: dict[str, Option] = {
    "lsl_name": Option(str, "", "LSL stream name to match"),
    "lsl_type": Option(str, "", "LSL stream type to match (e.g. 'EEG', 'Markers')"),
    "source_id": Option(str, "", "LSL source_id to match"),
    "predicate": Option(str, "", "XPath predicate, e.g. \"starts-with(name,'ECG')\""),
    "timeout": Option(float, 5.0, "how long to wait for the stream at start, s", min=0.0, unit="s"),
    "rename": Option(str, "", "name of the stream in heartmind (default: LSL name)"),
    "clock_sync": Option(bool, True, "add liblsl's time correction to timestamps"),
    "dejitter": Option(bool, False, "smooth timestamps of regular streams"),
    "max_samples": Option(int, 1024, "largest chunk per read, samples", min=1, unit="samples"),
    "max_buflen": Option(int, 360, "inlet buffer, s (x100 samples if irregular)", min=1, unit="s"),
    "watchdog": Option(float, 1.0, "silence before the outlet is checked, s", min=0.05, unit="s"),
    "gap_threshold": Option(
        float, 0.0, "timestamp jump that is a gap, s (0: auto)", min=0.0, unit="s"
    ),
    "scope": _SCOPE,
}

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
    "clock_sync": Option(bool, True, "add liblsl's time correction to timestamps"),
    "max_samples": Option(int, 1024, "largest chunk per read, samples", min=1, unit="samples"),
    "max_buflen": Option(int, 360, "inlet buffer, s (x100 samples if irregular)", min=1, unit="s"),
    "watchdog": Option(float, 1.0, "silence before an outlet is checked, s", min=0.05, unit="s"),
    "poll_interval": Option(
        float, 0.2, "wait after a short read (fewer, larger chunks), s", min=0.0, unit="s"
    ),
    "queue_chunks": Option(int, 4096, "chunks queued per stream before its reader waits", min=1),
    "queue_mb": Option(
        float, 64.0, "sample data queued per stream before it waits, MB", min=0.1, unit="MB"
    ),
    "scope": _SCOPE,
}

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


def open_inlet(**options: Any) -> LSLInlet:
    """Factory of the ``lsl-inlet`` sensor (options: see ``INLET_OPTIONS``)."""
    require("pylsl", "the lsl-inlet sensor")
    from .inlet import LSLInlet

    return LSLInlet(**options)


def open_streams(**options: Any) -> LSLStreams:
    """Factory of the ``lsl-streams`` sensor (options: see ``STREAMS_OPTIONS``)."""
    require("pylsl", "the lsl-streams sensor")
    from .multi import LSLStreams

    return LSLStreams(**options)


def open_outlet(**options: Any) -> LSLOutlet:
    """Factory of the ``lsl-outlet`` consumer (options: see ``OUTLET_OPTIONS``)."""
    require("pylsl", "the lsl-outlet consumer")
    from .outlet import LSLOutlet

    return LSLOutlet(**options)


@heartmind.hookimpl
def heartmind_sensors() -> Iterator[SensorSpec]:
    """The ``lsl-inlet`` and ``lsl-streams`` sensors."""
    yield SensorSpec(
        name="lsl-inlet",
        produces=("*",),
        factory=open_inlet,
        options=INLET_OPTIONS,
        description="Read one Lab Streaming Layer stream (machine-only unless scope='lan').",
    )
    yield SensorSpec(
        name="lsl-streams",
        produces=("*",),
        factory=open_streams,
        options=STREAMS_OPTIONS,
        description="Follow many LSL streams (by name, type, source id, predicate or all).",
    )


@heartmind.hookimpl
def heartmind_consumers() -> Iterator[ConsumerSpec]:
    """The ``lsl-outlet`` consumer."""
    yield ConsumerSpec(
        name="lsl-outlet",
        factory=open_outlet,
        options=OUTLET_OPTIONS,
        description="Publish streams and events (JSON markers) as LSL streams.",
    )
