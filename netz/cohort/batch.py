"""Many alliances at once, over an executor: local processes or a Dask cluster.

:func:`run` computes one **batch row** per alliance — the comparison row of
:func:`netz.cohort.compare.compare_row`: metadata, the whole-network figures
(:data:`netz.cohort.compare.NETWORK_COLUMNS`), size class, mean degree, clustering
ratio and the null-model z-scores — and, with ``actors=True``, every actor's
metrics (:func:`netz.core.metrics.actor_metrics`). Percentile ranks are then taken
within the batch. Gaps, health scorecards and the rest of a full
:func:`netz.analysis.report.report` are *not* computed: they are about one alliance,
for its coordinator, and cost several times the figures a comparison needs.

The work goes to any ``concurrent.futures.Executor``. :func:`open_executor` is the one
way netz opens one — for ``netz batch``, ``netz compare``, ``netz trends`` and the
service's programme jobs: local processes by default, a Dask cluster when a
scheduler is named (``--scheduler``, or the setting :data:`SCHEDULER_SETTING`;
its workers need netz installed, and paths must be readable where they run).
The tasks are module-level functions of plain data, so the code path is the
same; :func:`each` maps a task over alliances on it, in order, with progress.
:func:`run` sends alliances in chunks to keep the per-task overhead small. An
alliance that cannot be read or computed is listed in ``failures`` and the
batch goes on.

Very large alliances (more than ``split_above`` actors) are not sent as one
task: the calling process computes them after the others, and their exact
betweenness — the one computation that grows as *n·m* and dominates — is split
by source actors over the *same* executor
(:func:`netz.core.metrics.centrality.betweenness` with ``executor=``), so one
20,000-actor network uses every worker of the cluster.
"""

from __future__ import annotations

import math
import multiprocessing
import os
import re
import sys
import time
import traceback
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import Executor, Future, ProcessPoolExecutor, as_completed
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import igraph as ig
import numpy as np
import pandas as pd
from tqdm import tqdm

from netz.analysis.report import select_wave
from netz.cohort.compare import compare_row, percentile_ranks
from netz.core import io
from netz.core.errors import InputError, Phrase, require
from netz.core.graph import to_igraph
from netz.core.io.spreadsheet import spreadsheet_safe
from netz.core.metrics import actor_metrics
from netz.core.metrics.brokerage import ROLES, brokerage, brokerage_expected
from netz.core.metrics.centrality import betweenness, centrality_table
from netz.core.metrics.communities import communities
from netz.core.metrics.holes import holes_table
from netz.core.metrics.mixing import ei_index
from netz.core.model import Alliance

__all__ = ["ALLIANCE_SUFFIXES", "CONNECT_TIMEOUT", "DASK_ADDRESS", "SCHEDULER_SETTING", "BatchResult", "Pool",
           "check_scheduler", "discover", "each", "open_executor", "run", "write_results"]

#: The environment variable that names where many alliances are computed (see :func:`executor`).
SCHEDULER_SETTING = "NETZ_SCHEDULER"
#: A Dask scheduler's address as netz takes it: with a scheme Dask knows (``tcp://host:8786``,
#: ``tls://…``) or as ``host:port``. A bare word (``dask``, ``prozesse``) is taken for a mistake,
#: not for a host name.
DASK_ADDRESS = re.compile(r"(?:tcp|tls|ucx|inproc|ws|wss)://\S+|[^\s:/]+:\d+")
#: Seconds to wait for a Dask scheduler to answer (Dask's own default is 30): a wrong address is
#: said soon, and a scheduler that is up answers within a second.
CONNECT_TIMEOUT = 5
_R = TypeVar("_R")

#: Files that hold an alliance on their own.
ALLIANCE_SUFFIXES = (".xlsx", ".xlsm", ".graphml", ".gexf", ".json", ".zip")
_TABLE_FILES = ("actors.csv", "akteure.csv", "ties.csv", "kooperationen.csv", "memberships.csv",
                "mitgliedschaften.csv")
_META_FILES = ("alliance.json", "buendnis.json", "bündnis.json")
FAILURE_COLUMNS = ["alliance", "path", "error", "message"]


