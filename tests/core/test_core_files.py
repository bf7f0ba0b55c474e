"""heartmind.files: owner-only files, written in place (text) or atomically (bytes)."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from heartmind.errors import ConfigError
from heartmind.files import open_private, write_private


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_write_private_replaces_atomically_with_owner_only_modes(tmp_path: Path) -> None:
    target = tmp_path / "new" / "deeper" / "cal.ics"
    write_private(target, b"first")
    target.chmod(0o644)  # an existing file's mode is not kept
    write_private(target, b"second")
    assert target.read_bytes() == b"second"
    assert _mode(target) == 0o600
    assert _mode(target.parent) == 0o700  # the folder of the file (mkdir: not its parents)
    assert [p.name for p in target.parent.iterdir()] == ["cal.ics"]  # no temporary left


def test_open_private_appends_and_fixes_the_mode(tmp_path: Path) -> None:
    target = tmp_path / "events.jsonl"
    target.write_text("a\n")
    target.chmod(0o644)
    with open_private(target, append=True) as fh:
        fh.write("b\n")
    assert target.read_text() == "a\nb\n" and _mode(target) == 0o600


@pytest.mark.parametrize("write", [write_private, lambda p, d: open_private(p).close()])
def test_an_unwritable_place_is_a_config_error_naming_it(tmp_path: Path, write: object) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(ConfigError, match=r"cannot write .*file/out.*choose a writable path"):
        write(blocker / "out", b"data")  # type: ignore[operator]
