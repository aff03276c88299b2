# Shared by the benchmark scripts (source it): the fixed endpoints every implementation is
# measured against — nginx from Debian with bench/nginx.conf (a copy of the anchors'
# endpoint), answering every POST on 127.0.0.1:18080 with a CAMS success body and on
# 127.0.0.1:18090 with a Meta Cloud API one.

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
source "$BENCH_DIR/../scripts/lib.sh"
BENCH_WORK="$REPO/target/bench"
export BENCH_ENDPOINT="http://127.0.0.1:18080" BENCH_META_ENDPOINT="http://127.0.0.1:18090"

# Installs nginx and wrk from Debian's packages when they are missing.
install_tools() {
  command -v nginx >/dev/null && command -v wrk >/dev/null && return 0
  local sudo=""
  [ "$(id -u)" -eq 0 ] || sudo=sudo
  $sudo apt-get update -qq || return
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq nginx wrk >/dev/null || return
}

# Installs the official Python SDK (and pywa, for the receiving rows) into
# $BENCH_WORK/venv-official, at the versions the benchmark pins.
setup_official_python() {
  [ -x "$BENCH_WORK/venv-official/bin/python" ] || python3 -m venv "$BENCH_WORK/venv-official" || return
  "$BENCH_WORK/venv-official/bin/python" -m pip install --quiet --disable-pip-version-check \
    'alibabacloud-cams20200606==5.3.1' 'alibabacloud-tea-openapi==0.4.6' 'pywa==4.5.0'
}

# Builds the release `chatlane` binary, whose `chatlane sandbox` serves the history section
# (release, like the CAMS it stands in for: its own costs stay out of the clients' figures).
build_release_cli() {
  (cd "$REPO" && cargo build --quiet --release --locked -p chatlane-cli)
}

# Starts nginx in the background (stopped when the calling shell exits) and waits until it
# answers.
start_nginx() {
  local prefix="$BENCH_WORK/nginx"
  mkdir -p "$prefix/logs"
  local endpoint
  for endpoint in "$BENCH_ENDPOINT" "$BENCH_META_ENDPOINT"; do
    if curl -s -o /dev/null "$endpoint/"; then
      echo "something already answers on $endpoint: stop it first (the benchmark needs its own nginx)" >&2
      return 1
    fi
  done
  nginx -p "$prefix" -c "$BENCH_DIR/nginx.conf" &
  NGINX_PID=$!
  trap 'kill "$NGINX_PID" 2>/dev/null || true; [ -n "${SANDBOX_PID:-}" ] && kill "$SANDBOX_PID" 2>/dev/null; true' EXIT
  for _ in $(seq 100); do
    if ! kill -0 "$NGINX_PID" 2>/dev/null; then
      echo "nginx exited: are ports 18080-18086 or 18090 taken by another server? (see $prefix/logs/error.log)" >&2
      return 1
    fi
    curl -s -o /dev/null -X POST "$BENCH_ENDPOINT/" && return 0
    sleep 0.1
  done
  echo "nginx did not start" >&2
  return 1
}
