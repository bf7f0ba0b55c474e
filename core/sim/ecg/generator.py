"""The ECG simulator: one heart, a rhythm schedule, ectopy and conditions → any leads, with
ground truth, rendered block by block (offline records and streams share every sample).

    from heartmind.sim.ecg import EcgSimulator, Ectopy, Rhythm

    sim = EcgSimulator(subject=7, rhythm=[Rhythm("SR", duration=20), Rhythm("AF")],
                       ectopy=Ectopy(pvc=0.1, couplet=0.2), conditions=("RBBB",),
                       sampling_rate=500, seed=3)
    rec = sim.record(60.0)          # rec.signal (n, 12) mV, rec.truth
"""

from __future__ import annotations

import bisect
import math
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from ...errors import ConfigError
from ..kernels import BLOCK, Array, block_rng, block_samples
from .conditions import Condition, parse_conditions
from .leads import basis_of, check_leads, derive, lead_vectors
from .lobes import Lobes, render
from .morphology import PWave, Template, build_templates
from .noise import NoiseSpec, NoiseTruth, StreamNoise, parse_noise
from .rhythm import Ectopy, Rhythm, schedule
from .sequence import ABERRANT, FOCUS0, FUSION, NORMAL, PACED, Sequencer
from .subject import Subject
from .truth import EcgTruth
from .truth_build import build_truth

__all__ = ["EcgRecord", "EcgSimulator", "simulate"]

_LOOKBACK = 1.5  # s: the longest beat extends this far after its QRS peak
_LOOKAHEAD = 0.9  # s: … and this far before it (P wave + PR)


@dataclass(frozen=True)
class EcgRecord:
    """A simulated record.

    Attributes
    ----------
    signal
        ``(n, n_leads)`` float64 in mV (noisy when noise was requested).
    clean
        ``(n, n_leads)`` the same without noise.
    leads
        Lead names (columns).
    sampling_rate
        Hz; sample ``i`` is at ``i / sampling_rate`` s.
    truth
        Ground truth (beats, episodes, labels).
    noise
        What noise was injected (``None`` for a clean record).
    """

    signal: Array
    clean: Array
    leads: tuple[str, ...]
    sampling_rate: float
    truth: EcgTruth
    noise: NoiseTruth | None = None

    def lead(self, name: str) -> Array:
        """One lead's signal (mV)."""
        try:
            return self.signal[:, self.leads.index(name)]
        except ValueError:
            raise ConfigError(
                f"lead {name!r} is not in this record; it has {', '.join(self.leads)}."
            ) from None

    @property
    def times(self) -> Array:
        """Sample times in s."""
        return np.arange(self.signal.shape[0]) / self.sampling_rate


