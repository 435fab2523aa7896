"""Partner surveys: turn what each member reports about its partners into the alliance's ties.

A survey asks every actor of the roster ("Mit wem hat Ihre Organisation in den letzten 12 Monaten
zusammengearbeitet?") and, for each partner it names, the kind of cooperation, how often, and
optionally PARTNER-style ratings of that partner (Varda et al. 2008): value (power/influence,
level of involvement, resource contribution) and trust (reliability, support of the mission,
openness to discussion), 1–4 each.

The answers are a **tie-report table**, one row per (reporter, partner) with the columns of
:data:`REPORT_COLUMNS`, plus the list of **respondents** (who answered; a respondent who named
nobody still answered: "no partner" is an answer, not a missing one). This module

- builds ties by a rule (:func:`merge`: ``union``, ``confirmed`` or ``reporter``), ratings
  combined by ``mean``, ``min`` or ``max``, optionally reconstructing non-respondents' ties;
- lists where the two sides disagree (:func:`disagreements`);
- gives figures that know about non-response (:func:`response_rate`, :func:`observed_density`
  as ``sna::gden`` computes it with missing dyads, :func:`unknown_dyads`, :func:`caveats`);
- scores value and trust per actor and for the network (:func:`partner_scores`);
- reads answers exported from other tools as a long table (:func:`from_long`).

Every definition is in ``docs/metrics.md`` ("Partner surveys").
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any, TypeGuard, cast

import numpy as np
import pandas as pd

from netz.core.errors import InputError, Problem, UnknownNameError

__all__ = [
    "COMBINE",
    "FREQUENCIES",
    "KINDS",
    "RATING_ITEMS",
    "REPORT_COLUMNS",
    "RULES",
    "TRUST_ITEMS",
    "VALUE_ITEMS",
    "caveats",
    "disagreements",
    "from_long",
    "merge",
    "observed_density",
    "partner_scores",
    "recorded_unknown",
    "reports_frame",
    "respondents_renamed",
    "response_rate",
    "unknown_dyads",
    "unknown_ties",
    "wave_response",
    "with_wave_response",
]

RULES = ("union", "confirmed", "reporter")
COMBINE = ("mean", "min", "max")
#: Kinds of cooperation a respondent can tick (the message catalogue words them: ``survey.kind.*``).
KINDS = ("information", "resources", "joint_project", "referral", "other")
#: How often, as a step 1–4 (``survey.frequency.1`` … ``.4``): less than monthly, monthly, weekly, daily.
FREQUENCIES = (1, 2, 3, 4)
VALUE_ITEMS = ("value_power", "value_involvement", "value_resources")
TRUST_ITEMS = ("trust_reliability", "trust_mission", "trust_openness")
RATING_ITEMS = VALUE_ITEMS + TRUST_ITEMS
REPORT_COLUMNS = ("reporter", "partner", "kind", "frequency", *RATING_ITEMS)
#: A trust score at or above this (on 1–4) counts as high trust.
HIGH_TRUST = 3.0
#: Below this response rate, fragile figures carry a caveat.
CAVEAT_RESPONSE_RATE = 0.8
#: Figures that change much when a few actors' ties are missing (Borgatti, Carley & Krackhardt 2006).
FRAGILE_FIGURES = ("betweenness", "centralization", "cut_points")
#: The alliance metadata that says which waves came from a survey, how many answered and who
#: (actor ids: organisations, not people), and how its ties were built:
#: ``{"2027": {"answered": 2, "asked": 3, "respondents": ["a", "b"], "nonrespondents": ["c"],
#: "rule": "union", "reconstruct": false}}``; for the rule ``confirmed`` without reconstruction
#: also ``one_sided``, the pairs [reporter, partner] named where one side did not answer (whose
#: state the answers cannot tell). Entries recorded before the ids were kept have the counts only.
RESPONSE_META = "survey_response"


def reports_frame(
    rows: Iterable[dict[str, Any]] | pd.DataFrame, roster: Sequence[str], *, file: str | None = None
) -> pd.DataFrame:
    """A checked tie-report table: known actors, no self-reports, ratings 1–4, one row per pair.

    ``kind`` is a ``;``-separated list of :data:`KINDS`. Raises :class:`~netz.core.errors.InputError`
    naming every bad row and column.

    >>> frame = reports_frame([{"reporter": "a", "partner": "b", "frequency": 2}], ["a", "b"])
    >>> frame[["reporter", "partner"]]
      reporter partner
    0        a       b
    """
    frame = rows.copy() if isinstance(rows, pd.DataFrame) else pd.DataFrame(list(rows))
    for column in REPORT_COLUMNS:
        if column not in frame.columns:
            frame[column] = None
    frame = frame[list(REPORT_COLUMNS)].reset_index(drop=True)
    # Vectorised checks over the whole table (a survey has tens of thousands of reports); the
    # rows found bad are then named one by one, in row and column order.
    found: list[tuple[int, int, Problem]] = []  # (row, column's place, problem)
    reporter, partner = _text(frame["reporter"]), _text(frame["partner"])
    for place, (column, actors) in enumerate((("reporter", reporter), ("partner", partner))):
        for i, actor in actors[~actors.isin(set(roster))].items():
            row = cast(int, i)
            text = f"'{actor}' is not an actor of the roster"
            found.append((row, place, Problem(text, file, row + 2, column)))
    for i in frame.index[(reporter == partner) & (reporter != "")]:
        found.append((i, 1, Problem("an actor cannot name itself", file, i + 2, "partner")))
    pairs = pd.DataFrame({"reporter": reporter, "partner": partner})
    for i in frame.index[pairs.duplicated()]:
        found.append((i, 1, Problem(f"'{reporter[i]}' names '{partner[i]}' twice", file, i + 2, "partner")))
    kinds = _kind_lists(frame["kind"])
    each = kinds.str.split(";").explode()
    for i, kind in each[each.notna() & ~each.isin(KINDS)].items():
        row = cast(int, i)
        found.append((row, 2, Problem(
            f"unknown kind '{kind}' (expected one of {', '.join(KINDS)})", file, row + 2, "kind")))
    steps: dict[str, pd.Series] = {}
    for place, column in enumerate(("frequency", *RATING_ITEMS), start=3):
        values = frame[column]
        number = pd.to_numeric(values, errors="coerce")
        blank = values.isna() | (values.astype(str).str.strip() == "")
        for i in frame.index[~blank & ~number.isin((1, 2, 3, 4))]:
            found.append((i, place, Problem(f"'{values[i]}' is not a step from 1 to 4", file, i + 2, column)))
        steps[column] = number.astype(float)
    if found:
        raise InputError([problem for _, _, problem in sorted(found, key=lambda f: (f[0], f[1]))])
    return frame.assign(reporter=reporter, partner=partner, kind=kinds, **steps)


def from_long(long: pd.DataFrame, roster: Sequence[str], *, file: str | None = None) -> pd.DataFrame:
    """The tie-report table from answers exported as a long table: reporter, partner, item, value.

    ``item`` is ``named`` (the partner is named; value ignored), ``kind`` (one row per kind),
    ``frequency`` or one of :data:`RATING_ITEMS`. Any row names the partner. Items that are not
    these are an error naming the row.

    >>> long = pd.DataFrame({"reporter": ["a", "a", "a"], "partner": ["b", "b", "b"],
    ...                      "item": ["kind", "kind", "trust_reliability"],
    ...                      "value": ["information", "referral", "4"]})
    >>> row = from_long(long, ["a", "b"]).iloc[0]
    >>> row["kind"], float(row["trust_reliability"])
    ('information;referral', 4.0)
    """
    missing = [c for c in ("reporter", "partner", "item", "value") if c not in long.columns]
    if missing:
        raise InputError(
            Problem(
                f"missing column(s) {', '.join(missing)} (expected reporter, partner, item, value)",
                file,
                None,
                missing[0],
            )
        )
    items = ("named", "kind", "frequency", *RATING_ITEMS)
    rows: dict[tuple[str, str], dict[str, Any]] = {}
    problems: list[Problem] = []
    for i, record in enumerate(long.to_dict("records")):
        item = str(record["item"]).strip()
        if item not in items:
            problems.append(
                Problem(f"unknown item '{item}' (expected one of {', '.join(items)})", file, i + 2, "item")
            )
            continue
        pair = (str(record["reporter"]).strip(), str(record["partner"]).strip())
        row = rows.setdefault(pair, {"reporter": pair[0], "partner": pair[1], "kind": []})
        if item == "kind":
            row["kind"].append(str(record["value"]).strip())
        elif item != "named":
            row[item] = record["value"]
    if problems:
        raise InputError(problems)
    wide = [{**r, "kind": ";".join(r["kind"]) or None} for r in rows.values()]
    return reports_frame(wide, roster, file=file)


def response_rate(roster: Sequence[str], respondents: Iterable[str]) -> float | None:
    """Share of the roster that answered; ``None`` for an empty roster.

    >>> response_rate(["a", "b", "c", "d"], ["a", "c", "c"])
    0.5
    """
    if not roster:
        return None
    return len(set(respondents) & set(roster)) / len(set(roster))


def wave_response(meta: Mapping[str, Any], wave: str | None) -> tuple[int, int] | None:
    """``(answered, asked)`` of the survey a wave's ties came from, read from the alliance's
    metadata (:data:`RESPONSE_META`); ``None`` for a wave that did not come from a survey, for
    no wave, and for an entry that is not two whole numbers 0 ≤ answered ≤ asked (metadata can
    be edited by hand, and a wrong entry must not break a report).

    >>> wave_response({"survey_response": {"2027": {"answered": 9, "asked": 12}}}, "2027")
    (9, 12)
    >>> wave_response({"survey_response": {"2027": {"answered": 9, "asked": 12}}}, "2026") is None
    True
    """
    entry = _recorded(meta, wave)
    if entry is None:
        return None
    answered, asked = entry.get("answered"), entry.get("asked")
    whole = all(isinstance(n, int) and not isinstance(n, bool) for n in (answered, asked))
    return (answered, asked) if whole and 0 <= answered <= asked else None  # type: ignore[operator,return-value]


def with_wave_response(
    meta: Mapping[str, Any], wave: str, reports: pd.DataFrame, roster: Sequence[str],
    respondents: Iterable[str], *, rule: str = "union", reconstruct: bool = False,
) -> dict[str, Any]:
    """The metadata with the response of the survey behind ``wave`` recorded (see :data:`RESPONSE_META`):
    the counts for :func:`wave_response`, and who answered and how the ties were built, so that a
    later diff of the stored waves knows which pairs are unknown (:func:`recorded_unknown`).

    >>> r = reports_frame([{"reporter": "a", "partner": "b"}], ["a", "b", "c"])
    >>> with_wave_response({"name": "B"}, "2027", r, ["a", "b", "c"], ["a", "b"])["survey_response"]
    {'2027': {'answered': 2, 'asked': 3, 'respondents': ['a', 'b'], 'nonrespondents': ['c'], \
'rule': 'union', 'reconstruct': False}}
    """
    answered = set(respondents)
    entry: dict[str, Any] = {
        "answered": len(answered), "asked": len(roster), "respondents": sorted(answered),
        "nonrespondents": [actor for actor in roster if actor not in answered],
        "rule": rule, "reconstruct": reconstruct,
    }
    if rule == "confirmed" and not reconstruct:  # the only rule whose unknown pairs need the reports
        one_side = reports["reporter"].isin(answered) != reports["partner"].isin(answered)
        entry["one_sided"] = reports.loc[one_side, ["reporter", "partner"]].to_numpy().tolist()
    entries = meta.get(RESPONSE_META)
    known = dict(entries) if isinstance(entries, Mapping) else {}
    return {**meta, RESPONSE_META: {**known, str(wave): entry}}


def recorded_unknown(
    meta: Mapping[str, Any], wave: str | None, *, directed: bool
) -> list[tuple[str, str]] | None:
    """The pairs whose state in ``wave`` its survey's answers cannot tell (:func:`unknown_ties`),
    rebuilt from the response recorded at the survey's close (:func:`with_wave_response`);
    ``None`` for a wave not from a survey, an entry with counts only, or one edited into
    something else (metadata can be edited by hand: a wrong entry must not break a diff).

    >>> r = reports_frame([{"reporter": "a", "partner": "b"}], ["a", "b", "c", "d"])
    >>> meta = with_wave_response({}, "2027", r, ["a", "b", "c", "d"], ["a", "b"])
    >>> recorded_unknown(meta, "2027", directed=False)
    [('c', 'd')]
    """
    entry = _recorded(meta, wave)
    if entry is None:
        return None
    respondents, silent = entry.get("respondents"), entry.get("nonrespondents")
    rule, reconstruct = entry.get("rule"), entry.get("reconstruct")
    one_sided = entry.get("one_sided", [])
    if not (_ids(respondents) and _ids(silent) and rule in RULES and isinstance(reconstruct, bool)
            and isinstance(one_sided, list)):
        return None
    roster = [*respondents, *silent]
    pairs_known = all(isinstance(p, list) and len(p) == 2 and all(a in roster for a in p) for p in one_sided)
    if len(set(roster)) != len(roster) or not pairs_known:
        return None
    reports = pd.DataFrame(one_sided, columns=["reporter", "partner"], dtype=object)
    return unknown_ties(reports, roster, respondents, rule=rule, reconstruct=reconstruct, directed=directed)


def respondents_renamed(meta: Mapping[str, Any], rename: Mapping[str, str]) -> dict[str, Any]:
    """The metadata with the recorded responses' actor ids renamed by ``rename`` (the pseudonyms
    of a de-identified alliance, :func:`netz.analysis.privacy.deidentify`), so that its diff of
    stored waves still knows the unknown pairs; with an id ``rename`` does not know, the counts only.
    (The views researchers and funders are given leave the record out:
    :func:`netz.analysis.privacy.shared_meta`.)

    >>> meta = {"survey_response": {"2027": {"answered": 1, "asked": 2, "respondents": ["a"],
    ...                                      "nonrespondents": ["b"], "rule": "union", "reconstruct": False}}}
    >>> respondents_renamed(meta, {"a": "A-1"})
    {'survey_response': {'2027': {'answered': 1, 'asked': 2}}}
    >>> respondents_renamed(meta, {"a": "A-1", "b": "A-2"})["survey_response"]["2027"]["nonrespondents"]
    ['A-2']
    """
    entries = meta.get(RESPONSE_META)
    if not isinstance(entries, Mapping):
        return dict(meta)

    def renamed(entry: object) -> object:
        if not isinstance(entry, Mapping):
            return entry
        counts = {k: v for k, v in entry.items() if k in ("answered", "asked")}
        respondents, silent = entry.get("respondents"), entry.get("nonrespondents")
        pairs = entry.get("one_sided", [])
        lists = [respondents, silent, *(pairs if isinstance(pairs, list) else [None])]
        if not all(_ids(v) and all(i in rename for i in v) for v in lists):
            return counts
        return {**entry, "respondents": [rename[i] for i in respondents or ()],
                "nonrespondents": [rename[i] for i in silent or ()],
                **({"one_sided": [[rename[i] for i in p] for p in pairs]} if "one_sided" in entry else {})}

    return {**meta, RESPONSE_META: {wave: renamed(entry) for wave, entry in entries.items()}}


def _recorded(meta: Mapping[str, Any], wave: str | None) -> Mapping[str, Any] | None:
    """The response recorded for ``wave`` (:data:`RESPONSE_META`), if there is one as a mapping."""
    entries = meta.get(RESPONSE_META)
    entry = entries.get(str(wave)) if isinstance(entries, Mapping) and wave is not None else None
    return entry if isinstance(entry, Mapping) else None


def _ids(value: object) -> TypeGuard[list[str]]:
    """Whether ``value`` is a list of actor ids (strings)."""
    return isinstance(value, list) and all(isinstance(v, str) for v in value)


def merge(
    reports: pd.DataFrame,
    roster: Sequence[str],
    respondents: Iterable[str],
    *,
    rule: str = "union",
    combine: str = "mean",
    reconstruct: bool = False,
) -> pd.DataFrame:
    """The alliance's ties built from the reports by a rule.

    ``union``
        an undirected tie when either side names the other (the default: a partner who did not
        answer keeps the ties others report about it, so a response rate below 100 % loses the
        fewest ties; Stork & Richards 1992 show that dropping non-respondents distorts more than
        using what others say about them).
    ``confirmed``
        an undirected tie only when both name each other (stricter; use it when nearly everyone
        answered). With ``reconstruct`` a tie a respondent reports with a non-respondent counts
        as confirmed (the missing answer is taken to mirror the respondent's, Huisman 2009).
    ``reporter``
        a directed tie for every report, reporter → partner. With ``reconstruct`` a
        non-respondent *i* gets the tie *i* → *j* for every respondent *j* naming it
        (reconstruction, Stork & Richards 1992).

    Ties between two non-respondents stay unknown: no rule makes them. ``weight`` is the
    frequency step (1–4; 1 when nobody said), ``kind`` the kinds named by either side, ``value``
    and ``trust`` the mean of the three items of a report; the two reports of an undirected tie
    are combined by ``combine`` (a side that rated nothing is left out).

    Returns a tie table: source, target, weight, kind, value, trust (source < target for
    undirected ties, in roster order).

    >>> r = reports_frame([{"reporter": "a", "partner": "b"}, {"reporter": "b", "partner": "a"},
    ...                    {"reporter": "a", "partner": "c"}], ["a", "b", "c"])
    >>> merge(r, ["a", "b", "c"], ["a", "b", "c"], rule="confirmed")[["source", "target"]].values.tolist()
    [['a', 'b']]
    >>> len(merge(r, ["a", "b", "c"], ["a", "b", "c"], rule="union"))
    2
    """
    if rule not in RULES:
        raise UnknownNameError("error.name.rule", name=rule, accepted=RULES, parameter="rule")
    if combine not in COMBINE:
        raise UnknownNameError("error.name.combine", name=combine, accepted=COMBINE, parameter="combine")
    answered = set(respondents)
    order = {actor: i for i, actor in enumerate(roster)}
    scored = _scored(reports)
    if rule == "reporter":
        ties = scored
        if reconstruct:
            about_silent = scored[~scored["partner"].isin(answered) & scored["reporter"].isin(answered)]
            mirrored = about_silent.rename(columns={"reporter": "partner", "partner": "reporter"})
            ties = pd.concat([ties, mirrored[ties.columns]], ignore_index=True)
        out = ties.rename(columns={"reporter": "source", "partner": "target"})
        return _tie_table(out)
    first = scored["reporter"].map(order).fillna(-1) <= scored["partner"].map(order).fillna(-1)
    scored = scored.assign(
        source=np.where(first, scored["reporter"], scored["partner"]),
        target=np.where(first, scored["partner"], scored["reporter"]),
    )
    groups = scored.groupby(["source", "target"], sort=False)
    sides = groups["reporter"].transform("size")
    if rule == "confirmed":
        silent = ~scored["source"].isin(answered) | ~scored["target"].isin(answered)
        scored = scored[(sides == 2) | (silent & reconstruct)]
    # the kinds named by either side: one flag per kind, "any" per pair, back to sorted names
    named = _kind_flags(scored["kind"])
    how: dict[str, Any] = {"weight": combine, "value": combine, "trust": combine}
    how.update(dict.fromkeys(named, "max"))
    out = scored.assign(**named).groupby(["source", "target"], sort=False).agg(how).reset_index()
    return _tie_table(out.assign(kind=_kind_names(out[list(named)])))


def disagreements(
    reports: pd.DataFrame, respondents: Iterable[str], *, steps: float = 2.0
) -> list[dict[str, Any]]:
    """Where the two sides of a pair, both respondents, disagree.

    ``{"type": "unconfirmed", "reporter": a, "partner": b}``: *a* names *b*, *b* (who answered)
    does not name *a*. ``{"type": "frequency" | "trust", "a": ..., "b": ..., "a_says": x,
    "b_says": y}``: both name each other but their frequency steps, or their trust in each other,
    differ by ``steps`` or more. A pair with a non-respondent is missing data, not a disagreement.
    """
    answered = set(respondents)
    scored = _scored(reports)
    back = scored[["reporter", "partner", "weight_reported", "trust"]].rename(
        columns={"reporter": "partner", "partner": "reporter",
                 "weight_reported": "weight_back", "trust": "trust_back"}
    )
    # reports about respondents, each with the other side's report about the reporter (if any)
    pairs = scored[scored["partner"].isin(answered)].merge(
        back, on=["reporter", "partner"], how="left", indicator="sides"
    )
    found: list[tuple[int, int, dict[str, Any]]] = []  # (report's place, order, finding)
    alone = pairs[pairs["sides"] == "left_only"]
    found += [
        (i, 0, {"type": "unconfirmed", "reporter": r, "partner": p})
        for i, r, p in zip(alone.index, alone["reporter"], alone["partner"], strict=True)
    ]
    mutual = pairs[(pairs["sides"] == "both") & (pairs["reporter"] < pairs["partner"])]  # each pair once
    for order, (name, mine, theirs) in enumerate(
        (("frequency", "weight_reported", "weight_back"), ("trust", "trust", "trust_back"))
    ):
        far = mutual[(mutual[mine] - mutual[theirs]).abs() >= steps]  # NaN on either side: no finding
        found += [
            (i, order, {"type": name, "a": a, "b": b, "a_says": float(x), "b_says": float(y)})
            for i, a, b, x, y in zip(far.index, far["reporter"], far["partner"], far[mine], far[theirs],
                                     strict=True)
        ]
    return [finding for _, _, finding in sorted(found, key=lambda f: (f[0], f[1]))]


def observed_density(
    reports: pd.DataFrame,
    roster: Sequence[str],
    respondents: Iterable[str],
    *,
    rule: str = "union",
    reconstruct: bool = False,
) -> float | None:
    """Density over the dyads whose state is known, as ``sna::gden`` counts with missing edges.

    With *R* the report matrix (R_ij = 1 when i names j), the network of a rule has
    an entry per ordered pair (``reporter``) or per pair (``union``, ``confirmed``); an entry is
    **missing** when the answers cannot tell:

    - ``reporter``: every entry of a non-respondent's row; with ``reconstruct`` (*i*'s row is
      taken from the column of reports about *i*) only those towards other non-respondents;
    - ``union``: a pair of two non-respondents;
    - ``confirmed``: a pair of two non-respondents, and a pair of a non-respondent and a
      respondent who names it (the confirmation is unknown); with ``reconstruct`` only the former.

    Density = ties / (dyads − missing dyads), diagonal excluded. ``None`` when no dyad is
    observed. Equal to ``sna::gden(m, mode="digraph" | "graph")`` for the matrix with ``NA``
    entries (tests/fixtures/r/sna_gden_missing.R).

    >>> r = reports_frame([{"reporter": "a", "partner": "b"}], ["a", "b", "c"])
    >>> observed_density(r, ["a", "b", "c"], ["a"], rule="union")  # b-c unknown: 1 tie of 2 dyads
    0.5
    """
    adjacency, missing, keep = _dyads(reports, roster, respondents, rule=rule, reconstruct=reconstruct)
    observed = keep & ~missing
    count = int(observed.sum())
    return float(adjacency[observed].sum() / count) if count else None


def unknown_dyads(
    reports: pd.DataFrame,
    roster: Sequence[str],
    respondents: Iterable[str],
    *,
    rule: str = "union",
    reconstruct: bool = False,
) -> list[tuple[str, str]]:
    """The dyads whose state the answers cannot tell (the missing entries of
    :func:`observed_density`), as (source, target): ordered for ``reporter``, for the other rules
    each pair once with the smaller id (by string) first, as :mod:`netz.analysis.waves` compares ties.

    No rule makes a tie there, and none is absent either: a wave diff must not call an earlier
    tie there lost (:func:`netz.analysis.waves.diff_analyses`' ``unknown``).

    >>> r = reports_frame([{"reporter": "a", "partner": "b"}], ["a", "b", "c", "d"])
    >>> unknown_dyads(r, ["a", "b", "c", "d"], ["a", "b"])
    [('c', 'd')]
    """
    _, missing, keep = _dyads(reports, roster, respondents, rule=rule, reconstruct=reconstruct)
    ids = np.asarray(roster, dtype=object)
    rows, columns = np.nonzero(keep & missing)
    pairs = zip(ids[rows].tolist(), ids[columns].tolist(), strict=True)
    if rule == "reporter":
        return list(pairs)
    return sorted((s, t) if s <= t else (t, s) for s, t in pairs)


def unknown_ties(
    reports: pd.DataFrame,
    roster: Sequence[str],
    respondents: Iterable[str],
    *,
    rule: str = "union",
    reconstruct: bool = False,
    directed: bool = False,
) -> list[tuple[str, str]]:
    """:func:`unknown_dyads` as an alliance's ties are compared (:mod:`netz.analysis.waves`): in a
    directed alliance an undirected rule's pair in both directions, as its ties are added.

    >>> r = reports_frame([{"reporter": "a", "partner": "b"}], ["a", "b", "c", "d"])
    >>> unknown_ties(r, ["a", "b", "c", "d"], ["a", "b"], directed=True)
    [('c', 'd'), ('d', 'c')]
    """
    unknown = unknown_dyads(reports, roster, respondents, rule=rule, reconstruct=reconstruct)
    if directed and rule != "reporter":
        unknown += [(t, s) for s, t in unknown]
    return unknown


def _dyads(
    reports: pd.DataFrame, roster: Sequence[str], respondents: Iterable[str], *, rule: str, reconstruct: bool
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The network of a rule as roster × roster matrices: ties, missing entries, entries counted
    (off the diagonal; above it for the undirected rules)."""
    n = len(roster)
    index = {actor: i for i, actor in enumerate(roster)}
    answered = np.isin(np.asarray(roster, dtype=object), list(set(respondents)))
    named = np.zeros((n, n), dtype=bool)
    named[reports["reporter"].map(index).to_numpy(int), reports["partner"].map(index).to_numpy(int)] = True
    silent_pair = ~answered[:, None] & ~answered[None, :]
    if rule == "reporter":
        adjacency = named | (named.T & ~answered[:, None]) if reconstruct else named
        missing = silent_pair if reconstruct else np.repeat(~answered[:, None], n, axis=1)
        keep = ~np.eye(n, dtype=bool)
    else:
        either = named | named.T
        one_silent = ~answered[:, None] ^ ~answered[None, :]
        if rule == "union":
            adjacency, missing = either, silent_pair
        elif reconstruct:
            adjacency, missing = (named & named.T) | (either & one_silent), silent_pair
        else:
            adjacency, missing = named & named.T, silent_pair | (either & one_silent)
        keep = np.triu(np.ones((n, n), dtype=bool), k=1)
    return adjacency, missing, keep


def partner_scores(reports: pd.DataFrame) -> tuple[pd.DataFrame, dict[str, float | None]]:
    """PARTNER's value and trust scores: per actor as rated by its partners, and for the network.

    A report's value is the mean of its three value items, its trust the mean of its three trust
    items (items left blank are left out). An actor's ``value`` / ``trust`` is the mean over the
    reports *about* it; ``ratings`` counts them. The network's ``value`` and ``trust`` are the
    means over all reports, and ``high_trust_share`` the share of rated reports with trust
    ≥ 3 on the 1–4 scale (Varda et al. 2008; Varda & Retrum 2012).

    >>> r = reports_frame([{"reporter": "a", "partner": "b", "trust_reliability": 4, "trust_mission": 3},
    ...                    {"reporter": "c", "partner": "b", "trust_reliability": 2}], ["a", "b", "c"])
    >>> actors, network = partner_scores(r)
    >>> float(actors.loc["b", "trust"]), network["high_trust_share"]
    (2.75, 0.5)
    """
    scored = _scored(reports)
    per_actor = scored.groupby("partner").agg(
        value=("value", "mean"), trust=("trust", "mean"), ratings=("trust", "size")
    )
    per_actor.index.name = "actor"
    rated = scored["trust"].dropna()
    network = {
        "value": _mean(scored["value"]),
        "trust": _mean(scored["trust"]),
        "high_trust_share": float((rated >= HIGH_TRUST).mean()) if len(rated) else None,
    }
    return per_actor, network


def caveats(rate: float | None) -> list[dict[str, Any]]:
    """Findings (message key + params) for figures that are fragile at this response rate.

    >>> [c["figure"] for c in caveats(0.6)]
    ['betweenness', 'centralization', 'cut_points']
    >>> caveats(0.85)
    []
    """
    if rate is None or rate >= CAVEAT_RESPONSE_RATE:
        return []
    return [
        {"figure": figure, "message": f"survey.caveat.{figure}", "params": {"rate": rate}}
        for figure in FRAGILE_FIGURES
    ]


def _scored(reports: pd.DataFrame) -> pd.DataFrame:
    """Per report: reporter, partner, kind, weight (frequency, 1 when unsaid), value, trust."""
    return pd.DataFrame(
        {
            "reporter": reports["reporter"].astype(str).to_numpy(),
            "partner": reports["partner"].astype(str).to_numpy(),
            "kind": reports["kind"].to_numpy(),
            "weight": reports["frequency"].fillna(1.0).to_numpy(dtype=float),
            "weight_reported": reports["frequency"].to_numpy(dtype=float),
            "value": reports[list(VALUE_ITEMS)].mean(axis=1).to_numpy(),
            "trust": reports[list(TRUST_ITEMS)].mean(axis=1).to_numpy(),
        }
    )


def _tie_table(ties: pd.DataFrame) -> pd.DataFrame:
    return ties[["source", "target", "weight", "kind", "value", "trust"]].reset_index(drop=True)


def _kind_flags(kinds: pd.Series) -> dict[str, pd.Series]:
    """Per kind of :data:`KINDS` (alphabetical), whether each ``;``-separated list names it."""
    padded = ";" + _text(kinds) + ";"
    return {kind: padded.str.contains(f";{kind};", regex=False) for kind in sorted(KINDS)}


def _kind_names(flags: pd.DataFrame) -> pd.Series:
    """The ``;``-joined names of the kinds flagged per row (``None`` for none), by a lookup of
    every combination (2 ** 5), not a join per row."""
    names = list(flags.columns)
    combinations = range(2 ** len(names))
    table = np.array(
        [";".join(k for bit, k in enumerate(names) if code >> bit & 1) or None for code in combinations],
        dtype=object,
    )
    codes = sum(flags[k].to_numpy(dtype=int) << bit for bit, k in enumerate(names))
    return pd.Series(table[codes], index=flags.index, dtype=object)


def _text(values: pd.Series) -> pd.Series:
    """Each value as a string, a missing one as ``""``."""
    return values.astype(object).where(values.notna(), "").astype(str)


def _kind_lists(values: pd.Series) -> pd.Series:
    """``;``-separated kinds without blanks around or between them, ``None`` for none."""
    joined = _text(values).str.replace(r"\s*;[\s;]*", ";", regex=True).str.strip().str.strip(";")
    return joined.where(joined != "", None)


def _mean(values: pd.Series) -> float | None:
    clean = values.dropna()
    return float(clean.mean()) if len(clean) else None
