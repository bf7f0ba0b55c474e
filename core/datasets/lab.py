"""A documented layout for a lab's own labelled recordings: reader and writer.

::

    my-study/
      dataset.json          optional: {"name": "...", "synthetic": false,
                                       "label_scales": {"valence": [1, 9], ...}}
      labels.csv            subject,start,end,valence,arousal,dominance,stress,condition[,kind]
      P01.xdf               one XDF per subject or session (e.g. from LabRecorder), or
      P02.ECG.csv           one CSV per subject and modality: <subject>.<MODALITY>.csv
      P02.EDA.csv

* **XDF**: every numeric stream becomes a recording keyed by its stream type, upper case
  (``ECG``, ``EDA``, …; by its name when two share a type). String (marker) streams and
  streams whose samples have a shape (images) are skipped. Times are in s from the
  earliest first timestamp of the file's numeric streams.
* **CSV**: an optional first line ``# rate=<Hz> units=<u1>;<u2>;…`` (``rate=0`` for
  irregular streams), then a header ``time,<channel>,…``, then one row per sample; ``time``
  in s on the subject timeline. Without the comment line the rate is estimated from the
  times and the units are ``a.u.``.

Both are read with :func:`heartmind.io.open_recording` (NaN samples kept).
* **labels.csv**: one row per labelled interval; ``subject`` is the file stem (``P01``),
  ``start``/``end`` in s on that subject's timeline; ``valence``, ``arousal``,
  ``dominance`` numbers on the scale in ``dataset.json`` (-1…1 if none is given),
  ``stress`` 0/1, ``condition`` free text, ``kind`` ``baseline``/``stimulus`` (default:
  ``baseline`` when the condition is ``baseline`` or ``rest``). Empty cells mean "not rated".
"""

from __future__ import annotations

import csv
import json
import logging
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from ..errors import ConfigError
from .base import AffectiveDataset, DatasetError, Label, Segment, Signal, Subject

__all__ = ["LABEL_COLUMNS", "read_lab", "write_lab", "write_lab_like"]

log = logging.getLogger(__name__)

#: Columns of ``labels.csv`` (``kind`` is optional).
LABEL_COLUMNS: tuple[str, ...] = (
    *("subject", "start", "end", "valence", "arousal", "dominance", "stress", "condition"),
)
_NUMERIC = ("valence", "arousal", "dominance")


def read_lab(path: str | Path) -> AffectiveDataset:
    """Read a folder in the lab layout (see the module docstring and ``docs/datasets.md``).

    Raises
    ------
    DatasetError
        No ``labels.csv``, a malformed row, a label for a subject without recordings, or
        an unreadable recording.
    """
    root = Path(path)
    if not (root / "labels.csv").is_file():
        raise DatasetError(
            f"{root} has no labels.csv; the lab layout needs labels.csv plus one "
            "<subject>.xdf or <subject>.<MODALITY>.csv per subject."
        )
    meta = _meta(root)
    segments = _labels(root / "labels.csv")
    recordings = _recordings(root)
    unknown = sorted(set(segments) - set(recordings))
    if unknown:
        raise DatasetError(
            f"{root / 'labels.csv'}: subject {unknown[0]!r} has no recording "
            f"({unknown[0]}.xdf or {unknown[0]}.<MODALITY>.csv); fix the subject column."
        )
    subjects = [
        Subject(sid, recordings[sid], sorted(segments.get(sid, []), key=lambda g: g.start))
        for sid in sorted(recordings)
    ]
    return AffectiveDataset(
        name=str(meta.get("name", root.name)),
        subjects=subjects,
        synthetic=bool(meta.get("synthetic", False)),
        description={
            **meta,
            "root": str(root),
            "label_scales": meta.get("label_scales", {k: (-1, 1) for k in _NUMERIC}),
        },
    )


def _meta(root: Path) -> dict[str, Any]:
    file = root / "dataset.json"
    if not file.is_file():
        return {}
    try:
        meta = json.loads(file.read_text(encoding="utf-8"))
    except (ValueError, UnicodeDecodeError) as exc:
        raise DatasetError(f"{file} is not valid JSON ({exc}); fix or remove it.") from None
    if not isinstance(meta, dict):
        raise DatasetError(f"{file} must hold a JSON object.")
    return meta


def _labels(file: Path) -> dict[str, list[Segment]]:
    out: dict[str, list[Segment]] = {}
    with open(file, newline="", encoding="utf-8") as f:
        reader = csv.DictReader(f)
        missing = [c for c in ("subject", "start", "end") if c not in (reader.fieldnames or [])]
        if missing:
            raise DatasetError(f"{file}: column {missing[0]!r} is missing; see LABEL_COLUMNS.")
        for line, row in enumerate(reader, start=2):
            try:
                seg = _segment(row)
            except (ValueError, TypeError, DatasetError) as exc:
                raise DatasetError(f"{file} line {line}: {exc}") from None
            out.setdefault(row["subject"].strip(), []).append(seg)
    return out


def _segment(row: dict[str, str]) -> Segment:
    labels: dict[str, Label] = {}
    for key, value in row.items():
        value = (value or "").strip()
        if key in ("subject", "start", "end", "kind") or not value:
            continue
        if key in _NUMERIC:
            labels[key] = float(value)
        elif key == "stress":
            if value not in ("0", "1"):
                raise ValueError(f"stress must be 0 or 1, got {value!r}")
            labels[key] = int(value)
        else:
            labels[key] = value
    cond = str(labels.get("condition", ""))
    kind = (row.get("kind") or "").strip() or (
        "baseline" if cond in ("baseline", "rest") else "stimulus"
    )
    return Segment(float(row["start"]), float(row["end"]), labels, kind, cond)


