"""Recipes: labelled records drawn the way the model tasks need them.

* :func:`rhythm_example` — one EXGnet-style window (SR, SB, ST, AFIB, SVT) with rates that
  crowd the 60/100 bpm borders, sinus tachycardia and SVT overlapping at 150–180 bpm,
  rate-controlled AF, ectopy on top of every rhythm and noise at 5–20 dB;
* :func:`diagnostic_example` — a 12-lead record with PTB-XL superclasses (NORM, MI, STTC,
  CD, HYP) and/or AF as multi-label truth;
* :func:`activity_record` — a subject in a session doing an activity (rate offset and a
  noise preset), for identity and tamper work.

Every draw comes from ``seed``; the subject is separate, so subjects can be held out.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from ...errors import ConfigError
from ..kernels import block_rng
from .generator import EcgRecord, EcgSimulator
from .noise import add_noise
from .rhythm import Ectopy, Rhythm
from .subject import Subject
from .truth import EXGNET_CLASSES

__all__ = [
    "ACTIVITY_PROFILES",
    "DIAGNOSTIC_CLASSES",
    "activity_record",
    "diagnostic_example",
    "rhythm_example",
]

#: Classes :func:`diagnostic_example` takes.
DIAGNOSTIC_CLASSES: tuple[str, ...] = ("NORM", "MI", "STTC", "CD", "HYP", "AF")
#: Activity → (heart-rate offset in bpm, noise preset or None, SNR range in dB).
ACTIVITY_PROFILES: dict[str, tuple[float, str | None, tuple[float, float]]] = {
    "rest": (0.0, None, (20.0, 30.0)),
    "sit": (3.0, "textile_rest", (14.0, 24.0)),
    "arms": (10.0, "holter", (8.0, 16.0)),
    "walk": (25.0, "textile_walk", (6.0, 14.0)),
    "stairs": (40.0, "textile_walk", (4.0, 12.0)),
    "run": (60.0, "textile_run", (2.0, 10.0)),
}
_RHYTHM_NOISE = ("baseline", "emg", "powerline", "motion")


def _rhythm_for(label: str, rng: np.random.Generator) -> Rhythm:
    u = float(rng.uniform())
    if label == "SB":
        return Rhythm("SB", rate=rng.uniform(55.0, 59.0) if u < 0.5 else rng.uniform(35.0, 55.0))
    if label == "SR":
        lo, hi = (61.0, 65.0) if u < 0.25 else (95.0, 99.0) if u < 0.5 else (65.0, 95.0)
        return Rhythm("SR", rate=rng.uniform(lo, hi))
    if label == "ST":
        lo, hi = (101.0, 105.0) if u < 0.4 else (105.0, 150.0) if u < 0.7 else (150.0, 180.0)
        return Rhythm("ST", rate=rng.uniform(lo, hi))
    if label == "SVT":
        rate = rng.uniform(150.0, 180.0) if u < 0.6 else rng.uniform(130.0, 150.0)
        return Rhythm("SVT" if rng.uniform() < 0.6 else "AT", rate=rate)
    if label == "AFIB":
        if u < 0.7:
            rate = rng.uniform(60.0, 100.0) if rng.uniform() < 0.5 else rng.uniform(100.0, 160.0)
            return Rhythm("AF", rate=rate, irregularity=rng.uniform(0.12, 0.35))
        ratios: list[int | tuple[int, ...]] = [2, 3, 4, (2, 4)]
        conduction = ratios[int(rng.integers(0, len(ratios)))]
        return Rhythm("AFL", atrial_rate=rng.uniform(250.0, 320.0), conduction=conduction)
    raise ConfigError(f"rhythm label {label!r} is unknown; use one of {', '.join(EXGNET_CLASSES)}.")


def _some_ectopy(rng: np.random.Generator) -> Ectopy:
    if rng.uniform() < 0.5:
        return Ectopy()
    return Ectopy(
        pvc=rng.uniform(0.0, 0.12),
        pac=rng.uniform(0.0, 0.08),
        couplet=rng.uniform(0.0, 0.2),
        multiform=rng.uniform(0.0, 1.0),
    )


def rhythm_example(
    label: str,
    seed: int,
    *,
    subject: Subject | int | None = None,
    duration: float = 10.0,
    sampling_rate: float = 500.0,
    leads: Sequence[str] = ("II",),
    snr_db: tuple[float, float] | None = (5.0, 20.0),
    tries: int = 20,
) -> EcgRecord:
    """A record whose truth rhythm label is ``label`` (``SR``, ``SB``, ``ST``, ``AFIB``, ``SVT``).

    Parameters
    ----------
    label
        Wanted EXGnet class; the returned record's ``truth.labels.rhythm`` equals it (draws
        whose measured rate crossed a border are redrawn, at most ``tries`` times).
    seed
        Seed of the draw (rate, ectopy, noise, beats).
    subject
        The heart (a :class:`Subject` or subject seed); default: drawn from ``seed``.
    duration, sampling_rate, leads
        Record length (s), rate (Hz) and leads.
    snr_db
        Range of the total noise SNR (dB), drawn uniformly; ``None`` for a clean record.
    """
    if label not in EXGNET_CLASSES:
        valid = ", ".join(EXGNET_CLASSES)
        raise ConfigError(f"rhythm label {label!r} is unknown; use one of {valid}.")
    for attempt in range(tries):
        rng = block_rng(seed, f"recipe-rhythm-{label}", attempt)
        sim = EcgSimulator(
            subject if subject is not None else seed,
            _rhythm_for(label, rng),
            ectopy=_some_ectopy(rng),
            leads=leads,
            sampling_rate=sampling_rate,
            seed=int(rng.integers(0, 2**31)),
        )
        rec = sim.record(duration)
        if rec.truth.labels.rhythm != label:
            continue
        if snr_db is None:
            return rec
        k = int(rng.integers(1, len(_RHYTHM_NOISE) + 1))
        kinds = list(rng.choice(_RHYTHM_NOISE, size=k, replace=False))
        noisy, nt = add_noise(
            rec.clean,
            sampling_rate,
            kinds,
            snr_db=float(rng.uniform(*snr_db)),
            leads=rec.leads,
            seed=int(rng.integers(0, 2**31)),
        )
        return EcgRecord(noisy, rec.clean, rec.leads, rec.sampling_rate, rec.truth, nt)
    raise ConfigError(f"rhythm_example: no {label} record in {tries} draws from seed {seed}.")


def diagnostic_example(
    classes: Sequence[str],
    seed: int,
    *,
    subject: Subject | int | None = None,
    duration: float = 10.0,
    sampling_rate: float = 500.0,
) -> EcgRecord:
    """A 12-lead record showing ``classes`` (from :data:`DIAGNOSTIC_CLASSES`).

    ``MI`` draws a territory and stage, ``CD`` one of LBBB/RBBB/first-degree block, ``STTC``
    ST depression or T inversion, ``HYP`` LVH with strain, ``AF`` atrial fibrillation (else
    sinus rhythm at 50–100 bpm). The truth's ``labels.superclasses`` and ``labels.rhythms``
    carry the labels (``labels.multi_hot()``).
    """
    want = set(classes)
    bad = want - set(DIAGNOSTIC_CLASSES)
    if bad or ("NORM" in want and len(want) > 1):
        raise ConfigError(
            f"classes {sorted(want)}: use {', '.join(DIAGNOSTIC_CLASSES)}; NORM stands alone."
        )
    rng = block_rng(seed, "recipe-diagnostic", 0)
    conds: list[str] = []
    if "MI" in want:
        territory = ("anterior", "inferior", "lateral")[int(rng.integers(0, 3))]
        conds.append(f"MI:{territory}:{'old' if rng.uniform() < 0.3 else 'acute'}")
    if "CD" in want:
        conds.append(("LBBB", "RBBB", "AVB1")[int(rng.integers(0, 3))])
    if "STTC" in want:
        conds.append(("STD", "TINV")[int(rng.integers(0, 2))])
    if "HYP" in want:
        conds.append("LVH")
    rhythm = (
        Rhythm("AF", rate=rng.uniform(60.0, 130.0))
        if "AF" in want
        else Rhythm("SR", rate=rng.uniform(50.0, 100.0))
    )
    sim = EcgSimulator(
        subject if subject is not None else seed,
        rhythm,
        conditions=conds,
        sampling_rate=sampling_rate,
        seed=int(rng.integers(0, 2**31)),
    )
    return sim.record(duration)


def activity_record(
    subject: Subject | int,
    activity: str,
    seed: int,
    *,
    session: int = 0,
    duration: float = 60.0,
    sampling_rate: float = 500.0,
    leads: Sequence[str] | None = ("I",),
) -> EcgRecord:
    """``subject`` in ``session`` doing ``activity`` (:data:`ACTIVITY_PROFILES`).

    The sinus rate is the session's resting rate plus the activity's offset (at most
    180 bpm); the noise is the activity's preset at an SNR drawn from its range (exact,
    per lead). The default lead I is a wearable chest/arm lead.
    """
    if activity not in ACTIVITY_PROFILES:
        raise ConfigError(f"activity {activity!r} is unknown; use {', '.join(ACTIVITY_PROFILES)}.")
    offset, preset, snr = ACTIVITY_PROFILES[activity]
    heart = subject if isinstance(subject, Subject) else Subject.random(int(subject))
    rng = block_rng(seed, f"recipe-activity-{activity}", 0)
    rate = min(heart.session(session).hr + offset, 180.0)
    sim = EcgSimulator(
        heart,
        Rhythm("SR", rate=rate),
        session=session,
        leads=leads,
        sampling_rate=sampling_rate,
        seed=int(rng.integers(0, 2**31)),
    )
    rec = sim.record(duration)
    if preset is None:
        noise = {"emg": float(rng.uniform(*snr))}
        noisy, nt = add_noise(rec.clean, sampling_rate, noise, leads=rec.leads, seed=seed)
    else:
        noisy, nt = add_noise(
            rec.clean,
            sampling_rate,
            preset,
            snr_db=float(rng.uniform(*snr)),
            leads=rec.leads,
            seed=seed,
        )
    return EcgRecord(noisy, rec.clean, rec.leads, rec.sampling_rate, rec.truth, nt)
