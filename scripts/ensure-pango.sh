#!/usr/bin/env bash
# Make sure the system libraries WeasyPrint needs for the PDF report are there (Pango, HarfBuzz's
# subsetter, and DejaVu fonts, which the report asks for). pip installs WeasyPrint itself; these
# come from Debian. Usage: bash scripts/ensure-pango.sh [PYTHON] (the venv's python to check with).
set -u
PYTHON="${1:-.venv/bin/python}"
if "$PYTHON" -c 'import weasyprint' >/dev/null 2>&1; then
  exit 0
fi
PACKAGES="libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core"
if command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
  echo "ensure-pango: installing $PACKAGES" >&2
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $PACKAGES >/dev/null
  "$PYTHON" -c 'import weasyprint' && exit 0
fi
echo "ensure-pango: WeasyPrint cannot load; install Pango (apt-get install -y $PACKAGES)" >&2
exit 1
