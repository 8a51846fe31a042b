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
    autograd = {m for m in loaded if m == "autograd" or m.startswith("autograd.")}
    assert autograd == {"autograd", "autograd._clash", "autograd.validation"}  # the package lazy
    assert not {m for m in loaded if m.startswith("nn.") or m == "nn"}


def test_importing_autograd_loads_only_what_is_used() -> None:
    assert {m for m in _modules_loaded_by("import autograd") if m.startswith("autograd")} == {
        "autograd",
        "autograd._clash",
    }
    loaded = _modules_loaded_by("from autograd import Value")
    assert "autograd.engine" in loaded and "autograd.tape" not in loaded


def test_the_lazy_names_are_the_public_ones() -> None:
    import autograd

    where = vars(autograd)["_WHERE"]
    assert set(where) == set(autograd.__all__)
    for name, module in where.items():  # each from where the table says
        assert getattr(autograd, name) is getattr(__import__(module, fromlist=[name]), name)
    assert autograd.engine.Value is autograd.Value  # a submodule by its name, as before


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
