"""WESAD (Schmidt et al., ICMI 2018): reader of its own layout, and a generator of that layout.

WESAD's documentation describes one folder per subject inside ``WESAD/``::

    WESAD/
      S2/S2.pkl   S3/S3.pkl   …   S17/S17.pkl      (S1 and S12 do not exist)

each ``.pkl`` a Python 2 pickle (read with ``encoding="latin1"``) of a dict:

* ``"subject"``: ``"S2"``;
* ``"signal"``: ``{"chest": {...}, "wrist": {...}}`` — chest (RespiBAN, all 700 Hz):
  ``ACC`` (n, 3) g, ``ECG`` mV, ``EMG`` mV, ``EDA`` µS, ``Temp`` °C, ``Resp`` %;
  wrist (Empatica E4): ``ACC`` (n, 3) 32 Hz in 1/64 g, ``BVP`` 64 Hz, ``EDA`` 4 Hz µS,
  ``TEMP`` 4 Hz °C;
* ``"label"``: (n,) at 700 Hz: 0 not defined / transient, 1 baseline, 2 stress,
  3 amusement, 4 meditation, 5–7 to be ignored.

:func:`read_wesad` loads them through a restricted unpickler (no code in a file can run),
keeps chest signals as ``"ECG"``, ``"EDA"``, ``"EMG"``, ``"TEMP"``, ``"RSP"``, ``"ACC"`` and wrist
signals as ``"wrist_ACC"``, ``"wrist_BVP"``, ``"wrist_EDA"``, ``"wrist_TEMP"`` (float32), and
turns runs of labels 1–4 into segments. :func:`write_wesad_like` writes simulated subjects
in exactly this layout (labelled synthetic by a marker file in the root).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from ..errors import ConfigError
from .base import AffectiveDataset, DatasetError, Segment, Signal, Subject
from .synthetic import Episode, simulate_subject, subject_profile

__all__ = ["CONDITIONS", "SYNTHETIC_MARKER", "read_wesad", "write_wesad_like"]

log = logging.getLogger(__name__)

#: WESAD label codes used for segments.
CONDITIONS: dict[int, str] = {1: "baseline", 2: "stress", 3: "amusement", 4: "meditation"}
#: File that the generator puts in the root folder: its presence marks the data synthetic.
SYNTHETIC_MARKER = "HEARTMIND_SYNTHETIC.txt"
CHEST_RATE = 700.0
#: WESAD key -> (heartmind name, rate in Hz, channels, unit).
_CHEST = {
    "ECG": ("ECG", ("ECG",), "mV"),
    "EDA": ("EDA", ("EDA",), "uS"),
    "EMG": ("EMG", ("EMG",), "mV"),
    "Temp": ("TEMP", ("TEMP",), "degC"),
    "Resp": ("RSP", ("RSP",), "%"),
    "ACC": ("ACC", ("x", "y", "z"), "g"),
}
_WRIST = {
    "ACC": ("wrist_ACC", 32.0, ("x", "y", "z"), "1/64 g"),
    "BVP": ("wrist_BVP", 64.0, ("BVP",), "a.u."),
    "EDA": ("wrist_EDA", 4.0, ("EDA",), "uS"),
    "TEMP": ("wrist_TEMP", 4.0, ("TEMP",), "degC"),
}


def _root(path: str | Path) -> Path:
    root = Path(path)
    if (root / "WESAD").is_dir() and not list(root.glob("S*/S*.pkl")):
        root = root / "WESAD"
    if not root.is_dir():
        raise DatasetError(
            f"{root} is not a folder; give the WESAD folder that holds S2/S2.pkl, S3/S3.pkl, …"
        )
    return root


def _subject_files(root: Path, subjects: Sequence[str] | None) -> list[Path]:
    found = {p.parent.name: p for p in root.glob("S*/S*.pkl") if p.stem == p.parent.name}
    if not found:
        raise DatasetError(
            f"no subject pickles in {root}: expected WESAD's layout S2/S2.pkl … S17/S17.pkl."
        )
    names = sorted(found, key=lambda s: int(re.sub(r"\D", "", s) or 0))
    if subjects is None:
        return [found[n] for n in names]
    missing = [s for s in subjects if s not in found]
    if missing:
        raise ConfigError(f"WESAD: no subject {missing[0]!r} in {root}; found {', '.join(names)}.")
    return [found[s] for s in subjects]


def read_wesad(
    path: str | Path, subjects: Sequence[str] | None = None, *, wrist: bool = True
) -> AffectiveDataset:
    """Read WESAD from its folder.

    Parameters
    ----------
    path
        The ``WESAD`` folder (holding ``S2/S2.pkl`` …), or the folder containing it.
    subjects
        Subject ids to read (``["S2", "S3"]``); all by default. A real subject file is
        about 1 GB in memory as float64: read a few at a time if memory is short.
    wrist
        Also keep the wrist (Empatica E4) signals.

    Returns
    -------
    AffectiveDataset
        One :class:`Subject` per file; segments are runs of labels 1–4 (``condition``
        baseline/stress/amusement/meditation, ``stress`` 1 for the stress condition, 0
        otherwise); baseline runs have kind ``"baseline"``.

    Raises
    ------
    DatasetError
        Missing folder or files, a damaged pickle, or a dict not in WESAD's layout.
    UnsafePickleError
        A pickle names a global other than numpy array reconstruction (nothing is run).
    """
    from ._pickle import load_restricted

    root = _root(path)
    out = []
    for file in _subject_files(root, subjects):
        raw = load_restricted(file)
        out.append(_subject(raw, file, wrist))
        log.info("WESAD: read %s", file)
    synthetic = (root / SYNTHETIC_MARKER).exists()
    return AffectiveDataset(
        name="WESAD",
        subjects=out,
        synthetic=synthetic,
        description={
            "root": str(root),
            "label_codes": CONDITIONS,
            "label_scales": {},
            "note": "written by heartmind.datasets.write_wesad_like (simulated)"
            if synthetic
            else "WESAD (Schmidt et al. 2018)",
        },
    )


def _get(d: Any, key: str, file: Path, where: str) -> Any:
    if not isinstance(d, dict) or key not in d:
        raise DatasetError(
            f"{file}: {where} has no key {key!r}; this is not a WESAD subject file "
            "(expected keys 'subject', 'signal' {'chest', 'wrist'}, 'label')."
        )
    return d[key]


def _array(value: Any, file: Path, where: str, n: int | None = None) -> npt.NDArray[Any]:
    arr = np.asarray(value)
    if arr.dtype.kind not in "biuf" or arr.ndim not in (1, 2) or (n is not None and len(arr) != n):
        raise DatasetError(
            f"{file}: {where} is not a numeric (n,) or (n, c) array of {n or 'n'} samples "
            f"(got {arr.dtype}, shape {arr.shape}); the file is damaged."
        )
    return arr.astype(np.float32) if arr.dtype.kind == "f" else arr


def _subject(raw: Any, file: Path, wrist: bool) -> Subject:
    labels = _array(_get(raw, "label", file, "the file"), file, "label").reshape(-1)
    signal = _get(raw, "signal", file, "the file")
    chest = _get(signal, "chest", file, "'signal'")
    recordings: dict[str, Signal] = {}
    for key, (name, channels, unit) in _CHEST.items():
        arr = _array(_get(chest, key, file, "'signal']['chest'"), file, f"chest {key}", len(labels))
        recordings[name] = Signal(arr.reshape(len(arr), -1), CHEST_RATE, channels, unit)
    if wrist:
        wr = _get(signal, "wrist", file, "'signal'")
        for key, (name, rate, channels, unit) in _WRIST.items():
            arr = _array(_get(wr, key, file, "'signal']['wrist'"), file, f"wrist {key}")
            recordings[name] = Signal(arr.reshape(len(arr), -1), rate, channels, unit)
    sid = raw.get("subject", file.stem)
    return Subject(
        subject_id=str(sid),
        recordings=recordings,
        segments=label_segments(labels, CHEST_RATE),
        info={"file": str(file)},
    )


def label_segments(labels: npt.ArrayLike, rate: float) -> list[Segment]:
    """Segments from runs of WESAD label codes 1–4 sampled at ``rate`` Hz."""
    lab = np.asarray(labels).astype(np.int64).reshape(-1)
    if lab.size == 0:
        return []
    edges = np.flatnonzero(np.diff(lab)) + 1
    starts = np.concatenate(([0], edges))
    stops = np.concatenate((edges, [lab.size]))
    out = []
    for a, b in zip(starts, stops, strict=True):
        code = int(lab[a])
        if code not in CONDITIONS:
            continue
        cond = CONDITIONS[code]
        out.append(
            Segment(
                float(a / rate),
                float(b / rate),
                {"stress": int(code == 2), "condition": cond, "label_code": code},
                "baseline" if code == 1 else "stimulus",
                cond,
            )
        )
    return out


# -- generator ---------------------------------------------------------------------------

#: The two WESAD protocol orders (scaled by ``minutes`` in the generator); 0 = transient.
_ORDERS = (
    ("baseline", "amusement", "meditation", "stress", "meditation"),
    ("baseline", "stress", "meditation", "amusement", "meditation"),
)
_STATE = {  # stress, valence, arousal, dominance, stress label, relative length
    "baseline": (0.1, 0.2, -0.3, 0.2, 0, 2.0),
    "stress": (0.9, -0.6, 0.8, -0.5, 1, 1.0),
    "amusement": (0.15, 0.7, 0.5, 0.4, 0, 0.65),
    "meditation": (0.0, 0.4, -0.7, 0.3, 0, 0.7),
    "transient": (0.3, 0.0, 0.0, 0.0, 0, 0.2),
}


def _protocol(index: int, minutes: float) -> tuple[list[Episode], list[int]]:
    """Episodes and their label codes, transients between conditions."""
    codes = {v: k for k, v in CONDITIONS.items()}
    eps: list[Episode] = []
    out_codes: list[int] = []
    for i, name in enumerate(_ORDERS[index % 2]):
        for cond in ([] if i == 0 else ["transient"]) + [name]:
            s, v, a, d, lab, rel = _STATE[cond]
            kind = "baseline" if cond == "baseline" else "stimulus"
            eps.append(Episode(cond, rel * minutes * 60.0, s, v, a, d, lab, kind, ramp=0.0))
            out_codes.append(codes.get(cond, 0))
    return eps, out_codes


def _subject_dict(sid: str, index: int, seed: int, minutes: float) -> dict[str, Any]:
    episodes, codes = _protocol(index, minutes)
    profile = subject_profile(seed, index)
    rates = {"ECG": CHEST_RATE, "EDA": CHEST_RATE, "RSP": CHEST_RATE, "PPG": 64.0}
    rec = simulate_subject(profile, episodes, ("ECG", "EDA", "RSP", "PPG"), rates)
    n = len(rec["ECG"].timestamps)
    rng = np.random.default_rng([seed & 0xFFFFFFFF, index, 0x7E5AD])
    bounds = np.cumsum([0.0] + [e.duration for e in episodes])
    label = np.zeros(n, dtype=np.int32)
    for code, a, b in zip(codes, bounds[:-1], bounds[1:], strict=True):
        label[round(a * CHEST_RATE) : round(b * CHEST_RATE)] = code

    def col(x: npt.NDArray[Any]) -> npt.NDArray[np.float64]:
        return np.asarray(x, dtype=np.float64).reshape(len(x), -1)

    eda = col(rec["EDA"].data)
    temp = 34.0 + 0.3 * np.sin(np.arange(n) / (CHEST_RATE * 300.0)) + rng.normal(0, 0.01, n)
    chest = {
        "ACC": np.array([0.9, -0.05, -0.3]) + rng.normal(0.0, 0.01, (n, 3)),
        "ECG": col(rec["ECG"].data),
        "EMG": col(rng.normal(0.0, 0.005, n)),
        "EDA": eda,
        "Temp": col(temp),
        "Resp": col(2.0 * rec["RSP"].data[:, 0]),
    }
    n_acc = n * 32 // 700
    wrist = {
        "ACC": np.round(np.array([30.0, 10.0, 55.0]) + rng.normal(0.0, 2.0, (n_acc, 3))),
        "BVP": col(40.0 * rec["PPG"].data[:, 0]),
        "EDA": col(0.4 * eda[:: int(CHEST_RATE // 4), 0]),
        "TEMP": col(temp[:: int(CHEST_RATE // 4)] - 2.0),
    }
    return {"signal": {"chest": chest, "wrist": wrist}, "label": label, "subject": sid}


def write_wesad_like(
    root: str | Path, n_subjects: int = 2, seed: int = 0, *, minutes: float = 10.0
) -> Path:
    """Write simulated subjects in WESAD's layout (``root/S2/S2.pkl`` …).

    Parameters
    ----------
    root
        Folder to write into (created); the WESAD-like folder itself.
    n_subjects
        Number of subjects; named as WESAD names them (S2…S11, S13…, skipping S12).
    seed
        Seed (the subject profiles of :func:`~heartmind.datasets.synthetic.subject_profile`).
    minutes
        Time scale in minutes: the baseline lasts ``2 * minutes``, stress ``minutes``,
        amusement ``0.65 * minutes``, each meditation ``0.7 * minutes`` and each transient
        (label 0) ``0.2 * minutes``; the default 10 gives WESAD's own lengths.

    Returns
    -------
    Path
        ``root``. It also holds :data:`SYNTHETIC_MARKER`, so :func:`read_wesad` marks the
        data synthetic.
    """
    if n_subjects < 1 or not minutes > 0:
        raise ConfigError("write_wesad_like: n_subjects must be >= 1 and minutes > 0.")
    from ._pickle import dump_py2

    root = Path(root)
    root.mkdir(parents=True, exist_ok=True)
    (root / SYNTHETIC_MARKER).write_text(
        "Simulated data written by heartmind.datasets.write_wesad_like; not WESAD.\n"
    )
    ids = [i for i in range(2, 2 + n_subjects + 1) if i != 12][:n_subjects]
    for index, num in enumerate(ids):
        sid = f"S{num}"
        folder = root / sid
        folder.mkdir(exist_ok=True)
        with open(folder / f"{sid}.pkl", "wb") as f:
            dump_py2(_subject_dict(sid, index, seed, minutes), f)
    log.info("write_wesad_like: %d subjects in %s", n_subjects, root)
    return root
