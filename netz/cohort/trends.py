"""Trends: every network figure of every alliance across its survey waves, and of the cohort.

:func:`trends` gives the long table a funder plots — one row per alliance and
wave with the figures of :func:`netz.cohort.compare.compare_row` and that wave's health
bands and gap counts (:func:`netz.cohort.programme.health_columns`) — and
:func:`cohort_trends` summarises it per wave over the alliances observed in that
wave (count, mean, median and quartiles of each figure). Waves are matched by
their label ("2017"), so alliances surveyed in different years line up by year.
An alliance without waves has one row, with ``wave`` empty.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from concurrent.futures import Executor
from typing import Any

import pandas as pd

from netz.analysis.report import to_jsonable
from netz.cohort.batch import each
from netz.cohort.compare import NETWORK_COLUMNS, Z_COLUMNS, compare_row
from netz.cohort.programme import HEALTH_COLUMNS, health_columns
from netz.core.model import Alliance, wave_order

__all__ = ["COLUMNS", "TREND_METRICS", "alliance_trends", "cohort_trends", "trends", "trends_json"]

#: The figures followed across waves (the z-scores too when null samples are asked for).
TREND_METRICS: tuple[str, ...] = tuple(c for c in NETWORK_COLUMNS if c != "n_actors")
_IDENTITY = ("alliance", "name", "land", "programme", "size_class", "directed", "wave")
#: The columns of a trends table, in order.
COLUMNS: tuple[str, ...] = (*_IDENTITY, *TREND_METRICS, *HEALTH_COLUMNS, *Z_COLUMNS)


def alliance_trends(
    alliance: Alliance, *, key: str | None = None, group_by: str = "type", null_samples: int = 0,
    seed: int = 0,
) -> pd.DataFrame:
    """One row per wave of one alliance, in time order.

    Parameters
    ----------
    alliance : Alliance
        The alliance.
    key : str, optional
        The value of the ``alliance`` column (default: the alliance's name).
    group_by : str, optional
        The actor attribute of the E–I index.
    null_samples : int, optional
        Null-model samples for the z-scores of each wave (default 0: no z-scores,
        the columns are then empty).
    seed : int, optional
        Seed of the null models and community detection.

    Returns
    -------
    pandas.DataFrame
        :data:`COLUMNS`: ``alliance, name, land, programme, size_class, directed, wave``,
        :data:`TREND_METRICS`, the wave's health bands and gap counts
        (:data:`netz.cohort.programme.HEALTH_COLUMNS`) and the z-score columns.

    Examples
    --------
    ``c`` takes part only from 2017 on, so 2016 is the pair a–b alone (density 1).

    >>> from netz.core.model import Actor, Alliance, Tie
    >>> a = Alliance.from_records([Actor(i, i, "initiative") for i in "abc"],
    ...     [Tie("a", "b", wave="2016"), Tie("a", "b", wave="2017"), Tie("b", "c", wave="2017")])
    >>> alliance_trends(a, key="x")[["wave", "n_ties", "density"]].round(4).values.tolist()
    [['2016', 1, 1.0], ['2017', 2, 0.6667]]
    """
    waves: Sequence[str | None] = alliance.waves or [None]
    rows = [{**compare_row(alliance, key=key, wave=wave, group_by=group_by, null_samples=null_samples,
                           seed=seed), **health_columns(alliance, wave=wave, seed=seed)} for wave in waves]
    return pd.DataFrame(rows)[list(COLUMNS)]


def trends(
    alliances: Mapping[str, Alliance] | Sequence[Alliance],
    *,
    group_by: str = "type",
    null_samples: int = 0,
    seed: int = 0,
    executor: Executor | None = None,
    progress: bool = False,
) -> pd.DataFrame:
    """:func:`alliance_trends` of every alliance, one table (alliances in the given order).

    ``alliances`` is a mapping from key to alliance, or a sequence (keyed by
    name). With an ``executor`` (one opened by :func:`netz.cohort.batch.open_executor`) the
    alliances are computed on it, one task each, largest first; ``progress`` shows a
    progress bar on standard error.
    """
    if isinstance(alliances, Mapping):
        items = [(str(k), a) for k, a in alliances.items()]
    else:
        items = [(a.name or str(i), a) for i, a in enumerate(alliances)]
    options: dict[str, Any] = {"group_by": group_by, "null_samples": null_samples, "seed": seed}
    tables = each(_task, items, options, executor=executor, cost=lambda item: item[1].n_actors,
                  progress=progress, desc="netz trends")
    if not tables:
        return pd.DataFrame(columns=list(COLUMNS))
    return pd.concat(tables, ignore_index=True)


def cohort_trends(table: pd.DataFrame, metrics: Iterable[str] | None = None) -> pd.DataFrame:
    """Per wave and figure: how many alliances have a value, their mean, median and quartiles.

    Parameters
    ----------
    table : pandas.DataFrame
        A :func:`trends` table.
    metrics : iterable of str, optional
        The figures to summarise: :data:`TREND_METRICS`, plus the z-scores when
        the table has any, by default.

    Returns
    -------
    pandas.DataFrame
        Long format, waves in time order: ``wave, metric, n, mean, median, q25, q75``.

    Examples
    --------
    >>> t = pd.DataFrame({"wave": ["2016", "2016", "2017"], "density": [0.2, 0.4, 0.5]})
    >>> cohort_trends(t, ["density"]).round(3).to_dict("records")[0]
    {'wave': '2016', 'metric': 'density', 'n': 2, 'mean': 0.3, 'median': 0.3, 'q25': 0.25, 'q75': 0.35}
    """
    if metrics is None:
        metrics = [*TREND_METRICS, *(c for c in Z_COLUMNS if c in table and table[c].notna().any())]
    metrics = list(metrics)
    records: list[dict[str, Any]] = []
    waves = table["wave"].fillna("").astype(str)
    for wave in sorted(waves.unique(), key=wave_order):
        rows = table[waves == wave]
        for metric in metrics:
            values = pd.to_numeric(rows[metric], errors="coerce").dropna().astype(float)
            records.append({
                "wave": wave or None, "metric": metric, "n": len(values),
                "mean": values.mean() if len(values) else None,
                "median": values.median() if len(values) else None,
                "q25": values.quantile(0.25) if len(values) else None,
                "q75": values.quantile(0.75) if len(values) else None,
            })
    return pd.DataFrame(records, columns=["wave", "metric", "n", "mean", "median", "q25", "q75"])


def trends_json(table: pd.DataFrame, cohort: pd.DataFrame | None = None) -> dict[str, Any]:
    """Trends as JSON-ready data: ``{"alliances": {key: [row per wave]}, "cohort": [rows]}``.

    Undefined values are ``None``.
    """
    cohort = cohort_trends(table) if cohort is None else cohort
    by_alliance: dict[str, list[dict[str, Any]]] = {}
    for raw in table.to_dict("records"):
        record = {str(k): v for k, v in raw.items()}
        by_alliance.setdefault(str(record["alliance"]), []).append(record)
    return to_jsonable({"alliances": by_alliance, "cohort": cohort.to_dict("records")})


def _task(item: tuple[str, Alliance], options: dict[str, Any]) -> pd.DataFrame:
    """A module-level task for executors: the trend rows of a (key, alliance)."""
    key, alliance = item
    return alliance_trends(alliance, key=key, **options)