class EcgSimulator:
    """A clinical ECG simulator for one subject and session.

    Parameters
    ----------
    subject
        A :class:`Subject`, a subject seed (``Subject.random(seed)``) or ``None`` (drawn
        from ``seed``).
    rhythm
        A rhythm name (``"SR"``, ``"AF"``, …), a :class:`Rhythm`, or a sequence of them
        (consecutive episodes; all but the last need a duration).
    ectopy
        Ectopic beats and pauses (:class:`Ectopy`); ``None`` for none.
    conditions
        Morphology conditions, e.g. ``("LBBB",)`` or ``("MI:inferior", "AVB1")``.
    leads
        Leads to produce (default: the twelve standard leads; any of I, II, III, aVR, aVL,
        aVF, V1–V6, X, Y, Z).
    sampling_rate
        Hz (≥ 50).
    seed
        Seed of the record (beat sequence, atrial activity, noise). Condition severities and
        the pacing set-up belong to the heart and follow the subject's seed.
    session
        Session index of the subject (0: as drawn; others drift, see :meth:`Subject.session`).
    noise
        Noise to add (see :func:`~heartmind.sim.ecg.noise.parse_noise`); its power is set
        from the clean power of each lead in the first 10 s block (streaming-safe).
    snr_db
        Total SNR in dB for ``noise`` given as a preset or as types without their own SNR.
    powerline_hz
        Mains frequency for powerline noise (50 or 60 Hz).
    electrode_noise
        Make noise per electrode and combine it like the signal (the lead relations hold
        for the noisy signal too); otherwise each lead gets independent noise.
    """

    def __init__(
        self,
        subject: Subject | int | None = None,
        rhythm: str | Rhythm | Sequence[str | Rhythm] = "SR",
        *,
        ectopy: Ectopy | None = None,
        conditions: Sequence[str | Condition] | str | None = None,
        leads: Sequence[str] | str | None = None,
        sampling_rate: float = 500.0,
        seed: int = 0,
        session: int = 0,
        noise: Any = None,
        snr_db: float | None = None,
        powerline_hz: float = 50.0,
        electrode_noise: bool = False,
    ) -> None:
        if not (math.isfinite(sampling_rate) and sampling_rate >= 50.0):
            raise ConfigError(f"sampling_rate = {sampling_rate} Hz: use at least 50 Hz.")
        if subject is None:
            subject = Subject.random(seed)
        elif not isinstance(subject, Subject):
            subject = Subject.random(int(subject))
        self.subject = subject.session(int(session))
        self.seed = int(seed)
        self.sampling_rate = float(sampling_rate)
        self.leads = check_leads(leads)
        self.ectopy = ectopy or Ectopy()
        if (self.ectopy.pvc > 0 or self.ectopy.fusion > 0) and not self.subject.foci:
            raise ConfigError(
                "ectopy asks for PVCs but the subject has no ventricular foci; use "
                "Subject.random(seed) or give Subject(foci=(Focus(...), ...))."
            )
        rng_t = block_rng(self.subject.seed, "ecg-templates", 0)  # the heart: subject's
        self.conditions = parse_conditions(conditions, rng_t)
        self.templates = build_templates(self.subject, self.conditions, rng_t)
        self.episodes = schedule(rhythm)
        names = {c.name for c in self.conditions}
        symbol = "L" if "LBBB" in names else "R" if "RBBB" in names else "N"
        self.seq = Sequencer(
            self.subject,
            self.templates,
            self.episodes,
            self.ectopy,
            block_rng(seed, "ecg-sequence", 0),
            normal_symbol=symbol,
        )
        self._basis = basis_of(self.leads)
        self._basis_vec = lead_vectors(self._basis)
        self.lead_vectors = lead_vectors(self.leads)
        self._offsets: dict[str, Array] = {}
        self._blocked: list[tuple[float, int]] = []
        self._n_atrial = 0
        specs = parse_noise(noise, snr_db)
        self.noise_specs: tuple[NoiseSpec, ...] = specs
        self._noise = (
            StreamNoise(specs, self.sampling_rate, self.leads, seed, powerline_hz, electrode_noise)
            if specs
            else None
        )
        self._next_block = 0

    # ---------------------------------------------------------------- templates

    def template(self, i: int) -> Template:
        """Template of beat ``i`` (index in the sequencer's log)."""
        code = self.seq.beats.template[i]
        tp = self.templates
        if code == NORMAL:
            return tp.normal
        if code == ABERRANT:
            return tp.aberrant
        if code == PACED:
            return tp.paced
        if code == FUSION:
            return self.seq.beats.extra[i]
        return tp.foci[code - FOCUS0]

    def p_wave(self, kind: int) -> PWave:
        """P wave of kind ``kind`` (0 sinus, 1… ectopic foci)."""
        return (
            self.templates.sinus_p
            if kind == 0
            else self.templates.ectopic_p[(kind - 1) % len(self.templates.ectopic_p)]
        )

    def lead_offsets(self, tmpl: Template, key: str) -> Array:
        """Per-lead dominant QRS deflection times (s) relative to the beat time."""
        if key not in self._offsets:
            self._offsets[key] = tmpl.qrs.peak_times(self.lead_vectors)
        return self._offsets[key]

    # ---------------------------------------------------------------- rendering

    def _block_lobes(self, lo: int, hi: int) -> list[Lobes]:
        """Lobes of beats ``lo … hi - 1`` (grouped by template, vectorised)."""
        b = self.seq.beats
        times = np.asarray(b.time[lo:hi])
        codes = np.asarray(b.template[lo:hi])
        factor = np.clip(np.asarray(b.rr_eff[lo:hi]), 0.25, 2.5) ** (1.0 / 3.0)
        gain = self.seq.breath.qrs_gain(times)
        parts: list[Lobes] = []
        for code in np.unique(codes):
            rows = np.nonzero(codes == code)[0]
            for group in ([r] for r in rows) if code == FUSION else (rows,):
                tmpl = self.template(lo + int(group[0]))
                t, g, f = times[group], gain[group], factor[group]
                parts.append(_tile(tmpl.qrs, t, g))
                parts.append(_tile(tmpl.repol, t, g, f, tmpl.qrs_on))
                if len(tmpl.spike):
                    sp = _tile(tmpl.spike, t, np.ones_like(t))
                    parts.append(
                        Lobes(
                            sp.centre,
                            np.maximum(sp.half, 1.0 / self.sampling_rate),
                            sp.flat,
                            sp.vec,
                            sp.wave,
                        )
                    )
        kinds = np.asarray(b.p_kind[lo:hi])
        p_on = np.asarray(b.p_on[lo:hi])
        for kind in np.unique(kinds[kinds >= 0]):
            m = kinds == kind
            parts.append(_tile(self.p_wave(int(kind)).lobes, p_on[m], np.ones(int(m.sum()))))
        return parts

    def _sync_blocked(self) -> None:
        """Index the atrial impulses that did not conduct (rendered on their own)."""
        atrial = self.seq.atrial
        for onset, kind, conducted in atrial[self._n_atrial :]:
            if not conducted:
                bisect.insort(self._blocked, (onset, kind))
        self._n_atrial = len(atrial)

    def clean_block(self, k: int) -> tuple[Array, Array]:
        """Sample times (s) and the clean signal ``(n, n_leads)`` (mV) of block ``k``.

        Blocks are :data:`~heartmind.sim.kernels.BLOCK` s long; any block may be asked for
        (the beat sequence is generated as far as needed and kept).
        """
        fs = self.sampling_rate
        first, stop = block_samples(k, fs)
        t = np.arange(first, stop, dtype=np.float64) / fs
        a, b = k * BLOCK, (k + 1) * BLOCK
        self.seq.run_until(b + _LOOKAHEAD + 1.0)
        self._sync_blocked()
        times = self.seq.beats.time
        lo = bisect.bisect_left(times, a - _LOOKBACK)
        hi = bisect.bisect_right(times, b + _LOOKAHEAD)
        parts = self._block_lobes(lo, hi) if hi > lo else []
        j0 = bisect.bisect_left(self._blocked, (a - 0.3, -1))
        j1 = bisect.bisect_right(self._blocked, (b, 1 << 30))
        parts += [self.p_wave(kind).lobes.shifted(onset) for onset, kind in self._blocked[j0:j1]]
        lobes = Lobes.concat(parts)
        sig = render(first, stop - first, fs, lobes, lobes.vec @ self._basis_vec.T)
        for act in self.seq.activities:
            if act.start < b and act.end > a:
                sig += act.dipole(t) @ self._basis_vec.T
        clean = derive({name: sig[:, j] for j, name in enumerate(self._basis)}, self.leads)
        return t, clean

    def block(self, k: int) -> tuple[Array, Array, Array]:
        """Times, clean and (noisy) signal of block ``k``; with noise, blocks go in order."""
        t, clean = self.clean_block(k)
        if self._noise is None:
            return t, clean, clean
        if k != self._next_block:
            raise ConfigError(
                f"block {k} asked for after block {self._next_block - 1}: with noise, blocks "
                "must be rendered in order from 0 (make a new EcgSimulator to start over)."
            )
        self._next_block += 1
        if k == 0:
            self._noise.calibrate(clean)
        return t, clean, self._noise.apply(k, t, clean)

    # ---------------------------------------------------------------- records

    def record(self, duration: float) -> EcgRecord:
        """``duration`` s from the start (a fresh simulator gives the same record again).

        Returns
        -------
        EcgRecord
            Signal, clean signal, leads, rate, truth and noise truth.
        """
        if not (math.isfinite(duration) and duration > 0):
            raise ConfigError(f"duration = {duration} s: use a positive length.")
        if self._next_block:
            raise ConfigError("record() on a simulator that already streamed; make a new one.")
        fs = self.sampling_rate
        n = math.ceil(duration * fs - 1e-9)
        if self._noise is not None:
            self._noise.limit = duration
        cleans, noisys = [], []
        k = 0
        while k * BLOCK < duration:
            _, clean, noisy = self.block(k)
            cleans.append(clean)
            noisys.append(noisy)
            k += 1
        clean = np.concatenate(cleans)[:n]
        signal = np.concatenate(noisys)[:n] if self._noise is not None else clean
        truth = self.truth(0.0, duration)
        noise_truth = self._noise.truth(duration) if self._noise is not None else None
        return EcgRecord(signal, clean, self.leads, fs, truth, noise_truth)

    def truth(self, start: float, end: float) -> EcgTruth:
        """Ground truth of ``[start, end)`` s (beats by time; generated as far as needed)."""
        self.seq.run_until(end + _LOOKAHEAD + 1.0)
        return build_truth(self, start, end)

    def chunks(
        self, t0: float = 0.0, duration: float | None = None, chunk_duration: float = 0.25
    ) -> Iterator[tuple[Array, Array]]:
        """``(timestamps, data)`` chunks of ``chunk_duration`` s, the same samples as
        :meth:`record`; timestamps are ``t0 + i / sampling_rate``. ``duration=None`` runs
        forever. (For heartmind :class:`~heartmind.Chunk` objects use
        :class:`~heartmind.sim.ecg.EcgStream`.)"""
        if not (math.isfinite(chunk_duration) and chunk_duration > 0):
            raise ConfigError(f"chunk_duration = {chunk_duration}: use a positive number of s.")
        fs = self.sampling_rate
        buf_t, buf_x = np.zeros(0), np.zeros((0, len(self.leads)))
        k, j = 0, 0
        total = math.inf if duration is None else math.ceil(duration * fs - 1e-9)
        sent = 0
        while sent < total:
            end = math.ceil((j + 1) * chunk_duration * fs - 1e-9)
            if end > total:
                end = int(total)
            while buf_t.size + sent < end:
                t, _, x = self.block(k)
                buf_t, buf_x = np.concatenate((buf_t, t)), np.concatenate((buf_x, x))
                k += 1
            take = end - sent
            if take > 0:
                yield t0 + buf_t[:take], buf_x[:take]
                buf_t, buf_x = buf_t[take:], buf_x[take:]
                sent = end
            j += 1


