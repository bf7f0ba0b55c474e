"""EEG band powers and frontal alpha asymmetry on the simulator; 10–20 name handling."""

from __future__ import annotations

import numpy as np
import pytest

import heartmind
from heartmind import Chunk, Context, StreamInfo, VirtualClock, event_from_json
from heartmind.errors import ConfigError
from heartmind.plugins.eeg.api import (
    EEGBandsProcessor,
    eeg_bandpower,
    eeg_filter,
    find_channel,
    frontal_asymmetry,
    standard_name,
)
from heartmind.plugins.eeg.events import AlphaAsymmetry, BandPower
from heartmind.sim import Participant, StateScript

FS = 256.0


def _eeg(state: StateScript | str, seed: int = 1, duration: float = 20.0):
    rec = Participant(state, seed, ("EEG",), truth=False).record(duration)
    return rec["EEG"].data.astype(float), rec["EEG"].info


def _mean(bp: dict, channels: tuple[str, ...], names: tuple[str, ...], band: int) -> float:
    idx = [channels.index(n) for n in names]
    return float(bp["absolute"][:, idx, band].mean())


def test_alpha_falls_and_beta_rises_under_stress() -> None:
    rest, info = _eeg("rest")
    stress, _ = _eeg("stress")
    a, b = eeg_bandpower(rest, FS), eeg_bandpower(stress, FS)
    post, fc = ("O1", "O2", "Pz", "P3", "P4"), ("F3", "F4", "Fz", "C3", "C4", "Cz")
    assert _mean(b, info.channels, post, 2) < 0.7 * _mean(a, info.channels, post, 2)
    assert _mean(b, info.channels, fc, 3) > 1.3 * _mean(a, info.channels, fc, 3)
    np.testing.assert_allclose(a["relative"].sum(axis=2), 1.0)
    assert a["absolute"].shape == (17, 32, 5) and a["times"][0] == 4.0


@pytest.mark.parametrize("valence", [-0.8, 0.8])
def test_frontal_asymmetry_sign_follows_valence(valence: float) -> None:
    x, info = _eeg(StateScript.constant(stress=0.2, valence=valence, arousal=0.0), seed=3)
    bp = eeg_bandpower(x, FS)
    faa = frontal_asymmetry(bp["absolute"][:, :, 2], info.channels)
    assert set(faa) == {"F4-F3", "F8-F7"}
    assert np.sign(np.mean(faa["F4-F3"])) == np.sign(valence)


@pytest.mark.parametrize("size", [1, 100, 1000])
def test_streaming_equals_offline(size: int) -> None:
    x, info = _eeg("rest", duration=12.0)
    ref = eeg_bandpower(x, FS, window=4.0, step=2.0)
    proc = EEGBandsProcessor(window=4.0, step=2.0)
    proc.start(Context(name="eeg", clock=VirtualClock(), inputs=(info,)))
    events: list[heartmind.Event] = []
    for i in range(0, x.shape[0], size):
        ts = 5.0 + np.arange(i, min(i + size, x.shape[0])) / FS
        events.extend(
            e
            for e in proc.process(Chunk(x[i : i + size], ts, info))
            if isinstance(e, heartmind.Event)
        )
    bands = [e for e in events if isinstance(e, BandPower)]
    assert len(bands) == ref["times"].size == 5
    np.testing.assert_allclose([e.timestamp for e in bands], 5.0 + ref["times"] - 1 / FS)
    np.testing.assert_allclose(
        np.array([e.alpha for e in bands]), ref["absolute"][:, :, 2], rtol=1e-9
    )
    faa = [e for e in events if isinstance(e, AlphaAsymmetry)]
    want = frontal_asymmetry(ref["absolute"][:, :, 2], info.channels)
    np.testing.assert_allclose([e.faa for e in faa], want["F4-F3"], rtol=1e-9)
    back = event_from_json(bands[0].to_json())
    assert isinstance(back, BandPower) and back.channels == info.channels


def test_channel_names() -> None:
    assert standard_name("fp1") == "Fp1" and standard_name("FZ") == "Fz"
    assert standard_name("T3") == "T7" and standard_name("t6") == "P8"
    assert standard_name("EEG F3-REF") == "F3" and standard_name("fcz") == "FCz"
    assert find_channel(("FP1", "f4", "F3"), "F4") == 1
    alpha = np.array([[1.0, np.e, 1.0]])
    assert frontal_asymmetry(alpha, ("fp1", "f4", "f3"))["F4-F3"][0] == pytest.approx(1.0)
    with pytest.raises(ConfigError, match="F4/F3 or F8/F7"):
        frontal_asymmetry(np.ones((1, 2)), ("O1", "O2"))
    info = StreamInfo("e", "EEG", ("O1", "O2"), units="uV", rate=FS)
    with pytest.raises(ConfigError, match="frontal pair"):
        EEGBandsProcessor(asymmetry="on").start(
            Context(name="e", clock=VirtualClock(), inputs=(info,))
        )


def test_filter_and_errors() -> None:
    t = np.arange(int(10 * FS)) / FS
    x = np.column_stack([np.sin(2 * np.pi * 10 * t) + np.sin(2 * np.pi * 50 * t)] * 2)
    y = eeg_filter(x, FS, l_freq=1.0, h_freq=45.0, notch=50.0)
    mid = slice(int(2 * FS), int(8 * FS))
    assert np.std(y[mid, 0] - np.sin(2 * np.pi * 10 * t[mid])) < 0.05
    with pytest.raises(ConfigError, match="2-D"):
        eeg_bandpower(np.zeros(100), FS)
    with pytest.raises(ConfigError, match="window"):
        eeg_bandpower(np.zeros((1000, 2)), FS, window=0.5)
    with pytest.raises(ConfigError, match="sampling rate"):
        eeg_bandpower(np.zeros((1000, 2)), 50.0)
