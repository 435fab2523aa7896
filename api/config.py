"""Service settings, from the environment (``NETZ_…``) or the command line."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from limits import parse_many
from pydantic import Field, NonNegativeInt, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict, SettingsError
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from api.db import CONNECT_TIMEOUT, POOL_SIZE, STATEMENT_TIMEOUT
from api.problems import InvalidValue, validation_text
from netz.analysis.privacy import MIN_GROUP
from netz.cohort.batch import check_scheduler
from netz.core.errors import InputError, NetzError
from netz.core.limits import Limits
from netz.messages import message

__all__ = ["ENV_PREFIX", "NULL_SAMPLES_BY_ROLE", "InvalidSettings", "Settings", "default_database_url",
           "load_settings"]

#: The prefix of the service's settings in the environment (``NETZ_DATABASE_URL`` …).
ENV_PREFIX = "NETZ_"

#: The default most null-model samples per comparison, by role: researchers and admins may ask
#: for the 1,000 the API allows, coordinators and funders for the 100 a comparison uses by default
#: and a little more.
NULL_SAMPLES_BY_ROLE = {"admin": 1000, "researcher": 1000, "coordinator": 200, "funder": 200}


def default_database_url() -> str:
    """An SQLite file in ``./var/``, created on first use."""
    return f"sqlite:///{Path('var') / 'netz.sqlite'}"


class Settings(BaseSettings):
    """Everything the service can be configured with.

    Attributes
    ----------
    database_url
        SQLAlchemy URL: SQLite by default, PostgreSQL for several workers
        (``postgresql+psycopg://user@host/db``).
    database_connect_timeout
        Seconds to connect to PostgreSQL and to get the answer to a command on an idle
        connection (at least 2 for making a connection, libpq's minimum). A database that does not
        answer within them is taken as not there: requests get 503.
    database_statement_timeout
        Seconds a statement may take (PostgreSQL's ``statement_timeout``; the client waits a
        connect timeout longer), and an SQLite request waits for another's write lock.
    database_pool_size
        Database connections each worker process keeps for requests, and so the number of
        requests a process serves in threads at once (anyio's thread limiter is set to it at
        start): a request beyond them waits for a thread, on the event loop, not inside a thread
        for a connection (which ran out after the pool timeout with 503). Each process holds up
        to ``job_workers + 1`` connections more, for background jobs and their heartbeat.
    keep_alive_seconds
        How long ``netz serve`` keeps an idle HTTP connection open for the client's next request
        (uvicorn's ``timeout_keep_alive``, 5 s by default). Longer than the clients' and proxies'
        own idle limits (httpx 5 s, nginx's upstream and load balancers 60 s), so that they
        close first: closed by the server, a connection can be reused by the client at that very
        moment, and its request gets no answer.
    max_upload_bytes
        Larger uploads are refused with 413 before they are read.
    pseudonym_secret
        Key for the stable pseudonyms researchers see; if empty, one is made
        and kept in the database on first start.
    privacy_min_group
        ``k``, the smallest group of actors a band or a funder's figure by group describes:
        numeric attributes become bands of at least k actors, funders' figures by type pool
        rarer types in ``other``, and funders cannot group by another column with a smaller
        group (see ``docs/privacy.md``).
    privacy_min_type_group
        The smallest actor type researchers see as it is (default 2): rarer types become
        ``other`` for them. Funders' figures by type always pool types of fewer than ``k``.
    report_seed
        Seed for community detection in served reports.
    report_memory_bytes
        How many bytes of reports each process keeps in memory to serve them without reading
        them from the database (each is checked against the database per request; 0: none).
    max_*
        What an import may hold, one setting per field of :class:`netz.core.limits.Limits`
        (``NETZ_MAX_ACTORS``, ``NETZ_MAX_TIES`` …): tighter than the library's
        defaults, sized for local alliances, so that one upload cannot take the service's
        memory or CPU; an operator raises them for larger networks.

    The bounds of requests (issue 12; README "Bounds"):

    compare_null_samples
        The most null-model samples a comparison may ask for, per role (a role not named may
        ask for none). As JSON in ``NETZ_COMPARE_NULL_SAMPLES``, which replaces the whole mapping.
    compare_job_seconds
        A comparison estimated to take more CPU seconds than this runs as a background job:
        ``202 Accepted`` and a job to poll at ``/api/v1/jobs/{id}``. The estimate counts the
        alliances not yet cached for the options, each as actors × ties × ``max(null_samples, 1)``
        (see :func:`api.routes.compare.estimated_seconds`).
    compare_cache_rows
        How many stored comparison and trend rows each alliance keeps (one per option set, the
        most recently stored); older ones are deleted when a new one is stored.
    job_workers
        Threads per process that run background jobs (a job's computation never runs on the
        event loop).
    scheduler
        Where background jobs compute many alliances at once (the missing alliance summaries of
        a programme overview, ``api.routes.programme``): ``processes`` (the default, also when
        empty: one local process per CPU core), ``processes:N`` (*N*; 1 computes them in the
        job's thread) or the address of a Dask scheduler (``tcp://host:8786``). The same setting,
        ``NETZ_SCHEDULER``, as ``netz batch``, ``compare`` and ``trends`` read
        (:func:`netz.cohort.batch.open_executor`; it replaces ``NETZ_PROGRAMME_PROCESSES``).
    job_result_seconds
        How long a job and its result are kept after it finished (or, unfinished, after it was
        submitted); expired jobs are deleted.
    jobs_per_key
        How many unfinished jobs one key may have at once; one more is answered with 429.
    job_stale_seconds
        A process writes a heartbeat for each job it has accepted every third of this; an
        unfinished job whose last heartbeat is older is taken as one whose process stopped
        (killed, crashed) and failed, when it is polled or its key submits a job. The default 60:
        three missed heartbeats, long past a database write's usual delay.
    rate_limits
        Whether requests to ``/api/`` are rate-limited (per key and per client address).
    rate_limit_key, rate_limit_key_expensive
        Requests per key (the presented ``Authorization`` token), in the ``limits`` notation
        (``"600/minute"``, ``"10/second;300/minute"``); ``_expensive`` for import, compare and
        what-if. Counted per worker process (in memory): with N workers a client gets up to N times.
    rate_limit_address, rate_limit_address_expensive
        The same per client address (what the server sees; behind a proxy, run uvicorn with
        ``--proxy-headers``).
    """

    model_config = SettingsConfigDict(env_prefix=ENV_PREFIX, extra="ignore")

    database_url: str = default_database_url()
    database_connect_timeout: float = Field(default=CONNECT_TIMEOUT, gt=0)
    database_statement_timeout: float = Field(default=STATEMENT_TIMEOUT, gt=0)
    database_pool_size: int = Field(default=POOL_SIZE, ge=1)
    keep_alive_seconds: int = Field(default=75, ge=1)
    max_upload_bytes: int = Field(default=20 * 1024 * 1024, ge=1)
    pseudonym_secret: str = ""
    privacy_min_group: int = Field(default=MIN_GROUP, ge=1)
    privacy_min_type_group: int = Field(default=2, ge=1)
    report_seed: int = 0
    report_memory_bytes: int = Field(default=64 * 1024 * 1024, ge=0)
    max_actors: int = Field(default=20_000, ge=1)
    max_ties: int = Field(default=200_000, ge=1)
    max_projected_ties: int = Field(default=200_000, ge=1)
    max_rows: int = Field(default=200_000, ge=1)
    max_columns: int = Field(default=200, ge=1)
    max_cell_chars: int = Field(default=10_000, ge=1)
    max_depth: int = Field(default=50, ge=1)
    max_unpacked_bytes: int = Field(default=64 * 1024 * 1024, ge=1)

    def limits(self) -> Limits:
        """The import limits as the library takes them."""
        return Limits(**{name: getattr(self, name) for name in Limits.__dataclass_fields__})

    # -- bounds of requests (see the docstring) --
    compare_null_samples: dict[str, NonNegativeInt] = Field(
        default_factory=lambda: dict(NULL_SAMPLES_BY_ROLE))
    compare_job_seconds: float = Field(default=2.0, ge=0)
    compare_cache_rows: int = Field(default=20, ge=1)
    job_workers: int = Field(default=1, ge=1)
    scheduler: str = "processes"
    job_result_seconds: int = Field(default=3600, ge=0)
    jobs_per_key: int = Field(default=4, ge=1)
    job_stale_seconds: float = Field(default=60.0, gt=0)
    rate_limits: bool = True
    rate_limit_key: str = "600/minute"
    rate_limit_key_expensive: str = "60/minute"
    rate_limit_address: str = "1200/minute"
    rate_limit_address_expensive: str = "120/minute"

    @field_validator("database_url")
    @classmethod
    def _database_url(cls, value: str) -> str:
        try:
            make_url(value)
        except ArgumentError:
            raise InvalidValue("error.setting.database_url") from None
        return value

    @field_validator("scheduler")
    @classmethod
    def _scheduler(cls, value: str) -> str:
        try:
            check_scheduler(value)
        except InputError as error:
            raise InvalidValue(error.key, **error.params) from None
        return value

    @field_validator("rate_limit_key", "rate_limit_key_expensive", "rate_limit_address",
                     "rate_limit_address_expensive")
    @classmethod
    def _rate_limit(cls, value: str) -> str:
        try:
            parse_many(value)
        except ValueError:
            raise InvalidValue("error.setting.rate_limits") from None
        return value


def load_settings(**values: Any) -> Settings:
    """The settings from the environment (and ``values``), all checked when the service starts.

    A setting that is not valid is a :class:`~netz.core.errors.NetzError` (``netz serve`` prints it
    without a traceback, exit status 2) naming each wrong setting as it is set (``NETZ_SCHEDULER``),
    the value and what it takes; not pydantic's report, and not an error when the first request or
    job needs the setting.
    """
    try:
        return Settings(**values)
    except ValidationError as error:
        raise InvalidSettings(error.errors()) from None
    except SettingsError as error:  # a JSON setting that is no JSON (NETZ_COMPARE_NULL_SAMPLES)
        field = re.search(r'field "(\w+)"', str(error))
        raise NetzError("error.setting.not_json", name=f"{ENV_PREFIX}{field.group(1)}".upper() if field
                        else f"{ENV_PREFIX}…") from None


class InvalidSettings(NetzError):
    """Settings that are not valid: a line for each, naming the setting as it is set
    (``NETZ_SCHEDULER``), its value and what it takes (pydantic's errors, said as a request's
    are: :func:`api.problems.validation_text`)."""

    def __init__(self, problems: Sequence[Mapping[str, Any]]) -> None:
        self.problems = list(problems)
        super().__init__("error.setting.invalid")

    def text(self, lang: str = "en") -> str:
        return "\n".join(message("error.setting.invalid", lang, detail=validation_text(problem, lang),
                                  value=repr(problem["input"]),
                                  name=f"{ENV_PREFIX}{problem['loc'][0]}".upper() if problem["loc"]
                                  else ENV_PREFIX.rstrip("_"))
                          for problem in self.problems)