def _tile(
    lobes: Lobes, shifts: Array, gains: Array, stretch: Array | None = None, origin: float = 0.0
) -> Lobes:
    """``lobes`` repeated per beat: stretched about ``origin``, shifted and scaled."""
    n = shifts.size
    s = np.ones(n) if stretch is None else stretch
    centre = (origin + s[:, None] * (lobes.centre[None, :] - origin)) + shifts[:, None]
    half = lobes.half[None, :] * s[:, None]
    m = len(lobes)
    return Lobes(
        centre.ravel(),
        half.ravel(),
        np.tile(lobes.flat, n),
        (lobes.vec[None, :, :] * gains[:, None, None]).reshape(n * m, 3),
        np.tile(lobes.wave, n),
    )


def simulate(
    duration: float,
    rhythm: str | Rhythm | Sequence[str | Rhythm] = "SR",
    *,
    sampling_rate: float = 500.0,
    leads: Sequence[str] | str | None = None,
    subject: Subject | int | None = None,
    seed: int = 0,
    **options: Any,
) -> EcgRecord:
    """Simulate ``duration`` s of ECG with ground truth (NeuroKit-style one call).

    Parameters
    ----------
    duration
        Length in s.
    rhythm
        Rhythm name, :class:`Rhythm` or sequence of episodes.
    sampling_rate
        Hz.
    leads
        Leads (default: the twelve standard leads).
    subject
        :class:`Subject`, subject seed or ``None`` (drawn from ``seed``).
    seed
        Record seed.
    **options
        Further :class:`EcgSimulator` options (``ectopy``, ``conditions``, ``session``,
        ``noise``, ``snr_db``, ``powerline_hz``).

    Returns
    -------
    EcgRecord
    """
    sim = EcgSimulator(
        subject, rhythm, sampling_rate=sampling_rate, leads=leads, seed=seed, **options
    )
    return sim.record(duration)
