"""State scripts: bundled scripts, evaluation, and clear errors for bad files."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from heartmind.errors import ConfigError
from heartmind.sim import StateScript, bundled_states


def test_bundled_scripts_load() -> None:
    names = bundled_states()
    assert {"rest-stress-recovery", "workday", "rest", "stress"} <= set(names)
    for name in names:
        script = StateScript.load(name)
        assert script.duration > 0
    workday = StateScript.load("workday")
    assert workday.duration >= 4 * 3600
    middle = workday.evaluate(np.array([workday.duration / 2]))
    peak = workday.evaluate(np.linspace(0, workday.duration, 2000)).stress.max()
    assert peak >= 0.8
    assert 0 < np.argmax(workday.evaluate(np.linspace(0, workday.duration, 2000)).stress) < 2000
    assert middle.stress.shape == (1,)


def test_evaluate_vectorised_with_ramps() -> None:
    script = StateScript.load("rest-stress-recovery")
    t = np.array([[0.0, 100.0], [180.0, 190.0]])
    s = script.evaluate(t)
    assert s.stress.shape == (2, 2)
    assert s.stress[0, 0] == pytest.approx(0.1)
    assert s.stress[1, 0] == pytest.approx(0.1)  # ramp starts at the previous value
    assert 0.1 < s.stress[1, 1] < 0.9  # halfway through the 20 s ramp
    assert s.stress[1, 1] == pytest.approx(0.5)
    assert s.phase.tolist() == [[0, 0], [1, 1]]
    after = script.evaluate(np.array([1e6]))
    assert after.stress[0] == pytest.approx(0.2) and after.phase[0] == 2
    assert script.starts == (0.0, 180.0, 420.0)


def test_load_by_path(tmp_path: Path) -> None:
    path = tmp_path / "mine.toml"
    path.write_text('[[phase]]\nname = "calm"\nduration = 5\nstress = 0.2\nvalence = 0.5\n')
    script = StateScript.load(str(path))
    assert script.name == "mine" and script.phases[0].valence == 0.5
    assert StateScript.load(path).phases[0].name == "calm"


BAD = [
    ("[[phase]]\nname = 'a'\nduration = 5\nstress = 1.5\n", "'stress'"),
    ("[[phase]]\nname = 'a'\nstress = 0.5\n", "'duration'"),
    ("[[phase]]\nname = 'a'\nduration = -1\nstress = 0.5\n", "'duration'"),
    ("[[phase]]\nname = 'a'\nduration = 5\nstress = 0.5\nvalence = 'x'\n", "'valence'"),
    ("[[phase]]\nname = 'a'\nduration = 5\nstress = 0.5\nramp = 9\n", "'ramp'"),
    ("[[phase]]\nname = 'a'\nduration = 5\nstress = 0.5\nbogus = 1\n", "'bogus'"),
    ("[[phase]]\nduration = 5\nstress = 0.5\n", "'name'"),
    ("name = 'x'\n", "[[phase]]"),
    ("[[phase]\n", "TOML"),
]


@pytest.mark.parametrize(("text", "key"), BAD)
def test_bad_files_raise_config_error_naming_file_and_key(
    tmp_path: Path, text: str, key: str
) -> None:
    path = tmp_path / "bad.toml"
    path.write_text(text)
    with pytest.raises(ConfigError) as info:
        StateScript.load(path)
    assert str(path) in str(info.value)
    assert key in str(info.value)


def test_unknown_name_lists_bundled() -> None:
    with pytest.raises(ConfigError, match="rest-stress-recovery"):
        StateScript.load("no-such-script")
    with pytest.raises(ConfigError, match="does not exist"):
        StateScript.load("missing/file.toml")
