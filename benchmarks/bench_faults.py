"""Mixed load on two uvicorn workers on SQLite, with imports, and one worker killed mid-run.

Run from the repository root:

    .venv/bin/python benchmarks/bench_faults.py   [--clients 20 --duration 30 --import-every 3]

Stores a seeded 200-actor / 1,000-tie alliance and an admin key in a temporary SQLite file and
starts ``uvicorn --workers 2 --factory api.main:create_app`` on it. Then, for ``--duration``
seconds, ``--clients`` keep-alive clients send mixed reads of that alliance (report 50 %, actors
25 %, gaps 25 %) while one more client imports a 300-actor / 2,000-tie node-link file every
``--import-every`` seconds. Half-way through, the worker holding the most client connections gets
SIGKILL (uvicorn's supervisor starts another). Prints, per endpoint, the requests answered, the
errors (transport errors: requests in flight in the killed worker; HTTP statuses other than
200/201) and p50/p99 latency, the load average before and after, and checks the database
afterwards: every stored alliance has exactly the actors and ties it says it has, no row belongs
to no alliance, and there are as many alliances as imports answered 201 (plus the first), or one
more if the killed worker had committed an import it could not answer.

A script, not a test: the latencies depend on the machine and its load (the figures say which).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import random
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from collections.abc import Awaitable, Iterator
from pathlib import Path

import httpx
import psutil

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlalchemy import text  # noqa: E402

from api.db import Database  # noqa: E402
from api.security import create_key  # noqa: E402
from api.store import save  # noqa: E402
from benchmarks.common import free_port, random_alliance, server_environment, stop  # noqa: E402
from netz.core.io.graphfiles import write_node_link  # noqa: E402

SEED = 20261205
#: The reads, with their shares of the requests.
READS = {"report": 0.5, "actors": 0.25, "gaps": 0.25}


@contextlib.contextmanager
def uvicorn(database_url: str, workers: int) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    """``uvicorn --workers N`` on a free port, until it answers ``/healthz`` from every worker."""
    port = free_port()
    env = server_environment(database_url)
    command = [sys.executable, "-m", "uvicorn", "--factory", "api.main:create_app", "--host", "127.0.0.1",
               "--port", str(port), "--workers", str(workers), "--no-access-log", "--log-level", "warning"]
    process = subprocess.Popen(command, cwd=ROOT, env=env)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while len(worker_pids(process.pid)) < workers or not answers(base):
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("uvicorn did not start")
            time.sleep(0.2)
        yield base, process
    finally:
        stop(process)


def worker_pids(supervisor: int) -> list[int]:
    """uvicorn's worker processes (not multiprocessing's resource tracker, also a child)."""
    return [child.pid for child in psutil.Process(supervisor).children()
            if any("spawn_main" in part for part in child.cmdline())]


def answers(base: str) -> bool:
    try:
        return httpx.get(f"{base}/healthz", timeout=1).status_code == 200
    except httpx.HTTPError:
        return False


class Tally:
    """Latencies and errors per endpoint."""

    def __init__(self) -> None:
        self.seconds: dict[str, list[float]] = defaultdict(list)
        self.errors: dict[str, Counter[str]] = defaultdict(Counter)

    async def call(self, name: str, request: Awaitable[httpx.Response]) -> httpx.Response | None:
        started = time.perf_counter()
        try:
            response = await request
        except httpx.HTTPError as error:
            self.errors[name][type(error).__name__] += 1
            return None
        self.seconds[name].append(time.perf_counter() - started)
        if response.status_code not in (200, 201):
            self.errors[name][str(response.status_code)] += 1
        return response


async def reader(client: httpx.AsyncClient, alliance: int, tally: Tally, until: float,
                 rng: random.Random) -> None:
    paths = {"report": f"/api/v1/alliances/{alliance}/report",
             "actors": f"/api/v1/alliances/{alliance}/actors",
             "gaps": f"/api/v1/alliances/{alliance}/gaps"}
    names, weights = list(READS), list(READS.values())
    while time.monotonic() < until:
        name = rng.choices(names, weights)[0]
        await tally.call(name, client.get(paths[name]))


async def importer(client: httpx.AsyncClient, body: bytes, every: float, tally: Tally, until: float) -> int:
    created = 0
    while time.monotonic() < until:
        started = time.monotonic()
        response = await tally.call("import", client.post(
            "/api/v1/alliances/import", params={"duplicate_name": True},  # the same file again and again
            files={"file": ("last.json", body, "application/json")}))
        created += response is not None and response.status_code == 201
        await asyncio.sleep(max(0.0, every - (time.monotonic() - started)))
    return created


async def killer(supervisor: int, at: float) -> str:
    await asyncio.sleep(at)
    held = {pid: established(pid) for pid in worker_pids(supervisor)}
    victim = max(held, key=held.__getitem__)  # the worker with the most clients: the worst case
    os.kill(victim, signal.SIGKILL)
    return (f"SIGKILL after {at:.0f} s to the worker holding {held[victim]} client connections "
            f"(connections per worker: {sorted(held.values(), reverse=True)})")


def established(pid: int) -> int:
    """How many TCP connections the process has open (its clients' keep-alive connections)."""
    return sum(c.status == psutil.CONN_ESTABLISHED for c in psutil.Process(pid).net_connections("tcp"))


async def run_load(base: str, key: str, alliance: int, body: bytes, args: argparse.Namespace,
                   supervisor: int) -> tuple[Tally, int, str]:
    tally = Tally()
    until = time.monotonic() + args.duration
    limits = httpx.Limits(max_connections=args.clients + 1)
    async with httpx.AsyncClient(base_url=base, headers={"Authorization": f"Bearer {key}"}, timeout=60,
                                 limits=limits) as client:
        rngs = [random.Random(SEED + i) for i in range(args.clients)]
        imports = asyncio.create_task(importer(client, body, args.import_every, tally, until))
        kill = asyncio.create_task(killer(supervisor, args.duration / 2))
        await asyncio.gather(*(reader(client, alliance, tally, until, rng) for rng in rngs))
        return tally, await imports, await kill


def percentile(values: list[float], q: int) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1] if len(values) > 1 else float("nan")


