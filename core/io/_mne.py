"""EDF, BDF and FIF recordings, read with MNE-Python: one track per channel type.

Channel types: for EDF/BDF, a label's type word (``"ECG I"``: ECG, channel ``I``) or the
label and unit as :func:`~heartmind.io.channel_type` reads them, MNE's type where neither
says anything (EEG, or STIM for a BDF status channel); for FIF, the types the file stores,
except MNE's generic ``misc``/``bio``, which the label may refine. EDF/BDF samples are given
in the file's own units (µV/mV/V), FIF in MNE's SI units. Annotations become a string
marker track. Timestamps are s from the measurement start (``meas_date``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from ..extras import require
from ..streams import StreamInfo
from ._channel_types import resolve_types, split_type_prefix
from ._reader import ReadOptions, ReadResult, tracks_by_type
from ._recording import RecordingError, Track, readonly

__all__ = ["read_mne_recording"]

#: MNE channel type -> heartmind stream type.
MNE_TYPES: dict[str, str] = {
    "eeg": "EEG",
    "ecg": "ECG",
    "eog": "EOG",
    "emg": "EMG",
    "resp": "RSP",
    "bio": "BIO",
    "stim": "STIM",
    "misc": "MISC",
    "seeg": "SEEG",
    "ecog": "ECOG",
    "temperature": "TEMP",
    "gsr": "EDA",
}
#: MNE types that say nothing about the signal (FIF): the label may tell more.
_VAGUE = ("misc", "bio")
#: Original EDF/BDF units and the factor from volts (MNE's unit) back to them.
_VOLT_UNITS: dict[str, float] = {"V": 1.0, "mV": 1e3, "uV": 1e6, "µV": 1e6, "nV": 1e9}
_STARTS = {"edf": "EDF header start date/time", "bdf": "BDF header start date/time",
           "fif": "FIF meas_date"}  # fmt: skip


def read_mne_recording(path: Path, options: ReadOptions, kind: str) -> ReadResult:
    """Read an EDF, BDF or FIF file (``kind``) with MNE."""
    mne = require("mne", f"reading {kind.upper()} files")
    reader = {"edf": mne.io.read_raw_edf, "bdf": mne.io.read_raw_bdf, "fif": mne.io.read_raw_fif}
    try:
        raw = reader[kind](str(path), preload=True, verbose="error")
    except Exception as exc:  # MNE raises many types for bad files
        raise RecordingError(f"MNE cannot read {path} as {kind.upper()}: {exc}") from None
    sfreq = float(raw.info["sfreq"])
    meas = raw.info.get("meas_date")
    stamps = (raw.first_samp + np.arange(raw.n_times, dtype=np.float64)) / sfreq
    meta = {"file": str(path), "meas_date": meas.isoformat() if meas is not None else ""}
    dimensions = _edf_dimensions(path) if kind in ("edf", "bdf") else {}
    units, scales = _units(raw, getattr(raw, "_orig_units", None) or {}, dimensions)
    names, types = _names_and_types(raw, kind, units, options)
    data = np.ascontiguousarray(raw.get_data().T)
    data *= scales
    tracks = tracks_by_type(_stem(path), path.name, data, stamps, names, units, types, sfreq, meta)
    annotations = _annotations(raw, path)
    if annotations is not None:
        tracks.append(annotations)
    anchor = (0.0, meas) if meas is not None else None
    header = {"meas_date": meta["meas_date"], "sfreq": repr(sfreq)}
    return ReadResult(tracks, anchor, _STARTS[kind] if meas is not None else "", header)


def _names_and_types(
    raw: Any, kind: str, units: list[str], options: ReadOptions
) -> tuple[list[str], tuple[str, ...]]:
    """Channel names (EDF/BDF: without a type word) and one type per channel."""
    labels = list(raw.ch_names)
    mne_types = raw.get_channel_types()
    given: list[str | None]
    if kind == "fif":
        names = labels
        given = [None if t in _VAGUE else MNE_TYPES.get(t, t.upper()) for t in mne_types]
    else:
        split = [split_type_prefix(label) for label in labels]
        names = [name for _, name in split]
        given = [prefix for prefix, _ in split]
    types = resolve_types(
        names,
        units,
        override=options.types,
        given=given,
        default=[MNE_TYPES.get(t, t.upper()) for t in mne_types],
        aliases=labels,
    )
    return names, types


def _stem(path: Path) -> str:
    name = path.name
    for suffix in (".fif.gz", ".fif", ".edf", ".bdf"):
        if name.lower().endswith(suffix):
            return name[: -len(suffix)]
    return path.stem


def _edf_dimensions(path: Path) -> dict[str, str]:
    """Label -> physical dimension of every signal, from the EDF/BDF header itself (MNE
    keeps only voltage units: ``uS``, ``%``, ``bpm`` … become ``n/a`` there)."""
    try:
        with path.open("rb") as f:
            head = f.read(256)
            n = int(head[252:256].decode("latin-1").strip())
            fields = f.read(n * (16 + 80 + 8))
    except (OSError, ValueError):
        return {}
    text = fields.decode("latin-1")
    labels = [text[16 * i : 16 * i + 16].strip() for i in range(n)]
    at = n * (16 + 80)
    units = [text[at + 8 * i : at + 8 * i + 8].strip() for i in range(n)]
    return dict(zip(labels, units, strict=True))


def _units(
    raw: Any, orig_units: dict[str, str], dimensions: dict[str, str]
) -> tuple[list[str], npt.NDArray[np.float64]]:
    """Units of every channel and the factors from MNE's values back to them: EDF/BDF
    in the file's own units (MNE scales voltages to V and leaves the others as they are),
    FIF in MNE's SI units."""
    from mne.io.constants import FIFF

    units: list[str] = []
    scales: list[float] = []
    for ch in raw.info["chs"]:
        name = ch["ch_name"]
        is_volt = ch["unit"] == FIFF.FIFF_UNIT_V
        orig = orig_units.get(name, "")
        if is_volt and orig in _VOLT_UNITS:
            units.append("uV" if orig == "µV" else orig)
            scales.append(_VOLT_UNITS[orig])
        elif name in dimensions:  # EDF/BDF, not a voltage: MNE left the values unscaled
            units.append(dimensions[name] or "a.u.")
            scales.append(1.0)
        else:
            units.append("V" if is_volt else (orig or "a.u."))
            scales.append(1.0)
    return units, np.asarray(scales, dtype=np.float64)


def _annotations(raw: Any, path: Path) -> Track | None:
    """MNE annotations as a string marker track (onsets on the samples' time axis, s)."""
    ann = raw.annotations
    if len(ann) == 0:
        return None
    onsets = np.asarray(ann.onset, dtype=np.float64)
    if ann.orig_time is None:
        onsets = onsets + raw.first_samp / float(raw.info["sfreq"])
    order = np.argsort(onsets, kind="stable")
    text = np.array([str(ann.description[i]) for i in order], dtype=object).reshape(-1, 1)
    info = StreamInfo(
        name=f"{_stem(path)}-annotations",
        type="MARKERS",
        channels=("annotation",),
        units="",
        rate=0.0,
        dtype="string",
        source_id=f"{path.name}:annotations",
        meta={"file": str(path)},
    )
    return Track(info, readonly(text), readonly(onsets[order]))
