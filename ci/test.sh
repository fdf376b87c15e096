#!/usr/bin/env bash
# Runs every test suite of torch2calyx: lit (MLIR passes) then pytest (Python, Calyx,
# simulation, end to end). Assumes ci/setup.sh has run.
set -euo pipefail
cd "$(dirname "$0")/.."
VENV=${T2C_VENV:-.venv}
export PATH="$PWD/$VENV/bin:$PATH"

echo "== ruff: lint and format"
ruff check python test bench examples
ruff format --check python test bench examples

echo "== lit: MLIR pass tests"
lit -sv test/passes

echo "== pytest"
status=0
python -m pytest -q -ra "$@" || status=$?
# pytest exits 5 when it collected nothing: treat that as a failure, a suite that ran no test.
exit $status
