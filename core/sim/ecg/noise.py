"""ECG noise at a known signal-to-noise ratio, per lead, with truth of what was injected.

**SNR definition.** For lead ``l`` and noise type ``k`` over a record (or over the span the
noise is added to)::

    SNR_l,k = 10 log10( sum_n x_l[n]^2 / sum_n e_l,k[n]^2 )   [dB]

``x`` is the clean ECG (mV, as simulated: no baseline offset), ``e_k`` the injected noise of
type ``k``. :func:`add_noise` scales every type so that this holds *exactly* per lead
(``electrodes=False``) or on the powers averaged over leads (``electrodes=True``, where the
noise is made per electrode and combined into leads like the signal, so Einthoven's and
Goldberger's relations also hold for the noise). A simulator stream cannot see the future,
so it sets the noise power from the clean power of each lead in the first 10 s block; its
truth reports the SNR actually achieved.

Types (:data:`NOISE_TYPES`):

``baseline``        baseline drift: six sinusoids 0.05–0.5 Hz (respiration, electrode drift)
``emg``             static / muscle noise: white noise band-passed 20–150 Hz (4th order)
``powerline``       50/60 Hz mains with a 3rd harmonic, amplitude varying ±20 %
``motion``          electrode motion: bursts (6 /min, 0.5–3 s) of 0.5–8 Hz noise
``burst``           burst noise: short (0.1–1 s, 3 /min) broadband (1–100 Hz) bursts
``pops``            electrode pops: steps decaying in 0.05–0.3 s (2 /min)
``steps``           baseline steps: offsets recovering in 1–6 s (1 /min)
``impedance``       dry-electrode (textile) high-impedance noise: 0.5–40 Hz broadband
``textile_motion``  motion artefact driven by a simulated movement (walking cadence ~1.8 Hz,
                    in bouts), per-channel linear + quadratic coupling and delay
``contact``         intermittent contact: spans (1 /min, 0.2–2 s) where a lead is flat
                    (0 mV) or saturated (± ``rail`` mV); replaces the signal, has no SNR

Event rates are per channel. Presets (:data:`PRESETS`) mix types at fixed relative powers
and take one total SNR.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ...errors import ConfigError
from ..kernels import Array, block_samples
from .leads import LEADS
from .noise_sources import RawNoise

__all__ = [
    "ELECTRODES",
    "NOISE_TYPES",
    "PRESETS",
    "NoiseSpans",
    "NoiseSpec",
    "NoiseTruth",
    "StreamNoise",
    "add_noise",
    "parse_noise",
    "snr_db",
]

NOISE_TYPES: tuple[str, ...] = (
    "baseline", "emg", "powerline", "motion", "burst", "pops", "steps", "impedance",
    "textile_motion", "contact",
)  # fmt: skip
#: Electrodes of the 12-lead system, in the order the electrode model uses.
ELECTRODES: tuple[str, ...] = ("RA", "LA", "LL", "V1", "V2", "V3", "V4", "V5", "V6")


@dataclass(frozen=True)
class NoiseSpec:
    """One noise type.

    Parameters
    ----------
    type
        One of :data:`NOISE_TYPES`.
    snr_db
        SNR in dB of this type alone (required, except for ``contact``).
    per_min
        Events per minute per channel for event types (``None``: the type's default).
    activity
        Movement profile of ``textile_motion``: ``walk``, ``run``, ``arms``, ``stairs``.
    mode
        ``contact``: ``"flat"``, ``"saturated"`` or ``"mixed"``.
    rail
        ``contact``: saturation level in mV.
    """

    type: str
    snr_db: float | None = None
    per_min: float | None = None
    activity: str = "walk"
    mode: str = "mixed"
    rail: float = 5.0

    def __post_init__(self) -> None:
        if self.type not in NOISE_TYPES:
            raise ConfigError(
                f"noise type {self.type!r} is unknown; valid types: {', '.join(NOISE_TYPES)}; "
                f"presets: {', '.join(PRESETS)}."
            )
        if self.type != "contact" and (self.snr_db is None or not math.isfinite(self.snr_db)):
            raise ConfigError(f"noise {self.type!r} needs snr_db (a number of dB).")
        if self.mode not in ("flat", "saturated", "mixed"):
            raise ConfigError(f"contact mode {self.mode!r}: use 'flat', 'saturated' or 'mixed'.")
        if self.per_min is not None and not 0 <= self.per_min <= 120:
            raise ConfigError(f"noise {self.type!r}: per_min = {self.per_min}; use 0–120.")


#: Preset name → ((spec, relative dB), …): a component with relative dB ``o`` gets
#: ``10**(-o/10)`` of the preset's noise power.
PRESETS: dict[str, tuple[tuple[NoiseSpec, float], ...]] = {
    "holter": ((NoiseSpec("baseline", 0.0), 0.0), (NoiseSpec("emg", 0.0), 6.0),
               (NoiseSpec("motion", 0.0), 3.0)),
    "textile_rest": ((NoiseSpec("impedance", 0.0), 0.0), (NoiseSpec("baseline", 0.0), 2.0),
                     (NoiseSpec("powerline", 0.0), 4.0),
                     (NoiseSpec("contact", per_min=0.3), 0.0)),
    "textile_walk": ((NoiseSpec("textile_motion", 0.0), 0.0), (NoiseSpec("impedance", 0.0), 4.0),
                     (NoiseSpec("baseline", 0.0), 4.0), (NoiseSpec("powerline", 0.0), 8.0),
                     (NoiseSpec("contact", per_min=1.0), 0.0)),
    "textile_run": ((NoiseSpec("textile_motion", 0.0, activity="run"), 0.0),
                    (NoiseSpec("impedance", 0.0), 5.0), (NoiseSpec("emg", 0.0), 5.0),
                    (NoiseSpec("contact", per_min=3.0), 0.0)),
    "baseline_drift": ((NoiseSpec("baseline", 0.0), 0.0),),
    "static_noise": ((NoiseSpec("emg", 0.0), 0.0), (NoiseSpec("powerline", 0.0), 6.0)),
    "burst_noise": ((NoiseSpec("burst", 0.0), 0.0),),
    "electrode_problems": ((NoiseSpec("pops", 0.0), 0.0), (NoiseSpec("steps", 0.0), 3.0),
                           (NoiseSpec("contact", per_min=0.5), 0.0)),
}  # fmt: skip


def _with_snr(spec: NoiseSpec, snr: float | None) -> NoiseSpec:
    return NoiseSpec(spec.type, snr, spec.per_min, spec.activity, spec.mode, spec.rail)


def _split(
    items: Sequence[tuple[NoiseSpec, float]], total: float | None, what: str
) -> list[NoiseSpec]:
    additive = [(s, o) for s, o in items if s.type != "contact"]
    if additive and total is None:
        raise ConfigError(f"noise {what!r} needs snr_db: the total SNR in dB.")
    w = np.array([10 ** (-o / 10) for _, o in additive])
    out = [
        _with_snr(s, float(total) + 10 * math.log10(w.sum() / wi))  # type: ignore[arg-type]
        for (s, _), wi in zip(additive, w, strict=True)
    ]
    return out + [s for s, _ in items if s.type == "contact"]


def parse_noise(noise: Any, snr_db: float | None = None) -> tuple[NoiseSpec, ...]:
    """Noise specs from a preset name, a type name, a :class:`NoiseSpec`, a mapping
    ``{type: snr_db}`` or a sequence of these.

    A preset or a list of bare type names shares the total ``snr_db`` (presets by their
    relative powers, bare types equally). Returns ``()`` for ``None``.
    """
    if noise is None:
        return ()
    if isinstance(noise, NoiseSpec):
        return (noise,)
    if isinstance(noise, Mapping):
        return tuple(NoiseSpec(str(k), float(v)) for k, v in noise.items())
    if isinstance(noise, str):
        if noise in PRESETS:
            return tuple(_split(PRESETS[noise], snr_db, noise))
        return tuple(
            _split(
                [(NoiseSpec(noise, 0.0) if noise != "contact" else NoiseSpec(noise), 0.0)],
                snr_db,
                noise,
            )
        )
    items = list(noise)
    bare = [x for x in items if isinstance(x, str) and x not in PRESETS]
    out: list[NoiseSpec] = []
    if bare:
        out += _split(
            [(NoiseSpec(b, 0.0) if b != "contact" else NoiseSpec(b), 0.0) for b in bare],
            snr_db,
            ", ".join(bare),
        )
    for x in items:
        if isinstance(x, str) and x in bare:
            continue
        out += list(parse_noise(x, snr_db))
    return tuple(out)


def snr_db(clean: Array, noise: Array) -> Array:
    """Per-column SNR in dB: ``10 log10(sum clean² / sum noise²)`` (``inf`` for no noise)."""
    return _snr(clean, noise)


def _snr(clean: Array, noise: Array) -> Array:
    c = np.atleast_2d(np.asarray(clean, dtype=np.float64).T).T
    e = np.atleast_2d(np.asarray(noise, dtype=np.float64).T).T
    pc, pe = np.sum(c * c, axis=0), np.sum(e * e, axis=0)
    with np.errstate(divide="ignore"):
        out: Array = 10.0 * np.log10(pc / pe)
    return out


def electrode_leads(e: Array, leads: Sequence[str]) -> Array:
    """Combine electrode potentials ``(n, 9)`` (order :data:`ELECTRODES`) into ``leads``."""
    ra, la, ll = e[:, 0], e[:, 1], e[:, 2]
    wct = (ra + la + ll) / 3.0
    basis = {"I": la - ra, "II": ll - ra}
    for i, v in enumerate(("V1", "V2", "V3", "V4", "V5", "V6")):
        basis[v] = e[:, 3 + i] - wct
    from .leads import derive

    return derive(basis, leads)


#: Leads that use each electrode (a contact loss there disturbs them).
def _electrode_use(leads: Sequence[str]) -> list[list[int]]:
    limb = {
        "I": "RA LA",
        "II": "RA LL",
        "III": "LA LL",
        "aVR": "RA LA LL",
        "aVL": "RA LA LL",
        "aVF": "RA LA LL",
    }
    use: list[list[int]] = [[] for _ in ELECTRODES]
    for j, lead in enumerate(leads):
        names = limb.get(lead, f"RA LA LL {lead}").split()
        for name in names:
            use[ELECTRODES.index(name)].append(j)
    return use


def _expected_lead_power(leads: Sequence[str]) -> Array:
    """Power per lead of independent unit-power electrode noise."""
    eye = np.eye(len(ELECTRODES))
    w = electrode_leads(eye, leads)  # row r: lead values for unit potential at electrode r
    out: Array = np.sum(w * w, axis=0)
    return out


@dataclass(frozen=True)
class NoiseSpans:
    """Spans of event noise and contact loss (s), with the affected lead (``"*"``: several)."""

    start: Array
    end: Array
    type: np.ndarray
    lead: np.ndarray

    def __len__(self) -> int:
        return int(self.start.size)


@dataclass(frozen=True)
class NoiseTruth:
    """What noise a record got.

    Attributes
    ----------
    specs
        The noise types with their requested SNR.
    leads
        Lead names (columns of the SNR arrays).
    snr_db
        Achieved SNR per type, ``{type: (n_leads,) dB}`` (definition in the module docs).
    total_snr_db
        SNR of all additive noise together, per lead.
    spans
        Event noise (motion, burst, pops, steps) and contact-loss spans.
    movement
        The movement signal (a.u.) driving ``textile_motion`` at every sample, else None.
    electrodes
        Whether noise was made per electrode.
    """

    specs: tuple[NoiseSpec, ...]
    leads: tuple[str, ...]
    snr_db: dict[str, Array]
    total_snr_db: Array
    spans: NoiseSpans
    movement: Array | None = None
    electrodes: bool = False
    extra: dict[str, Any] = field(default_factory=dict)


class _Mixer:
    """Shared machinery: raw sources for the specs, per block, per lead or electrode."""

    def __init__(
        self,
        specs: Sequence[NoiseSpec],
        rate: float,
        leads: Sequence[str],
        seed: int,
        powerline_hz: float,
        electrodes: bool,
    ) -> None:
        self.specs = tuple(specs)
        self.leads = tuple(leads)
        self.rate = float(rate)
        self.electrodes = bool(electrodes)
        if electrodes and not set(self.leads) <= set(LEADS):
            raise ConfigError(
                f"electrode noise needs standard leads (I … V6); got {', '.join(self.leads)}."
            )
        n_ch = len(ELECTRODES) if electrodes else len(self.leads)
        self.sources = [
            RawNoise(s.type, rate, n_ch, seed + 7919 * i, powerline_hz, s.per_min, s.activity)
            for i, s in enumerate(self.specs)
        ]
        self.use = (
            _electrode_use(self.leads) if electrodes else [[j] for j in range(len(self.leads))]
        )
        self.expected = _expected_lead_power(self.leads) if electrodes else np.ones(len(self.leads))

    def raw(self, k: int, t: Array) -> list[Array]:
        """Raw noise of each additive spec in lead space (zeros for ``contact``)."""
        out = []
        for spec, src in zip(self.specs, self.sources, strict=True):
            if spec.type == "contact":
                out.append(np.zeros((t.size, len(self.leads))))
                continue
            x = src.block(k, t)
            out.append(electrode_leads(x, self.leads) if self.electrodes else x)
        return out

    def contact(self, k: int, t: Array, data: Array) -> None:
        """Replace the samples of leads that lost contact in block ``k`` (in place)."""
        for spec, src in zip(self.specs, self.sources, strict=True):
            if spec.type != "contact":
                continue
            for a, b, ch, sign in src.contact_spans(k):
                sel = (t >= a) & (t < b)
                if not sel.any():
                    continue
                sat = spec.mode == "saturated" or (spec.mode == "mixed" and sign > 0)
                for j in self.use[ch]:
                    data[sel, j] = sign * spec.rail if sat else 0.0

    def spans(self, end: float) -> NoiseSpans:
        rows: list[tuple[float, float, str, str]] = []
        for spec, src in zip(self.specs, self.sources, strict=True):
            for a, b, ch in src.spans:
                if a < end:
                    lead = self.leads[self.use[ch][0]] if len(self.use[ch]) == 1 else "*"
                    rows.append((a, min(b, end), spec.type, lead))
        rows.sort()
        return NoiseSpans(
            np.array([r[0] for r in rows]),
            np.array([r[1] for r in rows]),
            np.array([r[2] for r in rows], dtype="<U16"),
            np.array([r[3] for r in rows], dtype="<U4"),
        )

    def movement(self, t: Array) -> Array | None:
        for spec, src in zip(self.specs, self.sources, strict=True):
            if spec.type == "textile_motion":
                out: Array = src.movement(t)
                return out
        return None


def add_noise(
    signal: Array,
    sampling_rate: float,
    noise: Any,
    *,
    snr_db: float | None = None,
    leads: Sequence[str] | None = None,
    seed: int = 0,
    electrodes: bool = False,
    powerline_hz: float = 50.0,
) -> tuple[Array, NoiseTruth]:
    """Add noise to a clean ECG at exactly the requested SNR (definition in the module docs).

    Parameters
    ----------
    signal
        Clean ECG ``(n,)`` or ``(n, n_leads)`` in mV.
    sampling_rate
        Hz.
    noise
        Preset, type, :class:`NoiseSpec`, ``{type: snr_db}`` or a sequence of these.
    snr_db
        Total SNR in dB for a preset or bare type names.
    leads
        Lead names of the columns (needed with ``electrodes=True``; default ``("ECG",)``
        or ``ch0, ch1, …``).
    seed
        Noise seed.
    electrodes
        Make noise per electrode and combine it like the signal (12-lead consistency).
    powerline_hz
        Mains frequency in Hz.

    Returns
    -------
    noisy, truth
        The noisy signal (same shape as ``signal``) and a :class:`NoiseTruth`.
    """
    x = np.asarray(signal, dtype=np.float64)
    x2 = x.reshape(x.shape[0], -1)
    if x2.shape[0] == 0:
        raise ConfigError("add_noise: the signal is empty.")
    names = _column_names(leads, x2.shape[1])
    specs = parse_noise(noise, snr_db)
    mix = _Mixer(specs, sampling_rate, names, seed, powerline_hz, electrodes)
    n, fs = x2.shape[0], float(sampling_rate)
    blocks = _blocks(n, fs)
    raws = [mix.raw(k, np.arange(a, z) / fs) for k, (a, z) in enumerate(blocks)]
    p_clean = np.mean(x2 * x2, axis=0)
    achieved: dict[str, Array] = {}
    total = np.zeros_like(x2)
    for i, spec in enumerate(specs):
        if spec.type == "contact":
            continue
        e = np.concatenate([r[i] for r in raws])
        if spec.type in ("motion", "burst", "pops", "steps") and not electrodes:
            mix.sources[i].ensure_event(e, n / fs)
        p_e = np.mean(e * e, axis=0)
        want = (np.mean(p_clean) if electrodes else p_clean) / 10 ** ((spec.snr_db or 0.0) / 10)
        have = np.mean(p_e) if electrodes else p_e
        e = e * np.sqrt(want / np.maximum(have, 1e-300))
        total += e
        achieved[spec.type] = _snr(x2, e)
    out = x2 + total
    for k, (a, z) in enumerate(blocks):
        mix.contact(k, np.arange(a, z) / fs, out[a:z])
    truth = NoiseTruth(
        specs,
        names,
        achieved,
        _snr(x2, total),
        mix.spans(n / fs),
        mix.movement(np.arange(n) / fs),
        electrodes,
    )
    return out.reshape(x.shape), truth


def _column_names(leads: Sequence[str] | None, m: int) -> tuple[str, ...]:
    if leads is None:
        return ("ECG",) if m == 1 else tuple(f"ch{i}" for i in range(m))
    if len(leads) != m:
        raise ConfigError(f"leads: {len(leads)} names for {m} columns; give one per column.")
    return tuple(leads)


def _blocks(n: int, fs: float) -> list[tuple[int, int]]:
    """``[first, stop)`` sample ranges of the simulator's 10 s blocks covering ``n`` samples."""
    out: list[tuple[int, int]] = []
    k = 0
    while True:
        a, z = block_samples(k, fs)
        if a >= n:
            return out
        out.append((a, min(z, n)))
        k += 1


class StreamNoise:
    """Block-wise noise for a simulator stream (power set from the first block's clean power).

    Achieved SNRs are accumulated over the samples before ``limit`` s (set it to the record
    duration before rendering; default: every sample rendered).
    """

    def __init__(
        self,
        specs: Sequence[NoiseSpec],
        rate: float,
        leads: Sequence[str],
        seed: int,
        powerline_hz: float = 50.0,
        electrodes: bool = False,
    ) -> None:
        self.mix = _Mixer(specs, rate, leads, seed, powerline_hz, electrodes)
        self.gains: list[Array] = []
        self.limit = math.inf
        m = len(self.mix.leads)
        self._clean = np.zeros(m)
        self._acc = {s.type: np.zeros(m) for s in self.mix.specs if s.type != "contact"}
        self._total = np.zeros(m)

    def calibrate(self, clean: Array) -> None:
        """Set each type's gain per lead from ``clean`` (block 0)."""
        p = np.mean(clean * clean, axis=0)
        exp = self.mix.expected
        if self.mix.electrodes:
            p = np.full_like(p, float(np.mean(p)))
            exp = np.full_like(p, float(np.mean(exp)))
        self.gains = [np.sqrt(p / 10 ** ((s.snr_db or 0.0) / 10) / exp) for s in self.mix.specs]

    def apply(self, k: int, t: Array, clean: Array) -> Array:
        """``clean`` plus noise for block ``k`` (blocks in order from 0)."""
        keep = t < self.limit
        total = np.zeros_like(clean)
        for spec, raw, g in zip(self.mix.specs, self.mix.raw(k, t), self.gains, strict=True):
            if spec.type != "contact":
                e = raw * g
                total += e
                self._acc[spec.type] += np.sum(e[keep] ** 2, axis=0)
        self._clean += np.sum(clean[keep] ** 2, axis=0)
        self._total += np.sum(total[keep] ** 2, axis=0)
        out = clean + total
        self.mix.contact(k, t, out)
        return out

    def truth(self, duration: float) -> NoiseTruth:
        """Noise truth of the samples before ``limit`` (a record of ``duration`` s)."""
        with np.errstate(divide="ignore"):
            per_type = {k: 10 * np.log10(self._clean / v) for k, v in self._acc.items()}
            total = 10 * np.log10(self._clean / self._total)
        t = np.arange(math.ceil(duration * self.mix.rate - 1e-9)) / self.mix.rate
        return NoiseTruth(
            self.mix.specs,
            self.mix.leads,
            per_type,
            total,
            self.mix.spans(duration),
            self.mix.movement(t),
            self.mix.electrodes,
            {"reference": "clean power of the first 10 s block"},
        )
