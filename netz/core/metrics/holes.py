r"""Burt's structural holes: constraint, effective size, efficiency and hierarchy.

An actor spans a *structural hole* when its contacts are not connected to each
other: it can bring together what would otherwise stay apart. Burt (1992)
measures this from the actor's ego network with proportional tie strengths

.. math::

   p_{ij} = \frac{a_{ij} + a_{ji}}{\sum_{k} (a_{ik} + a_{ki})},

where :math:`a_{ij}` is the strength of the tie from *i* to *j* (1 when the
alliance is unweighted, 0 when there is none). Weights are cooperation
**strengths** and are used as they are — a stronger tie invests more of the
actor's time in that contact; they are never turned into distances here.

All four measures follow ``networkx.algorithms.structuralholes`` (constraint,
effective size) and Burt (1992, p. 71) for hierarchy, and treat a directed
alliance the way Burt does: a contact is anyone the actor names or is named by,
and a reciprocated tie adds both directions' strengths.

Every sum over a third actor *q* (ego *i*, contact *j*, *q* tied to both) runs
over a triangle of the network, so the computation lists the triangles once
(igraph's C routine) and accumulates their contributions with sparse arrays; no
n×n matrix is ever formed. That is what makes 200,000 actors take seconds.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import igraph as ig
import numpy as np
import pandas as pd
import scipy.sparse as sp

from netz.core.metrics._base import as_series, edge_array, is_weighted, triangles

__all__ = ["constraint", "effective_size", "efficiency", "hierarchy", "holes_table"]


def constraint(g: ig.Graph, *, weighted: bool | None = None) -> pd.Series:
    r"""Burt's constraint on each actor: how much its contacts are invested in each other.

    .. math::

       c_i = \sum_{j \in N(i)} \ell_{ij}, \qquad
       \ell_{ij} = \Bigl(p_{ij} + \sum_{q \ne i, j} p_{iq}\, p_{qj}\Bigr)^2,

    where :math:`N(i)` are *i*'s contacts (in- or out-neighbours) and
    :math:`p_{ij}` the proportional strength of the tie between *i* and *j*
    (see the module docstring). :math:`\ell_{ij}` is the *local constraint* of
    contact *j*: *i* depends on *j* directly and through the contacts *q* they
    share. High constraint means few, interconnected contacts — no structural
    holes; low constraint means many contacts who do not know each other.

    Parameters
    ----------
    g : igraph.Graph
        A graph made by :func:`netz.core.graph.to_igraph`.
    weighted : bool or None, optional
        Use tie strengths; ``None`` (default) means "if the alliance is weighted".

    Returns
    -------
    pandas.Series
        Constraint per actor id, named ``constraint``. At least ``1/N`` for
        ``N`` contacts (reached by unconnected contacts of equal strength), 1 for
        a single contact, at most 1.125 (two contacts tied to each other) in an
        unweighted undirected alliance; unequal strengths can raise it further,
        but never above 2 (each local constraint is at most 1, and they sum to
        less than 2).

    Notes
    -----
    *Direction.* A contact is anyone *i* names or is named by;
    :math:`a_{ij} + a_{ji}` counts a reciprocated tie twice as strong as a
    one-way tie, as Burt (and networkx) define it.

    *Weights* are strengths used directly (never distances).

    *Isolates* have no contacts and their constraint is undefined: ``NaN``
    (``null`` in JSON). An actor with one contact has constraint 1.

    The values equal ``networkx.constraint`` and R igraph's ``constraint()``
    for every graph netz builds (one edge per pair, no self-ties); the tests
    check both on the reference graphs.

    References
    ----------
    .. [1] Burt, R. S. (1992). *Structural Holes: The Social Structure of
       Competition.* Cambridge, MA: Harvard University Press.
       https://doi.org/10.4159/9780674029095
    .. [2] Burt, R. S. (2004). Structural holes and good ideas. *American
       Journal of Sociology* 110(2), 349–399. https://doi.org/10.1086/421787

    Examples
    --------
    A star with centre ``a`` and leaves ``b``, ``c``, ``d``, and a tie ``c–d``:
    ``p_ab = 1/3``; for ``c``, ``p_ac = 1/3`` plus the indirect path through
    ``d``, ``p_ad p_dc = 1/3 · 1/2``, so ``ℓ_ac = (1/3 + 1/6)² = 1/4`` (same for
    ``d``) and ``c_a = 1/9 + 1/4 + 1/4 = 0.6111``. A leaf ``b`` has one contact:
    ``c_b = 1``. ``c`` has contacts ``a`` and ``d`` with ``p = 1/2`` each; through
    ``d``, ``ℓ_ca = (1/2 + 1/2 · 1/2)² = 0.5625``, through ``a`` (who splits
    attention three ways) ``ℓ_cd = (1/2 + 1/2 · 1/3)² = 0.4444``: ``c_c = 1.0069``.

    >>> from netz.core.graph import to_igraph
    >>> from netz.core.model import Actor, Alliance, Tie
    >>> star = Alliance.from_records(
    ...     [Actor(i, i, "initiative") for i in "abcde"],
    ...     [Tie("a", "b"), Tie("a", "c"), Tie("a", "d"), Tie("c", "d")])
    >>> constraint(to_igraph(star)).round(4).to_dict()
    {'a': 0.6111, 'b': 1.0, 'c': 1.0069, 'd': 1.0069, 'e': nan}
    """
    return as_series(_Holes.of(g, weighted).constraint, g, "constraint")


def effective_size(g: ig.Graph, *, weighted: bool | None = None) -> pd.Series:
    r"""Burt's effective size: the number of an actor's contacts, less their redundancy.

    .. math::

       e_i = \sum_{j \in N(i)} \Bigl(1 - \sum_{q \ne i, j} p_{iq}\, m_{jq}\Bigr),
       \qquad m_{jq} = \frac{a_{jq} + a_{qj}}{\max_k (a_{jk} + a_{kj})},

    where :math:`p_{iq}` is *i*'s proportional tie strength to *q* and
    :math:`m_{jq}` the strength of *j*'s tie to *q* relative to *j*'s strongest
    tie. A contact is redundant to the extent that *i*'s other contacts are
    tied to it. For an unweighted, undirected alliance this is Borgatti's
    (1997) simplification

    .. math:: e_i = N_i - \frac{2 t_i}{N_i},

    with :math:`N_i` contacts and :math:`t_i` ties among them; netz computes
    that case with this exact formula.

    Parameters
    ----------
    g : igraph.Graph
        A graph made by :func:`netz.core.graph.to_igraph`.
    weighted : bool or None, optional
        Use tie strengths; ``None`` (default) means "if the alliance is weighted".

    Returns
    -------
    pandas.Series
        Effective size per actor id, named ``effective_size``; between 1 and
        the number of contacts.

    Notes
    -----
    *Direction and weights* as in :func:`constraint`: contacts are in- and
    out-neighbours, strengths of both directions add up, weights are strengths.

    *Isolates*: undefined, ``NaN``. One contact: effective size 1.

    Equal to ``networkx.effective_size`` (tested on all reference graphs).

    References
    ----------
    .. [1] Burt, R. S. (1992). *Structural Holes: The Social Structure of
       Competition.* Harvard University Press. https://doi.org/10.4159/9780674029095
    .. [2] Borgatti, S. P. (1997). Structural holes: unpacking Burt's redundancy
       measures. *Connections* 20(1), 35–38.

    Examples
    --------
    In the star of :func:`constraint` ``a`` has 3 contacts and 1 tie among them
    (``c–d``): ``e_a = 3 − 2·1/3 = 2.3333``. ``c`` has contacts ``a``, ``d``,
    which are tied: ``e_c = 2 − 2·1/2 = 1``.

    >>> from netz.core.graph import to_igraph
    >>> from netz.core.model import Actor, Alliance, Tie
    >>> star = Alliance.from_records(
    ...     [Actor(i, i, "initiative") for i in "abcde"],
    ...     [Tie("a", "b"), Tie("a", "c"), Tie("a", "d"), Tie("c", "d")])
    >>> effective_size(to_igraph(star)).round(4).to_dict()
    {'a': 2.3333, 'b': 1.0, 'c': 1.0, 'd': 1.0, 'e': nan}
    """
    return as_series(_Holes.of(g, weighted).effective_size, g, "effective_size")


def efficiency(g: ig.Graph, *, weighted: bool | None = None) -> pd.Series:
    r"""Burt's efficiency: effective size per contact.

    .. math:: \mathit{eff}_i = \frac{e_i}{N_i},

    with :math:`e_i` the :func:`effective_size` and :math:`N_i` the number of
    *i*'s contacts (distinct in- or out-neighbours).

    Parameters
    ----------
    g : igraph.Graph
        A graph made by :func:`netz.core.graph.to_igraph`.
    weighted : bool or None, optional
        Use tie strengths; ``None`` (default) means "if the alliance is weighted".

    Returns
    -------
    pandas.Series
        Efficiency per actor id, named ``efficiency``; in ``(0, 1]``, 1 when no
        two contacts are tied.

    Notes
    -----
    The denominator counts *contacts*, not tie ends: in a directed alliance a
    reciprocated tie is one contact. (networkx's documentation divides by
    ``G.degree``, which counts it twice; Burt divides by the size of the ego
    network.) Isolates: ``NaN``.

    References
    ----------
    .. [1] Burt, R. S. (1992). *Structural Holes: The Social Structure of
       Competition.* Harvard University Press. https://doi.org/10.4159/9780674029095

    Examples
    --------
    ``a`` in the star of :func:`constraint`: ``2.3333 / 3 = 0.7778``.

    >>> from netz.core.graph import to_igraph
    >>> from netz.core.model import Actor, Alliance, Tie
    >>> star = Alliance.from_records(
    ...     [Actor(i, i, "initiative") for i in "abcde"],
    ...     [Tie("a", "b"), Tie("a", "c"), Tie("a", "d"), Tie("c", "d")])
    >>> efficiency(to_igraph(star)).round(4).to_dict()
    {'a': 0.7778, 'b': 1.0, 'c': 0.5, 'd': 0.5, 'e': nan}
    """
    return as_series(_Holes.of(g, weighted).efficiency, g, "efficiency")


def hierarchy(g: ig.Graph, *, weighted: bool | None = None) -> pd.Series:
    r"""Burt's hierarchy: how much of an actor's constraint comes from one contact.

    .. math::

       h_i = \frac{\sum_{j \in N(i)} r_{ij} \ln r_{ij}}{N_i \ln N_i},
       \qquad r_{ij} = \frac{\ell_{ij}}{c_i / N_i},

    with :math:`\ell_{ij}` the local constraint of contact *j* and
    :math:`c_i` the :func:`constraint` (Burt 1992, p. 71; the Coleman–Theil
    disorder index, as in UCINET). 0 when every contact constrains equally,
    approaching 1 when one contact holds all of it.

    Parameters
    ----------
    g : igraph.Graph
        A graph made by :func:`netz.core.graph.to_igraph`.
    weighted : bool or None, optional
        Use tie strengths; ``None`` (default) means "if the alliance is weighted".

    Returns
    -------
    pandas.Series
        Hierarchy per actor id, named ``hierarchy``, in ``[0, 1)``.

    Notes
    -----
    Undefined (``NaN``) for isolates and for actors with exactly one contact,
    where :math:`N \ln N = 0`. Direction and weights as in :func:`constraint`.
    networkx has no hierarchy; the tests check it against the formula applied
    to networkx's ``local_constraint``.

    References
    ----------
    .. [1] Burt, R. S. (1992). *Structural Holes: The Social Structure of
       Competition.* Harvard University Press, p. 71.
       https://doi.org/10.4159/9780674029095

    Examples
    --------
    ``a`` in the star of :func:`constraint`: local constraints ``1/9, 1/4, 1/4``,
    mean ``c_a/3 = 0.2037``, so ``r = 0.5455, 1.2273, 1.2273`` and
    ``h_a = (0.5455 ln 0.5455 + 2 · 1.2273 ln 1.2273) / (3 ln 3) = 0.1721 / 3.2958
    = 0.0522``. For ``c``, ``r = 1.1172, 0.8828`` and ``h_c = 0.0137 / (2 ln 2) = 0.0099``.

    >>> from netz.core.graph import to_igraph
    >>> from netz.core.model import Actor, Alliance, Tie
    >>> star = Alliance.from_records(
    ...     [Actor(i, i, "initiative") for i in "abcde"],
    ...     [Tie("a", "b"), Tie("a", "c"), Tie("a", "d"), Tie("c", "d")])
    >>> hierarchy(to_igraph(star)).round(4).to_dict()
    {'a': 0.0522, 'b': nan, 'c': 0.0099, 'd': 0.0099, 'e': nan}
    """
    return as_series(_Holes.of(g, weighted).hierarchy, g, "hierarchy")


def holes_table(g: ig.Graph, *, weighted: bool | None = None,
                triangle_list: np.ndarray | None = None) -> pd.DataFrame:
    """All four structural-hole measures in one table, computed from one pass.

    Parameters
    ----------
    g : igraph.Graph
        A graph made by :func:`netz.core.graph.to_igraph`.
    weighted : bool or None, optional
        Use tie strengths; ``None`` (default) means "if the alliance is weighted".
    triangle_list : numpy.ndarray, optional
        :func:`netz.core.metrics._base.triangles` of ``g``, when the caller has listed them
        for other metrics too (:func:`netz.core.metrics.metric_tables`); listed here if not.

    Returns
    -------
    pandas.DataFrame
        Indexed by actor id, with the columns ``constraint``,
        ``effective_size``, ``efficiency`` and ``hierarchy`` (see each
        function); ``NaN`` where a measure is undefined.

    Examples
    --------
    >>> from netz.core.graph import to_igraph
    >>> from netz.core.model import Actor, Alliance, Tie
    >>> path = Alliance.from_records(
    ...     [Actor(i, i, "church") for i in "abc"], [Tie("a", "b"), Tie("b", "c")])
    >>> holes_table(to_igraph(path)).loc["b"].to_dict()
    {'constraint': 0.5, 'effective_size': 2.0, 'efficiency': 1.0, 'hierarchy': 0.0}
    """
    holes = _Holes.of(g, weighted, triangle_list)
    return pd.DataFrame(
        {
            "constraint": holes.constraint,
            "effective_size": holes.effective_size,
            "efficiency": holes.efficiency,
            "hierarchy": holes.hierarchy,
        },
        index=pd.Index(g.vs["name"], name="id"),
    )


#: Up to this many actor pairs (n²; 8 bytes each), :class:`_Holes` finds a pair by a table
#: instead of a binary search: 2,000 actors, 32 MB.
DIRECT_LOOKUP_MAX = 4_000_000


@dataclass(frozen=True)
class _Holes:
    """Mutual strengths as a symmetric CSR array and the triangles they form.

    ``mutual[i, j] = a_ij + a_ji``. Every quantity below is a vector over the
    actors or over the stored entries (the contact pairs ``(i, j)``) of
    ``mutual``; the row-major order of a canonical CSR array makes the key
    ``i * n + j`` of its entries sorted, so a pair is found by binary search.
    """

    mutual: sp.csr_array
    triangles: np.ndarray  # (t, 3) vertex positions
    borgatti: bool  # unweighted and undirected: Borgatti's exact formula applies

    @classmethod
    def of(cls, g: ig.Graph, weighted: bool | None, triangle_list: np.ndarray | None = None) -> _Holes:
        n = g.vcount()
        edges = edge_array(g)
        use_weights = is_weighted(g, weighted)
        strength = np.asarray(g.es["weight"], dtype=float) if use_weights else np.ones(len(edges))
        keep = edges[:, 0] != edges[:, 1]  # netz has no self-ties; a foreign graph might
        edges, strength = edges[keep], strength[keep]
        rows = np.concatenate([edges[:, 0], edges[:, 1]])
        cols = np.concatenate([edges[:, 1], edges[:, 0]])
        # COO -> CSR sums the two directions of a reciprocated tie into one entry.
        mutual = sp.csr_array(
            sp.coo_array((np.concatenate([strength, strength]), (rows, cols)), shape=(n, n))
        )
        mutual.sum_duplicates()
        mutual.sort_indices()
        # Triangles ignore direction and multiplicity: those of the contact network.
        found = triangles(g) if triangle_list is None else triangle_list
        return cls(mutual, found, borgatti=not use_weights and not g.is_directed())

    # -- per actor and per contact pair ---------------------------------

    @cached_property
    def contacts(self) -> np.ndarray:
        return np.diff(self.mutual.indptr)

    @cached_property
    def row(self) -> np.ndarray:
        """The ego ``i`` of each stored pair ``(i, j)``."""
        return np.repeat(np.arange(self.mutual.shape[0]), self.contacts)

    @cached_property
    def keys(self) -> np.ndarray:
        return self.row * self.mutual.shape[0] + self.mutual.indices

    @cached_property
    def total_strength(self) -> np.ndarray:
        return np.bincount(self.row, weights=self.mutual.data, minlength=self.mutual.shape[0])

    @cached_property
    def max_strength(self) -> np.ndarray:
        """Each actor's strongest mutual tie (0 without contacts); rows are contiguous in CSR."""
        strongest = np.zeros(self.mutual.shape[0])
        filled = self.contacts > 0
        if filled.any():
            strongest[filled] = np.maximum.reduceat(self.mutual.data, self.mutual.indptr[:-1][filled])
        return strongest

    @cached_property
    def _positions(self) -> np.ndarray | None:
        """Where each key ``i * n + j`` is stored, as a table over all n² keys when that is small
        (:data:`DIRECT_LOOKUP_MAX`): a dense network has millions of two-paths, and a lookup per
        two-path by binary search took most of the report's time; ``None``: search instead."""
        n = self.mutual.shape[0]
        if n * n > DIRECT_LOOKUP_MAX:
            return None
        table = np.zeros(n * n, dtype=np.int64)
        table[self.keys] = np.arange(len(self.keys))
        return table

    def _find(self, keys: np.ndarray) -> np.ndarray:
        """The positions in ``mutual.data`` of stored pairs, by key."""
        positions = self._positions
        return positions[keys] if positions is not None else np.searchsorted(self.keys, keys)

    def _p(self, i: np.ndarray, j: np.ndarray) -> np.ndarray:
        """p_ij for pairs known to be contacts."""
        return self.mutual.data[self._find(i * self.mutual.shape[0] + j)] / self.total_strength[i]

    @cached_property
    def _ordered(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Each triangle six times as (ego i, contact j, shared contact q)."""
        x, y, z = self.triangles.T
        return (
            np.concatenate([x, y, x, z, y, z]),
            np.concatenate([y, x, z, x, z, y]),
            np.concatenate([z, z, y, y, x, x]),
        )

    @cached_property
    def local_constraint(self) -> np.ndarray:
        """ℓ_ij for every stored pair: (p_ij + Σ_q p_iq p_qj)², q over shared contacts."""
        i, j, q = self._ordered
        n = self.mutual.shape[0]
        indirect = np.bincount(
            self._find(i * n + j),
            weights=self._p(i, q) * self._p(q, j),
            minlength=len(self.keys),
        )
        direct = self.mutual.data / self.total_strength[self.row]
        return (direct + indirect) ** 2

    # -- the measures -----------------------------------------------------

    @cached_property
    def constraint(self) -> np.ndarray:
        n = self.mutual.shape[0]
        values = np.bincount(self.row, weights=self.local_constraint, minlength=n)
        return np.where(self.contacts > 0, values, np.nan)

    @cached_property
    def effective_size(self) -> np.ndarray:
        n = self.mutual.shape[0]
        contacts = self.contacts.astype(float)
        with np.errstate(divide="ignore", invalid="ignore"):
            if self.borgatti:
                # Each triangle at i is one tie among i's contacts.
                ties_among = np.bincount(self.triangles.ravel(), minlength=n)
                values = contacts - 2.0 * ties_among / contacts
            else:
                i, j, q = self._ordered
                keys_jq = j * n + q
                m_jq = self.mutual.data[self._find(keys_jq)] / self.max_strength[j]
                redundancy = np.bincount(i, weights=self._p(i, q) * m_jq, minlength=n)
                values = contacts - redundancy
        return np.where(self.contacts > 0, values, np.nan)

    @cached_property
    def efficiency(self) -> np.ndarray:
        with np.errstate(divide="ignore", invalid="ignore"):
            return self.effective_size / self.contacts

    @cached_property
    def hierarchy(self) -> np.ndarray:
        n = self.mutual.shape[0]
        contacts = self.contacts.astype(float)
        with np.errstate(divide="ignore", invalid="ignore"):
            ratio = self.local_constraint / (self.constraint / contacts)[self.row]
            disorder = np.bincount(self.row, weights=ratio * np.log(ratio), minlength=n)
            values = disorder / (contacts * np.log(contacts))
        return np.where(self.contacts > 1, values, np.nan)
