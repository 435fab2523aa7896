"""The programme overview of 500 alliances with 3 waves each: computed from nothing, then served
from the cache.

1. The 500-alliance demo cohort (``netz.cohort.synthetic.demo_specs(500)``), every alliance given three waves,
   stored in a new SQLite database (and PostgreSQL at ``--postgres URL`` when it answers).
2. Each alliance's summary (:func:`netz.cohort.programme.alliance_summary`, 50 null samples of the
   latest wave, as ``api.routes.programme`` asks) computed from nothing on the executor the
   service's job uses (:func:`netz.cohort.batch.open_executor`: all local workers, or
   ``--scheduler``), with progress, and stored in the report cache under the key the service uses
   (what its job would store).
3. ``GET /api/v1/programme`` (all 500 rows, support, per-wave trends), the same with a filter,
   ``…/overview.xlsx`` and ``…/charts/{id}`` from the cache, with a funder key, in process
   (FastAPI's TestClient: no network), median of ``--repeats``.

    .venv/bin/python benchmarks/bench_programme.py [--count 500] [--scheduler processes:N] [--repeats 7]
"""

from __future__ import annotations

import argparse
import dataclasses
import functools
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

from fastapi.testclient import TestClient

sys.path.insert(0, str(Path(__file__).parent))
from common import machine

from api.config import Settings
from api.main import create_app
from api.models import ReportCache
from api.routes.compare import _cache_key
from api.routes.programme import NULL_SAMPLES, _options
from api.security import create_key
from api.store import save
from netz.cohort.batch import each, open_executor
from netz.cohort.programme import alliance_summary
from netz.cohort.synthetic import demo_specs, generate_alliance
from netz.core.model import Alliance

WAVES = ("2016", "2017", "2018")


def cohort(count: int) -> list[Alliance]:
    specs = [dataclasses.replace(spec, waves=WAVES) for spec in demo_specs(count, seed=2016)]
    return [generate_alliance(spec) for spec in specs]


def fill(url: str, alliances: list[Alliance], summaries: list[dict]
         ) -> tuple[TestClient, dict[str, str], int]:
    app = create_app(Settings(database_url=url, rate_limits=False))
    settings = app.state.settings
    key = _cache_key("programme", _options(settings))
    with app.state.database.sessions() as session:
        for alliance, summary in zip(alliances, summaries, strict=True):
            row = save(session, alliance)
            session.flush()
            session.add(ReportCache(alliance_id=row.id, key=key, revision=row.revision,
                                    body=json.dumps(summary, ensure_ascii=False, allow_nan=False)))
        session.commit()
        funder = create_key(session, "funder")
        first = row.id - len(alliances) + 1
    return TestClient(app), {"Authorization": f"Bearer {funder}"}, first


def timed(client: TestClient, headers: dict[str, str], path: str, repeats: int) -> tuple[float, int, int]:
    times = []
    for _ in range(repeats + 1):
        start = time.perf_counter()
        response = client.get(path, headers=headers)
        times.append(time.perf_counter() - start)
        assert response.status_code == 200, (path, response.status_code, response.text[:300])
    return statistics.median(times[1:]), len(response.content), response.status_code


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=500)
    parser.add_argument("--scheduler", default=None,
                        help="as netz batch --scheduler (default: NETZ_SCHEDULER, else one process per CPU)")
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument("--postgres", default="postgresql+psycopg://postgres@127.0.0.1:5432/bench_programme")
    args = parser.parse_args()
    print(machine())
    start = time.perf_counter()
    alliances = cohort(args.count)
    waves = sum(len(a.waves) for a in alliances)
    print(f"{len(alliances)} alliances, {waves} waves, {sum(a.n_actors for a in alliances):,} actors, "
          f"{sum(len(a.ties) for a in alliances):,} ties; generated in {time.perf_counter() - start:.1f} s")
    start = time.perf_counter()
    with open_executor(args.scheduler) as pool:
        summaries = each(functools.partial(alliance_summary, null_samples=NULL_SAMPLES, seed=0), alliances,
                         executor=pool.executor, cost=lambda a: a.n_actors * len(a.ties), progress=True,
                         desc="summaries")
        workers = pool.workers
    computed = time.perf_counter() - start
    print(f"summaries from nothing on {workers} worker(s): {computed:.1f} s "
          f"({1000 * computed / len(alliances):.0f} ms per alliance)")
    problem = [bool(a.meta.get("problem")) for a in alliances]
    flagged = [bool(s["support"]) for s in summaries]
    caught = sum(f and p for f, p in zip(flagged, problem, strict=True))
    false = sum(f and not p for f, p in zip(flagged, problem, strict=True))
    print(f"{sum(flagged)} alliances flagged for support: {caught} of the {sum(problem)} generated with a "
          f"problem, {false} of the {len(problem) - sum(problem)} healthy ones")
    databases = {"SQLite": f"sqlite:///{tempfile.mkdtemp()}/netz.sqlite"}
    try:
        import psycopg

        with psycopg.connect("host=127.0.0.1 user=postgres dbname=test", autocommit=True) as conn:
            conn.execute("DROP DATABASE IF EXISTS bench_programme")
            conn.execute("CREATE DATABASE bench_programme")
        databases["PostgreSQL"] = args.postgres
    except Exception as error:  # no PostgreSQL here: SQLite only
        print(f"PostgreSQL skipped: {error}")
    print("| database | request | median | body |")
    print("| --- | --- | ---: | ---: |")
    for name, url in databases.items():
        client, headers, first = fill(url, alliances, summaries)
        with client:
            for path in ("/api/v1/programme", "/api/v1/programme?land=hessen&size_class=small",
                         "/api/v1/programme/overview.xlsx", f"/api/v1/programme/charts/{first}"):
                seconds, size, _ = timed(client, headers, path, args.repeats)
                print(f"| {name} | `GET {path}` | {1000 * seconds:.0f} ms | {size / 1024:.0f} KiB |")


if __name__ == "__main__":
    main()
