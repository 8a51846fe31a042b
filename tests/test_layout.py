"""The three floors: autograd (engine) < nn (layers) < chainrule (lessons, CLI)."""

import subprocess
import sys

import pytest


def _modules_loaded_by(statement: str) -> set[str]:
    code = f"import sys; {statement}; print(' '.join(sorted(sys.modules)))"
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True).stdout
    return set(out.split())


def test_the_closed_form_loads_no_part_of_the_engine() -> None:
    loaded = _modules_loaded_by("import chainrule.closed_form")
    assert "chainrule.closed_form" in loaded
    assert not {m for m in loaded if m == "autograd" or m.startswith(("autograd.", "nn.")) or m == "nn"}


@pytest.mark.parametrize("package", ["autograd", "nn"])
def test_lower_floors_never_import_the_lessons(package: str) -> None:
    # every module of the floor, so that no lazy import inside one is missed either
    statement = (
        f"import pkgutil, importlib, {package}; "
        f"[importlib.import_module(m.name) for m in pkgutil.walk_packages({package}.__path__, '{package}.') "
        "if not m.name.endswith('.strategies')]"
    )
    assert not {m for m in _modules_loaded_by(statement) if m.split(".")[0] == "chainrule"}


def test_the_engine_never_imports_the_layers() -> None:
    assert "nn" not in _modules_loaded_by("import autograd")


def test_python_dash_m_chainrule_runs_the_command() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "chainrule", "--help"], check=True, capture_output=True, text=True
    )
    assert "sweep" in result.stdout and "graph" in result.stdout
