"""Built-in ``replay`` plugin: play recordings (XDF, EDF, BDF, FIF, CSV, WFDB) back as a sensor.

* ``replay`` (sensor): every stream of a file (or the selected ones) as chunks in global
  timestamp order, with the original relative timing; gaps recorded in XDF footers and
  spans of NaN samples become :class:`heartmind.Gap` events. The file is opened with
  :func:`heartmind.io.open_recording` and played by :class:`heartmind.io.RecordingSensor`.
* ``heartmind replay FILE`` (command): prints, republishes over LSL (``--lsl``) or runs a
  pipeline's processors and consumers (``--pipeline``) on a recording.

Importing this package is cheap: the readers load in the factory, MNE only for
EDF/BDF/FIF files. See ``docs/plugins/replay.md``.

    session = heartmind.Session(clock="virtual")
    session.add_sensor("replay", path="rec.xdf", select=["ECG"])
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING

import heartmind
from heartmind.specs import CommandSpec, Option, SensorSpec

if TYPE_CHECKING:
    from heartmind.io import RecordingSensor

__all__ = ["OPTIONS", "heartmind_commands", "heartmind_sensors", "open_replay"]

#: Options of the ``replay`` sensor (``streams`` is a reserved name, hence ``select``).
OPTIONS: dict[str, Option] = {
    "path": Option(
        str, help="recording to play: .xdf, .edf, .bdf, .fif(.gz), .csv or a WFDB record"
    ),
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


def open_replay(
    *,
    path: str,
    select: Sequence[str] = (),
    keep_timestamps: bool = False,
    chunk_duration: float = 0.1,
    speed: float = 1.0,
) -> RecordingSensor:
    """Factory of the ``replay`` sensor (options: see :data:`OPTIONS`): the recording's
    selected tracks in a :class:`heartmind.io.RecordingSensor`.

    Raises
    ------
    ConfigError
        The file is missing, of an unknown format or unreadable, or ``select`` names a
        stream it lacks (:class:`heartmind.io.RecordingError`), or a bad option value.
    """
    from heartmind.io import RecordingSensor, open_recording

    recording = open_recording(path, select=list(select))
    return RecordingSensor(
        recording.tracks,
        keep_timestamps=keep_timestamps,
        chunk_duration=chunk_duration,
        speed=speed,
        path=path,
        who="replay",
    )


@heartmind.hookimpl
def heartmind_sensors() -> Iterator[SensorSpec]:
    """Declare the ``replay`` sensor."""
    yield SensorSpec(
        name="replay",
        produces=("*",),
        factory=open_replay,
        options=OPTIONS,
        description="Play a recording (XDF, EDF, BDF, FIF, CSV, WFDB) back with its original "
        "timing.",
    )


@heartmind.hookimpl
def heartmind_commands() -> Iterator[CommandSpec]:
    """Declare ``heartmind replay``."""
    from ._cli import configure, run

    yield CommandSpec(
        name="replay",
        factory=run,
        configure=configure,
        description="replay a recording (XDF/EDF/BDF/FIF/CSV/WFDB): print, publish over LSL "
        "or run a pipeline on it",
    )
