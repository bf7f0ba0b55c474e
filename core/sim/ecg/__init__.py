"""Clinical 12-lead ECG simulator with beat-level ground truth (docs/simulator-ecg.md).

One heart per subject — a time-varying cardiac dipole built from lobes per wave — projected
onto the standard leads, so all leads are consistent (Einthoven and Goldberger hold
exactly). Rhythms (sinus, brady/tachy, AF, flutter, SVT, AT, paced), ectopy (multiform PVCs,
couplets, runs, bigeminy, trigeminy, interpolated and fusion beats, PACs, junctional beats,
pauses), conditions (BBB, LVH, MI, ST-T changes, AV block), session drift, noise presets
(textile dry electrodes included) and exact truth for every beat.

    from heartmind.sim.ecg import EcgSimulator, Ectopy, Rhythm, Subject, add_noise, simulate

    rec = simulate(10.0, "AF", sampling_rate=500, seed=1)            # 12 leads, 10 s
    rec.signal, rec.truth.beats.to_frame(), rec.truth.labels.rhythm  # (5000, 12) mV, …
    noisy, nt = add_noise(rec.signal, 500, "textile_walk", snr_db=6, leads=rec.leads)

Only numpy and scipy are needed (pandas for ``to_frame``).
"""

from __future__ import annotations

from .conditions import CONDITIONS, SUPERCLASS, TERRITORIES, Condition
from .generator import EcgRecord, EcgSimulator, simulate
from .leads import LEADS, LIMB_LEADS, PRECORDIAL_LEADS, VCG_LEADS, lead_vectors
from .noise import NOISE_TYPES, PRESETS, NoiseSpec, NoiseTruth, add_noise, snr_db
from .noise_sources import ACTIVITIES
from .recipes import (
    ACTIVITY_PROFILES,
    DIAGNOSTIC_CLASSES,
    activity_record,
    diagnostic_example,
    rhythm_example,
)
from .rhythm import RHYTHMS, Ectopy, Rhythm
from .stream import EcgStream
from .subject import DRIFT, Focus, Subject
from .truth import (
    AAMI,
    EXGNET_CLASSES,
    SUPERCLASSES,
    AtrialEvents,
    BeatTable,
    EcgTruth,
    Episodes,
    RecordLabels,
)

__all__ = [
    "AAMI",
    "ACTIVITIES",
    "ACTIVITY_PROFILES",
    "CONDITIONS",
    "DIAGNOSTIC_CLASSES",
    "DRIFT",
    "EXGNET_CLASSES",
    "LEADS",
    "LIMB_LEADS",
    "NOISE_TYPES",
    "PRECORDIAL_LEADS",
    "PRESETS",
    "RHYTHMS",
    "SUPERCLASS",
    "SUPERCLASSES",
    "TERRITORIES",
    "VCG_LEADS",
    "AtrialEvents",
    "BeatTable",
    "Condition",
    "EcgRecord",
    "EcgSimulator",
    "EcgStream",
    "EcgTruth",
    "Ectopy",
    "Episodes",
    "Focus",
    "NoiseSpec",
    "NoiseTruth",
    "RecordLabels",
    "Rhythm",
    "Subject",
    "activity_record",
    "add_noise",
    "diagnostic_example",
    "lead_vectors",
    "rhythm_example",
    "simulate",
    "snr_db",
]
