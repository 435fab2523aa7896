"""Helpers the benchmark scripts share: seeded random alliances, timing, peak memory, servers.

Not a benchmark itself. Scripts in this folder import it as ``common`` (run them from
the repository root as ``.venv/bin/python benchmarks/<script>.py``; Python puts the
script's folder on ``sys.path``).
"""

from __future__ import annotations

import os
import platform
import resource
import socket
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from netz.core.model import Alliance

__all__ = [
    "GROUPS", "WEIGHTS", "machine", "median_seconds", "peak_rss_children_mb", "peak_rss_self_mb",
    "random_alliance", "timed",
]

T = TypeVar("T")

#: The actor types random alliances draw from (uniformly).
GROUPS = ("initiative", "church", "welfare", "municipality", "refugee", "other")
#: The tie strengths weighted random alliances draw from (uniformly).
WEIGHTS = (0.5, 1.0, 2.0, 3.0, 5.0)


def random_alliance(n: int, m: int, *, directed: bool, weighted: bool, seed: int) -> Alliance:
    """n actors of the six :data:`GROUPS` and m distinct ties drawn uniformly: a G(n, m) graph.

    Weighted alliances draw each tie's strength from :data:`WEIGHTS`. The same
    arguments give the same alliance. Ids are ``a0, a1, …``. More ties than there are pairs is a
    ``ValueError`` (drawing would never end).
    """
    pairs = n * (n - 1) // (1 if directed else 2)
    if m > pairs:
        raise ValueError(f"{m} ties asked of {n} actors, who have {pairs} pairs")
    rng = np.random.default_rng(seed)
    keys = np.empty(0, dtype=np.int64)
    while len(keys) < m:
        u, v = rng.integers(0, n, 2 * m), rng.integers(0, n, 2 * m)
        u, v = u[u != v], v[u != v]
        if not directed:
            u, v = np.minimum(u, v), np.maximum(u, v)
        keys = np.unique(np.concatenate([keys, u * n + v]))
    keys = rng.permutation(keys)[:m]
    ids = np.array([f"a{i}" for i in range(n)], dtype=object)
    actors = pd.DataFrame({"id": ids, "name": ids, "type": rng.choice(GROUPS, n)})
    ties = pd.DataFrame({"source": ids[keys // n], "target": ids[keys % n]})
    if weighted:
        ties["weight"] = rng.choice(WEIGHTS, m)
    return Alliance.from_frames(actors, ties, directed=directed)


def median_seconds(work: Callable[[], object], *, repeats: int, warmup: int = 1) -> float:
    """Median wall time of ``repeats`` calls of ``work``, after ``warmup`` untimed calls."""
    for _ in range(warmup):
        work()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def timed(work: Callable[[], T]) -> tuple[T, float]:
    """The result of one call of ``work`` and its wall time in seconds."""
    start = time.perf_counter()
    result = work()
    return result, time.perf_counter() - start


def peak_rss_self_mb() -> float:
    """Peak resident memory of this process so far, in MiB (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def peak_rss_children_mb() -> float:
    """Largest peak resident memory of any finished child process, in MiB."""
    return resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024


def machine() -> str:
    """One line about the machine and the library versions, for the top of a benchmark's output."""
    import igraph
    import networkx

    return (
        f"{platform.machine()} {platform.system()}, {os.cpu_count()} CPUs visible, "
        f"load {os.getloadavg()[0]:.1f}; python {platform.python_version()}, "
        f"igraph {igraph.__version__}, networkx {networkx.__version__}, numpy {np.__version__}, "
        f"pandas {pd.__version__}"
    )


#: The repository's root (the service's code is imported from there).
ROOT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    """A local TCP port nobody listens on now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def server_environment(database_url: str) -> dict[str, str]:
    """The environment of a service process: this database, this checkout's code first, and no
    rate limits (50 clients on one key would be answered 429 within a second: a cheap answer that
    says nothing about serving a report)."""
    return {**os.environ, "NETZ_DATABASE_URL": database_url, "NETZ_RATE_LIMITS": "false",
            "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))}


def stop(process: subprocess.Popen[bytes]) -> None:
    """Ask a server to stop (SIGTERM); kill it if it has not within 15 s."""
    process.terminate()
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
