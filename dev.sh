#!/usr/bin/env bash
# All set-up, then one of the project's two entry points:
#   bash dev.sh demo   # the learning-rate sweep of the course's network, with its CSV and plot
#   bash dev.sh test   # ruff, mypy, every test (notebooks included) and the benchmark's --quick check
# Set-up is idempotent: a virtual environment in .venv with the project and its test, bench and data extras
# (reinstalled when pyproject.toml changes), and Graphviz's `dot` from Debian's packages.
set -euo pipefail
cd "$(dirname "$0")"
venv=.venv

install_python_packages() {
    if [ ! -x "$venv/bin/python" ]; then
        "${PYTHON:-python3}" -m venv "$venv"
    fi
    local stamp="$venv/.installed-from" want
    want=$(sha256sum pyproject.toml | cut -d' ' -f1)
    if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
        echo "dev.sh: installing the project and its test extras into $venv" >&2
        # (the filter drops pip's notes about this machine's unused local package folders)
        "$venv/bin/python" -m pip install --quiet --disable-pip-version-check -e '.[test,bench,data]' \
            2> >(grep -v 'is neither a file nor a directory' >&2)
        echo "$want" >"$stamp"
    fi
}

install_graphviz() {
    command -v dot >/dev/null && return 0
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
        echo "dev.sh: installing Graphviz's dot (apt-get install graphviz)" >&2
        { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq graphviz; } >/dev/null 2>&1 || true
    fi
    command -v dot >/dev/null ||
        echo "dev.sh: Graphviz's dot is missing: install it with 'sudo apt-get install graphviz' (Debian/Ubuntu) or 'brew install graphviz' (macOS); until then the tests that render are skipped and the notebooks that show graphs fail" >&2
}

install_python_packages
install_graphviz
export PATH="$PWD/$venv/bin:$PATH"

case "${1:-}" in
demo)
    chainrule sweep --csv demo-output/sweep.csv --plot demo-output/sweep.png
    ;;
test)
    ruff check .
    ruff format --check .
    mypy
    python -m bench --quick # engines agree (timings are never checked)
    pytest -q -p no:cacheprovider --nbmake  # last, so its summary closes the output
    ;;
*)
    echo "usage: bash dev.sh demo|test" >&2
    exit 2
    ;;
esac