@dataclass(frozen=True)
class BatchResult:
    """What a batch produced.

    Attributes
    ----------
    alliances
        One row per alliance computed: ``alliance`` (the key), ``path``, the
        comparison row, ``seconds`` and ``cpu_seconds`` (wall-clock and CPU time of
        computing it, in the process that did) and percentile ranks within the batch.
    failures
        One row per alliance that failed: ``alliance``, ``path``, ``error`` (the
        kind of error) and ``message``.
    actors
        With ``actors=True``: one row per actor, ``alliance``, ``id`` and the metrics.
    """

    alliances: pd.DataFrame
    failures: pd.DataFrame
    actors: pd.DataFrame | None = None


def discover(root: str | Path) -> list[Path]:
    """Every alliance under ``root``, sorted: folders and single files.

    A folder holding an actors, ties or memberships table (``actors.csv``,
    ``akteure.csv``, ``ties.csv`` …) is one alliance (its subfolders are not
    searched further); so is every ``.xlsx``, ``.graphml``, ``.gexf``, ``.json``
    (other than ``alliance.json``) and ``.zip`` file elsewhere. Hidden files
    and Excel's lock files (``~$…``) are skipped. A folder with a ties table
    but no actors table is listed too, so that the batch reports it as failed.
    """
    root = Path(root)
    if not root.is_dir():
        return [root]
    found: list[Path] = []
    for folder, subfolders, files in os.walk(root):
        subfolders[:] = sorted(d for d in subfolders if not d.startswith("."))
        names = {f.lower() for f in files}
        if names & set(_TABLE_FILES):
            found.append(Path(folder))
            subfolders[:] = []
            continue
        for name in sorted(files):
            if name.startswith((".", "~$")) or name.lower() in _META_FILES:
                continue
            if Path(name).suffix.lower() in ALLIANCE_SUFFIXES:
                found.append(Path(folder) / name)
    return sorted(found)


@dataclass(frozen=True)
class Pool:
    """An open executor (see :func:`open_executor`) and how many tasks it runs at once.

    Attributes
    ----------
    executor
        Where tasks go; ``None``: they run in this process, one after the other.
    workers
        Tasks at once: local processes, or the threads of a Dask cluster's workers (1 here).
    """

    executor: Executor | None
    workers: int


@contextmanager
def open_executor(scheduler: str | None = None, *, workers: int | None = None) -> Iterator[Pool]:
    """Open the executor that many alliances are computed on; closed when the block ends.

    The one way netz runs cohort work in parallel (``netz batch``, ``netz compare``, ``netz
    trends``, the service's programme jobs), so that one setting moves all of it to a cluster.

    Parameters
    ----------
    scheduler : str, optional
        ``processes`` (local processes, ``workers`` of them), ``processes:N`` (*N* local
        processes), or the address of a Dask scheduler (``tcp://host:8786``; needs
        ``netz[batch]``). Default: the environment variable :data:`SCHEDULER_SETTING` when
        ``workers`` is not given, else ``processes``.
    workers : int, optional
        Local processes (default: one per CPU). 0 or 1: everything runs in this process.

    Yields
    ------
    Pool
        The executor (``None`` for this process) and its number of workers.

    Raises
    ------
    InputError
        ``scheduler`` is none of these (:func:`check_scheduler`).
    NotInstalledError
        A Dask scheduler is named but Dask's ``distributed`` is not installed.
    InputError
        The Dask scheduler cannot be reached within :data:`CONNECT_TIMEOUT` seconds.

    Examples
    --------
    >>> with open_executor("processes:1") as pool:
    ...     each(abs, [-1, 2, -3], executor=pool.executor)
    [1, 2, 3]
    """
    if scheduler is None:
        scheduler = os.environ.get(SCHEDULER_SETTING, "") if workers is None else ""
    spec = scheduler.strip()
    local = _local_processes(spec, workers)
    if local is not None:
        if local <= 1:
            yield Pool(None, 1)
            return
        pool = _process_pool(local)
        try:
            yield Pool(pool, local)
        finally:
            pool.shutdown(cancel_futures=True)
        return
    require("distributed", extra="batch", feature=Phrase("error.feature.dask", spec=spec))
    from distributed import Client

    try:
        client = Client(spec, timeout=CONNECT_TIMEOUT)
    except (OSError, ValueError):  # nothing listens there (Dask says so after its timeout), or no address
        raise InputError.single("input.scheduler_unreachable", address=spec,
                                seconds=CONNECT_TIMEOUT) from None
    try:
        yield Pool(client.get_executor(), max(sum(client.nthreads().values()), 1))
    finally:
        client.close()


