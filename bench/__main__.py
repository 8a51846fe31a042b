"""The benchmark's one command: `.venv/bin/python -m bench [--quick] [--markdown]`.

Installs nothing: engines that are not importable (micrograd, torch) are skipped with a note.
Exits non-zero when engines disagree numerically or a measurement crashes, never on timings.
"""

import sys

from bench.runner import main

if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
