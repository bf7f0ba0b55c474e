"""Packaging: the folder→package mapping works in wheels, and nothing is left out."""

from __future__ import annotations

import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
FOLDERS = {"heartmind": "core", "heartmind.plugins": "plugins", "heartmind.adapters": "adapters"}


def _source_packages() -> set[str]:
    """Every folder with an __init__.py under the mapped roots, as a dotted package name."""
    found = set()
    for package, folder in FOLDERS.items():
        root = ROOT / folder
        for init in root.rglob("__init__.py"):
            rel = init.parent.relative_to(root).parts
            found.add(".".join((package, *rel)))
    return found


def test_every_source_package_is_listed_in_pyproject() -> None:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    listed = set(config["tool"]["setuptools"]["packages"])
    assert _source_packages() - listed == set(), "add these to [tool.setuptools] packages"
    assert listed - _source_packages() == set(), "these listed packages have no folder"


def _source_copy(dest: Path) -> Path:
    """The files git would ship, copied: building in the checkout would leave a
    heartmind.egg-info there, whose stale entry points shadow the installed ones."""
    listed = subprocess.run(
        ["git", "ls-files", "-co", "--exclude-standard"],
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
        timeout=60,
    ).stdout.splitlines()
    for rel in listed:
        src = ROOT / rel
        if src.is_file():
            (dest / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, dest / rel)
    return dest


@pytest.mark.slow
def test_wheel_install_has_code_data_and_entry_points(tmp_path: Path) -> None:
    wheels = tmp_path / "wheels"
    source = _source_copy(tmp_path / "src")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "-q",
            "-w",
            str(wheels),
            str(source),
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )
    (wheel,) = wheels.glob("heartmind-*.whl")
    target = tmp_path / "site"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--no-deps",
            "-q",
            "--target",
            str(target),
            str(wheel),
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )
    probe = (
        "import heartmind, importlib.metadata as m, importlib.resources as r, json\n"
        "eps = sorted(e.name for e in m.entry_points(group='heartmind'))\n"
        "data = r.files('heartmind') / 'data'\n"
        "print(json.dumps({'file': heartmind.__file__, 'eps': eps,\n"
        "  'cfg': (data / 'lsl' / 'machine-only.cfg').is_file(),\n"
        "  'typed': (r.files('heartmind') / 'py.typed').is_file(),\n"
        "  'plugins': heartmind.PluginManager().report()[0].status}))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", probe],
        check=True,
        capture_output=True,
        text=True,
        env={"PYTHONPATH": str(target), "PATH": "/usr/bin:/bin"},
        cwd=tmp_path,
        timeout=120,
    )
    import json

    result = json.loads(out.stdout)
    assert result["file"].startswith(str(target)), result["file"]
    assert {"simulator", "cardiac", "console"} <= set(result["eps"])
    assert result["cfg"] and result["typed"]
    assert result["plugins"] == "loaded"
