#!/usr/bin/env bash
# Python: builds and installs the release wheel (see setup_python in lib.sh), builds the CLI
# for the sandbox, then type-checks the package (its generated model and hand-written stubs)
# and the tests with the typed API example (mypy --strict), and runs pytest.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

setup_python
build_cli
cd "$REPO"
"$REPO/.venv/bin/mypy" --strict bindings/python/python/chatlane bindings/python/tests
"$PYTHON" -m pytest -q -p no:cacheprovider bindings/python/tests
