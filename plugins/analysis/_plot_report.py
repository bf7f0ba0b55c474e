"""Which PNG plots an analysis report has for each stream type, and writing them all."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from heartmind.errors import MissingExtraError
from heartmind.io import Track, first_timestamp

from ._collect import EventCollector

__all__ = ["plot_all"]


def plot_all(tracks: Sequence[Track], collector: EventCollector, out: Path) -> list[Path]:
    """Every plot for every analysed stream; returns the files written.

    ECG: excerpts and overview; PPG, EDA, RSP, EEG, radar: their own figure; ECG, PPG and
    radar also the heart-rate trend and the HRV figure.
    """
    try:
        import matplotlib  # noqa: F401
    except ImportError as exc:
        raise MissingExtraError("plots", "the plots of heartmind analyze", "matplotlib") from exc
    from . import _plot_cardiac as cardiac
    from . import _plot_physio as physio

    origin = first_timestamp(tracks)
    files: list[Path] = []
    for track in tracks:
        kind = track.info.type
        if kind == "ECG":
            files += cardiac.plot_ecg(track, collector, origin, out)
        elif kind == "PPG":
            files += physio.plot_ppg(track, collector, origin, out)
        elif kind == "EDA":
            files += physio.plot_eda(track, collector, origin, out)
        elif kind == "RSP":
            files += physio.plot_rsp(track, collector, origin, out)
        elif kind == "EEG":
            files += physio.plot_eeg(track, collector, origin, out)
        elif kind == "RADAR":
            files += physio.plot_radar(track, collector, origin, out)
        if kind in ("ECG", "PPG", "RADAR"):
            files += cardiac.plot_heart_rate(track, collector, out)
            files += cardiac.plot_hrv(track, collector, out)
    return files
