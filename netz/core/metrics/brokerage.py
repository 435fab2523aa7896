r"""Gould–Fernandez brokerage: who mediates between whom, by group.

Actor *v* **brokers** for *a* and *b* when *a* → *v* → *b* and there is no tie
*a* → *b* (*a*, *v*, *b* distinct). Gould and Fernandez (1989) sort these
two-paths into five roles by the groups (here: actor types, or any actor
attribute) of *a*, *v* and *b*:

================  =========  ==================================  =============
role              sna name   two-path (groups)                   meaning
================  =========  ==================================  =============
coordinator       ``w_I``    A → A → A                           within own group
consultant        ``w_O``    A → B → A                           itinerant: for another group
gatekeeper        ``b_OI``   A → B → B                           lets outsiders into own group
representative    ``b_IO``   A → A → B                           speaks for own group outside
liaison           ``b_O``    A → B → C                           between two other groups
================  =========  ==================================  =============

The counts, their expectations under a random graph of the same size and
density, and the z-scores equal statnet's ``sna::brokerage`` (``raw.nli``,
``exp.nli``, ``sd.nli``, ``z.nli``; network level ``raw.gli`` …); the column
names map as in the table (sna's C source and documentation agree on it).

The counting never walks two-paths one by one. For each actor, the numbers of
in-neighbours by group times out-neighbours by group give all two-paths by
group pair (``bincount`` on the arc arrays); two-paths that return to their
start (a reciprocated tie) and two-paths closed by a tie *a* → *b* are
subtracted. A closed two-path lies on a triangle of the network, so the
triangles are listed once (igraph's C routine) and each is checked in its six
orientations, the arcs looked up in a table (small networks) or by binary
search. The cost is that of reading the arcs out of igraph plus listing the
triangles: linear in the ties for sparse alliances.
"""

from __future__ import annotations

import itertools

import igraph as ig
import numpy as np
import pandas as pd
import scipy.sparse as sp

from netz.core.graph import actor_ids
from netz.core.metrics._base import check_group_attribute, triangles

__all__ = ["ROLES", "SNA_NAMES", "brokerage", "brokerage_expected", "brokerage_network"]

#: The five roles in output order; ``total`` follows them in every table.
ROLES: tuple[str, ...] = ("coordinator", "consultant", "gatekeeper", "representative", "liaison")
#: The names ``sna::brokerage`` gives the roles (and the total).
SNA_NAMES: dict[str, str] = {
    "coordinator": "w_I", "consultant": "w_O", "gatekeeper": "b_OI",
    "representative": "b_IO", "liaison": "b_O", "total": "t",
}
_COLUMNS = [*ROLES, "total"]
_EXPECTED_COLUMNS = [f"{role}_{kind}" for role in _COLUMNS for kind in ("expected", "sd", "z")]
# Column and row labels, built once: a pandas Index of strings costs more to build than most
# of the arithmetic at a thousand actors. Every table gets its own copy (a view sharing the
# labels), so renaming one table's axis does not rename the next one's.
_COUNT_LABELS = pd.Index(_COLUMNS)
_EXPECTED_LABELS = pd.Index(_EXPECTED_COLUMNS)
_NETWORK_LABELS = pd.Index(["observed", "expected", "sd", "z"])
_ROLE_LABELS = pd.Index(_COLUMNS, name="role")
#: Up to this many actor × group cells the neighbour counts by group are a dense array.
_DENSE_GROUP_TABLE = 4_000_000


def brokerage(g: ig.Graph, *, group_by: str = "type",
              triangle_list: np.ndarray | None = None) -> pd.DataFrame:
    r"""Gould–Fernandez brokerage counts: the two-paths each actor brokers, by role.

    For actor *v*, the count of a role is the number of ordered pairs
    :math:`(a, b)`, :math:`a \ne b`, with :math:`a \to v \to b`, no tie
    :math:`a \to b`, and the group pattern of the role:

    .. math::

       \beta_{\text{role}}(v) = \sum_{a \ne b \ne v}
       x_{av}\, x_{vb}\, (1 - x_{ab})\, [\text{groups of } a, v, b \text{ fit the role}],

    with :math:`x` the binary adjacency matrix. ``total`` is the sum of the roles.

    Parameters
    ----------
    g : igraph.Graph
        A graph made by :func:`netz.core.graph.to_igraph`.
    group_by : str, optional
        The actor attribute defining the groups (default ``"type"``). A missing
        value is a group of its own, ``"(none)"``.
    triangle_list : numpy.ndarray, optional
        :func:`netz.core.metrics._base.triangles` of ``g``, when the caller has listed them
        for other metrics too (:func:`netz.core.metrics.metric_tables`); listed here if not.

    Returns
    -------
    pandas.DataFrame
        Indexed by actor id, integer columns ``coordinator``, ``consultant``,
        ``gatekeeper``, ``representative``, ``liaison`` and ``total``.

    Notes
    -----
    *Direction.* Brokerage is defined on directed ties. An undirected
    alliance is read as every tie being a reciprocated pair of directed ties,
    which is what ``sna::brokerage`` does with a symmetric matrix. So an
    unordered pair brokered by *v* counts **twice**, once per direction, and
    each actor's gatekeeper and representative counts are equal (a → v → b
    for one is b → v → a for the other). The numbers equal sna's.

    *Weights* are ignored: a tie either is there or not.

    *Isolates and tiny networks*: an actor without in- or out-ties brokers
    nothing (all counts 0, which is a fact, not a missing value); so does
    everyone in a network of fewer than 3 actors.

    References
    ----------
    .. [1] Gould, R. V., & Fernandez, R. M. (1989). Structures of mediation: a
       formal approach to brokerage in transaction networks. *Sociological
       Methodology* 19, 89–126. https://doi.org/10.2307/270949
    .. [2] Butts, C. T. sna: Tools for Social Network Analysis, ``brokerage``.
       https://CRAN.R-project.org/package=sna

    Examples
    --------
    A welfare association ``w`` between two churches and a refugee group,
    undirected: ``c1 – w – c2`` and ``w – r``, with ``c1 – c2`` tied. ``w``
    brokers ``c1``/``r`` and ``c2``/``r`` (each in both directions): ``c → w → r``
    with three different groups is liaison (2 + 2 = 4). ``c1``/``c2`` is closed.
    ``c1`` brokers nothing: its contacts ``w`` and ``c2`` are tied.

    >>> from netz.core.graph import to_igraph
    >>> from netz.core.model import Actor, Alliance, Tie
    >>> alliance = Alliance.from_records(
    ...     [Actor("c1", "St. Anna", "church"), Actor("c2", "St. Paul", "church"),
    ...      Actor("w", "Caritas", "welfare"), Actor("r", "Syrischer Verein", "refugee")],
    ...     [Tie("c1", "w"), Tie("c2", "w"), Tie("c1", "c2"), Tie("w", "r")])
    >>> brokerage(to_igraph(alliance)).loc[["w", "c1"]]
        coordinator  consultant  gatekeeper  representative  liaison  total
    id
    w             0           0           0               0        4      4
    c1            0           0           0               0        0      0

    With ``c1`` and ``r`` both refugee groups, ``w`` is a consultant for the
    pair ``c1``/``r`` (A → B → A) and a liaison for ``c2``/``r``:

    >>> alliance = Alliance.from_records(
    ...     [Actor("c1", "Café", "refugee"), Actor("c2", "St. Paul", "church"),
    ...      Actor("w", "Caritas", "welfare"), Actor("r", "Syrischer Verein", "refugee")],
    ...     [Tie("c1", "w"), Tie("c2", "w"), Tie("c1", "c2"), Tie("w", "r")])
    >>> brokerage(to_igraph(alliance)).loc["w"].to_dict()
    {'coordinator': 0, 'consultant': 2, 'gatekeeper': 0, 'representative': 0, 'liaison': 2, 'total': 4}
    """
    counts, _, _ = _count(g, group_by, triangle_list)
    return pd.DataFrame(counts, index=actor_ids(g), columns=_COUNT_LABELS.copy())


def brokerage_expected(
    g: ig.Graph, *, group_by: str = "type", observed: pd.DataFrame | None = None
) -> pd.DataFrame:
    r"""Expected brokerage under a random graph of the same density, and z-scores.

    Gould and Fernandez compare each count with its distribution in a random
    directed graph where every tie is present independently with the density
    :math:`d = m / (n(n-1))`, the group sizes held fixed. For an actor of a
    group of size :math:`n_i` and a two-path pattern with :math:`K` possible
    ordered end pairs, the expectation is :math:`d^2 (1-d) K` — e.g.
    :math:`K = (n_i - 1)(n_i - 2)` for coordinator and
    :math:`K = (n - 1)(n - 2)` for total — and the variance adds the
    covariance of two-paths sharing a tie. The formulas are those of
    ``sna::brokerage`` (``exp.nli``, ``sd.nli``), transcribed; the z-score is
    :math:`(\beta - E\beta)/\sigma`.

    Parameters
    ----------
    g : igraph.Graph
        A graph made by :func:`netz.core.graph.to_igraph`.
    group_by : str, optional
        The actor attribute defining the groups (default ``"type"``).
    observed : pandas.DataFrame, optional
        What :func:`brokerage` returned for the same graph and ``group_by``,
        to save counting again when both are wanted. Counted when omitted.

    Returns
    -------
    pandas.DataFrame
        Indexed by actor id; for each role and ``total`` three float columns
        ``<role>_expected``, ``<role>_sd`` and ``<role>_z`` (in the order of
        :data:`ROLES`). The observed counts are :func:`brokerage`.

    Notes
    -----
    *Undefined z.* When no two-path of a role is possible for an actor (its
    group has fewer than 3 members for coordinator, there are only two groups
    for liaison, fewer than 3 actors, an empty or complete network), the
    standard deviation is 0 and so is the count: the z-score is ``NaN``
    (``null`` in JSON), as in sna.

    *Direction.* An undirected alliance is a symmetric directed one (see
    :func:`brokerage`), so :math:`d` is the ordinary density and the numbers
    equal sna's. The null model, however, draws the two directions of a tie
    independently; read z-scores of undirected alliances as a rough guide.
    Gould and Fernandez themselves note that normality is an approximation.

    References
    ----------
    .. [1] Gould, R. V., & Fernandez, R. M. (1989). Structures of mediation.
       *Sociological Methodology* 19, 89–126. https://doi.org/10.2307/270949

    Examples
    --------
    Three actors, one group, ties a → b → c: density d = 2/6 = 1/3, and for
    coordinator :math:`K = 2 \cdot 1`, so the expectation is
    :math:`E = (1/3)^2 (2/3) \cdot 2 = 4/27 = 0.1481` for everyone. With three
    actors no two two-paths through one broker share a tie, so the variance is
    :math:`E (1 - d^2(1-d)) = 4/27 \cdot 25/27`, the standard deviation
    :math:`10/27 = 0.3704`, and ``b``'s one brokered pair (a, c) is
    :math:`(1 - 4/27) / (10/27) = 2.3` standard deviations above it.

    >>> from netz.core.graph import to_igraph
    >>> from netz.core.model import Actor, Alliance, Tie
    >>> chain = Alliance.from_records(
    ...     [Actor(i, i, "initiative") for i in "abc"], [Tie("a", "b"), Tie("b", "c")],
    ...     directed=True)
    >>> brokerage_expected(to_igraph(chain)).loc["b", ["coordinator_expected", "coordinator_z"]].round(4)
    coordinator_expected    0.1481
    coordinator_z           2.3000
    Name: b, dtype: float64
    """
    counts, group, d, ids = _observed(g, group_by, observed)
    sizes = np.bincount(group).astype(float) if len(group) else np.zeros(0)
    expected, variance = _actor_moments(sizes, d)
    # Rounding can leave a zero variance a hair below 0 (e.g. everyone in one group).
    expected, sd = expected[group], np.sqrt(np.maximum(variance[group], 0.0))
    with np.errstate(divide="ignore", invalid="ignore"):
        z = np.where(sd > 0, (counts - expected) / sd, np.nan)
    # Columns <role>_expected, <role>_sd, <role>_z role by role: one block, one DataFrame.
    table = np.stack([expected, sd, z], axis=2).reshape(len(group), 3 * len(_COLUMNS))
    return pd.DataFrame(table, index=ids, columns=_EXPECTED_LABELS.copy())


def brokerage_network(
    g: ig.Graph, *, group_by: str = "type", observed: pd.DataFrame | None = None
) -> pd.DataFrame:
    r"""Brokerage of the whole network: observed, expected, standard deviation, z.

    The observed value of a role is the sum over actors of :func:`brokerage`;
    expectation and variance under the random graph of the same density are
    those of ``sna::brokerage`` (``raw.gli``, ``exp.gli``, ``sd.gli``,
    ``z.gli``), e.g. :math:`E = d^2(1-d) \sum_i n_i (n_i - 1)(n_i - 2)` for
    coordinator.

    Parameters
    ----------
    g : igraph.Graph
        A graph made by :func:`netz.core.graph.to_igraph`.
    group_by : str, optional
        The actor attribute defining the groups (default ``"type"``).
    observed : pandas.DataFrame, optional
        What :func:`brokerage` returned for the same graph and ``group_by``,
        to save counting again when both are wanted. Counted when omitted.

    Returns
    -------
    pandas.DataFrame
        Indexed by role (the five of :data:`ROLES` and ``total``), float
        columns ``observed``, ``expected``, ``sd`` and ``z``. ``z`` is ``NaN``
        where the standard deviation is 0.

    Notes
    -----
    sna's network-level variances are not always the variance of the sum of
    the actor-level counts (they follow Gould and Fernandez's derivation,
    which treats some overlapping two-paths as independent); netz reproduces
    them as published so that results compare with sna. The sums over triples
    of groups are evaluated through power sums of the group sizes, so many
    groups cost nothing.

    References
    ----------
    .. [1] Gould, R. V., & Fernandez, R. M. (1989). Structures of mediation.
       *Sociological Methodology* 19, 89–126. https://doi.org/10.2307/270949

    Examples
    --------
    >>> from netz.core.graph import to_igraph
    >>> from netz.core.model import Actor, Alliance, Tie
    >>> chain = Alliance.from_records(
    ...     [Actor(i, i, "initiative") for i in "abc"], [Tie("a", "b"), Tie("b", "c")],
    ...     directed=True)
    >>> brokerage_network(to_igraph(chain)).loc["coordinator", ["observed", "expected"]].round(4)
    observed    1.0000
    expected    0.4444
    Name: coordinator, dtype: float64
    """
    counts, group, d, _ = _observed(g, group_by, observed)
    sizes = np.bincount(group).astype(float) if len(group) else np.zeros(0)
    totals = counts.sum(axis=0)
    expected, variance = _network_moments(sizes, d)
    sd = np.sqrt(np.maximum(variance, 0.0))  # rounding can leave a zero variance below 0
    with np.errstate(divide="ignore", invalid="ignore"):
        z = np.where(sd > 0, (totals - expected) / sd, np.nan)
    return pd.DataFrame(
        np.column_stack([totals, expected, sd, z]), index=_ROLE_LABELS.copy(),
        columns=_NETWORK_LABELS.copy(),
    )


# -- counting -------------------------------------------------------------------


def _observed(
    g: ig.Graph, group_by: str, observed: pd.DataFrame | None
) -> tuple[np.ndarray, np.ndarray, float, pd.Index]:
    """The observed counts as a float (n, 6) array, the group codes, the density, the actor ids."""
    ids = actor_ids(g)
    if observed is None:
        counts, group, arcs = _count(g, group_by)
        n = g.vcount()
        return counts.astype(float), group, arcs / (n * (n - 1)) if n > 1 else 0.0, ids
    if list(observed.columns) != _COLUMNS or not observed.index.equals(ids):
        raise ValueError("observed must be the table brokerage() returned for this graph")
    return observed.to_numpy(dtype=float), _group_codes(g, group_by), _density(g), ids


def _group_codes(g: ig.Graph, group_by: str) -> np.ndarray:
    """Group number per actor: the labels of :func:`netz.core.metrics._base.group_labels`, factorised.

    Built here from the attribute list directly (a missing value is the group ``"(none)"``,
    every other value is compared as text), without the pandas Series that ``group_labels``
    returns: at a thousand actors the Series costs more than the counting itself.
    """
    check_group_attribute(g, group_by)
    labels = np.array(["(none)" if v is None else str(v) for v in g.vs[group_by]], dtype=object)
    return np.asarray(pd.factorize(labels)[0], dtype=np.int64)


def _arcs(g: ig.Graph) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Distinct directed ties ``(source, target, keys)`` without self-ties, sorted by source
    then target; ``keys`` is ``source * n + target``, to look arcs up.

    An undirected tie becomes two arcs (see :func:`brokerage`). Each actor's distinct
    out-neighbours (all neighbours, undirected) come from igraph's ``neighborhood`` (order
    1, without the actor itself): that drops self-ties and repeated ties in C and returns
    one list per actor, several times faster than ``get_edgelist``'s tuple per tie at
    thousands of ties.
    """
    n = g.vcount()
    lists = g.neighborhood(order=1, mode="out" if g.is_directed() else "all", mindist=1)
    sizes = np.fromiter(map(len, lists), dtype=np.int64, count=n)
    dst = np.fromiter(itertools.chain.from_iterable(lists), dtype=np.int64, count=int(sizes.sum()))
    src = np.repeat(np.arange(n, dtype=np.int64), sizes)
    keys = src * n + dst
    # igraph lists neighbours in order; check rather than sort.
    if len(keys) > 1 and not (keys[1:] > keys[:-1]).all():
        keys = np.unique(keys)
        src, dst = keys // n, keys % n
    return src, dst, keys


def _count(g: ig.Graph, group_by: str, triangle_list: np.ndarray | None = None
           ) -> tuple[np.ndarray, np.ndarray, int]:
    """The (n, 6) int64 brokerage counts (roles, then total), the group codes, the number of arcs.

    ``triangle_list``: :func:`~netz.core.metrics._base.triangles` of ``g`` when the caller has
    listed them already (:func:`netz.core.metrics.metric_tables`), else they are listed here.

    For broker *v*, the two-paths a → v → b with a ≠ b by the groups of their ends follow
    from *v*'s in- and out-neighbours counted by group (no two-path is listed):

    - ends in *v*'s group on both sides: ``in_same · out_same`` (coordinator), on one side
      only: ``in_other · out_same`` (gatekeeper), ``in_same · out_other`` (representative);
    - both ends outside *v*'s group: ``in_other · out_other``, of which
      ``Σ_g in_g · out_g`` over the other groups g share a group (consultant), the rest not
      (liaison);
    - minus the two-paths a → v → a (one per reciprocated tie of *v*, in the role of a's
      group), and minus the closed ones (:func:`_closed_two_paths`).
    """
    n = g.vcount()
    group = _group_codes(g, group_by)
    src, dst, keys = _arcs(g)
    same = group[src] == group[dst]

    in_all = np.bincount(dst, minlength=n)
    out_all = np.bincount(src, minlength=n)
    in_same = np.bincount(dst[same], minlength=n)
    out_same = np.bincount(src[same], minlength=n)
    in_other, out_other = in_all - in_same, out_all - out_same

    # Σ_g (in-neighbours in g)(out-neighbours in g): two-paths whose ends share a group.
    k = int(group.max()) + 1 if n else 0
    if n * k <= _DENSE_GROUP_TABLE:  # actors × groups, small: plain arrays are fastest
        in_by_group = np.bincount(dst * k + group[src], minlength=n * k).reshape(n, k)
        out_by_group = np.bincount(src * k + group[dst], minlength=n * k).reshape(n, k)
        ends_same = np.einsum("ij,ij->i", in_by_group, out_by_group)
    else:  # many groups (say, grouping by a near-unique attribute): sparse
        ones = np.ones(len(src), dtype=np.int64)
        in_sparse = sp.csr_array((ones, (dst, group[src])), shape=(n, k))
        out_sparse = sp.csr_array((ones, (src, group[dst])), shape=(n, k))
        ends_same = np.asarray(in_sparse.multiply(out_sparse).sum(axis=1)).ravel().astype(np.int64)
    ends_same_other = ends_same - in_same * out_same  # ... in a group other than v's

    # a → v → a: one per reciprocated tie of v; a's group decides coordinator or consultant.
    if not g.is_directed():  # every arc is reciprocated
        returns_same, returns_other = out_same, out_other
    else:
        back = _ArcLookup(keys, n, len(keys))(dst * n + src)
        returns_same = np.bincount(src[back & same], minlength=n)
        returns_other = np.bincount(src[back], minlength=n) - returns_same

    counts = np.empty((n, len(_COLUMNS)), dtype=np.int64)
    counts[:, :5] = np.column_stack([
        in_same * out_same - returns_same,  # coordinator
        ends_same_other - returns_other,  # consultant
        in_other * out_same,  # gatekeeper
        in_same * out_other,  # representative
        in_other * out_other - ends_same_other,  # liaison
    ]) - _closed_two_paths(g, group, keys if g.is_directed() else None, triangle_list)
    counts[:, 5] = counts[:, :5].sum(axis=1)
    return counts, group, len(src)


#: Role (index into ROLES) of a two-path a → v → b by 4·[g(a) = g(v)] + 2·[g(v) = g(b)] + [g(a) = g(b)];
#: codes 3, 5 and 6 cannot occur (two equalities imply the third).
_ROLE_OF_CODE = np.array([4, 1, 2, -1, 3, -1, -1, 0], dtype=np.int64)


def _closed_two_paths(g: ig.Graph, group: np.ndarray, keys: np.ndarray | None,
                      triangle_list: np.ndarray | None = None) -> np.ndarray:
    """Per actor v and role, the two-paths a → v → b that are closed by a tie a → b.

    Such a two-path lies on a triangle {a, v, b} of the underlying undirected network.
    The triangles are listed once (igraph's C routine); each has six orientations (a, v, b).
    Undirected, all six are closed two-paths. Directed, an orientation is one when its
    three arcs a → v, v → b and a → b exist: the six possible arcs of each triangle are
    looked up once in the sorted ``keys``, and the orientations read off them.
    """
    n = len(group)
    found = triangles(g) if triangle_list is None else triangle_list
    if len(found) == 0:
        return np.zeros((n, len(ROLES)), dtype=np.int64)
    x, y, z = found[:, 0], found[:, 1], found[:, 2]
    gx, gy, gz = group[x], group[y], group[z]
    xy, xz, yz = (gx == gy).astype(np.int64), (gx == gz).astype(np.int64), (gy == gz).astype(np.int64)
    # The orientations (a, v, b) and, for each, its code 4·[a~v] + 2·[v~b] + [a~b].
    brokers = [y, z, x, z, x, y]
    codes = [4 * xy + 2 * yz + xz, 4 * xz + 2 * yz + xy, 4 * xy + 2 * xz + yz,
             4 * yz + 2 * xz + xy, 4 * xz + 2 * xy + yz, 4 * yz + 2 * xy + xz]
    if keys is not None:
        has = _ArcLookup(keys, n, 6 * len(found))
        x_y, y_x, x_z, z_x, y_z, z_y = (has(p * n + q) for p, q in
                                        ((x, y), (y, x), (x, z), (z, x), (y, z), (z, y)))
        # (a, v, b) is closed when a → v, v → b and a → b are all there.
        closed = [x_y & y_z & x_z, x_z & z_y & x_y, y_x & x_z & y_z,
                  y_z & z_x & y_x, z_x & x_y & z_y, z_y & y_x & z_x]
        brokers = [v[c] for v, c in zip(brokers, closed, strict=True)]
        codes = [code[c] for code, c in zip(codes, closed, strict=True)]
    cells = np.concatenate(brokers) * len(ROLES) + _ROLE_OF_CODE[np.concatenate(codes)]
    return np.bincount(cells, minlength=n * len(ROLES)).reshape(n, len(ROLES))


class _ArcLookup:
    """Whether arcs, given by key ``source * n + target``, are among the sorted ``keys``.

    A binary search per arc (``searchsorted``) costs some 100 ns a lookup, in random
    order mostly cache misses; an n × n table of booleans answers by indexing, and costs
    filling n² bytes. The table is used when that is cheap against the lookups to come
    (``expected``) and small (≤ 16 MB, so some 4,000 actors at most).
    """

    _MAX_TABLE = 1 << 24
    _BYTES_PER_LOOKUP = 256

    def __init__(self, keys: np.ndarray, n: int, expected: int) -> None:
        self.keys = keys
        self.table: np.ndarray | None = None
        if n * n <= min(self._MAX_TABLE, self._BYTES_PER_LOOKUP * expected):
            self.table = np.zeros(n * n, dtype=bool)
            self.table[keys] = True

    def __call__(self, wanted: np.ndarray) -> np.ndarray:
        if self.table is not None:
            return self.table[wanted]
        if not len(self.keys):
            return np.zeros(len(wanted), dtype=bool)
        at = np.searchsorted(self.keys, wanted)
        at[at == len(self.keys)] = 0
        return self.keys[at] == wanted


# -- the null model (sna::brokerage, transcribed; the sums over groups by power sums) ------------


def _density(g: ig.Graph) -> float:
    """sna's density m / (n(n − 1)), m counting arcs (an undirected tie is two).

    The arcs are counted as every actor's distinct out-neighbours other than itself
    (igraph's ``neighborhood_size`` in C), so repeated ties and self-ties do not count,
    without listing the edges.
    """
    n = g.vcount()
    if n < 2:
        return 0.0
    arcs = sum(g.neighborhood_size(order=1, mode="out" if g.is_directed() else "all", mindist=1))
    return arcs / (n * (n - 1))


def _choose2(x: np.ndarray | float) -> np.ndarray | float:
    return x * (x - 1) / 2


def _actor_moments(sizes: np.ndarray, d: float) -> tuple[np.ndarray, np.ndarray]:
    """Expectation and variance of each role for an actor of each group: (groups, 6) arrays."""
    n_all = sizes.sum()
    ni = sizes
    p1, p2, p3 = n_all, (sizes**2).sum(), (sizes**3).sum()
    # Power sums over the *other* groups.
    q1, q2, q3 = p1 - ni, p2 - ni**2, p3 - ni**3
    e0 = d**2 * (1 - d)
    c3 = d**3 * (1 - d) ** 3
    pairs_other_same = q2 - q1  # Σ_{j≠i} n_j (n_j − 1)
    triples_other_same = q3 - 3 * q2 + 2 * q1  # Σ_{j≠i} n_j (n_j − 1)(n_j − 2)
    a = n_all - ni
    # Σ_{j≠i} n_j · C(N − n_i − n_j, 2) = ½ Σ n_j (a − n_j)(a − n_j − 1), a = N − n_i
    liaison_pairs = 0.5 * (a * (a - 1) * q1 - (2 * a - 1) * q2 + q3)
    expected = e0 * np.column_stack([
        (ni - 1) * (ni - 2),
        pairs_other_same,
        (n_all - ni) * (ni - 1),
        (n_all - ni) * (ni - 1),
        q1**2 - q2,
        np.full_like(ni, (n_all - 1) * (n_all - 2)),
    ])
    broker = (ni - 1) * _choose2(n_all - ni) + (n_all - ni) * _choose2(ni - 1)
    extra = c3 * np.column_stack([
        2 * (ni - 1) * (ni - 2) * (ni - 3),
        2 * triples_other_same,
        2 * broker,
        2 * broker,
        4 * liaison_pairs,
        np.full_like(ni, 2 * (n_all - 1) * (n_all - 2) * (n_all - 3)),
    ])
    variance = expected * (1 - e0) + extra
    return expected, variance


def _network_moments(sizes: np.ndarray, d: float) -> tuple[np.ndarray, np.ndarray]:
    """Expectation and variance of each role's network total, as ``sna::brokerage`` (gli)."""
    n = sizes
    big = n.sum()
    p1, p2, p3 = big, (n**2).sum(), (n**3).sum()
    e0 = d**2 * (1 - d)
    c3, c4, c5 = d**3 * (1 - d) ** 3, d**4 * (1 - d) ** 2, d**5 * (1 - d)
    same_pairs = n * (n - 1)
    coordinator_e = e0 * (same_pairs * (n - 2)).sum()
    coordinator_v = coordinator_e * (1 - e0) + (
        same_pairs * (n - 2) * ((4 * n - 10) * c3 - 4 * (n - 3) * c4 + (n - 3) * c5)
    ).sum()
    consultant_e = e0 * (n * (big - n) * (n - 1)).sum()
    # Σ_{i≠j} x y (x−1)((2x + 2y − 6) c3 + (N − x − 1) c5) with x = n_i, y = n_j.
    per_i = same_pairs * (((2 * n - 6) * c3 + (big - n - 1) * c5) * p1 + 2 * c3 * p2)
    diagonal = n * same_pairs * ((4 * n - 6) * c3 + (big - n - 1) * c5)
    consultant_v = consultant_e * (1 - e0) + (per_i - diagonal).sum()
    broker_e = e0 * (n * (big - n) * (n - 1)).sum()
    broker_v = broker_e * (1 - e0) + (
        n * (big - n) * (n - 1) * ((big - 3) * c3 + (n - 2) * c5)
    ).sum()
    # Σ_{i≠j} n_i n_j (N − n_i − n_j)
    liaison_e = e0 * ((big * p1**2 - 2 * p2 * p1) - (n * n * (big - 2 * n)).sum())
    # Σ over ordered triples of distinct groups of n_i n_j n_k · (linear in the sizes).
    s3 = p1**3 - 3 * p1 * p2 + 2 * p3
    t2 = (n**2 * ((p1 - n) ** 2 - (p2 - n**2))).sum()  # Σ n_i² n_j n_k, distinct
    # Gathering the terms of sna's triple loop: (4N − 2)·S3 − 8·T2 multiplies c3 and c4 alike.
    liaison_v = (
        liaison_e * (1 - e0) + ((4 * big - 2) * s3 - 8 * t2) * (c3 - c4) + ((big - 1) * s3 - 2 * t2) * c5
    )
    total_e = e0 * big * (big - 1) * (big - 2)
    total_v = total_e * (1 - e0) + big * (big - 1) * (big - 2) * (
        (4 * big - 10) * c3 - 4 * (big - 3) * c4 + (big - 3) * c5
    )
    expected = np.array([coordinator_e, consultant_e, broker_e, broker_e, liaison_e, total_e])
    variance = np.array([coordinator_v, consultant_v, broker_v, broker_v, liaison_v, total_v])
    return expected, variance
