"""Service settings, from the environment (``NETZ_…``) or the command line."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

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
    """

    model_config = SettingsConfigDict(env_prefix="NETZ_", extra="ignore")

    database_url: str = default_database_url()
    max_upload_bytes: int = 20 * 1024 * 1024
    pseudonym_secret: str = ""
    privacy_min_group: int = Field(default=MIN_GROUP, ge=1)
    privacy_min_type_group: int = Field(default=2, ge=1)
    report_seed: int = 0
    report_memory_bytes: int = 64 * 1024 * 1024
