"""The benchmark's one command: `.venv/bin/python bench/run.py [--quick] [--markdown]`.

Installs nothing: engines that are not importable (micrograd, torch) are skipped with a note.
Exits non-zero when engines disagree numerically or a measurement crashes, never on timings.
"""

import sys
from pathlib import Path

if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run as a script, not -m
    from bench.runner import main

    sys.exit(main(sys.argv[1:]))
