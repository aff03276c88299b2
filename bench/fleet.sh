#!/usr/bin/env bash
# The fleet section of the benchmark (issue 18 §5): a real redis-server on loopback and the
# benchmark's nginx; the Redis limiter's cost per slot beside the in-process one's, then CAMS
# sends paced at a 100,000/s budget — one process with the in-process limiter, then four
# processes at once sharing the budget through Redis (bench/rust/src/fleet.rs). bench/run
# runs it with `--rows`; alone, it builds what it needs, prints its table and keeps it in
# bench/results/.
#
#   bench/fleet.sh                  # alone: <UTC time>-fleet.md (and .jsonl)
#   bench/fleet.sh --rows           # as bench/run calls it: nginx running, JSON lines on stdout
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
load() { cut -d' ' -f1-3 /proc/loadavg; }
export BENCH_COUNT="${BENCH_COUNT:-20000}" BENCH_INFLIGHT="${BENCH_INFLIGHT:-64}"
bench="$REPO/target/release/chatlane-fleet-bench"

rows_only=false
if [ "${1:-}" = "--rows" ]; then
  rows_only=true
else
  echo "== building the fleet bench; starting nginx" >&2
  install_tools
  (cd "$REPO" && cargo build --quiet --release --locked -p chatlane-bench)
  start_nginx
fi
ensure_redis_server

port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
redis-server --port "$port" --bind 127.0.0.1 --save '' --appendonly no >/dev/null &
redis_pid=$!
trap 'kill "$redis_pid" 2>/dev/null || true; [ -n "${NGINX_PID:-}" ] && kill "$NGINX_PID" 2>/dev/null; true' EXIT
until redis-cli -p "$port" ping >/dev/null 2>&1; do sleep 0.05; done
export BENCH_REDIS_URL="redis://127.0.0.1:$port"

rows() {
  echo "== fleet: one slot, Redis vs in-process (load $(load))" >&2
  "$bench" acquire
  echo "== fleet: one process, in-process limiter (load $(load))" >&2
  "$bench" send
  echo "== fleet: four processes sharing the budget through Redis (load $(load))" >&2
  local dir pids=()
  dir=$(mktemp -d)
  for i in 1 2 3 4; do
    BENCH_COUNT=$((BENCH_COUNT / 4)) "$bench" send --redis >"$dir/$i.jsonl" &
    pids+=($!)
  done
  for pid in "${pids[@]}"; do wait "$pid"; done
  python3 - "$dir" <<'PY'
import json, pathlib, sys
runs = [json.loads(p.read_text()) for p in sorted(pathlib.Path(sys.argv[1]).glob("*.jsonl"))]
count = sum(r["count"] for r in runs)
seconds = (max(r["ended_us"] for r in runs) - min(r["started_us"] for r in runs)) / 1e6
print(json.dumps({"impl": "chatlane-rust", "scenario": "fleet_send_4_processes", "count": count,
                  "seconds": round(seconds, 4), "msgs_per_s": round(count / seconds)}))
PY
  rm -rf "$dir"
}

if $rows_only; then
  rows
  exit 0
fi

stamp=$(date -u +%Y-%m-%dT%H-%M-%SZ)
run_dir="$BENCH_WORK/$stamp-fleet"
mkdir -p "$run_dir" "$BENCH_DIR/results"
load_before=$(load)
rows | tee "$run_dir/results.jsonl"
printf '{"date": "%s", "cores": %s, "load_before": "%s", "load_after": "%s", "section": "fleet"}\n' \
  "$stamp" "$(nproc)" "$load_before" "$(load)" >"$run_dir/machine.json"
python3 "$BENCH_DIR/report.py" "$run_dir/results.jsonl" "$run_dir/machine.json" | tee "$BENCH_DIR/results/$stamp-fleet.md"
cp "$run_dir/results.jsonl" "$BENCH_DIR/results/$stamp-fleet.jsonl"
echo "kept: bench/results/$stamp-fleet.md" >&2
