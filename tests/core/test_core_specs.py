"""Option schemas (validate_options), spec declarations and extras.require."""

from __future__ import annotations

from typing import Any

import pytest
from core_testkit import GeneratedSensor, RecordingConsumer

from heartmind import ConfigError, ConsumerSpec, MissingExtraError, Option, SensorSpec
from heartmind.extras import EXTRAS, require
from heartmind.specs import validate_options

W = "p.toml [sensors.ecg] options"

SCHEMA: dict[str, Any] = {
    "device": str,
    "rate": Option(float, 250.0, "sampling rate in Hz", min=1.0, max=2000.0),
    "channels": Option(int, 1, "number of channels", min=1, max=8),
    "mode": Option(str, "ecg", "what to read", choices=("ecg", "ppg")),
    "labels": Option(list, [], "channel labels", item=str),
    "verbose": Option(bool, False),
}


def test_defaults_are_filled_in() -> None:
    out = validate_options(SCHEMA, {"device": "AA:BB"}, W)
    assert out == {
        "device": "AA:BB",
        "rate": 250.0,
        "channels": 1,
        "mode": "ecg",
        "labels": [],
        "verbose": False,
    }


def test_unknown_option_lists_valid_ones() -> None:
    with pytest.raises(ConfigError) as info:
        validate_options(SCHEMA, {"device": "x", "sample_rate": 100}, W)
    msg = str(info.value)
    assert msg.startswith(W)
    assert "unknown option 'sample_rate'" in msg
    assert "valid options: channels, device, labels, mode, rate, verbose" in msg


def test_unknown_option_with_empty_schema() -> None:
    with pytest.raises(ConfigError, match=r"unknown option 'x'; valid options: none"):
        validate_options({}, {"x": 1}, W)


def test_missing_required() -> None:
    with pytest.raises(ConfigError, match=r"option 'device' is required \(str\)"):
        validate_options(SCHEMA, {}, W)


def test_missing_required_uses_help() -> None:
    schema = {"path": Option(str, help="output file")}
    with pytest.raises(ConfigError, match=r"option 'path' is required \(output file\)"):
        validate_options(schema, {}, W)


@pytest.mark.parametrize(
    ("key", "value", "msg"),
    [
        ("device", 3, r"device must be a str, got int 3"),
        ("rate", "fast", r"rate must be a float, got str 'fast'"),
        ("channels", 2.0, r"channels must be a int, got float 2.0"),
        ("labels", "a,b", r"labels must be a list"),
        ("verbose", 1, r"verbose must be a bool, got int 1"),
    ],
)
def test_wrong_type(key: str, value: object, msg: str) -> None:
    with pytest.raises(ConfigError, match=msg):
        validate_options(SCHEMA, {"device": "x", key: value}, W)


def test_int_is_coerced_to_float() -> None:
    out = validate_options(SCHEMA, {"device": "x", "rate": 500}, W)
    assert out["rate"] == 500.0
    assert type(out["rate"]) is float


@pytest.mark.parametrize("key", ["channels", "rate"])
def test_bool_is_not_a_number(key: str) -> None:
    with pytest.raises(ConfigError, match=rf"{key} must be a \w+, got a boolean"):
        validate_options(SCHEMA, {"device": "x", key: True}, W)


def test_choices() -> None:
    assert validate_options(SCHEMA, {"device": "x", "mode": "ppg"}, W)["mode"] == "ppg"
    with pytest.raises(ConfigError, match=r"mode = 'eeg' is not one of \['ecg', 'ppg'\]"):
        validate_options(SCHEMA, {"device": "x", "mode": "eeg"}, W)


@pytest.mark.parametrize(
    ("key", "value", "msg"),
    [
        ("rate", 0.5, r"rate = 0.5 is below its minimum 1.0"),
        ("rate", 2001, r"rate = 2001.0 is above its maximum 2000.0"),
        ("channels", 0, r"channels = 0 is below its minimum 1"),
        ("channels", 9, r"channels = 9 is above its maximum 8"),
    ],
)
def test_min_max(key: str, value: object, msg: str) -> None:
    with pytest.raises(ConfigError, match=msg):
        validate_options(SCHEMA, {"device": "x", key: value}, W)


