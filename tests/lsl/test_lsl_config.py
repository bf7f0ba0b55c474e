"""ensure_lsl: machine-only configuration applied, verified, and failing closed."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from heartmind.plugins.lsl.api import (
    LSLUnsafeError,
    ensure_lsl,
    lsl_scope,
    lsl_subprocess_env,
    machine_config_text,
)

pytestmark = [pytest.mark.lsl, pytest.mark.timeout(60)]


def _run(code: str, **env_changes: str | None) -> subprocess.CompletedProcess[str]:
    """Run ``code`` in a fresh interpreter (inside this loopback-only namespace)."""
    env = dict(os.environ)
    for key, value in env_changes.items():
        if value is None:
            env.pop(key, None)
        else:
            env[key] = value
    return subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=30
    )


def test_importing_the_plugin_does_not_import_pylsl() -> None:
    res = _run("import sys, heartmind.plugins.lsl; print('pylsl' in sys.modules)")
    assert res.returncode == 0, res.stderr
    assert res.stdout.strip() == "False"


def test_machine_content_is_applied_and_in_effect() -> None:
    code = """
import re
from heartmind.plugins.lsl.api import ensure_lsl, lsl_scope
from heartmind.plugins.lsl._safe_config import _own_udp_binds
pylsl = ensure_lsl()
info = pylsl.StreamInfo("cfg-check", "x", 1, 0.0, pylsl.cf_int8, "cfg-check")
outlet = pylsl.StreamOutlet(info)
xml = outlet.get_info().as_xml()
print(lsl_scope(), re.search("<v6data_port>(\\\\d+)<", xml).group(1), _own_udp_binds(16571))
"""
    res = _run(code, LSLAPICFG=None)
    assert res.returncode == 0, res.stderr
    assert res.stdout.split()[:2] == ["machine", "0"]
    assert "'127.0.0.1'" in res.stdout and "0.0.0.0" not in res.stdout
    assert "Configuration loaded from content" in res.stderr  # liblsl's own log line


def test_refuses_when_lsl_was_initialised_with_another_config() -> None:
    code = """
import pylsl
outlet = pylsl.StreamOutlet(pylsl.StreamInfo("early", "x", 1, 0.0, pylsl.cf_int8, "early"))
from heartmind.plugins.lsl.api import ensure_lsl, LSLUnsafeError
try:
    ensure_lsl()
except LSLUnsafeError as exc:
    print("REFUSED", exc)
else:
    print("ACCEPTED")
"""
    res = _run(code, LSLAPICFG=None)
    assert res.returncode == 0, res.stderr
    assert res.stdout.startswith("REFUSED"), res.stdout
    assert "before heartmind could configure it" in res.stdout
    assert "ensure_lsl()" in res.stdout


def test_refuses_when_set_config_content_is_missing() -> None:
    code = """
import pylsl
del pylsl.set_config_content   # as in pylsl < 1.17.7
from heartmind.plugins.lsl.api import ensure_lsl, LSLUnsafeError
try:
    ensure_lsl()
except LSLUnsafeError as exc:
    print("REFUSED", exc)
"""
    res = _run(code, LSLAPICFG=None)
    assert res.stdout.startswith("REFUSED"), res.stdout + res.stderr
    assert "set_config_content" in res.stdout


def test_refuses_an_unreadable_lslapicfg(tmp_path: Path) -> None:
    code = """
from heartmind.plugins.lsl.api import ensure_lsl, LSLUnsafeError
try:
    ensure_lsl()
except LSLUnsafeError as exc:
    print("REFUSED", exc)
"""
    res = _run(code, LSLAPICFG=str(tmp_path / "missing.cfg"))
    assert res.stdout.startswith("REFUSED"), res.stdout + res.stderr
    assert "LSLAPICFG" in res.stdout


def test_one_scope_per_process() -> None:
    ensure_lsl("machine")
    assert lsl_scope() in ("machine", "user")
    with pytest.raises(LSLUnsafeError, match="reads its configuration once"):
        ensure_lsl("lan")


def test_subprocess_env_points_to_a_private_copy() -> None:
    env = lsl_subprocess_env(env={"PATH": "/usr/bin"})
    path = Path(env["LSLAPICFG"])
    assert path.read_text() == machine_config_text()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    user = lsl_subprocess_env(env={"LSLAPICFG": "/etc/mine.cfg"})
    assert user["LSLAPICFG"] == "/etc/mine.cfg"


def test_a_child_with_the_env_runs_machine_only() -> None:
    code = "import pylsl; pylsl.StreamOutlet(pylsl.StreamInfo('c', 'x', 1, 0, 'int8', 'c'))"
    env = lsl_subprocess_env(env={k: v for k, v in os.environ.items() if k != "LSLAPICFG"})
    res = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=30
    )
    assert res.returncode == 0, res.stderr
    assert f"Configuration loaded from {env['LSLAPICFG']}" in res.stderr
