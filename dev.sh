#!/usr/bin/env bash
# All set-up, then one of the project's entry points:
#   bash dev.sh demo       # the learning-rate sweep of the course's network, with its CSV and plot
#   bash dev.sh test       # ruff, mypy, the benchmark's --quick check, every test and notebook, the docs
#                          # site built with warnings as errors, the wheel installed in a fresh venv
#   bash dev.sh docs       # the documentation site, served at http://127.0.0.1:8000 (Ctrl-C ends it)
#   bash dev.sh notebook   # JupyterLab on notebooks/ (installed into .venv on first use)
# Set-up is idempotent: a virtual environment in .venv with the project and its development extras
# (reinstalled when pyproject.toml changes), and the system tools the tests use, from Debian's packages.
# A system tool is one small function below: it installs with apt-get where it can (root), and
# otherwise prints one line saying how.
set -euo pipefail
cd "$(dirname "$0")"
venv=.venv
extras=test,bench,data,docs,dist # what the tests, the benchmark, the docs and the package check need

install_python_packages() {
    if [ ! -x "$venv/bin/python" ]; then
        "${PYTHON:-python3}" -m venv "$venv"
    fi
    local stamp="$venv/.installed-from" want
    want=$(sha256sum pyproject.toml | cut -d' ' -f1)
    if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
        echo "dev.sh: installing the project and its extras [$extras] into $venv" >&2
        # (the filter drops pip's notes about this machine's unused local package folders)
        "$venv/bin/python" -m pip install --quiet --disable-pip-version-check -e ".[$extras]" \
            2> >(grep -v 'is neither a file nor a directory' >&2)
        echo "$want" >"$stamp"
    fi
}

# apt_install COMMAND PACKAGE WHAT: install PACKAGE when COMMAND is missing (as root, with apt-get),
# else one line saying how, and what is skipped until then.
apt_install() {
    local command=$1 package=$2 what=$3
    command -v "$command" >/dev/null && return 0
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
        echo "dev.sh: installing $package (apt-get install $package)" >&2
        { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$package"; } >/dev/null 2>&1 || true
    fi
    command -v "$command" >/dev/null ||
        echo "dev.sh: $command is missing: install it with 'sudo apt-get install $package' (Debian/Ubuntu); until then $what" >&2
}

install_graphviz() {
    apt_install dot graphviz "the tests that render are skipped and the notebooks that show graphs fail (macOS: brew install graphviz)"
}

install_libreoffice() { # the spreadsheet tests' oracle: headless soffice recalculates the sheets
    apt_install soffice libreoffice-calc-nogui "the tests that recalculate spreadsheets are skipped"
}

# check_package: the sdist and the wheel build (in a temporary folder: nothing is written here),
# twine accepts them, and the wheel alone works in a fresh virtual environment (tests/wheel_smoke.py).
check_package() {
    local tmp root=$PWD wheel
    tmp=$(mktemp -d)
    python -m build --no-isolation --sdist --wheel --outdir "$tmp/dist" . >"$tmp/build.log" 2>&1 ||
        { cat "$tmp/build.log" >&2; return 1; }
    twine check --strict "$tmp"/dist/*
    python -m venv --without-pip "$tmp/venv" # pip comes from .venv (--python): faster
    wheel=$(echo "$tmp"/dist/*.whl)
    python -m pip --python "$tmp/venv/bin/python" install --quiet --disable-pip-version-check \
        "$wheel[strategies]" 2> >(grep -v 'is neither a file nor a directory' >&2)
    (cd "$tmp" && env -u PYTHONPATH "$tmp/venv/bin/python" "$root/tests/wheel_smoke.py")
    rm -rf "$tmp"
}

check_docs() { # the site builds offline with every warning an error (its Python blocks run in pytest)
    export NO_MKDOCS_2_WARNING=1 # (Material's notice about its successor, printed on every build)
    local site
    site=$(mktemp -d)
    mkdocs build --strict --quiet --site-dir "$site"
    rm -rf "$site"
}

run_notebook() {
    if [ ! -x "$venv/bin/jupyter-lab" ]; then
        echo "dev.sh: installing JupyterLab into $venv (once)" >&2
        "$venv/bin/python" -m pip install --quiet --disable-pip-version-check 'jupyterlab>=4' \
            2> >(grep -v 'is neither a file nor a directory' >&2)
    fi
    local as_root=()
    [ "$(id -u)" = 0 ] && as_root=(--allow-root) # JupyterLab refuses root without it
    exec jupyter lab "${as_root[@]}" notebooks
}

install_chromium() {  # the browser tests' Chromium (Playwright drives it; nothing is downloaded)
    [ -x /usr/bin/chromium ] && [ -x /usr/bin/chromedriver ] && return 0
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
        echo "dev.sh: installing Chromium (apt-get install chromium chromium-driver)" >&2
        { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver; } >/dev/null 2>&1 || true
    fi
    [ -x /usr/bin/chromium ] ||
        echo "dev.sh: Chromium is missing: install it with 'sudo apt-get install chromium chromium-driver' (Debian/Ubuntu); until then the browser tests (needs_browser) are skipped" >&2
}

install_python_packages
install_graphviz
install_libreoffice
install_chromium
export PATH="$PWD/$venv/bin:$PATH"

case "${1:-}" in
demo)
    chainrule sweep --csv demo-output/sweep.csv --plot demo-output/sweep.png
    chainrule graph --html demo-output/network.html --epochs 45 --lr 0.5
    ;;
test)
    ruff check .
    ruff format --check .
    mypy
    python -m bench --quick # engines agree (timings are never checked)
    check_docs
    check_package
    pytest -q -p no:cacheprovider --nbmake # last, so its summary closes the output
    ;;
docs)
    NO_MKDOCS_2_WARNING=1 exec mkdocs serve
    ;;
notebook)
    run_notebook
    ;;
*)
    echo "usage: bash dev.sh demo|test|docs|notebook" >&2
    exit 2
    ;;
esac
