#!/usr/bin/env bash
# Python: builds the release abi3 wheel with maturin into target/wheels, installs it into
# <repo>/.venv (created on first use, with maturin, pytest and mypy), builds the CLI for the
# sandbox, then type-checks the typed API example (mypy --strict) and runs pytest.
# Safe to run again: every step reuses what is already there.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

venv="$REPO/.venv"
[ -x "$venv/bin/python" ] || python3 -m venv "$venv"
python="$venv/bin/python"
"$python" -m pip install --quiet --disable-pip-version-check 'maturin>=1.16,<2' pytest mypy

wheels="$REPO/target/wheels"
rm -f "$wheels"/chatlane-*.whl
(cd "$REPO/bindings-python" && VIRTUAL_ENV="$venv" "$venv/bin/maturin" build --release --locked --out "$wheels")
"$python" -m pip install --quiet --disable-pip-version-check --no-deps --force-reinstall "$wheels"/chatlane-*.whl

build_cli

cd "$REPO"
"$venv/bin/mypy" --strict bindings-python/tests/typing_example.py
"$venv/bin/mypy" --strict bindings-python/tests
"$python" -m pytest -q -p no:cacheprovider bindings-python/tests
