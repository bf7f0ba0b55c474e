"""DREAMER (Katsigiannis & Ramzan, 2018): reader of ``DREAMER.mat``, and a generator of it.

DREAMER's documentation describes one MATLAB v5 file, ``DREAMER.mat``, holding a struct
``DREAMER`` with fields ``Data`` (1 × 23 cell, one struct per subject),
``EEG_SamplingRate`` (128), ``ECG_SamplingRate`` (256), ``EEG_Electrodes`` (the 14 Emotiv
EPOC channels AF3, F7, F3, FC5, T7, P7, O1, O2, P8, T8, FC6, F4, F8, AF4),
``noOfSubjects``, ``noOfVideoSequences`` (18) and provider text fields. Each subject has:

* ``Age``, ``Gender`` (text);
* ``ECG.baseline{clip}`` / ``ECG.stimuli{clip}``: (n, 2) two-lead ECG at 256 Hz;
* ``EEG.baseline{clip}`` / ``EEG.stimuli{clip}``: (n, 14) EEG at 128 Hz;
* ``ScoreValence``, ``ScoreArousal``, ``ScoreDominance``: 18 self-ratings on 1…5.

:func:`read_dreamer` puts each subject on one timeline: ``baseline 1, stimulus 1,
baseline 2, …`` back to back (separate recordings: windows never cross a segment, and
:func:`~heartmind.datasets.rr_series` should be called per segment). Stimulus segments carry
``valence``/``arousal``/``dominance`` (1…5), ``condition`` ``"filmNN"`` and ``clip``;
baseline segments carry ``condition`` and ``clip`` only.
"""

from __future__ import annotations

import itertools
import logging
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from ..errors import ConfigError
from .base import AffectiveDataset, DatasetError, Segment, Signal, Subject

__all__ = ["EMOTIV_CHANNELS", "read_dreamer", "write_dreamer_like"]

log = logging.getLogger(__name__)

#: The 14 Emotiv EPOC electrodes, in DREAMER's column order.
EMOTIV_CHANNELS: tuple[str, ...] = (
    *("AF3", "F7", "F3", "FC5", "T7", "P7", "O1"),
    *("O2", "P8", "T8", "FC6", "F4", "F8", "AF4"),
)
_SCORES = {"valence": "ScoreValence", "arousal": "ScoreArousal", "dominance": "ScoreDominance"}
_GENERATED_BY = "heartmind synthetic generator"


def _cells(value: Any) -> list[Any]:
    """Elements of a MATLAB cell array as loaded with ``squeeze_me=True`` (1 cell → 1)."""
    if isinstance(value, np.ndarray) and value.dtype == object:
        return list(value.reshape(-1))
    return [value]


def _field(obj: Any, name: str, where: str, path: Path) -> Any:
    if not hasattr(obj, name):
        raise DatasetError(
            f"{path}: {where} has no field {name!r}; this is not DREAMER's layout "
            "(DREAMER.Data{subject}.ECG/EEG.baseline/stimuli, ScoreValence, …)."
        )
    return getattr(obj, name)


def _load(path: Path) -> Any:
    from scipy.io import loadmat

    if not path.is_file():
        raise DatasetError(f"{path} does not exist; give the path of DREAMER.mat.")
    try:
        mat = loadmat(str(path), squeeze_me=True, struct_as_record=False, chars_as_strings=True)
    except Exception as exc:  # scipy raises ValueError, TypeError, OSError, MatReadError …
        raise DatasetError(
            f"{path} is not a readable MATLAB file ({type(exc).__name__}: {exc}); it is "
            "damaged or not DREAMER.mat: download it again."
        ) from None
    if "DREAMER" not in mat:
        names = [k for k in mat if not k.startswith("__")]
        raise DatasetError(f"{path} has no variable 'DREAMER' (it has {names}).")
    return mat["DREAMER"]


