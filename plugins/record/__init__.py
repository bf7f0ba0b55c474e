"""XDF recording of sessions and LSL streams.

* ``xdf-recorder`` (consumer): writes every stream and event of a session to an XDF 1.0
  file, as LabRecorder does (raw timestamps + clock offsets, crash-safe, incremental).
* ``heartmind record OUT.xdf --stream name=X ...``: records LSL streams (``lsl-streams``).
* ``heartmind info FILE.xdf``: summarises a recording.

Importing this module is cheap: the writer, pylsl and rich load in the factories. The
recorder class is public in :mod:`heartmind.plugins.record.api` (re-exported here lazily:
``from heartmind.plugins.record import XdfRecorder``).
"""

from __future__ import annotations

import importlib
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import heartmind
from heartmind.specs import CommandSpec, ConsumerSpec, Option

if TYPE_CHECKING:
    from ._recorder import XdfRecorder

__all__ = ["RECORDER_OPTIONS", "open_recorder"]

RECORDER_OPTIONS: dict[str, Option] = {
    "path": Option(str, help="the .xdf file to write (created with mode 0600)"),
    "overwrite": Option(bool, False, "replace an existing file"),
    "record_events": Option(
        bool, True, "record events as the JSON marker stream 'heartmind-events'"
    ),
    "flush_interval": Option(
        float, 0.5, "longest wait before data is handed to the OS, s", min=0.0, max=1.0, unit="s"
    ),
    "fsync": Option(bool, False, "fsync on every flush (survives power loss), slower"),
    "offset_interval": Option(
        float, 5.0, "sample time between ClockOffset chunks, s", min=0.1, unit="s"
    ),
}


def open_recorder(**options: Any) -> XdfRecorder:
    """Factory of the ``xdf-recorder`` consumer (options: see ``RECORDER_OPTIONS``)."""
    from ._recorder import XdfRecorder

    return XdfRecorder(**options)


def __getattr__(name: str) -> Any:
    """Lazily re-export the names of :mod:`.api` (loaded on first use)."""
    if not name.startswith("_"):
        api = importlib.import_module(".api", __name__)
        if name in api.__all__:
            return getattr(api, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


@heartmind.hookimpl
def heartmind_consumers() -> Iterator[ConsumerSpec]:
    """The ``xdf-recorder`` consumer; it records every stream unless told otherwise."""
    yield ConsumerSpec(
        name="xdf-recorder",
        factory=open_recorder,
        options=RECORDER_OPTIONS,
        streams=("stream:*",),
        description="Record every stream and event to an XDF file (LabRecorder layout).",
    )


def _record_configure(parser: Any) -> None:
    from ._cli import configure_record

    configure_record(parser)


def _record_run(args: Any, manager: Any) -> int:
    from ._cli import run_record

    return run_record(args, manager)


def _info_configure(parser: Any) -> None:
    from ._cli import configure_info

    configure_info(parser)


def _info_run(args: Any, manager: Any) -> int:
    from ._cli import run_info

    return run_info(args, manager)


@heartmind.hookimpl
def heartmind_commands() -> Iterator[CommandSpec]:
    """``heartmind record`` and ``heartmind info``."""
    yield CommandSpec(
        name="record",
        factory=_record_run,
        configure=_record_configure,
        description="record LSL streams to an XDF file (as LabRecorder)",
    )
    yield CommandSpec(
        name="info",
        factory=_info_run,
        configure=_info_configure,
        description="summarise an XDF recording: streams, rates, counts, gaps, offsets",
    )
