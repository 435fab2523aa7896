#!/usr/bin/env bash
# The library installs and runs without the service: a fresh venv, `pip install .` (the core
# dependencies only, resolved by pip as a user's would be; pip may use its cache), then
# `import netz` and `netz report` with neither the service's nor the batch extra's packages
# importable. `make test-core` runs this; .ci/run calls it.
#   usage: scripts/check-core-install.sh [PYTHON]
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
python="${1:-python3}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

"$python" -m venv "$work/venv"
"$work/venv/bin/python" -m pip install --quiet "$root"

# Outside the source tree, so that the installed netz is the one imported.
cd "$work"
"$work/venv/bin/python" - <<'EOF'
import importlib.util
import sys

import netz

extras = ["fastapi", "starlette", "uvicorn", "sqlalchemy", "alembic", "psycopg", "pydantic_settings",
          "pyarrow", "dask", "distributed"]
present = [name for name in extras if importlib.util.find_spec(name) is not None]
if present:
    sys.exit(f"the core install brought packages of the extras: {', '.join(present)}")
if not netz.__file__.startswith(sys.prefix):
    sys.exit(f"netz was imported from {netz.__file__}, not from the fresh venv")
print(f"import netz: OK ({netz.__file__})")
EOF
"$work/venv/bin/netz" report "$root/datasets/demo-buendnis" >"$work/report.txt"
echo "netz report: OK ($(wc -l <"$work/report.txt") lines)"

status=0
"$work/venv/bin/netz" serve 2>"$work/serve.txt" || status=$?
if [ "$status" != 2 ] || ! grep -q "pip install 'netz\[service\]'" "$work/serve.txt"; then
  echo "netz serve without the service: expected exit 2 and the install hint, got $status:" >&2
  cat "$work/serve.txt" >&2
  exit 1
fi
echo "netz serve without the service: says how to install it"
