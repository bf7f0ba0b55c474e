"""Lab Streaming Layer (LSL) acquisition and publishing for heartmind.

* ``lsl-inlet`` (sensor): reads one LSL stream, resolved by name, type, source id or an
  XPath predicate; converts timestamps to the session clock; survives outlet restarts,
  reporting the lost interval as a :class:`heartmind.Gap`.
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
    from .outlet import LSLOutlet

__all__ = [
    "LSLUnsafeError",
    "StreamNotFoundError",
    "ensure_lsl",
    "lsl_scope",
    "lsl_subprocess_env",
    "open_inlet",
    "open_outlet",
]

_SCOPE = Option(
    str, "machine", "LSL scope: 'machine' (default) or 'lan' (opt in)", choices=("machine", "lan")
)

INLET_OPTIONS: dict[str, Option] = {
    "lsl_name": Option(str, "", "LSL stream name to match"),
    "lsl_type": Option(str, "", "LSL stream type to match (e.g. 'EEG', 'Markers')"),
    "source_id": Option(str, "", "LSL source_id to match"),
    "predicate": Option(str, "", "XPath predicate, e.g. \"starts-with(name,'ECG')\""),
    "timeout": Option(float, 5.0, "how long to wait for the stream at start, s", min=0.0),
    "rename": Option(str, "", "name of the stream in heartmind (default: LSL name)"),
    "clock_sync": Option(bool, True, "add liblsl's time correction to timestamps"),
    "dejitter": Option(bool, False, "smooth timestamps of regular streams"),
    "max_samples": Option(int, 1024, "largest chunk per read, samples", min=1),
    "max_buflen": Option(int, 360, "inlet buffer, s (x100 samples if irregular)", min=1),
    "watchdog": Option(float, 1.0, "silence before the outlet is checked, s", min=0.05),
    "gap_threshold": Option(float, 0.0, "timestamp jump that is a gap, s (0: auto)", min=0.0),
    "scope": _SCOPE,
}

OUTLET_OPTIONS: dict[str, Option] = {
    "prefix": Option(str, "heartmind-", "prefix of every LSL stream name"),
    "event_topics": Option(list, ["*"], "event topics to publish as JSON markers", item=str),
    "events_name": Option(str, "events", "name of the marker stream (after the prefix)"),
    "chunk_size": Option(int, 0, "LSL transmission chunk size, samples (0: per push)", min=0),
    "max_buffered": Option(int, 360, "outlet buffer, s (x100 samples if irregular)", min=1),
    "scope": _SCOPE,
}


def open_inlet(**options: Any) -> LSLInlet:
    """Factory of the ``lsl-inlet`` sensor (options: see ``INLET_OPTIONS``)."""
    require("pylsl", "the lsl-inlet sensor")
    from .inlet import LSLInlet

    return LSLInlet(**options)


def open_outlet(**options: Any) -> LSLOutlet:
    """Factory of the ``lsl-outlet`` consumer (options: see ``OUTLET_OPTIONS``)."""
    require("pylsl", "the lsl-outlet consumer")
    from .outlet import LSLOutlet

    return LSLOutlet(**options)


@heartmind.hookimpl
def heartmind_sensors() -> Iterator[SensorSpec]:
    """The ``lsl-inlet`` sensor."""
    yield SensorSpec(
        name="lsl-inlet",
        produces=("*",),
        factory=open_inlet,
        options=INLET_OPTIONS,
        description="Read one Lab Streaming Layer stream (machine-only unless scope='lan').",
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
