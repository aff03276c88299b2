"""Measurement helpers shared by the Python benchmark scripts (see bench/PROTOCOL.md).

A script supplies a ``send(i)`` (or ``async send(i)``) that sends message ``i`` (templates on
even ``i``, texts on odd) and raises on any failure; this module warms up, times every send
with ``time.perf_counter_ns``, and prints one JSON line per measurement on stdout. Anything
else goes to stderr. Heavy modules (asyncio, threads, subprocess) are imported only where
they are used, so the ``rss_after_10000`` child process carries little besides the package.
"""

from __future__ import annotations

import json
import os
import sys
from dataclasses import dataclass
from itertools import count as counter
from time import perf_counter_ns
from typing import Any, Awaitable, Callable

WARMUP = 1_000
RSS_SENDS = 10_000
IMPORT_RUNS = 10
RSS_FLAG = "--rss-after"

# The messages of PROTOCOL.md.
KEY_ID, KEY_SECRET = "bench-key-id", "bench-key-secret"
SENDER, RECIPIENT = "8613800000000", "6591234567"
META_TOKEN, META_SENDER = "bench-token", "106540352242922"  # Meta's sender: a phone number ID
TEMPLATE_CODE, LANGUAGE = "744c4b5c79c94324", "en"
TEMPLATE_PARAMS = {"name": "Ada", "code": "123456"}
TEXT = "hello"

Send = Callable[[int], None]
AsyncSend = Callable[[int], Awaitable[None]]
Timing = tuple[int, list[int]]  # (elapsed ns, per-message latencies in ns)


@dataclass(frozen=True)
class Settings:
    """The run's parameters, from BENCH_ENDPOINT, BENCH_META_ENDPOINT, BENCH_COUNT and
    BENCH_INFLIGHT."""

    endpoint: str
    meta_endpoint: str
    count: int
    inflight: int

    @classmethod
    def from_env(cls) -> Settings:
        """Reads the environment, with PROTOCOL.md's defaults."""
        return cls(
            endpoint=os.environ.get("BENCH_ENDPOINT", "http://127.0.0.1:18080"),
            meta_endpoint=os.environ.get("BENCH_META_ENDPOINT", "http://127.0.0.1:18090"),
            count=int(os.environ.get("BENCH_COUNT", "20000")),
            inflight=int(os.environ.get("BENCH_INFLIGHT", "64")),
        )

    def endpoint_for(self, provider: str) -> str:
        """The endpoint answering as ``provider`` (``cams`` or ``meta``)."""
        return self.meta_endpoint if provider == "meta" else self.endpoint

    @property
    def inflight_scenario(self) -> str:
        """The concurrent scenario's name, e.g. ``inflight64``."""
        return f"inflight{self.inflight}"


def log(message: str) -> None:
    """Writes a diagnostic line to stderr."""
    print(message, file=sys.stderr, flush=True)


def emit(impl: str, scenario: str, **fields: Any) -> None:
    """Prints one measurement as a JSON line on stdout."""
    print(json.dumps({"impl": impl, "scenario": scenario, **fields}), flush=True)


