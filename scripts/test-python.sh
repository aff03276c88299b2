#!/usr/bin/env bash
# Python: builds and installs the release wheel (see setup_python in lib.sh), builds the CLI
# for the sandbox, installs the web frameworks of the webhook examples (Flask, FastAPI and
# httpx2 for its test client), then type-checks the package (its generated model and
# hand-written stubs), the tests with the typed API example and the webhook examples
# (mypy --strict), and runs pytest.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

setup_python
ensure_redis_server
build_cli
cd "$REPO"
"$PYTHON" -m pip install --quiet --disable-pip-version-check 'flask>=3.1,<4' 'fastapi>=0.165,<1' 'httpx2>=2,<3'
"$REPO/.venv/bin/mypy" --strict bindings/python/python/chatlane bindings/python/tests \
  bindings/python/examples/webhook_flask.py bindings/python/examples/webhook_fastapi.py
"$PYTHON" -m pytest -q -p no:cacheprovider bindings/python/tests
