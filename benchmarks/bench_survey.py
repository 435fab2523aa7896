"""Partner surveys under load on PostgreSQL: 300 respondents saving at once, and closing a large survey.

Run from the repository root (PostgreSQL on 127.0.0.1:5432, user postgres):

    .venv/bin/python benchmarks/bench_survey.py [--respondents 300] [--saves 10] [--workers 2]
                                                 [--connections N] [--port P] [--close | --no-close]
                                                 [--think SECONDS]
                                                 [--pg-url postgresql+psycopg://postgres@127.0.0.1:5432/postgres]

1. Stores a seeded random 300-actor alliance in a fresh PostgreSQL database, starts ``uvicorn``
   (two workers, no rate limits: every respondent comes from this one address), starts a survey and
   has every respondent, all at once, each on an HTTP connection of its own (``--connections`` fewer:
   they share them, and a step is timed from its send, waiting for a connection included), open the
   personal link (``GET`` the questionnaire), consent and then save answers about ``--saves``
   partners, each step timed (with ``--think S``, as people do: each starting within the first S
   seconds, and taking 0.5 to 1.5 x S seconds before each step). A respondent answered with an error
   (503: the service's pool of database connections ran dry) stops there. Meanwhile the service's
   connections are read from ``pg_stat_activity`` every 0.1 s: the most at once, and the most ``idle
   in transaction`` (a transaction left open while the connection is not used). Prints the errors per
   step and status, p50/p99/max per step, then counts the stored answers: each (respondent, partner)
   of a respondent who got through exactly once, nothing lost or duplicated.
2. Fills a second survey of the same 300 actors with 20,000 reported ties straight into the
   tables and times ``POST …/close`` (merge by ``union``, validation, storing the new wave, and
   the diff against the alliance's earlier wave of 1,000 ties), then the coordinator's first
   ``GET …/report`` after closing, then the diff alone.

The issues' targets: no respondent answered with an error (issue 12); p99 of a save <= 100 ms;
closing <= 2 s (issue 9). A script, not a test.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
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
from typing import Any

import httpx
import numpy as np
from sqlalchemy import create_engine, insert, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from api.config import Settings  # noqa: E402
from api.db import Database  # noqa: E402
from api.models import AnswerRow, RespondentRow, SurveyRow, utcnow  # noqa: E402
from api.security import create_key  # noqa: E402
from api.store import save  # noqa: E402
from benchmarks.common import free_port, machine, random_alliance, server_environment, stop  # noqa: E402
from netz.core.model import Alliance  # noqa: E402

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
def server(database_url: str, workers: int, port: int) -> Iterator[str]:
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
        "--timeout-keep-alive",  # as netz serve
        str(Settings().keep_alive_seconds),
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
            log.seek(0)
            told = log.read().decode(errors="replace").splitlines()
            if told:
                print(f"   the server logged {len(told)} lines; the last ones:", *told[-15:], sep="\n   | ")


@dataclass
class Burst:
    """What the respondents of one burst got: per step (open, consent, save) the answer times and
    the statuses that were not 2xx, and the most app connections PostgreSQL saw at once."""

    times: dict[str, list[float]] = field(default_factory=lambda: {step: [] for step in STEPS})
    failures: Counter[tuple[str, int]] = field(default_factory=Counter)
    details: dict[tuple[str, int], str] = field(default_factory=dict)
    served: int = 0
    peak: Counter[str] = field(default_factory=Counter)

    async def step(self, client: httpx.AsyncClient, step: str, method: str, url: str, **body: Any) -> bool:
        """Send one request and note its answer; whether it was 2xx (a respondent who gets an error
        stops there). A connection the server dropped counts as status 0."""
        started = time.perf_counter()
        try:
            response = await client.request(method, url, **body)
        except httpx.TransportError as error:
            status, detail = 0, repr(error)
        else:
            status, detail = response.status_code, response.text
        self.times[step].append(time.perf_counter() - started)
        if 200 <= status < 300:
            return True
        self.failures[(step, status)] += 1
        self.details.setdefault((step, status), detail[:300])
        return False


#: A respondent's steps: opening the personal link (the questionnaire), consenting, saving.
STEPS = ("open", "consent", "save")


async def respondent(client: httpx.AsyncClient, token: str, partners: list[str], burst: Burst,
                     pauses: list[float]) -> None:
    """One respondent's steps, each after its pause (none: all at once, as fast as answered)."""
    link = f"/api/v1/respond/{token}"
    pause = iter(pauses)

    async def step(name: str, method: str, url: str, **body: Any) -> bool:
        await asyncio.sleep(next(pause, 0.0))
        return await burst.step(client, name, method, url, **body)

    if not await step("open", "GET", link):
        return
    if not await step("consent", "POST", f"{link}/consent"):
        return
    for partner in partners:
        answer = {"kind": ["information"], "frequency": 2, "trust_reliability": 3}
        if not await step("save", "PUT", f"{link}/answers/{partner}", json=answer):
            return
    burst.served += 1


#: The service's connections as PostgreSQL sees them, by state (``idle in transaction``: a
#: transaction open while the service does not use its connection).
CONNECTIONS = text(
    "SELECT coalesce(state, '?'), count(*) FROM pg_stat_activity "
    "WHERE datname = :name AND pid <> pg_backend_pid() GROUP BY 1"
)


async def watch(url: str, burst: Burst, stop: asyncio.Event) -> None:
    """Every 0.1 s, the service's connections by state; keeps the most seen of each (and in all)."""
    engine = create_engine(url, poolclass=NullPool)
    name = make_url(url).database
    try:
        with engine.connect() as connection:

            def read() -> dict[str, int]:
                states = dict(connection.execute(CONNECTIONS, {"name": name}).all())
                connection.rollback()
                return states

            while not stop.is_set():
                states = await asyncio.to_thread(read)
                for state, count in {**states, "all": sum(states.values())}.items():
                    burst.peak[state] = max(burst.peak[state], count)
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(stop.wait(), 0.1)
    finally:
        engine.dispose()


