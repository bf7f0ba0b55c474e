"""The standard leads as projections of one cardiac dipole, and the lead algebra between them.

Body axes (the heart model's frame): ``x`` to the patient's left, ``y`` inferior (towards
the feet), ``z`` anterior (towards the chest wall). A frontal-plane angle is measured from
``+x`` towards ``+y``, so lead I lies at 0°, II at +60°, aVF at +90° (the hexaxial
convention; a normal QRS axis is about +60°).

Only lead I, lead II and the precordial leads are projections of the dipole (their lead
vectors are below); the other limb leads are *derived* from I and II exactly as an ECG
machine derives them from the electrode potentials::

    III = II − I          aVR = −(I + II) / 2
    aVL = I − II / 2      aVF = II − I / 2

so Einthoven's law (II = I + III) and Goldberger's relations (aVR + aVL + aVF = 0, …) hold
to floating-point rounding on every signal the simulator produces, noisy ones included.
The orthogonal leads ``X``, ``Y``, ``Z`` give the dipole itself (the vectorcardiogram).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import numpy as np

from ...errors import ConfigError
from ..kernels import Array

__all__ = [
    "BASIS",
    "LEADS",
    "LIMB_LEADS",
    "PRECORDIAL_LEADS",
    "VCG_LEADS",
    "basis_of",
    "check_leads",
    "derive",
    "lead_vectors",
]

LIMB_LEADS: tuple[str, ...] = ("I", "II", "III", "aVR", "aVL", "aVF")
PRECORDIAL_LEADS: tuple[str, ...] = ("V1", "V2", "V3", "V4", "V5", "V6")
#: The twelve standard leads, in the usual order.
LEADS: tuple[str, ...] = LIMB_LEADS + PRECORDIAL_LEADS
#: Orthogonal (Frank-like) leads: the dipole's x, y, z components in mV.
VCG_LEADS: tuple[str, ...] = ("X", "Y", "Z")


def _precordial(azimuth_deg: float, tilt: float, gain: float) -> tuple[float, float, float]:
    """Lead vector of a chest electrode: horizontal azimuth from +x towards +z, inferior tilt."""
    a = math.radians(azimuth_deg)
    v = np.array([math.cos(a), tilt, math.sin(a)])
    v = gain * v / np.linalg.norm(v)
    return float(v[0]), float(v[1]), float(v[2])


#: Lead vectors (x, y, z) of the leads that are projections of the dipole. Chest leads
#: sit at azimuths 115°, 95°, 75°, 55°, 30°, 0° with gains 1.1–2.0 (the leads nearest the
#: heart, V2–V4, see the largest deflections).
BASIS: dict[str, tuple[float, float, float]] = {
    "I": (1.0, 0.0, 0.0),
    "II": (0.5, math.sqrt(3.0) / 2.0, 0.0),
    "V1": _precordial(115.0, 0.0, 1.1),
    "V2": _precordial(95.0, 0.0, 2.0),
    "V3": _precordial(75.0, 0.05, 2.0),
    "V4": _precordial(55.0, 0.1, 2.0),
    "V5": _precordial(30.0, 0.1, 1.8),
    "V6": _precordial(0.0, 0.1, 1.3),
    "X": (1.0, 0.0, 0.0),
    "Y": (0.0, 1.0, 0.0),
    "Z": (0.0, 0.0, 1.0),
}

#: Derived limb leads as coefficients of (I, II).
_DERIVED: dict[str, tuple[float, float]] = {
    "III": (-1.0, 1.0),
    "aVR": (-0.5, -0.5),
    "aVL": (1.0, -0.5),
    "aVF": (-0.5, 1.0),
}

ALL_LEADS: tuple[str, ...] = LEADS + VCG_LEADS


def check_leads(leads: Sequence[str] | str | None) -> tuple[str, ...]:
    """Validated lead names (``None`` gives the twelve standard leads).

    Raises
    ------
    ConfigError
        For an unknown or repeated lead name.
    """
    if leads is None:
        return LEADS
    if isinstance(leads, str):
        leads = (leads,)
    out = tuple(str(x) for x in leads)
    by_upper = {name.upper(): name for name in ALL_LEADS}
    fixed = []
    for name in out:
        canon = by_upper.get(name.upper())
        if canon is None:
            raise ConfigError(f"leads: unknown lead {name!r}; valid leads: {', '.join(ALL_LEADS)}.")
        fixed.append(canon)
    if len(set(fixed)) != len(fixed):
        raise ConfigError(f"leads: {list(out)} names a lead twice; give each lead once.")
    if not fixed:
        raise ConfigError("leads is empty; give at least one lead, e.g. ('II',).")
    return tuple(fixed)


def basis_of(leads: Sequence[str]) -> tuple[str, ...]:
    """The projected leads needed to produce ``leads`` (derived limb leads need I and II)."""
    need: list[str] = []
    for name in leads:
        for b in ("I", "II") if name in _DERIVED else (name,):
            if b not in need:
                need.append(b)
    return tuple(need)


def lead_vectors(leads: Sequence[str]) -> Array:
    """Effective lead vectors, shape ``(len(leads), 3)``: a lead's value is ``vector · dipole``."""
    rows = []
    for name in leads:
        if name in _DERIVED:
            a, b = _DERIVED[name]
            rows.append(a * np.asarray(BASIS["I"]) + b * np.asarray(BASIS["II"]))
        else:
            rows.append(np.asarray(BASIS[name], dtype=np.float64))
    return np.asarray(rows, dtype=np.float64).reshape(len(rows), 3)


def derive(basis: Mapping[str, Array], leads: Sequence[str]) -> Array:
    """Stack ``leads`` (columns) from the signals of their basis leads.

    Parameters
    ----------
    basis
        Signal (mV) of every lead in ``basis_of(leads)``, each of shape ``(n,)``.
    leads
        Output leads.

    Returns
    -------
    numpy.ndarray
        ``(n, len(leads))`` float64 in mV; derived limb leads follow the formulas above.
    """
    cols = []
    for name in leads:
        if name in _DERIVED:
            i, ii = basis["I"], basis["II"]
            if name == "III":
                cols.append(ii - i)
            elif name == "aVR":
                cols.append(-(i + ii) / 2.0)
            elif name == "aVL":
                cols.append(i - ii / 2.0)
            else:
                cols.append(ii - i / 2.0)
        else:
            cols.append(basis[name])
    return np.column_stack(cols) if cols else np.zeros((0, 0))