def check(database_url: str) -> tuple[int, list[str]]:
    """The alliances stored, and any whose stored actors or ties differ from its counts."""
    db = Database(database_url)
    try:
        with db.engine.connect() as connection:
            rows = connection.execute(text(
                "SELECT a.id, a.n_actors, a.n_ties, "
                "(SELECT count(*) FROM actors WHERE alliance_id = a.id), "
                "(SELECT count(*) FROM ties WHERE alliance_id = a.id) FROM alliances a")).all()
            orphans = connection.execute(text(
                "SELECT (SELECT count(*) FROM actors WHERE alliance_id NOT IN (SELECT id FROM alliances))"
                " + (SELECT count(*) FROM ties WHERE alliance_id NOT IN (SELECT id FROM alliances))"
            )).scalar_one()
    finally:
        db.engine.dispose()
    bad = [f"alliance {r[0]}: {r[3]}/{r[1]} actors, {r[4]}/{r[2]} ties"
           for r in rows if (r[1], r[2]) != (r[3], r[4])]
    if orphans:
        bad.append(f"{orphans} actor/tie rows of no alliance")
    return len(rows), bad


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--duration", type=float, default=30.0)
    parser.add_argument("--import-every", type=float, default=3.0)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="netz-faults-") as folder:
        database_url = f"sqlite:///{Path(folder) / 'netz.sqlite'}"
        db = Database(database_url)
        db.migrate()
        with db.sessions() as session:
            alliance = save(session, random_alliance(200, 1_000, directed=False, weighted=True, seed=SEED)).id
            session.commit()
            key = create_key(session, "admin", label="bench")
        db.engine.dispose()
        path = Path(folder) / "import.json"
        write_node_link(random_alliance(300, 2_000, directed=False, weighted=True, seed=SEED + 1), path)
        body = path.read_bytes()
        load_before = os.getloadavg()
        with uvicorn(database_url, 2) as (base, process):
            httpx.get(f"{base}/api/v1/alliances/{alliance}/report",
                      headers={"Authorization": f"Bearer {key}"}, timeout=60)  # the cache fill
            tally, created, killed = asyncio.run(run_load(base, key, alliance, body, args, process.pid))
            load_after = os.getloadavg()
            workers = len(worker_pids(process.pid))
            ready = httpx.get(f"{base}/readyz", timeout=10).status_code
        stored, bad = check(database_url)
    print(f"{args.clients} clients, {args.duration:.0f} s, an import every {args.import_every:.0f} s, "
          f"2 uvicorn workers on SQLite; {killed}")
    print(f"load average (1/5/15 min) before {load_before[0]:.2f}/{load_before[1]:.2f}/{load_before[2]:.2f}, "
          f"after {load_after[0]:.2f}/{load_after[1]:.2f}/{load_after[2]:.2f}; {os.cpu_count()} CPUs")
    print(f"{'endpoint':<8} {'ok':>6} {'errors':>7}  {'p50 ms':>8} {'p99 ms':>8}  error kinds")
    for name in (*READS, "import"):
        seconds, errors = tally.seconds[name], tally.errors[name]
        print(f"{name:<8} {len(seconds) - sum(v for k, v in errors.items() if k.isdigit()):>6} "
              f"{sum(errors.values()):>7}  {1000 * percentile(seconds, 50):>8.1f} "
              f"{1000 * percentile(seconds, 99):>8.1f}  {dict(errors) or '-'}")
    print(f"after the run: {workers} workers, /readyz {ready}; {stored} alliances stored for "
          f"{created} imports answered 201 (+1 stored before); "
          + ("every alliance whole, no orphan rows" if not bad else "INCONSISTENT: " + "; ".join(bad)))


if __name__ == "__main__":
    main()
