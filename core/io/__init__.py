"""``heartmind.io``: open any recording, play it back, cut it into chunks.

One way to open a recording — XDF, EDF/BDF, FIF, CSV, WFDB — into tracks with timestamps,
channel types and the recording's real start time, used by ``heartmind analyze``, the
``replay`` sensor and the dataset readers::

    from heartmind.io import open_recording

    rec = open_recording("session.xdf")          # or .edf, .bdf, .fif, .csv, a WFDB record
    rec.start                                    # UTC datetime of rec.origin (or None)
    for track in rec.tracks:                     # one per stream (markers included)
        track.info, track.data, track.timestamps, track.channel_types, track.gaps

* :func:`open_recording`, :class:`Recording`, :class:`Track`, :class:`TrackGap`,
  :class:`RecordingError`; :func:`recording_format` and the reader table :data:`READERS`
  (a new format is one entry there);
* :func:`channel_type`: a channel's type from its label and unit as people write them
  (``"EKG"``, ``"Lead II"``, ``"V5"``, ``"PLETH"``, ``"GSR"``, ``"Fpz-Cz"``, ``"uS"``);
* :class:`RecordingSensor`: the sensor that plays tracks back with their timing (the
  ``replay`` plugin's sensor; ``analyze`` plays recordings through it too);
  :func:`window_edges` and :func:`track_chunks` cut tracks into chunks without copies;
* :func:`select_tracks`, :func:`drop_nonfinite`, :func:`readonly`, :func:`first_timestamp`.

Heavy readers (MNE, wfdb, pandas) load only when a file of their format is opened. See
``docs/architecture.md`` ("heartmind.io").
"""

from __future__ import annotations

from ._channel_types import channel_type, normalise_type, split_type_prefix
from ._open import FORMATS, READERS, SUFFIXES, open_recording, recording_format
from ._recording import (
    Recording,
    RecordingError,
    Track,
    TrackGap,
    drop_nonfinite,
    first_timestamp,
    readonly,
    select_tracks,
    unique_names,
)
from ._sensor import RecordingSensor, tracks_summary
from ._windows import track_chunks, window_edges

__all__ = [
    "FORMATS",
    "READERS",
    "SUFFIXES",
    "Recording",
    "RecordingError",
    "RecordingSensor",
    "Track",
    "TrackGap",
    "channel_type",
    "drop_nonfinite",
    "first_timestamp",
    "normalise_type",
    "open_recording",
    "readonly",
    "recording_format",
    "select_tracks",
    "split_type_prefix",
    "track_chunks",
    "tracks_summary",
    "unique_names",
    "window_edges",
]
