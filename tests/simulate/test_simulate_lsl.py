"""``heartmind simulate`` in a subprocess, read by plain pylsl inlets in this process."""

from __future__ import annotations

import signal
import time
import uuid
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
from lsl_children import Child, Children, children

pytestmark = [pytest.mark.lsl, pytest.mark.slow, pytest.mark.timeout(60)]

__all__ = ["children"]


@pytest.fixture
def simulate(children: Children) -> Callable[..., Child]:
    """Start ``heartmind simulate ARGS`` in its own process group; killed on teardown."""

    def start(*args: str) -> Child:
        return children.heartmind("--plugins", "simulator", "simulate", *args)

    return start


def _inlet(pylsl: Any, name: str) -> Any:
    found = pylsl.resolve_byprop("name", name, 1, 10.0)
    assert found, f"stream {name} not found"
    return pylsl.StreamInlet(found[0], max_buflen=30)


def _pull(inlet: Any, seconds: float) -> tuple[list[Any], np.ndarray]:
    values: list[Any] = []
    stamps: list[float] = []
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        data, ts = inlet.pull_chunk(timeout=0.2)
        values.extend(data)
        stamps.extend(ts)
    return values, np.asarray(stamps)


def test_simulated_outlets_metadata_exact_timestamps_truth_and_sigint(simulate: Any) -> None:
    from heartmind.plugins.lsl.api import ensure_lsl

    pylsl = ensure_lsl()
    uid = uuid.uuid4().hex[:10]
    prefix, source = f"s{uid}", f"src{uid}"
    proc = simulate("ecg", "ppg", "--name-prefix", prefix, "--source-id", source, "--seed", "3")
    ecg = _inlet(pylsl, f"{prefix}-ECG")
    truth = _inlet(pylsl, f"{prefix}-TRUTH")
    try:
        info = ecg.info(timeout=5.0)
        assert (info.type(), info.nominal_srate(), info.source_id()) == (
            "ECG",
            500.0,
            f"{source}-ECG",
        )
        assert info.get_channel_labels() == ["ECG"] and info.get_channel_units() == ["mV"]
        manufacturer = info.desc().child("acquisition").child_value("manufacturer")
        assert manufacturer == "heartmind simulator"
        truth_info = truth.info(timeout=5.0)
        assert truth_info.type() == "Markers" and truth_info.source_id() == f"{source}-TRUTH"
        ecg.open_stream(timeout=5.0)
        truth.open_stream(timeout=5.0)
        t_start = time.monotonic()
        values, stamps = _pull(ecg, 5.0)
        elapsed = time.monotonic() - t_start
        marks, mstamps = truth.pull_chunk(timeout=1.0)
    finally:
        truth.close_stream()
        ecg.close_stream()
        del truth, ecg
    np.testing.assert_allclose(np.diff(stamps), 1 / 500, rtol=0, atol=1e-9)
    # Paced in real time: never ahead of the wall clock (generous bounds: the machine may
    # be busy, so the publisher may fall behind, but it must not run ahead).
    assert 0.3 * elapsed * 500 < len(stamps) < (elapsed + 0.5) * 500
    beats = np.asarray([t for t, m in zip(mstamps, marks, strict=True) if m[0].startswith("beat")])
    assert len(beats) >= 3 and all(m[0].startswith(("beat rr=", "phase:")) for m in marks)
    ecg_v = np.asarray(values)[:, 0]
    for tb in beats[(beats > stamps[0] + 0.1) & (beats < stamps[-1] - 0.1)]:
        i = round(float(tb - stamps[0]) * 500)
        assert i == i - 25 + int(np.argmax(ecg_v[i - 25 : i + 26]))  # the R peak is at the beat
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=10)
    assert proc.returncode == 0, err
    assert f"{prefix}-ECG  ECG  500 Hz  1 ch" in err and "stopped:" in err
