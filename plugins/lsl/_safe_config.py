"""Safe-by-default Lab Streaming Layer configuration: :func:`ensure_lsl`.

Every LSL user inside heartmind calls :func:`ensure_lsl` before touching pylsl. Unless the
user opted in to the local network (``scope="lan"``) or set their own ``LSLAPICFG``, it
hands liblsl heartmind's machine-only configuration (``heartmind/data/lsl/machine-only.cfg``)
with ``pylsl.set_config_content`` and then *checks* that liblsl really runs with it. If
it cannot (pylsl too old, or liblsl already initialised by earlier code with another
configuration), it raises :class:`LSLUnsafeError` and LSL is not used: the failure is
closed, never a silent fall-back to LAN-wide discovery.
"""

from __future__ import annotations

import atexit
import logging
import os
import re
import shutil
import sys
import tempfile
import threading
import uuid
from collections.abc import Mapping
from importlib import resources
from pathlib import Path
from types import ModuleType
from typing import Literal

from heartmind.errors import ConfigError, SessionError
from heartmind.extras import require

__all__ = [
    "LSLUnsafeError",
    "Scope",
    "ensure_lsl",
    "lsl_scope",
    "lsl_subprocess_env",
    "machine_config_text",
]

log = logging.getLogger(__name__)

Scope = Literal["machine", "lan"]
#: What was applied in this process: heartmind's content, the user's file, or LAN defaults.
Applied = Literal["machine", "user", "lan"]

_LOCK = threading.Lock()
_applied: Applied | None = None
_private_dir: Path | None = None
_MULTICAST_PORT = 16571  # liblsl's default [ports] MulticastPort; our content keeps it


class LSLUnsafeError(SessionError):
    """LSL could not be configured machine-only, so heartmind refuses to use it."""


def machine_config_text() -> str:
    """The machine-only liblsl configuration shipped with heartmind (INI text)."""
    ref = resources.files("heartmind").joinpath("data", "lsl", "machine-only.cfg")
    return ref.read_text(encoding="utf-8")


def lsl_scope() -> Applied | None:
    """What :func:`ensure_lsl` applied in this process (``None`` before the first call)."""
    return _applied


def ensure_lsl(scope: Scope = "machine") -> ModuleType:
    """Configure liblsl safely (once per process) and return the ``pylsl`` module.

    Call this before any other LSL call; every LSL user in heartmind does.

    Parameters
    ----------
    scope
        ``"machine"`` (default): unless ``LSLAPICFG`` names the user's own configuration
        file, apply heartmind's machine-only configuration (machine resolve scope,
        loopback discovery addresses, multicast listener on 127.0.0.1, IPv6 off) and verify
        that liblsl uses it. ``"lan"``: the user opts in to liblsl's own defaults (or their
        configuration files), so streams are discoverable on the local network.

    Returns
    -------
    ModuleType
        The imported ``pylsl`` module.

    Raises
    ------
    LSLUnsafeError
        If the machine-only configuration cannot be applied or verified, or if this process
        already runs LSL with a scope other than the one asked for.
    MissingExtraError
        If pylsl is not installed (``pip install "heartmind[lsl]"``).
    """
    global _applied
    if scope not in ("machine", "lan"):
        raise ConfigError(f"LSL scope {scope!r}: use 'machine' (default) or 'lan'.")
    pylsl = require("pylsl", "Lab Streaming Layer (the lsl plugin)")
    with _LOCK:
        if _applied is not None:
            _check_same_scope(_applied, scope)
            return pylsl
        if scope == "lan":
            log.warning(
                "LSL scope 'lan': liblsl's own configuration applies; streams of this "
                "process are discoverable (and readable) from the local network."
            )
            _applied = "lan"
            return pylsl
        user_cfg = os.environ.get("LSLAPICFG", "")
        if user_cfg:
            _check_user_config(user_cfg)
            log.info("LSL: using the configuration named by LSLAPICFG (%s)", user_cfg)
            _applied = "user"
            return pylsl
        _apply_machine_content(pylsl)
        _verify_machine_scope(pylsl)
        log.info("LSL: machine-only configuration applied and verified")
        _applied = "machine"
    return pylsl


def _check_same_scope(applied: Applied, scope: Scope) -> None:
    if scope == "lan" and applied != "lan":
        raise LSLUnsafeError(
            "LSL scope 'lan' was asked for, but this process already runs LSL machine-only "
            f"({applied}); liblsl reads its configuration once. Start a new process with "
            "scope 'lan' from the beginning."
        )
    if scope == "machine" and applied == "lan":
        raise LSLUnsafeError(
            "LSL scope 'machine' was asked for, but this process already opted in to scope "
            "'lan'; liblsl reads its configuration once. Use one scope per process."
        )


def _check_user_config(path: str) -> None:
    if not os.access(path, os.R_OK) or not Path(path).is_file():
        raise LSLUnsafeError(
            f"LSLAPICFG={path!r} is not a readable file, so liblsl would silently fall back "
            "to LAN-wide defaults. Fix the path, or unset LSLAPICFG to get heartmind's "
            "machine-only configuration."
        )


