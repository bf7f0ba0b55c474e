"""A fake installed distribution: test plugin discovery through entry points without pip.

    from heartmind.testing import fake_distribution

    with fake_distribution("heartmind-polar", {"polar": "heartmind_polar"}):
        pm = heartmind.PluginManager(only=["polar"], strict=True)
        assert pm.records["polar"].distribution == "heartmind-polar"

The distribution is a ``<name>-<version>.dist-info`` folder (``METADATA`` and an
``entry_points.txt`` with a ``[heartmind]`` group) in a temporary folder put first on
``sys.path`` — exactly what ``importlib.metadata`` finds for a pip-installed package. Plugin
modules are either importable already (your package) or given as source text.
"""

from __future__ import annotations

import importlib
import shutil
import sys
import tempfile
import textwrap
from collections.abc import Mapping
from pathlib import Path
from types import TracebackType

from ..hookspecs import PROJECT

__all__ = ["FakeDistribution", "fake_distribution"]


class FakeDistribution:
    """A distribution that looks installed for as long as it is :meth:`install`-ed.

    Parameters
    ----------
    name
        Distribution name, e.g. ``"heartmind-polar"``.
    entry_points
        Plugin name → module (or ``module:object``), as in ``[project.entry-points.heartmind]``.
    modules
        Module name → Python source of modules to write next to it (dedented); they are
        removed from ``sys.modules`` again on :meth:`uninstall`. Top-level names only.
    version
        Distribution version.
    folder
        Where to write (default: a new temporary folder, deleted on uninstall).
    """

    def __init__(
        self,
        name: str,
        entry_points: Mapping[str, str],
        modules: Mapping[str, str] | None = None,
        *,
        version: str = "0.1",
        folder: Path | None = None,
    ) -> None:
        dotted = [m for m in modules or {} if "." in m or not m.isidentifier()]
        if dotted:
            raise ValueError(f"module {dotted[0]!r}: give top-level module names only.")
        self.name = name
        self.entry_points = dict(entry_points)
        self.modules = dict(modules or {})
        self.version = version
        self._given = folder
        self.folder: Path | None = None

    def install(self) -> FakeDistribution:
        """Write the distribution and put its folder first on ``sys.path``."""
        if self.folder is not None:
            return self
        folder = self._given or Path(tempfile.mkdtemp(prefix="heartmind-dist-"))
        folder.mkdir(parents=True, exist_ok=True)
        info = folder / f"{self.name.replace('-', '_')}-{self.version}.dist-info"
        info.mkdir()
        (info / "METADATA").write_text(
            f"Metadata-Version: 2.1\nName: {self.name}\nVersion: {self.version}\n",
            encoding="utf-8",
        )
        lines = [f"[{PROJECT}]", *(f"{k} = {v}" for k, v in self.entry_points.items())]
        (info / "entry_points.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
        for module, source in self.modules.items():
            (folder / f"{module}.py").write_text(textwrap.dedent(source), encoding="utf-8")
        sys.path.insert(0, str(folder))
        importlib.invalidate_caches()
        self.folder = folder
        return self

    def uninstall(self) -> None:
        """Take the distribution off ``sys.path``, forget its modules, delete what was written."""
        if self.folder is None:
            return
        folder, self.folder = self.folder, None
        while str(folder) in sys.path:
            sys.path.remove(str(folder))
        for module in self.modules:
            sys.modules.pop(module, None)
        if self._given is None:
            shutil.rmtree(folder, ignore_errors=True)
        else:
            shutil.rmtree(folder / f"{self.name.replace('-', '_')}-{self.version}.dist-info")
            for module in self.modules:
                (folder / f"{module}.py").unlink(missing_ok=True)
        importlib.invalidate_caches()

    def __enter__(self) -> FakeDistribution:
        return self.install()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.uninstall()


def fake_distribution(
    name: str,
    entry_points: Mapping[str, str],
    modules: Mapping[str, str] | None = None,
    *,
    version: str = "0.1",
    folder: Path | None = None,
) -> FakeDistribution:
    """A :class:`FakeDistribution`, to use as a context manager (or ``install()`` and
    ``uninstall()`` it yourself, e.g. in a fixture)."""
    return FakeDistribution(name, entry_points, modules, version=version, folder=folder)
