"""constraints-floors.txt pins every direct dependency at the floor setup.cfg allows,
so ``make test-floors`` tests what ``pip install tenant_privacy`` may pick."""

from __future__ import annotations

import configparser
import pathlib
import re
from importlib import metadata

ROOT = pathlib.Path(__file__).resolve().parent.parent


def _floors_in_setup_cfg() -> dict[str, str]:
    cfg = configparser.ConfigParser()
    cfg.read(ROOT / "setup.cfg")
    found = {}
    for line in cfg["options"]["install_requires"].split("\n"):
        if line.strip():
            name, floor = re.fullmatch(r"([\w.-]+)>=([\w.]+)", line.strip()).groups()
            found[name.lower()] = floor
    return found


def _pins() -> dict[str, str]:
    text = (ROOT / "constraints-floors.txt").read_text(encoding="utf-8")
    pins = {}
    for line in text.splitlines():
        line = line.split("#")[0].strip()
        if line:
            name, version = line.split("==")
            pins[name.lower()] = version
    return pins


def test_every_direct_dependency_is_pinned_at_its_floor() -> None:
    from packaging.version import Version

    pins = {name: Version(v) for name, v in _pins().items()}
    assert pins == {n: Version(v) for n, v in _floors_in_setup_cfg().items()}


def test_installed_versions_are_allowed() -> None:
    """Whatever venv runs the tests holds versions setup.cfg allows."""
    from packaging.version import Version

    for name, floor in _floors_in_setup_cfg().items():
        assert Version(metadata.version(name)) >= Version(floor), name