def check_scheduler(spec: str) -> None:
    """Raise :class:`InputError` (``input.scheduler_bad``, naming the value and what is allowed)
    unless ``spec`` is a scheduler :func:`open_executor` takes: empty, ``processes``,
    ``processes:N`` with a whole number *N*, or a Dask scheduler's address with its scheme
    (:data:`DASK_ADDRESS`: ``tcp://host:8786``) or its port (``host:8786``). Checked when a
    scheduler is opened, and by the service when it starts (``api.config.Settings``), so that a
    mistyped ``NETZ_SCHEDULER`` is said at once, not when the first job runs.

    >>> check_scheduler("processes:4"), check_scheduler("tcp://10.0.0.5:8786")
    (None, None)
    >>> check_scheduler("prozesse")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    netz.core.errors.InputError: 'prozesse' names no scheduler: expected 'processes' ...
    """
    spec = spec.strip()
    name, _, count = spec.partition(":")
    if name.lower() in ("", "processes"):
        if not count or count.strip().isdigit():
            return
    elif DASK_ADDRESS.fullmatch(spec):
        return
    raise InputError.single("input.scheduler_bad", value=spec)


def _local_processes(spec: str, workers: int | None) -> int | None:
    """How many local processes ``spec`` asks for; None when it names a Dask scheduler."""
    check_scheduler(spec)
    name, _, count = spec.partition(":")
    if name.lower() not in ("", "processes"):
        return None
    if not count:
        return (os.cpu_count() or 1) if workers is None else workers
    return int(count)


def each(
    task: Callable[..., _R],
    items: Sequence[Any],
    *args: Any,
    executor: Executor | None = None,
    cost: Callable[[Any], float] | None = None,
    progress: bool = False,
    desc: str = "netz",
    done: Callable[[int], None] | None = None,
) -> list[_R]:
    """``task(item, *args)`` for every item; the results in the order of ``items``.

    Parameters
    ----------
    task
        A module-level function (it travels to other processes by name).
    items
        What it is applied to (alliances, usually).
    executor : concurrent.futures.Executor, optional
        Where the tasks run (a :class:`Pool`'s); default: here, one after the other.
    cost : callable, optional
        An item's expected cost: the most costly are submitted first, so that no worker is
        left alone with a large alliance at the end.
    progress : bool, optional
        Show a progress bar (``desc``) on standard error.
    done : callable, optional
        Called with the number of finished tasks after each one (a job's progress).

    A task's exception reaches the caller as it was raised (netz's errors pickle with their
    file, row and column), and the tasks not yet started are cancelled.
    """
    results: list[Any] = [None] * len(items)
    with tqdm(total=len(items), unit="alliance", file=sys.stderr, disable=not progress, desc=desc) as bar:
        if executor is None:
            for count, item in enumerate(items, start=1):
                results[count - 1] = task(item, *args)
                bar.update(1)
                if done is not None:
                    done(count)
            return results
        order = sorted(range(len(items)), key=lambda i: -cost(items[i])) if cost else range(len(items))
        futures = {executor.submit(task, items[i], *args): i for i in order}
        try:
            for count, future in enumerate(as_completed(futures), start=1):
                results[futures[future]] = future.result()
                bar.update(1)
                if done is not None:
                    done(count)
        finally:
            for future in futures:
                future.cancel()
    return results


