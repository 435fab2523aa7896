"""Service settings, from the environment (``NETZ_…``) or the command line."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from api.db import CONNECT_TIMEOUT, STATEMENT_TIMEOUT
from netz.limits import Limits
from netz.privacy import MIN_GROUP

__all__ = ["Settings", "default_database_url"]


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
        What an import may hold, one setting per field of :class:`netz.limits.Limits`
        (``NETZ_MAX_ACTORS``, ``NETZ_MAX_TIES`` …): tighter than the library's
        defaults, sized for local alliances, so that one upload cannot take the service's
        memory or CPU; an operator raises them for larger networks.
    """

    model_config = SettingsConfigDict(env_prefix="NETZ_", extra="ignore")

    database_url: str = default_database_url()
    database_connect_timeout: float = Field(default=CONNECT_TIMEOUT, gt=0)
    database_statement_timeout: float = Field(default=STATEMENT_TIMEOUT, gt=0)
    max_upload_bytes: int = 20 * 1024 * 1024
    pseudonym_secret: str = ""
    privacy_min_group: int = Field(default=MIN_GROUP, ge=1)
    privacy_min_type_group: int = Field(default=2, ge=1)
    report_seed: int = 0
    report_memory_bytes: int = 64 * 1024 * 1024
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
