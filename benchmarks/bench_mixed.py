"""The read endpoints under mixed load with imports, on SQLite and PostgreSQL (issue 12's target).

Run from the repository root (``wrk`` from Debian: ``apt-get install -y wrk``):

    .venv/bin/python benchmarks/bench_mixed.py   [--seconds 20 --clients 50 --import-every 3
                                                   --database sqlite|postgres|both --workers 2]

For each database, stores a seeded 200-actor / 1,000-tie alliance (as ``bench_service.py``) and
an admin key, starts ``uvicorn`` with two workers, fills the report's cache, then for ``--seconds``
drives the issue's mix with ``--clients`` keep-alive clients from three ``wrk`` processes at
once — ``GET …/report`` (half of the clients), ``GET …/actors`` and ``GET …/gaps`` (a quarter
each) — while one more client imports a 300-actor / 2,000-tie node-link file every
``--import-every`` seconds (each import is a new alliance: the readers' alliance keeps its cached
report, as an alliance does while others are imported). Prints per endpoint requests/s, p50/p99/
max latency and errors, the imports' times, and the load average.

The target (issue 12): p99 <= 100 ms for every read endpoint under this mix. A script, not a test:
the latencies depend on the machine and its load; the clients (``wrk``) share the cores with the
server here.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from api.db import Database  # noqa: E402
from api.security import create_key  # noqa: E402
from api.store import save  # noqa: E402
from benchmarks.bench_service import (  # noqa: E402
    SEED,
    WRK_LUA,
    Load,
    load_wrk,
    postgres_answers,
    postgres_database,
    random_alliance,
    server,
    sqlite_database,
)
from benchmarks.common import machine  # noqa: E402
from netz.core.io.graphfiles import write_node_link  # noqa: E402

#: The issue's mix: (endpoint, share of the clients).
MIX = (("report", 0.50), ("actors", 0.25), ("gaps", 0.25))
TARGET_P99_MS = 100.0


def import_every(base: str, headers: dict[str, str], body: bytes, every: float, until: float,
                 times: list[float], errors: list[str]) -> None:
    """Import ``body`` as a new alliance every ``every`` seconds until ``until``."""
    with httpx.Client(base_url=base, headers=headers, timeout=60) as client:
        next_at = time.monotonic()
        while next_at < until:
            time.sleep(max(0.0, next_at - time.monotonic()))
            started = time.perf_counter()
            response = client.post("/api/v1/alliances/import", params={"duplicate_name": True},
                                   files={"file": ("neu.json", body, "application/json")})
            times.append(time.perf_counter() - started)
            if response.status_code != 201:
                errors.append(f"{response.status_code} {response.text[:200]}")
            next_at += every


def bench(label: str, database_url: str, args: argparse.Namespace, script: Path, body: bytes) -> bool:
    db = Database(database_url)
    db.migrate()
    with db.sessions() as session:
        alliance = save(session, random_alliance(200, 1_000, SEED)).id
        session.commit()
        key = create_key(session, "admin", label="bench")
    db.engine.dispose()
    headers = {"Authorization": f"Bearer {key}"}
    with server(database_url, args.workers) as (base, _):
        for what, _ in MIX:  # the cache fill, in every worker's memory soon after
            url = f"{base}/api/v1/alliances/{alliance}/{what}"
            httpx.get(url, headers=headers, timeout=120).raise_for_status()
        load_before = os.getloadavg()[0]
        loads: dict[str, Load] = {}
        times: list[float] = []
        errors: list[str] = []
        until = time.monotonic() + args.seconds
        importer = threading.Thread(target=import_every,
                                    args=(base, headers, body, args.import_every, until, times, errors))

        def drive(what: str, connections: int) -> None:
            loads[what] = load_wrk(f"{base}/api/v1/alliances/{alliance}/{what}", headers, connections,
                                   args.seconds, 1, script)

        readers = [threading.Thread(target=drive, args=(what, max(1, round(share * args.clients))))
                   for what, share in MIX]
        for thread in (*readers, importer):
            thread.start()
        for thread in (*readers, importer):
            thread.join()
    print(f"\n=== {label}: {args.workers} uvicorn workers, {args.clients} clients from wrk for "
          f"{args.seconds} s, an import every {args.import_every:g} s; load average before "
          f"{load_before:.1f}, after {os.getloadavg()[0]:.1f}")
    print(f"  {'endpoint':<10} {'share':>6} {'req/s':>7} {'p50 ms':>8} {'p99 ms':>8} {'max ms':>8} "
          f"{'errors':>7}")
    met = True
    for what, share in MIX:
        r = loads[what]
        met &= r.percentile_ms(99) <= TARGET_P99_MS and r.errors == 0
        print(f"  {what:<10} {share:6.0%} {r.rps:7.0f} {r.percentile_ms(50):8.1f} {r.percentile_ms(99):8.1f} "
              f"{r.max_ms:8.1f} {r.errors:7d}")
    ordered = sorted(times)
    print(f"  imports: {len(times)} answered, {len(errors)} failed; "
          f"median {ordered[len(ordered) // 2]:.2f} s, slowest {ordered[-1]:.2f} s"
          + (f"; first failure: {errors[0]}" if errors else ""))
    print(f"  every read endpoint p99 <= {TARGET_P99_MS:.0f} ms, no error: {'met' if met else 'MISSED'}")
    return met


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=20)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--import-every", type=float, default=3.0)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--database", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--pg-url", default="postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
    args = parser.parse_args()
    print(machine())
    print("reproduce: .venv/bin/python benchmarks/bench_mixed.py " + " ".join(sys.argv[1:]))
    with tempfile.TemporaryDirectory(prefix="netz-bench-mixed-") as folder:
        script = Path(folder) / "report.lua"
        script.write_text(WRK_LUA)
        path = Path(folder) / "import.json"
        write_node_link(random_alliance(300, 2_000, SEED + 1), path)
        body = path.read_bytes()
        if args.database in ("sqlite", "both"):
            with sqlite_database() as url:
                bench("SQLite", url, args, script, body)
        if args.database in ("postgres", "both") and postgres_answers(args.pg_url):
            with postgres_database(args.pg_url) as url:
                bench("PostgreSQL", url, args, script, body)


if __name__ == "__main__":
    main()
