"""Built-in ``replay`` plugin: play XDF, EDF, BDF and FIF recordings back as a sensor.

* ``replay`` (sensor): every stream of a file (or the selected ones) as chunks in global
  timestamp order, with the original relative timing; gaps recorded in XDF footers become
  :class:`heartmind.Gap` events.
* ``heartmind replay FILE`` (command): prints, republishes over LSL (``--lsl``) or runs a
  pipeline's processors and consumers (``--pipeline``) on a recording.

Importing this package is cheap: the XDF reader loads in the factory, MNE only for
EDF/BDF/FIF files. See ``docs/plugins/replay.md``.

    session = heartmind.Session(clock="virtual")
    session.add_sensor("replay", path="rec.xdf", select=["ECG"])
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import heartmind
from heartmind.specs import CommandSpec, Option, SensorSpec

if TYPE_CHECKING:
    from .sensor import ReplaySensor

__all__ = ["OPTIONS", "heartmind_commands", "heartmind_sensors", "open_replay"]

#: Options of the ``replay`` sensor (``streams`` is a reserved name, hence ``select``).
OPTIONS: dict[str, Option] = {
    "path": Option(str, help="recording to play: .xdf, .edf, .bdf, .fif or .fif.gz"),
    "select": Option(list, [], "names or types of the streams to play; [] plays all", item=str),
    "keep_timestamps": Option(
        bool, False, "keep the file's timestamps exactly instead of starting at the session's now"
    ),
    "chunk_duration": Option(
        float, 0.1, "length of each chunk in s", min=0.001, max=60.0, unit="s"
    ),
    "speed": Option(
        float,
        1.0,
        "real-time playback speed factor; 1 is paced by the session, others pace themselves",
        min=1e-3,
        max=1e6,
    ),
}


def open_replay(**options: Any) -> ReplaySensor:
    """Factory of the ``replay`` sensor (options: see :data:`OPTIONS`)."""
    from .sensor import ReplaySensor

    return ReplaySensor(**options)


@heartmind.hookimpl
def heartmind_sensors() -> Iterator[SensorSpec]:
    """Declare the ``replay`` sensor."""
    yield SensorSpec(
        name="replay",
        produces=("*",),
        factory=open_replay,
        options=OPTIONS,
        description="Play an XDF, EDF, BDF or FIF recording back with its original timing.",
    )


@heartmind.hookimpl
def heartmind_commands() -> Iterator[CommandSpec]:
    """Declare ``heartmind replay``."""
    from .cli import configure, run

    yield CommandSpec(
        name="replay",
        factory=run,
        configure=configure,
        description="replay an XDF/EDF/BDF/FIF recording: print, publish over LSL or run "
        "a pipeline on it",
    )
