"""Partner surveys under load on PostgreSQL: 300 respondents saving at once, and closing a large survey.

Run from the repository root (PostgreSQL on 127.0.0.1:5432, user postgres):

    .venv/bin/python benchmarks/bench_survey.py [--respondents 300] [--saves 10] [--workers 2]
                                                 [--pg-url postgresql+psycopg://postgres@127.0.0.1:5432/postgres]

1. Stores a seeded random 300-actor alliance in a fresh PostgreSQL database, starts ``uvicorn``
   (two workers, no rate limits: every respondent comes from this one address), starts a survey
   and has every respondent, all at once (coroutines sharing ``--connections`` 50 HTTP
   connections: with one each, 300 at once, the service answered 503 here, its pool of 30
   PostgreSQL connections per worker not getting new ones within the connect timeout of 2 s on
   this loaded machine), consent and then save answers
   about ``--saves`` partners, each one ``PUT`` timed. A request the service refuses (503 when its
   database pool runs dry) is counted and not retried. Then compares the stored answers with the
   saves answered 200: each exactly once, nothing lost or duplicated. Prints p50/p99/max of the
   saves answered 200.
   Then one respondent saves ``--alone`` answers one after the other (no queue: a save's own cost).
2. Fills a second survey of the same 300 actors with 20,000 reported ties straight into the
   tables and times ``POST …/close`` (merge by ``union``, validation, storing the new wave, and
   the diff against the alliance's earlier wave of 1,000 ties), then the diff alone.

The issue's targets: p99 of a save <= 100 ms; closing <= 2 s. A script, not a test.
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import contextlib
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import numpy as np
from sqlalchemy import create_engine, insert, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from api.db import Database  # noqa: E402
from api.models import AnswerRow, RespondentRow, SurveyRow, utcnow  # noqa: E402
from api.security import create_key  # noqa: E402
from api.store import save  # noqa: E402
from benchmarks.common import free_port, machine, random_alliance, server_environment, stop  # noqa: E402
from netz.model import Alliance  # noqa: E402

SEED = 20261205
#: The wave of the alliance's ties before the surveys.
EARLIER = "2025"


@contextlib.contextmanager
def fresh_database(server_url: str) -> Iterator[str]:
    engine = create_engine(server_url, isolation_level="AUTOCOMMIT", poolclass=NullPool)
    name = f"netz_bench_survey_{uuid.uuid4().hex[:8]}"
    with engine.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(server_url).set(database=name).render_as_string(hide_password=False)
    finally:
        with engine.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        engine.dispose()


@contextlib.contextmanager
def server(database_url: str, workers: int, port: int | None) -> Iterator[str]:
    port = port or free_port()
    env = {**server_environment(database_url), "NETZ_RATE_LIMITS": "false"}
    command = [
        sys.executable,
        "-m",
        "uvicorn",
        "--factory",
        "api.main:create_app",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--workers",
        str(workers),
        "--no-access-log",
        "--log-level",
        "warning",
    ]
    base = f"http://127.0.0.1:{port}"
    with tempfile.TemporaryFile() as log:
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
        try:
            deadline = time.monotonic() + 60
            while True:
                if process.poll() is not None:
                    log.seek(0)
                    raise RuntimeError(log.read().decode(errors="replace"))
                with contextlib.suppress(httpx.HTTPError):
                    if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                        break
                if time.monotonic() > deadline:
                    raise RuntimeError("uvicorn did not answer within 60 s")
                time.sleep(0.2)
            time.sleep(1.0)
            yield base
        finally:
            stop(process)


async def respondent(
    client: httpx.AsyncClient, token: str, actor: str, partners: list[str], outcome: dict[str, list]
) -> None:
    """Consent, then save about each partner; a refused request (503 under a burst) is counted,
    not retried, and only the saves answered 200 are timed and expected in the database."""
    consented = await client.post(f"/api/v1/respond/{token}/consent")
    if consented.status_code != 200:
        outcome["refused"].append(("consent", consented.status_code))
        return
    for partner in partners:
        started = time.perf_counter()
        response = await client.put(
            f"/api/v1/respond/{token}/answers/{partner}",
            json={"kind": ["information"], "frequency": 2, "trust_reliability": 3},
        )
        if response.status_code == 200:
            outcome["times"].append(time.perf_counter() - started)
            outcome["saved"].append((actor, partner))
        else:
            outcome["refused"].append(("save", response.status_code))


async def everyone(
    base: str, links: list[dict[str, str]], saves: int, connections: int, rng: np.random.Generator
) -> dict[str, list]:
    ids = [link["actor"] for link in links]
    outcome: dict[str, list] = {"times": [], "saved": [], "refused": []}
    limits = httpx.Limits(max_connections=connections, max_keepalive_connections=connections)
    async with httpx.AsyncClient(base_url=base, timeout=60, limits=limits) as client:
        plans = []
        for link in links:
            others = [a for a in ids if a != link["actor"]]
            partners = [str(p) for p in rng.choice(others, size=saves, replace=False)]
            plans.append((link["link"].rsplit("/", 1)[1], link["actor"], partners))
        await asyncio.gather(
            *(respondent(client, token, actor, partners, outcome) for token, actor, partners in plans)
        )
    return outcome


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--respondents", type=int, default=300)
    parser.add_argument("--saves", type=int, default=10)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument(
        "--connections",
        type=int,
        default=50,
        help="HTTP connections the 300 respondents share (a save is timed from its send)",
    )
    parser.add_argument("--alone", type=int, default=200, help="saves of one respondent alone, afterwards")
    parser.add_argument("--reported", type=int, default=20_000)
    parser.add_argument("--port", type=int, default=None, help="the service's port (default: a free one)")
    parser.add_argument("--pg-url", default="postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
    args = parser.parse_args()
    rng = np.random.default_rng(SEED)
    print(machine())
    with fresh_database(args.pg_url) as url:
        database = Database(url)
        database.migrate()
        with database.sessions() as session:
            drawn = random_alliance(args.respondents, 1000, directed=False, weighted=False, seed=SEED)
            # the ties of an earlier wave, so that closing computes the diff against it
            alliance = Alliance.from_frames(drawn.actors, drawn.ties.assign(wave=EARLIER), directed=False)
            alliance_id = save(session, alliance).id
            session.commit()
            key = create_key(session, "admin")
        headers = {"Authorization": f"Bearer {key}"}
        with server(url, args.workers, args.port) as base:

            def start(wave: str) -> dict:
                response = httpx.post(
                    f"{base}/api/v1/alliances/{alliance_id}/surveys",
                    headers={**headers, "If-Match": "*"},
                    json={"wave": wave, "closes_at": "2099-01-01T00:00:00Z"},
                    timeout=60,
                )
                response.raise_for_status()
                return response.json()

            survey = start("load")
            started = time.perf_counter()
            outcome = asyncio.run(everyone(base, survey["links"], args.saves, args.connections, rng))
            wall = time.perf_counter() - started
            with database.sessions() as session:
                stored = session.execute(
                    select(RespondentRow.actor_id, AnswerRow.partner)
                    .join(AnswerRow, AnswerRow.respondent_id == RespondentRow.id)
                    .where(RespondentRow.survey_id == survey["id"])
                ).all()
            saved = set(outcome["saved"])
            refused = collections.Counter(outcome["refused"])
            ms = sorted(t * 1000 for t in outcome["times"])
            print(
                f"1. {args.respondents} respondents x {args.saves} saves at once ({args.workers} workers, "
                f"{args.connections} connections): {len(ms)} saves answered 200 in {wall:.1f} s; "
                f"p50 {statistics.median(ms):.1f} ms, p99 {ms[int(0.99 * (len(ms) - 1))]:.1f} ms, "
                f"max {ms[-1]:.1f} ms (target p99 <= 100 ms)"
            )
            counts = [f"{what} {status}: {n}" for (what, status), n in sorted(refused.items())]
            print(f"   refused (not retried): {', '.join(counts) or 'none'}")
            same = len(stored) == len(set(stored)) and set(stored) == saved
            print(
                f"   stored answers {len(stored)}, distinct {len(set(stored))}, answered 200 {len(saved)}: "
                f"{'none lost or duplicated' if same else 'MISMATCH'}"
            )

            # one respondent alone, one save after the other: what a save costs without a queue
            token, me = survey["links"][0]["link"].rsplit("/", 1)[1], survey["links"][0]["actor"]
            others = [link["actor"] for link in survey["links"] if link["actor"] != me][: args.alone]
            alone = []
            with httpx.Client(base_url=base, timeout=60) as client:
                for partner in others:
                    begun = time.perf_counter()
                    saved = client.put(f"/api/v1/respond/{token}/answers/{partner}", json={"frequency": 3})
                    saved.raise_for_status()
                    alone.append((time.perf_counter() - begun) * 1000)
            alone.sort()
            print(
                f"   one respondent alone, {len(alone)} saves one after the other: "
                f"p50 {statistics.median(alone):.1f} ms, p99 {alone[int(0.99 * (len(alone) - 1))]:.1f} ms"
            )

            big = start("close")
            ids = list(alliance.actors["id"])
            with database.sessions() as session:
                session.execute(
                    insert(RespondentRow),
                    [
                        {
                            "survey_id": big["id"],
                            "actor_id": a,
                            "consented_at": utcnow(),
                            "submitted_at": utcnow(),
                            "updated_at": utcnow(),
                        }
                        for a in ids
                    ],
                )
                respondents = dict(
                    session.execute(
                        select(RespondentRow.actor_id, RespondentRow.id).where(
                            RespondentRow.survey_id == big["id"]
                        )
                    ).all()
                )
                per = args.reported // len(ids)
                rows = []
                for a in ids:
                    others = [b for b in ids if b != a]
                    for b in rng.choice(others, size=per, replace=False):
                        rows.append(
                            {
                                "respondent_id": respondents[a],
                                "partner": str(b),
                                "kind": "information",
                                "frequency": int(rng.integers(1, 5)),
                                "ratings": {"trust_reliability": 3},
                            }
                        )
                session.execute(insert(AnswerRow), rows)
                assert session.get(SurveyRow, big["id"]) is not None
                session.commit()
            etag = httpx.get(f"{base}/api/v1/alliances/{alliance_id}", headers=headers).headers["ETag"]
            started = time.perf_counter()
            closed = httpx.post(
                f"{base}/api/v1/alliances/{alliance_id}/surveys/{big['id']}/close",
                headers={**headers, "If-Match": etag},
                timeout=120,
            )
            seconds = time.perf_counter() - started
            closed.raise_for_status()
            print(
                f"2. closing a {len(ids)}-actor survey with {len(rows)} reported ties: {seconds:.2f} s "
                f"({closed.json()['n_ties']} ties stored in the alliance, the diff against wave "
                f"{closed.json()['previous_wave']} returned; target <= 2 s)"
            )
            started = time.perf_counter()
            httpx.get(
                f"{base}/api/v1/alliances/{alliance_id}/waves/diff",
                params={"from": EARLIER, "to": "close"},
                headers=headers,
                timeout=120,
            ).raise_for_status()
            diff_seconds = time.perf_counter() - started
            print(f"   the diff alone (GET .../waves/diff, the same two analyses): {diff_seconds:.2f} s")
        database.engine.dispose()


if __name__ == "__main__":
    main()