def _apply_machine_content(pylsl: ModuleType) -> None:
    setter = getattr(pylsl, "set_config_content", None)
    if setter is None:
        raise LSLUnsafeError(
            "this pylsl has no set_config_content(), so heartmind cannot make LSL "
            "machine-only. Upgrade pylsl (>= 1.17.7 with liblsl >= 1.17.7), or set "
            "LSLAPICFG to a configuration file of your own."
        )
    try:
        setter(machine_config_text())
    except (NotImplementedError, AttributeError, OSError) as exc:
        raise LSLUnsafeError(
            f"liblsl refused the machine-only configuration ({exc}). Upgrade liblsl "
            "(>= 1.17.7), or set LSLAPICFG to a configuration file of your own."
        ) from exc


def _verify_machine_scope(pylsl: ModuleType) -> None:
    """Check that liblsl really runs with the content we gave it.

    liblsl reads its configuration once, lazily; content set afterwards is ignored without
    an error. A short-lived probe outlet (machine-only, if the check passes) shows the
    configuration in effect: IPv6 must be off (no IPv6 ports), and on Linux every
    multicast-port socket of this process must listen on 127.0.0.1 only.
    """
    info = pylsl.StreamInfo(
        "heartmind-config-probe",
        "heartmind-probe",
        1,
        0.0,
        pylsl.cf_int8,
        f"heartmind-probe-{uuid.uuid4().hex}",
    )
    try:
        outlet = pylsl.StreamOutlet(info)
    except Exception as exc:
        raise LSLUnsafeError(f"could not create an LSL outlet to check the config: {exc}") from exc
    try:
        problems = _probe_problems(outlet.get_info().as_xml())
    finally:
        del outlet
    if problems:
        raise LSLUnsafeError(
            "liblsl is not running with heartmind's machine-only configuration ("
            + "; ".join(problems)
            + "). Something used LSL in this process before heartmind could configure it. "
            "Call heartmind.plugins.lsl.api.ensure_lsl() before any other pylsl call, or set "
            "LSLAPICFG to a configuration file of your own."
        )


def _probe_problems(xml: str) -> list[str]:
    problems: list[str] = []
    for tag in ("v6data_port", "v6service_port"):
        m = re.search(rf"<{tag}>(\d+)</{tag}>", xml)
        if m is None or int(m.group(1)) != 0:
            problems.append(f"IPv6 is in use ({tag} = {m.group(1) if m else '?'})")
    if sys.platform.startswith("linux"):
        binds = _own_udp_binds(_MULTICAST_PORT)
        if not binds:
            problems.append(f"no multicast listener of this process on port {_MULTICAST_PORT}")
        elif any(addr != "127.0.0.1" for addr in binds):
            problems.append(f"the multicast listener is bound to {sorted(set(binds))}")
    return problems


def _own_udp_binds(port: int) -> list[str]:
    """IPv4 addresses that this process's UDP sockets on ``port`` are bound to (Linux)."""
    inodes: set[str] = set()
    for fd in Path("/proc/self/fd").iterdir():
        try:
            target = os.readlink(fd)
        except OSError:
            continue
        if target.startswith("socket:["):
            inodes.add(target[8:-1])
    out: list[str] = []
    for table in ("/proc/net/udp", "/proc/net/udp6"):
        try:
            lines = Path(table).read_text().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            cols = line.split()
            addr_hex, port_hex = cols[1].split(":")
            if int(port_hex, 16) != port or cols[9] not in inodes:
                continue
            out.append(_hex_to_ip(addr_hex))
    return out


def _hex_to_ip(addr_hex: str) -> str:
    if len(addr_hex) != 8:
        return f"ipv6:{addr_hex}"
    return ".".join(str(int(addr_hex[i : i + 2], 16)) for i in (6, 4, 2, 0))


def lsl_subprocess_env(
    scope: Scope = "machine", env: Mapping[str, str] | None = None
) -> dict[str, str]:
    """Environment for a child process that uses LSL with the same scope as this one.

    Parameters
    ----------
    scope
        ``"machine"``: ``LSLAPICFG`` points to a private copy (mode 0600, in a 0700
        directory removed at exit) of the machine-only configuration, unless the
        environment already names the user's own file. ``"lan"``: returned unchanged.
    env
        Base environment (default: ``os.environ``).

    Returns
    -------
    dict[str, str]
        A new environment mapping, for ``subprocess.Popen(env=...)``.
    """
    out = dict(os.environ if env is None else env)
    if scope == "lan" or out.get("LSLAPICFG"):
        return out
    out["LSLAPICFG"] = str(_private_config())
    return out


def _private_config() -> Path:
    global _private_dir
    with _LOCK:
        if _private_dir is None or not (_private_dir / "lsl_api.cfg").is_file():
            _private_dir = Path(tempfile.mkdtemp(prefix="heartmind-lsl-"))  # mode 0700
            atexit.register(shutil.rmtree, _private_dir, True)
            path = _private_dir / "lsl_api.cfg"
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                fh.write(machine_config_text())
        return _private_dir / "lsl_api.cfg"
