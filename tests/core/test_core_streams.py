"""StreamInfo and Chunk: validation, dtypes and immutability."""

from __future__ import annotations

import numpy as np
import pytest

from heartmind import Chunk, ChunkError, HeartmindError, StreamInfo


def _info(**kw: object) -> StreamInfo:
    base: dict[str, object] = {"name": "s", "type": "ECG", "channels": ("a", "b"), "rate": 100.0}
    base.update(kw)
    return StreamInfo(**base)  # type: ignore[arg-type]


def _ts(n: int) -> np.ndarray:
    return np.arange(n, dtype=np.float64) / 100.0


# ---------------------------------------------------------------- StreamInfo


def test_units_one_string_applies_to_every_channel() -> None:
    info = _info(units="mV")
    assert info.units == ("mV", "mV")
    assert info.n_channels == 2


def test_units_one_per_channel() -> None:
    info = _info(units=["mV", "uV"])
    assert info.units == ("mV", "uV")


def test_units_count_must_match_channels() -> None:
    with pytest.raises(ChunkError, match=r"3 units for 2 channels"):
        _info(units=("mV", "mV", "mV"))


@pytest.mark.parametrize("rate", [-1.0, float("nan"), float("inf")])
def test_rate_must_be_finite_and_non_negative(rate: float) -> None:
    with pytest.raises(ChunkError, match=r"rate must be a finite number of Hz >= 0"):
        _info(rate=rate)


def test_rate_zero_is_irregular() -> None:
    assert _info(rate=0).irregular
    assert not _info(rate=250).irregular
    assert isinstance(_info(rate=250).rate, float)


def test_unknown_dtype_lists_supported_ones() -> None:
    with pytest.raises(ChunkError, match=r"dtype 'complex64' is not supported.*float32"):
        _info(dtype="complex64")


@pytest.mark.parametrize(
    ("kw", "msg"),
    [
        ({"name": ""}, "name is empty"),
        ({"type": ""}, "type is empty"),
        ({"channels": ()}, "channel"),
    ],
)
def test_empty_fields_rejected(kw: dict[str, object], msg: str) -> None:
    with pytest.raises(ChunkError, match=msg):
        _info(**kw)


def test_chunk_errors_are_heartmind_errors() -> None:
    assert issubclass(ChunkError, HeartmindError)
    assert issubclass(ChunkError, ValueError)


def test_to_dict_is_json_compatible() -> None:
    d = _info(units="mV", source_id="dev1", meta={"placement": "chest"}).to_dict()
    assert d == {
        "name": "s",
        "type": "ECG",
        "channels": ["a", "b"],
        "units": ["mV", "mV"],
        "rate": 100.0,
        "dtype": "float32",
        "source_id": "dev1",
        "meta": {"placement": "chest"},
    }


# ---------------------------------------------------------------- Chunk dtypes


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_float_chunk(dtype: str) -> None:
    rng = np.random.default_rng(1)
    data = rng.standard_normal((5, 2)).astype(dtype)
    chunk = Chunk(data, _ts(5), _info(dtype=dtype))
    assert chunk.data.dtype == np.dtype(dtype)
    assert chunk.data.shape == (5, 2)
    np.testing.assert_array_equal(chunk.data, data)
    assert len(chunk) == chunk.n_samples == 5
    assert chunk.first_timestamp == 0.0
    assert chunk.last_timestamp == pytest.approx(0.04)
    np.testing.assert_array_equal(chunk.channel("b"), data[:, 1])


def test_float64_data_is_cast_to_float32_stream() -> None:
    chunk = Chunk(np.ones((3, 2), dtype=np.float64), _ts(3), _info(dtype="float32"))
    assert chunk.data.dtype == np.float32


@pytest.mark.parametrize("dtype", ["int8", "int16", "int32", "int64"])
def test_int_chunk(dtype: str) -> None:
    data = np.arange(6, dtype=np.int64).reshape(3, 2)
    chunk = Chunk(data, _ts(3), _info(dtype=dtype))
    assert chunk.data.dtype == np.dtype(dtype)
    np.testing.assert_array_equal(chunk.data, data)


def test_float_data_is_not_silently_cast_to_int() -> None:
    with pytest.raises(ChunkError, match=r"is int32 but the data is float64.*cast"):
        Chunk(np.array([[1.5, 2.0]]), _ts(1), _info(dtype="int32"))


def test_string_marker_chunk() -> None:
    info = StreamInfo(name="m", type="MARKERS", channels=("marker",), units="", dtype="string")
    chunk = Chunk(["start", "stop"], [1.0, 2.5], info)
    assert chunk.data.shape == (2, 1)
    assert chunk.data.dtype == object
    assert list(chunk.data[:, 0]) == ["start", "stop"]
    assert chunk.channel("marker")[1] == "stop"


def test_string_stream_rejects_non_str() -> None:
    info = StreamInfo(name="m", type="MARKERS", channels=("marker",), dtype="string")
    with pytest.raises(ChunkError, match=r"string \(marker\) stream: every sample must be a str"):
        Chunk(["ok", 3], [1.0, 2.0], info)


def test_numeric_stream_rejects_strings() -> None:
    with pytest.raises(ChunkError, match=r"pass a numeric array"):
        Chunk([["a", "b"]], [0.0], _info())


def test_single_channel_accepts_1d() -> None:
    info = _info(channels=("x",))
    chunk = Chunk(np.arange(4.0), _ts(4), info)
    assert chunk.data.shape == (4, 1)


