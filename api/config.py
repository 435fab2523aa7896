"""Service settings, from the environment (``NETZ_…``) or the command line."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from api.db import CONNECT_TIMEOUT, STATEMENT_TIMEOUT

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
    report_seed
        Seed for community detection in served reports.
    report_memory_bytes
        How many bytes of reports each process keeps in memory to serve them without reading
        them from the database (each is checked against the database per request; 0: none).
    """

    model_config = SettingsConfigDict(env_prefix="NETZ_", extra="ignore")

    database_url: str = default_database_url()
    database_connect_timeout: float = Field(default=CONNECT_TIMEOUT, gt=0)
    database_statement_timeout: float = Field(default=STATEMENT_TIMEOUT, gt=0)
    max_upload_bytes: int = 20 * 1024 * 1024
    pseudonym_secret: str = ""
    report_seed: int = 0
    report_memory_bytes: int = 64 * 1024 * 1024
