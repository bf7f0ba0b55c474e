"""Samples beyond one value per channel, recorded and replayed: an RGB image stream and an
FMCW radar cube stream go through a session's ``xdf-recorder`` into an XDF file, which
pyxdf reads flat and heartmind.io and the ``replay`` sensor read shaped, equal."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest

import heartmind
from heartmind import StreamInfo
from heartmind.io import RecordingSensor, Track, open_recording, readonly

pyxdf = pytest.importorskip("pyxdf")

IMAGE = StreamInfo(
    "camera",
    "VIDEO",
    ("frame",),
    "",
    10.0,
    "uint8",
    shape=(48, 64, 3),  # 64 × 48 pixels, RGB
    axes=("y", "x", "color"),
    spacing=(0.25, 0.25, 1.0),
    spacing_units=("mm", "mm", ""),
    color_space="RGB",
)
RADAR = StreamInfo(
    "fmcw",
    "RADAR",
    ("I", "Q"),  # complex samples as two channels
    "a.u.",
    20.0,
    "float32",
    shape=(16, 4, 32),  # chirps × receive antennas × fast-time samples
    axes=("chirp", "rx", "fast_time"),
    spacing=(1e-4, 1.95, 2e-7),
    spacing_units=("s", "mm", "s"),
)


@pytest.fixture(scope="module")
def written(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Any]]:
    """3 image frames and 6 radar frames recorded by the xdf-recorder consumer."""
    rng = np.random.default_rng(11)
    frames = rng.integers(0, 256, size=(3, 1, *IMAGE.shape), dtype=np.uint8)
    cubes = rng.standard_normal((6, 2, *RADAR.shape)).astype(np.float32)
    tracks = [
        Track(IMAGE, readonly(frames), readonly(np.arange(3) / 10.0)),
        Track(RADAR, readonly(cubes), readonly(0.01 + np.arange(6) / 20.0)),
    ]
    path = tmp_path_factory.mktemp("payloads") / "frames.xdf"
    session = heartmind.Session(clock="virtual")
    session.add_sensor(RecordingSensor(tracks, chunk_duration=0.1), name="devices")
    session.add_consumer("xdf-recorder", name="rec", path=str(path), record_events=False)
    session.run()
    return path, {"camera": frames, "fmcw": cubes}


def test_pyxdf_reads_the_flat_values_and_the_layout(written: tuple[Path, dict[str, Any]]) -> None:
    path, data = written
    streams, _ = pyxdf.load_xdf(str(path), synchronize_clocks=False, dejitter_timestamps=False)
    by_name = {s["info"]["name"][0]: s for s in streams}
    camera, fmcw = by_name["camera"], by_name["fmcw"]
    assert camera["info"]["channel_format"] == ["int16"]  # XDF has no uint8: widened
    np.testing.assert_array_equal(camera["time_series"], data["camera"].reshape(3, -1))
    np.testing.assert_array_equal(fmcw["time_series"], data["fmcw"].reshape(6, -1))
    payload = camera["info"]["desc"][0]["heartmind"][0]["payload"][0]
    sizes = [int(a["size"][0]) for a in payload["axis"]]
    names = [a["name"][0] for a in payload["axis"]]
    assert (names, sizes) == (["channel", "y", "x", "color"], [1, 48, 64, 3])
    assert payload["dtype"] == ["uint8"] and payload["color_space"] == ["RGB"]
    np.testing.assert_array_equal(  # the layout says how to get the samples back
        camera["time_series"].reshape(-1, *sizes).astype(np.uint8), data["camera"]
    )


def test_heartmind_io_reads_them_shaped(written: tuple[Path, dict[str, Any]]) -> None:
    path, data = written
    rec = open_recording(path)
    camera, fmcw = rec.track("camera"), rec.track("fmcw")
    assert camera.info == IMAGE and fmcw.info == RADAR  # shape, axes, spacing, colour, dtype
    assert camera.data.dtype == np.uint8 and camera.data.shape == (3, 1, 48, 64, 3)
    np.testing.assert_array_equal(camera.data, data["camera"])
    np.testing.assert_array_equal(fmcw.data, data["fmcw"])
    np.testing.assert_array_equal(fmcw.timestamps, 0.01 + np.arange(6) / 20.0)
    assert not fmcw.data.flags.writeable


def test_replay_restores_the_shape(written: tuple[Path, dict[str, Any]]) -> None:
    path, data = written
    session = heartmind.Session(clock="virtual")
    session.add_sensor("replay", path=str(path), keep_timestamps=True)
    chunks: list[heartmind.Chunk] = []
    session.subscribe("stream:*", chunks.append)
    session.run()
    for name, info in (("camera", IMAGE), ("fmcw", RADAR)):
        mine = [c for c in chunks if c.info.name == name]
        assert mine and all(c.info == info for c in mine)
        np.testing.assert_array_equal(np.concatenate([c.data for c in mine]), data[name])


def test_the_recorder_and_writer_refuse_samples_of_the_wrong_shape(tmp_path: Path) -> None:
    from heartmind.xdf import XdfError, XdfWriter

    with XdfWriter(tmp_path / "bad.xdf") as writer:
        sid = writer.add_stream(IMAGE)
        writer.write_chunk(sid, np.zeros((2, 48, 64, 3), np.uint8), [0.0, 0.1])  # no channel axis
        with pytest.raises(XdfError, match=r"samples of shape \(64, 48, 3\)"):
            writer.write_chunk(sid, np.zeros((1, 64, 48, 3), np.uint8), [0.2])