def run(
    items: Mapping[str, Alliance | str | Path] | Iterable[Alliance | str | Path],
    *,
    executor: Executor | None = None,
    workers: int | None = None,
    wave: str | None = None,
    group_by: str = "type",
    null_samples: int = 100,
    seed: int = 0,
    null_max_actors: int = 1000,
    actors: bool = False,
    split_above: int = 2000,
    chunk_size: int | None = None,
    progress: bool = True,
    lenient: bool = False,
) -> BatchResult:
    """Compute the batch rows (and optionally actor metrics) of many alliances.

    Parameters
    ----------
    items
        Alliances, or paths to read them from (anything :func:`netz.core.io.read`
        reads); a mapping gives each its key (column ``alliance``), otherwise
        the key is the path, or the alliance's name.
    executor : concurrent.futures.Executor, optional
        Where the work runs: a ``ProcessPoolExecutor``, or a Dask
        ``distributed.Client(...).get_executor()``. By default one is opened with
        :func:`open_executor` (and closed at the end).
    workers : int, optional
        Local processes when no executor is given (default: the setting
        :data:`SCHEDULER_SETTING`, else one per CPU); ``0`` computes everything in this
        process. With an executor: how many shares a very large alliance's betweenness is
        split into (default the CPU count).
    wave, group_by, null_samples, seed, null_max_actors
        As for :func:`netz.cohort.compare.compare_row`.
    actors : bool, optional
        Also return every actor's metrics.
    split_above : int, optional
        Alliances with more actors are computed by the caller with betweenness
        split over the executor (see the module notes).
    chunk_size : int, optional
        Alliances per task (default: about eight tasks per worker, at most 64, or 4
        with null models). In-memory alliances are sent largest first.
    progress : bool, optional
        Show a progress bar on standard error.
    lenient : bool, optional
        Read paths as :func:`netz.core.io.read` does with ``lenient=True`` (unknown types become
        ``other``, duplicate ties are dropped).

    Returns
    -------
    BatchResult
    """
    keyed = _keyed(items)
    options = {"wave": wave, "group_by": group_by, "null_samples": null_samples, "seed": seed,
               "null_max_actors": null_max_actors, "actors": actors, "split_above": split_above,
               "lenient": lenient}
    outcomes: dict[int, tuple[Any, ...]] = {}
    with ExitStack() as stack:
        if executor is None:
            pool = stack.enter_context(open_executor(workers=workers))
            executor, workers = pool.executor, pool.workers
        workers = (os.cpu_count() or 1) if workers is None else workers
        with tqdm(total=len(keyed), unit="alliance", file=sys.stderr, disable=not progress,
                  desc="netz batch") as bar:
            large = [i for i, (_, item) in enumerate(keyed)
                     if isinstance(item, Alliance) and item.n_actors > split_above]
            skip = set(large)
            pending = [(i, key, item) for i, (key, item) in enumerate(keyed) if i not in skip]
            if executor is None:
                for task in pending:
                    outcomes.update(_run_chunk([task], options))
                    bar.update(1)
            else:
                # Rows with null models take ~0.1 s each: small chunks, so that the last ones
                # leave no worker idle for long; plain rows take milliseconds: larger chunks.
                most = 4 if null_samples else 64
                size = chunk_size or max(1, min(most, math.ceil(len(pending) / (8 * max(workers, 1)))))
                # Largest alliances first (those read from files count as unknown, last).
                pending.sort(key=lambda task: -task[2].n_actors if isinstance(task[2], Alliance) else 0)
                chunks = [pending[i:i + size] for i in range(0, len(pending), size)]
                futures: dict[Future[Any], list[tuple[int, str, Any]]] = {
                    executor.submit(_run_chunk, chunk, options): chunk for chunk in chunks}
                for future in as_completed(futures):
                    chunk = futures[future]
                    try:
                        outcomes.update(future.result())
                    except Exception as error:  # a worker died, or the cluster lost the task
                        for index, key, item in chunk:
                            outcomes[index] = ("failed", key, _path(item), type(error).__name__,
                                               f"the worker computing it failed: {error}")
                    bar.update(len(chunk))
            # Very large alliances: here, with betweenness split over the executor.
            for index in [*large, *(i for i, o in outcomes.items() if o[0] == "split")]:
                key, item = keyed[index]
                outcomes[index] = _large(index, key, item, options, executor, workers)
                bar.update(1 if index in large else 0)
    return _result(outcomes, actors)


