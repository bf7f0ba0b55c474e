"""The .hmm model file format: round trip, versions, kinds, no pickles."""

from __future__ import annotations

import json
import stat
import zipfile
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import pytest

from heartmind.models import FORMAT_VERSION, Model, ModelError, ModelInfo, load_model, read_info


class Linear(Model):
    kind = "test-linear"
    kind_version = 2

    def fit(self, x: Any, y: Any, **options: Any) -> Linear:
        x1 = np.column_stack([np.asarray(x, float), np.ones(len(x))])
        self.w = np.linalg.lstsq(x1, np.asarray(y, float), rcond=None)[0]
        return self

    def predict(self, x: Any) -> npt.NDArray[np.float64]:
        x = np.asarray(x, float)
        if x.shape[1] != len(self.info.inputs["features"]):
            raise ModelError("wrong number of features")
        return np.column_stack([x, np.ones(len(x))]) @ self.w

    def get_arrays(self) -> dict[str, npt.NDArray[Any]]:
        return {"w": self.w}

    def set_arrays(self, arrays: dict[str, npt.NDArray[Any]]) -> None:
        self.w = arrays["w"]


def _trained() -> Linear:
    rng = np.random.default_rng(0)
    x = rng.normal(size=(50, 2))
    y = x @ [1.5, -2.0] + 0.5
    info = ModelInfo(
        name="lin",
        version="1.0",
        labels=["y"],
        inputs={"features": ["a", "b"]},
        training={"dataset": "synthetic"},
        synthetic=True,
    )
    return Linear(info, {"l2": 0.0}).fit(x, y)


def test_round_trip_is_exact_and_private(tmp_path: Path) -> None:
    model = _trained()
    path = model.save(tmp_path / "m.hmm")
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    loaded = Linear.load(path)
    assert isinstance(loaded, Linear) and loaded.info == model.info
    assert loaded.config == {"l2": 0.0}
    x = np.array([[1.0, 2.0], [0.0, 0.0]])
    assert np.array_equal(loaded.predict(x), model.predict(x))
    with zipfile.ZipFile(path) as zf:
        assert sorted(zf.namelist()) == ["arrays.npz", "manifest.json"]
        manifest = json.loads(zf.read("manifest.json"))
    assert manifest["format_version"] == FORMAT_VERSION and manifest["info"]["synthetic"]


def _rewrite_manifest(path: Path, **changes: Any) -> None:
    with zipfile.ZipFile(path) as zf:
        manifest = json.loads(zf.read("manifest.json"))
        arrays = zf.read("arrays.npz")
    manifest.update(changes)
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("manifest.json", json.dumps(manifest))
        zf.writestr("arrays.npz", arrays)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"format_version": 99}, "format version 99"),
        ({"kind": "nobody"}, "which no loaded plugin provides"),
        ({"kind_version": 1}, "layout version 1 does not match"),
    ],
)
def test_incompatible_files_are_refused_clearly(
    tmp_path: Path, changes: dict[str, Any], message: str
) -> None:
    path = _trained().save(tmp_path / "m.hmm")
    _rewrite_manifest(path, **changes)
    with pytest.raises(ModelError, match=message):
        load_model(path)


def test_not_a_model_file_and_missing_file(tmp_path: Path) -> None:
    bad = tmp_path / "bad.hmm"
    bad.write_text("hello")
    with pytest.raises(ModelError, match="not a heartmind model file"):
        load_model(bad)
    with pytest.raises(ModelError, match="does not exist"):
        load_model(tmp_path / "missing.hmm")


def test_object_arrays_are_never_written_or_read(tmp_path: Path) -> None:
    model = _trained()
    model.w = np.array([object()], dtype=object)
    with pytest.raises(ModelError, match="holds Python objects"):
        model.save(tmp_path / "m.hmm")
    path = _trained().save(tmp_path / "ok.hmm")
    with zipfile.ZipFile(path) as zf:
        manifest = zf.read("manifest.json")
    import io

    buffer = io.BytesIO()
    np.save(buffer, np.array([{"evil": 1}], dtype=object), allow_pickle=True)
    pickled = io.BytesIO()
    with zipfile.ZipFile(pickled, "w") as npz:
        npz.writestr("w.npy", buffer.getvalue())
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("manifest.json", manifest)
        zf.writestr("arrays.npz", pickled.getvalue())
    with pytest.raises(ModelError):
        load_model(path)


def test_input_mismatch_is_a_model_error() -> None:
    with pytest.raises(ModelError, match="wrong number of features"):
        _trained().predict(np.zeros((1, 3)))


def test_duplicate_kind_is_refused() -> None:
    with pytest.raises(ModelError, match="declared by"):

        class Other(Model):
            kind = "test-linear"

            def fit(self, x: Any, y: Any, **options: Any) -> Other:
                return self

            def predict(self, x: Any) -> npt.NDArray[np.float64]:
                return np.zeros(0)

            def get_arrays(self) -> dict[str, npt.NDArray[Any]]:
                return {}

            def set_arrays(self, arrays: dict[str, npt.NDArray[Any]]) -> None:
                return None


def test_trained_on_is_recorded_and_synthetic_cannot_hide(tmp_path: Path) -> None:
    model = _trained()
    assert model.info.trained_on == "synthetic"  # synthetic=True implies it
    path = model.save(tmp_path / "m.hmm")
    with zipfile.ZipFile(path) as zf:
        assert json.loads(zf.read("manifest.json"))["info"]["trained_on"] == "synthetic"
    assert read_info(path) == ("test-linear", model.info)
    real = ModelInfo(name="r", trained_on="WESAD")
    assert not real.synthetic and real.trained_on == "WESAD"
    assert ModelInfo(name="s", trained_on="synthetic").synthetic  # and the other way round
    with pytest.raises(ModelError, match="must say trained_on='synthetic'"):
        ModelInfo(name="x", synthetic=True, trained_on="WESAD")


@pytest.mark.parametrize(
    ("info", "expected"),
    [
        ({"synthetic": True, "training": {"dataset": "synthetic-affective"}}, "synthetic"),
        ({"synthetic": False, "training": {"dataset": "DREAMER"}}, "DREAMER"),
        ({"synthetic": False, "training": {}}, "unknown"),
    ],
)
def test_files_written_before_trained_on_still_load(
    tmp_path: Path, info: dict[str, Any], expected: str
) -> None:
    path = _trained().save(tmp_path / "old.hmm")
    with zipfile.ZipFile(path) as zf:
        manifest = json.loads(zf.read("manifest.json"))
    manifest["info"] = {k: v for k, v in manifest["info"].items() if k != "trained_on"}
    manifest["info"].update(info)
    _rewrite_manifest(path, info=manifest["info"])
    loaded = Linear.load(path)
    assert loaded.info.trained_on == expected and loaded.info.synthetic == info["synthetic"]
    assert read_info(path)[1].trained_on == expected


def test_saving_without_trained_on_says_unknown(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    model = _trained()
    model.info = ModelInfo(name="lin", inputs={"features": ["a", "b"]})
    with caplog.at_level("WARNING"):
        path = model.save(tmp_path / "m.hmm")
    assert "trained_on is empty" in caplog.text
    assert read_info(path)[1].trained_on == "unknown"


def test_example_input_is_required_of_registered_kinds() -> None:
    with pytest.raises(NotImplementedError, match="example_input"):
        _trained().example_input()