def read_dreamer(path: str | Path) -> AffectiveDataset:
    """Read ``DREAMER.mat``.

    Parameters
    ----------
    path
        The ``DREAMER.mat`` file (or a folder containing it).

    Returns
    -------
    AffectiveDataset
        Subjects ``"01"`` … with recordings ``"ECG"`` (2 leads, 256 Hz, device units) and
        ``"EEG"`` (14 channels, 128 Hz, µV with the Emotiv DC offset), and one baseline and
        one stimulus segment per clip; ratings 1…5 (``label_scales``). ``info`` holds
        ``age`` and ``gender``.

    Raises
    ------
    DatasetError
        Missing or damaged file, or a struct not in DREAMER's layout.
    """
    path = Path(path)
    if path.is_dir():
        path = path / "DREAMER.mat"
    top = _load(path)
    ecg_rate = float(getattr(top, "ECG_SamplingRate", 256.0))
    eeg_rate = float(getattr(top, "EEG_SamplingRate", 128.0))
    electrodes = tuple(str(e) for e in _cells(getattr(top, "EEG_Electrodes", EMOTIV_CHANNELS)))
    provider = str(getattr(top, "Provider", ""))
    subjects = [
        _subject(s, i, path, ecg_rate, eeg_rate, electrodes)
        for i, s in enumerate(_cells(_field(top, "Data", "DREAMER", path)))
    ]
    synthetic = provider.startswith(_GENERATED_BY)
    log.info("DREAMER: %d subjects from %s", len(subjects), path)
    return AffectiveDataset(
        name="DREAMER",
        subjects=subjects,
        synthetic=synthetic,
        description={
            "file": str(path),
            "provider": provider,
            "label_scales": {k: (1, 5) for k in _SCORES},
            "ECG_rate": ecg_rate,
            "EEG_rate": eeg_rate,
        },
    )


def _pieces(sub: Any, modality: str, where: str, path: Path) -> tuple[list[Any], list[Any]]:
    group = _field(sub, modality, where, path)
    base = _cells(_field(group, "baseline", f"{where}.{modality}", path))
    stim = _cells(_field(group, "stimuli", f"{where}.{modality}", path))
    if len(base) != len(stim):
        raise DatasetError(
            f"{path}: {where}.{modality} has {len(base)} baselines but {len(stim)} stimuli."
        )
    out = []
    for j, arr in enumerate(base + stim):
        a = np.asarray(arr)
        if a.dtype.kind not in "biuf" or a.ndim not in (1, 2) or a.shape[0] < 1:
            raise DatasetError(
                f"{path}: {where}.{modality} piece {j + 1} is not a numeric (n, channels) "
                f"array (got {a.dtype}, shape {a.shape}); the file is damaged."
            )
        out.append(a.reshape(a.shape[0], -1).astype(np.float32))
    return out[: len(base)], out[len(base) :]


def _subject(
    sub: Any, index: int, path: Path, ecg_rate: float, eeg_rate: float, electrodes: tuple[str, ...]
) -> Subject:
    where = f"DREAMER.Data{{{index + 1}}}"
    ecg_b, ecg_s = _pieces(sub, "ECG", where, path)
    eeg_b, eeg_s = _pieces(sub, "EEG", where, path)
    n_clips = len(ecg_b)
    scores = {}
    for key, name in _SCORES.items():
        values = np.atleast_1d(np.asarray(_field(sub, name, where, path), dtype=np.float64))
        if values.size != n_clips or len(eeg_b) != n_clips:
            raise DatasetError(
                f"{path}: {where} has {n_clips} ECG clips, {len(eeg_b)} EEG clips and "
                f"{values.size} values of {name}; they must agree."
            )
        scores[key] = values
    ecg_pieces, eeg_pieces, segments, t = [], [], [], 0.0
    for k in range(n_clips):
        for kind, ecg, eeg in (("baseline", ecg_b[k], eeg_b[k]), ("stimulus", ecg_s[k], eeg_s[k])):
            dur = min(len(ecg) / ecg_rate, len(eeg) / eeg_rate)
            ecg_pieces.append((t, ecg))
            eeg_pieces.append((t, eeg))
            labels: dict[str, float | int | str] = {"condition": f"film{k + 1:02d}", "clip": k + 1}
            if kind == "stimulus":
                labels.update({key: float(v[k]) for key, v in scores.items()})
            segments.append(Segment(t, t + dur, labels, kind, f"film{k + 1:02d}-{kind}"))
            t += dur
    n_eeg = eeg_pieces[0][1].shape[1]
    channels = (
        electrodes if len(electrodes) == n_eeg else tuple(f"EEG{i + 1}" for i in range(n_eeg))
    )
    ecg_ch = tuple(f"ECG{i + 1}" for i in range(ecg_pieces[0][1].shape[1]))
    return Subject(
        subject_id=f"{index + 1:02d}",
        recordings={
            "ECG": Signal(_concat(ecg_pieces, ecg_rate, t), ecg_rate, ecg_ch, "a.u."),
            "EEG": Signal(_concat(eeg_pieces, eeg_rate, t), eeg_rate, channels, "uV"),
        },
        segments=segments,
        info={
            "age": str(getattr(sub, "Age", "")),
            "gender": str(getattr(sub, "Gender", "")),
        },
    )


