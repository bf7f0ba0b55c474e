"""The data model of samples beyond one value per channel: StreamInfo.shape and friends,
and the chunks that carry them."""

from __future__ import annotations

import numpy as np
import pytest

from heartmind import Chunk, ChunkError, StreamInfo


def _image(**kw: object) -> StreamInfo:
    base: dict[str, object] = {"shape": (4, 5, 3), "axes": ("y", "x", "color")}
    base.update(kw)
    return StreamInfo("cam", "VIDEO", ("frame",), "", 30.0, "uint8", **base)  # type: ignore[arg-type]


def test_defaults_and_derived_sizes() -> None:
    info = _image(color_space="rgb")
    assert info.sample_shape == (1, 4, 5, 3) and info.n_values == 60
    assert info.color_space == "RGB" and info.spacing == () and info.spacing_units == ()
    plain = StreamInfo("ecg", "ECG", ("I", "II"))
    assert plain.shape == () and plain.sample_shape == (2,) and plain.n_values == 2
    assert "shape" not in plain.to_dict()  # outputs of existing streams are unchanged
    named = StreamInfo("r", "RADAR", ("a",), shape=(2, 3))
    assert named.axes == ("axis1", "axis2")
    assert _image(spacing=(0.1, 0.1, 1)).spacing_units == ("", "", "")


@pytest.mark.parametrize(
    ("kw", "message"),
    [
        ({"shape": (4, 0, 3)}, "must be >= 1"),
        ({"axes": ("y", "x")}, "one distinct, non-empty name per axis"),
        ({"axes": ("y", "y", "color")}, "one distinct"),
        ({"spacing": (0.1, 0.1)}, "one positive, finite step per axis"),
        ({"spacing": (0.1, -1.0, 1.0)}, "one positive, finite step"),
        ({"spacing": (0.1, 0.1, 1.0), "spacing_units": ("mm",)}, "one unit per spacing"),
        ({"spacing_units": ("mm", "mm", "")}, "one unit per spacing"),
        ({"color_space": "CMYK"}, "is not one of GRAY, RGB"),
        ({"color_space": "RGBA"}, "RGBA has 4 components, but axis 'color' has 3"),
    ],
)
def test_invalid_payloads_say_what_to_fix(kw: dict[str, object], message: str) -> None:
    with pytest.raises(ChunkError, match=message):
        _image(**kw)


def test_strings_have_no_shape_and_planar_colour_counts_channels() -> None:
    with pytest.raises(ChunkError, match="cannot have a shape"):
        StreamInfo("m", "MARKERS", ("m",), "", 0.0, "string", shape=(2,))
    planar = StreamInfo(
        "cam", "VIDEO", ("R", "G", "B"), dtype="uint8", shape=(4, 5), color_space="RGB"
    )
    assert planar.sample_shape == (3, 4, 5)
    with pytest.raises(ChunkError, match="the channels"):
        StreamInfo("cam", "VIDEO", ("R", "G"), shape=(4, 5), color_space="RGB")
    gray = StreamInfo(
        "cams", "VIDEO", ("left", "right"), dtype="uint8", shape=(4, 5), color_space="GRAY"
    )
    assert gray.color_space == "GRAY"


def test_chunks_carry_shaped_samples() -> None:
    info = _image()
    frames = np.arange(2 * 60, dtype=np.uint8).reshape(2, 4, 5, 3)
    chunk = Chunk(frames, [0.0, 0.1], info)  # one channel: the channel axis may be left out
    assert chunk.data.shape == (2, 1, 4, 5, 3) and not chunk.data.flags.writeable
    np.testing.assert_array_equal(chunk.channel("frame"), frames)
    with pytest.raises(ChunkError, match=r"shape \(n_samples, 1, 4, 5, 3\)"):
        Chunk(frames.reshape(2, 5, 4, 3), [0.0, 0.1], info)
    with pytest.raises(ChunkError, match="outside \\[0, 255\\]"):
        Chunk(np.full((1, 4, 5, 3), 256), [0.0], info)
    with pytest.raises(ChunkError, match="round and cast"):
        Chunk(np.zeros((1, 4, 5, 3)), [0.0], info)
    cube = StreamInfo("r", "RADAR", ("I", "Q"), shape=(3, 2), axes=("chirp", "fast_time"))
    bad = np.zeros((1, 2, 3, 2), dtype=np.float32)
    bad[0, 1, 2, 0] = np.nan
    with pytest.raises(ChunkError, match="sample 0 contains NaN"):
        Chunk(bad, [0.0], cube)
