"""heartmind-csv: stream a CSV file of samples as a heartmind sensor.

A worked example of a third-party heartmind plugin. The whole plugin is this module — one
hook implementation, registered under the ``heartmind`` entry-point group in
``pyproject.toml`` — plus ``_sensor.py``, which the factory imports only when a session
actually builds a ``csv-file`` sensor (so ``heartmind plugins`` stays fast).
"""

from __future__ import annotations

from collections.abc import Iterator
from importlib import resources
from pathlib import Path

import heartmind
from heartmind import Option, SensorSpec

__all__ = ["heartmind_sensors", "sample_path"]

__version__ = "0.1.0"


@heartmind.hookimpl
def heartmind_sensors() -> Iterator[SensorSpec]:
    """Declare the ``csv-file`` sensor."""
    yield SensorSpec(
        name="csv-file",
        produces=("*",),
        factory=_open,
        description="Stream a CSV file of samples (first column time in s, or a fixed rate).",
        options={
            "path": Option(str, help="CSV file to stream"),
            "type": Option(str, "ECG", help="stream type, e.g. ECG, PPG, EDA (upper-cased)"),
            "rate": Option(
                float, 0.0, min=0.0, help="sampling rate in Hz; 0 = times from the first column"
            ),
            "units": Option(
                str, "a.u.", help="unit of the channels, or one per channel separated by commas"
            ),
            # not "name": Session.add_sensor(..., name=...) is the component's instance name
            "stream_name": Option(str, "", help="stream name (default: the file name, no suffix)"),
            "chunk_duration": Option(
                float, 0.25, min=0.001, max=3600.0, help="length of each chunk in s"
            ),
        },
    )


def _open(
    *, path: str, type: str, rate: float, units: str, stream_name: str, chunk_duration: float
) -> heartmind.Sensor:
    from ._sensor import CsvFileSensor  # the parser loads only when a sensor is built

    return CsvFileSensor(
        path=path,
        type=type,
        rate=rate,
        units=units,
        name=stream_name,
        chunk_duration=chunk_duration,
    )


def sample_path() -> Path:
    """Path of the bundled sample: 10 s of a synthetic ECG-like signal at 250 Hz, in mV.

    Columns ``time`` (s) and ``ECG`` (mV); made by ``make_sample.py`` in the source tree.
    """
    return Path(str(resources.files(__name__) / "data" / "ecg_250hz.csv"))
