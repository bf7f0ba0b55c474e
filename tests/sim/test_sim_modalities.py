"""EDA, EEG, radar, face, keyboard/mouse and noise respond to the state as documented."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.signal import butter, filtfilt, find_peaks, welch

from heartmind.layouts import KeyAction, KeyClass, MouseAction, MouseButton
from heartmind.sim import NOISE_TYPES, Participant, StateScript, simulate, simulate_radar
from heartmind.sim.kernels import BLOCK
from heartmind.sim.latent import Latent
from heartmind.sim.noise import NoiseModel


def _record(state: str | StateScript, kinds: tuple[str, ...], seconds: float = 120.0) -> dict:
    return simulate(seconds, kinds, seed=21, state=state, eeg_channels=32)


def test_eda_scr_rate_and_level_rise_with_stress() -> None:
    counts, levels = {}, {}
    for state in ("rest", "stress"):
        eda = _record(state, ("EDA",), 300.0)["EDA"]
        x = eda.data[:, 0].astype(np.float64)
        assert eda.info.units == ("uS",) and x.min() > 0
        peaks, _ = find_peaks(x, prominence=0.05)
        counts[state] = peaks.size
        levels[state] = float(np.median(x))
        truth, _amps = Latent(StateScript.load(state), 21).scrs(0.0, 300.0)
        assert abs(peaks.size - truth.size) <= 0.5 * truth.size + 3
    assert counts["stress"] > 2 * counts["rest"]
    assert levels["stress"] > levels["rest"] + 1.0  # µS


def _band_power(x: np.ndarray, fs: float, lo: float, hi: float) -> np.ndarray:
    f, p = welch(x, fs=fs, nperseg=int(2 * fs), axis=0)
    band = (f >= lo) & (f <= hi)
    return p[band].sum(axis=0)


def test_eeg_alpha_falls_beta_rises_under_stress() -> None:
    power = {}
    for state in ("rest", "stress"):
        eeg = _record(state, ("EEG",), 60.0)["EEG"]
        assert eeg.data.shape[1] == 32 and eeg.info.units[0] == "uV"
        ch = eeg.info.channels
        x = eeg.data.astype(np.float64)
        alpha = _band_power(x, 256.0, 8, 12)
        beta = _band_power(x, 256.0, 15, 25)
        power[state] = (alpha[[ch.index("O1"), ch.index("O2")]].mean(), beta[ch.index("Fz")])
    assert power["stress"][0] < 0.6 * power["rest"][0]  # occipital alpha
    assert power["stress"][1] > 1.5 * power["rest"][1]  # frontal beta
    rest = _record("rest", ("EEG",), 60.0)["EEG"]
    std = rest.data.std(axis=0)
    assert np.all((std > 3) & (std < 60))  # µV


def test_frontal_alpha_asymmetry_follows_valence() -> None:
    faa = {}
    for valence in (-0.8, 0.8):
        script = StateScript.constant(stress=0.3, valence=valence, arousal=0.0)
        eeg = _record(script, ("EEG",), 60.0)["EEG"]
        ch = eeg.info.channels
        alpha = _band_power(eeg.data.astype(np.float64), 256.0, 8, 12)
        faa[valence] = np.log(alpha[ch.index("F4")]) - np.log(alpha[ch.index("F3")])
    assert faa[0.8] > faa[-0.8] + 0.3


def _demodulate(iq: np.ndarray, wavelength_mm: float) -> np.ndarray:
    """Arctangent demodulation after an algebraic circle fit removes the DC offset."""
    i, q = iq[:, 0], iq[:, 1]
    a = np.column_stack((i, q, np.ones_like(i)))
    sol = np.linalg.lstsq(a, i**2 + q**2, rcond=None)[0]
    phase = np.unwrap(np.arctan2(q - sol[1] / 2, i - sol[0] / 2))
    return phase * wavelength_mm / (4 * np.pi)


def test_radar_phase_tracks_chest_motion_and_heartbeats() -> None:
    fs = 100.0
    iq, disp, beats = simulate_radar(60.0, sampling_rate=fs, seed=8)
    assert iq.shape == (disp.size, 2)
    est = _demodulate(iq, 299.792458 / 24.0)
    assert np.corrcoef(est, disp)[0, 1] > 0.98
    assert 2.0 < np.ptp(disp) < 15.0  # mm
    b, a = butter(4, [1.5, 12.0], btype="bandpass", fs=fs)
    heart = filtfilt(b, a, est)
    lags = np.arange(-20, 41)
    starts = np.round(beats[(beats > 1) & (beats < 58)] * fs).astype(int)
    average = heart[starts[:, None] + lags[None, :]].mean(axis=0)
    peak_lag = lags[np.argmax(average)] / fs
    assert 0.05 <= peak_lag <= 0.15  # s after the R peak (micro-motion delay 0.1 s)
    rng = np.random.default_rng(0)
    random = heart[rng.integers(50, len(heart) - 50, starts.size)[:, None] + lags].mean(axis=0)
    assert average.max() > 3 * np.abs(random).max()


def test_face_action_units_follow_valence_and_stress() -> None:
    means = {}
    for state in ("rest", "stress"):
        face = _record(state, ("FACE",), 120.0)["FACE"]
        assert face.info.rate == 30.0 and face.info.channels[:2] == ("AU01", "AU04")
        assert face.data.min() >= 0 and face.data.max() <= 5
        means[state] = dict(zip(face.info.channels, face.data.mean(axis=0), strict=True))
    assert means["stress"]["AU04"] > means["rest"]["AU04"] + 0.8
    assert means["rest"]["AU12"] > means["stress"]["AU12"] + 0.5
    assert means["stress"]["AU15"] > means["rest"]["AU15"]


def _keys_stats(state: str) -> tuple[float, float, np.ndarray]:
    keys = _record(state, ("KEYS",), 300.0)["KEYS"]
    action, cls = keys.data[:, 0], keys.data[:, 1]
    assert set(np.unique(action)) == {KeyAction.PRESS, KeyAction.RELEASE}
    assert set(np.unique(cls)) <= {KeyClass.OTHER, KeyClass.BACKSPACE, KeyClass.ENTER}
    assert abs(int((action == 1).sum()) - int((action == 0).sum())) <= 1
    press = action == KeyAction.PRESS
    interval = np.diff(keys.timestamps[press])
    backspace = float(np.mean(cls[press] == KeyClass.BACKSPACE))
    return float(np.median(interval)), backspace, interval


def test_keyboard_faster_with_more_corrections_under_stress() -> None:
    rest_iki, rest_bs, rest_int = _keys_stats("rest")
    stress_iki, stress_bs, _ = _keys_stats("stress")
    assert rest_int.size > 300
    assert stress_iki < 0.9 * rest_iki
    assert stress_bs > 2 * rest_bs
    assert np.any(rest_int > 1.0)  # pauses between bursts


def _mouse(state: str) -> tuple[np.ndarray, np.ndarray]:
    mouse = _record(state, ("MOUSE",), 120.0)["MOUSE"]
    return mouse.timestamps, mouse.data


def test_mouse_layout_and_jerkiness() -> None:
    jerk = {}
    for state in ("rest", "stress"):
        _ts, d = _mouse(state)
        action, button = d[:, 0], d[:, 1]
        assert set(np.unique(action)) == set(MouseAction)
        assert set(np.unique(button)) <= set(MouseButton)
        assert d[:, 2].min() >= 0 and d[:, 2].max() < 1920 and d[:, 3].max() < 1080
        scroll = action == MouseAction.SCROLL
        assert np.all(d[~scroll, 4:] == 0) and np.all(np.abs(d[scroll, 5]) == 1)
        assert np.all(button[action == MouseAction.MOVE] == MouseButton.NONE)
        assert (action == MouseAction.PRESS).sum() == (action == MouseAction.RELEASE).sum()
        moves = d[action == MouseAction.MOVE, 2:4]
        jerk[state] = float(np.median(np.abs(np.diff(moves, n=3, axis=0))))
    assert jerk["stress"] > 1.5 * jerk["rest"]


@pytest.mark.parametrize("kind", ["ECG", "PPG", "EDA", "RSP", "EEG"])
@pytest.mark.parametrize("snr_db", [0.0, 12.0])
def test_noise_is_at_requested_snr(kind: str, snr_db: float) -> None:
    clean = _record("rest", (kind,), 60.0)[kind].data.astype(np.float64)
    noisy = simulate(60.0, (kind,), seed=21, state="rest", snr_db=snr_db, eeg_channels=32)
    noise = noisy[kind].data.astype(np.float64) - clean
    measured = 10 * np.log10(np.mean(np.var(clean, axis=0)) / np.mean(np.var(noise, axis=0)))
    assert measured == pytest.approx(snr_db, abs=1.0)


def test_each_noise_type_has_its_signature() -> None:
    fs = 500.0
    clean = simulate(60.0, ("ECG",), seed=4, state="rest")["ECG"].data[:, 0].astype(float)
    spectra = {}
    for kind in ("powerline", "baseline", "emg"):
        noisy = simulate(60.0, ("ECG",), seed=4, state="rest", snr_db=6.0, noise=(kind,))
        n = noisy["ECG"].data[:, 0].astype(float) - clean
        f, p = welch(n, fs=fs, nperseg=2048)
        spectra[kind] = (f, p / p.sum(), n)
    f, p, _ = spectra["powerline"]
    assert f[np.argmax(p)] == pytest.approx(50.0, abs=0.5)
    f, p, _ = spectra["baseline"]
    assert p[f < 1.0].sum() > 0.9
    f, p, _ = spectra["emg"]
    assert p[(f >= 18) & (f <= 160)].sum() > 0.9
    for bursty in ("motion", "pops"):  # ~1-2 events per minute: look at 20 minutes
        model = NoiseModel(6.0, (bursty,), fs, 4, "ECG", reference_power=1.0)
        t = np.arange(int(BLOCK * fs)) / fs
        n = np.concatenate([model.apply(k, t + k * BLOCK, np.zeros(t.size)) for k in range(120)])
        env = np.abs(n)
        assert env.max() > 0
        assert np.mean(env > 0.05 * env.max()) < 0.2  # energy concentrated in bursts
        measured = 10 * np.log10(1.0 / np.var(n))
        assert measured == pytest.approx(6.0, abs=3.0)  # on average only
    p60 = Participant("rest", seed=4, snr_db=6.0, noise=("powerline",), powerline_hz=60.0)
    n60 = p60.record(20.0)["ECG"].data[:, 0].astype(float) - clean[: 20 * 500]
    f, p = welch(n60, fs=fs, nperseg=2048)
    assert f[np.argmax(p)] == pytest.approx(60.0, abs=0.5)


def test_noisy_streams_are_chunk_independent() -> None:
    p = Participant(
        "rest", seed=3, modalities=("ECG", "EEG"), snr_db=3.0, eeg_channels=4, noise=NOISE_TYPES
    )
    a = [c for c in p.chunks(duration=25.0, chunk_duration=0.1) if c.info.type == "ECG"]
    b = [c for c in p.chunks(duration=25.0, chunk_duration=2.0) if c.info.type == "ECG"]
    np.testing.assert_array_equal(
        np.concatenate([c.data for c in a]), np.concatenate([c.data for c in b])
    )