def percentile(sorted_values: list[int], q: float) -> int:
    """The nearest-rank ``q``-th percentile (0 < q <= 100) of an ascending list."""
    rank = max(1, -(-len(sorted_values) * q // 100))  # ceil without floats
    return sorted_values[int(rank) - 1]


def median(values: list[float]) -> float:
    """The median of a non-empty list."""
    ordered = sorted(values)
    middle = len(ordered) // 2
    return ordered[middle] if len(ordered) % 2 else (ordered[middle - 1] + ordered[middle]) / 2


def emit_throughput(impl: str, provider: str, scenario: str, timing: Timing) -> None:
    """Prints msgs/s over the whole run and p50/p99 of the per-message latencies."""
    elapsed_ns, latencies = timing
    latencies.sort()
    seconds = elapsed_ns / 1e9
    emit(
        impl,
        scenario,
        provider=provider,
        count=len(latencies),
        seconds=round(seconds, 4),
        msgs_per_s=round(len(latencies) / seconds, 1),
        p50_us=round(percentile(latencies, 50) / 1e3, 1),
        p99_us=round(percentile(latencies, 99) / 1e3, 1),
    )


def rss_mb() -> float:
    """This process's resident set size (VmRSS in /proc/self/status), in MB."""
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return round(int(line.split()[1]) / 1024, 1)
    raise RuntimeError("no VmRSS in /proc/self/status")


# ---- throughput runners -------------------------------------------------------------------


def time_sequential(send: Send, count: int) -> Timing:
    """Sends ``count`` messages one at a time."""
    latencies = [0] * count
    start = perf_counter_ns()
    for i in range(count):
        begin = perf_counter_ns()
        send(i)
        latencies[i] = perf_counter_ns() - begin
    return perf_counter_ns() - start, latencies


def time_threads(send: Send, count: int, inflight: int) -> Timing:
    """Sends ``count`` messages from ``inflight`` threads of a ThreadPoolExecutor, each
    sending one message at a time until all are sent (so ``inflight`` are in flight).
    The threads start before the clock does; the first failure stops them all."""
    import threading
    from concurrent.futures import ThreadPoolExecutor

    next_index = counter().__next__  # atomic under the GIL
    ready = threading.Barrier(inflight + 1)
    stop = threading.Event()

    def worker() -> list[int]:
        latencies: list[int] = []
        ready.wait()
        try:
            while not stop.is_set():
                i = next_index()
                if i >= count:
                    break
                begin = perf_counter_ns()
                send(i)
                latencies.append(perf_counter_ns() - begin)
        except BaseException:
            stop.set()
            raise
        return latencies

    with ThreadPoolExecutor(max_workers=inflight) as pool:
        futures = [pool.submit(worker) for _ in range(inflight)]
        ready.wait()
        start = perf_counter_ns()
        per_thread = [future.result() for future in futures]
        elapsed = perf_counter_ns() - start
    return elapsed, [latency for latencies in per_thread for latency in latencies]


async def time_async_sequential(send: AsyncSend, count: int) -> Timing:
    """Awaits ``count`` sends one at a time."""
    latencies = [0] * count
    start = perf_counter_ns()
    for i in range(count):
        begin = perf_counter_ns()
        await send(i)
        latencies[i] = perf_counter_ns() - begin
    return perf_counter_ns() - start, latencies


async def time_async_workers(send: AsyncSend, count: int, inflight: int) -> Timing:
    """Sends ``count`` messages from ``inflight`` coroutines, each awaiting one send at a time
    until all are sent, as the Node scripts do. (``gather`` over ``count`` tasks under a
    semaphore costs the loop about 20 µs per message before any send runs: it capped an
    instantly completing send at about 50k/s on 2 cores, against 400k/s for this runner.)"""
    import asyncio

    latencies = [0] * count
    next_index = counter().__next__

    async def worker() -> None:
        while (i := next_index()) < count:
            begin = perf_counter_ns()
            await send(i)
            latencies[i] = perf_counter_ns() - begin

    start = perf_counter_ns()
    await asyncio.gather(*(worker() for _ in range(min(inflight, count))))
    return perf_counter_ns() - start, latencies


# ---- scenarios (warm up, measure, print) --------------------------------------------------
# ``provider`` labels the lines: the API the sends go through (the official SDKs: CAMS).


def bench_sequential(impl: str, send: Send, settings: Settings, provider: str = "cams") -> None:
    """Scenario ``sequential``: one send at a time from this thread."""
    time_sequential(send, WARMUP)
    emit_throughput(impl, provider, "sequential", time_sequential(send, settings.count))


def bench_threads(impl: str, send: Send, settings: Settings, provider: str = "cams") -> None:
    """Scenario ``inflight<N>``: N threads sending."""
    time_threads(send, WARMUP, settings.inflight)
    timing = time_threads(send, settings.count, settings.inflight)
    emit_throughput(impl, provider, settings.inflight_scenario, timing)


def bench_async_sequential(impl: str, send: AsyncSend, settings: Settings, provider: str = "cams") -> None:
    """Scenario ``sequential`` in one event loop: await one send at a time."""
    import asyncio

    async def run() -> Timing:
        await time_async_sequential(send, WARMUP)
        return await time_async_sequential(send, settings.count)

    emit_throughput(impl, provider, "sequential", asyncio.run(run()))


def bench_async_workers(impl: str, send: AsyncSend, settings: Settings, provider: str = "cams") -> None:
    """Scenario ``inflight<N>`` in one event loop: N coroutines sending."""
    import asyncio

    async def run() -> Timing:
        await time_async_workers(send, WARMUP, settings.inflight)
        return await time_async_workers(send, settings.count, settings.inflight)

    emit_throughput(impl, provider, settings.inflight_scenario, asyncio.run(run()))


# ---- import time and memory ---------------------------------------------------------------

_RSS_CODE = "for line in open('/proc/self/status'):\n    if line.startswith('VmRSS:'): print(line.split()[1])"


def _python(*args: str) -> str:
    """Runs this interpreter's executable with ``args`` in a new process; returns its stdout
    (its stderr passes through). Raises if it exits non-zero."""
    import subprocess

    return subprocess.run([sys.executable, *args], check=True, stdout=subprocess.PIPE, text=True).stdout


def _run_python(code: str) -> str:
    """Runs ``code`` in a fresh interpreter; returns its stdout. ``-P`` keeps the working
    directory off ``sys.path`` (a source checkout there must not shadow the package)."""
    return _python("-P", "-c", code)


def _time_python(code: str) -> float:
    """Wall time of a fresh interpreter running ``code``, in ms."""
    begin = perf_counter_ns()
    _run_python(code)
    return (perf_counter_ns() - begin) / 1e6


def bench_import(impl: str, module: str, runs: int = IMPORT_RUNS) -> None:
    """Scenario ``import``: median wall time of ``python -c "import MODULE"`` minus the median
    of ``python -c "pass"`` (``runs`` of each, interleaved, after one untimed run of each),
    and the RSS of a fresh interpreter right after the import."""
    statement = f"import {module}"
    _time_python("pass")  # untimed: fills the page cache
    _time_python(statement)
    bare, loaded = [], []
    for _ in range(runs):
        bare.append(_time_python("pass"))
        loaded.append(_time_python(statement))
    bare_rss = int(_run_python(_RSS_CODE)) / 1024
    modules, kib = _run_python(
        f"import sys\nbefore = len(sys.modules)\n{statement}\nprint(len(sys.modules) - before)\n{_RSS_CODE}"
    ).split()
    log(
        f"{impl} import {module}: {median(loaded):.1f} ms vs bare start {median(bare):.1f} ms, "
        f"{modules} modules, RSS {bare_rss:.1f} -> {int(kib) / 1024:.1f} MB"
    )
    emit(impl, "import", ms=round(median(loaded) - median(bare), 1), rss_mb=round(int(kib) / 1024, 1))


def bench_rss_after_sends(impl: str, script: str, sends: int = RSS_SENDS) -> None:
    """Scenario ``rss_after_10000``: runs ``script RSS_FLAG sends`` (see ``rss_child``) in a
    fresh interpreter and reports the RSS it measured after its sends."""
    last_line = _python(script, RSS_FLAG, str(sends)).strip().splitlines()[-1]
    emit(impl, f"rss_after_{sends}", rss_mb=json.loads(last_line)["rss_mb"])


def rss_child_sends(argv: list[str]) -> int | None:
    """The number of sends if this process is the ``rss_after`` child (``RSS_FLAG N``)."""
    return int(argv[2]) if len(argv) == 3 and argv[1] == RSS_FLAG else None


def rss_child(send: Send, sends: int) -> None:
    """In the child process: ``sends`` sequential sends, then ``{"rss_mb": …}`` on stdout
    (the RSS before them goes to stderr, to show whether memory grows)."""
    before = rss_mb()
    for i in range(sends):
        send(i)
    after = rss_mb()
    log(f"RSS with the client built: {before} MB; after {sends} sends: {after} MB")
    print(json.dumps({"rss_mb": after}), flush=True)


# ---- message history: paging through ListChatappMessage ---------------------------------

#: The sandbox's channel instance (bench/history.sh configures it with SENDER as its number).
CUST_SPACE_ID = "cams-bench"
#: Rounds of the default-pacing row (each lasts about 2 s at 50 reads/s).
PACED_ROUNDS = 3

ListAll = Callable[[], list[Any]]


@dataclass(frozen=True)
class HistorySettings:
    """The history section's parameters, from BENCH_HISTORY_ENDPOINT (the sandbox),
    BENCH_HISTORY_RECORDS, BENCH_HISTORY_PAGE_SIZE and BENCH_HISTORY_ROUNDS."""

    endpoint: str
    records: int
    page_size: int
    rounds: int

    @classmethod
    def from_env(cls) -> HistorySettings:
        """Reads the environment, with PROTOCOL.md's defaults (the endpoint has none)."""
        return cls(
            endpoint=os.environ["BENCH_HISTORY_ENDPOINT"],
            records=int(os.environ.get("BENCH_HISTORY_RECORDS", "10000")),
            page_size=int(os.environ.get("BENCH_HISTORY_PAGE_SIZE", "100")),
            rounds=int(os.environ.get("BENCH_HISTORY_ROUNDS", "5")),
        )

    @property
    def requests(self) -> int:
        """Pages asked for per listing: the full ones, then the short (maybe empty) last one
        that ends it, since ``ListChatappMessage`` answers with no total."""
        return self.records // self.page_size + 1


def sandbox_pid() -> int | None:
    """The sandbox's process ID (BENCH_HISTORY_SANDBOX_PID), when it runs on this machine."""
    pid = os.environ.get("BENCH_HISTORY_SANDBOX_PID")
    return int(pid) if pid else None


def cpu_ns(pid: int) -> int:
    """The CPU time process ``pid``'s threads have had so far, in ns (the first field of each
    thread's /proc schedstat; a thread gone since is not counted)."""
    total = 0
    for tid in os.listdir(f"/proc/{pid}/task"):
        try:
            with open(f"/proc/{pid}/task/{tid}/schedstat") as schedstat:
                total += int(schedstat.read().split()[0])
        except (FileNotFoundError, ProcessLookupError):
            continue
    return total


def loadavg() -> str:
    """The 1-, 5- and 15-minute load averages, as /proc/loadavg gives them."""
    with open("/proc/loadavg") as load:
        return " ".join(load.read().split()[:3])


def bench_history(
    impl: str,
    scenario: str,
    list_all: ListAll,
    message_id: Callable[[Any], str],
    settings: HistorySettings,
    rounds: int,
    **fields: Any,
) -> None:
    """Scenario ``history`` (and its variants): one untimed listing to warm up, then
    ``rounds`` timed ones of every record, each ``list_all()`` returning the records as the
    client's models; every listing must hold ``settings.records`` distinct message IDs
    (checked after its clock stops). Prints the median round as records/s, and the CPU time
    per round (mean over the timed rounds) of this process (every thread: the client) and of
    the sandbox (BENCH_HISTORY_SANDBOX_PID, when set): the sandbox answers one request at a
    time while the client waits, so its CPU time bounds how short a round can be."""
    from time import process_time_ns

    seconds: list[float] = []
    client_cpu = server_cpu = 0
    server = sandbox_pid()
    load_before = loadavg()
    for round_ in range(rounds + 1):
        cpu_before, server_before = process_time_ns(), cpu_ns(server) if server else 0
        begin = perf_counter_ns()
        records = list_all()
        elapsed = (perf_counter_ns() - begin) / 1e9
        if round_:
            seconds.append(elapsed)
            client_cpu += process_time_ns() - cpu_before
            server_cpu += cpu_ns(server) - server_before if server else 0
        found = len({message_id(record) for record in records})
        if len(records) != settings.records or found != settings.records:
            raise RuntimeError(f"{impl}: listed {len(records)} records ({found} distinct), not {settings.records}")
        del records  # freed here, not inside the next round's clock
    log(
        f"{impl} {scenario}: rounds {', '.join(f'{s:.3f}' for s in seconds)} s; CPU per round: client "
        f"{client_cpu / rounds / 1e6:.0f} ms, sandbox {server_cpu / rounds / 1e6:.0f} ms"
    )
    middle = median(seconds)
    if server:
        fields["sandbox_cpu_s"] = round(server_cpu / rounds / 1e9, 4)
    emit(
        impl,
        scenario,
        count=settings.records,
        page_size=settings.page_size,
        requests=settings.requests,
        rounds=rounds,
        seconds=round(middle, 4),
        records_per_s=round(settings.records / middle, 1),
        seconds_min=round(min(seconds), 4),
        seconds_max=round(max(seconds), 4),
        client_cpu_s=round(client_cpu / rounds / 1e9, 4),
        load_before=load_before,
        load_after=loadavg(),
        **fields,
    )
