"""LibreOffice as an oracle: recalculate workbooks with headless `soffice`, read the numbers back.

One `soffice` call takes 1.5–3 s, so a test module writes its graphs into one workbook and
recalculates it once. Each call gets its own throwaway profile whose settings make Calc
recalculate every formula on load (`OOXMLRecalcMode` 0: "always"), so a file with cached
values is recalculated too, not trusted. `--convert-to` cannot overwrite its input: the result
goes to `--outdir`.
"""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, TypeVar

import pytest

SOFFICE = shutil.which("soffice")

LIBREOFFICE_MARKS = (
    pytest.mark.needs_libreoffice,
    pytest.mark.skipif(
        SOFFICE is None,
        reason="needs LibreOffice's soffice (Debian: apt-get install libreoffice-calc-nogui)",
    ),
)
"""A test module's `pytestmark` when all its tests need LibreOffice."""

F = TypeVar("F", bound=Callable[..., Any])


def needs_libreoffice(test: F) -> F:
    """Mark one test as needing LibreOffice (skipped with one line where soffice is absent)."""
    for mark in LIBREOFFICE_MARKS:
        test = mark(test)
    return test


_ALWAYS_RECALCULATE = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema" \
xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="OOXMLRecalcMode" oor:op="fuse">\
<value>0</value></prop></item>
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="ODFRecalcMode" oor:op="fuse">\
<value>0</value></prop></item>
</oor:items>
"""


def recalculate(paths: Sequence[Path], workdir: Path) -> list[Path]:
    """Each of `paths` (.xlsx or .xlsm) recalculated by LibreOffice in one call, saved as an
    .xlsx in a new folder of `workdir`; their formula cells then hold LibreOffice's values."""
    if SOFFICE is None:
        raise RuntimeError("soffice is not installed")
    profile = workdir / "lo-profile"
    (profile / "user").mkdir(parents=True, exist_ok=True)
    (profile / "user" / "registrymodifications.xcu").write_text(_ALWAYS_RECALCULATE)
    outdir = workdir / "recalculated"
    outdir.mkdir(exist_ok=True)
    subprocess.run(
        [
            SOFFICE,
            f"-env:UserInstallation={profile.as_uri()}",
            "--headless",
            "--norestore",
            "--convert-to",
            "xlsx:Calc MS Excel 2007 XML",
            "--outdir",
            str(outdir),
            *map(str, paths),
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )
    outs = [outdir / (path.stem + ".xlsx") for path in paths]
    missing = [str(out) for out in outs if not out.exists()]
    if missing:
        raise RuntimeError(f"soffice wrote no {', '.join(missing)}")
    return outs