def _process_pool(workers: int) -> ProcessPoolExecutor:
    """A local process pool for batches: forkserver processes with netz already imported.

    Forking from a server that has imported netz (pandas, igraph, scipy) once
    starts each worker in milliseconds instead of importing everything again;
    forkserver rather than fork, because this process may hold threads (a
    progress bar, a Dask client). Falls back to spawn where there is no forkserver.
    """
    if "forkserver" not in multiprocessing.get_all_start_methods():
        return ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("spawn"))
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["netz.cohort.batch"])
    return ProcessPoolExecutor(max_workers=workers, mp_context=context)


def write_results(result: BatchResult, out: str | Path) -> list[Path]:
    """Write the tables as Parquet and CSV next to each other.

    ``out`` names the main table (``results.parquet`` or ``results.csv``); the
    others take its stem: ``results.failures.*`` (always, empty when nothing
    failed) and ``results.actors.*`` (with actor metrics). Parquet needs pyarrow,
    which comes with ``netz[batch]``.
    """
    require("pyarrow", extra="batch", feature="error.feature.parquet")
    out = Path(out)
    stem = out.with_suffix("") if out.suffix.lower() in (".parquet", ".csv") else out
    tables = {"": result.alliances, ".failures": result.failures}
    if result.actors is not None:
        tables[".actors"] = result.actors
    written = []
    for suffix, table in tables.items():
        parquet, csv = (stem.with_name(f"{stem.name}{suffix}{ext}") for ext in (".parquet", ".csv"))
        _parquet_safe(table).to_parquet(parquet, index=False)
        spreadsheet_safe(table).to_csv(csv, index=False, encoding="utf-8")
        written += [parquet, csv]
    return written


# -- tasks ------------------------------------------------------------------


def _run_chunk(chunk: list[tuple[int, str, Any]], options: dict[str, Any]) -> dict[int, tuple[Any, ...]]:
    """One task: the rows of a few alliances; failures are results, never exceptions."""
    return {index: _one(key, item, options) for index, key, item in chunk}


def _one(key: str, item: Any, options: dict[str, Any]) -> tuple[Any, ...]:
    start = _clock()
    try:
        alliance = item if isinstance(item, Alliance) else io.read(item, lenient=options["lenient"])
        if alliance.n_actors > options["split_above"]:
            return ("split", key, _path(item))
        row = compare_row(alliance, key=key, **_row_options(options))
        table = _actor_table(alliance, options) if options["actors"] else None
    except Exception as error:  # every failure is reported, none stops the batch
        return ("failed", key, _path(item), type(error).__name__, _message(error))
    return ("ok", key, _path(item), row, table, _since(start))


def _large(index: int, key: str, item: Any, options: dict[str, Any], executor: Executor | None,
           workers: int) -> tuple[Any, ...]:
    """A very large alliance, computed here with its betweenness split over the executor."""
    start = _clock()
    try:
        alliance = item if isinstance(item, Alliance) else io.read(item, lenient=options["lenient"])
        shares = max(workers, 1) if executor is not None else 1
        g = to_igraph(select_wave(alliance, options["wave"])[0])
        raw = betweenness(g, weighted=False, executor=executor, workers=shares).to_numpy()
        row = compare_row(alliance, key=key, betweenness=raw, **_row_options(options))
        table = (_actor_table(alliance, options, executor=executor, workers=shares)
                 if options["actors"] else None)
    except Exception as error:
        return ("failed", key, _path(item), type(error).__name__, _message(error))
    return ("ok", key, _path(item), row, table, _since(start))


def _clock() -> tuple[float, float]:
    return time.perf_counter(), time.process_time()


def _since(start: tuple[float, float]) -> tuple[float, float]:
    """Wall-clock and CPU seconds since ``start`` (the CPU time of this process only: the
    shares of a split betweenness run elsewhere)."""
    return time.perf_counter() - start[0], time.process_time() - start[1]


def _row_options(options: dict[str, Any]) -> dict[str, Any]:
    return {k: options[k] for k in ("wave", "group_by", "null_samples", "seed", "null_max_actors")}


