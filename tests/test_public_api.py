"""``heartmind.__all__`` is the public API: it lists exactly the public names of the package."""

from __future__ import annotations
import __future__

import types

import heartmind
import heartmind.testing


def _public(module: types.ModuleType) -> set[str]:
    return {
        name
        for name, value in vars(module).items()
        if not name.startswith("_")
        and not isinstance(value, types.ModuleType)
        and not isinstance(value, __future__._Feature)  # `from __future__ import annotations`
    }


def test_every_name_in_all_exists() -> None:
    missing = [name for name in heartmind.__all__ if not hasattr(heartmind, name)]
    assert not missing, f"heartmind.__all__ lists names that do not exist: {missing}"
    assert len(heartmind.__all__) == len(set(heartmind.__all__)), "duplicates in __all__"


def test_every_public_attribute_is_in_all() -> None:
    extra = sorted(_public(heartmind) - set(heartmind.__all__))
    assert not extra, (
        f"public names of heartmind missing from __all__ (or make them _private): {extra}"
    )


def test_the_testing_kit_lists_its_public_names() -> None:
    assert _public(heartmind.testing) == set(heartmind.testing.__all__)
