#!/usr/bin/env bash
# Install the Debian packages the app and its tests need, when they are missing.
# Chromium (browser tests), poppler-utils (PDF pages to PNG), fonts covering Latin and Arabic
# (handbooks), PostgreSQL server binaries (the PostgreSQL test run), Pango (WeasyPrint).
set -euo pipefail

missing=()
need() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "install ok installed" || missing+=("$1"); }
need chromium
need poppler-utils
need fonts-dejavu-core
need fonts-noto-core
need libpango-1.0-0
need libpangoft2-1.0-0
need postgresql
need nodejs
need qpdf

if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "Missing Debian packages: ${missing[*]} (run as root, or: sudo apt-get install ${missing[*]})" >&2
  exit 1
fi
echo "Installing Debian packages: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
