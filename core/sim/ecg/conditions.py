"""Morphology conditions: bundle-branch blocks, hypertrophy, infarction, ST-T changes, AV block.

A condition edits the *heart-frame* lobes of the normally conducted beat before the subject's
rotation is applied (so an anterior infarct stays anterior in a rotated heart). Every
condition maps to PTB-XL diagnostic superclasses (:data:`SUPERCLASS`).

Names (case-insensitive), optionally with ``:territory`` for MI and ``:old`` for its stage:

``LBBB``   left bundle-branch block: QRS 130–170 ms, no septal q, broad notched leftward-
           posterior R (QS in V1), discordant ST-T.
``RBBB``   right bundle-branch block: QRS 120–150 ms, late slow rightward-anterior lobe
           (rSR' in V1, wide S in I/V6), T inverted in V1–V3.
``LVH``    left-ventricular hypertrophy with strain: main QRS lobes ×1.5–2.1 (more posterior), ST
           depression and T inversion opposite the QRS (lateral leads).
``MI``     myocardial infarction, ``MI:anterior`` | ``MI:inferior`` | ``MI:lateral``
           (territories are fixed in the body frame, whatever the subject's axis)
           (default: drawn from the seed); ``:acute`` (default) = pathological Q waves
           (≥ 40 ms) + ST elevation (0.15–0.4 mV) + tall T in the territory's leads,
           reciprocal depression opposite; ``:old`` = Q waves + inverted T.
``STD``    ST depression 0.1–0.25 mV (horizontal/down-sloping) in lateral/inferior leads.
``TINV``   inverted T waves.
``AVB1``   first-degree AV block: PR 220–320 ms.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from ...errors import ConfigError

__all__ = ["CONDITIONS", "SUPERCLASS", "TERRITORIES", "Condition", "parse_conditions"]

#: Condition names.
CONDITIONS: tuple[str, ...] = ("LBBB", "RBBB", "LVH", "MI", "STD", "TINV", "AVB1")
#: PTB-XL diagnostic superclass of each condition.
SUPERCLASS: dict[str, str] = {
    "LBBB": "CD",
    "RBBB": "CD",
    "AVB1": "CD",
    "LVH": "HYP",
    "MI": "MI",
    "STD": "STTC",
    "TINV": "STTC",
}
#: Infarct territories: unit vector (heart frame) pointing at the territory, and its leads.
TERRITORIES: dict[str, tuple[tuple[float, float, float], tuple[str, ...]]] = {
    "anterior": ((-0.15, 0.1, 1.0), ("V1", "V2", "V3", "V4")),
    "inferior": ((0.0, 1.0, 0.1), ("II", "III", "aVF")),
    "lateral": ((1.0, -0.35, 0.15), ("I", "aVL", "V5", "V6")),
}

Vec = np.ndarray
# A heart-frame lobe: [centre s, half-width s, flat fraction, vector (3,) mV]
LobeRow = list[Any]


@dataclass(frozen=True)
class Condition:
    """A morphology or conduction condition.

    Attributes
    ----------
    name
        One of :data:`CONDITIONS`.
    territory
        MI territory (``"anterior"``, ``"inferior"``, ``"lateral"``); ``""`` otherwise.
    stage
        MI stage, ``"acute"`` or ``"old"``; ``""`` otherwise.
    severity
        0–1, scales the condition within its physiological range (drawn from the seed).
    """

    name: str
    territory: str = ""
    stage: str = ""
    severity: float = 0.5

    @property
    def label(self) -> str:
        """``name[:territory[:stage]]``."""
        return ":".join(p for p in (self.name, self.territory, self.stage) if p)

    @property
    def superclass(self) -> str:
        """PTB-XL diagnostic superclass."""
        return SUPERCLASS[self.name]


def parse_conditions(
    conditions: Sequence[str | Condition] | str | None, rng: np.random.Generator
) -> tuple[Condition, ...]:
    """Conditions from names like ``"LBBB"`` or ``"MI:inferior:old"``; severities from ``rng``.

    Raises
    ------
    ConfigError
        For an unknown name, territory or stage, or both bundle-branch blocks at once.
    """
    if conditions is None:
        return ()
    if isinstance(conditions, (str, Condition)):
        conditions = (conditions,)
    out: list[Condition] = []
    for item in conditions:
        if isinstance(item, Condition):
            out.append(item)
            continue
        parts = str(item).strip().split(":")
        name = parts[0].upper()
        if name not in CONDITIONS:
            raise ConfigError(
                f"conditions: unknown condition {item!r}; valid: {', '.join(CONDITIONS)} "
                "(MI takes ':anterior', ':inferior' or ':lateral' and ':acute' or ':old')."
            )
        territory, stage = "", ""
        if name == "MI":
            rest = [p.lower() for p in parts[1:]]
            territory = next((p for p in rest if p in TERRITORIES), "")
            stage = next((p for p in rest if p in ("acute", "old")), "acute")
            bad = [p for p in rest if p not in TERRITORIES and p not in ("acute", "old")]
            if bad:
                raise ConfigError(
                    f"conditions: {item!r}: unknown MI option {bad[0]!r}; use a territory "
                    f"({', '.join(TERRITORIES)}) and/or 'acute' or 'old'."
                )
            if not territory:
                territory = str(rng.choice(sorted(TERRITORIES)))
        elif len(parts) > 1:
            raise ConfigError(f"conditions: {item!r}: only MI takes options after ':'.")
        out.append(Condition(name, territory, stage, float(rng.uniform(0.0, 1.0))))
    names = [c.name for c in out]
    if "LBBB" in names and "RBBB" in names:
        raise ConfigError("conditions: LBBB and RBBB together; choose one bundle-branch block.")
    if len(set(names)) != len(names) and names.count("MI") < 2:
        raise ConfigError(f"conditions: {list(names)} repeats a condition; give each once.")
    return tuple(out)


def _unit(v: Sequence[float] | Vec) -> Vec:
    a = np.asarray(v, dtype=np.float64)
    return a / np.linalg.norm(a)


def _mix(lo: float, hi: float, s: float) -> float:
    return lo + (hi - lo) * s


def apply(
    c: Condition,
    qrs: dict[str, LobeRow],
    st: list[LobeRow],
    t: list[LobeRow],
    qrs_dir: Vec,
    t_amp: float,
    to_heart: Vec | None = None,
) -> float:
    """Edit heart-frame lobes in place for condition ``c``; return the QRS widening in s.

    Parameters
    ----------
    qrs
        Named QRS lobes (``sept``, ``main``, ``term``, …) as ``[centre, half, flat, vec]``.
    st, t
        ST lobes (centres relative to the J point, the QRS offset) and T lobes (same rows).
    qrs_dir
        Unit vector of the mean QRS (heart frame) before any condition.
    t_amp
        The subject's T amplitude in mV.
    to_heart
        Rotation from the body frame to the heart frame: infarct territories and the ST
        depression vector are given in the body frame, so their leads do not depend on the
        subject's axis (default: identity).
    """
    s = c.severity
    rot = np.eye(3) if to_heart is None else to_heart
    if c.name == "LBBB":
        main = qrs["main"][3]
        amp = float(np.linalg.norm(main))
        left = _unit((0.85, 0.25, -0.55)) * amp
        qrs["sept"] = [-0.035, 0.022, 0.0, _unit((0.6, 0.1, -0.5)) * 0.25 * amp]
        qrs["main"] = [-0.005, 0.035, 0.0, left * 0.85]
        qrs["main2"] = [0.040, 0.034, 0.0, _unit((0.9, 0.0, -0.45)) * 0.8 * amp]
        qrs.pop("term", None)
        qrs.pop("late", None)
        _discordant(st, t, left, t_amp, st_mv=_mix(0.10, 0.25, s), t_gain=1.1)
        return _mix(0.045, 0.075, s)
    if c.name == "RBBB":
        amp = float(np.linalg.norm(qrs["main"][3]))
        qrs["rbbb"] = [0.058, 0.040, 0.0, _unit((-0.55, -0.05, 0.7)) * _mix(0.35, 0.55, s) * amp]
        for row in t:
            row[3] = row[3] + np.array([0.0, 0.0, -0.9]) * t_amp
        return _mix(0.035, 0.055, s)
    if c.name == "LVH":
        gain = _mix(1.5, 2.1, s)
        for key in ("main", "late"):
            v = qrs[key][3]
            qrs[key][3] = (v + np.array([0.0, 0.0, -0.3 * np.linalg.norm(v)])) * gain
        _discordant(st, t, qrs_dir, t_amp, st_mv=_mix(0.08, 0.2, s), t_gain=0.9)
        return 0.01
    if c.name == "MI":
        return _infarct(c, qrs, st, t, t_amp, rot @ _unit(TERRITORIES[c.territory][0]))
    if c.name == "STD":
        away = -(rot @ _unit((0.7, 0.55, 0.2)))
        st.append([0.10, 0.085, 0.35, away * _mix(0.10, 0.25, s)])
        return 0.0
    if c.name == "TINV":
        for row in t:
            row[3] = -row[3] * _mix(0.6, 1.2, s)
        return 0.0
    return 0.0  # AVB1: conduction only (the PR interval)


def _discordant(
    st: list[LobeRow], t: list[LobeRow], qrs_dir: Vec, t_amp: float, st_mv: float, t_gain: float
) -> None:
    """ST-T opposite the QRS: a down-sloping ST lobe and an inverted T."""
    st.append([0.11, 0.10, 0.3, -qrs_dir * st_mv])
    for row in t:
        row[3] = -_unit(qrs_dir) * float(np.linalg.norm(row[3])) * t_gain


def _infarct(
    c: Condition,
    qrs: dict[str, LobeRow],
    st: list[LobeRow],
    t: list[LobeRow],
    t_amp: float,
    u: Vec,
) -> float:
    s = c.severity
    amp = float(np.linalg.norm(qrs["main"][3]))
    # loss of forces towards the infarct: the initial vector points away (Q waves >= 40 ms)
    qrs["sept"] = [-0.038, 0.024, 0.0, -u * _mix(0.35, 0.6, s) * amp]
    for key in ("main", "late"):
        v = qrs[key][3]
        toward = float(v @ u)
        if toward > 0:
            qrs[key][3] = v - _mix(0.5, 0.8, s) * toward * u
    if c.stage == "old":
        for row in t:
            row[3] = row[3] - 2.0 * float(row[3] @ u) * u - 0.6 * t_amp * u
        return 0.01
    st.append([0.08, 0.11, 0.45, u * _mix(0.15, 0.4, s)])
    for row in t:
        row[3] = row[3] + u * t_amp * _mix(0.4, 0.9, s)
    return 0.01