def _actor_table(alliance: Alliance, options: dict[str, Any], *, executor: Executor | None = None,
                 workers: int = 1) -> pd.DataFrame:
    """Every actor's metrics (:func:`netz.core.metrics.actor_metrics`), betweenness on ``executor`` if given.

    ``actor_metrics`` takes no executor, so with one the same table is put
    together here from the same functions, in the same order.
    """
    g = to_igraph(select_wave(alliance, options["wave"])[0])
    group_by, seed = options["group_by"], options["seed"]
    if executor is None:
        table = actor_metrics(g, group_by=group_by, seed=seed)
    else:
        table = _actor_metrics_on(g, group_by, seed, executor, workers)
    return table.reset_index()


def _actor_metrics_on(g: ig.Graph, group_by: str, seed: int, executor: Executor, workers: int
                      ) -> pd.DataFrame:
    roles = brokerage(g, group_by=group_by)
    scores = brokerage_expected(g, group_by=group_by, observed=roles)
    broker = pd.concat([roles.add_prefix("brokerage."),
                        scores[[f"{role}_z" for role in ROLES]].add_prefix("brokerage.")], axis=1)
    membership, _ = communities(g, seed=seed)
    return pd.concat(
        [centrality_table(g, executor=executor, workers=workers), holes_table(g), broker,
         ei_index(g, group_by=group_by).rename("ei_index"), membership.rename("community")],
        axis=1,
    )


# -- helpers ----------------------------------------------------------------


def _keyed(items: Mapping[str, Any] | Iterable[Any]) -> list[tuple[str, Any]]:
    if isinstance(items, Mapping):
        return [(str(k), _portable(v)) for k, v in items.items()]
    keyed = []
    for i, item in enumerate(items):
        if isinstance(item, Alliance):
            keyed.append((item.name or str(i), item))
        else:
            keyed.append((str(item), _portable(item)))
    return keyed


def _portable(item: Any) -> Any:
    """Paths travel to workers as text (a cluster's workers may see another file system layout)."""
    return str(item) if isinstance(item, Path) else item


def _path(item: Any) -> str | None:
    return None if isinstance(item, Alliance) else str(item)


def _message(error: BaseException) -> str:
    text = str(error) or type(error).__name__
    if not isinstance(error, (OSError, ValueError, KeyError)) and "netz" not in type(error).__module__:
        # An unexpected error: keep where it happened, for a bug report.
        frame = traceback.extract_tb(error.__traceback__)[-1] if error.__traceback__ else None
        if frame is not None:
            text += f" (at {Path(frame.filename).name}:{frame.lineno})"
    return text


def _result(outcomes: dict[int, tuple[Any, ...]], with_actors: bool) -> BatchResult:
    rows, failures, tables = [], [], []
    for index in sorted(outcomes):
        outcome = outcomes[index]
        if outcome[0] == "ok":
            _, key, path, row, table, (seconds, cpu) = outcome
            rows.append({**row, "alliance": key, "path": path, "seconds": seconds, "cpu_seconds": cpu})
            if table is not None:
                tables.append(table.assign(alliance=key)[["alliance", *table.columns]])
        else:
            failures.append(dict(zip(FAILURE_COLUMNS, outcome[1:], strict=True)))
    alliances = pd.DataFrame(rows)
    if rows:
        ordered = ["alliance", "path", *(c for c in alliances.columns if c not in ("alliance", "path"))]
        alliances = percentile_ranks(alliances[ordered])
    actor_table = None
    if with_actors:
        actor_table = pd.concat(tables, ignore_index=True) if tables else pd.DataFrame()
    return BatchResult(alliances, pd.DataFrame(failures, columns=FAILURE_COLUMNS), actor_table)


def _parquet_safe(table: pd.DataFrame) -> pd.DataFrame:
    """Object columns of mixed kinds (founded 2015 here, "2015/16" there) become text for Parquet."""
    table = table.copy()
    for column in table.columns:
        values = table[column]
        if values.dtype != object:
            continue
        kinds = {type(v) for v in values if v is not None and not (isinstance(v, float) and np.isnan(v))}
        if len(kinds) > 1:
            table[column] = values.map(lambda v: None if v is None or v != v else str(v))
    return table