async def everyone(
    base: str, url: str, links: list[dict[str, str]], saves: int, connections: int, rng: np.random.Generator,
    think: float = 0.0,
) -> Burst:
    ids = [link["actor"] for link in links]
    burst = Burst()
    limits = httpx.Limits(max_connections=connections, max_keepalive_connections=connections)
    async with httpx.AsyncClient(base_url=base, timeout=60, limits=limits) as client:
        plans = []
        for link in links:
            others = [a for a in ids if a != link["actor"]]
            plans.append(
                (link["link"].rsplit("/", 1)[1], list(rng.choice(others, size=saves, replace=False)))
            )
        stop = asyncio.Event()
        watcher = asyncio.create_task(watch(url, burst, stop))
        # A person reads and chooses before each step: a start within the first `think` seconds, then
        # 0.5 to 1.5 x `think` before each step (0: every step sent as soon as the last is answered).
        pauses = [[rng.uniform(0, think), *rng.uniform(0.5 * think, 1.5 * think, size=saves + 1)]
                  if think else [] for _ in plans]
        await asyncio.gather(*(respondent(client, token, partners, burst, pause)
                               for (token, partners), pause in zip(plans, pauses, strict=True)))
        stop.set()
        await watcher
    return burst


def percentiles(seconds: list[float]) -> str:
    if not seconds:
        return "none"
    ms = sorted(t * 1000 for t in seconds)
    return (
        f"p50 {statistics.median(ms):.0f} ms, p99 {ms[int(0.99 * (len(ms) - 1))]:.0f} ms, max {ms[-1]:.0f} ms"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--respondents", type=int, default=300)
    parser.add_argument("--saves", type=int, default=10)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument(
        "--connections",
        type=int,
        default=0,
        help="HTTP connections the respondents share (default: one each)",
    )
    parser.add_argument("--port", type=int, default=0, help="the service's port (default: a free one)")
    parser.add_argument(
        "--close",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="time closing a large survey afterwards (part 2)",
    )
    parser.add_argument("--reported", type=int, default=20_000)
    parser.add_argument("--think", type=float, default=0.0,
                        help="seconds a respondent takes before each step, on average (0: none, a burst)")
    parser.add_argument("--pg-url", default="postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
    args = parser.parse_args()
    rng = np.random.default_rng(SEED)
    print(machine())
    with fresh_database(args.pg_url) as url:
        database = Database(url)
        database.migrate()
        with database.sessions() as session:
            pairs = args.respondents * (args.respondents - 1) // 2
            drawn = random_alliance(args.respondents, min(1000, pairs), directed=False, weighted=False,
                                    seed=SEED)
            # the ties of an earlier wave, so that closing computes the diff against it
            alliance = Alliance.from_frames(drawn.actors, drawn.ties.assign(wave=EARLIER), directed=False)
            alliance_id = save(session, alliance).id
            session.commit()
            key = create_key(session, "admin")
        headers = {"Authorization": f"Bearer {key}"}
        with server(url, args.workers, args.port or free_port()) as base:

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
            connections = args.connections or args.respondents
            started = time.perf_counter()
            burst = asyncio.run(everyone(base, url, survey["links"], args.saves, connections, rng,
                                         args.think))
            wall = time.perf_counter() - started
            with database.sessions() as session:
                stored = session.execute(
                    select(RespondentRow.actor_id, AnswerRow.partner)
                    .join(AnswerRow, AnswerRow.respondent_id == RespondentRow.id)
                    .where(RespondentRow.survey_id == survey["id"])
                ).all()
                left_open = dict(session.execute(CONNECTIONS, {"name": make_url(url).database}).all())
            failed = args.respondents - burst.served
            print(
                f"1. {args.respondents} respondents (open, consent, {args.saves} saves) at once"
                f"{f', {args.think:g} s to think before each step' if args.think else ''} "
                f"on {connections} HTTP connections ({args.workers} workers), {wall:.1f} s: "
                f"{burst.served} got through, {failed} got an error (target 0)"
            )
            for (step, status), count in sorted(burst.failures.items()):
                print(
                    f"   {step}: {count} x {status or 'connection dropped, no answer'}, "
                    f"the first: {burst.details[(step, status)]}"
                )
            for step in STEPS:
                print(f"   {step:<8} {len(burst.times[step]):>5} answers: {percentiles(burst.times[step])}")
            print("   save target p99 <= 100 ms")
            print(
                f"   service's PostgreSQL connections: at most {burst.peak['all']} at once, at most "
                f"{burst.peak['idle in transaction']} idle in transaction; after the burst "
                f"{left_open.get('idle in transaction', 0)} idle in transaction"
            )
            saved = len(burst.times["save"]) - sum(
                n for (step, _), n in burst.failures.items() if step == "save"
            )
            intact = len(stored) == len(set(stored)) == saved
            print(
                f"   stored answers {len(stored)}, distinct pairs {len(set(stored))}, "
                f"saves answered 2xx {saved}: "
                f"{'none lost or duplicated' if intact else 'MISMATCH'}"
            )
            if not args.close:
                database.engine.dispose()
                return

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
                per = min(args.reported // len(ids), len(ids) - 1)
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
            httpx.get(f"{base}/api/v1/alliances/{alliance_id}/report", headers=headers,
                      timeout=120).raise_for_status()
            print(f"   the coordinator's first report after closing (GET .../report): "
                  f"{time.perf_counter() - started:.2f} s")
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
