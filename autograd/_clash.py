"""`import autograd` refuses to run beside HIPS autograd, the unrelated package with the same import name.

pip installs both into one `site-packages/autograd/` folder without a word (`pip check` sees
nothing), and the result is half of each. Its distribution's metadata folder
(`autograd-<version>.dist-info`, or `.egg-info`) is how we see it: a look at each folder of
`sys.path`, which costs well under a millisecond (importlib.metadata would cost 60 ms).
Importing this module runs the check. `autograd/__init__.py` imports it first; so do `nn` and
the `chainrule` command, because when HIPS autograd is installed *after* chainrule its
`__init__.py` replaces ours, and `import autograd.anything` then runs HIPS's `__init__` and this
module, from the merged folder.
"""

from __future__ import annotations

import os
import sys

__all__ = ["check_no_other_autograd"]


def check_no_other_autograd() -> None:
    """An ImportError, one line naming the clash and the way out, when another `autograd` is installed."""
    for folder in sys.path:
        try:
            names = os.listdir(folder or ".")
        except OSError:  # a zip file, or a folder that is gone
            continue
        for name in names:
            lowered = name.lower()
            if lowered.startswith("autograd-") and lowered.endswith((".dist-info", ".egg-info")):
                where = os.path.abspath(os.path.join(folder or ".", name))
                raise ImportError(
                    f"chainrule's `autograd` cannot share an environment with the unrelated HIPS autograd "
                    f"({where!r} is installed): both use the import name 'autograd'; install chainrule "
                    f"into a virtual environment of its own (python -m venv .venv), or remove the other "
                    f"with `pip uninstall autograd`"
                )


check_no_other_autograd()
