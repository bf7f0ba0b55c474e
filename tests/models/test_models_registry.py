"""Meta-test of the model registry: every registered ``ModelSpec``, whoever declares it.

For each kind: it is listed by ``heartmind models``; its training path runs on a tiny
synthetic set (``ModelSpec.smoke``); the saved ``.hmm`` loads back (also in a fresh
interpreter that never imported the plugin) and predicts exactly the same; the file says
what it was trained on; its bundled files (if any) say so too.
"""

from __future__ import annotations

import importlib
import json
import pkgutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import heartmind.adapters
import heartmind.plugins
from heartmind import ModelSpec, PluginManager
from heartmind.cli.main import main
from heartmind.cli.models import parse_model_args
from heartmind.models import Model, load_model, read_info

#: Every kind the built-in plugins offer; the registry may hold more (third parties).
BUILT_IN = {"hr-gru", "hr-lstm", "hrv-linear", "stress-logistic", "behaviour-linear"}
SPECS: dict[str, ModelSpec] = PluginManager(strict=True).models()


def test_built_in_kinds_are_registered_by_their_owners() -> None:
    assert set(SPECS) >= BUILT_IN
    owners = {k: SPECS[k].plugin for k in BUILT_IN}
    assert owners == {
        "hr-gru": "heart_emotion",
        "hr-lstm": "heart_emotion",
        "hrv-linear": "heart_emotion",
        "stress-logistic": "stress",
        "behaviour-linear": "behaviour",
    }


def test_heartmind_models_lists_every_kind(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["models", "--json"]) == 0
    rows = {row["kind"]: row for row in json.loads(capsys.readouterr().out)}
    assert set(rows) == set(SPECS)
    for kind, row in rows.items():
        assert row["plugin"] == SPECS[kind].plugin and row["task"] and row["inputs"]
        assert len(row["bundled"]) == len(SPECS[kind].bundled)
        for file in row["bundled"]:
            assert Path(file["file"]).is_file() and file["trained_on"], file
    assert rows["stress-logistic"]["bundled"] == []  # listed although no weights ship
    assert {f["trained_on"] for f in rows["hr-gru"]["bundled"]} == {"synthetic"}
    assert main(["models"]) == 0
    table = capsys.readouterr().out
    for kind in SPECS:
        assert kind in table
    assert "none" in table and "synthetic" in table


@pytest.mark.parametrize("kind", sorted(SPECS))
def test_spec_is_complete(kind: str) -> None:
    spec = SPECS[kind]
    manager = PluginManager()
    assert spec.task and spec.inputs and spec.outputs and spec.datasets and spec.description
    assert spec.smoke, f"{kind}: give ModelSpec.smoke (a training run of seconds)"
    assert set(spec.used_by) <= set(manager.processors()), spec.used_by
    cls = spec.factory()
    assert isinstance(cls, type) and issubclass(cls, Model) and cls.kind == kind
    described = spec.describe()
    assert described["name"] == kind and described["task"] == spec.task
    json.dumps(described)


@pytest.mark.parametrize("kind", sorted(SPECS))
def test_train_save_load_predicts_the_same(kind: str, tmp_path: Path) -> None:
    spec = SPECS[kind]
    args = parse_model_args(spec, "train", [*spec.smoke, "--out", str(tmp_path / "m.hmm")])
    model = spec.train(args)
    assert isinstance(model, Model) and model.kind == kind
    x = model.example_input(5, seed=1)
    before = model.predict(x)
    assert before.shape[0] == 5 and np.all(np.isfinite(before))
    path = model.save(args.out)
    loaded = load_model(path)
    assert type(loaded) is type(model) and loaded.info == model.info
    np.testing.assert_array_equal(loaded.predict(x), before)
    file_kind, info = read_info(path)
    assert file_kind == kind and info.trained_on == "synthetic" and info.synthetic


@pytest.mark.parametrize(
    ("kind", "path"), [(k, p) for k, s in sorted(SPECS.items()) for p in s.bundled]
)
def test_bundled_files_say_what_they_were_trained_on(kind: str, path: Path) -> None:
    file_kind, info = read_info(path)
    assert file_kind == kind and info.trained_on == "synthetic" and info.synthetic
    model = load_model(path)
    assert np.all(np.isfinite(model.predict(model.example_input(3))))


def test_files_load_without_importing_the_plugin_first() -> None:
    """``load_model`` finds a kind it has not seen through the registry (``factory``)."""
    path = SPECS["hrv-linear"].bundled[0]
    code = (
        "import sys; from heartmind.models import load_model;"
        f"m = load_model({str(path)!r});"
        "print(m.kind, m.info.trained_on, 'heartmind.plugins.heart_emotion' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["hrv-linear", "synthetic", "True"]


def test_specs_survive_importing_every_plugin_module() -> None:
    """A hook helper named like a module of its package (``_train`` vs ``_train.py``) is
    replaced by that module once it is imported; every spec must still build then."""
    for root in (heartmind.plugins, heartmind.adapters):
        for info in pkgutil.walk_packages(root.__path__, root.__name__ + "."):
            importlib.import_module(info.name)
    manager = PluginManager(strict=True)
    for kind in ("sensors", "processors", "consumers", "commands", "models"):
        assert manager.specs(kind)  # type: ignore[arg-type]
