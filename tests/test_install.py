"""What an installation promises: one version, the name clash with HIPS autograd refused in one
line, and the extra to install named when an optional package is missing. (The built wheel
itself is installed into a fresh environment and smoke-tested by `bash dev.sh test`.)"""

import os
import shutil
import subprocess
import sys
import tomllib
from importlib.metadata import version
from pathlib import Path

import pytest

import chainrule
from chainrule.cli import main
from chainrule.cli._common import missing_extra

ROOT = Path(__file__).resolve().parent.parent


def test_one_version_in_one_place(capsys: pytest.CaptureFixture[str]) -> None:
    written = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["version"]
    assert chainrule.__version__ == version("chainrule") == written
    assert main(["--version"]) == 0
    assert capsys.readouterr().out == f"chainrule {written}\n"
    sources = [p for package in ("autograd", "nn", "chainrule") for p in (ROOT / package).rglob("*.py")]
    assert len(sources) > 50
    assert not [p for p in sources if f'"{written}"' in p.read_text(encoding="utf-8")]  # no second copy


def _import_autograd_beside(folder: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(folder), str(ROOT)])}
    return subprocess.run(
        [sys.executable, "-c", "import autograd; print(autograd.Value(2.0) * 3.0)"],
        capture_output=True,
        text=True,
        env=env,
        cwd=folder,
    )


def test_importing_autograd_beside_hips_autograd_fails_in_one_line(tmp_path: Path) -> None:
    clean = _import_autograd_beside(tmp_path)
    assert clean.returncode == 0, clean.stderr  # the control: nothing else installed, it imports
    metadata = tmp_path / "autograd-1.7.0.dist-info"
    metadata.mkdir()
    (metadata / "METADATA").write_text("Metadata-Version: 2.1\nName: autograd\nVersion: 1.7.0\n")
    clashing = _import_autograd_beside(tmp_path)
    assert clashing.returncode == 1 and clashing.stdout == ""
    last = clashing.stderr.strip().splitlines()[-1]
    assert last.startswith("ImportError: chainrule's `autograd` cannot share an environment with")
    assert str(metadata) in last and "pip uninstall autograd" in last and "venv" in last


@pytest.mark.parametrize("statement", ["import nn", "from chainrule.cli import main"])
def test_hips_autograd_installed_over_ours_is_named_by_nn_and_the_command(
    statement: str, tmp_path: Path
) -> None:
    # pip installing HIPS autograd after chainrule: its __init__.py replaces ours in one folder
    merged = tmp_path / "site-packages"
    (merged / "autograd").mkdir(parents=True)
    (merged / "autograd" / "__init__.py").write_text('"""HIPS autograd (a stand-in)."""\n')
    shutil.copy(ROOT / "autograd" / "_clash.py", merged / "autograd" / "_clash.py")
    (merged / "autograd-1.7.0.dist-info").mkdir()
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(merged), str(ROOT)])}
    run = subprocess.run(
        [sys.executable, "-c", statement], capture_output=True, text=True, env=env, cwd=tmp_path
    )
    assert run.returncode == 1
    last = run.stderr.strip().splitlines()[-1]
    clash = "ImportError: chainrule's `autograd` cannot share an environment with the unrelated HIPS autograd"
    assert last.startswith(f"{clash} ({str(merged / 'autograd-1.7.0.dist-info')!r} is installed)")


@pytest.mark.parametrize(
    ("blocked", "argv", "extra"),
    [
        ("graphviz", ["graph", "--format", "dot"], "draw"),
        ("matplotlib", ["sweep", "--epochs", "1", "--plot", "sweep.png"], "plot"),
    ],
)
def test_a_missing_optional_package_names_its_extra(
    blocked: str, argv: list[str], extra: str, tmp_path: Path
) -> None:
    # a fresh interpreter in which `import blocked` fails (None in sys.modules), as if never installed
    code = (
        f"import sys; sys.modules[{blocked!r}] = None; from chainrule.cli import main; sys.exit(main({argv}))"
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=tmp_path, env=env)
    assert (run.returncode, run.stdout) == (2, "")
    assert run.stderr == (
        f"chainrule {argv[0]}: error: this needs the Python package {blocked!r}, which is not installed: "
        f"pip install {blocked}, or install chainrule with its {extra!r} extra "
        f"(pip install 'path/to/chainrule[{extra}]')\n"
    )
    assert not list(tmp_path.iterdir())  # and wrote nothing


def test_a_missing_module_that_is_no_extra_gets_no_advice() -> None:
    assert missing_extra(ModuleNotFoundError("No module named 'x'", name="x")) is None  # a bug: traceback
    assert missing_extra(ModuleNotFoundError(name="PIL.Image")) == (
        "this needs the Python package 'Pillow', which is not installed: pip install Pillow, "
        "or install chainrule with its 'draw' extra (pip install 'path/to/chainrule[draw]')"
    )
