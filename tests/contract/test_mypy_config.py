"""mypy checks every package under a src dir by name, so a new service or lib is type-checked with its imports."""

from __future__ import annotations

import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SRC_DIRS = ("libs/*/src", "services/*/src", "deploy/local/*/src")
# The generated stubs: found on the path, their errors ignored, never checked as a package of ours.
GENERATED = {"cordial"}


def _mypy() -> dict[str, list[str]]:
    config: dict[str, list[str]] = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["mypy"]
    return config


def _src_dirs() -> list[Path]:
    return sorted(d for pattern in SRC_DIRS for d in ROOT.glob(pattern) if d.is_dir())


def test_every_src_dir_is_on_the_mypy_path() -> None:
    listed = {p.replace("$MYPY_CONFIG_FILE_DIR/", "") for p in _mypy()["mypy_path"]}
    missing = [str(d.relative_to(ROOT)) for d in _src_dirs() if str(d.relative_to(ROOT)) not in listed]
    assert not missing, f"add to [tool.mypy] mypy_path in pyproject.toml: {missing}"


def test_every_package_under_a_src_dir_is_checked() -> None:
    found = {p.name for d in _src_dirs() for p in d.iterdir() if (p / "__init__.py").exists()}
    missing = sorted(found - GENERATED - set(_mypy()["packages"]))
    assert not missing, f"add to [tool.mypy] packages in pyproject.toml: {missing}"
