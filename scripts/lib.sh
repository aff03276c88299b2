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

# Builds the release abi3 wheel with maturin into target/wheels and installs it into
# $REPO/.venv (created on first use, with maturin, pytest and mypy). Sets PYTHON.
setup_python() {
  local venv="$REPO/.venv" wheels="$REPO/target/wheels"
  [ -x "$venv/bin/python" ] || python3 -m venv "$venv" || return
  PYTHON="$venv/bin/python"
  "$PYTHON" -m pip install --quiet --disable-pip-version-check 'maturin>=1.16,<2' pytest mypy || return
  rm -f "$wheels"/chatlane-*.whl
  (cd "$REPO/bindings/python" && VIRTUAL_ENV="$venv" "$venv/bin/maturin" build --quiet --release --locked --features test-hooks --out "$wheels") ||
    return
  "$PYTHON" -m pip install --quiet --disable-pip-version-check --no-deps --force-reinstall "$wheels"/chatlane-*.whl
}

# Installs the npm package's dependencies in bindings/node/ and builds the release addon
# with the test hooks (a user's `npm install` runs `prepare`, which builds it without).
# `npm install` installs the versions pinned in package-lock.json, like `npm ci`; `npm ci`
# itself refuses this lockfile because the registry mirror here lacks other platforms'
# optional packages of @napi-rs/cli's dependencies, so npm cannot record them.
setup_node() {
  (cd "$REPO/bindings/node" && npm install --no-audit --no-fund --loglevel=error --ignore-scripts &&
    npm run --silent build -- --features test-hooks)
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
