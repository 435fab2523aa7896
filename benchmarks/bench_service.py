"""The service under load, side by side: cached report vs. ``/healthz``, and a large workbook import.

Run from the repository root (``wrk`` from Debian is used when installed, otherwise an
async httpx load loop; PostgreSQL is tried when it answers):

    .venv/bin/python benchmarks/bench_service.py

    options: --workers 2  --connections 50  --rounds 3  --duration 4  --database sqlite|postgres|both
             --load wrk|httpx  --plain-uvicorn  --port P  --pg-url postgresql+psycopg://postgres@127.0.0.1:5432/postgres

For each database (a temporary SQLite file; a fresh PostgreSQL database, dropped afterwards):

1. stores a seeded random weighted alliance of 200 actors of several types and 1,000 ties and an
   admin and a coordinator key, starts a real ``uvicorn`` process with two workers on a free
   loopback port, computes the report once (the cache fill), then drives ``GET /healthz`` and
   the cached ``GET /api/v1/alliances/{id}/report`` (admin key, coordinator key: the full body,
   as the target counts it; and admin key with ``Accept-Encoding: gzip``, for information) with
   50 concurrent keep-alive clients; the endpoints take turns (3 rounds of 4 s each), so that the
   load of a shared machine falls on all alike. Prints requests/s, p50/p99/max latency, the
   server's CPU time per request (all workers), the ratios and the load average (1 min) before
   and after. ``wrk`` (Debian: ``apt-get install -y wrk``) costs the shared CPUs far less than
   the Python loop, whose own latency dominated p99 when it shared two cores with the server;
2. builds a 1,000-actor, 10,000-tie ``.xlsx`` with openpyxl and times
   ``POST /api/v1/alliances/import`` end to end (three times; the median counts), and once
   more for a workbook from openpyxl's write-only mode.

The server gets the caller's ``PYTHONPATH`` after the repository's root (to try a package
without installing it: ``PYTHONPATH=/tmp/extra .venv/bin/python benchmarks/bench_service.py``).

The issue's targets: report throughput at least 0.5 x that of ``/healthz``, report p99 <= 50 ms
(50 clients), the import in at most 2 s. This is a script, not a test: timings depend on the
machine and its load (the load average is printed; compare with /healthz's p99 in the same run).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import importlib.util
import io
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import numpy as np
import openpyxl
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from api.config import Settings  # noqa: E402
from api.db import Database  # noqa: E402
from api.security import create_key  # noqa: E402
from api.store import save  # noqa: E402
from benchmarks.common import free_port, server_environment, stop  # noqa: E402
from netz.core.model import Alliance  # noqa: E402

SEED = 20261121
TYPES = ["initiative", "church", "welfare", "municipality", "refugee", "association", "education",
         "employment", "public", "other"]
TYPE_SHARES = [0.25, 0.10, 0.12, 0.06, 0.12, 0.15, 0.07, 0.05, 0.04, 0.04]
KINDS = ["information", "joint project", "resources", "referral"]

WRK_LUA = """
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format('WRKJSON {"requests":%d,"duration_us":%d,"bytes":%d,"errors":%d}\\n',
    summary.requests, summary.duration, summary.bytes,
    e.status + e.connect + e.read + e.write + e.timeout))
  local parts = {}
  for i = 1, #latency do
    local value, count = latency(i)
    parts[#parts + 1] = string.format("%d:%d", value, count)
  end
  io.write("WRKHIST " .. table.concat(parts, ",") .. "\\n")
end
"""


# ---------------------------------------------------------------- data

def random_alliance(n_actors: int, n_ties: int, seed: int) -> Alliance:
    """Seeded random weighted alliance: actor types drawn by share, ties G(n, m) with a few hubs."""
    rng = np.random.default_rng(seed)
    ids = np.array([f"a{i:04d}" for i in range(n_actors)])
    types = rng.choice(TYPES, size=n_actors, p=TYPE_SHARES)
    # Preferential-ish: some actors are much more active (coordinators, welfare hubs).
    activity = rng.pareto(2.0, size=n_actors) + 1.0
    p = activity / activity.sum()
    pairs: set[tuple[int, int]] = set()
    while len(pairs) < n_ties:
        a, b = rng.choice(n_actors, size=2, replace=False, p=p)
        pairs.add((min(a, b), max(a, b)))
    edges = np.array(sorted(pairs))
    edges = edges[rng.permutation(len(edges))]
    actors = pd.DataFrame({
        "id": ids, "name": [f"Akteur {i} ({t})" for i, t in zip(range(n_actors), types, strict=True)],
        "type": types, "volunteers": rng.integers(0, 80, size=n_actors),
    })
    ties = pd.DataFrame({
        "source": ids[edges[:, 0]], "target": ids[edges[:, 1]],
        "weight": rng.integers(1, 6, size=len(edges)).astype(float),
        "kind": rng.choice(KINDS, size=len(edges)),
    })
    actors.index += 1
    ties.index += 1
    return Alliance.from_frames(actors, ties, directed=False,
                                meta={"name": f"Benchmark {n_actors}", "land": "Hessen"})


def workbook_bytes(alliance: Alliance, *, write_only: bool = False) -> bytes:
    """The alliance as an .xlsx built with openpyxl.

    By default as Excel and LibreOffice save a workbook, with each sheet's ``<dimension>``;
    ``write_only`` workbooks (openpyxl's streaming mode, which netz's own export uses) have none,
    and openpyxl's read-only reader then parses every sheet twice to find its size.
    """
    book = openpyxl.Workbook(write_only=write_only)
    if not write_only:
        book.remove(book.active)
    meta = book.create_sheet("alliance")
    meta.append(["key", "value"])
    meta.append(["name", alliance.name])
    meta.append(["directed", "false"])
    for name, frame in (("actors", alliance.actors), ("ties", alliance.ties)):
        sheet = book.create_sheet(name)
        sheet.append(list(frame.columns))
        for record in frame.itertuples(index=False):
            sheet.append([v.item() if hasattr(v, "item") else v for v in record])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


# ---------------------------------------------------------------- databases

@contextlib.contextmanager
def sqlite_database() -> Iterator[str]:
    folder = Path(tempfile.mkdtemp(prefix="netz-bench-"))
    try:
        yield f"sqlite:///{folder / 'bench.sqlite'}"
    finally:
        shutil.rmtree(folder, ignore_errors=True)


@contextlib.contextmanager
def postgres_database(admin_url: str) -> Iterator[str]:
    """A fresh database next to ``admin_url``'s, dropped afterwards."""
    import psycopg
    from sqlalchemy.engine import make_url

    url = make_url(admin_url)
    name = f"netz_bench_{uuid.uuid4().hex[:10]}"
    conninfo = dict(host=url.host or "127.0.0.1", port=url.port or 5432, user=url.username or "postgres",
                    password=url.password or None, dbname=url.database or "postgres")
    with psycopg.connect(**conninfo, autocommit=True, connect_timeout=5) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    try:
        yield url.set(database=name).render_as_string(hide_password=False)
    finally:
        with psycopg.connect(**conninfo, autocommit=True, connect_timeout=5) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def postgres_answers(admin_url: str) -> bool:
    try:
        with postgres_database(admin_url):
            return True
    except Exception as error:  # any failure means: skip PostgreSQL
        print(f"  (PostgreSQL not used: {type(error).__name__}: {str(error).strip()[:120]})")
        return False


# ---------------------------------------------------------------- server

def tree_cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process and all its descendants so far (Linux /proc)."""
    tick = os.sysconf("SC_CLK_TCK")
    stats: dict[int, tuple[int, float]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            stats[int(entry.name)] = (int(fields[1]), (int(fields[11]) + int(fields[12])) / tick)
    total, todo = 0.0, [pid]
    while todo:
        current = todo.pop()
        total += stats.get(current, (0, 0.0))[1]
        todo += [child for child, (parent, _) in stats.items() if parent == current]
    return total


#: ``uvicorn --workers N`` binds its listening socket with ``proto`` 0, so asyncio does not set
#: TCP_NODELAY on the accepted connections, and every keep-alive response after the first waits
#: ~40 ms for the client's delayed ACK (Kludex/uvicorn#3149, open in uvicorn 0.54). This starts
#: the same supervisor with a socket bound as TCP; ``--plain-uvicorn`` uses the CLI as it is.
LAUNCHER = """
import socket, sys, uvicorn
from uvicorn.supervisors import Multiprocess
from api.config import Settings
host, port, workers = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
config = uvicorn.Config("api.main:create_app", factory=True, host=host, port=port, workers=workers,
                        access_log=False, log_level="warning",
                        timeout_keep_alive=Settings().keep_alive_seconds)  # as netz serve
if workers == 1:
    uvicorn.Server(config).run()
else:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    sock.bind((host, port))
    sock.set_inheritable(True)
    Multiprocess(config, sockets=[sock]).run()
"""


@contextlib.contextmanager
def server(database_url: str, workers: int, *, plain: bool = False,
           port: int = 0) -> Iterator[tuple[str, int]]:
    port = port or free_port()
    env = server_environment(database_url)
    if plain:
        command = [sys.executable, "-m", "uvicorn", "--factory", "api.main:create_app", "--host",
                   "127.0.0.1", "--port", str(port), "--workers", str(workers), "--no-access-log",
                   "--log-level", "warning", "--timeout-keep-alive", str(Settings().keep_alive_seconds)]
    else:
        command = [sys.executable, "-c", LAUNCHER, "127.0.0.1", str(port), str(workers)]
    base = f"http://127.0.0.1:{port}"
    with tempfile.TemporaryFile() as log:
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
        try:
            deadline = time.monotonic() + 60
            while True:
                if process.poll() is not None:
                    log.seek(0)
                    raise RuntimeError(f"uvicorn exited:\n{log.read().decode(errors='replace')}")
                with contextlib.suppress(httpx.HTTPError):
                    if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                        break
                if time.monotonic() > deadline:
                    raise RuntimeError("uvicorn did not answer within 60 s")
                time.sleep(0.2)
            time.sleep(1.0 if workers > 1 else 0.2)  # let every worker finish starting
            yield base, process.pid
        finally:
            stop(process)


# ---------------------------------------------------------------- load

@dataclass
class Load:
    """What one endpoint got in one or more runs: counts and a latency histogram (µs -> count)."""

    requests: int = 0
    seconds: float = 0.0
    bytes: int = 0
    errors: int = 0
    cpu_seconds: float = 0.0  # of the server, all workers
    histogram: Counter[int] = field(default_factory=Counter)

    def add(self, other: Load) -> None:
        self.requests += other.requests
        self.seconds += other.seconds
        self.bytes += other.bytes
        self.errors += other.errors
        self.cpu_seconds += other.cpu_seconds
        self.histogram.update(other.histogram)

    @property
    def rps(self) -> float:
        return self.requests / self.seconds

    def percentile_ms(self, q: float) -> float:
        values = sorted(self.histogram)
        counts = np.cumsum([self.histogram[v] for v in values])
        return values[int(np.searchsorted(counts, q / 100 * counts[-1]))] / 1e3

    @property
    def max_ms(self) -> float:
        return max(self.histogram) / 1e3

    @property
    def cpu_ms(self) -> float:
        return self.cpu_seconds * 1e3 / max(self.requests, 1)

    @property
    def kib_per_response(self) -> float:
        return self.bytes / max(self.requests, 1) / 1024


def load_wrk(url: str, headers: dict[str, str], connections: int, seconds: int, threads: int,
             script: Path) -> Load:
    command = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--timeout", "5s",
               "-s", str(script)]
    for name, value in headers.items():
        command += ["-H", f"{name}: {value}"]
    output = subprocess.run([*command, url], capture_output=True, text=True, check=True).stdout
    lines = {x.split(" ", 1)[0]: x.split(" ", 1)[1] for x in output.splitlines()
             if x.startswith(("WRKJSON ", "WRKHIST "))}
    r = json.loads(lines["WRKJSON"])
    histogram: Counter[int] = Counter()
    for pair in filter(None, lines["WRKHIST"].strip().split(",")):
        value, count = pair.split(":")
        histogram[int(value)] += int(count)
    return Load(requests=r["requests"], seconds=r["duration_us"] / 1e6, bytes=r["bytes"],
                errors=r["errors"], histogram=histogram)


def load_httpx(url: str, headers: dict[str, str], connections: int, seconds: float) -> Load:
    """Closed loop: ``connections`` clients, each sending its next request when the last is answered."""

    async def run() -> Load:
        result = Load()
        limits = httpx.Limits(max_connections=connections, max_keepalive_connections=connections)
        async with httpx.AsyncClient(headers=headers, limits=limits, timeout=5) as client:
            start = time.perf_counter()
            stop = start + seconds

            async def client_loop() -> None:
                while time.perf_counter() < stop:
                    t0 = time.perf_counter()
                    try:
                        response = await client.get(url)
                        result.bytes += len(response.content)
                        result.errors += response.status_code != 200
                    except httpx.HTTPError:
                        result.errors += 1
                    result.requests += 1
                    result.histogram[round((time.perf_counter() - t0) * 1e6)] += 1

            await asyncio.gather(*(client_loop() for _ in range(connections)))
            result.seconds = time.perf_counter() - start
        return result

    return asyncio.run(run())


# ---------------------------------------------------------------- one database

def _installed(module: str) -> str:
    """The module's name if uvicorn's "auto" would pick it up in this environment, else ''."""
    return module if importlib.util.find_spec(module) is not None else ""


def bench_database(label: str, database_url: str, args: argparse.Namespace, wrk_script: Path | None,
                   results: dict[str, dict[str, float]]) -> None:
    print(f"\n=== {label}: uvicorn --workers {args.workers} "
          f"({'plain CLI' if args.plain_uvicorn else 'listening socket bound as TCP'}; "
          f"http {_installed('httptools') or 'h11'}, loop {_installed('uvloop') or 'asyncio'}), "
          f"{args.connections} concurrent clients from {'wrk' if wrk_script else 'httpx'}, "
          f"{args.rounds} rounds of {args.duration} s per endpoint taking turns; "
          f"load average before: {os.getloadavg()[0]:.1f}")
    t0 = time.perf_counter()
    alliance = random_alliance(200, 1_000, SEED)
    db = Database(database_url)
    db.migrate()
    with db.sessions() as session:
        row = save(session, alliance)
        session.commit()
        alliance_id = row.id
        admin = create_key(session, "admin", label="bench")
        coordinator = create_key(session, "coordinator", alliances=[alliance_id], label="bench")
    db.engine.dispose()
    print(f"  stored alliance {alliance_id}: {alliance.n_actors} actors, {alliance.n_ties} ties, "
          f"types {alliance.actors['type'].value_counts().to_dict()}  ({time.perf_counter() - t0:.1f} s)")

    big = random_alliance(1_000, 10_000, SEED + 1)
    xlsx = workbook_bytes(big)
    xlsx_streamed = workbook_bytes(big, write_only=True)
    print(f"  built import workbook: {big.n_actors} actors, {big.n_ties} ties, {len(xlsx) / 1024:.0f} KiB")

    with server(database_url, args.workers, plain=args.plain_uvicorn, port=args.port) as (base, server_pid):
        report_url = f"{base}/api/v1/alliances/{alliance_id}/report"
        auth = {"Authorization": f"Bearer {admin}"}
        coord_auth = {"Authorization": f"Bearer {coordinator}"}
        t = time.perf_counter()
        first = httpx.get(report_url, headers=auth, timeout=120)
        first.raise_for_status()
        print(f"  first report (computed and cached): {time.perf_counter() - t:.2f} s, "
              f"{len(first.content) / 1024:.0f} KiB")
        t = time.perf_counter()
        again = httpx.get(report_url, headers=coord_auth, timeout=120)
        again.raise_for_status()
        assert again.content == first.content, "coordinator and admin see the same full report"
        assert httpx.get(report_url, headers={"Authorization": "Bearer netz_x_y"}).status_code == 401

        def drive(url: str, headers: dict[str, str], seconds: int) -> Load:
            cpu = tree_cpu_seconds(server_pid)
            if wrk_script is not None:
                result = load_wrk(url, headers, args.connections, seconds, args.wrk_threads, wrk_script)
            else:
                result = load_httpx(url, headers, args.connections, seconds)
            result.cpu_seconds = tree_cpu_seconds(server_pid) - cpu
            return result

        runs = [("GET /healthz", f"{base}/healthz", {}),
                ("GET report (admin key)", report_url, auth),
                ("GET report (coordinator key)", report_url, coord_auth),
                ("GET report (admin, gzip)", report_url, {**auth, "Accept-Encoding": "gzip"})]
        for _, url, headers in runs:
            drive(url, headers, args.warmup)  # warm up: connections, pools, caches
        # Side by side: the endpoints take turns, so that a change in the machine's load
        # (it is shared) falls on all of them alike.
        loads = {name: Load() for name, _, _ in runs}
        for _ in range(args.rounds):
            for name, url, headers in runs:
                loads[name].add(drive(url, headers, args.duration))
        print(f"\n  {'endpoint':<30} {'req/s':>9} {'p50 ms':>8} {'p99 ms':>8} {'max ms':>8} "
              f"{'requests':>9} {'errors':>7} {'KiB/resp':>9} {'CPU ms/req':>11}")
        for name, r in loads.items():
            print(f"  {name:<30} {r.rps:9.0f} {r.percentile_ms(50):8.1f} {r.percentile_ms(99):8.1f} "
                  f"{r.max_ms:8.1f} {r.requests:9d} {r.errors:7d} {r.kib_per_response:9.1f} "
                  f"{r.cpu_ms:11.2f}")
        health = loads["GET /healthz"]
        report = loads["GET report (admin key)"]
        coord = loads["GET report (coordinator key)"]
        packed = loads["GET report (admin, gzip)"]
        print(f"\n  ratios (report / healthz throughput; target >= 0.50); "
              f"load average after: {os.getloadavg()[0]:.1f}")
        print(f"    admin key        {report.rps / health.rps:6.2f}   p99 {report.percentile_ms(99):5.1f} ms "
              f"(target <= 50; healthz p99 {health.percentile_ms(99):.1f} ms)")
        print(f"    coordinator key  {coord.rps / health.rps:6.2f}   p99 {coord.percentile_ms(99):5.1f} ms")
        print(f"    admin key, gzip  {packed.rps / health.rps:6.2f}   p99 {packed.percentile_ms(99):5.1f} ms "
              f"(information only)")

        def post_workbook(content: bytes) -> tuple[float, int]:
            t = time.perf_counter()
            # the same workbook each time: a second alliance of its name on purpose
            response = httpx.post(f"{base}/api/v1/alliances/import", headers=auth, timeout=120,
                                  params={"duplicate_name": True},
                                  files={"file": ("gross.xlsx", content, "application/vnd.openxmlformats-"
                                                                         "officedocument.spreadsheetml.sheet")})
            seconds = time.perf_counter() - t
            if response.status_code != 201:
                raise RuntimeError(f"import failed: {response.status_code} {response.text[:500]}")
            body = response.json()
            assert body["n_ties"] == big.n_ties and body["n_actors"] == big.n_actors, body
            return seconds, body["id"]

        print(f"\n  POST /api/v1/alliances/import of {big.n_ties:,} ties ({big.n_actors:,} actors), "
              f"{len(xlsx) / 1024:.0f} KiB .xlsx, end to end:")
        times = []
        for i in range(args.imports):
            seconds, new_id = post_workbook(xlsx)
            times.append(seconds)
            print(f"    run {i + 1}: {seconds:.2f} s (alliance {new_id})")
        median = statistics.median(times)
        print(f"    median {median:.2f} s (target <= 2.00)")
        seconds, _ = post_workbook(xlsx_streamed)
        print(f"    the same from openpyxl's write-only mode (no <dimension>, as netz's export): "
              f"{seconds:.2f} s")
    results[label] = {"ratio": report.rps / health.rps, "p99": report.percentile_ms(99),
                      "health_p99": health.percentile_ms(99), "coord_ratio": coord.rps / health.rps,
                      "coord_p99": coord.percentile_ms(99), "import": median,
                      "health_p50": health.percentile_ms(50), "p50": report.percentile_ms(50),
                      "load": os.getloadavg()[0]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--workers", type=int, default=2, help="uvicorn worker processes (default 2)")
    parser.add_argument("--connections", type=int, default=50)
    parser.add_argument("--duration", type=int, default=4, help="seconds per endpoint and round")
    parser.add_argument("--rounds", type=int, default=3, help="turns the endpoints take (default 3)")
    parser.add_argument("--warmup", type=int, default=1, help="seconds of warm-up per endpoint")
    parser.add_argument("--imports", type=int, default=3)
    parser.add_argument("--database", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--pg-url", default="postgresql+psycopg://postgres@127.0.0.1:5432/postgres",
                        help="a database to connect to for creating and dropping a fresh one")
    parser.add_argument("--load", choices=["wrk", "httpx"], default="wrk" if shutil.which("wrk") else "httpx")
    parser.add_argument("--wrk-threads", type=int, default=1)
    parser.add_argument("--port", type=int, default=0, help="the service's port (default: a free one)")
    parser.add_argument("--plain-uvicorn", action="store_true",
                        help="start 'uvicorn --workers N' as it is "
                             "(with Kludex/uvicorn#3149's ~40 ms stalls)")
    args = parser.parse_args()

    print(f"netz service benchmark (CPUs visible: {os.cpu_count()}, seed {SEED}, "
          f"python {sys.version.split()[0]})")
    print("reproduce: .venv/bin/python benchmarks/bench_service.py " + " ".join(sys.argv[1:]))
    results: dict[str, dict[str, float]] = {}
    with tempfile.TemporaryDirectory(prefix="netz-bench-wrk-") as folder:
        script = None
        if args.load == "wrk":
            script = Path(folder) / "report.lua"
            script.write_text(WRK_LUA)
        if args.database in ("sqlite", "both"):
            with sqlite_database() as url:
                bench_database("SQLite", url, args, script, results)
        if args.database in ("postgres", "both") and postgres_answers(args.pg_url):
            with postgres_database(args.pg_url) as url:
                bench_database("PostgreSQL", url, args, script, results)

    print("\n=== summary (targets: report/healthz >= 0.50, report p99 <= 50 ms, import <= 2.00 s)")
    def verdict(ok: bool) -> str:
        return "met" if ok else "MISSED"

    for label, r in results.items():
        print(f"  {label:<11} report/healthz throughput {r['ratio']:.2f}: {verdict(r['ratio'] >= 0.5)}; "
              f"report p99 {r['p99']:.1f} ms: {verdict(r['p99'] <= 50)} "
              f"(p50 {r['p50']:.1f} ms; healthz p50 {r['health_p50']:.1f}, p99 {r['health_p99']:.1f} ms; "
              f"coordinator key {r['coord_ratio']:.2f}, p99 {r['coord_p99']:.1f} ms; "
              f"load average {r['load']:.1f})")
        print(f"  {'':<11} import of 10,000 ties {r['import']:.2f} s: {verdict(r['import'] <= 2)}")


if __name__ == "__main__":
    main()
