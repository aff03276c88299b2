#!/usr/bin/env bash
# The message-history section of the benchmark (issue 17 §5): listing 10,000 history records
# page by page (CAMS ListChatappMessage, 100 per page) from Python, chatlane's package against
# Alibaba's official Python SDK, both against one release `chatlane sandbox` whose history is
# seeded (untimed) with 10,000 accepted sends first. bench/run runs it with `--rows`; alone,
# it builds what it needs, prints its table and keeps it in bench/results/.
#
#   bench/history.sh                         # alone: <UTC time>-history.md (and .jsonl)
#   BENCH_HISTORY_ROUNDS=9 bench/history.sh  # more rounds (default 5) per row
#   PYTHON=.venv/bin/python bench/history.sh --rows  # as bench/run calls it: built already,
#                                                    # JSON lines on stdout
#
# The sandbox's limits are raised far above CAMS's (100,000 sends and history reads a second)
# so that the sandbox paces nothing, and its status receipts are held back for a day so that
# none rewrites the history while it is read (every record stays `accepted`).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

export BENCH_HISTORY_RECORDS="${BENCH_HISTORY_RECORDS:-10000}"
export BENCH_HISTORY_PAGE_SIZE="${BENCH_HISTORY_PAGE_SIZE:-100}"
export BENCH_HISTORY_ROUNDS="${BENCH_HISTORY_ROUNDS:-5}"
load() { cut -d' ' -f1-3 /proc/loadavg; }

rows_only=false
if [ "${1:-}" = "--rows" ]; then
  rows_only=true
  [ -n "${PYTHON:-}" ] || { echo "--rows needs PYTHON (the venv with chatlane's package)" >&2; exit 2; }
else
  echo "== building: the official Python SDK, chatlane's Python package, the release CLI" >&2
  setup_official_python
  setup_python >/dev/null
  build_release_cli
fi
official_python="$BENCH_WORK/venv-official/bin/python"

mkdir -p "$BENCH_WORK"
config="$BENCH_WORK/history-sandbox.json"
cat >"$config" <<'JSON'
{
  "accounts": [{"accessKeyId": "bench-key-id", "accessKeySecret": "bench-key-secret"}],
  "custSpaces": [{"id": "cams-bench", "numbers": ["8613800000000"]}],
  "limits": {"sendPerSecond": 100000, "historyPerSecond": 100000},
  "receiptDelayMs": 86400000
}
JSON

load_before=$(load)
CHATLANE_BIN="$REPO/target/release/chatlane" start_sandbox --config "$config"
export BENCH_HISTORY_ENDPOINT="$SANDBOX_ENDPOINT" BENCH_HISTORY_SANDBOX_PID="$SANDBOX_PID"
echo "== history: sandbox on $SANDBOX_ENDPOINT, seeding $BENCH_HISTORY_RECORDS sends (load $(load))" >&2
"$PYTHON" "$BENCH_DIR/python/history.py" --seed

rows() {
  echo "== history: official Python SDK (load $(load))" >&2
  "$official_python" "$BENCH_DIR/python/official_history.py"
  echo "== history: chatlane Python (load $(load))" >&2
  "$PYTHON" "$BENCH_DIR/python/history.py"
  echo "== history: where the time goes, CPU per step (after the rows, apart from them)" >&2
  "$official_python" "$BENCH_DIR/python/history_split.py" official
  "$PYTHON" "$BENCH_DIR/python/history_split.py" chatlane
}

if $rows_only; then
  rows
  exit 0
fi

stamp=$(date -u +%Y-%m-%dT%H-%M-%SZ)
run_dir="$BENCH_WORK/$stamp-history"
mkdir -p "$run_dir" "$BENCH_DIR/results"
rows | tee "$run_dir/results.jsonl"
printf '{"date": "%s", "cores": %s, "load_before": "%s", "load_after": "%s", "section": "history"}\n' \
  "$stamp" "$(nproc)" "$load_before" "$(load)" >"$run_dir/machine.json"
python3 "$BENCH_DIR/report.py" "$run_dir/results.jsonl" "$run_dir/machine.json" |
  tee "$BENCH_DIR/results/$stamp-history.md"
cp "$run_dir/results.jsonl" "$BENCH_DIR/results/$stamp-history.jsonl"
echo "kept: bench/results/$stamp-history.md" >&2