def test_bounds_are_inclusive() -> None:
    out = validate_options(SCHEMA, {"device": "x", "rate": 1, "channels": 8}, W)
    assert (out["rate"], out["channels"]) == (1.0, 8)


def test_list_item_types() -> None:
    assert validate_options(SCHEMA, {"device": "x", "labels": ["a", "b"]}, W)["labels"] == [
        "a",
        "b",
    ]
    with pytest.raises(ConfigError, match=r"labels\[1\] must be a str, got int 2"):
        validate_options(SCHEMA, {"device": "x", "labels": ["a", 2]}, W)


def test_float_list_items_coerce_ints() -> None:
    schema = {"gains": Option(list, [], item=float)}
    out = validate_options(schema, {"gains": [1, 2.5]}, W)
    assert out["gains"] == [1.0, 2.5]
    assert all(type(g) is float for g in out["gains"])


def test_option_describe() -> None:
    described = Option(str, "ecg", "what", choices=("ecg", "ppg")).describe()
    assert described == {
        "type": "str",
        "item": None,
        "unit": "",
        "required": False,
        "default": "ecg",
        "min": None,
        "max": None,
        "help": "what",
        "choices": ["ecg", "ppg"],
    }
    assert Option(int).describe()["required"] is True
    window = Option(float, 10.0, "trailing window", min=1.0, max=600.0, unit="s").describe()
    assert (window["unit"], window["min"], window["max"], window["default"]) == (
        "s",
        1.0,
        600.0,
        10.0,
    )
    listed = Option(list, [], item=str).describe()
    assert (listed["type"], listed["item"]) == ("list", "str")


def test_spec_names_are_checked() -> None:
    with pytest.raises(ConfigError, match=r"spec name 'bad name' must be"):
        SensorSpec(name="bad name", factory=GeneratedSensor)
    with pytest.raises(ConfigError, match=r"factory must be callable"):
        ConsumerSpec(name="rec", factory="RecordingConsumer")  # type: ignore[arg-type]
    spec = ConsumerSpec(name="rec-1", factory=RecordingConsumer, options={"path": str})
    assert spec.describe()["options"]["path"]["required"] is True


# ---------------------------------------------------------------- extras


def test_require_returns_the_module() -> None:
    import json

    assert require("json", "JSON output") is json


def test_require_missing_module_names_the_extra() -> None:
    with pytest.raises(MissingExtraError) as info:
        require("pylsl.core_test_missing_submodule", "LSL streaming")
    err = info.value
    assert err.extra == "lsl"
    assert err.module == "pylsl"
    assert 'pip install "heartmind[lsl]"' in str(err)
    assert "LSL streaming" in str(err)
    assert isinstance(err, ImportError)


def test_require_unknown_module_suggests_all() -> None:
    with pytest.raises(MissingExtraError, match=r"heartmind\[all\]"):
        require("core_test_no_such_module", "something")


def test_require_blocked_module(monkeypatch: pytest.MonkeyPatch) -> None:
    import sys

    monkeypatch.setitem(sys.modules, "icalendar", None)  # makes the import fail
    with pytest.raises(MissingExtraError, match=r"heartmind\[calendar\]") as info:
        require("icalendar", "the calendar adapter")
    assert info.value.feature == "the calendar adapter"
    assert EXTRAS["icalendar"] == "calendar"


@pytest.mark.parametrize("reserved", ["name", "inputs", "topics", "streams"])
def test_option_names_reserved_by_session_add_are_refused(reserved: str) -> None:
    with pytest.raises(ConfigError, match=rf"option name '{reserved}' is reserved"):
        SensorSpec(name="dev", factory=GeneratedSensor, options={reserved: str})
