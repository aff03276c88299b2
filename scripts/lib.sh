# Shared by the scripts in this folder (source it): repository paths, building the CLI and
# the language packages, and running the sandbox in the background for a script's duration.
# Functions stop at their first failing step (`|| return`), even where `set -e` is off.

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
export CHATLANE_BIN="${CHATLANE_BIN:-$REPO/target/debug/chatlane}"

# Installs redis-server from Debian's packages when it is missing: the fleet tests start a
# real one on a free loopback port (no persistence) and stop it.
ensure_redis_server() {
  command -v redis-server >/dev/null && return 0
  local sudo=""
  [ "$(id -u)" -eq 0 ] || sudo=sudo
  { $sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends redis-server; } >/dev/null ||
    { echo "cannot install redis-server (apt-get install redis-server)" >&2; return 1; }
}

# Builds the `chatlane` binary (debug) that tests and the demo use for the sandbox.
build_cli() {
  (cd "$REPO" && cargo build --quiet --locked -p chatlane-cli)
}

# Starts `chatlane sandbox --port 0 [ARGS...]` in the background and stops it when the
# calling shell exits. Sets SANDBOX_ENDPOINT (e.g. http://127.0.0.1:41234) and SANDBOX_PID.
start_sandbox() {
  local log
  log=$(mktemp)
  "$CHATLANE_BIN" sandbox --port 0 "$@" >"$log" 2>&1 &
  SANDBOX_PID=$!
  trap 'kill "$SANDBOX_PID" 2>/dev/null || true' EXIT
  for _ in $(seq 100); do
    SANDBOX_ENDPOINT=$(sed -n '1s/^chatlane sandbox listening on //p' "$log")
    [ -n "$SANDBOX_ENDPOINT" ] && return 0
    kill -0 "$SANDBOX_PID" 2>/dev/null || break
    sleep 0.1
  done
  echo "the sandbox did not start:" >&2
  cat "$log" >&2
  return 1
}

# Writes the member $2 of the zip archive $1 (a wheel, a jar) to standard output.
zip_member() {
  python3 -c 'import sys, zipfile; sys.stdout.buffer.write(zipfile.ZipFile(sys.argv[1]).read(sys.argv[2]))' "$1" "$2"
}

# Creates $REPO/.venv on first use and installs the given pip requirements into it.
# Sets VENV and PYTHON.
python_venv() {
  VENV="$REPO/.venv"
  [ -x "$VENV/bin/python" ] || python3 -m venv "$VENV" || return
  PYTHON="$VENV/bin/python"
  "$PYTHON" -m pip install --quiet --disable-pip-version-check "$@"
}

# Builds the release abi3 wheel with maturin (and the test hooks) into target/wheels and
# installs it into $REPO/.venv, with maturin, pytest and mypy. Sets VENV and PYTHON.
setup_python() {
  local wheels="$REPO/target/wheels"
  python_venv 'maturin>=1.16,<2' pytest mypy || return
  rm -f "$wheels"/chatlane-*.whl
  (cd "$REPO/bindings/python" && VIRTUAL_ENV="$VENV" "$VENV/bin/maturin" build --quiet --release --locked --features test-hooks --out "$wheels") ||
    return
  "$PYTHON" -m pip install --quiet --disable-pip-version-check --no-deps --force-reinstall "$wheels"/chatlane-*.whl
}

# Installs the npm package's development dependencies (napi's CLI, TypeScript, Express) in
# bindings/node/. `npm install` installs the versions pinned in package-lock.json, like
# `npm ci`; `npm ci` itself refuses this lockfile because the registry mirror here lacks other
# platforms' optional packages of @napi-rs/cli's dependencies, so npm cannot record them.
node_dev_dependencies() {
  (cd "$REPO/bindings/node" && npm install --no-audit --no-fund --loglevel=error --ignore-scripts)
}

# Builds the release addon with the test hooks into bindings/node/ (a user's `npm install`
# gets it prebuilt from the platform package that scripts/dist packs).
setup_node() {
  node_dev_dependencies && (cd "$REPO/bindings/node" && npm run --silent build -- --features test-hooks)
}

# Builds the UniFFI library and uniffi-bindgen (debug), then compiles the Kotlin package in
# bindings/uniffi/kotlin (Maven generates the Kotlin bindings and bundles the library).
# KOTLIN_CLASSPATH is set to run its classes with `java -cp`.
setup_kotlin() {
  local project="$REPO/bindings/uniffi/kotlin"
  (cd "$REPO" && cargo build --quiet --locked -p chatlane-uniffi --features test-hooks && cargo build --quiet --locked -p uniffi-bindgen) || return
  mvn_quiet -f "$project/pom.xml" -Dchatlane.skipCargo=true compile || return
  KOTLIN_CLASSPATH="$project/target/classes:$(cat "$project/target/runtime-classpath.txt")"
}

# Maven in batch mode without colour codes; -q hides its chatter. Surefire's own logger is
# raised back to INFO so its per-class lines and "Tests run: N, Failures: F…" still print.
mvn_quiet() {
  MAVEN_OPTS="${MAVEN_OPTS:-} -Dorg.slf4j.simpleLogger.log.org.apache.maven.plugin.surefire=info" \
    mvn -B -q -Dstyle.color=never "$@"
}
