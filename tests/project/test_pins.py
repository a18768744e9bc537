"""Do pyproject.toml and environment.yml ask for the same dependencies and ranges?"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest
import yaml
from packaging.requirements import Requirement
from packaging.specifiers import SpecifierSet
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[2]
# conda-forge's "tensorflow" is the CPU build; pip needs the explicit -cpu wheel on Linux x86-64.
SAME_PACKAGE = {"tensorflow-cpu": "tensorflow"}
CONDA_ONLY = {"python", "pip"}


def _key(name: str) -> str:
    name = canonicalize_name(name)
    return SAME_PACKAGE.get(name, name)


def pyproject_requirements() -> dict[str, list[Requirement]]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    found: dict[str, list[Requirement]] = {}
    for line in project["dependencies"] + project["optional-dependencies"]["dev"]:
        requirement = Requirement(line)
        found.setdefault(_key(requirement.name), []).append(requirement)
    return found


def environment_specs() -> dict[str, SpecifierSet]:
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    specs: dict[str, SpecifierSet] = {}
    for entry in env["dependencies"]:
        if isinstance(entry, dict):  # the pip: section, in pip's own syntax
            for line in entry["pip"]:
                if not line.startswith("-"):
                    requirement = Requirement(line)
                    specs[_key(requirement.name)] = requirement.specifier
            continue
        name, spec = re.match(r"^([A-Za-z0-9_.\-]+)\s*(.*)$", entry).groups()
        if name not in CONDA_ONLY:
            specs[_key(name)] = SpecifierSet(spec.replace(" ", ""))
    return specs


def test_same_packages():
    """Does each file list exactly the packages the other lists?"""
    assert set(pyproject_requirements()) == set(environment_specs())


@pytest.mark.parametrize("name", sorted(pyproject_requirements()))
def test_same_range(name):
    """Is each package's version range the same in both files?"""
    conda_spec = environment_specs()[name]
    for requirement in pyproject_requirements()[name]:
        assert requirement.specifier == conda_spec, (
            f"{name}: pyproject.toml says {requirement.specifier}, "
            f"environment.yml says {conda_spec}"
        )
        assert str(requirement.specifier), f"{name} has no version range in pyproject.toml"


@pytest.mark.parametrize(
    ("platform", "machine", "wanted"),
    [
        ("linux", "x86_64", "tensorflow-cpu"),
        ("linux", "aarch64", "tensorflow"),
        ("darwin", "arm64", "tensorflow"),
        ("win32", "AMD64", "tensorflow"),
    ],
)
def test_tensorflow_markers(platform, machine, wanted):
    """Does Linux x86-64 get tensorflow-cpu, and every other platform tensorflow, exactly one?"""
    env = {"sys_platform": platform, "platform_machine": machine}
    candidates = pyproject_requirements()["tensorflow"]
    chosen = [r.name for r in candidates if r.marker and r.marker.evaluate(env)]
    assert chosen == [wanted]