def _concat(
    pieces: list[tuple[float, npt.NDArray[np.float32]]], rate: float, total: float
) -> npt.NDArray[np.float32]:
    """Place each piece at its start time (s) on one array of ``total`` s at ``rate`` Hz."""
    widths = {p.shape[1] for _t, p in pieces}
    if len(widths) != 1:
        raise DatasetError(f"DREAMER pieces have different channel counts {sorted(widths)}.")
    out = np.zeros((round(total * rate), widths.pop()), dtype=np.float32)
    for start, piece in pieces:
        a = round(start * rate)
        n = min(len(piece), len(out) - a)
        out[a : a + n] = piece[:n]
    return out


# -- generator ---------------------------------------------------------------------------

#: DREAMER's 18 clips by target emotion, with a scripted (valence, arousal, dominance).
_TARGETS: dict[str, tuple[float, float, float]] = {
    "calmness": (0.4, -0.6, 0.2),
    "surprise": (0.2, 0.6, 0.0),
    "amusement": (0.7, 0.4, 0.3),
    "fear": (-0.7, 0.7, -0.6),
    "excitement": (0.6, 0.8, 0.3),
    "disgust": (-0.6, 0.3, -0.1),
    "happiness": (0.8, 0.4, 0.4),
    "anger": (-0.7, 0.7, 0.2),
    "sadness": (-0.7, -0.4, -0.5),
}
_CLIPS = (
    *("calmness", "surprise", "amusement", "fear", "excitement", "disgust"),
    *("happiness", "anger", "sadness", "disgust", "calmness", "amusement"),
    *("happiness", "anger", "fear", "excitement", "sadness", "surprise"),
)


def _cell(items: list[Any], shape: tuple[int, int]) -> npt.NDArray[Any]:
    out = np.empty(shape, dtype=object)
    for i, item in enumerate(items):
        out.flat[i] = item
    return out


