#!/usr/bin/env bash
# System packages the test suite needs (Debian). Installs only what is missing.
set -euo pipefail
missing=()
for pkg in "$@"; do
    dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
done
# Packages are added here as features need them (xmlsec1 for SAML, chromium for browser tests,
# LibreOffice Calc to open the CSV exports as a spreadsheet user would, Debian's own python3 and
# python3-venv for the clean-room check of the README's install command, nginx and systemd for the deployment
# kit's tests: the shipped reverse-proxy configuration runs under nginx, the units pass systemd-analyze verify).
for pkg in ${PIX_LTI_SYSTEM_PACKAGES:-} xmlsec1 chromium libreoffice-calc-nogui python3 python3-venv nginx systemd; do
    dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
done
if [ ${#missing[@]} -gt 0 ]; then
    DEBIAN_FRONTEND=noninteractive apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi
