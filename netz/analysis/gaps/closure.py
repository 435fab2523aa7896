"""Introductions: two actors who share partners but do not work together, from two groups whose
link is missing or weak — the concrete remedy for a sector gap ("the parish and the town hall
share two partners: ask one of them to introduce them").

Pairs are scored by Adamic & Adar (2003): a common partner with few ties says more than a hub
who knows everyone.

Reference: Adamic, L. A., & Adar, E. (2003). Friends and neighbors on the Web. *Social
Networks* 25(3), 211–230. https://doi.org/10.1016/S0378-8733(03)00009-1
"""

from __future__ import annotations

import math
from collections.abc import Iterator

import numpy as np
import scipy.sparse as sp

from netz.analysis.gaps._base import Finding, _Context
from netz.analysis.gaps.sectors import underlinked
from netz.core.metrics._base import edge_array

__all__ = ["closure_opportunities"]


def closure_opportunities(c: _Context) -> Iterator[Finding]:
    """The best introductions between groups whose link is missing or weak (about the pair)."""
    graph = c.undirected
    n = graph.vcount()
    if n < 3 or graph.ecount() == 0 or not underlinked(c):
        return
    edges = edge_array(graph)
    adjacency = sp.coo_matrix((np.ones(len(edges)), (edges[:, 0], edges[:, 1])), shape=(n, n)).tocsr()
    adjacency = adjacency + adjacency.T
    degree = np.asarray(adjacency.sum(axis=1)).ravel()
    # Adamic–Adar: a common partner with few ties says more than a hub that knows everyone.
    inverse_log = np.where(degree > 1, 1.0 / np.log(np.maximum(degree, 2)), 0.0)
    common = sp.triu(adjacency @ adjacency, k=1).tocoo()
    score = sp.triu(adjacency @ sp.diags(inverse_log) @ adjacency, k=1).tocsr()
    # Only for groups whose link is missing or weak: where sectors already work together,
    # one more introduction is no gap, and a healthy network gets no such suggestions.
    groups, codes = np.unique(c.groups.to_numpy(), return_inverse=True)
    position = {group: k for k, group in enumerate(groups)}
    wanted = np.zeros((len(groups), len(groups)), dtype=bool)
    for link in underlinked(c):
        i, j = position[link.first], position[link.second]
        wanted[i, j] = wanted[j, i] = True
    rows, cols, counts = common.row.astype(np.int64), common.col.astype(np.int64), common.data
    linked = np.isin(rows * n + cols, edges.min(axis=1) * n + edges.max(axis=1))
    keep = (counts >= c.rules.closure_min_common) & ~linked & wanted[codes[rows], codes[cols]]
    rows, cols, counts = rows[keep], cols[keep], counts[keep]
    scores = _entries(score, rows, cols)
    # Highest score first; equal scores in actor order, whatever order scipy kept the entries in.
    for k in np.lexsort((cols, rows, -scores))[: c.rules.closure_max_suggestions]:
        a, b = c.id_of[rows[k]], c.id_of[cols[k]]
        score = round(float(scores[k]), 4)
        yield c.finding("closure_opportunity", "low", [a, b], score, "closure_opportunity",
                        {"name": c.name(a), "other": c.name(b), "shared": int(counts[k]),
                         "first": c.group_of[a], "second": c.group_of[b]},
                        impact=float(scores[k]) / (1 + math.log1p(n)))


def _entries(matrix: sp.csr_matrix, rows: np.ndarray, cols: np.ndarray) -> np.ndarray:
    """matrix[rows[k], cols[k]] for every k, as a flat array (scipy returns varying types)."""
    picked = matrix[rows, cols]
    return np.asarray(picked.todense() if sp.issparse(picked) else picked, dtype=float).ravel()
