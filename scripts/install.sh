#!/usr/bin/env bash
# Install the project into its own virtual environment, ./.venv, with only `python3` present.
#
#   bash scripts/install.sh          # the product (then: .venv/bin/pix-lti demo)
#   bash scripts/install.sh dev      # the product and its test tools (scripts/test.sh does this)
#
# PEP 668: Debian's python3 is "externally managed" and refuses `pip install` outside a virtual
# environment, so the project always gets its own. Which one:
# - an externally-managed python3 (Debian's, Ubuntu's): an isolated venv, filled by uv (installed
#   into the venv from PyPI by the venv's pip), which resolves and downloads in parallel and installs
#   from its cache: a few seconds where pip takes 15 s or more;
# - any other python3 (pyenv, a container's own Python, CI here): a venv that sees that Python's
#   packages (--system-site-packages), filled by pip, which counts them as installed, so that only
#   the project itself is added (uv would download and install every dependency again).
# Debian ships `python3 -m venv` in the python3-venv package: when it is missing, it is installed
# with apt-get as root, or the command to run is printed.
# PIX_LTI_PYTHON chooses the interpreter (default: python3).
set -euo pipefail
cd "$(dirname "$0")/.."

python=${PIX_LTI_PYTHON:-python3}
extras=${1:-}
venv=.venv

say() { echo "install: $*" >&2; }

if ! command -v "$python" >/dev/null 2>&1; then
    say "« $python » introuvable : installez Python 3.11 ou plus récent (Debian : apt-get install python3)."
    say "'$python' not found: install Python 3.11 or later (Debian: apt-get install python3)."
    exit 1
fi
if ! "$python" -c 'import sys; sys.exit(sys.version_info < (3, 11))'; then
    say "Python 3.11 ou plus récent est nécessaire ($("$python" --version 2>&1)). / Python 3.11+ is required."
    exit 1
fi

managed=$("$python" -c 'import os, sysconfig
print(int(os.path.exists(os.path.join(sysconfig.get_path("stdlib"), "EXTERNALLY-MANAGED"))))')
if [ "$managed" = 1 ]; then venv_options=(); else venv_options=(--system-site-packages); fi

make_venv() { "$python" -m venv "${venv_options[@]}" "$venv"; }

# Reuse a working venv made by the same interpreter; make a new one otherwise.
base='import os, sys; print(os.path.realpath(sys._base_executable))'
if [ -x "$venv/bin/python" ] && "$venv/bin/python" -c 'import sys' 2>/dev/null \
        && [ "$("$venv/bin/python" -c "$base")" = "$("$python" -c "$base")" ]; then
    :
else
    rm -rf "$venv"
    if ! make_venv 2>/dev/null; then
        rm -rf "$venv"
        package="python3-venv"
        if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
            say "installation de $package (Debian), nécessaire à « python3 -m venv »"
            DEBIAN_FRONTEND=noninteractive apt-get update -qq
            DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$package" >/dev/null
            make_venv
        else
            say "« $python -m venv » n'est pas disponible : installez-le (Debian : sudo apt-get install $package), puis relancez."
            say "'$python -m venv' is not available: install it (Debian: sudo apt-get install $package), then run again."
            exit 1
        fi
    fi
fi

target="."
[ -n "$extras" ] && target=".[$extras]"
if [ "$managed" = 1 ]; then
    "$venv/bin/python" -m pip install -q --disable-pip-version-check uv
    "$venv/bin/python" -m uv pip install -q --python "$venv/bin/python" -e "$target"
else
    "$venv/bin/python" -m pip install -q --disable-pip-version-check -e "$target"
fi
# The interface's gettext catalogues: web/locales/*/LC_MESSAGES/*.po -> .mo (not kept in git; web.i18n compiles
# them in memory when a .mo is missing or older than its .po, e.g. after editing a .po without reinstalling).
for domain in messages refusals; do
    "$venv/bin/pybabel" -q compile -d web/locales -D "$domain"
done
say "prêt : $venv/bin/pix-lti (ready)"