def test_empty_chunk() -> None:
    chunk = Chunk(np.zeros((0, 2), dtype=np.float32), np.zeros(0), _info())
    assert len(chunk) == 0
    assert np.isnan(chunk.first_timestamp)


def test_unknown_channel_label() -> None:
    chunk = Chunk(np.zeros((1, 2)), [0.0], _info())
    with pytest.raises(KeyError, match=r"no channel 'z'.*a, b"):
        chunk.channel("z")


# ---------------------------------------------------------------- Chunk rejections


@pytest.mark.parametrize("shape", [(5, 3), (5, 1), (5,), (5, 2, 1)])
def test_wrong_shape_or_channel_count(shape: tuple[int, ...]) -> None:
    with pytest.raises(ChunkError, match=r"data must have shape \(n_samples, 2\).*\['a', 'b'\]"):
        Chunk(np.zeros(shape), _ts(5), _info())


def test_timestamp_count_mismatch() -> None:
    with pytest.raises(ChunkError, match=r"5 samples but 4 timestamps"):
        Chunk(np.zeros((5, 2)), _ts(4), _info())


def test_timestamps_must_be_1d() -> None:
    with pytest.raises(ChunkError, match=r"timestamps must be 1-D"):
        Chunk(np.zeros((2, 2)), np.zeros((2, 1)), _info())


def test_non_monotonic_timestamps() -> None:
    with pytest.raises(ChunkError, match=r"timestamps go backwards at sample 2 \(0.020000 s"):
        Chunk(np.zeros((3, 2)), [0.0, 0.02, 0.01], _info())


def test_equal_timestamps_are_allowed() -> None:
    assert len(Chunk(np.zeros((2, 2)), [1.0, 1.0], _info())) == 2


@pytest.mark.parametrize("bad", [float("nan"), float("inf"), -float("inf")])
def test_non_finite_timestamps(bad: float) -> None:
    with pytest.raises(ChunkError, match=r"timestamps contain NaN or inf"):
        Chunk(np.zeros((2, 2)), [0.0, bad], _info())


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("bad", [float("nan"), float("inf")])
def test_non_finite_data(dtype: str, bad: float) -> None:
    data = np.zeros((3, 2), dtype=dtype)
    data[2, 1] = bad
    with pytest.raises(ChunkError, match=r"sample 2 contains NaN or inf.*Gap"):
        Chunk(data, _ts(3), _info(dtype=dtype))


def test_non_finite_float_data_for_int_stream_is_rejected() -> None:
    with pytest.raises(ChunkError):
        Chunk(np.array([[np.nan, 1.0]]), [0.0], _info(dtype="int16"))


# ---------------------------------------------------------------- immutability


def test_arrays_are_read_only() -> None:
    chunk = Chunk(np.zeros((3, 2), dtype=np.float32), _ts(3), _info())
    with pytest.raises(ValueError, match="read-only"):
        chunk.data[0, 0] = 1.0
    with pytest.raises(ValueError, match="read-only"):
        chunk.timestamps[0] = 1.0


def test_chunk_attributes_cannot_be_reassigned() -> None:
    chunk = Chunk(np.zeros((3, 2), dtype=np.float32), _ts(3), _info())
    with pytest.raises(AttributeError):
        chunk.data = np.ones((3, 2))  # type: ignore[misc]


@pytest.mark.parametrize("dtype", ["float32", "float64", "int32"])
def test_caller_mutation_does_not_change_chunk(dtype: str) -> None:
    data = np.zeros((3, 2), dtype=dtype)
    ts = _ts(3)
    chunk = Chunk(data, ts, _info(dtype=dtype))
    data[:] = 7
    ts[:] = 99.0
    assert not chunk.data.any()
    np.testing.assert_array_equal(chunk.timestamps, _ts(3))


def test_caller_mutation_of_marker_list_does_not_change_chunk() -> None:
    info = StreamInfo(name="m", type="MARKERS", channels=("marker",), dtype="string")
    labels = np.array(["a", "b"], dtype=object)
    chunk = Chunk(labels, [0.0, 1.0], info)
    labels[0] = "changed"
    assert chunk.data[0, 0] == "a"


def test_read_only_input_view_still_isolated() -> None:
    data = np.zeros((3, 2), dtype=np.float32)
    view = data.view()
    view.setflags(write=False)
    chunk = Chunk(view, _ts(3), _info())
    data[:] = 5.0  # the owner of the memory changes it through another reference
    assert not chunk.data.any()


def test_int_data_that_would_wrap_around_is_refused() -> None:
    info = StreamInfo("counts", "AUX", ("c",), "", 10.0, "int8")
    with pytest.raises(ChunkError, match=r"outside \[-128, 127\].*wrap around"):
        Chunk(np.array([1, 300], dtype=np.int64), np.array([0.0, 0.1]), info)
    ok = Chunk(np.array([1, -5], dtype=np.int64), np.array([0.0, 0.1]), info)
    assert ok.data.dtype == np.int8 and ok.data[:, 0].tolist() == [1, -5]


def test_channel_index_reads_labels_indices_and_names_the_caller() -> None:
    from heartmind import ConfigError
    from heartmind.streams import channel_index

    info = StreamInfo("ecg", "ECG", ("I", "II", "III"), "mV", 250.0)
    assert [channel_index(info, c, "x") for c in ("", "II", "2", "-1")] == [0, 1, 2, 2]
    with pytest.raises(ConfigError, match=r"heart-rate: stream 'ecg' has no channel 'V5'.*I, II"):
        channel_index(info, "V5", "heart-rate")
