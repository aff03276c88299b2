# Shared by the scripts in this folder (source it): repository paths, building the CLI,
# and running the sandbox as a background process for the duration of a script.

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
export CHATLANE_BIN="${CHATLANE_BIN:-$REPO/target/debug/chatlane}"

# Builds the `chatlane` binary (debug) that tests and the demo use for the sandbox.
build_cli() {
  (cd "$REPO" && cargo build --quiet --locked -p chatlane-cli)
}

# Starts `chatlane sandbox --port 0` in the background and stops it when the calling
# shell exits. Sets SANDBOX_ENDPOINT (e.g. http://127.0.0.1:41234) and SANDBOX_PID.
start_sandbox() {
  local log
  log=$(mktemp)
  "$CHATLANE_BIN" sandbox --port 0 >"$log" 2>&1 &
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