def _recordings(root: Path) -> dict[str, dict[str, Signal]]:
    out: dict[str, dict[str, Signal]] = {}
    for file in sorted(root.glob("*.xdf")):
        out[file.stem] = _read_xdf(file)
    for file in sorted(root.glob("*.*.csv")):
        sid, modality = file.name[: -len(".csv")].split(".", 1)
        out.setdefault(sid, {})[modality] = _read_csv(file, modality)
    if not out:
        raise DatasetError(f"{root}: no <subject>.xdf or <subject>.<MODALITY>.csv files.")
    return out


def _read_xdf(file: Path) -> dict[str, Signal]:
    from ..io import RecordingError, open_recording

    try:
        recording = open_recording(file, nan_gaps=False)
    except RecordingError as exc:
        raise DatasetError(f"{file}: {exc}") from None
    tracks = [t for t in recording.signals if t.n_samples and not t.info.shape]
    if not tracks:
        raise DatasetError(f"{file} has no numeric stream with samples.")
    origin = min(float(t.timestamps[0]) for t in tracks)
    types = [t.info.type for t in tracks]
    out = {}
    for t in tracks:
        info = t.info
        key = info.type if types.count(info.type) == 1 else info.name
        ts = t.timestamps - origin
        if info.rate > 0:
            sig = Signal(t.data, info.rate, info.channels, info.units, float(ts[0]))
        else:
            sig = Signal(t.data, 0.0, info.channels, info.units, 0.0, ts)
        out[key] = sig
    return out


def _read_csv(file: Path, modality: str) -> Signal:
    from ..io import RecordingError, open_recording

    try:
        recording = open_recording(file, types=modality, nan_gaps=False)
    except RecordingError as exc:
        raise DatasetError(f"{file}: {exc}; see the lab layout.") from None
    if recording.header.get("time_column") != "time" or len(recording.tracks) != 1:
        raise DatasetError(f"{file}: need a header 'time,<channel>,…' and at least 2 rows.")
    (track,) = recording.tracks
    info, times = track.info, track.timestamps
    data = track.data.astype(np.float32)
    if info.rate > 0:
        return Signal(data, info.rate, info.channels, info.units, float(times[0]))
    return Signal(data, 0.0, info.channels, info.units, 0.0, times)


# -- writer ------------------------------------------------------------------------------


def write_lab(dataset: AffectiveDataset, path: str | Path, fmt: str = "xdf") -> Path:
    """Write any :class:`AffectiveDataset` in the lab layout (``fmt`` ``"xdf"`` or ``"csv"``)."""
    if fmt not in ("xdf", "csv"):
        raise ConfigError(f"write_lab: fmt {fmt!r} is not one of 'xdf', 'csv'.")
    root = Path(path)
    root.mkdir(parents=True, exist_ok=True)
    meta = {
        "name": dataset.name,
        "synthetic": dataset.synthetic,
        "label_scales": {k: list(v) for k, v in dataset.label_scales.items()},
    }
    (root / "dataset.json").write_text(json.dumps(meta, indent=2) + "\n", encoding="utf-8")
    rows = []
    for subject in dataset.subjects:
        if fmt == "xdf":
            _write_xdf(subject, root / f"{subject.subject_id}.xdf")
        else:
            for name, sig in subject.recordings.items():
                _write_csv(sig, root / f"{subject.subject_id}.{name}.csv")
        rows += [_row(subject.subject_id, g) for g in subject.segments]
    with open(root / "labels.csv", "w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, [*LABEL_COLUMNS, "kind"], extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)
    return root


def _row(sid: str, seg: Segment) -> dict[str, Any]:
    return {"subject": sid, "start": seg.start, "end": seg.end, "kind": seg.kind, **seg.labels}


def _write_xdf(subject: Subject, file: Path) -> None:
    from ..streams import StreamInfo
    from ..xdf import XdfWriter

    with XdfWriter(file, overwrite=True) as writer:
        for name, sig in subject.recordings.items():
            dtype = "float64" if sig.data.dtype == np.float64 else "float32"
            info = StreamInfo(
                f"{subject.subject_id}-{name}", name, sig.channels, sig.units, sig.rate, dtype
            )
            sid = writer.add_stream(info)
            writer.write_chunk(sid, sig.data.astype(dtype), sig.times())


def _write_csv(sig: Signal, file: Path) -> None:
    table: npt.NDArray[np.float64] = np.column_stack((sig.times(), sig.data.astype(np.float64)))
    head = f"# rate={sig.rate:g} units={';'.join(sig.units)}\ntime,{','.join(sig.channels)}"
    np.savetxt(file, table, delimiter=",", header=head, comments="", fmt="%.9g")


def write_lab_like(
    path: str | Path, n_subjects: int = 2, seed: int = 0, *, fmt: str = "xdf", **options: Any
) -> Path:
    """Write :func:`~heartmind.datasets.synthetic_affective` data in the lab layout.

    ``options`` go to :func:`~heartmind.datasets.synthetic_affective` (``duration``,
    ``modalities``, …). ``dataset.json`` says ``"synthetic": true``.
    """
    from .synthetic import synthetic_affective

    return write_lab(synthetic_affective(n_subjects, seed, **options), path, fmt)