def _simulate_subject(
    index: int,
    seed: int,
    clips: list[tuple[float, float, float]],
    baseline: float,
    stimulus: float,
) -> dict[str, Any]:
    """One subject's struct: neutral baseline then the clip, per clip, from the simulator."""
    from .synthetic import Episode, simulate_subject, subject_profile

    episodes = []
    for k, (v, a, d) in enumerate(clips):
        stress = float(np.clip(0.5 * max(a, 0.0) + 0.4 * max(-v, 0.0), 0.0, 1.0))
        episodes.append(Episode(f"b{k}", baseline, 0.1, 0.0, -0.2, 0.0, 0, "baseline", 0.0))
        episodes.append(Episode(f"s{k}", stimulus, stress, v, a, d, 0, "stimulus", 0.0))
    profile = subject_profile(seed, index)
    rates = {"ECG": 256.0, "EEG": 128.0}
    rec = simulate_subject(profile, episodes, ("ECG", "EEG"), rates, 20.0, eeg_channels=35)
    rng = np.random.default_rng([seed & 0xFFFFFFFF, index, 0xD2EA])
    ecg1 = rec["ECG"].data[:, 0].astype(np.float64)
    ecg = np.column_stack((ecg1, 0.7 * ecg1 + rng.normal(0.0, 0.02, ecg1.size)))
    cols = [rec["EEG"].info.channels.index(c) for c in EMOTIV_CHANNELS]
    eeg = rec["EEG"].data[:, cols].astype(np.float64) + 4200.0  # Emotiv DC offset, µV
    bounds = np.cumsum([0.0] + [e.duration for e in episodes])
    ecg_parts = [ecg[round(a * 256) : round(b * 256)] for a, b in itertools.pairwise(bounds)]
    eeg_parts = [eeg[round(a * 128) : round(b * 128)] for a, b in itertools.pairwise(bounds)]
    n = len(clips)
    scores = {
        name: np.clip(
            np.round(3.0 + 2.0 * np.array([c[j] for c in clips]) + rng.normal(0, 0.5, n)), 1, 5
        )
        for j, name in enumerate(("ScoreValence", "ScoreArousal", "ScoreDominance"))
    }
    return {
        "Age": str(int(rng.integers(22, 34))),
        "Gender": "female" if rng.uniform() < 0.4 else "male",
        "EEG": {
            "baseline": _cell(eeg_parts[0::2], (n, 1)),
            "stimuli": _cell(eeg_parts[1::2], (n, 1)),
        },
        "ECG": {
            "baseline": _cell(ecg_parts[0::2], (n, 1)),
            "stimuli": _cell(ecg_parts[1::2], (n, 1)),
        },
        **{k: v.reshape(n, 1) for k, v in scores.items()},
    }


def write_dreamer_like(
    path: str | Path,
    n_subjects: int = 2,
    n_clips: int = 18,
    seed: int = 0,
    *,
    baseline: float = 61.0,
    stimulus: float = 120.0,
) -> Path:
    """Write simulated subjects as a ``DREAMER.mat`` in DREAMER's layout.

    Parameters
    ----------
    path
        File to write (a folder gets ``DREAMER.mat`` inside).
    n_subjects, n_clips
        Subjects (DREAMER: 23) and film clips (DREAMER: 18, at most 18 here).
    seed
        Seed of the subject profiles and ratings.
    baseline, stimulus
        Lengths in s of each baseline (DREAMER: 61 s) and film clip (DREAMER: 65–393 s).

    Returns
    -------
    Path
        The file. Its ``Provider`` field starts with "heartmind synthetic generator", so
        :func:`read_dreamer` marks the data synthetic.
    """
    if not (n_subjects >= 1 and 1 <= n_clips <= len(_CLIPS) and baseline > 0 and stimulus > 0):
        raise ConfigError(
            "write_dreamer_like: need n_subjects >= 1, 1 <= n_clips <= 18 and positive lengths."
        )
    from scipy.io import savemat

    path = Path(path)
    if path.is_dir():
        path = path / "DREAMER.mat"
    path.parent.mkdir(parents=True, exist_ok=True)
    clips = [_TARGETS[c] for c in _CLIPS[:n_clips]]
    data = [_simulate_subject(i, seed, clips, baseline, stimulus) for i in range(n_subjects)]
    top = {
        "Data": _cell(data, (1, n_subjects)),
        "EEG_SamplingRate": 128.0,
        "ECG_SamplingRate": 256.0,
        "EEG_Electrodes": _cell(list(EMOTIV_CHANNELS), (1, len(EMOTIV_CHANNELS))),
        "noOfSubjects": float(n_subjects),
        "noOfVideoSequences": float(n_clips),
        "Disclaimer": "Simulated data (heartmind.sim); not the DREAMER recordings.",
        "Provider": f"{_GENERATED_BY} (heartmind.datasets.write_dreamer_like)",
        "Version": "synthetic",
        "Acknowledgement": "Layout after Katsigiannis & Ramzan, IEEE JBHI 2018.",
    }
    savemat(str(path), {"DREAMER": top}, do_compression=True, oned_as="column")
    log.info("write_dreamer_like: %d subjects x %d clips in %s", n_subjects, n_clips, path)
    return path
